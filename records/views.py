from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from curriculum.models import ClassMembership, TeachingAssignment
from journal.diary import family_glance
from portal.access import REGISTRY, access, may_read, readable_fields, today
from portal.uploads import file_response, private_file_fields

from .models import Parent, Pupil


@login_required
def family(request):
    """A parent's start page: their own children, and nobody else's (R-PD-5)."""
    context = access(request.user)
    children = list(
        Pupil.objects.filter(pk__in=context.child_pupil_ids)
        .select_related("person", "institution", "school_class__class_teacher__person")
        .order_by("person__search_name", "pk")
    )
    # Each child's day: today's lessons and marks, the homework for the next school
    # day, the latest marks (R-DRY-1; the diary has the rest).
    glances = family_glance(children)
    return render(request, "records/family.html", {
        "children": [(child, glances[child.pk]) for child in children],
        "today": today(),
    })


@login_required
def me(request):
    """A pupil's start page is their own card."""
    own = sorted(access(request.user).own_pupil_ids)
    if not own:
        raise Http404
    return redirect("records:pupil", pk=own[0])


@login_required
def pupil_detail(request, pk):
    user = request.user
    # Rows outside visible_to answer 404: the page must not even confirm the pupil exists.
    pupil = get_object_or_404(
        Pupil.objects.visible_to(user).select_related(
            "person", "institution", "school_class__class_teacher__person"
        ),
        pk=pk,
    )
    teachers = []
    if pupil.school_class_id:
        teachers = (
            TeachingAssignment.objects.filter(school_class_id=pupil.school_class_id)
            .select_related("subject", "teacher__person")
            .order_by("subject__name")
        )
    # R-CLS-1: the classes a pupil was in, with dates, for those who read class lists.
    classes = (
        ClassMembership.objects.visible_to(user).filter(pupil=pupil)
        .select_related("school_class").order_by("starts_on")
    )
    # The template shows the name, school and class of ``pupil``; anything more about
    # the person it shows only as handed over here, checked against what the user may
    # read of this pupil (R-TEN-3: the department reads no birth date, no family).
    # The pupil's own page and a parent's view of their child show the child's day;
    # staff read marks through the journal.
    own = access(user)
    glance = None
    if pupil.pk in own.own_pupil_ids | own.child_pupil_ids:
        glance = family_glance([pupil])[pupil.pk]
    return render(request, "records/pupil_detail.html", {
        "pupil": pupil,
        "glance": glance,
        # A pupil's own page is their start page (/me/): it lists their announcements.
        "own_page": pupil.pk in own.own_pupil_ids,
        "today": today(),
        "birth_date": (pupil.person.birth_date
                       if may_read(user, Pupil, "person__birth_date", pupil) else None),
        "class_history": classes,
        **movement_history(user, pupil),
        "teachers": teachers,
        "parents": pupil_parents(user, pupil),
        "can_edit": user.has_perm("records.change_pupil", pupil)
        and user.has_perm("wagtailadmin.access_admin"),
    })


def movement_history(user, pupil):
    """R-PPL-2: the pupil's movements from the book, oldest first, for those who read
    it; a reader of limited fields (the department) sees the kinds and dates only."""
    from movement.models import Movement

    rows = (Movement.objects.visible_to(user).filter(pupil=pupil)
            .select_related("order", "from_class", "to_class", "destination_institution")
            .order_by("date", "pk"))
    return {"movements": rows,
            "movements_limited": readable_fields(user, Movement) is not None}


def pupil_parents(user, pupil):
    """[(name, phone or "")] of the pupil's parents as the user may read them. The
    viewer's own parent record is no news to them; others appear only to staff."""
    if not may_read(user, Pupil, "parents", pupil):
        return []
    parents = (
        Parent.objects.visible_to(user)
        .filter(guardianships__pupil=pupil)
        .exclude(person__user=user)
        .select_related("person")
        .distinct()
    )
    return [(parent.person.full_name,
             parent.mobile_phone if may_read(user, Parent, "mobile_phone", parent) else "")
            for parent in parents]


@login_required
def private_file(request, name):
    """A file of the private storage (consent scans, licences, attached files), served
    only if the row holding it is one the user may read in full. Anything else is 404,
    so a guessed name confirms nothing."""
    for model, field in private_file_fields():
        opts = model._meta
        perm = REGISTRY.get(f"{opts.app_label}.view_{opts.model_name}")
        if perm is None:
            continue
        row = model._default_manager.visible_to(request.user, perm.name).filter(
            **{field.name: name}).first()
        # A row read with limited fields only (the department's) shows no documents.
        if row is None or perm.is_limited_for(request.user, row):
            continue
        try:
            return file_response(getattr(row, field.attname))
        except FileNotFoundError:
            raise Http404 from None
    raise Http404

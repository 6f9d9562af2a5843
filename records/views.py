from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from journal.models import TeachingAssignment
from portal.access import access

from .models import Parent, Pupil


@login_required
def family(request):
    """A parent's start page: their own children, and nobody else's (R-PD-5)."""
    context = access(request.user)
    children = (
        Pupil.objects.filter(pk__in=context.child_pupil_ids)
        .select_related("person", "institution", "school_class__class_teacher__person")
    )
    return render(request, "records/family.html", {"children": children})


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
    # The viewer's own parent record is no news to them; others appear only to staff.
    parents = (
        Parent.objects.visible_to(user)
        .filter(guardianships__pupil=pupil)
        .exclude(person__user=user)
        .select_related("person")
        .distinct()
    )
    return render(request, "records/pupil_detail.html", {
        "pupil": pupil,
        "teachers": teachers,
        "parents": parents,
        "can_edit": user.has_perm("records.change_pupil", pupil)
        and user.has_perm("wagtailadmin.access_admin"),
    })

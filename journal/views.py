from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tables2 import RequestConfig

from curriculum import actions
from curriculum.forms import SubgroupAddForm, SubgroupEndForm
from curriculum.models import (
    ClassMembership,
    Period,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    TeachingAssignment,
)
from curriculum.planning import plan_hours_by_class
from movement.actions import order_for
from movement.actions import transfer as transfer_by_order
from movement.forms import TransferForm
from movement.models import Order, OrderKind
from movement.rules import WRITE_ORDER
from portal.access import today
from records.models import Pupil
from schedule.models import TimetableEntry

from . import cells
from .forms import DayAbsenceForm, ExcuseForm
from .models import Attendance, AttendanceKind
from .rules import RECORD_ABSENCE
from .tables import ClassPupilTable


def visible_class(user, pk):
    return get_object_or_404(
        SchoolClass.objects.visible_to(user).select_related(
            "institution", "academic_year", "class_teacher__person", "profile", "home_room"
        ),
        pk=pk,
    )


@login_required
def class_detail(request, pk):
    user = request.user
    school_class = visible_class(user, pk)
    this_year = school_class.academic_year.is_current
    if this_year:
        pupils = Pupil.objects.visible_to(user).of_class(school_class).current()
    else:
        # A class of a year rolled over: who was in it that year, promoted, repeating
        # or graduated since (their cards are in other classes now, or closed).
        pupils = Pupil.objects.visible_to(user).filter(pk__in=ClassMembership.objects.filter(
            school_class=school_class).values("pupil_id"))
    pupils = pupils.select_related("person")
    # Which columns the user reads, asked of a pupil of this class.
    table = ClassPupilTable(pupils, user=user, row=Pupil(
        institution_id=school_class.institution_id, school_class_id=school_class.pk))
    RequestConfig(request, paginate=False).configure(table)
    teaching = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher__person", "subgroup")
        .order_by("subject__name", "subgroup__name")
    )
    # R-CLS-1: the subjects of the class come from the plan; the teachers from the load.
    plan = plan_hours_by_class(school_class.academic_year, [school_class])
    teachers = {}
    for t in teaching:
        if t.subgroup_id is None:
            teachers.setdefault(t.subject_id, []).append(t.teacher.person.full_name)
    subjects = sorted(
        ((subject, hours, teachers.get(subject.pk, []))
         for (_class, _pk), (subject, hours) in plan.items()),
        key=lambda item: item[0].name,
    )
    members = Prefetch(
        "memberships",
        queryset=SubgroupMembership.objects.visible_to(user).on(today())
        .select_related("pupil__person").order_by("pupil__person__search_name"),
        to_attr="current_members",
    )
    subgroups = (
        Subgroup.objects.filter(school_class=school_class)
        .select_related("subject", "teacher__person")
        .prefetch_related(members)
        .order_by("subject__name", "name")
    )
    return render(request, "journal/class_detail.html", {
        "school_class": school_class,
        "table": table,
        "teaching": teaching,
        "subjects": subjects,
        "subgroups": subgroups,
        "this_year": this_year,
        "may_transfer": this_year and user.has_perm(
            WRITE_ORDER, Order(institution_id=school_class.institution_id)),
        # The graduating classes' exams and certificates (attestation, above this app:
        # asked by the permission's name).
        "may_read_attestation": school_class.grade in (9, 11) and user.has_perm(
            "attestation.view_attestation", school_class),
        "may_manage_subgroups": user.has_perm(
            "curriculum.change_subgroupmembership",
            SubgroupMembership(institution_id=school_class.institution_id)),
        "may_edit_timetable": user.has_perm("schedule.change_timetableentry", TimetableEntry(
            institution_id=school_class.institution_id, school_class_id=school_class.pk)),
        "may_record_absence": user.has_perm(RECORD_ABSENCE, school_class),
    })


@login_required
def transfer(request, pk):
    """R-CLS-1, R-MOV-1: a pupil of this class moves to another class of the school on a
    date, under the school's order, written into the movement book."""
    user = request.user
    school_class = visible_class(user, pk)
    if not user.has_perm(WRITE_ORDER, Order(institution_id=school_class.institution_id)):
        raise PermissionDenied
    pupils = (Pupil.objects.visible_to(user).of_class(school_class).current()
              .select_related("person"))
    classes = (SchoolClass.objects.visible_to(user)
               .filter(institution_id=school_class.institution_id,
                       academic_year_id=school_class.academic_year_id)
               .exclude(pk=school_class.pk).order_by("grade", "letter"))
    form = TransferForm(request.POST or None, pupils=pupils, classes=classes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pupil, to_class = data["pupil"], data["to_class"]
        try:
            with transaction.atomic():
                order = order_for(
                    school_class.institution, data["order_number"], data["order_date"],
                    OrderKind.MOVEMENT, user)
                transfer_by_order(pupil, to_class, data["on"], order, user,
                                  reason=data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(pupil)s is transferred to class %(to)s.") % {
                "pupil": pupil.person.full_name, "to": to_class})
            return redirect("journal:class", pk=school_class.pk)
    return render(request, "journal/transfer.html", {"school_class": school_class,
                                                     "form": form})


@login_required
def subgroup_detail(request, pk):
    """The pupils of a subgroup with their dates; the list keepers add and remove them."""
    user = request.user
    subgroup = get_object_or_404(
        Subgroup.objects.visible_to(user).select_related(
            "school_class", "subject", "teacher__person"),
        pk=pk,
    )
    # The subgroup's pupils are read only by those who may read the class's lists.
    if not user.has_perm("curriculum.view_subgroupmembership",
                         SubgroupMembership(institution_id=subgroup.institution_id,
                                            subgroup=subgroup)):
        raise PermissionDenied
    may_change = user.has_perm("curriculum.change_subgroupmembership",
                               SubgroupMembership(institution_id=subgroup.institution_id))
    memberships = (SubgroupMembership.objects.visible_to(user).filter(subgroup=subgroup)
                   .select_related("pupil__person")
                   .order_by("pupil__person__search_name", "starts_on"))
    candidates = (Pupil.objects.visible_to(user).of_class(subgroup.school_class).current()
                  .select_related("person"))
    add_form = SubgroupAddForm(pupils=candidates)
    end_form = SubgroupEndForm(memberships=memberships.filter(ends_on__isnull=True))
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if request.POST.get("action") == "add":
            add_form = SubgroupAddForm(request.POST, pupils=candidates)
            form = add_form
        else:
            end_form = SubgroupEndForm(request.POST,
                                       memberships=memberships.filter(ends_on__isnull=True))
            form = end_form
        if form.is_valid():
            try:
                if form is add_form:
                    actions.add_to_subgroup(subgroup, form.cleaned_data["pupil"],
                                            form.cleaned_data["starts_on"], user)
                else:
                    actions.end_subgroup_membership(form.cleaned_data["membership"],
                                                    form.cleaned_data["ends_on"], user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The subgroup's list is saved."))
                return redirect("journal:subgroup", pk=subgroup.pk)
    return render(request, "journal/subgroup_detail.html", {
        "subgroup": subgroup,
        "memberships": memberships,
        "may_change": may_change,
        "add_form": add_form,
        "end_form": end_form,
        "today": today(),
    })


@login_required
def class_attendance(request, pk):
    """R-JRN-3: the class teacher enters a whole day's absence once (it fills the day's
    lessons) and excuses absences when a note or a certificate arrives; the table sums
    the current period's attendance per pupil."""
    user = request.user
    school_class = visible_class(user, pk)
    if not user.has_perm(RECORD_ABSENCE, school_class):
        raise PermissionDenied
    pupils = (Pupil.objects.filter(pk__in=ClassMembership.objects.filter(
        school_class=school_class).values("pupil")).select_related("person")
        .order_by("person__search_name"))
    day_form = DayAbsenceForm(request.POST if "day_absence" in request.POST else None,
                              pupils=pupils, initial={"day": today()})
    excuse_form = ExcuseForm(request.POST if "excuse" in request.POST else None,
                             pupils=pupils, initial={"first_day": today(), "last_day": today()})
    if request.method == "POST":
        try:
            if day_form.is_bound and day_form.is_valid():
                data = day_form.cleaned_data
                count = cells.record_day_absence(user, school_class, data["pupil"].pk,
                                                 data["day"], data["kind"])
                messages.success(request, ngettext(
                    "%(count)s lesson of %(pupil)s filled.",
                    "%(count)s lessons of %(pupil)s filled.", count) % {
                    "count": count, "pupil": data["pupil"].person.full_name})
                return redirect("journal:class_attendance", pk=school_class.pk)
            if excuse_form.is_bound and excuse_form.is_valid():
                data = excuse_form.cleaned_data
                count = cells.excuse_absences(user, school_class,
                                              [p.pk for p in data["pupils"]],
                                              data["first_day"], data["last_day"], data["kind"])
                messages.success(request, ngettext(
                    "%(count)s absence excused.", "%(count)s absences excused.", count)
                    % {"count": count})
                return redirect("journal:class_attendance", pk=school_class.pk)
        except ValidationError as error:
            form = day_form if day_form.is_bound else excuse_form
            form.add_error(None, error)
    period = Period.objects.for_class(school_class).containing(today()).first()
    totals = {}
    if period is not None:
        counts = (Attendance.objects.filter(lesson__school_class=school_class,
                                            lesson__date__gte=period.starts_on,
                                            lesson__date__lte=period.ends_on)
                  .values("pupil").annotate(**{
                      kind: Count("pk", filter=Q(kind=kind)) for kind in AttendanceKind.values}))
        totals = {row.pop("pupil"): row for row in counts}
    rows = [(pupil, totals.get(pupil.pk, {})) for pupil in pupils]
    return render(request, "journal/class_attendance.html", {
        "school_class": school_class, "period": period, "rows": rows,
        "kinds": AttendanceKind.choices, "day_form": day_form, "excuse_form": excuse_form})

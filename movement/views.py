"""The movement book's pages (R-MOV-1…3). Thin: the forms check the input, the
actions write the book, the matrix says who sees what. A school's pages answer 404 for
a school that does not exist and 403 for a user who may not read them; rows are read
through ``visible_to``."""

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from curriculum.models import AcademicYear, SchoolClass
from portal.access import access, today
from portal.exports import csv_response, xlsx_response
from records.models import Institution, Person, Pupil, normalize_name

from . import actions, rollover, tasks
from .filters import BookFilterSet
from .forms import AcceptForm, CancelForm, EnrolForm, LeaveForm, ReportForm, RolloverForm
from .models import (
    Arrival,
    ArrivalState,
    Movement,
    MovementKind,
    Order,
    OrderKind,
)
from .rules import ACCEPT_ARRIVAL, ROLL_OVER, VIEW_BOOK, VIEW_REPORT, WRITE_ORDER
from .tables import BookTable

PER_PAGE = 50


def school_for(request, institution_id, perm, model):
    institution = get_object_or_404(Institution, pk=institution_id)
    if not request.user.has_perm(perm, model(institution_id=institution.pk)):
        raise PermissionDenied
    return institution


def current_classes(institution):
    return (SchoolClass.objects.filter(institution=institution, academic_year__is_current=True)
            .order_by("grade", "letter"))


def export(rows, fmt, filename, title):
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, title=title)


@login_required
def start(request):
    """The book of the user's school, or the city's report for the department."""
    user = request.user
    for institution_id in sorted(access(user).school_roles):
        if user.has_perm(VIEW_BOOK, Movement(institution_id=institution_id)):
            return redirect("movement:book", institution_id=institution_id)
    if user.has_perm(VIEW_REPORT):
        return redirect("movement:report")
    raise PermissionDenied


@login_required
def book(request, institution_id):
    """R-MOV-1: the school's movement book, filtered by kind, date and class."""
    user = request.user
    institution = school_for(request, institution_id, VIEW_BOOK, Movement)
    rows = (Movement.objects.visible_to(user, VIEW_BOOK).filter(institution=institution)
            .select_related("pupil__person", "from_class", "to_class", "order",
                            "destination_institution", "cancels")
            .annotate(is_cancelled=Exists(Movement.objects.filter(cancels=OuterRef("pk")))))
    classes = (SchoolClass.objects.filter(institution=institution)
               .order_by("-academic_year__starts_on", "grade", "letter"))
    filters = BookFilterSet(request.GET or None, queryset=rows, classes=classes)
    rows = filters.qs
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export([[_("Date"), _("Movement"), _("Pupil"), _("From class"), _("To class"),
                        _("Order"), _("Reason")]] + [
            [m.date, m.get_kind_display(), m.pupil.person.full_name,
             str(m.from_class or ""), str(m.to_class or ""), str(m.order), m.reason]
            for m in rows.order_by("date", "pk")], fmt, "movement-book", _("Movement book"))
    table = BookTable(rows, user=user, row=Movement(institution_id=institution.pk))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    probe = Order(institution_id=institution.pk)
    return render(request, "movement/book.html", {
        "institution": institution, "table": table, "filter": filters,
        "may_write": user.has_perm(WRITE_ORDER, probe),
        "may_accept": user.has_perm(ACCEPT_ARRIVAL, Arrival(institution_id=institution.pk)),
        "may_roll_over": user.has_perm(ROLL_OVER, probe),
    })


@login_required
def enrol(request, institution_id):
    """R-MOV-2: a new pupil enters the school by an enrolment order: the person, the
    school's record and the enrolment into a class, in one step."""
    user = request.user
    institution = school_for(request, institution_id, WRITE_ORDER, Order)
    form = EnrolForm(request.POST or None, classes=current_classes(institution))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                order = actions.order_for(institution, data["order_number"],
                                          data["order_date"], OrderKind.ENROLMENT, user)
                person = Person.objects.filter(
                    search_name=normalize_name(data["surname"], data["name"],
                                               data["patronymic"]),
                    birth_date=data["birth_date"]).first() or Person.objects.create(
                    surname=data["surname"], name=data["name"],
                    patronymic=data["patronymic"], birth_date=data["birth_date"],
                    sex=data["sex"])
                pupil, _created = Pupil.objects.get_or_create(institution=institution,
                                                              person=person)
                actions.enrol(pupil, data["to_class"], data["on"], order, user,
                              reason=data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(pupil)s is enrolled in class %(to)s.") % {
                "pupil": person.full_name, "to": data["to_class"]})
            return redirect("movement:book", institution_id=institution.pk)
    return render(request, "movement/form.html", {
        "institution": institution, "form": form, "title": _("Enrol a pupil"),
        "button": _("Enrol"),
        "intro": _("The enrolment is the pupil's first entry in the movement book."),
    })


@login_required
def leave(request, institution_id):
    """A pupil leaves the school by an order: for another school of the city (offered
    there with the transcript of their finals), outside the city, or elsewhere."""
    user = request.user
    institution = school_for(request, institution_id, WRITE_ORDER, Order)
    pupils = (Pupil.objects.visible_to(user).filter(institution=institution).current()
              .select_related("person"))
    form = LeaveForm(request.POST or None, pupils=pupils, institution=institution)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                order = actions.order_for(institution, data["order_number"],
                                          data["order_date"], OrderKind.LEAVING, user)
                actions.leave(data["pupil"], data["on"], order, user,
                              data["destination_kind"], data["destination_institution"],
                              data["destination"], data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(pupil)s has left the school.") % {
                "pupil": data["pupil"].person.full_name})
            return redirect("movement:book", institution_id=institution.pk)
    return render(request, "movement/form.html", {
        "institution": institution, "form": form, "title": _("A pupil leaves the school"),
        "button": _("Write the leaving order"),
        "intro": _("Leaving for another school of the city offers the pupil to that "
                   "school with the transcript of their finals; it sees nothing more."),
    })


@login_required
def cancel(request, pk):
    """Only a cancelling order undoes a movement; the book keeps both."""
    user = request.user
    movement = get_object_or_404(
        Movement.objects.visible_to(user, VIEW_BOOK).select_related("pupil__person", "order"),
        pk=pk)
    if not user.has_perm(WRITE_ORDER, Order(institution_id=movement.institution_id)):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                order = actions.order_for(movement.institution, data["order_number"],
                                          data["order_date"], OrderKind.CANCELLATION, user)
                actions.cancel(movement, order, user, reason=data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The movement is cancelled."))
            return redirect("movement:book", institution_id=movement.institution_id)
    return render(request, "movement/form.html", {
        "institution": movement.institution, "form": form, "title": _("Cancel a movement"),
        "button": _("Write the cancelling order"),
        "intro": _("%(movement)s of %(pupil)s by %(order)s.") % {
            "movement": movement, "pupil": movement.pupil.person.full_name,
            "order": movement.order},
    })


@login_required
def arrivals(request, institution_id):
    """Pupils arriving from other schools of the city, for the receiving school."""
    user = request.user
    institution = school_for(request, institution_id, "movement.view_arrival", Arrival)
    rows = (Arrival.objects.visible_to(user).filter(institution=institution)
            .select_related("person", "from_institution", "pupil"))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export([[_("Pupil"), _("From school"), _("Grade"), _("Left on"),
                        _("State")]] + [
            [a.person.full_name, a.from_institution.short_name, a.grade, a.left_on,
             a.get_state_display()] for a in rows], fmt, "arrivals", _("Arriving pupils"))
    return render(request, "movement/arrivals.html", {"institution": institution,
                                                      "arrivals": rows})


@login_required
def arrival(request, pk):
    """One arriving pupil: the transcript they bring; the receiving school accepts
    them with its own enrolment order, or declines."""
    user = request.user
    row = get_object_or_404(Arrival.objects.visible_to(user).select_related(
        "person", "from_institution", "institution"), pk=pk)
    may_decide = row.state == ArrivalState.OFFERED and user.has_perm(ACCEPT_ARRIVAL, row)
    form = AcceptForm(request.POST or None, classes=current_classes(row.institution))
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if "decline" in request.POST:
            actions.decline_arrival(row, user)
            messages.success(request, _("The arrival is declined."))
            return redirect("movement:arrivals", institution_id=row.institution_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    order = actions.order_for(row.institution, data["order_number"],
                                              data["order_date"], OrderKind.ENROLMENT, user)
                    pupil = actions.accept_arrival(row, data["to_class"], data["on"], order,
                                                   user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(pupil)s is enrolled.") % {
                    "pupil": row.person.full_name})
                return redirect("records:pupil", pk=pupil.pk)
    return render(request, "movement/arrival.html", {
        "arrival": row, "form": form if may_decide else None,
        "finals": row.transcript.get("finals", []),
    })


def year_of(request):
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    return year if 2000 <= year <= 2100 else today().year


@login_required
def lists(request, institution_id):
    """R-MOV-3: the graduates and the leavers of a year."""
    user = request.user
    institution = school_for(request, institution_id, VIEW_BOOK, Movement)
    year = year_of(request)
    rows = (Movement.objects.visible_to(user, VIEW_BOOK).effective()
            .filter(institution=institution, date__year=year,
                    kind__in=[MovementKind.GRADUATION, MovementKind.LEAVING])
            .select_related("pupil__person", "from_class", "order", "destination_institution")
            .order_by("date", "pupil__person__search_name"))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export([[_("Movement"), _("Date"), _("Pupil"), _("Class"), _("Order"),
                        _("Where to")]] + [
            [m.get_kind_display(), m.date, m.pupil.person.full_name, str(m.from_class or ""),
             str(m.order), where(m)] for m in rows], fmt, f"leavers-{year}",
            _("Graduates and leavers"))
    rows = list(rows)
    return render(request, "movement/lists.html", {
        "institution": institution, "year": year,
        "graduates": [m for m in rows if m.kind == MovementKind.GRADUATION],
        "leavers": [(m, where(m)) for m in rows if m.kind == MovementKind.LEAVING],
    })


def where(movement):
    if movement.destination_institution_id:
        return movement.destination_institution.short_name
    return movement.destination or movement.get_destination_kind_display()


@login_required
def report(request):
    """R-MOV-3: the movements of a date range by kind, per school the user reads and for
    all of them together (the department: the city)."""
    user = request.user
    if not user.has_perm(VIEW_REPORT):
        raise PermissionDenied
    form = ReportForm(request.GET or None)
    ends_on = today()
    starts_on = ends_on - datetime.timedelta(days=365)
    if form.is_valid():
        starts_on = form.cleaned_data["starts_on"] or starts_on
        ends_on = form.cleaned_data["ends_on"] or ends_on
    counts = (Movement.objects.visible_to(user, VIEW_REPORT).effective()
              .filter(date__gte=starts_on, date__lte=ends_on)
              .values_list("institution_id", "kind").annotate(n=Count("pk")).order_by())
    by_school, total = {}, Counter()
    for institution_id, kind, n in counts:
        by_school.setdefault(institution_id, Counter())[kind] += n
        total[kind] += n
    names = dict(Institution.objects.filter(pk__in=by_school)
                 .values_list("pk", "short_name"))
    kinds = [(value, label) for value, label in MovementKind.choices
             if value != MovementKind.CANCELLATION]
    rows = [(names[pk], [by_school[pk][k] for k, _label in kinds])
            for pk in sorted(by_school, key=lambda pk: names[pk])]
    totals = [total[k] for k, _label in kinds]
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export([[_("School"), *[label for _k, label in kinds]]]
                      + [[name, *values] for name, values in rows]
                      + [[_("Total"), *totals]], fmt, "movement-report", _("Movement report"))
    return render(request, "movement/report.html", {
        "form": form, "kinds": kinds, "rows": rows, "totals": totals,
        "starts_on": starts_on, "ends_on": ends_on,
    })


@login_required
def year_rollover(request, institution_id):
    """R-MOV-4: the preview of the school's year rollover, editable, and its apply."""
    user = request.user
    institution = school_for(request, institution_id, ROLL_OVER, Order)
    year = AcademicYear.objects.filter(institution=institution, is_current=True).first()
    if year is None:
        messages.error(request, _("The school has no current academic year."))
        return redirect("movement:book", institution_id=institution.pk)
    plan = rollover.preview(year)
    form = RolloverForm(request.POST or None, plan=plan, staff=tasks.rollover_staff(institution))
    running = tasks.is_running(tasks.status_of(institution.pk))
    if request.method == "POST" and running:
        messages.error(request, _("The school's rollover is already running."))
        return redirect("movement:rollover_progress", institution_id=institution.pk)
    if request.method == "POST" and form.is_valid():
        # What can be checked before the worker takes it is checked here, so the deputy
        # mends the preview on its own page; the worker applies it all or nothing.
        problems = rollover.check(form.edited())
        for message in problems:
            form.add_error(None, message)
        if not problems:
            if not tasks.start(year, user, request.POST.dict(), get_language()):
                messages.error(request, _("The school's rollover is already running."))
            return redirect("movement:rollover_progress", institution_id=institution.pk)
    classes = [{"plan": row, "letter": form[f"letter_{row.school_class.pk}"]
                if not row.graduates else None,
                "teacher": form[f"teacher_{row.school_class.pk}"]
                if not row.graduates else None,
                "pupils": [(p, form[f"decision_{p.pupil.pk}"]) for p in row.pupils]}
               for row in plan.classes]
    periods = [(row, form[f"period_{row.period.pk}_starts"],
                form[f"period_{row.period.pk}_ends"]) for row in plan.periods]
    return render(request, "movement/rollover.html", {
        "institution": institution, "year": year, "plan": plan, "form": form,
        "classes": classes, "periods": periods, "counts": plan.counts(),
        "flagged": sum(1 for row in plan.pupils() if row.flagged), "running": running,
    })


@login_required
def rollover_progress(request, institution_id):
    """How far the school's rollover has come; the page reloads itself until it is done."""
    institution = school_for(request, institution_id, ROLL_OVER, Order)
    status = tasks.status_of(institution.pk)
    if status is None:
        return redirect("movement:rollover", institution_id=institution.pk)
    running = tasks.is_running(status)
    return render(request, "movement/rollover_progress.html", {
        "institution": institution, "status": status, "running": running,
        "lost": status["state"] in (tasks.QUEUED, tasks.RUNNING) and not running,
        "seconds": int((timezone.now() - status["started"]).total_seconds()),
    })

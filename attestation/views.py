"""The final attestation on the portal: the graduating classes, one class's exams and
certificate marks, the forms that change them. Every class is found through
``visible_to`` with the attestation's permissions: another school's class is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import registry as log_registry

from curriculum.models import SchoolClass
from portal.exports import xlsx_response
from records.models import Pupil

from . import actions
from .forms import ExamForm, MarkForm
from .models import GRADUATING_GRADES, CertificateMark, ExamResult
from .rules import MANAGE_ATTESTATION, VIEW_ATTESTATION


def visible_class(user, pk):
    return get_object_or_404(
        SchoolClass.objects.visible_to(user, VIEW_ATTESTATION)
        .filter(grade__in=GRADUATING_GRADES)
        .select_related("institution", "academic_year"), pk=pk)


def managed_class(user, pk):
    school_class = visible_class(user, pk)
    if not user.has_perm(MANAGE_ATTESTATION, school_class):
        raise PermissionDenied
    return school_class


@login_required
def index(request):
    """The graduating classes of the current year the user may read."""
    classes = list(SchoolClass.objects.visible_to(request.user, VIEW_ATTESTATION)
                   .current().filter(grade__in=GRADUATING_GRADES)
                   .select_related("institution").order_by("institution__short_name",
                                                           "grade", "letter"))
    if not classes:
        raise Http404
    return render(request, "attestation/index.html", {"classes": classes})


class Sheet:
    """A class's graduates with their exams and certificate marks, by subject."""

    def __init__(self, school_class):
        year = school_class.academic_year
        pupil_ids = actions.graduates(school_class)
        self.pupils = list(Pupil.objects.filter(pk__in=pupil_ids).select_related("person")
                           .order_by("person__search_name", "pk"))
        marks = (CertificateMark.objects.filter(pupil_id__in=pupil_ids, academic_year=year)
                 .select_related("subject"))
        self.marks = {(m.pupil_id, m.subject_id): m for m in marks}
        self.exams = {}
        for exam in (ExamResult.objects.filter(pupil_id__in=pupil_ids, academic_year=year)
                     .select_related("subject").order_by("subject__name")):
            self.exams.setdefault(exam.pupil_id, []).append(exam)
        subjects = {m.subject for m in self.marks.values()}
        self.subjects = sorted(subjects, key=lambda s: (s.name, s.pk))

    def rows(self):
        for pupil in self.pupils:
            yield (pupil, self.exams.get(pupil.pk, []),
                   [self.marks.get((pupil.pk, s.pk)) for s in self.subjects])


@login_required
def class_sheet(request, pk):
    school_class = visible_class(request.user, pk)
    sheet = Sheet(school_class)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(sheet_rows(sheet), f"attestation-{school_class}.xlsx",
                             title=str(school_class))
    return render(request, "attestation/class.html", {
        "school_class": school_class, "sheet": sheet, "rows": list(sheet.rows()),
        "may_manage": request.user.has_perm(MANAGE_ATTESTATION, school_class),
    })


def sheet_rows(sheet):
    yield [_("Pupil"), _("Exams"), *[s.name for s in sheet.subjects]]
    for pupil, exams, marks in sheet.rows():
        yield [pupil.person.full_name,
               "; ".join(f"{e.get_form_display()} {e.subject.name}: "
                         f"{e.mark or e.test_score or '—'}" for e in exams),
               *[(m.value if m and m.value else "") for m in marks]]


@login_required
@require_POST
def compute(request, pk):
    school_class = managed_class(request.user, pk)
    try:
        created, updated = actions.compute_certificate(school_class, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, actions.computed_message(created, updated))
    return redirect("attestation:class", pk=school_class.pk)


def _exam_form(request, school_class, exam):
    pupils = Pupil.objects.filter(pk__in=actions.graduates(school_class)).select_related(
        "person").order_by("person__search_name")
    form = ExamForm(request.POST or None, instance=exam, school_class=school_class,
                    pupils=pupils, subjects=school_class.subjects().order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_exam(form.instance, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The exam is saved."))
            return redirect("attestation:class", pk=school_class.pk)
    return render(request, "attestation/exam_form.html",
                  {"school_class": school_class, "form": form, "exam": exam})


@login_required
def add_exam(request, pk):
    school_class = managed_class(request.user, pk)
    return _exam_form(request, school_class, ExamResult())


def managed_exam(user, pk):
    exam = get_object_or_404(ExamResult.objects.visible_to(user), pk=pk)
    if not user.has_perm("attestation.change_examresult", exam):
        raise PermissionDenied
    school_class = managed_class(user, exam.pupil.school_class_id or 0)
    return exam, school_class


@login_required
def edit_exam(request, pk):
    exam, school_class = managed_exam(request.user, pk)
    return _exam_form(request, school_class, exam)


@login_required
@require_POST
def delete_exam(request, pk):
    exam, school_class = managed_exam(request.user, pk)
    actions.delete_exam(exam, request.user)
    messages.success(request, _("The exam is deleted."))
    return redirect("attestation:class", pk=school_class.pk)


@login_required
def mark(request, pk):
    """One certificate mark: how it was computed, its history, and for the keepers the
    form that changes it."""
    user = request.user
    mark = get_object_or_404(CertificateMark.objects.visible_to(user)
                             .select_related("pupil__person", "subject"), pk=pk)
    school_class = visible_class(user, mark.pupil.school_class_id or 0)
    may_change = user.has_perm("attestation.change_certificatemark", mark)
    form = MarkForm(request.POST or None,
                    initial={"value": mark.value, "reason": mark.reason})
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.change_mark(mark, form.cleaned_data["value"],
                                    form.cleaned_data["reason"], user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The certificate mark is saved."))
                return redirect("attestation:class", pk=school_class.pk)
    history = log_registry.get_logs_for_instance(mark).select_related("user")[:50]
    return render(request, "attestation/mark.html", {
        "mark": mark, "school_class": school_class, "form": form,
        "may_change": may_change, "history": history,
    })

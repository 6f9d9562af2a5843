"""The teacher's journals and the deputy director's overview of a school's journals:
what is missing (R-JRN-5). The queries are in overview.py."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from curriculum.models import SchoolClass
from portal.access import today
from records.models import Institution, Staff
from schedule.models import Lesson

from . import overview
from .rules import REVIEW_JOURNALS


@login_required
def index(request):
    """The logged-in teacher's journals of this year and what each one lacks."""
    user = request.user
    # Pupils, parents and the department keep no journal: the page is not theirs.
    if not user.is_superuser and not Staff.objects.filter(person__user=user).exists():
        raise Http404
    day = today()
    rows = overview.teacher_journals(user, day)
    schools = list(Institution.objects.filter(
        pk__in=SchoolClass.objects.visible_to(user, REVIEW_JOURNALS).values("institution"))
        .order_by("short_name"))
    return render(request, "journal/overview/index.html", {
        "rows": rows, "day": day, "few_marks": overview.FEW_MARKS, "review_schools": schools,
    })


SORTS = {
    "class": lambda r: (r.school_class.grade, r.school_class.letter, r.subject.name,
                        r.subgroup.name if r.subgroup else "", teacher_name(r)),
    "teacher": lambda r: (teacher_name(r), r.school_class.grade, r.school_class.letter,
                          r.subject.name),
    "missing": lambda r: (-r.missing, r.school_class.grade, r.school_class.letter,
                          r.subject.name),
}


def teacher_name(row):
    return row.teacher.person.search_name if row.teacher else ""


class OverviewFilter(forms.Form):
    school_class = forms.ModelChoiceField(queryset=SchoolClass.objects.none(), required=False,
                                          label=_("Class"), empty_label=_("All classes"))
    teacher = forms.ModelChoiceField(queryset=Staff.objects.none(), required=False,
                                     label=_("Teacher"), empty_label=_("All teachers"))
    sort = forms.ChoiceField(required=False, label=_("Order by"), choices=[
        ("class", _("class")), ("teacher", _("teacher")), ("missing", _("most missing"))])

    def __init__(self, data, classes):
        super().__init__(data)
        self.fields["school_class"].queryset = classes
        self.fields["teacher"].queryset = (
            Staff.objects.filter(pk__in=Lesson.objects.filter(school_class__in=classes)
                                 .values("teacher")).select_related("person")
            .order_by("person__search_name"))
        self.fields["teacher"].label_from_instance = lambda staff: staff.person.full_name


@login_required
def school_overview(request, pk):
    """Per class, journal and teacher: lessons held, without a topic, without the
    register; pupils with few marks in the current period; missing period finals."""
    user = request.user
    reviewable = SchoolClass.objects.visible_to(user, REVIEW_JOURNALS).filter(institution_id=pk)
    # A school whose journals the user does not review is, for them, not there.
    institution = Institution.objects.filter(pk=pk, pk__in=reviewable.values("institution")
                                             ).first()
    if institution is None:
        raise Http404
    classes = reviewable.current().order_by("grade", "letter")
    form = OverviewFilter(request.GET or None, classes)
    chosen_class = chosen_teacher = None
    sort = "class"
    if form.is_bound and form.is_valid():
        chosen_class = form.cleaned_data["school_class"]
        chosen_teacher = form.cleaned_data["teacher"]
        sort = form.cleaned_data["sort"] or "class"
    day = today()
    rows = overview.school_overview(
        list(classes.filter(pk=chosen_class.pk) if chosen_class else classes), day)
    if chosen_teacher is not None:
        rows = [r for r in rows if r.teacher and r.teacher.pk == chosen_teacher.pk]
    rows.sort(key=SORTS[sort])
    by_class = sorted(overview.totals(rows, lambda r: r.school_class),
                      key=lambda item: (item[0].grade, item[0].letter))
    by_teacher = sorted(overview.totals(rows, lambda r: r.teacher),
                        key=lambda item: item[0].person.search_name if item[0] else "")
    return render(request, "journal/overview/school.html", {
        "institution": institution, "rows": rows, "form": form, "day": day,
        "by_class": by_class, "by_teacher": by_teacher, "few_marks": overview.FEW_MARKS,
    })

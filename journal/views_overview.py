"""The teacher's journals and the deputy director's overview of a school's journals:
what is missing (R-JRN-5). The queries are in overview.py."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from curriculum.models import SchoolClass
from portal.access import Role, access, today

from . import overview
from .rules import RECORD_ABSENCE, REVIEW_JOURNALS


@login_required
def index(request):
    """Where everyone who reads journals starts: the teacher's own journals with what
    each one lacks, the class teacher's class with all its journals, and for the
    school's leadership the overview and every class of their schools."""
    user = request.user
    # The staff rows found here are also how the teacher's lessons are found.
    staff = overview.staff_ids(user)
    # One query: the current classes the user leads or reviews, with their schools.
    context = access(user)
    reviewable = SchoolClass.objects.visible_to(user, REVIEW_JOURNALS)
    classes = list(overview.with_period_types(
        SchoolClass.objects.current()
        .annotate(reviewed=Exists(reviewable.filter(pk=OuterRef("pk"))))
        .filter(Q(pk__in=context.led_class_ids) | Q(reviewed=True)))
        .select_related("institution").order_by("institution__short_name", "grade",
                                                "letter", "pk"))
    # The class teacher reads every journal of their class (JOURNAL_READERS); the right
    # to edit one's class's lists (R-TEN-6) alone reads none.
    leads_in = context.institutions_with(Role.CLASS_TEACHER)
    led = [c for c in classes if c.pk in context.led_class_ids and c.institution_id in leads_in]
    # Pupils, parents and the department keep no journal: the page is not theirs.
    if not user.is_superuser and not staff and not classes:
        raise Http404
    day = today()
    rows = overview.teacher_journals(user, day, staff)
    schools = {}
    for c in classes:
        if c.reviewed:
            schools.setdefault(c.institution, []).append(c)
    led_rows = overview.school_overview(led, day) if led else []
    by_class = {c.pk: [] for c in led}
    for row in led_rows:
        by_class[row.school_class.pk].append(row)
    return render(request, "journal/overview/index.html", {
        "rows": rows, "day": day, "few_marks": overview.FEW_MARKS,
        "teaches": bool(rows) or not (led or schools),
        "led": [(c, overview.render_school_rows(
            sorted(by_class[c.pk], key=SORTS["class"]), with_class=False),
                 bool(by_class[c.pk]), user.has_perm(RECORD_ABSENCE, c)) for c in led],
        "review_schools": list(schools.items()),
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
    """The choices are the school's current classes and the teachers of their lessons,
    both already read for the page (a model choice field would read them again to
    render and once more to validate)."""

    school_class = forms.ChoiceField(required=False, label=_("Class"))
    teacher = forms.ChoiceField(required=False, label=_("Teacher"))
    sort = forms.ChoiceField(required=False, label=_("Order by"), choices=[
        ("class", _("class")), ("teacher", _("teacher")), ("missing", _("most missing"))])

    def __init__(self, data, classes, teachers):
        super().__init__(data)
        self.classes = {str(c.pk): c for c in classes}
        self.teachers = {str(t.pk): t for t in sorted(
            teachers, key=lambda t: (t.person.search_name, t.pk))}
        self.fields["school_class"].choices = [("", _("All classes"))] + [
            (pk, str(c)) for pk, c in self.classes.items()]
        self.fields["teacher"].choices = [("", _("All teachers"))] + [
            (pk, t.person.full_name) for pk, t in self.teachers.items()]

    def clean_school_class(self):
        return self.classes.get(self.cleaned_data["school_class"])

    def clean_teacher(self):
        return self.teachers.get(self.cleaned_data["teacher"])


@login_required
def school_overview(request, pk):
    """Per class, journal and teacher: lessons held, without a topic, without the
    register; pupils with few marks in the current period; missing period finals."""
    user = request.user
    reviewable = SchoolClass.objects.visible_to(user, REVIEW_JOURNALS).filter(institution_id=pk)
    # One query: the school's classes the user reviews, of every year (a school whose
    # journals the user does not review is, for them, not there), with their period
    # types for the counts.
    classes = list(overview.with_period_types(reviewable).select_related(
        "institution", "academic_year").order_by("grade", "letter", "pk"))
    if not classes:
        raise Http404
    institution = classes[0].institution
    classes = [c for c in classes if c.academic_year.is_current]
    day = today()
    rows = overview.school_overview(classes, day)
    teachers = {r.teacher.pk: r.teacher for r in rows if r.teacher}
    form = OverviewFilter(request.GET or None, classes, teachers.values())
    chosen_class = chosen_teacher = None
    sort = "class"
    if form.is_bound and form.is_valid():
        chosen_class = form.cleaned_data["school_class"]
        chosen_teacher = form.cleaned_data["teacher"]
        sort = form.cleaned_data["sort"] or "class"
    if chosen_class is not None:
        rows = [r for r in rows if r.school_class.pk == chosen_class.pk]
    if chosen_teacher is not None:
        rows = [r for r in rows if r.teacher and r.teacher.pk == chosen_teacher.pk]
    rows.sort(key=SORTS[sort])
    by_class = sorted(overview.totals(rows, lambda r: r.school_class),
                      key=lambda item: (item[0].grade, item[0].letter))
    by_teacher = sorted(overview.totals(rows, lambda r: r.teacher),
                        key=lambda item: item[0].person.search_name if item[0] else "")
    return render(request, "journal/overview/school.html", {
        "institution": institution, "rows": rows, "form": form, "day": day,
        "rows_html": overview.render_school_rows(rows),
        "by_class": by_class, "by_teacher": by_teacher, "few_marks": overview.FEW_MARKS,
        "by_class_html": overview.render_totals(by_class, str),
        "by_teacher_html": overview.render_totals(
            by_teacher, lambda teacher: teacher.person.full_name if teacher else ""),
    })

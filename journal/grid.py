"""Loading one journal (R-JRN-1…6): the grid of a class (or subgroup) and subject over
one period — pupils in rows, lessons and their works in columns, attendance, averages
and finals — with what the user may fill.

Everything is read with a fixed number of queries, whatever the number of pupils,
lessons and marks: rows are gathered into dicts and the cells are put together in
Python. Writing goes through ``journal.cells``; this module only reads.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from curriculum.models import (
    ClassMembership,
    MarkType,
    Period,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    Subject,
)
from portal.access import today
from portal.ids import id_or_404
from records.models import Staff
from schedule.models import Lesson

from . import cells
from .models import (
    ATTENDANCE_LETTERS,
    Attendance,
    AttendanceKind,
    FinalKind,
    FinalMark,
    HomeworkFile,
    Mark,
    Task,
    weighted_average,
)
from .rules import FILL_JOURNAL, VIEW_JOURNAL


def grid_url(school_class_id, subject_id, subgroup_id=None, period_id=None):
    query = {key: value for key, value in (("group", subgroup_id), ("period", period_id))
             if value}
    url = reverse("journal:grid", args=[school_class_id, subject_id])
    return f"{url}?{urlencode(query)}" if query else url


def attendance_letter(row):
    """The paper journal's letter of an attendance entry (with the minutes when late)."""
    if row is None:
        return ""
    letter = str(ATTENDANCE_LETTERS[AttendanceKind(row.kind)])
    return f"{letter}{row.late_minutes}" if row.kind == AttendanceKind.LATE else letter


@dataclass
class Column:
    """One lesson of the grid with its works."""

    lesson: Lesson
    tasks: list
    may_fill: bool = False
    date_label: str = ""

    @property
    def homework(self):
        return getattr(self.lesson, "homework", None)

    @property
    def span(self):
        return 1 + len(self.tasks)


@dataclass
class Cell:
    """One pupil in one lesson: attendance and the marks of the lesson's works."""

    column: Column
    inside: bool  # the pupil was in the class (subgroup) on the lesson's date
    attendance: object = None
    marks: list = field(default_factory=list)  # [(task, Mark or None)]

    @property
    def editable(self):
        return self.inside and self.column.may_fill

    @property
    def attendance_text(self):
        return attendance_letter(self.attendance)


@dataclass
class Row:
    pupil: object
    spans: list  # [(starts_on, ends_on or None)], the pupil's memberships in the period
    cells: list = field(default_factory=list)
    average: Decimal | None = None
    hint: int | None = None
    finals: list = field(default_factory=list)  # [(kind, period or None, FinalMark or None)]
    period_start: object = None
    period_end: object = None

    @property
    def cells_html(self):
        return render_cells(self)

    @property
    def partial(self):
        """Joined or left during the period: shown with their dates."""
        return bool(self.spans) and any(
            start > self.period_start or (end is not None and end < self.period_end)
            for start, end in self.spans)


@dataclass
class Journal:
    school_class: SchoolClass
    subject: Subject
    subgroup: Subgroup | None
    period: Period
    periods: list
    subgroups: list  # [(pk or None, name)] of the class's journals of this subject
    columns: list
    rows: list
    settings: object
    scale: list
    teachers: list
    mark_types: list
    marks_allowed: bool
    may_enter_finals: bool
    final_heads: list  # [(kind, period or None, label)]

    @property
    def read_only(self):
        return self.period.is_closed

    @property
    def may_fill_any(self):
        return not self.read_only and any(c.may_fill for c in self.columns)

    @property
    def finals_editable(self):
        return self.may_enter_finals and self.marks_allowed


def _int_or_404(value):
    return None if value in (None, "") else id_or_404(value)


def _choose_period(periods, period_pk):
    if period_pk is not None:
        for period in periods:
            if period.pk == period_pk:
                return period
        raise Http404
    day = today()
    for period in periods:
        if period.starts_on <= day <= period.ends_on:
            return period
    return periods[-1]


def _memberships(school_class, subgroup, period):
    if subgroup is not None:
        rows = SubgroupMembership.objects.filter(subgroup=subgroup)
    else:
        rows = ClassMembership.objects.filter(school_class=school_class)
    return (rows.overlapping(period.starts_on, period.ends_on)
            .select_related("pupil__person").order_by("starts_on"))


def _rows(memberships, period):
    """One row per pupil, sorted by name, with their dates clipped to the period."""
    rows = {}
    for membership in memberships:
        row = rows.setdefault(membership.pupil_id, Row(
            membership.pupil, [], period_start=period.starts_on, period_end=period.ends_on))
        row.spans.append((membership.starts_on, membership.ends_on))
    return sorted(rows.values(), key=lambda row: (row.pupil.person.search_name, row.pupil.pk))


def _inside(spans, day):
    return any(start <= day and (end is None or day <= end) for start, end in spans)


def open_journal(user, school_class_pk, subject_pk, subgroup_pk=None, period_pk=None):
    """The journal of (class, subject, subgroup) over a period, or Http404 when the user
    may not read it (a page never confirms that another school's class exists)."""
    school_class_pk, subject_pk = _int_or_404(school_class_pk), _int_or_404(subject_pk)
    subgroup_pk, period_pk = _int_or_404(subgroup_pk), _int_or_404(period_pk)
    if school_class_pk is None or subject_pk is None:
        raise Http404
    # The journals of this class and subject the user may read: the whole class's and
    # each subgroup's, as far as the user reads lessons of them.
    visible = dict(
        Lesson.objects.visible_to(user, VIEW_JOURNAL)
        .filter(school_class_id=school_class_pk, subject_id=subject_pk)
        .values_list("subgroup_id", "subgroup__name").distinct().order_by())
    if not visible:
        raise Http404
    if subgroup_pk is None and None not in visible:
        # Only subgroups: open the first one rather than an empty whole-class journal.
        subgroup_pk = min(visible, key=lambda pk: (visible[pk], pk))
    if subgroup_pk not in visible:
        raise Http404
    subgroups = sorted(visible.items(), key=lambda item: (item[0] is not None, item[1] or ""))
    school_class = (SchoolClass.objects.select_related("institution", "academic_year")
                    .get(pk=school_class_pk))
    subject = Subject.objects.get(pk=subject_pk)
    subgroup = Subgroup.objects.get(pk=subgroup_pk) if subgroup_pk else None

    periods = list(Period.objects.for_class(school_class))
    if not periods:
        raise Http404
    period = _choose_period(periods, period_pk)

    settings = cells.school_settings(school_class.institution_id)
    scale = settings.grading_scale.mark_list() if settings else ["5", "4", "3", "2", "1"]
    marks_allowed = not (school_class.grade == 1
                         and (settings is None or settings.no_marks_in_first_grade))

    lessons = list(
        Lesson.objects.filter(school_class=school_class, subject=subject, subgroup=subgroup,
                              is_cancelled=False)
        .between(period.starts_on, period.ends_on)
        .select_related("homework", "teacher__person", "replaced_teacher__person")
        .prefetch_related(
            Prefetch("co_teachers", queryset=Staff.objects.select_related("person")),
            Prefetch("tasks", queryset=Task.objects.select_related("mark_type").order_by("pk")),
            Prefetch("homework__files", queryset=HomeworkFile.objects.order_by("pk")))
        .order_by("date", "lesson_number", "pk"))
    fillable = set()
    if lessons and not period.is_closed:
        fillable = set(Lesson.objects.visible_to(user, FILL_JOURNAL)
                       .filter(pk__in=[lesson.pk for lesson in lessons])
                       .values_list("pk", flat=True))
    day = today()
    columns = [Column(lesson, list(lesson.tasks.all()) if marks_allowed else [],
                      may_fill=lesson.pk in fillable and lesson.date <= day)
               for lesson in lessons]
    # What every cell of a column repeats, put together once per column and work: the
    # grid has thousands of cells, and template filters per cell cost more than the
    # queries.
    weight = _("weight")
    for column in columns:
        column.date_label = f"{column.lesson.date:%d.%m}"
        for task in column.tasks:
            kind = task.mark_type.short_name or task.mark_type.name
            task.cell_title = f"{kind}, {weight} {task.mark_type.weight.normalize():f}"
    teachers = []
    for lesson in lessons:
        for teacher in lesson.teacher_list():
            if teacher.person.short_name not in teachers:
                teachers.append(teacher.person.short_name)

    rows = _rows(_memberships(school_class, subgroup, period), period)
    pupil_ids = [row.pupil.pk for row in rows]
    marks, attendance = {}, {}
    if lessons and pupil_ids:
        # No ordering (the models' default orders through the lesson and the pupil's
        # name, joins the big tables need not make) and the works already loaded above.
        tasks = {task.pk: task for column in columns for task in column.tasks}
        for mark in Mark.objects.filter(lesson__in=lessons, pupil_id__in=pupil_ids).order_by():
            if mark.task_id in tasks:
                mark.task = tasks[mark.task_id]
                marks[mark.task_id, mark.pupil_id] = mark
        for entry in (Attendance.objects.filter(lesson__in=lessons, pupil_id__in=pupil_ids)
                      .order_by()):
            attendance[entry.lesson_id, entry.pupil_id] = entry

    # Finals: the shown period's; with the last period of the year also the year's and
    # the exam's.
    final_heads = [(FinalKind.PERIOD, period, _("Period"))]
    if period.pk == periods[-1].pk:
        final_heads += [(FinalKind.YEAR, None, _("Year")), (FinalKind.EXAM, None, _("Exam"))]
    finals = {}
    if pupil_ids and marks_allowed:
        query = FinalMark.objects.filter(pupil_id__in=pupil_ids, subject=subject)
        wanted = query.filter(kind=FinalKind.PERIOD, period=period)
        if len(final_heads) > 1:
            wanted = wanted | query.filter(academic_year_id=school_class.academic_year_id,
                                           kind__in=[FinalKind.YEAR, FinalKind.EXAM])
        for final in wanted.order_by():
            finals[final.pupil_id, final.kind] = final

    for row in rows:
        pupil_marks = []
        for column in columns:
            cell = Cell(column, _inside(row.spans, column.lesson.date),
                        attendance.get((column.lesson.pk, row.pupil.pk)))
            for task in column.tasks:
                mark = marks.get((task.pk, row.pupil.pk))
                cell.marks.append((task, mark))
                if mark is not None:
                    pupil_marks.append(mark)
            row.cells.append(cell)
        if marks_allowed:
            row.average = weighted_average(pupil_marks)
            if row.average is not None and settings is not None:
                row.hint = settings.round_final(row.average)
            row.finals = [(kind, p, finals.get((row.pupil.pk, kind)))
                          for kind, p, _label in final_heads]

    mark_types = []
    if marks_allowed and any(column.may_fill for column in columns):
        mark_types = list(MarkType.objects.for_institution(school_class.institution_id)
                          .order_by("name"))
    return Journal(
        school_class=school_class, subject=subject, subgroup=subgroup, period=period,
        periods=periods, subgroups=subgroups, columns=columns, rows=rows,
        settings=settings, scale=scale, teachers=teachers, mark_types=mark_types,
        marks_allowed=marks_allowed,
        may_enter_finals=(marks_allowed and cells.may_enter_finals(user, school_class,
                                                                    subject)),
        final_heads=final_heads,
    )


def render_cells(row):
    """A pupil's cells of the grid as HTML. Put together here rather than in the
    template: a quarter's grid has thousands of cells, and the template engine spent ten
    times as long on them as the queries take. Every value is escaped."""
    # The standard library's escape: Django's lazy-aware one costs more per call.
    name, pupil = escape(row.pupil.person.short_name), row.pupil.pk
    debt_word = _("debt")
    outside = escape(_("Not in the class on this date"))
    out = []
    for cell in row.cells:
        if not cell.inside:
            out.append(f'<td class="jg-out" title="{outside}"></td>'
                       + '<td class="jg-out"></td>' * len(cell.marks))
            continue
        column, entry = cell.column, cell.attendance
        title, text = escape(str(entry) if entry else ""), escape(cell.attendance_text)
        if cell.editable:
            inner = (f'<input class="jg-input" data-kind="attendance" '
                     f'data-lesson="{column.lesson.pk}" data-pupil="{pupil}" '
                     f'data-version="{entry.version if entry else 0}" value="{text}" '
                     f'title="{title}" aria-label="{name}, {column.date_label}" '
                     f'autocomplete="off" size="3">')
        else:
            inner = f'<span title="{title}">{text}</span>'
        absent = " jg-absent" if entry else ""
        out.append(f'<td class="jg-att{absent}" data-att-cell>{inner}</td>')
        for task, mark in cell.marks:
            comment = mark.comment if mark is not None else ""
            text = ""
            if mark is not None:
                text = debt_word if mark.is_debt and not mark.value else mark.value
            text = escape(text)
            title = escape(task.cell_title + (f": {comment}" if comment else ""))
            if cell.editable:
                inner = (f'<input class="jg-input" data-kind="mark" data-task="{task.pk}" '
                         f'data-pupil="{pupil}" '
                         f'data-version="{mark.version if mark is not None else 0}" '
                         f'data-comment="{escape(comment)}" value="{text}" title="{title}" '
                         f'aria-label="{name}, {column.date_label}, {escape(str(task))}" '
                         f'autocomplete="off" size="3">')
            elif mark is not None:
                debt = "jg-debt" if mark.is_debt else ""
                inner = f'<span class="{debt}" title="{title}">{text}</span>'
            else:
                inner = ""
            out.append(f'<td class="jg-mark">{inner}</td>')
    return mark_safe("".join(out))  # noqa: S308 - built from escaped values above

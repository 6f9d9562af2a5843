"""Loading one journal (R-JRN-1…6): the grid of a class (or subgroup) and subject over
one period — pupils in rows, lessons and their works in columns, attendance, averages
and finals — with what the user may fill.

Everything is read with a fixed number of queries, whatever the number of pupils,
lessons and marks: rows are gathered into dicts and the cells are put together in
Python. Writing goes through ``journal.cells``; this module only reads.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from html import escape

from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, normalize_newlines
from django.utils.translation import gettext as _

from curriculum.models import (
    ClassMembership,
    InstitutionSettings,
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
from .rules import VIEW_JOURNAL


def grid_url(school_class_id, subject_id, subgroup_id=None, period_id=None):
    query = {key: value for key, value in (("group", subgroup_id), ("period", period_id))
             if value}
    url = reverse("journal:grid", args=[school_class_id, subject_id])
    return f"{url}?{urlencode(query)}" if query else url


class GridPerson:
    __slots__ = ("short_name",)

    def __init__(self, surname, name, patronymic):
        initials = "".join(f"{p[0]}." for p in (name, patronymic) if p)
        self.short_name = f"{surname} {initials}".strip()  # as Person.short_name


class GridPupil:
    """A pupil as the grid shows it: read as plain values, not model instances (a grid
    has few pupils, but the instances' loading is what the profile showed)."""

    __slots__ = ("pk", "person")

    def __init__(self, pk, person):
        self.pk, self.person = pk, person


class GridMark:
    """A stored mark as the grid reads it (from ``values_list``); ``task`` is the
    column's work, so ``weighted_average`` takes these as it takes marks."""

    __slots__ = ("task", "value", "is_debt", "comment", "version", "updated_by_id")

    def __init__(self, task, value, is_debt, comment, version, updated_by_id):
        self.task, self.value, self.is_debt = task, value, is_debt
        self.comment, self.version, self.updated_by_id = comment, version, updated_by_id


class GridTask:
    """A work (a column of marks) as the grid reads it; ``str`` as ``Task``'s."""

    __slots__ = ("pk", "mark_type", "title", "cell_title")

    def __init__(self, pk, mark_type, title):
        self.pk, self.mark_type, self.title = pk, mark_type, title

    def __str__(self):  # as Task.__str__
        return self.title or str(self.mark_type)


class GridAttendance:
    """A stored attendance entry as the grid reads it; ``str`` as ``Attendance``'s."""

    __slots__ = ("kind", "late_minutes", "version")

    def __init__(self, kind, late_minutes, version):
        self.kind, self.late_minutes, self.version = kind, late_minutes, version

    def __str__(self):  # as Attendance.__str__
        if self.kind == AttendanceKind.LATE:
            return _("late, %(minutes)s min") % {"minutes": self.late_minutes}
        return str(AttendanceKind(self.kind).label)


_PK = 2147483647  # stands for the pk in a reversed URL


def _url_maker(name):
    """``pk -> URL`` of a view taking one pk: reversed once rather than once per column
    (two or three per column were a good part of the template's time)."""
    head, tail = reverse(name, args=[_PK]).rsplit(str(_PK), 1)
    return lambda pk: f"{head}{pk}{tail}"


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
    url: str = ""  # the lesson's page
    new_task_url: str = ""
    take_attendance_url: str = ""
    files: list = field(default_factory=list)  # the homework's files

    @property
    def homework(self):
        return getattr(self.lesson, "homework", None)

    @property
    def span(self):
        return 1 + len(self.tasks)


@dataclass(slots=True)
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


class Lookups:
    """What the cells of every row look up: the columns with their lesson's pk and date
    and their works' pks, read once, and the stored marks and attendance by (work or
    lesson, pupil)."""

    def __init__(self, columns, marks, attendance):
        self.columns = [(column, column.lesson.pk, column.lesson.date,
                         [(task, task.pk) for task in column.tasks]) for column in columns]
        self.marks, self.attendance = marks, attendance
        self.escaped, self.entries = _Escaped(), {}  # shared by the rows' rendering
        self.debt_word = _("debt")
        self.outside = escape(_("Not in the class on this date"))


@dataclass
class Row:
    pupil: object
    spans: list  # [(starts_on, ends_on or None)], the pupil's memberships in the period
    lookups: Lookups | None = None
    average: Decimal | None = None
    hint: int | None = None
    finals: list = field(default_factory=list)  # [(kind, period or None, GridFinal or None)]
    period_start: object = None
    period_end: object = None

    @property
    def cells_html(self):
        return render_cells(self)

    @cached_property
    def everywhere(self):
        """In the class the whole period (most pupils): no dates to check per cell."""
        return not self.partial

    def inside(self, day):
        return self.everywhere or _inside(self.spans, day)

    @cached_property
    def cells(self):
        """The pupil's cells, lesson by lesson (the grid's HTML is put together from the
        lookups directly, without these)."""
        pupil, lookups, cells = self.pupil.pk, self.lookups, []
        for column, lesson_pk, date, tasks in lookups.columns:
            cell = Cell(column, self.inside(date), lookups.attendance.get((lesson_pk, pupil)),
                        [])
            cell.marks = [(task, lookups.marks.get((task_pk, pupil))) for task, task_pk in tasks]
            cells.append(cell)
        return cells

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

    @cached_property
    def today_column(self):
        """The lesson the grid opens at: today's first (one the user fills, if any),
        else the last one before today, else the first. On a phone it is the column
        shown; on a wide screen the grid scrolls to it."""
        day = today()
        todays = [column for column in self.columns if column.lesson.date == day]
        if todays:
            return next((column for column in todays if column.may_fill), todays[0])
        held = [column for column in self.columns if column.lesson.date < day]
        return held[-1] if held else (self.columns[0] if self.columns else None)

    @cached_property
    def rows_html(self):
        """The grid's body: every pupil's row, put together once in Python (see
        ``render_cells``)."""
        return mark_safe("".join(  # noqa: S308 - render_row escapes every value
            render_row(self, number, row) for number, row in enumerate(self.rows, 1)))

    @cached_property
    def topics_html(self):
        """The rows of the "Topics and homework" table, put together once in Python (the
        template's tags per lesson were a third of the page's rendering)."""
        return render_topics(self)

    @cached_property
    def mark_type_options(self):
        """The options of every column's "add a work" list, put together once: the same
        in each column."""
        weight = escape(_("weight"))
        return mark_safe("".join(  # noqa: S308 - built from escaped values
            f'<option value="{t.pk}">{escape(t.name)} ({weight} '
            f'{escape(str(floatformat(t.weight, "-2")))})</option>'
            for t in self.mark_types))


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
    return (rows.overlapping(period.starts_on, period.ends_on).order_by("starts_on")
            .values_list("pupil_id", "starts_on", "ends_on", "pupil__person__surname",
                         "pupil__person__name", "pupil__person__patronymic",
                         "pupil__person__search_name"))


def _rows(memberships, period):
    """One row per pupil, sorted by name, with their dates clipped to the period."""
    rows, names = {}, {}
    for pupil, starts_on, ends_on, surname, name, patronymic, search_name in memberships:
        row = rows.get(pupil)
        if row is None:
            row = rows[pupil] = Row(GridPupil(pupil, GridPerson(surname, name, patronymic)),
                                    [], period_start=period.starts_on,
                                    period_end=period.ends_on)
            names[pupil] = search_name
        row.spans.append((starts_on, ends_on))
    return sorted(rows.values(), key=lambda row: (names[row.pupil.pk], row.pupil.pk))


_SUBJECT_FIELDS = ["id", "institution_id", "name", "short_name"]


MARK, ATTENDANCE, FINAL = 1, 2, 3  # the kinds of row ``_cells_of`` reads


class GridFinal:
    """A stored final as the grid reads it: what its cell shows and saves against."""

    __slots__ = ("pk", "value", "version")

    def __init__(self, pk, value, version):
        self.pk, self.value, self.version = pk, value, version


def _cells_of(lessons, pupil_ids, finals=None):
    """The stored marks and attendance of the lessons' pupils, and the ``finals``
    queryset's rows, as rows of one shape: (kind, work or lesson or final, pupil, value
    or attendance kind, debt, comment or final kind, version, author or minutes late).
    One query (a UNION) rather than three. No ordering: the models' default orders
    through the lesson and the pupil's name, joins the big tables need not make."""
    def shaped(rows, kind, key, text, is_debt, comment, number):
        return (rows.order_by()
                .annotate(c0=Value(kind, output_field=IntegerField()), c1=F(key),
                          c2=F("pupil_id"), c3=text, c4=is_debt, c5=comment,
                          c6=F("version"), c7=number)
                .values_list("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"))

    def of_lessons(rows):
        return rows.filter(lesson__in=lessons, pupil_id__in=pupil_ids)

    no = Value(False, output_field=BooleanField())
    marks = shaped(of_lessons(Mark.objects), MARK, "task_id", F("value"), F("is_debt"),
                   F("comment"), F("updated_by_id"))
    parts = [shaped(of_lessons(Attendance.objects), ATTENDANCE, "lesson_id", F("kind"), no,
                    Value("", output_field=CharField()),
                    Cast("late_minutes", BigIntegerField()))]
    if finals is not None:
        parts.append(shaped(finals, FINAL, "pk", F("value"), no, F("kind"),
                            Value(None, output_field=BigIntegerField())))
    return marks.union(*parts, all=True).order_by()


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
    # The subject comes with them: the same on every row.
    found = list(
        Lesson.objects.visible_to(user, VIEW_JOURNAL)
        .filter(school_class_id=school_class_pk, subject_id=subject_pk)
        .values_list("subgroup_id", "subgroup__name",
                     *(f"subject__{name}" for name in _SUBJECT_FIELDS[1:]))
        .distinct().order_by())
    if not found:
        raise Http404
    visible = {subgroup_id: name for subgroup_id, name, *_subject in found}
    subject = Subject.from_db(None, _SUBJECT_FIELDS, (subject_pk, *found[0][2:]))
    if subgroup_pk is None and None not in visible:
        # Only subgroups: open the first one rather than an empty whole-class journal.
        subgroup_pk = min(visible, key=lambda pk: (visible[pk], pk))
    if subgroup_pk not in visible:
        raise Http404
    subgroups = sorted(visible.items(), key=lambda item: (item[0] is not None, item[1] or ""))
    # With whether the user enters the finals of this subject and the school's
    # settings, in the same query.
    school_class = (SchoolClass.objects
                    .select_related("institution__journal_settings__grading_scale",
                                    "academic_year")
                    .annotate(finals_right=Exists(cells.finals_entries(
                        user, None, subject_pk, school_class_path="pk")))
                    .get(pk=school_class_pk))
    subgroup = Subgroup.objects.get(pk=subgroup_pk) if subgroup_pk else None

    # The period type too: each period's name shows it.
    periods = list(Period.objects.for_class(school_class).select_related("period_type"))
    if not periods:
        raise Http404
    period = _choose_period(periods, period_pk)

    try:
        settings = school_class.institution.journal_settings
    except InstitutionSettings.DoesNotExist:
        settings = None
    scale = settings.grading_scale.mark_list() if settings else list(cells.DEFAULT_SCALE)
    marks_allowed = not (school_class.grade == 1
                         and (settings is None or settings.no_marks_in_first_grade))

    lessons = Lesson.objects.filter(school_class=school_class, subject=subject,
                                    subgroup=subgroup, is_cancelled=False)
    if not period.is_closed:
        # Which of them the user may fill, in the same query.
        lessons = cells.with_fill_right(lessons, user)
    # Co-teachers and homework files are rare: the lessons say whether they have any,
    # and only then are they read (one query each, for the lessons that have them).
    lessons = list(
        lessons.between(period.starts_on, period.ends_on)
        .select_related("homework")
        # The teacher's name as values: the staff row is wide, and only the name shows.
        .annotate(
            teacher_surname=F("teacher__person__surname"),
            teacher_name=F("teacher__person__name"),
            teacher_patronymic=F("teacher__person__patronymic"),
            has_co_teachers=Exists(Lesson.co_teachers.through.objects.filter(
                lesson_id=OuterRef("pk"))),
            has_files=Exists(HomeworkFile.objects.filter(homework__lesson_id=OuterRef("pk"))))
        .order_by("date", "lesson_number", "pk"))
    shared = [lesson for lesson in lessons if lesson.has_co_teachers]
    if shared:
        prefetch_related_objects(shared, Prefetch(
            "co_teachers", queryset=Staff.objects.select_related("person")))
    files = {}  # lesson's pk -> its homework's files
    with_files = {lesson.homework.pk: lesson.pk for lesson in lessons if lesson.has_files}
    if with_files:
        for file in HomeworkFile.objects.filter(homework_id__in=with_files).order_by("pk"):
            files.setdefault(with_files[file.homework_id], []).append(file)
    fillable = set()
    if not period.is_closed:
        fillable = {lesson.pk for lesson in lessons if lesson.fill_right}
    # The works of the lessons as plain values, their mark types from the school's list
    # (read for the "add a work" menu anyway): a quarter has a hundred works over a few
    # mark types.
    kinds, tasks_of = {}, {}
    if marks_allowed:
        kinds = {kind.pk: kind for kind in
                 MarkType.objects.for_institution(school_class.institution_id)}
        if lessons:
            rows = list(Task.objects.filter(lesson__in=lessons).order_by("pk")
                        .values_list("pk", "lesson_id", "mark_type_id", "title"))
            missing = {kind for _pk, _lesson, kind, _title in rows} - kinds.keys()
            if missing:  # a mark type the school no longer offers
                kinds.update((kind.pk, kind) for kind in MarkType.objects.filter(pk__in=missing))
            for pk, lesson_id, kind, title in rows:
                tasks_of.setdefault(lesson_id, []).append(GridTask(pk, kinds[kind], title))
    day = today()
    columns = [Column(lesson, tasks_of.get(lesson.pk, []),
                      may_fill=lesson.pk in fillable and lesson.date <= day,
                      files=files.get(lesson.pk, []))
               for lesson in lessons]
    # What every cell of a column repeats, put together once per column and work: the
    # grid has thousands of cells, and template filters per cell cost more than the
    # queries.
    weight = _("weight")
    lesson_url, new_task_url = _url_maker("journal:lesson"), _url_maker("journal:new_task")
    take_url = _url_maker("journal:take_attendance")
    for column in columns:
        pk = column.lesson.pk
        column.date_label = f"{column.lesson.date:%d.%m}"
        column.url, column.new_task_url = lesson_url(pk), new_task_url(pk)
        column.take_attendance_url = take_url(pk)
        for task in column.tasks:
            kind = task.mark_type.short_name or task.mark_type.name
            task.cell_title = f"{kind}, {weight} {task.mark_type.weight.normalize():f}"
    teachers = []
    for lesson in lessons:
        names = [GridPerson(lesson.teacher_surname, lesson.teacher_name,
                            lesson.teacher_patronymic).short_name] if lesson.teacher_id else []
        if lesson.has_co_teachers:
            names += [teacher.person.short_name for teacher in lesson.co_teacher_list()]
        for name in names:
            if name not in teachers:
                teachers.append(name)

    rows = _rows(_memberships(school_class, subgroup, period), period)
    pupil_ids = [row.pupil.pk for row in rows]

    # Finals: the shown period's; with the last period of the year also the year's and
    # the exam's.
    final_heads = [(FinalKind.PERIOD, period, _("Period"))]
    if period.pk == periods[-1].pk:
        final_heads += [(FinalKind.YEAR, None, _("Year")), (FinalKind.EXAM, None, _("Exam"))]
    wanted_finals = None
    if marks_allowed:
        query = FinalMark.objects.filter(pupil_id__in=pupil_ids, subject=subject)
        wanted_finals = query.filter(kind=FinalKind.PERIOD, period=period)
        if len(final_heads) > 1:
            wanted_finals = wanted_finals | query.filter(
                academic_year_id=school_class.academic_year_id,
                kind__in=[FinalKind.YEAR, FinalKind.EXAM])

    marks, attendance, finals = {}, {}, {}
    if pupil_ids and (lessons or wanted_finals is not None):
        # Plain values, not instances: a quarter holds hundreds of marks. Marks,
        # attendance and finals in one query, with the works already loaded above.
        tasks = {task.pk: task for column in columns for task in column.tasks}
        for kind, key, pupil_id, text, is_debt, comment, version, number in (
                _cells_of(lessons, pupil_ids, wanted_finals)):
            if kind == ATTENDANCE:
                attendance[key, pupil_id] = GridAttendance(text, number, version)
            elif kind == FINAL:
                finals[pupil_id, comment] = GridFinal(key, text, version)
            elif key in tasks:
                marks[key, pupil_id] = GridMark(tasks[key], text, is_debt, comment,
                                                version, number)

    lookups = Lookups(columns, marks, attendance)
    task_pks = [task_pk for _c, _l, _d, tasks in lookups.columns for _t, task_pk in tasks]
    for row in rows:
        row.lookups = lookups
        pupil = row.pupil.pk
        pupil_marks = [mark for mark in (marks.get((task_pk, pupil)) for task_pk in task_pks)
                       if mark is not None]
        if marks_allowed:
            row.average = weighted_average(pupil_marks)
            if row.average is not None and settings is not None:
                row.hint = settings.round_final(row.average)
            row.finals = [(kind, p, finals.get((row.pupil.pk, kind)))
                          for kind, p, _label in final_heads]

    mark_types = []
    if marks_allowed and any(column.may_fill for column in columns):
        mark_types = sorted(kinds.values(), key=lambda kind: (kind.name, kind.pk))
    return Journal(
        school_class=school_class, subject=subject, subgroup=subgroup, period=period,
        periods=periods, subgroups=subgroups, columns=columns, rows=rows,
        settings=settings, scale=scale, teachers=teachers, mark_types=mark_types,
        marks_allowed=marks_allowed,
        may_enter_finals=marks_allowed and school_class.finals_right,
        final_heads=final_heads,
    )


_URL = "\0url\0"  # where a column's URL goes (no text of the database holds a NUL)


def render_heads(journal, csrf_token):
    """The columns' two header rows (each lesson with its "+" and register; each work),
    as HTML put together once: per column the template's tags and filters cost more
    than the whole grid's queries. Returns (lessons' cells, works' cells)."""
    csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(csrf_token)}">')
    # Every string is translated before its f-string: xgettext does not look inside one.
    no_topic, weight = _("No topic"), escape(_("weight"))
    add_form = ""
    if journal.marks_allowed and journal.mark_types:
        add_a_work, mark_type = escape(_("Add a work")), escape(_("Mark type"))
        title, add_label = escape(_("Title (optional)")), escape(_("Add"))
        add_form = (
            f'<details class="jg-add" data-add-task><summary '
            f'title="{add_a_work}">+</summary>'
            f'<form method="post" action="{_URL}" class="jg-add-form">{csrf}'
            f'<select name="mark_type" aria-label="{mark_type}">'
            f'{journal.mark_type_options}</select>'
            f'<input type="text" name="title" maxlength="200" '
            f'placeholder="{title}">'
            f'<button type="submit" class="button small">{add_label}</button>'
            f'</form></details>')
    attendance = escape(_("Attendance"))
    everyone_present = escape(_("Everyone present: the register is taken"))
    take = (f'<form method="post" action="{_URL}" class="inline">{csrf}<button '
            f'type="submit" class="link" '
            f'title="{everyone_present}" '
            f'data-take-attendance>✓</button></form>')
    register_taken = escape(_("The register is taken"))
    taken = f'<span title="{register_taken}">✓</span>'
    lessons, works = [], []
    for column in journal.columns:
        lesson = column.lesson
        add = add_form.replace(_URL, column.new_task_url) if column.may_fill else ""
        lessons.append(
            f'<th colspan="{column.span}" class="jg-lesson" data-lesson-head="{lesson.pk}">'
            f'<a href="{column.url}" title="{escape(lesson.topic or no_topic)}">'
            f'{column.date_label}</a> <span class="muted">{lesson.lesson_number}</span>'
            f'{add}</th>')
        if column.may_fill and not lesson.attendance_taken:
            register = take.replace(_URL, column.take_attendance_url)
        else:
            register = taken if lesson.attendance_taken else "·"
        works.append(f'<th class="jg-att-head" title="{attendance}">{register}</th>')
        for task in column.tasks:
            kind = task.mark_type
            title = f"{kind.name}: {task.title}" if task.title else kind.name
            short = Truncator(kind.short_name or kind.name).chars(4)
            works.append(
                f'<th class="jg-task-head" title="{escape(title)}, {weight} '
                f'{escape(str(floatformat(kind.weight, "-2")))}" '
                f'data-task-head="{task.pk}">{escape(short)}</th>')
    # Built from escaped values above.
    return mark_safe("".join(lessons)), mark_safe("".join(works))  # noqa: S308


def _file_url(file):
    return reverse("records:private_file", args=[file.file.name])


def render_topics(journal):
    """The "Topics and homework" table's rows: each lesson's date, topic, homework (text,
    due date, links and files) and a link to its page. Every value is escaped."""
    due, edit, open_ = escape(_("due")), escape(_("Edit")), escape(_("Open"))
    out = []
    for column in journal.columns:
        lesson, hw = column.lesson, column.homework
        homework = ""
        if hw is not None:
            # As the template's linebreaksbr.
            parts = [escape(normalize_newlines(hw.text)).replace("\n", "<br>")]
            if hw.due_on:
                parts.append(f' <span class="muted">({due} {hw.due_on:%d.%m.%Y})</span>')
            parts.append("\n          ")
            parts += [f'<div><a href="{escape(link)}" rel="noopener noreferrer" '
                      f'target="_blank">{escape(link)}</a></div>' for link in hw.link_list()]
            parts += [f'<div><a href="{escape(_file_url(f))}">{escape(str(f))}</a></div>'
                      for f in column.files]
            homework = "".join(parts)
        out.append(
            f'<tr data-lesson="{lesson.pk}">'
            f'<td>{lesson.date:%d.%m.%Y}, {lesson.lesson_number}</td>'
            f'<td>{escape(lesson.topic or "")}</td><td>{homework}</td>'
            f'<td><a href="{column.url}">{edit if column.may_fill else open_}</a></td></tr>\n')
    return mark_safe("".join(out))  # noqa: S308 - built from escaped values above


def render_row(journal, number, row):
    """One pupil's row of the grid: number, name (with the dates of a partial
    membership), cells, and with marks the average, the hint and the finals."""
    name, pupil, period = escape(row.pupil.person.short_name), row.pupil.pk, journal.period
    dates = ""
    if row.partial:
        parts = []
        for start, end in row.spans:
            if start > period.starts_on:
                parts.append(escape(_("from")) + f" {start:%d.%m} ")
            if end and end < period.ends_on:
                parts.append(escape(_("to")) + f" {end:%d.%m}")
        dates = f'<div class="muted jg-dates">{"".join(parts)}</div>'
    out = [f'<tr data-row data-pupil="{pupil}"><td class="jg-num">{number}</td>'
           f'<th class="jg-name" scope="row">{name}{dates}</th>', render_cells(row)]
    if journal.marks_allowed:
        average = "" if row.average is None else escape(str(localize(row.average)))
        hint = "" if row.hint is None else escape(str(localize(row.hint)))
        out.append(f'<td class="jg-average" data-average>{average}</td>'
                   f'<td class="jg-hint" data-hint>{hint}</td>')
        editable = journal.finals_editable and not journal.read_only
        label = escape(_("final"))
        for kind, final_period, final in row.finals:
            value = escape(final.value) if final is not None and final.value else ""
            if editable:
                out.append(
                    f'<td class="jg-final"><input class="jg-input" data-kind="final" '
                    f'data-final-kind="{escape(str(kind))}" '
                    f'data-period="{final_period.pk if final_period else ""}" '
                    f'data-pupil="{pupil}" '
                    f'data-version="{final.version if final is not None else 0}" '
                    f'data-final="{final.pk if final is not None else ""}" '
                    f'value="{value}" aria-label="{name}, {label}" autocomplete="off" '
                    f'size="3"></td>')
            else:
                out.append(f'<td class="jg-final">{value}</td>')
    out.append("</tr>")
    return "".join(out)


class _Escaped(dict):
    """``escape`` remembered: the grid repeats the same few values (marks, letters,
    titles) thousands of times."""

    def __missing__(self, text):
        self[text] = value = escape(text)
        return value


def _column_html(column):
    """What every cell of a column repeats, escaped once per column (and work)."""
    if not hasattr(column, "cell_parts"):
        column.cell_parts = [(task.pk, escape(task.cell_title), escape(str(task)))
                             for task in column.tasks]
    return column.cell_parts


def render_cells(row):
    """A pupil's cells of the grid as HTML. Put together here rather than in the
    template: a quarter's grid has thousands of cells, and the template engine spent ten
    times as long on them as the queries take. Every value is escaped."""
    lookups = row.lookups
    # The standard library's escape, remembered for the whole grid: Django's lazy-aware
    # one costs more per call, and the same few values repeat thousands of times.
    esc, entries = lookups.escaped, lookups.entries
    marks, attendance = lookups.marks, lookups.attendance
    name, pupil = escape(row.pupil.person.short_name), row.pupil.pk
    debt_word, outside = lookups.debt_word, lookups.outside
    out = []
    append = out.append
    for column, lesson_pk, date, tasks in lookups.columns:
        if not row.inside(date):
            append(f'<td class="jg-out" title="{outside}"></td>'
                   + '<td class="jg-out"></td>' * len(tasks))
            continue
        entry = attendance.get((lesson_pk, pupil))
        editable = column.may_fill
        if entry is not None:
            key = (entry.kind, entry.late_minutes)
            if key not in entries:
                entries[key] = (esc[str(entry)], esc[attendance_letter(entry)])
            title, text = entries[key]
        else:
            title = text = ""
        if editable:
            inner = (f'<input class="jg-input" data-kind="attendance" '
                     f'data-lesson="{lesson_pk}" data-pupil="{pupil}" '
                     f'data-version="{entry.version if entry else 0}" value="{text}" '
                     f'title="{title}" aria-label="{name}, {column.date_label}" '
                     f'autocomplete="off" size="3">')
        else:
            inner = f'<span title="{title}">{text}</span>'
        absent = " jg-absent" if entry else ""
        append(f'<td class="jg-att{absent}" data-att-cell>{inner}</td>')
        for task_pk, cell_title, task_name in _column_html(column):
            mark = marks.get((task_pk, pupil))
            if mark is None:
                comment = text = ""
                title = cell_title
            else:
                comment = esc[mark.comment]
                text = esc[debt_word if mark.is_debt and not mark.value else mark.value]
                title = f"{cell_title}: {comment}" if comment else cell_title
            if editable:
                inner = (f'<input class="jg-input" data-kind="mark" data-task="{task_pk}" '
                         f'data-pupil="{pupil}" '
                         f'data-version="{mark.version if mark is not None else 0}" '
                         f'data-comment="{comment}" value="{text}" title="{title}" '
                         f'aria-label="{name}, {column.date_label}, {task_name}" '
                         f'autocomplete="off" size="3">')
            elif mark is not None:
                debt = "jg-debt" if mark.is_debt else ""
                inner = f'<span class="{debt}" title="{title}">{text}</span>'
            else:
                inner = ""
            append(f'<td class="jg-mark">{inner}</td>')
    return mark_safe("".join(out))  # noqa: S308 - built from escaped values above

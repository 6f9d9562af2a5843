"""Clashes in the timetable (R-SCH-2): a teacher, a room or a class in two lessons at
once. Subgroups of one class may have lessons at the same time; the whole class and one
of its subgroups may not. Lessons clash when their times overlap, so classes on
different lesson times (shifts) are compared by the clock, not by lesson number.

Every teacher of a lesson (its teacher and co-teachers) is checked. A lesson of week A
and one of week B never meet. The parts of one joint lesson (each class's entry marked
``joint``, of one subject in one room) share their teachers and room: they clash with
nobody but a class that has two lessons at once."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import BellSchedule, Lesson, TimetableEntry, Weekday, with_co_teachers


class SlotTimes:
    """Start and end of each lesson number, per class, read once per school."""

    def __init__(self, institution_id):
        schedules = BellSchedule.objects.filter(institution_id=institution_id).prefetch_related(
            "lesson_times")
        self.by_schedule = {s.pk: s.times() for s in schedules}
        self.default = min(self.by_schedule) if self.by_schedule else None

    def of(self, school_class, number):
        schedule = school_class.bell_schedule_id or self.default
        return self.by_schedule.get(schedule, {}).get(number)

    def overlap(self, class_a, number_a, class_b, number_b):
        a, b = self.of(class_a, number_a), self.of(class_b, number_b)
        if a is None or b is None:
            return number_a == number_b
        return a[0] < b[1] and b[0] < a[1]


def describe(row):
    return _("%(class)s, %(subject)s, %(teacher)s") % {
        "class": row.subgroup or row.school_class, "subject": row.subject,
        "teacher": ", ".join(t.person.short_name for t in row.teacher_list())}


def weeks_of(row):
    """A weekly entry's weeks; a dated lesson takes place in its own week only."""
    return getattr(row, "weeks", "")


def is_joint(row):
    if isinstance(row, TimetableEntry):
        return row.joint
    return bool(row.entry_id and row.entry.joint)


def one_joint_lesson(a, b):
    """Whether two lessons at the same time are parts of one joint lesson."""
    return (is_joint(a) and is_joint(b) and a.subject_id == b.subject_id
            and a.room_id == b.room_id)


def clash_between(a, b, times):
    """The message for two slots of one day that clash, or None."""
    weeks = {weeks_of(a), weeks_of(b)}
    if "" not in weeks and len(weeks) == 2:
        return None  # week A and week B
    if not times.overlap(a.school_class, a.lesson_number, b.school_class, b.lesson_number):
        return None
    when = _("%(day)s, lesson %(number)s") % {
        "day": Weekday(b.weekday).label if getattr(b, "weekday", None) else b.date,
        "number": b.lesson_number}
    joint = one_joint_lesson(a, b)
    shared = a.teacher_ids() & b.teacher_ids()
    if shared and not joint:
        teacher = next(t for t in b.teacher_list() if t.pk in shared)
        return _("%(teacher)s already teaches at that time: %(other)s (%(when)s).") % {
            "teacher": teacher.person.short_name, "other": describe(b), "when": when}
    if a.room_id and a.room_id == b.room_id and not joint:
        return _("%(room)s is taken at that time: %(other)s (%(when)s).") % {
            "room": capfirst(b.room.label), "other": describe(b), "when": when}
    if a.school_class_id == b.school_class_id:
        if a.subgroup_id and b.subgroup_id and a.subgroup_id != b.subgroup_id:
            return None  # two groups of one class, each with its own teacher
        return _("Class %(class)s already has a lesson at that time: %(other)s (%(when)s).") % {
            "class": b.school_class, "other": describe(b), "when": when}
    return None


def entries_of_day(institution_id, weekday, first_day, last_day):
    """A school's weekly lessons of one day of the week between two dates, with what
    the clash checks read."""
    return with_co_teachers(
        TimetableEntry.objects.filter(institution_id=institution_id, weekday=weekday)
        .overlapping(first_day, last_day)
        .select_related("school_class", "subgroup", "subject", "teacher__person", "room"))


def clashes(entry, others=None, times=None):
    """Messages naming each lesson ``entry`` clashes with. ``others`` (entries of the
    same school) and ``times`` may be given to check many entries without a query each."""
    if not (entry.school_class_id and entry.teacher_id and entry.weekday
            and entry.valid_from and entry.valid_to and entry.lesson_number is not None):
        return []
    times = times or SlotTimes(entry.institution_id)
    if entry.pk is not None and getattr(entry, "new_co_teachers", None) is None:
        entry.new_co_teachers = entry.co_teacher_list()  # read once, not per comparison
    if others is None:
        others = entries_of_day(entry.institution_id, entry.weekday, entry.valid_from,
                                entry.valid_to)
    found = []
    for other in others:
        if other.pk is not None and other.pk == entry.pk or other is entry:
            continue
        if other.weekday != entry.weekday or other.valid_to < entry.valid_from or (
                other.valid_from > entry.valid_to):
            continue
        message = clash_between(entry, other, times)
        if message:
            found.append(message)
    return found


def change_clashes(change):
    """A replacement, a moved lesson or another room must not double-book anyone on the
    date it takes place."""
    from .models import ChangeKind

    entry = change.entry
    if change.kind == ChangeKind.CANCELLED:
        return []
    lesson = Lesson(
        institution_id=entry.institution_id, school_class=entry.school_class,
        subgroup=entry.subgroup, subject=entry.subject,
        teacher=change.replacement_teacher or entry.teacher,
        room=change.new_room or entry.room,
        date=change.new_date or change.date,
        lesson_number=(change.new_lesson_number if change.new_lesson_number is not None
                       else entry.lesson_number),
        entry=entry,
    )
    lesson.new_co_teachers = entry.co_teacher_list()
    same_day = with_co_teachers(
        Lesson.objects.filter(institution_id=entry.institution_id, date=lesson.date,
                              is_cancelled=False)
        .exclude(entry=entry, scheduled_on=change.date)
        .select_related("school_class", "subgroup", "subject", "teacher__person", "room",
                        "entry"))
    times = SlotTimes(entry.institution_id)
    return [m for m in (clash_between(lesson, other, times) for other in same_day) if m]


def joint_parts(entries, first_day, last_day):
    """{entry pk: [the other classes' (or groups') parts of its joint lesson]} for the
    joint ones of ``entries`` between two dates, in one query: joint entries of the same
    school and year at the same weekday and lesson number, of the same subject, room
    and teacher, in the same weeks."""
    joint = [entry for entry in entries if entry.joint]
    if not joint:
        return {}
    first = joint[0]
    candidates = list(
        TimetableEntry.objects.filter(
            institution_id=first.institution_id, academic_year_id=first.academic_year_id,
            joint=True, weekday__in={e.weekday for e in joint},
            lesson_number__in={e.lesson_number for e in joint})
        .overlapping(first_day, last_day)
        .select_related("school_class__academic_year", "school_class__institution",
                        "subgroup"))
    parts = {}
    for entry in joint:
        key = (entry.weekday, entry.lesson_number, entry.subject_id, entry.room_id,
               entry.teacher_id, entry.weeks)
        parts[entry.pk] = [other for other in candidates if other.pk != entry.pk and key == (
            other.weekday, other.lesson_number, other.subject_id, other.room_id,
            other.teacher_id, other.weeks)]
    return parts

"""Clashes in the timetable (R-SCH-2): a teacher, a room or a class in two lessons at
once. Subgroups of one class may have lessons at the same time; the whole class and one
of its subgroups may not. Lessons clash when their times overlap, so classes on
different lesson times (shifts) are compared by the clock, not by lesson number."""

from django.utils.translation import gettext as _

from .models import BellSchedule, Lesson, TimetableEntry, Weekday


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
        "teacher": row.teacher.person.short_name}


def clash_between(a, b, times):
    """The message for two slots of one day that clash, or None."""
    if not times.overlap(a.school_class, a.lesson_number, b.school_class, b.lesson_number):
        return None
    when = _("%(day)s, lesson %(number)s") % {
        "day": Weekday(b.weekday).label if getattr(b, "weekday", None) else b.date,
        "number": b.lesson_number}
    if a.teacher_id == b.teacher_id:
        return _("%(teacher)s already teaches at that time: %(other)s (%(when)s).") % {
            "teacher": b.teacher.person.short_name, "other": describe(b), "when": when}
    if a.room_id and a.room_id == b.room_id:
        return _("Room %(room)s is taken at that time: %(other)s (%(when)s).") % {
            "room": b.room, "other": describe(b), "when": when}
    if a.school_class_id == b.school_class_id:
        if a.subgroup_id and b.subgroup_id and a.subgroup_id != b.subgroup_id:
            return None  # two groups of one class, each with its own teacher
        return _("Class %(class)s already has a lesson at that time: %(other)s (%(when)s).") % {
            "class": b.school_class, "other": describe(b), "when": when}
    return None


def clashes(entry, others=None, times=None):
    """Messages naming each lesson ``entry`` clashes with. ``others`` (entries of the
    same school) and ``times`` may be given to check many entries without a query each."""
    if not (entry.school_class_id and entry.teacher_id and entry.weekday
            and entry.valid_from and entry.valid_to and entry.lesson_number is not None):
        return []
    times = times or SlotTimes(entry.institution_id)
    if others is None:
        others = (TimetableEntry.objects
                  .filter(institution_id=entry.institution_id, weekday=entry.weekday)
                  .overlapping(entry.valid_from, entry.valid_to)
                  .select_related("school_class", "subgroup", "subject", "teacher__person",
                                  "room"))
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
    )
    same_day = (Lesson.objects.filter(institution_id=entry.institution_id, date=lesson.date,
                                      is_cancelled=False)
                .exclude(entry=entry, scheduled_on=change.date)
                .select_related("school_class", "subgroup", "subject", "teacher__person",
                                "room"))
    times = SlotTimes(entry.institution_id)
    return [m for m in (clash_between(lesson, other, times) for other in same_day) if m]

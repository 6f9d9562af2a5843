"""The access matrix of the journal app. Read docs/architecture.md first."""

from curriculum.models import Period, SchoolClass
from curriculum.rules import LEADERSHIP
from portal.access import (
    CHILDREN,
    FAMILY_CLASS,
    INSTITUTION,
    LED_CLASS,
    OWN_LESSONS,
    SCHOOL_STAFF_ROLES,
    SELF,
    TAUGHT_CLASS,
    Role,
    cells,
    grant,
)
from schedule.models import Lesson, TimetableEntry

from .models import Attendance, FinalMark, Homework, HomeworkFile, Mark, Task

# R-JRN-5: the journal of a class (or subgroup) and subject is read by the leadership of
# the school, the class teacher of the class and the teachers of its lessons (a
# replacement teacher included); it is filled by the teacher of the lesson, and the
# administrator and the deputies correct it. The department reads no child's marks.
CORRECTORS = [Role.ADMIN, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL]
JOURNAL_READERS = {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.SUBJECT_TEACHER: OWN_LESSONS,
}
JOURNAL_WRITERS = {**cells(CORRECTORS, INSTITUTION), Role.SUBJECT_TEACHER: OWN_LESSONS}
VIEW_JOURNAL = "journal.view_journal"
FILL_JOURNAL = "journal.fill_journal"
grant(VIEW_JOURNAL, Lesson, JOURNAL_READERS)
grant(FILL_JOURNAL, Lesson, JOURNAL_WRITERS)

# The rows themselves: a pupil reads their own, a parent their children's (R-DRY-1).
for model in (Mark, Attendance):
    name = model._meta.model_name
    grant(f"journal.view_{name}", model, {
        **JOURNAL_READERS, Role.PUPIL: SELF, Role.PARENT: CHILDREN})
grant("journal.view_task", Task, {
    **JOURNAL_READERS, Role.PUPIL: FAMILY_CLASS, Role.PARENT: FAMILY_CLASS})
for model in (Task, Mark):
    for action in ("add", "change", "delete"):
        grant(f"journal.{action}_{model._meta.model_name}", model, JOURNAL_WRITERS)
# The class teacher enters a whole day's absence and excuses absences later (R-JRN-3).
ATTENDANCE_WRITERS = {**JOURNAL_WRITERS, Role.CLASS_TEACHER: LED_CLASS}
for action in ("add", "change", "delete"):
    grant(f"journal.{action}_attendance", Attendance, ATTENDANCE_WRITERS)
RECORD_ABSENCE = "journal.record_absence"
grant(RECORD_ABSENCE, SchoolClass, {
    **cells(CORRECTORS, INSTITUTION), Role.CLASS_TEACHER: LED_CLASS})

# Homework is the class's, not a child's: everyone at school, and the class's families.
HOMEWORK_READERS = {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    Role.PUPIL: FAMILY_CLASS,
    Role.PARENT: FAMILY_CLASS,
}
for model in (Homework, HomeworkFile):
    name = model._meta.model_name
    grant(f"journal.view_{name}", model, HOMEWORK_READERS)
    for action in ("add", "change", "delete"):
        grant(f"journal.{action}_{name}", model, JOURNAL_WRITERS)

# R-JRN-4: finals are entered by the teacher of the subject in the timetable (not by a
# replacement teacher of one lesson), and corrected by the administrator and deputies.
grant("journal.view_finalmark", FinalMark, {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.SUBJECT_TEACHER: TAUGHT_CLASS,
    Role.PUPIL: SELF,
    Role.PARENT: CHILDREN,
})
ENTER_FINALS = "journal.enter_finals"
grant(ENTER_FINALS, TimetableEntry, JOURNAL_WRITERS)
# The deputy director closes a period (its finals become read-only) and reopens it.
CLOSE_PERIOD = "journal.close_period"
grant(CLOSE_PERIOD, Period, cells([Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC],
                                  INSTITUTION))
# The deputy's view of the school's journals: what is missing, per class and teacher.
REVIEW_JOURNALS = "journal.review_journals"
grant(REVIEW_JOURNALS, SchoolClass, cells(LEADERSHIP, INSTITUTION))

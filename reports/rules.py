"""The access matrix of the reports (R-REP-1, R-DEP-2). Read docs/architecture.md first.

A report shows counts, shares and averages of groups, never a pupil's marks to someone
who may not read them: the school's leadership reads its school, a class teacher their
class, the department every school through limited fields (the counts of a class, the
names of schools, classes, subjects and teachers). A subject teacher, a pupil and a
parent read no report. The rows of every report are read through ``visible_to`` with
these permissions.
"""

from curriculum.rules import LEADERSHIP
from journal.models import FinalMark, Tally
from portal.access import CITY_LIMITED, DEPARTMENT_ROLES, INSTITUTION, LED_CLASS, Role, cells, grant
from schedule.models import Lesson

VIEW_PROGRESS = "reports.view_progress"
VIEW_CURRENT = "reports.view_current_progress"
VIEW_COMPLETENESS = "reports.view_completeness"

READERS = {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
}
# Final progress: the period's finals, counted per pupil and grouped.
grant(VIEW_PROGRESS, FinalMark, READERS)
# Current progress and attendance: the journal's tallies.
grant(VIEW_CURRENT, Tally, READERS)
# The deputy's monthly check of the journals: per teacher, from the lessons.
grant(VIEW_COMPLETENESS, Lesson, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})

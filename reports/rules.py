"""The access matrix of the reports (R-REP-1, R-DEP-2). Read docs/architecture.md first.

A report shows counts, shares and averages of groups, never a pupil's marks to someone
who may not read them: the school's leadership reads its school, a class teacher their
class, the department every school through limited fields (the counts of a class, the
names of schools, classes, subjects and teachers). A subject teacher, a pupil and a
parent read no report. The rows of every report are read through ``visible_to`` with
these permissions.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from curriculum.models import ClassMembership
from curriculum.rules import LEADERSHIP
from journal.models import FinalMark, Tally
from portal.access import (
    CITY,
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    INSTITUTION,
    LED_CLASS,
    SCHOOL_STAFF_ROLES,
    SELF,
    Role,
    Scope,
    cells,
    grant,
)
from records.models import Institution, Staff
from schedule.models import Lesson

from .models import RegulationItem, SavedReport, VisitCount, readers_condition

VIEW_PROGRESS = "reports.view_progress"
VIEW_CURRENT = "reports.view_current_progress"
VIEW_COMPLETENESS = "reports.view_completeness"
VIEW_CONTINGENT = "reports.view_contingent"
VIEW_STAFF = "reports.view_staff_list"
VIEW_SCHOOL = "reports.view_school"

READERS = {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
}
# The administrative reports: the contingent (counts of pupils by grade, sex and age,
# never a pupil's birth date) and the staff list (names, positions, load: what the
# department reads of staff anyway). The school's office and the department.
OFFICE = [*LEADERSHIP, Role.SECRETARY]
grant(VIEW_CONTINGENT, ClassMembership, {
    **cells(OFFICE, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
grant(VIEW_STAFF, Staff, {
    **cells(OFFICE, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
# The department's view of a school (R-DEP-1): its card, year, plan and load, classes
# and movement, as counts and names of classes and staff. The school's leadership sees
# its own.
grant(VIEW_SCHOOL, Institution, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
# Final progress: the period's finals, counted per pupil and grouped.
grant(VIEW_PROGRESS, FinalMark, READERS)
# Current progress and attendance: the journal's tallies.
grant(VIEW_CURRENT, Tally, READERS)
# The deputy's monthly check of the journals: per teacher, from the lessons.
grant(VIEW_COMPLETENESS, Lesson, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})

# Visit statistics (R-DEP-4): counts of logins and page views, no person in them. The
# department reads every school's and its own; the school's leadership its school's.
VIEW_VISITS = "reports.view_visits"
grant(VIEW_VISITS, VisitCount, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})

# The regulation monitor (R-DEP-5): per school, which items of the order are done and
# which are late, computed from the school's records (counts, never a person). A row is
# a school: the department reads every school's, the school's leadership its own.
VIEW_MONITOR = "reports.view_monitor"
grant(VIEW_MONITOR, Institution, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
# The items themselves are data of the department, kept by its administrator.
grant("reports.view_regulationitem", RegulationItem, cells(DEPARTMENT_ROLES, CITY))
for action in ("add", "change", "delete"):
    grant(f"reports.{action}_regulationitem", RegulationItem, {Role.DEPT_ADMIN: CITY})

# The report builder (R-REP-3, R-REP-4): the school's staff and the department make
# reports of what they read anyway — each column is offered and read only when its
# reader may read it (reports/builder.py). A saved report is opened by its author and
# by those it is shared with; only its author changes or deletes it.
BUILD_REPORT = "reports.build_report"
BUILDERS = SCHOOL_STAFF_ROLES | DEPARTMENT_ROLES


@dataclass(frozen=True)
class ReadersScope(Scope):
    """The saved reports shared with the user (not a path of the row: its audience
    says which of the user's roles count)."""

    def q(self, model, context, role):
        return readers_condition(context.user)

    def test(self, obj, context, role):
        if obj.pk is None:
            return True  # "may I make one?": a report of my own
        return SavedReport.objects.filter(pk=obj.pk).filter(
            readers_condition(context.user)).exists()


SHARED_WITH = ReadersScope("shared_with", _("shared with the user"), None,
                           lambda c, role: None)
grant(BUILD_REPORT, SavedReport, cells(BUILDERS, SHARED_WITH))
grant("reports.view_savedreport", SavedReport, cells(BUILDERS, SHARED_WITH))
for action in ("change", "delete"):
    grant(f"reports.{action}_savedreport", SavedReport, cells(BUILDERS, SELF))
# Publishing to every school is the department's (R-REP-4).
PUBLISH_REPORT = "reports.publish_report"
grant(PUBLISH_REPORT, SavedReport, cells(DEPARTMENT_ROLES, SELF))

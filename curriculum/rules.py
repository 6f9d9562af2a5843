"""The access matrix of the journal app. Read docs/architecture.md first."""

from portal.access import (
    CHILDREN,
    CITY,
    DEPARTMENT_ROLES,
    FAMILY_CLASS,
    INSTITUTION,
    INSTITUTION_AND_SHARED,
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

from .models import (
    AcademicYear,
    Attendance,
    ClassMembership,
    CurriculumLine,
    CurriculumProfile,
    FinalMark,
    GradePeriodType,
    GradingScale,
    Holiday,
    Homework,
    HomeworkFile,
    InstitutionSettings,
    LoadLimit,
    Mark,
    MarkType,
    Period,
    PeriodType,
    SchoolClass,
    SetupWizard,
    Subgroup,
    SubgroupMembership,
    Subject,
    Tariffication,
    Task,
    TeachingAssignment,
)

PLANNERS = [Role.ADMIN, Role.DEPUTY_ACADEMIC]
LEADERSHIP = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL]

for model in (AcademicYear, SchoolClass, Subject):
    name = model._meta.model_name
    grant(f"journal.view_{name}", model, {
        **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
        **cells(DEPARTMENT_ROLES, CITY),
    })
    for action in ("add", "change", "delete"):
        grant(f"journal.{action}_{name}", model, cells(PLANNERS, INSTITUTION))

grant("journal.view_teachingassignment", TeachingAssignment, {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.SUBJECT_TEACHER: SELF,
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"journal.{action}_teachingassignment", TeachingAssignment,
          cells(PLANNERS, INSTITUTION))

# Regional settings (R-INST-3): the department keeps its rows, a school adds its own;
# everyone in a school reads both.
for model in (PeriodType, GradingScale, MarkType, Holiday, LoadLimit):
    name = model._meta.model_name
    grant(f"journal.view_{name}", model, {
        **cells(SCHOOL_STAFF_ROLES, INSTITUTION_AND_SHARED),
        **cells(DEPARTMENT_ROLES, CITY),
    })
    for action in ("add", "change", "delete"):
        grant(f"journal.{action}_{name}", model, {
            **cells(PLANNERS, INSTITUTION),
            Role.DEPT_ADMIN: CITY,
        })

grant("journal.view_institutionsettings", InstitutionSettings, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"journal.{action}_institutionsettings", InstitutionSettings, {
        **cells(PLANNERS, INSTITUTION),
        Role.DEPT_ADMIN: CITY,
    })

# The curriculum is the school's own work; the department reads it.
for model in (CurriculumProfile, Period, GradePeriodType, CurriculumLine):
    name = model._meta.model_name
    grant(f"journal.view_{name}", model, {
        **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
        **cells(DEPARTMENT_ROLES, CITY),
    })
    for action in ("add", "change", "delete"):
        grant(f"journal.{action}_{name}", model, cells(PLANNERS, INSTITUTION))

# R-WIZ-1: the data-entry wizard of a new school.
RUN_SETUP_WIZARD = "journal.run_setup_wizard"
grant(RUN_SETUP_WIZARD, SetupWizard, cells(PLANNERS, INSTITUTION))

# R-CLS-1: subgroups are planned by the deputy; who is in which class or subgroup on
# which dates is read by those who read the pupils, and kept by the list keepers.
grant("journal.view_subgroup", Subgroup, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"journal.{action}_subgroup", Subgroup, cells(PLANNERS, INSTITUTION))
MEMBERSHIP_READERS = {
    **cells([*LEADERSHIP, Role.SECRETARY, Role.MAINTAIN_LISTS, Role.COORDINATOR],
            INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.EDIT_OWN_CLASS: LED_CLASS,
    Role.SUBJECT_TEACHER: TAUGHT_CLASS,
}
LIST_KEEPERS = [Role.ADMIN, Role.SECRETARY, Role.MAINTAIN_LISTS]
for model in (ClassMembership, SubgroupMembership):
    name = model._meta.model_name
    grant(f"journal.view_{name}", model, MEMBERSHIP_READERS)
    for action in ("add", "change", "delete"):
        grant(f"journal.{action}_{name}", model,
              cells([*LIST_KEEPERS, Role.DEPUTY_ACADEMIC], INSTITUTION))

# R-CUR-3: the deputy prepares the tariffication, the director approves it, the
# department reads it.
grant("journal.view_tariffication", Tariffication, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
# Versions are made only by the named actions of the load page (start a new version,
# approve it): nobody edits a version, so an approval cannot be moved or renumbered.
grant("journal.add_tariffication", Tariffication, cells(PLANNERS, INSTITUTION))
grant("journal.approve_tariffication", Tariffication, {Role.DIRECTOR: INSTITUTION})

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

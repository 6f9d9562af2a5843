"""The access matrix of the journal app. Read docs/architecture.md first."""

from portal.access import (
    CITY,
    DEPARTMENT_ROLES,
    INSTITUTION,
    INSTITUTION_AND_SHARED,
    LED_CLASS,
    SCHOOL_STAFF_ROLES,
    SELF,
    Role,
    cells,
    grant,
)

from .models import (
    AcademicYear,
    CurriculumLine,
    CurriculumProfile,
    GradePeriodType,
    GradingScale,
    Holiday,
    InstitutionSettings,
    LoadLimit,
    MarkType,
    Period,
    PeriodType,
    SchoolClass,
    SetupWizard,
    Subject,
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

"""The access matrix of the curriculum app. Read docs/architecture.md first."""

from portal.access import (
    CITY,
    DEPARTMENT_ROLES,
    INSTITUTION,
    INSTITUTION_AND_SHARED,
    LED_CLASS,
    SCHOOL_STAFF_ROLES,
    SELF,
    TAUGHT_CLASS,
    Role,
    cells,
    grant,
)

from .models import (
    AcademicYear,
    ClassMembership,
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
    Subgroup,
    SubgroupMembership,
    Subject,
    Tariffication,
    TeachingAssignment,
)

PLANNERS = [Role.ADMIN, Role.DEPUTY_ACADEMIC]
LEADERSHIP = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL]

for model in (AcademicYear, SchoolClass, Subject):
    name = model._meta.model_name
    grant(f"curriculum.view_{name}", model, {
        **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
        **cells(DEPARTMENT_ROLES, CITY),
    })
    for action in ("add", "change", "delete"):
        grant(f"curriculum.{action}_{name}", model, cells(PLANNERS, INSTITUTION))

grant("curriculum.view_teachingassignment", TeachingAssignment, {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.SUBJECT_TEACHER: SELF,
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"curriculum.{action}_teachingassignment", TeachingAssignment,
          cells(PLANNERS, INSTITUTION))

# Regional settings (R-INST-3): the department keeps its rows, a school adds its own;
# everyone in a school reads both.
for model in (PeriodType, GradingScale, MarkType, Holiday, LoadLimit):
    name = model._meta.model_name
    grant(f"curriculum.view_{name}", model, {
        **cells(SCHOOL_STAFF_ROLES, INSTITUTION_AND_SHARED),
        **cells(DEPARTMENT_ROLES, CITY),
    })
    for action in ("add", "change", "delete"):
        grant(f"curriculum.{action}_{name}", model, {
            **cells(PLANNERS, INSTITUTION),
            Role.DEPT_ADMIN: CITY,
        })

grant("curriculum.view_institutionsettings", InstitutionSettings, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"curriculum.{action}_institutionsettings", InstitutionSettings, {
        **cells(PLANNERS, INSTITUTION),
        Role.DEPT_ADMIN: CITY,
    })

# The curriculum is the school's own work; the department reads it.
for model in (CurriculumProfile, Period, GradePeriodType, CurriculumLine):
    name = model._meta.model_name
    grant(f"curriculum.view_{name}", model, {
        **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
        **cells(DEPARTMENT_ROLES, CITY),
    })
    for action in ("add", "change", "delete"):
        grant(f"curriculum.{action}_{name}", model, cells(PLANNERS, INSTITUTION))

# R-WIZ-1: the data-entry wizard of a new school.
RUN_SETUP_WIZARD = "curriculum.run_setup_wizard"
grant(RUN_SETUP_WIZARD, SetupWizard, cells(PLANNERS, INSTITUTION))

# R-CLS-1: subgroups are planned by the deputy; who is in which class or subgroup on
# which dates is read by those who read the pupils, and kept by the list keepers.
grant("curriculum.view_subgroup", Subgroup, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"curriculum.{action}_subgroup", Subgroup, cells(PLANNERS, INSTITUTION))
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
    grant(f"curriculum.view_{name}", model, MEMBERSHIP_READERS)
    for action in ("add", "change", "delete"):
        grant(f"curriculum.{action}_{name}", model,
              cells([*LIST_KEEPERS, Role.DEPUTY_ACADEMIC], INSTITUTION))

# R-CUR-3: the deputy prepares the tariffication, the director approves it, the
# department reads it.
grant("curriculum.view_tariffication", Tariffication, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
# Versions are made only by the named actions of the load page (start a new version,
# approve it): nobody edits a version, so an approval cannot be moved or renumbered.
grant("curriculum.add_tariffication", Tariffication, cells(PLANNERS, INSTITUTION))
grant("curriculum.approve_tariffication", Tariffication, {Role.DIRECTOR: INSTITUTION})

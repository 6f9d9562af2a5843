"""The access matrix of the journal app. Read docs/architecture.md first."""

from portal.access import (
    CITY,
    DEPARTMENT_ROLES,
    INSTITUTION,
    LED_CLASS,
    SCHOOL_STAFF_ROLES,
    SELF,
    Role,
    cells,
    grant,
)

from .models import AcademicYear, SchoolClass, Subject, TeachingAssignment

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

"""The access matrix of the timetable. Read docs/architecture.md first."""

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

from .models import BellSchedule, Event, Lesson, Room, ThematicPlan, TimetableChange, TimetableEntry

PLANNERS = [Role.ADMIN, Role.DEPUTY_ACADEMIC]
EVERYONE_AT_SCHOOL = {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
}

# R-SCH-1: the deputy director for academic work builds the timetable; everyone in the
# school reads it, and the department reads every school's.
for model in (Room, BellSchedule, TimetableEntry, TimetableChange):
    name = model._meta.model_name
    grant(f"schedule.view_{name}", model, EVERYONE_AT_SCHOOL)
    for action in ("add", "change", "delete"):
        grant(f"schedule.{action}_{name}", model, cells(PLANNERS, INSTITUTION))

# Lessons are generated from the timetable; their teacher (or replacement) sets the topic.
grant("schedule.view_lesson", Lesson, EVERYONE_AT_SCHOOL)
grant("schedule.change_lesson", Lesson, {
    **cells(PLANNERS, INSTITUTION),
    Role.SUBJECT_TEACHER: SELF,
})

# R-SCH-4: school events by the deputy for educational work, class events by the class
# teacher of that class (a school event has no class, so it is outside LED_CLASS).
grant("schedule.view_event", Event, EVERYONE_AT_SCHOOL)
for action in ("add", "change", "delete"):
    grant(f"schedule.{action}_event", Event, {
        **cells([Role.ADMIN, Role.DEPUTY_EDUCATIONAL], INSTITUTION),
        Role.CLASS_TEACHER: LED_CLASS,
    })

# R-KTP-1: the subject teacher writes and reads their own thematic plans; the class
# teacher reads those of their class; the leadership reads and the deputy edits any.
grant("schedule.view_thematicplan", ThematicPlan, {
    **cells([Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL,
             Role.COORDINATOR], INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.SUBJECT_TEACHER: SELF,
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"schedule.{action}_thematicplan", ThematicPlan, {
        **cells(PLANNERS, INSTITUTION),
        Role.SUBJECT_TEACHER: SELF,
    })

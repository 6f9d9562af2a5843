"""The access matrix of the movement book. Read docs/architecture.md first.

The school's office keeps the book (the secretary, the director and the deputies write
its orders); the department reads it only as counts by kind (limited fields, no pupil);
teachers do not read it, except the class teacher the history of their own class's
pupils on the pupil's card. An arriving pupil is read only by the receiving school.
"""

from portal.access import (
    CITY,
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    INSTITUTION,
    LED_CLASS,
    Role,
    cells,
    grant,
)

from .models import Arrival, Movement, Order

# The year rollover (R-MOV-4) moves the whole school: the director and the deputy for
# academic work, who sign the promotion order.
ROLLOVER_KEEPERS = [Role.DIRECTOR, Role.DEPUTY_ACADEMIC]

OFFICE = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL,
          Role.SECRETARY]
WRITERS = [Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL, Role.SECRETARY]

VIEW_BOOK = "movement.view_book"
WRITE_ORDER = "movement.write_order"
VIEW_REPORT = "movement.view_report"
ACCEPT_ARRIVAL = "movement.accept_arrival"
ROLL_OVER = "movement.roll_over_year"

grant("movement.view_movement", Movement, {
    **cells(OFFICE, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
# The book's pages, with the pupils' names: the school's office only.
grant(VIEW_BOOK, Movement, cells(OFFICE, INSTITUTION))
grant(WRITE_ORDER, Order, cells(WRITERS, INSTITUTION))
grant("movement.view_order", Order, {
    **cells(OFFICE, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
# The movement report: counts by kind per school, for the school and the city.
grant(VIEW_REPORT, Movement, {
    **cells(OFFICE, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
grant("movement.view_arrival", Arrival, cells(OFFICE, INSTITUTION))
grant(ACCEPT_ARRIVAL, Arrival, cells(WRITERS, INSTITUTION))
grant(ROLL_OVER, Order, cells(ROLLOVER_KEEPERS, INSTITUTION))

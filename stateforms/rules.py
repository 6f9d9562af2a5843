"""The access matrix of the state statistical forms (R-INST-2). Read
docs/architecture.md first.

A form holds counts of a school (pupils, classes, staff), never a person: the school's
leadership reads its school's forms, the director and the deputy for academic work fill
them in and send them, and the department reads every school's and returns or accepts
them.
"""

from curriculum.rules import LEADERSHIP
from portal.access import CITY, DEPARTMENT_ROLES, INSTITUTION, Role, cells, grant

from .models import StatFigure, StatReport

# The school's leadership reads; the two who sign the form fill it in.
FILLERS = [Role.DIRECTOR, Role.DEPUTY_ACADEMIC]

VIEW = grant("stateforms.view_statreport", StatReport, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
grant("stateforms.view_statfigure", StatFigure, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
FILL = grant("stateforms.fill_statreport", StatReport, cells(FILLERS, INSTITUTION))
REVIEW = grant("stateforms.review_statreport", StatReport, cells(DEPARTMENT_ROLES, CITY))

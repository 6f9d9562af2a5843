"""The access matrix of personal data requests (R-PD-4).

A pupil, a parent or a staff member reads the requests they filed and those about
their own data (``SELF``: the person path is the subject and the filer). The school's
secretary, director and administrator keep the register of their school and answer
it. The department reads the register of every school with limited fields: dates,
kinds and states, never whose data it is or what the request says (R-TEN-3).
"""

from portal.access import (
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    INSTITUTION,
    SCHOOL_STAFF_ROLES,
    SELF,
    Role,
    cells,
    grant,
)

from .models import SubjectRequest

# Who keeps and answers the register.
KEEPERS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.SECRETARY})
# Who files requests about their own data (a parent also about their children's).
FILERS = (SCHOOL_STAFF_ROLES - KEEPERS) | {Role.PUPIL, Role.PARENT}

VIEW = grant("subject_requests.view_subjectrequest", SubjectRequest, {
    **cells(FILERS, SELF),
    **cells(KEEPERS, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
# The register: the school's requests for their keepers, the city's for the department.
VIEW_REGISTER = grant("subject_requests.view_register", SubjectRequest, {
    **cells(KEEPERS, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
ANSWER = grant("subject_requests.answer_subjectrequest", SubjectRequest,
               cells(KEEPERS, INSTITUTION))

"""The access matrix of the documents register (R-DOC-1).

A document is read by its access level: a public one by everyone (visitors without a
login too), a staff one by the school's staff, an administration one by the school's
leadership; the department reads the register of every school. The register is kept by
the leadership and the secretary.
"""

from portal.access import (
              CITY,
              DEPARTMENT_ROLES,
              INSTITUTION,
              SCHOOL_STAFF_ROLES,
              Role,
              cells,
              grant,
)
from portal.composite import LevelPermission, grant_levels

from .models import AccessLevel, Document

# The school's leadership: who reads the administration's documents.
LEADERSHIP = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL,
              Role.SECRETARY]
# Who keeps the register.
KEEPERS = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL,
           Role.SECRETARY]

VIEW_STAFF = grant("documents.view_staff_document", Document, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
VIEW_ADMINISTRATION = grant("documents.view_administration_document", Document, {
    **cells(LEADERSHIP, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
grant_levels("documents.view_document", Document, "access_level", {
    AccessLevel.PUBLIC: LevelPermission.EVERYONE,
    AccessLevel.STAFF: VIEW_STAFF,
    AccessLevel.ADMINISTRATION: VIEW_ADMINISTRATION,
})
grant("documents.add_document", Document, cells(KEEPERS, INSTITUTION))
grant("documents.change_document", Document, cells(KEEPERS, INSTITUTION))
grant("documents.delete_document", Document, {Role.ADMIN: INSTITUTION,
                                              Role.DIRECTOR: INSTITUTION})

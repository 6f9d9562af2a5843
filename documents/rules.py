"""The access matrix of the documents register (R-DOC-1).

A document is read by its access level: a public one by everyone (visitors without a
login too), a staff one by the school's staff, an administration one by the school's
leadership; the department reads the register of every school. The register is kept by
the leadership and the secretary.

Generated documents (certificates of study, personal file sheets, class lists,
transcripts of finals) are issued by the school's secretary, director and deputies about
the school's own pupils and classes; a class teacher issues the list of their own class.
The register of issued documents is theirs to read (a class teacher's: what was issued
about their class); the department issues and reads none of it.
"""

from curriculum.models import SchoolClass
from portal.access import (
              CITY,
              DEPARTMENT_ROLES,
              INSTITUTION,
              LED_CLASS,
              SCHOOL_STAFF_ROLES,
              Role,
              cells,
              grant,
)
from portal.composite import LevelPermission, grant_levels
from records.models import Pupil

from .models import AccessLevel, Document, IssuedDocument

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

# Generated documents (R-DOC-1): who issues them, about which pupils and classes.
ISSUERS = [Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL, Role.SECRETARY]
ISSUE_DOCUMENT = grant("documents.issue_document", Pupil, cells(ISSUERS, INSTITUTION))
ISSUE_CLASS_LIST = grant("documents.issue_class_list", SchoolClass, {
    **cells(ISSUERS, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
})
grant("documents.view_issueddocument", IssuedDocument, {
    **cells(ISSUERS, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
})

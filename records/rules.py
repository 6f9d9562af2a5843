"""The access matrix of records (R-TEN-1…6, R-PD-5). Read docs/architecture.md first.

Each table says, for each role, which rows the permission reaches; the relationships
themselves (own class, own children, …) are the scopes of portal.access.
"""

import rules

from curriculum.models import SchoolClass
from portal.access import (
    ADMIN_ROLES,
    CHILDREN,
    CITY,
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    INSTITUTION,
    INSTITUTION_AND_SHARED,
    LED_CLASS,
    SCHOOL_STAFF_ROLES,
    SELF,
    TAUGHT_CLASS,
    Role,
    access,
    cells,
    grant,
)

from .models import (
    Consent,
    DirectoryEntry,
    Institution,
    InstitutionDocument,
    Parent,
    ParentFile,
    Person,
    Pupil,
    PupilCharacteristic,
    PupilFile,
    PupilHealth,
    RoleAssignment,
    Staff,
    StaffFile,
)

# Staff who work with every pupil of their school.
WHOLE_SCHOOL = [
    Role.ADMIN,
    Role.DIRECTOR,
    Role.DEPUTY_ACADEMIC,
    Role.DEPUTY_EDUCATIONAL,
    Role.SECRETARY,
    Role.COORDINATOR,
    Role.PSYCHOLOGIST,
    Role.SOCIAL_PEDAGOGUE,
    Role.MEDIC,
    Role.MAINTAIN_LISTS,
]
LIST_KEEPERS = [Role.ADMIN, Role.SECRETARY, Role.MAINTAIN_LISTS]


grant("records.view_institution", Institution, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})
grant("records.add_institution", Institution, {Role.DEPT_ADMIN: CITY})
grant("records.change_institution", Institution, {Role.ADMIN: INSTITUTION, Role.DEPT_ADMIN: CITY})
grant("records.delete_institution", Institution, {Role.DEPT_ADMIN: CITY})

# The licences and accreditation are part of the card and read with it.
grant("records.view_institutiondocument", InstitutionDocument, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY),
})

grant("records.view_staff", Staff, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
STAFF_KEEPERS = [Role.ADMIN, Role.DIRECTOR, Role.SECRETARY]
grant("records.add_staff", Staff, cells(STAFF_KEEPERS, INSTITUTION))
grant("records.change_staff", Staff, cells(STAFF_KEEPERS, INSTITUTION))
grant("records.delete_staff", Staff, {Role.ADMIN: INSTITUTION})

grant("records.view_pupil", Pupil, {
    **cells(WHOLE_SCHOOL, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.EDIT_OWN_CLASS: LED_CLASS,
    Role.SUBJECT_TEACHER: TAUGHT_CLASS,
    Role.PARENT: CHILDREN,
    Role.PUPIL: SELF,
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
grant("records.add_pupil", Pupil, cells(LIST_KEEPERS, INSTITUTION))
grant("records.change_pupil", Pupil, {
    **cells(LIST_KEEPERS, INSTITUTION),
    Role.EDIT_OWN_CLASS: LED_CLASS,
})
# R-PPL-4: the pupil list (who is in which class, the personal file) is kept by the
# secretary; the pupil details (documents, contacts, family) also by the class teacher
# of the pupil's class. The Appendix 4 right gives a class teacher the whole card.
grant("records.change_pupil_details", Pupil, {
    **cells(LIST_KEEPERS, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.EDIT_OWN_CLASS: LED_CLASS,
})
grant("records.delete_pupil", Pupil, {Role.ADMIN: INSTITUTION})

grant("records.view_parent", Parent, {
    **cells(WHOLE_SCHOOL, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.EDIT_OWN_CLASS: LED_CLASS,
    Role.SUBJECT_TEACHER: TAUGHT_CLASS,
    Role.PARENT: SELF,
    **cells(DEPARTMENT_ROLES, CITY_LIMITED),
})
grant("records.add_parent", Parent, cells(LIST_KEEPERS, INSTITUTION))
grant("records.change_parent", Parent, {
    **cells(LIST_KEEPERS, INSTITUTION),
    Role.EDIT_OWN_CLASS: LED_CLASS,
})
grant("records.delete_parent", Parent, {Role.ADMIN: INSTITUTION})

# Attached files are edited on the card; they are read by those who edit the card, so a
# subject teacher who may look a pupil up does not open the pupil's documents. The class
# teacher edits the pupil details (R-PPL-4), files included, but not parents' cards.
grant("records.view_stafffile", StaffFile, cells(STAFF_KEEPERS, INSTITUTION))
grant("records.view_pupilfile", PupilFile, {
    **cells(LIST_KEEPERS, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.EDIT_OWN_CLASS: LED_CLASS,
})
grant("records.view_parentfile", ParentFile, {
    **cells(LIST_KEEPERS, INSTITUTION),
    Role.EDIT_OWN_CLASS: LED_CLASS,
})

# R-PPL-5: logins for the pupils and parents of a class are issued by the list keepers;
# the department administrator issues those a school may not (a parent with children in
# two schools, a parent who also works in a school: records.logins).
grant("records.issue_credentials", SchoolClass, {
    **cells(LIST_KEEPERS, INSTITUTION),
    Role.DEPT_ADMIN: CITY,
})

# R-PD-6: the school administrator suspends and restores a person's login.
grant("records.suspend_access", Person, {Role.ADMIN: INSTITUTION, Role.DEPT_ADMIN: CITY})

# R-PD-1: consent is recorded by those who keep the lists.
grant("records.view_consent", Consent, cells(WHOLE_SCHOOL, INSTITUTION))
grant("records.add_consent", Consent, cells(LIST_KEEPERS, INSTITUTION))
grant("records.change_consent", Consent, cells(LIST_KEEPERS, INSTITUTION))
grant("records.delete_consent", Consent, {Role.ADMIN: INSTITUTION})

# R-PPL-4: the medical group for the medical worker and the administrator, the
# psychological-pedagogical characteristic for the psychologist and the social pedagogue.
# Nobody else reads them, class teachers and the department included.
MEDICAL = [Role.MEDIC, Role.ADMIN]
PSYCHOLOGICAL = [Role.PSYCHOLOGIST, Role.SOCIAL_PEDAGOGUE]
for action in ("view", "add", "change"):
    grant(f"records.{action}_pupilhealth", PupilHealth, cells(MEDICAL, INSTITUTION))
    grant(f"records.{action}_pupilcharacteristic", PupilCharacteristic,
          cells(PSYCHOLOGICAL, INSTITUTION))
grant("records.delete_pupilhealth", PupilHealth, {Role.ADMIN: INSTITUTION})
grant("records.delete_pupilcharacteristic", PupilCharacteristic,
      cells(PSYCHOLOGICAL, INSTITUTION))

# Directories (R-INST-4): department-wide values are kept by the department and read by
# every school; a school adds its own.
grant("records.view_directoryentry", DirectoryEntry, {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION_AND_SHARED),
    **cells(DEPARTMENT_ROLES, CITY),
})
for action in ("add", "change", "delete"):
    grant(f"records.{action}_directoryentry", DirectoryEntry, {
        Role.ADMIN: INSTITUTION,
        Role.DEPT_ADMIN: CITY,
    })

grant("records.view_roleassignment", RoleAssignment, {
    Role.ADMIN: INSTITUTION,
    Role.DIRECTOR: INSTITUTION,
    Role.DEPT_ADMIN: CITY,
})
for action in ("add", "change", "delete"):
    grant(f"records.{action}_roleassignment", RoleAssignment, {
        Role.ADMIN: INSTITUTION,
        Role.DEPT_ADMIN: CITY,
    })


@rules.predicate
def works_in_admin(user):
    """Staff, department users and editors use the Wagtail admin; pupils and parents never."""
    context = access(user)
    return bool(context and context.all_roles & ADMIN_ROLES)


rules.add_perm("wagtailadmin.access_admin", works_in_admin)
rules.add_perm("portal.view_access_matrix", works_in_admin)

# R-DEP-3: the department's own staff — their people, roles and logins — are kept by the
# department administrator (records/department.py).
grant("records.manage_department_staff", Person, {Role.DEPT_ADMIN: CITY})

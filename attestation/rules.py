"""The access matrix of the final attestation. Read docs/architecture.md first.

The exams and the certificate marks are a child's results: the school's leadership and
the secretary (who writes the certificates) read them, the class teacher reads their
class's, the pupil their own and a parent their children's. The deputy for the
curriculum and the director enter and correct them. The department reads none: its
reports count results, they do not name children.
"""

from curriculum.models import SchoolClass
from curriculum.rules import LEADERSHIP
from portal.access import CHILDREN, INSTITUTION, LED_CLASS, SELF, Role, cells, grant

from .models import CertificateMark, ExamResult

KEEPERS = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC]
READERS = {
    **cells([*LEADERSHIP, Role.SECRETARY], INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
}

# The class's attestation page and what may be done on it.
VIEW_ATTESTATION = "attestation.view_attestation"
MANAGE_ATTESTATION = "attestation.manage_attestation"
grant(VIEW_ATTESTATION, SchoolClass, READERS)
grant(MANAGE_ATTESTATION, SchoolClass, cells(KEEPERS, INSTITUTION))

for model in (ExamResult, CertificateMark):
    name = model._meta.model_name
    grant(f"attestation.view_{name}", model, {**READERS, Role.PUPIL: SELF,
                                              Role.PARENT: CHILDREN})
    grant(f"attestation.change_{name}", model, cells(KEEPERS, INSTITUTION))
grant("attestation.add_examresult", ExamResult, cells(KEEPERS, INSTITUTION))
grant("attestation.delete_examresult", ExamResult, cells(KEEPERS, INSTITUTION))

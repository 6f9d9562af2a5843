"""Uploaded documents: kept out of the public media folder, checked by content."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils.translation import gettext_lazy as _

# The first bytes of each allowed kind: the extension alone proves nothing.
SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG\r\n\x1a\n": "png",
}


def private_storage():
    return storages["private"]


def validate_document(upload):
    """PDF, JPEG or PNG, at most MAX_UPLOAD_SIZE bytes."""
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(size)s MB.") % {"size": limit // (1024 * 1024)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in SIGNATURES):
        raise ValidationError(_("Only PDF, JPEG and PNG files can be attached."))

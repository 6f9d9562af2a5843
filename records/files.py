"""Uploaded documents: kept out of the public media folder, checked by content."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The first bytes of each allowed kind: the extension alone proves nothing.
SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG\r\n\x1a\n": "png",
}


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, never served by the web server. A file's URL is
    a view that serves it only to a user who may read the row holding it."""

    def url(self, name):
        return reverse("records:private_file", args=[name])


def private_storage():
    return storages["private"]


def private_file_fields():
    """(model, field) for every file field kept in the private storage."""
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, models.FileField) and isinstance(field.storage,
                                                                  PrivateStorage):
                yield model, field


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

"""Uploaded files: one way in, one way out.

Every file a user uploads into a project model is held by a ``PrivateFileField``. The
field decides what the file *is* from its content, against the field's own allowlist of
kinds (PDF, JPEG and PNG unless the field allows more), and refuses anything else: a
PDF must open in pypdf, an image must decode in Pillow, an office document must be a
zip whose manifest names the right main part. The user's file name decides nothing:
the stored name is generated (a random folder, the user's name sanitised as the
download name) and always ends in the extension of the detected kind, so no stored
file ever ends in .html, .svg or .js. The check runs when a form validates (a message
in the user's language) and again when the file is written, so a path that skips the
form (an action, a factory, the shell) cannot store an unchecked file.

Files live in the private storage, outside MEDIA_ROOT, and leave only through
``file_response``: the content type is that of the kind the stored extension names,
and only if the field allows that kind (anything else is
``application/octet-stream``); images and PDFs are shown inline on purpose, everything
else is an attachment; every response carries ``X-Content-Type-Options: nosniff``, a
sandboxing ``Content-Security-Policy`` of its own (the site-wide CSP middleware leaves
a header that is already set alone) and ``Cache-Control: private, no-store``.

Wagtail's own documents and images are not private files: ``serve_document`` wraps
Wagtail's document view with the same headers, and the settings keep documents behind
that view (see ``WAGTAILDOCS_*`` in the settings).
"""

import posixpath
import secrets
import warnings
import zipfile
from dataclasses import dataclass
from functools import wraps

from defusedxml import ElementTree
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.urls import reverse
from django.utils.csp import CSP, build_policy
from django.utils.functional import lazy
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader

# A sandboxed document with nothing to load: no script runs, no form posts, no
# request leaves with the portal's cookies, even if a file were read as HTML.
# Chromium still shows a PDF and an image under it (checked by hand with Playwright).
FILE_CSP = {"default-src": [CSP.NONE], "sandbox": True}

# An image bigger than this is refused before it is decoded (a phone scan is 12-50 MP).
MAX_IMAGE_PIXELS = 60_000_000
# The manifest of an office document is a few kilobytes; more is not a document.
MAX_MANIFEST_SIZE = 1024 * 1024


# Detection ------------------------------------------------------------------------------


def _head(upload, size):
    upload.seek(0)
    return upload.read(size)


def _is_pdf(upload):
    """A PDF that pypdf can open, with pages: a header alone proves nothing."""
    if not _head(upload, 8).startswith((b"%PDF-1.", b"%PDF-2.")):
        return False
    upload.seek(max(upload.size - 1024, 0))
    if b"%%EOF" not in upload.read():
        return False
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            reader.decrypt("")
        return len(reader.pages) > 0
    except Exception:
        # A parser of hostile input may raise anything; whatever it raises means
        # "not a PDF we accept".
        return False


def _image_check(signature, pillow_format):
    def check(upload):
        if not _head(upload, len(signature)) == signature:
            return False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                upload.seek(0)
                with Image.open(upload, formats=[pillow_format]) as image:
                    width, height = image.size
                    if image.format != pillow_format or width * height > MAX_IMAGE_PIXELS:
                        return False
                    image.verify()
                # verify() checks the structure; decoding the pixels proves the rest.
                upload.seek(0)
                with Image.open(upload, formats=[pillow_format]) as image:
                    image.load()
            return True
        except Exception:
            return False

    return check


def _zip_member(upload, name):
    """One small member of a zip file, or None (not a zip, no such member, too big)."""
    if _head(upload, 4) != b"PK\x03\x04":
        return None
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo(name)
            if info.file_size > MAX_MANIFEST_SIZE:
                return None
            return info, archive.read(info), archive.namelist()
    except Exception:
        return None


def _ooxml_check(main_content_type):
    """Office Open XML (DOCX, XLSX, PPTX): the manifest ``[Content_Types].xml`` names
    the document's main part with the kind's own content type. A macro-enabled or
    template file names another one and is refused."""

    def check(upload):
        member = _zip_member(upload, "[Content_Types].xml")
        if member is None:
            return False
        _info, manifest, names = member
        try:
            root = ElementTree.fromstring(manifest)
        except Exception:
            return False
        namespace = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        parts = [(override.get("PartName", "").lstrip("/"), override.get("ContentType"))
                 for override in root.iter(f"{namespace}Override")]
        if any("macroEnabled" in (content_type or "") for _part, content_type in parts):
            return False
        return any(content_type == main_content_type and part in names
                   for part, content_type in parts)

    return check


def _odf_check(mimetype):
    """OpenDocument (ODT, ODS, ODP): the first member is ``mimetype``, stored
    uncompressed, holding exactly the kind's content type (ODF 1.2, §3.3)."""

    def check(upload):
        member = _zip_member(upload, "mimetype")
        if member is None:
            return False
        info, content, names = member
        return (names[0] == "mimetype" and info.compress_type == zipfile.ZIP_STORED
                and content == mimetype.encode("ascii") and "content.xml" in names)

    return check


@dataclass(frozen=True)
class Kind:
    """A kind of file the portal accepts: how to recognise it by content, the
    extension its stored name gets, the type it is served as, and whether a browser
    may show it inline."""

    name: str
    label: str
    extension: str
    content_type: str
    inline: bool
    matches: object  # upload -> bool

    def __str__(self):
        return self.label


OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
ALL_KINDS = (
    Kind("pdf", "PDF", "pdf", "application/pdf", True, _is_pdf),
    Kind("jpeg", "JPEG", "jpg", "image/jpeg", True, _image_check(b"\xff\xd8\xff", "JPEG")),
    Kind("png", "PNG", "png", "image/png", True,
         _image_check(b"\x89PNG\r\n\x1a\n", "PNG")),
    Kind("docx", "DOCX", "docx", OOXML + "wordprocessingml.document", False,
         _ooxml_check(OOXML + "wordprocessingml.document.main+xml")),
    Kind("xlsx", "XLSX", "xlsx", OOXML + "spreadsheetml.sheet", False,
         _ooxml_check(OOXML + "spreadsheetml.sheet.main+xml")),
    Kind("pptx", "PPTX", "pptx", OOXML + "presentationml.presentation", False,
         _ooxml_check(OOXML + "presentationml.presentation.main+xml")),
    Kind("odt", "ODT", "odt", ODF + "text", False, _odf_check(ODF + "text")),
    Kind("ods", "ODS", "ods", ODF + "spreadsheet", False, _odf_check(ODF + "spreadsheet")),
    Kind("odp", "ODP", "odp", ODF + "presentation", False, _odf_check(ODF + "presentation")),
)
KINDS = {kind.name: kind for kind in ALL_KINDS}
KINDS_BY_EXTENSION = {kind.extension: kind for kind in ALL_KINDS}

# The default of every private file field: scans and documents.
DOCUMENTS = ("pdf", "jpeg", "png")
# What a teacher may reasonably attach to homework besides scans.
OFFICE_DOCUMENTS = ("docx", "xlsx", "pptx", "odt", "ods", "odp")


def detect(upload, kinds=DOCUMENTS):
    """The first of ``kinds`` that the content of ``upload`` is, or None."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        for name in kinds:
            if KINDS[name].matches(upload):
                return KINDS[name]
        return None
    finally:
        upload.seek(position)


def kind_of_stored(name, kinds):
    """The kind a stored name says, if the field allows it. The extension is the
    portal's own (see ``stored_name``), so it is trusted; an old or foreign name with
    any other extension gets no kind and is served as a download."""
    kind = KINDS_BY_EXTENSION.get(posixpath.splitext(name)[1].lstrip(".").lower())
    return kind if kind is not None and kind.name in kinds else None


def stored_name(original, kind):
    """``<random>/<sanitised user's name>.<extension of the kind>``: the random folder
    keeps names apart and unguessable, the user's name survives only as the download
    name, and the extension is always the detected kind's."""
    stem = posixpath.splitext(posixpath.basename(str(original).replace("\\", "/")))[0]
    try:
        stem = get_valid_filename(stem.replace(".", "_").strip("_"))[:80]
    except SuspiciousFileOperation:  # nothing usable was left of it
        stem = ""
    return f"{secrets.token_hex(8)}/{stem or 'file'}.{kind.extension}"


def download_name(name):
    return posixpath.basename(name)


# Storage and field ----------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, never served by the web server. A file's URL is
    a view that serves it only to a user who may read the row holding it."""

    def url(self, name):
        return reverse("records:private_file", args=[name])


def private_storage():
    return storages["private"]


def _megabytes(size):
    return size // (1024 * 1024)


class PrivateFieldFile(FieldFile):
    def save(self, name, content, save=True):
        # The last gate: whatever path writes a file, it is checked and renamed here.
        kind = self.field.accept(content)
        super().save(stored_name(name, kind), content, save)

    save.alters_data = True


class PrivateFileField(models.FileField):
    """The file field of every project model: private storage, content checked
    against ``kinds`` (names from ``KINDS``), generated name, size limit
    (``max_size`` or ``MAX_UPLOAD_SIZE``)."""

    attr_class = PrivateFieldFile

    def __init__(self, verbose_name=None, name=None, *, kinds=DOCUMENTS, max_size=None,
                 **kwargs):
        if "storage" in kwargs:
            raise TypeError("A private file is always kept in the private storage.")
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"Unknown kinds of file: {sorted(unknown)}")
        self.kinds = tuple(kinds)
        self.max_size = max_size
        kwargs.setdefault("max_length", 255)
        super().__init__(verbose_name, name, storage=private_storage, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["storage"]
        if kwargs.get("max_length") == 255:
            del kwargs["max_length"]
        if self.kinds != DOCUMENTS:
            kwargs["kinds"] = self.kinds
        if self.max_size is not None:
            kwargs["max_size"] = self.max_size
        return name, path, args, kwargs

    @property
    def size_limit(self):
        return self.max_size or settings.MAX_UPLOAD_SIZE

    def kinds_text(self):
        return ", ".join(KINDS[name].label for name in self.kinds)

    def accept(self, upload):
        """The kind of ``upload``, or a ValidationError saying what is accepted."""
        if upload.size > self.size_limit:
            raise ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": _megabytes(self.size_limit)}, code="file_too_large")
        kind = detect(upload, self.kinds)
        if kind is None:
            raise ValidationError(
                _("Only %(kinds)s files can be attached, and this file is none of them "
                  "by its content.") % {"kinds": self.kinds_text()}, code="file_kind")
        return kind

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and not value._committed:
            self.accept(value.file)

    def describe(self):
        """What the field takes, for the form: «PDF, JPEG, PNG, at most 10 MB.»"""
        return _("%(kinds)s, at most %(size)s MB.") % {
            "kinds": self.kinds_text(), "size": _megabytes(self.size_limit)}

    def accept_attribute(self):
        """The file input's ``accept``: the browser offers only these kinds."""
        return ",".join(f".{KINDS[name].extension},{KINDS[name].content_type}"
                        for name in self.kinds)

    def formfield(self, **kwargs):
        defaults = {
            # The user's name is not kept as such: its length does not matter.
            "max_length": None,
            "help_text": self.help_text or lazy(self.describe, str)(),
        }
        field = super().formfield(**{**defaults, **kwargs})
        field.widget.attrs.setdefault("accept", self.accept_attribute())
        return field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (homework's, a forum post's) for the model's
    ``PrivateFileField`` ``stored``: the input offers its kinds, the help says what it
    takes, and each upload is checked by its ``accept`` (the messages name the file)."""

    def __init__(self, *args, stored, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(
            attrs={"accept": stored.accept_attribute()}))
        kwargs.setdefault("help_text", lazy(stored.describe, str)())
        super().__init__(*args, **kwargs)
        self.stored = stored

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            uploads = [single(item, initial) for item in data]
        else:
            uploads = [single(data, initial)] if data else []
        errors = []
        for upload in uploads:
            try:
                self.stored.accept(upload)
            except ValidationError as error:
                errors += [f"{upload.name}: {message}" for message in error.messages]
        if errors:
            raise ValidationError(errors)
        return uploads


def private_file_fields():
    """(model, field) for every private file field of every installed model."""
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, PrivateFileField):
                yield model, field


# Serving --------------------------------------------------------------------------------


def secure_file_headers(response):
    """The headers every served file carries, whoever built the response."""
    response["X-Content-Type-Options"] = "nosniff"
    # The plain name: a WSGI server (wsgiref, the development and live test servers)
    # refuses a header name that is an enum member rather than a str.
    response[CSP.HEADER_ENFORCE.value] = build_policy(FILE_CSP)
    return response


def file_response(file, attachment=False):
    """The one response for a private file (a ``PrivateFieldFile``). Raises
    FileNotFoundError when the stored file is gone. ``attachment`` makes even a PDF or
    an image a download (a generated document is saved, not shown)."""
    kind = kind_of_stored(file.name, file.field.kinds)
    response = FileResponse(
        file.open("rb"),
        content_type=kind.content_type if kind else "application/octet-stream",
        as_attachment=attachment or not (kind and kind.inline),
        filename=download_name(file.name),
    )
    response["Cache-Control"] = "private, no-store"
    return secure_file_headers(response)


def serve_document(view):
    """Wagtail's document view with the headers of every served file: Wagtail sets
    nosniff and ``default-src 'none'`` itself; the sandbox comes from here."""

    @wraps(view)
    def serve(request, *args, **kwargs):
        return secure_file_headers(view(request, *args, **kwargs))

    return serve

"""Issuing a generated document (R-DOC-1): the one way a row of the register of issued
documents is made. It takes the school's next number of the year, renders the PDF with
that number, files it with the row and logs the issue, all in one transaction: a failure
anywhere leaves no row, so the numbers have no gaps.

Numbers are sequential per school and calendar year. The next number is read under a
lock of the school's row (``select_for_update``: PostgreSQL makes a second issuer of the
same school wait), and the unique constraint on (school, year, number) catches what a
database without row locks lets through (SQLite): the losing transaction is rolled back
and tried again with the next number."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.access import today
from portal.pdf import render_pdf
from records.models import Institution

from . import generated
from .models import PUPIL_KINDS, IssuedDocument, IssuedKind
from .rules import ISSUE_CLASS_LIST, ISSUE_DOCUMENT

ISSUED = "documents.issued"
ATTEMPTS = 5


def next_number(institution_id, year):
    """The next free number of the school's year (call it under the school's lock)."""
    top = IssuedDocument.objects.filter(institution_id=institution_id, year=year).aggregate(
        top=Max("number"))["top"]
    return (top or 0) + 1


def check(user, kind, pupil=None, school_class=None):
    if kind in PUPIL_KINDS:
        if pupil is None or school_class is not None:
            raise ValidationError(_("This document is issued about a pupil."))
        if not user.has_perm(ISSUE_DOCUMENT.name, pupil):
            raise PermissionDenied
        if pupil.left_on is not None and kind == IssuedKind.CERTIFICATE:
            raise ValidationError(_("The pupil has left the school: a certificate of "
                                    "study is issued only about a pupil who studies here."))
        if kind == IssuedKind.CERTIFICATE and not pupil.school_class_id:
            raise ValidationError(_("The pupil is in no class: a certificate of study names "
                                    "the class."))
    elif kind == IssuedKind.CLASS_LIST:
        if school_class is None or pupil is not None:
            raise ValidationError(_("A class list is issued about a class."))
        if not user.has_perm(ISSUE_CLASS_LIST.name, school_class):
            raise PermissionDenied
    else:
        raise ValidationError(_("Unknown kind of document."))


def issue(user, kind, *, pupil=None, school_class=None, destination="", on=None):
    """Issues a document of ``kind`` about ``pupil`` (a certificate of study, a personal
    file sheet, a transcript of finals) or ``school_class`` (a class list) and answers
    the register's row with its PDF. Raises PermissionDenied for a user who may not
    issue it, ValidationError for a document that cannot be issued."""
    check(user, kind, pupil, school_class)
    on = on or today()
    institution_id = pupil.institution_id if pupil is not None else school_class.institution_id
    if pupil is not None:
        subject = pupil.person.full_name
        school_class = pupil.school_class if pupil.school_class_id else None
        about_class = school_class
    else:
        subject = _("class %(name)s") % {"name": school_class}
        about_class = school_class
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _issue(user, kind, institution_id, on, pupil, about_class, subject,
                              destination.strip())
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _issue(user, kind, institution_id, on, pupil, school_class, subject, destination):
    institution = Institution.objects.select_for_update().get(pk=institution_id)
    document = IssuedDocument.objects.create(
        institution=institution, kind=kind, year=on.year,
        number=next_number(institution_id, on.year), issued_on=on, pupil=pupil,
        school_class=school_class, subject=subject[:300], destination=destination[:300],
        issued_by=user)
    pdf = render_pdf(generated.TEMPLATES[kind], generated.BUILDERS[kind](document))
    document.file.save(f"{kind}-{document.number}-{document.year}.pdf", ContentFile(pdf),
                       save=False)
    try:
        IssuedDocument.objects.filter(pk=document.pk).update(file=document.file.name)
        # The entry names the document and its number, never the pupil (the register
        # says whom it is about to those who may read it).
        log(document, ISSUED, user=user, data={"kind": kind, "number": document.full_number})
    except Exception:
        document.file.delete(save=False)  # the row is rolled back: no stray file
        raise
    return document

"""The school's register of internal documents (R-DOC-1, internal part): orders,
regulations, plans, each with its number, date, file and access level."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from portal.access import ScopedQuerySet
from portal.uploads import PrivateFileField
from records.models import Institution


class DocumentKind(models.TextChoices):
    ORDER = "order", _("Order")
    REGULATION = "regulation", _("Regulation")
    PLAN = "plan", _("Plan")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other document")


class AccessLevel(models.TextChoices):
    # Everyone, visitors without a login included (the school's site publishes it).
    PUBLIC = "public", _("Public")
    # The school's staff (and the department).
    STAFF = "staff", _("Staff")
    # The school's leadership (and the department).
    ADMINISTRATION = "administration", _("Administration")


# What a register keeps: scans and the office formats documents are written in.
DOCUMENT_FILE_KINDS = ("pdf", "docx", "odt", "xlsx", "ods", "jpeg", "png")


class DocumentQuerySet(ScopedQuerySet):
    def of_year(self, year):
        return self.filter(date__year=year)


class Document(index.Indexed, models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE,
                                    related_name="register_documents",
                                    verbose_name=_("institution"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices,
                            default=DocumentKind.ORDER)
    number = models.CharField(_("number"), max_length=40, blank=True)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    file = PrivateFileField(_("file"), kinds=DOCUMENT_FILE_KINDS, blank=True)
    access_level = models.CharField(_("access"), max_length=20, choices=AccessLevel.choices,
                                    default=AccessLevel.STAFF)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+",
                               verbose_name=_("author"), editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    access_paths = {"institution": "institution_id"}
    # The search's hit reads the school's name (portal/search.py).
    search_select_related = ("institution",)

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("number"),
        index.AutocompleteField("title"),
        index.FilterField("id"),
        index.FilterField("institution"),
        index.FilterField("access_level"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["institution", "date"])]

    def __str__(self):
        if self.number:
            return _("№ %(number)s of %(date)s: %(title)s") % {
                "number": self.number, "date": self.date.strftime("%d.%m.%Y"),
                "title": self.title}
        return self.title

    def get_absolute_url(self):
        return reverse("documents:document", args=[self.pk])

    def get_file_url(self):
        return reverse("documents:file", args=[self.pk]) if self.file else ""

    @property
    def search_snippet(self):
        # Plain text of what anyone who sees the row reads in the register's list.
        parts = [self.get_kind_display()]
        if self.number:
            parts.append(f"№ {self.number}")
        parts.append(self.date.strftime("%d.%m.%Y"))
        parts.append(self.institution.short_name)
        return " · ".join(str(part) for part in parts)


# Generated documents (R-DOC-1, outgoing part) ------------------------------------------


class IssuedKind(models.TextChoices):
    CERTIFICATE = "certificate", _("certificate of study")
    PERSONAL_FILE = "personal_file", _("personal file sheet")
    CLASS_LIST = "class_list", _("class list")
    TRANSCRIPT = "transcript", _("transcript of finals")


# What is issued about one pupil; a class list is issued about a class.
PUPIL_KINDS = (IssuedKind.CERTIFICATE, IssuedKind.PERSONAL_FILE, IssuedKind.TRANSCRIPT)


class IssuedDocumentQuerySet(ScopedQuerySet):
    pass


class IssuedDocument(models.Model):
    """One generated document in the school's register of issued documents: its number,
    sequential per school and calendar year with no gaps (``documents.actions.issue``
    takes the next one under a lock of the school's row, the unique constraint catches
    a race), what it is about, who issued it and when, and the PDF as issued. Rows are
    never edited or deleted: the register is the school's record of what left it."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="issued_documents",
                                    verbose_name=_("institution"))
    kind = models.CharField(_("kind"), max_length=20, choices=IssuedKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="issued_documents",
                              verbose_name=_("pupil"))
    school_class = models.ForeignKey("curriculum.SchoolClass", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="issued_documents",
                                     verbose_name=_("class"))
    # Whom or what it is about as it read on the day (a pupil's name, a class), so the
    # register reads the same after a rename or a move.
    subject = models.CharField(_("about"), max_length=300)
    destination = models.CharField(_("for presentation at"), max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    file = PrivateFileField(_("file"), upload_to="documents/issued/", kinds=("pdf",),
                            blank=True)

    objects = IssuedDocumentQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "school_class_id",
                    "pupil": "pupil_id"}

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "number"],
                                    name="issued_document_number_once_a_year"),
        ]

    def __str__(self):
        return _("%(kind)s № %(number)s") % {"kind": capfirst(self.get_kind_display()),
                                            "number": self.full_number}

    @property
    def full_number(self):
        """«12/2026»: the number in the register and its year."""
        return f"{self.number}/{self.year}"

    def get_file_url(self):
        return reverse("documents:issued_file", args=[self.pk]) if self.file else ""

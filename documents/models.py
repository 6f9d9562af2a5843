"""The school's register of internal documents (R-DOC-1, internal part): orders,
regulations, plans, each with its number, date, file and access level."""

from django.conf import settings
from django.db import models
from django.urls import reverse
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

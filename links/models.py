"""The catalog of useful links (R-RES-1): educational resources in ordered categories,
for everyone or for signed-in users, city-wide or a school's own, checked now and then
(a broken-link report for editors)."""

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from portal.access import ScopedQuerySet
from records.models import Institution


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in users")


class LinkCategory(models.Model):
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()
    access_paths = {}

    class Meta:
        verbose_name = _("link category")
        verbose_name_plural = _("link categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class LinkQuerySet(ScopedQuerySet):
    def broken(self):
        return self.filter(is_broken=True)


# Only web addresses: no javascript:, data:, file: or mailto: in the catalog.
web_address = URLValidator(schemes=["http", "https"])


class Link(index.Indexed, models.Model):
    category = models.ForeignKey(LinkCategory, on_delete=models.PROTECT, related_name="links",
                                 verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500, validators=[web_address])
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("shown to"), max_length=20, choices=Audience.choices,
                                default=Audience.PUBLIC)
    # A school's own link, or (empty) one of the whole city.
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="links",
                                    verbose_name=_("institution"),
                                    help_text=_("Empty for a link of the whole city."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The last check (links.checks): the HTTP status, when, and what went wrong.
    check_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True,
                                                    blank=True, editable=False)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)
    check_error = models.CharField(_("check error"), max_length=300, blank=True,
                                   editable=False)
    is_broken = models.BooleanField(_("broken"), default=False, editable=False)

    objects = LinkQuerySet.as_manager()

    access_paths = {"institution": "institution_id"}
    search_select_related = ("category",)

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.SearchField("url"),
        index.FilterField("id"),
        index.FilterField("audience"),
        index.FilterField("institution"),
        index.FilterField("category"),
        index.FilterField("is_broken"),
    ]

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["category__order", "category__name", "order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url

    @property
    def search_snippet(self):
        return f"{self.category.name}: {self.description}" if self.description else \
            self.category.name

"""Announcements (R-ANN-1): Wagtail pages with an audience.

An ``AnnouncementIndexPage`` (the news of the city, of a school or of the department)
lists its ``AnnouncementPage``s. An announcement is written by an editor, submitted to
the school's moderation workflow and published by the school's administrator
(sgo_pages/actions.py sets that up per school); Wagtail keeps its drafts and revisions,
publishes it at ``go_live_at`` and takes it down at ``expire_at``
(``manage.py publish_scheduled``). Who reads it is its audience (announcements/
audience.py), through one queryset: ``AnnouncementPage.objects.visible_to(user)``.
An announcement with an event date is an event: the school page lists the coming ones.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet
from wagtail.search import index

from . import audience as audiences
from .audience import Audience
from .richtext import SAFE_FEATURES, clean_html

# How many announcements an index page shows at a time.
PER_PAGE = 20


def school_page_of(page):
    """The school page ``page`` is (or is under), or None."""
    if page is None:
        return None
    from sgo_pages.models import SchoolPage

    return SchoolPage.objects.ancestor_of(page, inclusive=True).first()


class AnnouncementForm(WagtailAdminPageForm):
    """The editor's form: the class is one of this school's current classes."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        from curriculum.models import SchoolClass

        if "school_class" in self.fields:
            parent = parent_page or (self.instance.get_parent() if self.instance.path else None)
            school = school_page_of(parent)
            self.fields["school_class"].queryset = (
                SchoolClass.objects.current().filter(institution_id=school.institution_id)
                if school else SchoolClass.objects.none())

    def _post_clean(self):
        self.instance._form_parent = self.parent_page
        super()._post_clean()


class AnnouncementQuerySet(PageQuerySet):
    def current(self, now=None):
        """Published and not expired: Wagtail takes an expired page down only when
        publish_scheduled runs, so the expiry is read here too."""
        now = now or timezone.now()
        return self.live().filter(models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=now))

    def visible_to(self, user, perm=None):
        """The current announcements whose audience includes ``user`` (anyone: the
        public ones). ``perm`` is accepted for the search registry's callers; the
        audience is the only rule."""
        return self.current().filter(audiences.condition(user))

    def newest_first(self):
        return self.order_by("-first_published_at", "-pk")


AnnouncementManager = PageManager.from_queryset(AnnouncementQuerySet)


class AnnouncementIndexPage(Page):
    """The news of the city, of a school or of the department."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    # News belong to the city (under the home page), to a school or to the department.
    parent_page_types = ["sgo_pages.HomePage", "sgo_pages.SchoolPage", "sgo_pages.DepartmentPage"]
    # An index holds announcements only.
    subpage_types = ["announcements.AnnouncementPage"]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def announcements_for(self, user):
        return (AnnouncementPage.objects.visible_to(user).child_of(self).newest_first()
                .select_related("institution", "school_class"))

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.announcements_for(request.user), PER_PAGE)
        context["announcements"] = paginator.get_page(request.GET.get("page"))
        return context


class AnnouncementPage(Page):
    """One announcement: what it says, to whom, until when."""

    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, null=True, blank=True,
        editable=False, related_name="announcements", verbose_name=_("institution"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices,
                                default=Audience.SCHOOL)
    school_class = models.ForeignKey(
        "curriculum.SchoolClass", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="announcements", verbose_name=_("class"),
        help_text=_("For the parents of a class: the class, of this school."))
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True,
        help_text=_("For the pupils of a grade: the grade number, 1 to 11."))
    body = RichTextField(_("text"), features=SAFE_FEATURES)
    event_starts_at = models.DateTimeField(
        _("event date and time"), null=True, blank=True,
        help_text=_("Fill in for an event: the school page lists coming events."))
    event_place = models.CharField(_("event place"), max_length=200, blank=True)
    # The first publication has sent its notifications (a re-publication of an edit
    # sends none).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AnnouncementManager()
    base_form_class = AnnouncementForm

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("audience"), FieldPanel("school_class"),
                         FieldPanel("grade")], heading=_("Audience")),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("event_starts_at"), FieldPanel("event_place")],
                        heading=_("Event")),
        InlinePanel("attachments", heading=_("Attachments"), label=_("attachment")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.FilterField("audience"),
        index.FilterField("institution"),
        index.FilterField("school_class"),
        index.FilterField("grade"),
    ]

    # An announcement lives in a news index and has no pages of its own.
    parent_page_types = ["announcements.AnnouncementIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["audience", "institution"])]

    def __str__(self):
        return self.title

    def full_clean(self, *args, **kwargs):
        self.set_institution()
        return super().full_clean(*args, **kwargs)

    def set_institution(self):
        """The school is the one whose page the announcement is under (none for the
        city's and the department's news). The admin's form names the parent of a
        page not added yet."""
        parent = getattr(self, "_form_parent", None) or (self.get_parent() if self.path else None)
        school = school_page_of(parent)
        self.institution_id = school.institution_id if school else None

    def clean(self):
        super().clean()
        errors = {}
        if self.audience in audiences.SCHOOL_AUDIENCES and self.institution_id is None:
            errors["audience"] = _("Only a school's news can be addressed to a school.")
        if self.audience == Audience.CLASS_PARENTS:
            if self.school_class_id is None:
                errors["school_class"] = _("Choose the class.")
            elif self.school_class.institution_id != self.institution_id:
                errors["school_class"] = _("The class belongs to another school.")
        if self.audience == Audience.GRADE and not (self.grade and 1 <= self.grade <= 11):
            errors["grade"] = _("Give the grade number, 1 to 11.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # What the editor's form saves is already limited to the safe features; raw
        # values (an import, the shell) are cleaned the same way.
        self.body = clean_html(self.body)
        if self.audience != Audience.CLASS_PARENTS:
            self.school_class = None
        if self.audience != Audience.GRADE:
            self.grade = None
        if self.path and not self.institution_id:
            self.set_institution()
        return super().save(*args, **kwargs)

    @property
    def search_snippet(self):
        return self.excerpt()

    def excerpt(self, words=40):
        """The text as plain text, shortened: for lists, feeds and notifications."""
        return Truncator(" ".join(strip_tags(self.body).split())).words(words)

    @property
    def local_url(self):
        """The page's address on the portal's one site, whose root is the home page
        (depth 2): its url_path without the home page's segment. Lists of many
        announcements use it instead of Wagtail's per-request site lookup."""
        return "/" + self.url_path.split("/", 2)[2]

    def audience_label(self):
        if self.audience == Audience.CLASS_PARENTS and self.school_class_id:
            return _("parents of %(class)s") % {"class": self.school_class}
        if self.audience == Audience.GRADE and self.grade:
            return _("pupils of grade %(grade)s and their parents") % {"grade": self.grade}
        return self.get_audience_display()

    def is_visible_to(self, user):
        return AnnouncementPage.objects.visible_to(user).filter(pk=self.pk).exists()

    def may_edit(self, user):
        return user.is_authenticated and self.permissions_for_user(user).can_edit()

    def serve(self, request, *args, **kwargs):
        # The same filter as every list: outside the audience, or expired, the page
        # does not exist (its editors still open it to check it).
        if not (self.is_visible_to(request.user) or self.may_edit(request.user)):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = list(self.attachments.select_related("document"))
        return context


class AnnouncementAttachment(Orderable):
    page = ParentalKey(AnnouncementPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(get_document_model_string(), on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("document"))

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

# The name the issue uses for the model.
Announcement = AnnouncementPage

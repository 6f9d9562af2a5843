"""The portal's public face on Wagtail pages (issue 13, R-TEN-4).

The tree:

    HomePage (the city: its news, the schools, links)
    ├── AnnouncementIndexPage «Новости» (the city's news)
    ├── DepartmentPage (the education department)
    │   └── AnnouncementIndexPage (the department's news)
    └── SchoolPage (one per school, created with it: sgo_pages/actions.py)
        └── AnnouncementIndexPage (the school's news and events)

Each school's editors and administrators are Django groups with Wagtail page
permissions on the school's page (so on its whole tree) and a document collection of
its own; who is in them follows the role assignments (``EditorialGroup``). An
announcement with an event date is the school's event (announcements/models.py).
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from portal.access import Role

# How many news and coming events the home page and a school page show.
LATEST = 6


class PublicPageQuerySet(PageQuerySet):
    def visible_to(self, user, perm=None):
        """The school and department pages are public once published (their news
        are not: each announcement has its audience)."""
        return self.live().public()


PublicPageManager = PageManager.from_queryset(PublicPageQuerySet)


def latest_news(user, under=None, limit=LATEST):
    from announcements.models import AnnouncementPage

    news = AnnouncementPage.objects.visible_to(user)
    if under is not None:
        news = news.descendant_of(under)
    return list(news.newest_first().select_related("institution", "school_class")[:limit])


def coming_events(user, under, limit=LATEST):
    from announcements.models import AnnouncementPage

    return list(AnnouncementPage.objects.visible_to(user).descendant_of(under)
                .filter(event_starts_at__gte=timezone.now())
                .order_by("event_starts_at", "pk")[:limit])


def news_index(page):
    from announcements.models import AnnouncementIndexPage

    return AnnouncementIndexPage.objects.live().child_of(page).first()


class HomePage(Page):
    """The portal's front page: what every visitor, signed in or not, sees first."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True,
                         features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    # Only one home page; the public sections hang below it.
    parent_page_types = ["wagtailcore.Page"]
    # The city's news, the department and the schools.
    subpage_types = ["announcements.AnnouncementIndexPage", "sgo_pages.DepartmentPage",
                     "sgo_pages.SchoolPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = latest_news(request.user)
        context["news_index"] = news_index(self)
        context["schools"] = list(SchoolPage.objects.live().child_of(self)
                                  .select_related("institution").order_by("title"))
        context["departments"] = list(DepartmentPage.objects.live().child_of(self))
        return context


class DepartmentPage(Page):
    """The education department: who it is, its contacts, its news."""

    department = models.ForeignKey("records.Department", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("department"))
    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True,
                         features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])

    objects = PublicPageManager()

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    # The department hangs under the city's home page and holds its own news.
    parent_page_types = ["sgo_pages.HomePage"]
    subpage_types = ["announcements.AnnouncementIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("department page")
        verbose_name_plural = _("department pages")

    @property
    def search_snippet(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = latest_news(request.user, under=self)
        context["news_index"] = news_index(self)
        return context


class SchoolPage(Page):
    """A school's page: its card's contacts, its news and events. Created with the
    school (sgo_pages/actions.py), edited by the school's editors."""

    institution = models.OneToOneField(
        "records.Institution", on_delete=models.PROTECT, related_name="page",
        verbose_name=_("institution"))
    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("about the school"), blank=True,
                         features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    # The school's documents (attachments of its announcements): private to its staff
    # unless an announcement its reader sees attaches them.
    collection = models.ForeignKey("wagtailcore.Collection", on_delete=models.SET_NULL,
                                   null=True, blank=True, editable=False, related_name="+")

    objects = PublicPageManager()

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    # Schools hang under the city's home page; each holds its news (and events).
    parent_page_types = ["sgo_pages.HomePage"]
    subpage_types = ["announcements.AnnouncementIndexPage"]

    class Meta:
        verbose_name = _("school page")
        verbose_name_plural = _("school pages")

    @property
    def search_snippet(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = latest_news(request.user, under=self)
        context["events"] = coming_events(request.user, under=self)
        context["news_index"] = news_index(self)
        return context


class EditorialGroup(models.Model):
    """A Django group whose members follow the role assignments: the editors
    (Role.EDITOR) or the administrators (Role.ADMIN) of one school, or the
    department-wide editors (no institution). sgo_pages/actions.py keeps the members."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="editorial")
    institution = models.ForeignKey("records.Institution", on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="editorial_groups")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("editorial group")
        verbose_name_plural = _("editorial groups")

    def __str__(self):
        return self.group.name

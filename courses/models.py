"""Courses and materials (R-MAT-1): a teacher's or editor's course for a subject and
grade, in ordered sections, each with its materials (text, a file, a link, a video
link). A section can be attached to topics of the thematic plan of that subject and
grade, so the diary shows the section's materials at the lesson of that topic.

Who reads and edits a course is the access matrix's (courses/rules.py); a section and a
material are read as their course is. ``course_prefix`` says where a row's course is,
for the matrix's course scopes.

Layering (docs/architecture.md): between the timetable (whose thematic plan's topics it
uses) and the journal (whose diary reads it); these models import only ``records``,
``curriculum``, ``schedule`` and the portal core.
"""

from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.rich_text import expand_db_html
from wagtail.search import index

from portal.access import ScopedQuerySet
from portal.uploads import DOCUMENTS, OFFICE_DOCUMENTS, PrivateFileField

# What a teacher's text may hold: headings, emphasis, lists and links; no images,
# embeds or raw HTML (Wagtail's editor offers only these, and rendering cleans again).
TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link"]
ALLOWED_TAGS = {"h3", "h4", "p", "br", "b", "strong", "i", "em", "ol", "ul", "li", "a"}
# Video links are shown as a plain link naming the host, never as an iframe: an
# embedded player would need every host in the CSP's frame-src, would load a third
# party's scripts and cookies on a child's diary, and does not fit a 390 px phone. The
# hosts are the ones Russian schools use.
VIDEO_HOSTS = ("rutube.ru", "vk.com", "vkvideo.ru", "youtube.com", "youtu.be",
               "ok.ru", "dzen.ru", "resh.edu.ru", "vimeo.com")


def clean_html(html):
    """Stored rich text as safe HTML: Wagtail's links expanded, then only the allowed
    tags, links only to http(s) and mailto, opened without the portal's window."""
    return mark_safe(nh3.clean(  # noqa: S308 - nh3 leaves only the allowed tags
        expand_db_html(html or ""), tags=ALLOWED_TAGS,
        attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow"))


def plain_text(html):
    return " ".join(strip_tags(html or "").split())


def host_of(url):
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_video_host(url):
    host = host_of(url)
    return any(host == allowed or host.endswith("." + allowed) for allowed in VIDEO_HOSTS)


class CourseQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm=None):
        """The matrix's rows as ``pk IN (...)``: the search backend filters a search by
        indexed fields only, and a teacher's scope follows the author's person."""
        return self.filter(pk__in=super().visible_to(user, perm).values("pk"))

    def for_classes(self, pairs):
        """Courses of the (institution, grade) pairs."""
        condition = Q(pk__in=[])
        for institution_id, grade in pairs:
            condition |= Q(institution_id=institution_id, grade=grade)
        return self.filter(condition)


class Course(RevisionMixin, index.Indexed, ClusterableModel):
    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, related_name="courses",
        verbose_name=_("institution"))
    subject = models.ForeignKey("curriculum.Subject", on_delete=models.PROTECT,
                                related_name="courses", verbose_name=_("subject"))
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(11)])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    author = models.ForeignKey("records.Staff", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="courses", verbose_name=_("author"))
    shared = models.BooleanField(
        _("shared with the school's teachers"), default=False,
        help_text=_("Every teacher of the school sees a shared course and can use it in "
                    "their classes."))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = CourseQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "person": "author__person_id"}
    course_prefix = ""
    # The department reads titles and counts only (R-TEN-3).
    limited_fields = ("institution", "subject", "grade", "title", "section_count")

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.RelatedFields("sections", [index.SearchField("title"),
                                         index.SearchField("text")]),
        index.AutocompleteField("title"),
        index.FilterField("institution"),
        index.FilterField("subject"),
        index.FilterField("grade"),
        index.FilterField("shared"),
        index.FilterField("author"),
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["institution__short_name", "grade", "subject__name", "title"]
        indexes = [models.Index(fields=["institution", "grade", "subject"])]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.subject_id and self.subject.institution_id != self.institution_id:
            errors["subject"] = _("The subject belongs to another school.")
        if self.author_id and self.author.institution_id != self.institution_id:
            errors["author"] = _("The author works in another school.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("courses:course", args=[self.pk])

    get_url = get_absolute_url

    @property
    def search_snippet(self):
        """Plain text of what every reader of the course may read, the department's
        limited readers included (R-TEN-3): subject, grade and school."""
        return pgettext("course", "%(subject)s, grade %(grade)s, %(school)s") % {
            "subject": self.subject.name, "grade": self.grade,
            "school": self.institution.short_name}

    @property
    def section_count(self):
        count = getattr(self, "n_sections", None)
        return count if count is not None else self.sections.count()

    def access_course(self):
        return self

    def topic_choices(self):
        """The topics a section may be attached to: those of the current year's plans of
        the course's subject and grade in its school."""
        from schedule.models import PlannedTopic

        if not (self.institution_id and self.subject_id and self.grade):
            return PlannedTopic.objects.none()
        return (PlannedTopic.objects.filter(
            plan__institution_id=self.institution_id, plan__subject_id=self.subject_id,
            plan__academic_year__is_current=True)
            .filter(Q(plan__grade=self.grade) | Q(plan__school_class__grade=self.grade))
            .select_related("plan__school_class").order_by("plan_id", "sort_order"))


class CourseSectionQuerySet(ScopedQuerySet):
    pass


class CourseSection(Orderable):
    course = ParentalKey(Course, on_delete=models.CASCADE, related_name="sections",
                         verbose_name=_("course"))
    title = models.CharField(_("title"), max_length=200)
    text = RichTextField(_("text"), blank=True, features=TEXT_FEATURES)
    topics = ParentalManyToManyField(
        "schedule.PlannedTopic", blank=True, related_name="course_sections",
        verbose_name=_("topics of the thematic plan"),
        help_text=_("The diary shows this section's materials at the lessons of these "
                    "topics."))

    objects = CourseSectionQuerySet.as_manager()
    access_paths = {"institution": "course__institution_id",
                    "person": "course__author__person_id"}
    course_prefix = "course__"

    class Meta(Orderable.Meta):
        verbose_name = _("course section")
        verbose_name_plural = _("course sections")

    def __str__(self):
        return self.title

    def access_course(self):
        return self.course if self.course_id else None

    def text_html(self):
        return clean_html(self.text)

    def topic_titles(self):
        """The attached topics' titles, once each (every class's plan has its own
        rows of the same topics)."""
        return list(dict.fromkeys(topic.title for topic in self.topics.all()))


class MaterialKind(models.TextChoices):
    TEXT = "text", _("Text")
    FILE = "file", _("File")
    LINK = "link", _("Link")
    VIDEO = "video", _("Video link")


class CourseMaterialQuerySet(ScopedQuerySet):
    pass


class CourseMaterial(RevisionMixin, models.Model):
    section = models.ForeignKey(CourseSection, on_delete=models.CASCADE,
                                related_name="materials", verbose_name=_("course section"))
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices,
                            default=MaterialKind.TEXT)
    title = models.CharField(_("title"), max_length=200)
    text = RichTextField(_("text"), blank=True, features=TEXT_FEATURES)
    file = PrivateFileField(_("file"), upload_to="courses/", blank=True,
                            kinds=DOCUMENTS + OFFICE_DOCUMENTS)
    url = models.URLField(_("address"), max_length=500, blank=True,
                          help_text=_("For a link or a video: https://…"))
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CourseMaterialQuerySet.as_manager()
    access_paths = {"institution": "section__course__institution_id",
                    "person": "section__course__author__person_id"}
    course_prefix = "section__course__"

    class Meta:
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")
        ordering = ["section__course_id", "section__sort_order", "sort_order", "pk"]

    def __str__(self):
        return self.title

    def access_course(self):
        return self.section.course if self.section_id else None

    def clean(self):
        errors = {}
        if self.kind == MaterialKind.FILE and not self.file:
            errors["file"] = _("Attach the file.")
        if self.kind in (MaterialKind.LINK, MaterialKind.VIDEO):
            if not self.url:
                errors["url"] = _("Enter the address.")
            elif not self.url.startswith(("https://", "http://")):
                errors["url"] = _("The address must start with https:// or http://.")
            elif self.kind == MaterialKind.VIDEO and not is_video_host(self.url):
                errors["url"] = _("Video links are accepted from these sites only: "
                                  "%(hosts)s.") % {"hosts": ", ".join(VIDEO_HOSTS)}
        if self.kind == MaterialKind.TEXT and not plain_text(self.text):
            errors["text"] = _("Write the text.")
        if errors:
            raise ValidationError(errors)

    def text_html(self):
        return clean_html(self.text)

    @property
    def host(self):
        return host_of(self.url)

    @property
    def safe_url(self):
        """The address if it is a web address (a row written some other way never
        becomes a javascript: link)."""
        return self.url if self.url.startswith(("https://", "http://")) else ""

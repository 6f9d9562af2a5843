"""What the diary (journal/diary.py) shows of the courses: beside each subject a link to
its course, and at a lesson whose topic has sections attached, those sections with
their materials.

The diary's pupil is already found through the access matrix; the courses of their
class are those of its school and grade in the subjects taught in it, which is what the
matrix lets the pupil and their parents read (courses/rules.py). A fixed number of
queries whatever the number of lessons, courses and materials: at most three per page.
Rows are read as plain values and the links are put together here, every value escaped.
"""

from dataclasses import dataclass, field
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import Course, CourseMaterial, CourseSection, MaterialKind, host_of


@dataclass
class CourseLink:
    pk: int
    title: str

    @property
    def url(self):
        return reverse("courses:course", args=[self.pk])


@dataclass
class Material:
    pk: int
    kind: str
    title: str
    url: str
    file: str
    host: str = ""

    def href(self, section_url):
        if self.kind == MaterialKind.FILE and self.file:
            return reverse("records:private_file", args=[self.file])
        if self.kind in (MaterialKind.LINK, MaterialKind.VIDEO) and self.url.startswith(
                ("https://", "http://")):
            return self.url
        return section_url


@dataclass
class SectionLink:
    pk: int
    title: str
    course_id: int
    course_title: str
    materials: list = field(default_factory=list)

    @property
    def url(self):
        return reverse("courses:course", args=[self.course_id]) + f"#section-{self.pk}"


def courses_by_subject(classes):
    """{(institution, grade, subject): [CourseLink]} of the (institution, grade) pairs
    ``classes``: one query."""
    found = {}
    rows = (Course.objects.for_classes(set(classes))
            .values_list("pk", "title", "institution_id", "grade", "subject_id")
            .order_by("-shared", "title", "pk"))
    for pk, title, institution_id, grade, subject_id in rows:
        found.setdefault((institution_id, grade, subject_id), []).append(CourseLink(pk, title))
    return found


def sections_by_topic(topic_ids, classes):
    """{topic pk: [SectionLink with its materials]} of the sections attached to
    ``topic_ids`` in the courses of ``classes`` ((institution, grade) pairs): two
    queries, none without topics, one without attached sections."""
    if not topic_ids:
        return {}
    through = CourseSection.topics.through
    courses = Course.objects.for_classes(set(classes)).values("pk")
    rows = list(through.objects.filter(plannedtopic_id__in=set(topic_ids),
                                       coursesection__course__in=courses)
                .values_list("plannedtopic_id", "coursesection_id", "coursesection__title",
                             "coursesection__course_id", "coursesection__course__title",
                             "coursesection__course__subject_id")
                .order_by("coursesection__course__title", "coursesection__sort_order",
                          "coursesection_id"))
    if not rows:
        return {}
    sections = {}
    found = {}
    for topic_id, pk, title, course_id, course_title, subject_id in rows:
        section = sections.setdefault(pk, SectionLink(pk, title, course_id, course_title))
        section.subject_id = subject_id
        found.setdefault(topic_id, []).append(section)
    for pk, section_id, kind, title, url, file in (
            CourseMaterial.objects.filter(section_id__in=list(sections))
            .values_list("pk", "section_id", "kind", "title", "url", "file")
            .order_by("sort_order", "pk")):
        sections[section_id].materials.append(
            Material(pk, kind, title, url or "", file or "", host_of(url or "")))
    return found


def render_course_link(courses):
    """The «Course materials» link beside a subject: to its course, or to the list of
    courses when the subject has several."""
    if not courses:
        return ""
    label = escape(_("Course materials"))
    if len(courses) == 1:
        url = courses[0].url
        title = escape(courses[0].title)
    else:
        url = reverse("courses:index")
        title = escape(", ".join(course.title for course in courses))
    return (f'<a class="diary-course-link" href="{escape(url)}" title="{title}" '
            f'data-course-link>{label}</a>')


def render_sections(sections):
    """The materials of a lesson's topic in the day's card, every value escaped."""
    if not sections:
        return ""
    label = escape(_("Materials"))
    items = []
    for section in sections:
        section_url = escape(section.url)
        links = []
        for material in section.materials:
            href = escape(material.href(section.url))
            text = escape(material.title)
            external = ""
            if material.kind in (MaterialKind.LINK, MaterialKind.VIDEO) and href != section_url:
                external = ' rel="noopener noreferrer" target="_blank"'
            note = ""
            if material.kind == MaterialKind.VIDEO:
                note = f' <span class="muted">({escape(_("video"))}, {escape(material.host)})</span>'
            elif material.kind == MaterialKind.FILE:
                note = f' <span class="muted">({escape(_("file"))})</span>'
            links.append(f'<li><a href="{href}"{external} data-material="{material.pk}">'
                         f"{text}</a>{note}</li>")
        materials = f"<ul>{''.join(links)}</ul>" if links else ""
        items.append(f'<li data-section="{section.pk}"><a href="{section_url}">'
                     f"{escape(section.title)}</a>{materials}</li>")
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<div class="diary-materials"><span class="diary-label">{label}</span>'
        f'<ul>{"".join(items)}</ul></div>')

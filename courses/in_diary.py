"""What the diary (journal/diary.py) shows of the courses: beside each subject a link to
its course, and at a lesson whose topic has sections attached, those sections with
their materials.

The diary's pupil is already found through the access matrix; the courses of their
class are those of its school and grade in the subjects taught in it, which is what the
matrix lets the pupil and their parents read (courses/rules.py). A fixed number of
queries whatever the number of lessons, courses and materials: one per page.
Rows are read as plain values and the links are put together here, every value escaped.
"""

from dataclasses import dataclass, field
from html import escape

from django.db.models import CharField, F, IntegerField, Value
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import Course, CourseSection, MaterialKind, host_of


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


COURSE_COLUMNS = ["c_id", "c_title", "c_institution", "c_grade", "c_subject", "c_shared"]
SECTION_COLUMNS = ["topic", "section", "section_title", "section_order", "material", "kind",
                   "material_title", "url", "file", "material_order"]


def _blank(name):
    kind = CharField() if name in ("section_title", "kind", "material_title", "url",
                                   "file") else IntegerField()
    return Value(None, output_field=kind)


def course_rows(classes, topic_ids=()):
    """The rows of the courses of ``classes`` ((institution, grade) pairs) and, with
    ``topic_ids``, of their sections attached to those topics with the sections'
    materials: one query (a union), whatever their number."""
    classes = set(classes)
    courses = Course.objects.for_classes(classes)
    rows = courses.annotate(
        c_id=F("pk"), c_title=F("title"), c_institution=F("institution_id"),
        c_grade=F("grade"), c_subject=F("subject_id"), c_shared=F("shared"),
        **{name: _blank(name) for name in SECTION_COLUMNS},
    ).values_list(*COURSE_COLUMNS,
                  *SECTION_COLUMNS).order_by()
    if topic_ids:
        through = CourseSection.topics.through
        section = "coursesection__"
        material = f"{section}materials__"
        attached = through.objects.filter(
            plannedtopic_id__in=set(topic_ids),
            coursesection__course__in=courses.values("pk")).annotate(
            c_id=F(f"{section}course_id"), c_title=F(f"{section}course__title"),
            c_institution=F(f"{section}course__institution_id"),
            c_grade=F(f"{section}course__grade"), c_subject=F(f"{section}course__subject_id"),
            c_shared=F(f"{section}course__shared"), topic=F("plannedtopic_id"),
            section=F("coursesection_id"), section_title=F(f"{section}title"),
            section_order=F(f"{section}sort_order"), material=F(f"{material}id"),
            kind=F(f"{material}kind"), material_title=F(f"{material}title"),
            url=F(f"{material}url"), file=F(f"{material}file"),
            material_order=F(f"{material}sort_order"),
        ).values_list(*COURSE_COLUMNS, *SECTION_COLUMNS).order_by()
        # The union would sort by the model's ordering: no order at all.
        rows = rows.union(attached, all=True).order_by()
    return list(rows)


def read_courses(classes, topic_ids=()):
    """({(institution, grade, subject): [CourseLink]}, {topic pk: [SectionLink]}) of
    ``classes``: one query (``course_rows``)."""
    links, seen, sections, by_topic = {}, set(), {}, {}
    rows = course_rows(classes, topic_ids)
    # Shared courses first, then by title; sections and materials in their order.
    rows.sort(key=lambda row: (not row[5], row[1], row[0], row[9] or 0, row[7] or 0,
                               row[15] or 0, row[10] or 0))
    for (course, title, institution, grade, subject, _shared, topic, section_pk,
         section_title, _order, material, kind, material_title, url, file, _m) in rows:
        if course not in seen:
            seen.add(course)
            links.setdefault((institution, grade, subject), []).append(
                CourseLink(course, title))
        if section_pk is None:
            continue
        section = sections.get((topic, section_pk))
        if section is None:
            section = sections[topic, section_pk] = SectionLink(
                section_pk, section_title, course, title)
            section.subject_id = subject
            by_topic.setdefault(topic, []).append(section)
        if material is not None:
            section.materials.append(
                Material(material, kind, material_title, url or "", file or "",
                         host_of(url or "")))
    return links, by_topic


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
            # Translated outside the f-strings: xgettext does not look inside one.
            if material.kind == MaterialKind.VIDEO:
                note = escape(_("video")) + ", " + escape(material.host)
            elif material.kind == MaterialKind.FILE:
                note = escape(_("file"))
            if note:
                note = f' <span class="muted">({note})</span>'
            links.append(f'<li><a href="{href}"{external} data-material="{material.pk}">'
                         f"{text}</a>{note}</li>")
        materials = f"<ul>{''.join(links)}</ul>" if links else ""
        items.append(f'<li data-section="{section.pk}"><a href="{section_url}">'
                     f"{escape(section.title)}</a>{materials}</li>")
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<div class="diary-materials"><span class="diary-label">{label}</span>'
        f'<ul>{"".join(items)}</ul></div>')

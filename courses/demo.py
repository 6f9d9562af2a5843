"""The demo city's courses (R-MAT-1): in the first two schools, mathematics for grade 5,
Russian for grade 5 (shared with the school's teachers) and history for grade 6, each
written by the teacher of the subject in the А class of that grade. Every section is a
section of the subject's programme (schedule/demo_topics.py) and is attached to that
topic in every plan of the grade, so the diary of a 5А pupil shows the material at the
lessons of this week. Each section has a short text, a worksheet (a real one-page PDF
made here), a link and a video link; the first section of each course an ODT task too.
Deterministic and bulk-inserted: some 40 small files in all.
"""

import io
import zipfile
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.db.models import Q

from curriculum.models import TeachingAssignment
from schedule.demo_topics import TOPICS
from schedule.models import PlannedTopic

from .models import Course, CourseMaterial, CourseSection, MaterialKind

# (subject, grade, title, shared, the subject's page on the Russian e-school)
COURSES = [
    ("Математика", 5, "Математика, 5 класс: задачи и памятки", False,
     "https://resh.edu.ru/subject/12/5/"),
    ("Русский язык", 5, "Русский язык, 5 класс: правила и упражнения", True,
     "https://resh.edu.ru/subject/13/5/"),
    ("История", 6, "История Средних веков, 6 класс", False,
     "https://resh.edu.ru/subject/3/6/"),
]
SCHOOLS = 2
INTRO = ("Материалы к урокам: краткое изложение темы, памятка для самостоятельной работы, "
         "ссылки на уроки Российской электронной школы и видеоуроки.")


def worksheet_pdf(course_title, section_title):
    """A one-page PDF with the section's title and a few tasks, in DejaVu Sans."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from portal.pdf import register_fonts

    register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(section_title)
    page.setFont("DejaVuSans-Bold", 14)
    page.drawString(56, 780, section_title[:70])
    page.setFont("DejaVuSans", 11)
    page.drawString(56, 756, course_title[:90])
    for n, line in enumerate(["1. Прочитайте параграф учебника по теме урока.",
                              "2. Выпишите главные понятия и примеры к ним.",
                              "3. Выполните упражнения из памятки и проверьте себя."]):
        page.drawString(56, 720 - 20 * n, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def task_odt(section_title):
    """The smallest OpenDocument text with the task: ``mimetype`` first and stored."""
    text = (f"Задание по теме «{section_title}». Ответьте на вопросы в конце параграфа "
            "и подготовьте короткое сообщение.")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
        'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:text>'
        f"<text:p>{text}</text:p></office:text></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
        '"text/xml"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _authors(institution, subjects):
    """{(subject name, grade): staff pk} — the teacher of the subject in the grade's
    А class (else its first class)."""
    found = {}
    rows = (TeachingAssignment.objects.filter(institution=institution,
                                              subject__name__in=subjects)
            .values_list("subject__name", "school_class__grade", "school_class__letter",
                         "teacher_id", "subject_id")
            .order_by("school_class__grade", "school_class__letter", "pk"))
    for name, grade, _letter, teacher_id, subject_id in rows:
        found.setdefault((name, grade), (teacher_id, subject_id))
    return found


def seed_courses(builder):
    """The courses of the first two schools, as written by their teachers."""
    courses, sections, links, materials = [], [], [], []
    for school in builder.schools[:SCHOOLS]:
        institution = school["institution"]
        authors = _authors(institution, [row[0] for row in COURSES])
        for subject, grade, title, shared, resh in COURSES:
            if (subject, grade) not in authors:
                continue
            teacher_id, subject_id = authors[subject, grade]
            course = Course(institution=institution, subject_id=subject_id, grade=grade,
                            title=title, description=INTRO, author_id=teacher_id,
                            shared=shared)
            courses.append(course)
            for n, topic in enumerate(TOPICS[subject][grade]):
                section = CourseSection(
                    course=course, sort_order=n, title=topic,
                    text=(f"<p>Тема «{topic}»: главное из параграфа, примеры и вопросы для "
                          "самопроверки.</p><ul><li>Прочитайте памятку.</li>"
                          "<li>Посмотрите видеоурок.</li></ul>"))
                sections.append((section, subject_id, grade, topic))
                materials.append((section, CourseMaterial(
                    kind=MaterialKind.FILE, title=f"Памятка: {topic}", sort_order=0,
                    description="Памятка и задания для самостоятельной работы."),
                    ("pdf", title, topic)))
                if n == 0:
                    materials.append((section, CourseMaterial(
                        kind=MaterialKind.FILE, title="Задание к первому уроку",
                        sort_order=1), ("odt", title, topic)))
                materials.append((section, CourseMaterial(
                    kind=MaterialKind.LINK, title="Уроки Российской электронной школы",
                    url=resh, sort_order=2,
                    description="Видео, конспекты и тренировочные задания."), None))
                materials.append((section, CourseMaterial(
                    kind=MaterialKind.VIDEO, title=f"Видеоурок: {topic}", sort_order=3,
                    url=f"https://rutube.ru/search/?query={quote(topic)}"), None))
    Course.objects.bulk_create(courses)
    for section, *_rest in sections:
        section.course_id = section.course.pk
    CourseSection.objects.bulk_create([row[0] for row in sections])

    # Each section on its topic in every plan of the grade in the school.
    wanted = {(c.institution_id, c.subject_id, c.grade) for c in courses}
    condition = Q(pk__in=[])
    for institution_id, subject_id, grade in wanted:
        condition |= Q(plan__institution_id=institution_id, plan__subject_id=subject_id,
                       plan__grade=grade, plan__academic_year__is_current=True)
    topics = {}
    for pk, institution_id, subject_id, grade, title in (
            PlannedTopic.objects.filter(condition).values_list(
                "pk", "plan__institution_id", "plan__subject_id", "plan__grade", "title")):
        topics.setdefault((institution_id, subject_id, grade, title), []).append(pk)
    through = CourseSection.topics.through
    for section, subject_id, grade, topic in sections:
        links += [through(coursesection_id=section.pk, plannedtopic_id=pk) for pk in
                  topics.get((section.course.institution_id, subject_id, grade, topic), [])]
    through.objects.bulk_create(links)

    rows = []
    for section, material, upload in materials:
        material.section_id = section.pk
        if upload is not None:
            kind, course_title, topic = upload
            if kind == "pdf":
                content, name = worksheet_pdf(course_title, topic), f"Памятка {topic}.pdf"
            else:
                content, name = task_odt(topic), "Задание.odt"
            material.file.save(name, ContentFile(content), save=False)
        rows.append(material)
    CourseMaterial.objects.bulk_create(rows)
    _index(courses)
    return len(courses), len(rows)


def _index(courses):
    """Bulk inserts skip Wagtail's signals: put the courses in the search index."""
    from wagtail.search.index import insert_or_update_object

    for course in Course.objects.filter(pk__in=[c.pk for c in courses]):
        insert_or_update_object(course)


def reset():
    """Deletes the courses with their stored files."""
    from wagtail.models import Revision

    for material in CourseMaterial.objects.exclude(file="").only("file"):
        material.file.delete(save=False)
    CourseMaterial.objects.all().delete()
    CourseSection.objects.all().delete()
    Course.objects.all().delete()
    Revision.objects.filter(base_content_type__app_label="courses").delete()

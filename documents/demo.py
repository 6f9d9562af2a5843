"""The demo city's documents registers: a dozen documents per school over two years,
public, staff and administration ones, each with a small generated PDF; and a few
generated documents in the registers of issued documents (R-DOC-1), issued through
``documents.actions.issue`` as a secretary and a director would."""

import datetime
import io
from functools import cache

from django.core.files.base import ContentFile

from portal.uploads import KINDS, stored_name

from .models import AccessLevel, Document, DocumentKind

PUBLIC, STAFF, ADMIN = AccessLevel.PUBLIC, AccessLevel.STAFF, AccessLevel.ADMINISTRATION
ORDER, REGULATION, PLAN, REPORT = (DocumentKind.ORDER, DocumentKind.REGULATION,
                                   DocumentKind.PLAN, DocumentKind.REPORT)

# (kind, access, title, month, day) for each school year, from September.
REGISTER = [
    (ORDER, PUBLIC, "О зачислении обучающихся в 1 класс", 9, 1),
    (ORDER, STAFF, "Об организации питания обучающихся", 9, 2),
    (PLAN, PUBLIC, "План работы школы на учебный год", 9, 3),
    (REGULATION, PUBLIC, "Положение о текущем контроле успеваемости и промежуточной "
                         "аттестации обучающихся", 9, 5),
    (REGULATION, STAFF, "Положение о классном руководстве", 9, 10),
    (ORDER, ADMIN, "О распределении стимулирующих выплат", 10, 1),
    (ORDER, STAFF, "О проведении школьного этапа всероссийской олимпиады школьников",
     10, 5),
    (PLAN, STAFF, "План проведения родительских собраний", 10, 12),
    (ORDER, ADMIN, "О проверке ведения электронных журналов", 11, 14),
    (REPORT, ADMIN, "Отчёт о результатах самообследования", 12, 20),
    (ORDER, PUBLIC, "О переводе обучающихся в следующий класс", 5, 30),
    (REGULATION, STAFF, "Положение о родительском собрании", 1, 15),
]


@cache
def _pdf(title, number, date):
    """A one-page A4 PDF with the document's heading in DejaVu Sans (Cyrillic)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from portal.pdf import register_fonts

    register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setFont("DejaVuSans-Bold", 13)
    page.drawString(72, 740, f"{number} от {date:%d.%m.%Y}")
    page.setFont("DejaVuSans", 11)
    line, y = "", 712
    for word in title.split():
        if len(line) + len(word) > 70:
            page.drawString(72, y, line)
            line, y = "", y - 16
        line = f"{line} {word}".strip()
    page.drawString(72, y, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def build(builder):
    """The registers of every school, for the year being built and the one before."""
    field = Document._meta.get_field("file")
    storage = field.storage
    rows = []
    for school in builder.schools:
        institution = school["institution"]
        number = 0
        for year_start in (builder.year_start.year - 1, builder.year_start.year):
            for kind, level, title, month, day in REGISTER:
                date = datetime.date(year_start if month >= 8 else year_start + 1, month, day)
                if date > builder.today:
                    continue
                number += 1
                code = f"{number}-{'о' if kind == ORDER else 'д'}"
                # Every school's register has the same titles: one PDF each.
                content = _pdf(f"«{title}»", f"№ {code}", date)
                name = storage.save(stored_name(f"{code} {title[:40]}.pdf", KINDS["pdf"]),
                                    ContentFile(content))
                rows.append(Document(institution=institution, kind=kind, number=code,
                                     date=date, title=title, access_level=level, file=name))
    Document.objects.bulk_create(rows, batch_size=500)
    builder.say(f"Documents registers: {len(rows)} documents")
    issued = issue_documents(builder)
    builder.say(f"Issued documents: {issued}")


def issue_documents(builder):
    """School 1's secretary issues a certificate of study and a personal file sheet of
    the demo pupil, the list of 5А and the transcript of a pupil of 9th grade; school
    2's director a certificate of its demo pupil. Deterministic: the same pupils by
    name order, no random draw."""
    from curriculum.models import SchoolClass
    from records.models import Pupil, User

    from .actions import issue
    from .models import IssuedKind

    count = 0
    users = {u.username: u for u in User.objects.filter(
        username__in=["school1.secretary", "school1.pupil", "school2.pupil"])}
    school1 = builder.schools[0]["institution"]
    secretary = users.get("school1.secretary")
    pupil = Pupil.objects.filter(person__user=users.get("school1.pupil"),
                                 institution=school1).first()
    if secretary and pupil:
        issue(secretary, IssuedKind.CERTIFICATE, pupil=pupil,
              destination="ГБУ «Центр социальной поддержки населения»", on=builder.today)
        issue(secretary, IssuedKind.PERSONAL_FILE, pupil=pupil, on=builder.today)
        count += 2
        if pupil.school_class_id:
            issue(secretary, IssuedKind.CLASS_LIST, school_class=pupil.school_class,
                  on=builder.today)
            count += 1
    ninth = SchoolClass.objects.filter(institution=school1, grade=9).order_by("letter").first()
    leaver = ninth and Pupil.objects.of_class(ninth).current().order_by(
        "person__search_name").first()
    if secretary and leaver:
        issue(secretary, IssuedKind.TRANSCRIPT, pupil=leaver, on=builder.today)
        count += 1
    if len(builder.schools) > 1:
        school2 = builder.schools[1]["institution"]
        director = User.objects.filter(person__staff_records__institution=school2,
                                       person__staff_records__position__name="Директор"
                                       ).first()
        other = Pupil.objects.filter(person__user=users.get("school2.pupil"),
                                     institution=school2).first()
        if director and other:
            issue(director, IssuedKind.CERTIFICATE, pupil=other, on=builder.today)
            count += 1
    return count


def reset():
    """Deletes the registers with their stored files."""
    from .models import IssuedDocument

    for issued in IssuedDocument.objects.exclude(file=""):
        issued.file.delete(save=False)
    IssuedDocument.objects.all().delete()
    for document in Document.objects.exclude(file=""):
        document.file.delete(save=False)
    Document.objects.all().delete()

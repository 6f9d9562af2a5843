"""The demo city's documents registers: a dozen documents per school over two years,
public, staff and administration ones, each with a small generated PDF."""

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


def reset():
    """Deletes the registers with their stored files."""
    for document in Document.objects.exclude(file=""):
        document.file.delete(save=False)
    Document.objects.all().delete()

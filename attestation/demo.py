"""The demo city's graduates: every pupil of grade 9 is registered for the ОГЭ in
Russian and mathematics and two subjects of their choice, as schools register them by
1 March; once the exams of the main period are over (the demo city built as on a day
after them), the results are entered and the certificate marks computed."""

import datetime
import random

from records.models import Pupil

from .models import ExamForm, ExamResult

MANDATORY = ["Русский язык", "Алгебра"]
ELECTIVES = ["Обществознание", "Биология", "Информатика", "География", "Химия",
             "Физика", "История", "Литература", "Английский язык"]
# The main period's exam days, by subject (late May to mid-June of the year's end).
EXAM_DAYS = {"Русский язык": (6, 3), "Алгебра": (6, 6), "Обществознание": (5, 22),
             "Биология": (5, 22), "Информатика": (5, 27), "География": (5, 27),
             "Химия": (5, 30), "Физика": (5, 30), "История": (5, 22),
             "Литература": (6, 10), "Английский язык": (6, 10)}
# An ОГЭ's mark by how the pupil does over the year: mostly the same, now and then one
# better or worse.
SHIFTS = (-1, 0, 0, 0, 0, 1)


def build(builder):
    rnd = random.Random(f"attestation-{builder.random_seed}")
    rows = []
    for school in builder.schools:
        subjects = school["subjects"]
        graduating = [c for c in school["classes"] if c.grade == 9]
        pupils = Pupil.objects.filter(school_class__in=graduating).order_by("pk")
        ends_on = school["year"].ends_on
        for pupil in pupils:
            electives = rnd.sample([name for name in ELECTIVES if name in subjects], 2)
            for name in MANDATORY + electives:
                if name not in subjects:
                    continue
                month, day = EXAM_DAYS[name]
                taken_on = datetime.date(ends_on.year, month, day)
                done = taken_on + datetime.timedelta(days=10) <= builder.today
                mark = max(2, min(5, rnd.choice((3, 4, 4, 5)) + rnd.choice(SHIFTS)))
                rows.append(ExamResult(
                    institution=school["institution"], academic_year=school["year"],
                    pupil=pupil, subject=subjects[name], form=ExamForm.OGE,
                    taken_on=taken_on if done else None,
                    primary_score=(mark * 6 + rnd.randint(0, 5)) if done else None,
                    mark=mark if done else None))
    ExamResult.objects.bulk_create(rows, batch_size=500)
    builder.say(f"Final attestation: {len(rows)} state exams registered")


def reset():
    from .models import CertificateMark

    CertificateMark.objects.all().delete()
    ExamResult.objects.all().delete()

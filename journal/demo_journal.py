"""The journal of the demo city: works and marks, attendance, homework and the
finals of the periods that have ended, as if every teacher had kept their journal from
the first day of the year up to a cut-off date (R-JRN-1…4).

Called by ``portal.demo.city.CityBuilder`` for every school once its lessons and the
demo logins exist. Everything comes from the builder's ``random.Random`` (iterated in a
fixed order), so a seed always gives the same journal. Rows are planned one class at a
time as plain tuples and written with COPY (PostgreSQL; executemany elsewhere): the large
city's fifteen million marks never sit in memory at once, and no row is saved on its own.

What it aims at, per pupil: about 300 marks a year (≈1.8 a school day: an oral answer
now and then, work in class, a test about every 8th lesson of a subject, a homework
mark), mostly 4 and 5 around the pupil's own level; about 6 % of lessons missed, illness
as runs of whole days; homework for most lessons of the written subjects
(journal/demo_homework.py). The lessons' topics come from the thematic plans
(schedule/demo.py). A few recent lessons are left without
a topic or without the register taken, so that the "what is missing" pages show
something.
"""

import datetime
import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from curriculum.models import (
    ClassMembership,
    InstitutionSettings,
    MarkType,
    Period,
    SchoolClass,
    Subgroup,
    SubgroupMembership,
    Subject,
    TeachingAssignment,
)
from records.models import Staff
from schedule.models import Lesson

from .demo_homework import PRACTICAL, homework_text, sets_homework
from .models import (
    Attendance,
    AttendanceKind,
    FinalKind,
    FinalMark,
    Homework,
    HomeworkFile,
    Mark,
    Tally,
    Task,
)
from .tallies import rebuild as rebuild_tallies

BATCH = 5000

# Chances per lesson (marks) and per pupil (attendance), tuned for ≈300 marks and ≈6 %
# missed lessons a pupil a year.
TEST_EVERY = 8  # every 8th lesson of a subject is a test for the whole class
ORAL_SHARE = 0.15  # of the pupils present answer at the board
WORK_CHANCE, WORK_SHARE = 0.5, 0.22  # a lesson with marked work in class, for whom
HOMEWORK_MARK_CHANCE, HOMEWORK_MARK_SHARE = 0.2, 0.15
DEBT_CHANCE = 0.005  # a work not handed in
MISSED_TEST_DEBT = 0.3  # an absent pupil owes the test
COMMENT_CHANCE = 0.004
ILL_START, ILL_DAYS = 0.008, (2, 8)  # an illness starts on a school day; its length
VALID_DAY = 0.005  # a whole day away for a valid reason (a competition, a doctor)
ABSENT, LATE = 0.012, 0.006  # one lesson missed or late to
HOMEWORK_CHANCE, LINK_CHANCE = 0.8, 0.12
# The last days before the cut-off: a few registers not taken, a few topics not entered.
RECENT_DAYS, UNTAKEN, SLACK_TEACHERS, BLANK_TOPIC = 5, 0.1, 0.25, 0.5
MISSING_FINAL = 0.02
# A strong pupil's four is a five, as teachers round for a pupil who has fives in every
# subject: the city's excellent pupils, about one in eleven (41 of 450 in the first
# quarter of `seed_demo --size small --seed 1`).
STRONG_LEVEL, STRONG_AVERAGE = 4.7, 4.0

COMMENTS = ["Молодец!", "Не выучил правило", "Работа на уроке активная", "Нет тетради",
            "Хороший ответ у доски", "Невнимательно, много исправлений"]
LINKS = ["https://resh.edu.ru/subject/lesson/{m}/", "https://uchi.ru/homework/{m}",
         "https://www.yaklass.ru/p/{m}"]
TEST_TYPE = {"Русский язык": "диктант"}

# The columns of the rows planned as plain tuples (no model instances: millions of them).
ATTENDANCE_COLUMNS = ["institution_id", "lesson_id", "pupil_id", "kind", "late_minutes",
                      "version", "updated_at", "updated_by_id"]
HOMEWORK_COLUMNS = ["institution_id", "lesson_id", "text", "links", "due_on", "version",
                    "updated_at", "updated_by_id"]
FINAL_COLUMNS = ["institution_id", "academic_year_id", "school_class_id", "subject_id",
                 "pupil_id", "kind", "period_id", "value", "version", "updated_at",
                 "updated_by_id"]


@dataclass
class Counts:
    tasks: int = 0
    marks: int = 0
    attendance: int = 0
    homework: int = 0
    finals: int = 0
    tallies: int = 0
    # Seconds spent writing the rows, for the progress output.
    writing: float = 0.0


def seed_journal(institution, year, rnd, until, closed_by_id=None, counts=None):
    """Fills one school's journal from the start of ``year`` to ``until``; adds what it
    wrote to ``counts`` (a Counts) and returns it."""
    counts = counts or Counts()
    until = min(until, year.ends_on)
    if until < year.starts_on:
        return counts
    school = SchoolJournal(institution, year, rnd, until, counts)
    for school_class in SchoolClass.objects.filter(academic_year=year).order_by(
            "grade", "letter", "pk"):
        school.seed_class(school_class)
    close_periods(institution, year, until, closed_by_id)
    counts.tallies += rebuild_tallies(year)
    return counts


def reserve_ids(model, count):
    """PostgreSQL: ``count`` new primary keys of ``model`` from its sequence."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model, columns, rows):
    """Plain rows into ``model``'s table: COPY on PostgreSQL, executemany elsewhere —
    both several times faster than building model instances for bulk_create."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append(tuple(_adapt(value) for value in row))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _adapt(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def local_time(day, time):
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def close_periods(institution, year, until, closed_by_id):
    """Periods that ended before the cut-off are closed, as the deputy does after the
    finals are in."""
    periods = list(Period.objects.filter(academic_year=year, ends_on__lt=until,
                                         closed_at__isnull=True))
    for period in periods:
        period.closed_at = local_time(period.ends_on + datetime.timedelta(days=1),
                                      datetime.time(17))
        period.closed_by_id = closed_by_id
    Period.objects.bulk_update(periods, ["closed_at", "closed_by"])


class SchoolJournal:
    """What one school's classes share: settings, mark types, logins, periods, rosters."""

    def __init__(self, institution, year, rnd, until, counts):
        self.institution, self.year, self.rnd, self.until = institution, year, rnd, until
        self.counts = counts
        self.settings = InstitutionSettings.objects.filter(institution=institution).first()
        self.types = {t.name: t for t in MarkType.objects.department_wide()}
        self.weights = {t.pk: float(t.weight) for t in self.types.values()}
        # Only the demo accounts have logins: their rows show who entered them.
        self.users = dict(Staff.objects.filter(institution=institution,
                                               person__user__isnull=False)
                          .values_list("pk", "person__user_id"))
        teachers = sorted(set(Lesson.objects.filter(academic_year=year)
                              .values_list("teacher_id", flat=True)))
        self.slack = set(rnd.sample(teachers, int(len(teachers) * SLACK_TEACHERS)))
        self.subjects = dict(Subject.objects.filter(institution=institution)
                             .values_list("pk", "name"))
        self.rosters, self.group_rosters = {}, {}
        for class_id, pupil, start, end in ClassMembership.objects.filter(
                institution=institution).order_by("pk").values_list(
                "school_class_id", "pupil_id", "starts_on", "ends_on"):
            self.rosters.setdefault(class_id, []).append((pupil, start, end))
        for group, pupil, start, end in SubgroupMembership.objects.filter(
                institution=institution).order_by("pk").values_list(
                "subgroup_id", "pupil_id", "starts_on", "ends_on"):
            self.group_rosters.setdefault(group, []).append((pupil, start, end))
        self.group_subject = dict(Subgroup.objects.filter(institution=institution)
                                  .values_list("pk", "subject_id"))
        # (class, subject): hours a week, which set the pace of the homework's numbers.
        self.hours = {(class_id, subject): int(hours) for class_id, subject, hours in
                      TeachingAssignment.objects.filter(institution=institution)
                      .values_list("school_class_id", "subject_id", "hours_per_week")}
        self.periods = {}  # grade: the class's periods, from Period.objects.for_class

    def periods_of(self, school_class):
        if school_class.grade not in self.periods:
            self.periods[school_class.grade] = list(Period.objects.for_class(school_class))
        return self.periods[school_class.grade]

    def seed_class(self, school_class):
        rnd = self.rnd
        marks_allowed = school_class.grade > 1 or not (
            self.settings is None or self.settings.no_marks_in_first_grade)
        lessons = sorted(
            Lesson.objects.filter(school_class=school_class, academic_year=self.year)
            .held(self.until).filter(date__gte=self.year.starts_on)
            .values_list("pk", "subgroup_id", "subject_id", "teacher_id", "date", "ends_at"),
            key=lambda row: (row[1] or 0, row[2], row[4], row[0]))
        if not lessons:
            return
        roster = self.rosters.get(school_class.pk, [])
        days = sorted({row[4] for row in lessons})
        pupils = sorted({pupil for pupil, _start, _end in roster})
        level = {p: min(4.9, max(2.7, rnd.gauss(4.1, 0.5))) for p in pupils}
        away = self.whole_days_away(pupils, days)
        periods = self.periods_of(school_class)
        recent = self.until - datetime.timedelta(days=RECENT_DAYS)

        tasks, marks, attendance, homework = [], [], [], []
        untaken, blank = [], []
        # (pupil, subject, period index): [weighted sum, weights, teacher, last day]
        totals = {}
        position, previous = 0, None
        for index, (pk, group, subject, teacher, day, ends_at) in enumerate(lessons):
            key = (group, subject)
            position = position + 1 if key == previous else 0
            previous = key
            user = self.users.get(teacher)
            when = local_time(day, ends_at or datetime.time(14)) + datetime.timedelta(
                minutes=rnd.randint(0, 240))
            members = [p for p, start, end in
                       (self.group_rosters.get(group, []) if group else roster)
                       if start <= day and (end is None or end >= day)]
            if day >= recent and teacher in self.slack and rnd.random() < BLANK_TOPIC:
                blank.append(pk)
            taken = not (day >= recent and rnd.random() < UNTAKEN)
            if not taken:
                untaken.append(pk)
            missing = {}
            for pupil in members:
                kind = away.get((pupil, day))
                if kind is None:
                    chance = rnd.random()
                    if chance < ABSENT:
                        kind = AttendanceKind.ABSENT
                    elif chance < ABSENT + LATE:
                        kind = AttendanceKind.LATE
                if kind is not None:
                    missing[pupil] = kind
            if taken:
                for pupil, kind in missing.items():
                    # The row as insert_rows writes it (ATTENDANCE_COLUMNS).
                    attendance.append((
                        self.institution.pk, pk, pupil, kind, rnd.randint(3, 25)
                        if kind == AttendanceKind.LATE else None, 1, when, user))
            present = [p for p in members if missing.get(p, AttendanceKind.LATE)
                       == AttendanceKind.LATE]
            if school_class.grade > 1 and sets_homework(self.subjects.get(subject), rnd,
                                                        HOMEWORK_CHANCE):
                following = lessons[index + 1] if index + 1 < len(lessons) else None
                due = following[4] if following and (following[1], following[2]) == key \
                    else day + datetime.timedelta(days=7)
                homework.append(self.homework(pk, due, when, user, school_class, subject,
                                              position))
            if not marks_allowed:
                continue
            period = next((n for n, p in enumerate(periods) if p.starts_on <= day <= p.ends_on),
                          None)
            for mark_type, chosen, debtors in self.works(position, subject, present, members):
                task = [None, pk, mark_type]  # [id once written, lesson, mark type]
                tasks.append(task)
                weight = self.weights[mark_type]
                test_shift = -0.2 if weight >= 5 else 0.0
                for pupil in chosen:
                    if rnd.random() < DEBT_CHANCE:
                        marks.append((task, pupil, "", True, "", when, user))
                        continue
                    value = self.value(level[pupil] + test_shift)
                    comment = rnd.choice(COMMENTS) if rnd.random() < COMMENT_CHANCE else ""
                    marks.append((task, pupil, str(value), False, comment, when, user))
                    if period is not None:
                        row = totals.setdefault((pupil, subject, period), [0.0, 0.0, None, day])
                        row[0] += weight * value
                        row[1] += weight
                        row[2], row[3] = teacher, day
                for pupil in debtors:
                    marks.append((task, pupil, "", True, "", when, user))

        self.write(tasks, marks, attendance, homework)
        self.write_finals(school_class, periods, totals, level)
        held = Lesson.objects.filter(school_class=school_class, academic_year=self.year).held(
            self.until)
        held.exclude(pk__in=untaken).update(attendance_taken=True)
        if blank:
            held.filter(pk__in=blank).update(topic="", topic_edited=True)

    def whole_days_away(self, pupils, days):
        """{(pupil, day): kind} for illnesses (runs of school days) and single days away
        for a valid reason."""
        rnd, away = self.rnd, {}
        for pupil in pupils:
            i = 0
            while i < len(days):
                if rnd.random() < ILL_START:
                    length = rnd.randint(*ILL_DAYS)
                    for day in days[i:i + length]:
                        away[(pupil, day)] = AttendanceKind.ILL
                    i += length
                    continue
                if rnd.random() < VALID_DAY:
                    away[(pupil, days[i])] = AttendanceKind.VALID
                i += 1
        return away

    def works(self, position, subject, present, members):
        """[(mark type pk, pupils marked, pupils owing it)] of one lesson's works."""
        rnd, types, result = self.rnd, self.types, []
        if position % TEST_EVERY == TEST_EVERY - 1:
            name = TEST_TYPE.get(self.subjects.get(subject), "контрольная работа")
            here = set(present)
            absent = [p for p in members if p not in here]
            debtors = [p for p in absent if rnd.random() < MISSED_TEST_DEBT]
            return [(types[name].pk, present, debtors)]
        oral = int(len(present) * ORAL_SHARE + rnd.random())
        if oral:
            result.append((types["ответ на уроке"].pk,
                           sorted(rnd.sample(present, oral)), []))
        if rnd.random() < WORK_CHANCE:
            count = int(len(present) * WORK_SHARE + rnd.random())
            if count:
                result.append((types["работа на уроке"].pk,
                               sorted(rnd.sample(present, count)), []))
        # No written homework in the practical subjects: nothing to mark.
        if self.subjects.get(subject) not in PRACTICAL and rnd.random() < HOMEWORK_MARK_CHANCE:
            count = int(len(present) * HOMEWORK_MARK_SHARE + rnd.random())
            if count:
                result.append((types["домашняя работа"].pk,
                               sorted(rnd.sample(present, count)), []))
        return result

    def value(self, level):
        mark = level + self.rnd.gauss(0, 0.7)
        return 5 if mark >= 4.5 else 4 if mark >= 3.5 else 3 if mark >= 2.5 else 2

    def homework(self, lesson_id, due, when, user, school_class, subject, position):
        rnd = self.rnd
        text = homework_text(self.subjects.get(subject), school_class.grade, position,
                             self.hours.get((school_class.pk, subject), 2), rnd)
        links = rnd.choice(LINKS).format(m=rnd.randint(1, 7000)) \
            if rnd.random() < LINK_CHANCE else ""
        # The row as insert_rows writes it (HOMEWORK_COLUMNS).
        return (self.institution.pk, lesson_id, text, links, due, 1, when, user)

    def write(self, tasks, marks, attendance, homework):
        """Writes a class's rows; ``tasks`` are [None, lesson, mark type] lists that get
        their ids here, so that the marks (which hold them) can name them."""
        started = time.monotonic()
        institution_id = self.institution.pk
        if connection.vendor == "postgresql":
            # The large city writes millions of rows: COPY, with the tasks' ids taken
            # from their sequence beforehand.
            for task, pk in zip(tasks, reserve_ids(Task, len(tasks)), strict=True):
                task[0] = pk
            insert_rows(Task, ["id", "institution_id", "lesson_id", "mark_type_id", "title"],
                        [(pk, institution_id, lesson, mark_type, "")
                         for pk, lesson, mark_type in tasks])
        else:
            # SQLite (≥ 3.35) gives the new tasks their ids back.
            rows = Task.objects.bulk_create(
                [Task(institution_id=institution_id, lesson_id=lesson, mark_type_id=mark_type)
                 for _pk, lesson, mark_type in tasks], batch_size=BATCH)
            for task, row in zip(tasks, rows, strict=True):
                task[0] = row.pk
        insert_rows(Mark, ["institution_id", "task_id", "lesson_id", "pupil_id", "value",
                           "is_debt", "comment", "version", "updated_at", "updated_by_id"],
                    ((institution_id, task[0], task[1], pupil, value, debt, comment, 1,
                      when, user)
                     for task, pupil, value, debt, comment, when, user in marks))
        insert_rows(Attendance, ATTENDANCE_COLUMNS, attendance)
        insert_rows(Homework, HOMEWORK_COLUMNS, homework)
        self.counts.tasks += len(tasks)
        self.counts.marks += len(marks)
        self.counts.attendance += len(attendance)
        self.counts.homework += len(homework)
        self.counts.writing += time.monotonic() - started

    def write_finals(self, school_class, periods, totals, level):
        """Period finals (the rounded weighted average) of the periods that ended before
        the cut-off; a few are missing, as they are in a real school. A pupil who moved to
        another class before a period's end gets that period's final there."""
        ended = {n for n, period in enumerate(periods) if period.ends_on < self.until}
        if not ended or self.settings is None:
            return
        roster = self.rosters.get(school_class.pk, [])
        finals = []
        for (pupil, subject, number), (total, weights, teacher, day) in sorted(
                totals.items(), key=lambda item: item[0]):
            if number not in ended or self.rnd.random() < MISSING_FINAL:
                continue
            last_day = periods[number].ends_on
            if not any(start <= last_day and (end is None or end >= last_day)
                       for member, start, end in roster if member == pupil):
                continue
            average = round(total / weights, 2)
            value = max(2, self.settings.round_final(average))
            if value == 4 and average >= STRONG_AVERAGE and level.get(pupil, 0) >= STRONG_LEVEL:
                value = 5
            finals.append((self.institution.pk, self.year.pk, school_class.pk, subject, pupil,
                           FinalKind.PERIOD, periods[number].pk, str(value), 1,
                           local_time(day, datetime.time(16, 30)), self.users.get(teacher)))
        started = time.monotonic()
        insert_rows(FinalMark, FINAL_COLUMNS, finals)
        self.counts.finals += len(finals)
        self.counts.writing += time.monotonic() - started


# What the demo city's reset() deletes, children before parents.
SCHOOL_MODELS = (Tally, Mark, Attendance, Task, HomeworkFile, Homework, FinalMark)

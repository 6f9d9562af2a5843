"""Builds the demo city: a department, its schools, staff, classes, pupils and parents,
their timetables and their journals up to a cut-off day (today by default).

Everything comes from one ``random.Random(seed)``, so a seed always gives the same city.
Rows are written with ``bulk_create`` in batches; only the fixed demo accounts get logins.
"""

import datetime
import itertools
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import ModelLogEntry

from announcements import demo as announcements_demo
from api import demo as api_demo
from attestation import demo as attestation_demo
from courses import demo as courses_demo
from curriculum import actions as curriculum_actions
from curriculum.days_off import public_days_off
from curriculum.models import (
    AcademicYear,
    Period,
    SchoolClass,
    Subject,
    Tariffication,
    TeachingAssignment,
)
from documents import demo as documents_demo
from forum import demo as forum_demo
from journal import demo as journal_demo
from journal import demo_journal
from journal.models import (
    Attendance,
    FinalMark,
    Homework,
    HomeworkFile,
    Mark,
    Task,
)
from links import demo as links_demo
from messaging import demo as messaging_demo
from movement import demo as movement_demo
from notifications import demo as notifications_demo
from notifications.models import Notification, Preference, PushSubscription
from portal import search
from portal.access import Role
from portal.access import today as local_today
from portfolio import demo as portfolio_demo
from records.models import (
    Consent,
    Department,
    DirectoryEntry,
    DirectoryKind,
    Guardianship,
    Institution,
    InstitutionDocument,
    MethodicalWork,
    Parent,
    Person,
    Pupil,
    PupilCharacteristic,
    PupilHealth,
    Relation,
    RoleAssignment,
    Sex,
    Staff,
    StaffAttestation,
    User,
    normalize_name,
)
from reports import demo as reports_demo
from schedule import demo as schedule_demo
from schedule.models import Lesson
from stateforms import demo as stateforms_demo
from subject_requests import demo as subject_requests_demo

from .details import Details
from .loading import analyze, delete_all, drop_foreign_keys, restore_foreign_keys
from .names import FEMALE_NAMES, MALE_NAMES, STREETS, SURNAMES, feminine, patronymic

DEMO_PASSWORD = "sgo-demo-2026"
BATCH = 2000
ARRIVED_LATER = 0.12  # pupils who came to the school after the first grade
# The tables of millions of rows (the large city's lessons and journal).
BULK_MODELS = (Lesson, Lesson.co_teachers.through, Task, Mark, Attendance, Homework,
               FinalMark)


@dataclass(frozen=True)
class Size:
    schools: int
    classes: tuple  # (grade, letter) of each school's classes
    pupils_per_class: int
    extra_teachers: int


def _grades(letters):
    return tuple((grade, letter) for grade in range(1, 12) for letter in letters)


SIZES = {
    "small": Size(2, ((1, "А"), (2, "А"), (3, "А"), (4, "А"), (5, "А"), (5, "Б"), (6, "А"),
                      (7, "А"), (8, "А"), (9, "А")), 25, 4),
    "medium": Size(10, _grades("АБВ"), 25, 8),
    "large": Size(50, _grades("АБВГ"), 25, 0),
}

PRIMARY_SUBJECTS = ["Русский язык", "Литературное чтение", "Математика", "Окружающий мир"]
SPECIALIST_SUBJECTS = {
    # subject: grades it is taught in
    "Английский язык": range(2, 12),
    "Физическая культура": range(1, 12),
    "Музыка": range(1, 8),
    "Изобразительное искусство": range(1, 8),
    "Русский язык (5–11)": range(5, 12),
    "Литература": range(5, 12),
    "Математика (5–6)": range(5, 7),
    "Алгебра": range(7, 12),
    "Геометрия": range(7, 12),
    "Информатика": range(7, 12),
    "История": range(5, 12),
    "Обществознание": range(6, 12),
    "География": range(5, 12),
    "Биология": range(5, 12),
    "Физика": range(7, 12),
    "Химия": range(8, 12),
    "Технология": range(5, 9),
}
# Subject names as the school lists them: the grade hints above only choose teachers.
SUBJECT_NAME = {"Русский язык (5–11)": "Русский язык", "Математика (5–6)": "Математика"}
# A specialist teaches at most this many hours a week (one and a half rates of 18 h):
# a school hires as many of each as its classes need.
MAX_LOAD = 27


def plan_hours(subject, grade):
    """Hours a week of ``subject`` (a key of PRIMARY_SUBJECTS or SPECIALIST_SUBJECTS) in
    ``grade``: the curriculum plan's (journal/demo.py), which the load and the timetable
    follow."""
    return journal_demo.PLAN[SUBJECT_NAME.get(subject, subject)][grade]

ADMINISTRATION = [
    (Role.DIRECTOR, "Директор"),
    (Role.DEPUTY_ACADEMIC, "Заместитель директора по УВР"),
    (Role.DEPUTY_EDUCATIONAL, "Заместитель директора по ВР"),
    (Role.SECRETARY, "Секретарь"),
    (Role.MEDIC, "Медицинская сестра"),
    (Role.PSYCHOLOGIST, "Педагог-психолог"),
    (Role.ADMIN, "Администратор СГО"),
]


class CityBuilder:
    def __init__(self, size="small", seed=1, stdout=None, journal_until=None, today=None,
                 verbosity=1):
        self.size = SIZES[size]
        self.verbosity = verbosity
        self.timings = []  # [(phase, seconds)]
        # The day the city is built on (the real date unless a test or a demo pins it):
        # its school year is the one holding that day, the coming one from 1 June on.
        self.today = today or local_today()
        self.calendar = journal_demo.demo_calendar(self.today)
        # The journal is filled up to this day (today unless the benchmark asks for the
        # whole year).
        self.journal_until = journal_until
        self.random = random.Random(seed)
        self.random_seed = seed
        # The pupils' arrival dates draw from a stream of their own, so that they leave
        # the rest of the city as the seed gives it.
        self.arrivals = random.Random(f"arrivals-{seed}")
        # The department administrator's name: its own stream, so that the rest of the
        # city stays as the seed gave it before the account was added.
        self.department_names = random.Random(f"department-{seed}")
        self.stdout = stdout
        self.year_start = self.calendar.starts_on
        # Roles hold from the spring before the year (2026/2027: 3 June), or from the
        # build day when that is earlier: a city built in June works on the next year.
        self.roles_from = min(self.year_start - datetime.timedelta(days=90), self.today)
        self.password = make_password(DEMO_PASSWORD)

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # People ---------------------------------------------------------------------------

    def new_person(self, sex=None, surname=None, father=None, age=None, rnd=None):
        rnd = rnd or self.random
        sex = sex or rnd.choice([Sex.MALE, Sex.FEMALE])
        surname = surname or rnd.choice(SURNAMES)
        father = father or rnd.choice(MALE_NAMES)
        female = sex == Sex.FEMALE
        first = rnd.choice(FEMALE_NAMES if female else MALE_NAMES)
        age = age or rnd.randint(25, 60)
        birth = self.year_start - datetime.timedelta(days=int(age * 365.25) + rnd.randint(0, 364))
        person = Person(
            surname=feminine(surname) if female else surname,
            name=first,
            patronymic=patronymic(father, female),
            sex=sex,
            birth_date=birth,
        )
        person.search_name = normalize_name(person.surname, person.name, person.patronymic)
        return person

    # Build ------------------------------------------------------------------------------

    def build(self):
        """Builds the city in one transaction, then refreshes the planner's statistics."""
        with transaction.atomic():
            with self.phase("city"):
                self.build_city()
            # The big tables' foreign keys are checked once at the end, not row by row
            # at commit (portal/demo/loading.py).
            dropped = drop_foreign_keys(BULK_MODELS)
            with self.phase("timetables"):
                self.write_timetables()
            with self.phase("demo accounts"):
                self.build_demo_accounts()
            with self.phase("load approved"):
                self.approve_loads()
            # After the logins: the journal's rows name the demo teachers who entered them.
            # Before the journals, which follow the class memberships the movements end
            # and open; after them, the pupil who moved takes their finals along.
            with self.phase("movement book"):
                movement_demo.build(self)
            with self.phase("journals"):
                self.write_journals()
                movement_demo.after_journals(self)
            with self.phase("pages and announcements"):
                announcements_demo.build(self)
            with self.phase("notifications"):
                notifications_demo.write_notifications(self)
            with self.phase("courses"):
                self.write_courses()
            with self.phase("portfolios"):
                portfolio_demo.build(self)
            with self.phase("documents and links"):
                documents_demo.build(self)
                links_demo.build(self)
            with self.phase("final attestation"):
                attestation_demo.build(self)
            with self.phase("personal data requests"):
                subject_requests_demo.build(self)
            with self.phase("visit statistics"):
                reports_demo.seed_visits(self)
            with self.phase("statistical forms"):
                stateforms_demo.seed_stateforms(self)
            with self.phase("saved reports"):
                reports_demo.seed_saved_reports(self)
            with self.phase("forum"):
                forum_demo.build(self)
            with self.phase("mail"):
                messaging_demo.build(self)
            with self.phase("api tokens"):
                api_demo.build(self)
            with self.phase("foreign keys"):
                restore_foreign_keys(dropped)
            # Rows written in bulk were indexed by no signal: the search index, last.
            with self.phase("search index"):
                search.rebuild_index()
            commit_started = time.monotonic()
        self.timed("commit", commit_started)
        with self.phase("analyze"):
            analyze()
        if self.verbosity >= 1:
            self.say("Time per phase: " + ", ".join(f"{name} {seconds:.1f} s"
                                                    for name, seconds in self.timings))

    @contextmanager
    def phase(self, name):
        """Times a step of the build; the times are printed at verbosity 1 or more."""
        started = time.monotonic()
        yield
        self.timed(name, started)

    def timed(self, name, started):
        seconds = time.monotonic() - started
        self.timings.append((name, seconds))
        if self.verbosity >= 1:
            self.say(f"[{name}: {seconds:.1f} s]")

    def build_city(self):
        self.details = Details(self.random, self.year_start.year)
        self.department = Department.objects.create(
            name="Управление образования Окружной администрации города",
            short_name="Управление образования",
        )
        institutions = [
            Institution(
                department=self.department,
                name=f"Муниципальное общеобразовательное бюджетное учреждение "
                     f"«Средняя общеобразовательная школа № {n}»",
                short_name=f"СОШ № {n}",
                address=f"677000, г. Якутск, {self.random.choice(STREETS)}, "
                        f"д. {self.random.randint(1, 120)}",
                phone=f"+7 4112 {self.random.randint(30, 49)}-{self.random.randint(10, 99)}-"
                      f"{self.random.randint(10, 99)}",
                email=f"school{n}@edu.example.ru",
            )
            for n in range(1, self.size.schools + 1)
        ]
        for number, institution in enumerate(institutions, start=1):
            self.details.institution(institution, number)
        Institution.objects.bulk_create(institutions)
        InstitutionDocument.objects.bulk_create([
            document for institution in institutions
            for document in self.details.institution_documents(institution, self.today)
        ])
        self.say(f"Department and {len(institutions)} schools")
        self.schools = []
        for number, institution in enumerate(institutions, start=1):
            self.schools.append(self.build_school(institution))
            if number % 5 == 0 or number == len(institutions):
                self.say(f"  schools built: {number}/{len(institutions)}")
        Institution.objects.bulk_update(institutions, [
            "director_name", "deputy_academic_name", "deputy_administrative_name"])
        self.write_people()

    def position(self, institution, name):
        """The positions directory's value of ``name`` (R-INST-4): the department's,
        else the school's own, made once (the demo's «Администратор СГО» is a school's
        own value, as a real school adds what the department's list lacks)."""
        if not hasattr(self, "positions"):
            self.positions = {e.name: e for e in DirectoryEntry.objects.filter(
                kind=DirectoryKind.POSITION, institution__isnull=True)}
        entry = self.positions.get(name) or self.positions.get((institution.pk, name))
        if entry is None:
            entry = DirectoryEntry.objects.create(kind=DirectoryKind.POSITION, name=name,
                                                  institution=institution, sort_order=100)
            self.positions[(institution.pk, name)] = entry
        return entry

    def build_school(self, institution):
        """Plans a school's rows in memory; write_people() inserts them in bulk."""
        rnd = self.random
        year = AcademicYear.objects.create(
            institution=institution, name=self.calendar.name, starts_on=self.year_start,
            ends_on=self.calendar.ends_on, is_current=True,
        )
        school = {"institution": institution, "year": year, "staff": [], "roles": []}

        def hire(position, roles, sex=None):
            person = self.new_person(sex=sex)
            staff = Staff(institution=institution, person=person,
                          position=self.position(institution, position),
                          personnel_number=f"{institution.pk:02d}{len(school['staff']) + 1:04d}",
                          hired_on=datetime.date(rnd.randint(1995, self.year_start.year - 1),
                                                 rnd.choice([8, 9]), 1))
            self.details.staff(staff, teaches=Role.SUBJECT_TEACHER in roles)
            # A few people have given no consent yet: their records keep the minimum.
            staff.consent = rnd.random() < 0.97 or bool(set(roles) - {Role.SUBJECT_TEACHER,
                                                                       Role.CLASS_TEACHER})
            if not staff.consent:
                staff.clear_personal_fields()
            school["staff"].append(staff)
            for role in roles:
                school["roles"].append((person, role))
            return staff

        for role, position in ADMINISTRATION:
            hire(position, [role])
        hire("Заместитель директора по АХР", [])
        management = {s.position.name: s.person.full_name for s in school["staff"]}
        institution.director_name = management["Директор"]
        institution.deputy_academic_name = management["Заместитель директора по УВР"]
        institution.deputy_administrative_name = management["Заместитель директора по АХР"]
        classes = []
        class_teachers = []
        for grade, letter in self.size.classes:
            # A primary class has its own teacher for most subjects; from grade 5 the
            # class teacher is one of the school's subject teachers (chosen below).
            class_teachers.append(
                hire("Учитель начальных классов", [Role.CLASS_TEACHER, Role.SUBJECT_TEACHER],
                     sex=Sex.FEMALE if rnd.random() < 0.85 else Sex.MALE)
                if grade <= 4 else None)
            classes.append(SchoolClass(institution=institution, academic_year=year,
                                       grade=grade, letter=letter))
        specialists = {}
        for subject in SPECIALIST_SUBJECTS:
            specialists[subject] = [hire("Учитель", [Role.SUBJECT_TEACHER])]
        for i in range(self.size.extra_teachers):
            subject = list(SPECIALIST_SUBJECTS)[i % len(SPECIALIST_SUBJECTS)]
            specialists[subject].append(hire("Учитель",
                                             [Role.SUBJECT_TEACHER]))
        # Enough teachers for the plan's hours (English from grade 5 in two groups).
        for subject, grades in SPECIALIST_SUBJECTS.items():
            needed = sum(plan_hours(subject, grade) * (
                2 if subject == schedule_demo.SUBGROUP_SUBJECT and grade >= 5 else 1)
                for grade, _letter in self.size.classes if grade in grades)
            while len(specialists[subject]) * MAX_LOAD < needed:
                specialists[subject].append(hire(
                    "Учитель", [Role.SUBJECT_TEACHER]))
        self.choose_class_teachers(school, class_teachers, specialists, hire)
        school.update(classes=classes, class_teachers=class_teachers, specialists=specialists)
        # Settings, periods and a completed setup wizard (journal/demo.py).
        journal_demo.seed_school_settings(institution, year, {g for g, _ in self.size.classes})
        return school

    @staticmethod
    def choose_class_teachers(school, class_teachers, specialists, hire):
        """Gives each class from grade 5 a class teacher from the subject teachers, one
        class each, taking the subjects in turn (the first mathematics teacher, the
        demo's subject teacher, leads no class). A school with more classes than
        teachers hires another teacher of Russian for it."""
        free = [pool[1:] if subject == "Математика (5–6)" else list(pool)
                for subject, pool in specialists.items()]
        order = [t for row in itertools.zip_longest(*free) for t in row if t is not None]
        for i, teacher in enumerate(class_teachers):
            if teacher is not None:
                continue
            if order:
                teacher = order.pop(0)
                school["roles"].append((teacher.person, Role.CLASS_TEACHER))
            else:
                teacher = hire("Учитель",
                               [Role.CLASS_TEACHER, Role.SUBJECT_TEACHER])
                specialists["Русский язык (5–11)"].append(teacher)
            class_teachers[i] = teacher

    def write_people(self):
        rnd = self.random
        staff_persons = [s.person for school in self.schools for s in school["staff"]]
        Person.objects.bulk_create(staff_persons, batch_size=BATCH)
        for school in self.schools:
            for staff in school["staff"]:
                staff.person_id = staff.person.pk
        Staff.objects.bulk_create(
            [s for school in self.schools for s in school["staff"]], batch_size=BATCH
        )
        RoleAssignment.objects.bulk_create([
            RoleAssignment(person_id=person.pk, role=role, institution=school["institution"],
                           valid_from=self.roles_from)
            for school in self.schools for person, role in school["roles"]
        ], batch_size=BATCH)
        history = [
            row for school in self.schools for staff in school["staff"] if staff.teaches
            for row in self.details.staff_history(staff, self.year_start)
        ]
        for model in (StaffAttestation, MethodicalWork):
            model.objects.bulk_create([row for row in history if isinstance(row, model)],
                                      batch_size=BATCH)
        self.say(f"Staff: {len(staff_persons)}")

        subjects, assignments = [], []
        for school in self.schools:
            for teacher, school_class in zip(school["class_teachers"], school["classes"],
                                             strict=True):
                school_class.class_teacher_id = teacher.pk
            names = sorted({SUBJECT_NAME.get(s, s) for s in [*PRIMARY_SUBJECTS,
                                                              *SPECIALIST_SUBJECTS]})
            school["subjects"] = {
                name: Subject(institution=school["institution"], name=name) for name in names
            }
            subjects.extend(school["subjects"].values())
        SchoolClass.objects.bulk_create(
            [c for school in self.schools for c in school["classes"]], batch_size=BATCH
        )
        Subject.objects.bulk_create(subjects, batch_size=BATCH)
        # The curriculum plan needs the subjects written (journal/demo.py).
        for school in self.schools:
            journal_demo.seed_curriculum(school["institution"], school["year"],
                                         {g for g, _ in self.size.classes}, school["subjects"])
        for school in self.schools:
            turn = {}
            for teacher, school_class in zip(school["class_teachers"], school["classes"],
                                             strict=True):
                plan = []
                if school_class.grade <= 4:
                    plan += [(s, teacher) for s in PRIMARY_SUBJECTS]
                for subject, grades in SPECIALIST_SUBJECTS.items():
                    if school_class.grade in grades:
                        pool = school["specialists"][subject]
                        turn[subject] = turn.get(subject, -1) + 1
                        plan.append((subject, pool[turn[subject] % len(pool)]))
                for subject, who in plan:
                    assignments.append(TeachingAssignment(
                        institution=school["institution"], teacher_id=who.pk,
                        school_class=school_class,
                        subject=school["subjects"][SUBJECT_NAME.get(subject, subject)],
                        hours_per_week=plan_hours(subject, school_class.grade),
                    ))
        TeachingAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        Staff.subjects.through.objects.bulk_create([
            Staff.subjects.through(staff_id=teacher, subject_id=subject)
            for teacher, subject in sorted({(a.teacher_id, a.subject.pk) for a in assignments})
        ], batch_size=BATCH)
        self.say(f"Classes: {sum(len(s['classes']) for s in self.schools)}, "
                 f"teaching assignments: {len(assignments)}")

        # Pupils and their families. About one family in ten has two children in the
        # school, as families do.
        pupil_persons, pupils, families = [], [], []
        for school in self.schools:
            institution = school["institution"]
            family = None
            for school_class in school["classes"]:
                for _ in range(self.size.pupils_per_class):
                    if family and family["institution"] is institution and rnd.random() < 0.1 \
                            and len(family["children"]) == 1:
                        surname, father = family["surname"], family["father"]
                    else:
                        surname, father = rnd.choice(SURNAMES), rnd.choice(MALE_NAMES)
                        family = {"institution": institution, "surname": surname,
                                  "father": father, "children": [], "parents": [],
                                  "address": self.details.address(),
                                  "consent": rnd.random() < 0.92}
                        families.append(family)
                    person = self.new_person(surname=surname, father=father,
                                             age=school_class.grade + 6)
                    pupil = Pupil(institution=institution, person=person,
                                  school_class=school_class,
                                  enrolled_on=self.enrolment_day(school_class.grade),
                                  personal_file_number=f"{school_class.grade}-{len(pupils) + 1}")
                    self.details.pupil(pupil, school_class.grade, family["address"])
                    if not family["consent"]:
                        pupil.clear_personal_fields()
                    pupil_persons.append(person)
                    pupils.append(pupil)
                    family["children"].append(pupil)
            self.say(f"  pupils planned: {len(pupils)}")
        parent_persons, parents, links = [], [], []
        for family in families:
            members = []
            if rnd.random() < 0.92:
                mother = self.new_person(sex=Sex.FEMALE, surname=family["surname"])
                members.append((mother, Relation.MOTHER))
            if rnd.random() < 0.65 or not members:
                father = self.new_person(sex=Sex.MALE, surname=family["surname"])
                father.name = family["father"]
                father.search_name = normalize_name(father.surname, father.name,
                                                    father.patronymic)
                members.append((father, Relation.FATHER))
            for person, relation in members:
                parent = Parent(institution=family["institution"], person=person,
                                mobile_phone=self.details.phone())
                self.details.parent(parent, family["address"])
                if not family["consent"]:
                    parent.clear_personal_fields()
                family["parents"].append(parent)
                parent_persons.append(person)
                parents.append(parent)
                for child in family["children"]:
                    links.append((parent, child, relation))
        Person.objects.bulk_create(pupil_persons + parent_persons, batch_size=BATCH)
        for row in pupils + parents:
            row.person_id = row.person.pk
        Pupil.objects.bulk_create(pupils, batch_size=BATCH)
        Parent.objects.bulk_create(parents, batch_size=BATCH)
        Guardianship.objects.bulk_create(
            [Guardianship(parent_id=p.pk, pupil_id=c.pk, relation=r) for p, c, r in links],
            batch_size=BATCH,
        )
        self.families = families
        self.write_pupil_groups(families)
        self.say(f"Pupils: {len(pupils)}, parents: {len(parents)}")
        self.pupils = pupils

    def enrolment_day(self, grade):
        """When a pupil now in ``grade`` came to the school: 1 September of the year
        they entered the first grade, or, for about one in eight, a school day of a
        later year, when their family moved to the city."""
        entered = self.year_start.year - (grade - 1)
        if grade == 1 or self.arrivals.random() >= ARRIVED_LATER:
            return datetime.date(entered, 9, 1)
        year = self.arrivals.randint(entered, self.year_start.year - 1)
        day = datetime.date(year, 9, 1) + datetime.timedelta(days=self.arrivals.randint(1, 260))
        days_off = public_days_off(day, day + datetime.timedelta(days=14))
        while day.weekday() >= 5 or day in days_off:
            day += datetime.timedelta(days=1)
        return day

    def write_timetables(self):
        """Rooms, lesson times, the weekly timetable and the year's lessons of every
        school (schedule/demo.py)."""
        by_class = {}
        for pupil in self.pupils:
            by_class.setdefault(pupil.school_class_id, []).append(pupil.pk)
        lessons = 0
        for number, school in enumerate(self.schools, start=1):
            report = schedule_demo.seed_timetable(
                school["institution"], school["year"], school["classes"], by_class,
                self.random)
            lessons += report.created
            if number % 5 == 0 or number == len(self.schools):
                self.say(f"  timetables built: {number}/{len(self.schools)}, "
                         f"lessons: {lessons}")

    def write_journals(self):
        """Marks, attendance, homework and closed periods with finals of every school
        up to the cut-off day (journal/demo_journal.py)."""
        until = self.journal_until or self.today
        counts = demo_journal.Counts()
        for number, school in enumerate(self.schools, start=1):
            deputy = self.staff_with_role(school, Role.DEPUTY_ACADEMIC).person
            demo_journal.seed_journal(school["institution"], school["year"], self.random,
                                      until, closed_by_id=deputy.user_id, counts=counts)
            if number % 5 == 0 or number == len(self.schools):
                self.say(f"  journals filled: {number}/{len(self.schools)}, "
                         f"marks: {counts.marks}, attendance: {counts.attendance}, "
                         f"{counts.writing:.0f} s of it writing rows")
        self.say(f"Journal up to {until:%d.%m.%Y}: works: {counts.tasks}, marks: "
                 f"{counts.marks}, absences: {counts.attendance}, homework: "
                 f"{counts.homework}, finals: {counts.finals}, tallies: {counts.tallies}")

    def write_courses(self):
        """Courses with sections and materials in the first schools (courses/demo.py)."""
        courses, materials = courses_demo.seed_courses(self)
        self.say(f"Courses: {courses}, materials: {materials}")

    def write_pupil_groups(self, families):
        """Medical details, characteristics and exam subjects of every pupil."""
        health, characteristics, exams = [], [], []
        subjects = {(s.institution_id, s.name): s.pk for s in Subject.objects.all()}
        consents = []
        for school in self.schools:
            consents += [Consent(institution=school["institution"], person_id=s.person.pk,
                                 given_by=s.person.full_name, given_on=s.hired_on)
                         for s in school["staff"] if s.consent]
        for family in families:
            if not family["consent"]:
                continue
            signer = family["parents"][0].person.full_name
            consents += [Consent(institution=family["institution"], person_id=row.person.pk,
                                 given_by=signer, given_on=self.year_start)
                         for row in family["children"] + family["parents"]]
            for pupil in family["children"]:
                row = PupilHealth(pupil_id=pupil.pk)
                self.details.health(row)
                health.append(row)
                row = PupilCharacteristic(pupil_id=pupil.pk)
                self.details.characteristic(row, len(family["children"]))
                characteristics.append(row)
                if pupil.school_class.grade == 11:
                    chosen = ["Русский язык", "Математика", *self.random.sample(
                        ["Физика", "Обществознание", "Информатика", "Биология", "История"], 2)]
                    exams += [Pupil.exam_subjects.through(
                        pupil_id=pupil.pk, subject_id=subjects[(pupil.institution_id, name)])
                        for name in chosen]
        Consent.objects.bulk_create(consents, batch_size=BATCH)
        PupilHealth.objects.bulk_create(health, batch_size=BATCH)
        PupilCharacteristic.objects.bulk_create(characteristics, batch_size=BATCH)
        Pupil.exam_subjects.through.objects.bulk_create(exams, batch_size=BATCH)

    # Demo accounts ----------------------------------------------------------------------

    def login(self, username, person=None, superuser=False, usable=True):
        user = User.objects.create(
            username=username, password=self.password if usable else make_password(None),
            is_superuser=superuser,
            is_staff=superuser, email=f"{username}@demo.example.ru",
        )
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
        return user

    def staff_with_role(self, school, role):
        people = {p.pk for p, r in school["roles"] if r == role}
        return next(s for s in school["staff"] if s.person.pk in people)

    def build_demo_accounts(self):
        self.login("admin", superuser=True)
        dept = self.new_person(sex=Sex.FEMALE)
        dept.save()
        RoleAssignment.objects.create(person=dept, role=Role.CHIEF_SPECIALIST,
                                      valid_from=self.roles_from)
        self.login("dept", dept)
        head = self.new_person(sex=Sex.MALE, rnd=self.department_names)
        head.save()
        RoleAssignment.objects.create(person=head, role=Role.DEPT_ADMIN,
                                      valid_from=self.roles_from)
        self.login("dept.admin", head)

        school1, school2 = self.schools[0], self.schools[1]
        for role, name in [(Role.ADMIN, "admin"), (Role.DIRECTOR, "director"),
                           (Role.DEPUTY_ACADEMIC, "deputy"), (Role.SECRETARY, "secretary"),
                           (Role.MEDIC, "medic"), (Role.PSYCHOLOGIST, "psychologist")]:
            self.login(f"school1.{name}", self.staff_with_role(school1, role).person)
        self.login("school2.admin", self.staff_with_role(school2, Role.ADMIN).person)
        # School 2's secretary accepts the pupil who moves from school 1 (movement/demo.py).
        self.login("school2.secretary", self.staff_with_role(school2, Role.SECRETARY).person)

        # school1.teacher: the mathematics specialist, teaching several classes.
        self.login("school1.teacher", school1["specialists"]["Математика (5–6)"][0].person)
        self.login("school2.teacher", school2["specialists"]["Алгебра"][0].person)
        class_5a = next(c for c in school1["classes"] if (c.grade, c.letter) == (5, "А"))
        self.login("school1.classteacher",
                   next(t for t, c in zip(school1["class_teachers"], school1["classes"],
                                          strict=True) if c is class_5a).person)

        # school1.parent: a family with a child in 5А and one more child in the school.
        for school, prefix, pupil_class in [(school1, "school1", class_5a),
                                            (school2, "school2", None)]:
            family = self.family_with_two_children(school, pupil_class)
            child = next(c for c in family["children"]
                         if pupil_class is None or c.school_class is pupil_class)
            parent = Parent.objects.filter(guardianships__pupil_id=child.pk).select_related(
                "person").order_by("pk").first()
            self.login(f"{prefix}.parent", parent.person)
            self.login(f"{prefix}.pupil", child.person)

    def approve_loads(self):
        """Each school's director approved its teaching load (R-CUR-3) before the year
        began, through the load page's own action, so the approval is logged; its time
        is then set to that day. A city built before that day has no approval yet.
        Directors without a demo login get an account that cannot log in, so that the
        approval names who gave it."""
        when = demo_journal.local_time(self.year_start - datetime.timedelta(days=4),
                                       datetime.time(11))
        if when.date() > self.today:
            return
        kind = ContentType.objects.get_for_model(Tariffication)
        for number, school in enumerate(self.schools, start=1):
            director = self.staff_with_role(school, Role.DIRECTOR).person
            user = director.user if director.user_id else self.login(
                f"school{number}.director", director, usable=False)
            version = curriculum_actions.approve_tariffication(school["year"], user)
            Tariffication.objects.filter(pk=version.pk).update(approved_at=when)
            ModelLogEntry.objects.filter(content_type=kind, object_id=str(version.pk),
                                         action=curriculum_actions.APPROVED).update(
                timestamp=when)

    def family_with_two_children(self, school, in_class):
        institution = school["institution"]
        for family in self.families:
            # Two children in two classes: the demo parent switches between two diaries
            # that differ (twins in one class would show the same lessons twice).
            children = family["children"]
            if family["institution"] is institution and len(children) == 2 \
                    and children[0].school_class is not children[1].school_class \
                    and family["consent"] and (
                in_class is None or any(c.school_class is in_class for c in children)
            ):
                return family
        # The seed gave no such family: join a pupil of another class to one.
        family = next(f for f in self.families if f["institution"] is institution
                      and f["consent"] and any(in_class is None or c.school_class is in_class
                                               for c in f["children"]))
        other = next(p for f in self.families if f["institution"] is institution
                     and f["consent"] and f is not family for p in f["children"])
        for parent in Parent.objects.filter(guardianships__pupil_id=family["children"][0].pk):
            Guardianship.objects.get_or_create(parent=parent, pupil_id=other.pk,
                                               defaults={"relation": Relation.MOTHER})
        family["children"].append(other)
        return family


DEMO_ACCOUNTS = [
    ("admin", "superuser"),
    ("dept", "department chief specialist"),
    ("dept.admin", "department administrator (the department's staff and their rights)"),
    ("school1.admin", "school 1 administrator"),
    ("school1.director", "school 1 director"),
    ("school1.deputy", "school 1 deputy director for academic work"),
    ("school1.secretary", "school 1 secretary"),
    ("school1.medic", "school 1 medical worker"),
    ("school1.psychologist", "school 1 psychologist"),
    ("school1.teacher", "school 1 subject teacher (mathematics, several classes)"),
    ("school1.classteacher", "school 1 class teacher of 5А"),
    ("school1.parent", "parent of two pupils of school 1, one in 5А"),
    ("school1.pupil", "pupil of 5А, child of school1.parent"),
    ("school2.admin", "school 2 administrator"),
    ("school2.secretary", "school 2 secretary (accepts pupils arriving from school 1)"),
    ("school2.teacher", "school 2 subject teacher"),
    ("school2.parent", "parent of two pupils of school 2"),
    ("school2.pupil", "pupil of school 2, child of school2.parent"),
    *announcements_demo.DEMO_ACCOUNTS_OF_PAGES,
]


def reset():
    """Deletes every row the builder makes, children before parents."""
    from wagtail.models import Revision

    # The pages first: a school's page protects its institution.
    announcements_demo.reset()
    # The forum's sections protect their schools and classes.
    forum_demo.reset()
    attestation_demo.reset()
    # The requests protect their people and schools.
    subject_requests_demo.reset()
    # The statistical forms protect their schools and years.
    stateforms_demo.reset()
    reports_demo.reset()
    Revision.objects.filter(
        base_content_type__app_label__in=["records", "curriculum", "journal", "attestation",
                                          "portfolio"]).delete()
    portfolio_demo.reset()
    for model in (Notification, Preference, PushSubscription):
        model.objects.all().delete()
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Tariffication)).delete()
    courses_demo.reset()
    # A closed period's rows refuse to be deleted (journal.closing): reopen them first.
    Period.objects.filter(closed_at__isnull=False).update(closed_at=None, closed_by=None)
    # The journal's rows first: marks are the largest table, deleted in one statement
    # rather than collected through the lessons they hang on.
    documents_demo.reset()
    links_demo.reset()
    movement_demo.reset()
    HomeworkFile.objects.all().delete()  # one by one: each takes its stored file along
    delete_all([*demo_journal.SCHOOL_MODELS, Lesson.co_teachers.through, Lesson])
    for model in (*demo_journal.SCHOOL_MODELS, *schedule_demo.SCHOOL_MODELS):
        model.objects.all().delete()
    for model in (Guardianship, TeachingAssignment, RoleAssignment, PupilHealth,
                  PupilCharacteristic, Consent, Pupil, Parent):
        model.objects.all().delete()
    # The journal's school rows; the department-wide settings stay (a migration seeds them).
    for model in journal_demo.SCHOOL_MODELS:
        model.objects.filter(institution__isnull=False).delete()
    SchoolClass.objects.all().delete()
    for model in (Staff, Subject, AcademicYear, Person, Institution, Department):
        model.objects.all().delete()
    User.objects.filter(username__in=[u for u, _ in DEMO_ACCOUNTS]).delete()
    # The directors' accounts of approve_loads().
    User.objects.filter(username__regex=r"^school[0-9]+\.director$").delete()

"""R-TEN-5: every cell of the access matrix, checked against a small world.

For each role a persona holds that role in school A. The world has rows in school A
(in the persona's class and outside it), in school B, of the persona's child and of
another family. What each scope must reach is written here from the world's own tags,
not from the code under test, and compared with both ``user.has_perm(name, row)`` and
``Model.objects.visible_to(user, name)``.
"""

import pytest

from announcements.rules import AUDIENCE
from courses.factories import CourseFactory, CourseMaterialFactory, CourseSectionFactory
from courses.rules import FAMILY_COURSES, TEACHER_COURSES
from curriculum.factories import (
    AcademicYearFactory,
    ClassMembershipFactory,
    CurriculumLineFactory,
    CurriculumProfileFactory,
    GradePeriodTypeFactory,
    GradingScaleFactory,
    HolidayFactory,
    InstitutionSettingsFactory,
    LoadLimitFactory,
    MarkTypeFactory,
    PeriodFactory,
    PeriodTypeFactory,
    SchoolClassFactory,
    SetupWizardFactory,
    SubgroupFactory,
    SubgroupMembershipFactory,
    SubjectFactory,
    TarifficationFactory,
    TeachingAssignmentFactory,
)
from curriculum.models import Period
from documents.factories import IssuedDocumentFactory
from forum.rules import SCOPES as FORUM_SCOPES
from journal.factories import (
    AttendanceFactory,
    FinalMarkFactory,
    HomeworkFactory,
    HomeworkFileFactory,
    MarkFactory,
    TaskFactory,
)
from journal.models import Tally
from messaging.factories import AttachmentFactory, RecipientFactory
from messaging.rules import OWN_MAIL
from portal.access import (
    CHILDREN,
    CITY,
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    FAMILY_CLASS,
    INSTITUTION,
    INSTITUTION_AND_SHARED,
    LED_CLASS,
    OWN_LESSONS,
    REGISTRY,
    SELF,
    TAUGHT_CLASS,
    Role,
)
from records.factories import (
    ConsentFactory,
    DirectoryEntryFactory,
    GuardianshipFactory,
    InstitutionDocumentFactory,
    InstitutionFactory,
    ParentFactory,
    ParentFileFactory,
    PersonFactory,
    PupilCharacteristicFactory,
    PupilFactory,
    PupilFileFactory,
    PupilHealthFactory,
    RoleAssignmentFactory,
    StaffFactory,
    StaffFileFactory,
    UserFactory,
)
from reports.models import RegulationItem, VisitCount
from reports.rules import SHARED_WITH
from schedule.factories import (
    BellScheduleFactory,
    EventFactory,
    LessonFactory,
    RoomFactory,
    ThematicPlanFactory,
    TimetableChangeFactory,
    TimetableEntryFactory,
)
from stateforms.models import StatReport


class World:
    """Rows tagged with where they stand: institution, class, pupil, person."""

    def __init__(self, role):
        self.role = role
        self.rows = []  # (row, tags)
        self.courses = {}  # (pk, model) -> the row's course
        a, b = InstitutionFactory(), InstitutionFactory()
        self.a, self.b = a, b
        year_a, year_b = AcademicYearFactory(institution=a), AcademicYearFactory(institution=b)
        a1 = SchoolClassFactory(institution=a, academic_year=year_a, letter="А")
        a2 = SchoolClassFactory(institution=a, academic_year=year_a, letter="Б")
        b1 = SchoolClassFactory(institution=b, academic_year=year_b, letter="А")
        self.a1 = a1

        self.person = PersonFactory(user=UserFactory())
        self.user = self.person.user
        if role in DEPARTMENT_ROLES:
            self.add(RoleAssignmentFactory(person=self.person, role=role, institution=None),
                     None, None, None, self.person)
        elif role not in (Role.PUPIL, Role.PARENT):
            self.add(RoleAssignmentFactory(person=self.person, role=role, institution=a),
                     a, None, None, self.person)

        own_staff = None
        if role in (Role.CLASS_TEACHER, Role.EDIT_OWN_CLASS, Role.SUBJECT_TEACHER):
            own_staff = self.add(StaffFactory(institution=a, person=self.person),
                                 a, None, None, self.person)
        if role in (Role.CLASS_TEACHER, Role.EDIT_OWN_CLASS):
            a1.class_teacher = own_staff
            a1.save()
        other_staff_a = self.add(StaffFactory(institution=a), a, None, None, "other")
        other_staff_b = self.add(StaffFactory(institution=b), b, None, None, "other")
        for staff, institution in [(own_staff, a), (other_staff_a, a), (other_staff_b, b)]:
            if staff is not None:
                self.add(StaffFileFactory(record=staff), institution, None, None,
                         staff.person)
        for institution in (a, b):
            self.add(InstitutionDocumentFactory(institution=institution), institution, None,
                     None, None)

        for row, institution, school_class in [
            (year_a, a, None), (year_b, b, None), (a1, a, a1), (a2, a, a2), (b1, b, b1)
        ]:
            self.add(row, institution, school_class, None, None)
        subject_a = self.add(SubjectFactory(institution=a), a, None, None, None)
        subject_b = self.add(SubjectFactory(institution=b), b, None, None, None)
        teacher_a1 = own_staff if role == Role.SUBJECT_TEACHER else other_staff_a
        self.add(TeachingAssignmentFactory(institution=a, teacher=teacher_a1, school_class=a1,
                                           subject=subject_a),
                 a, a1, None, teacher_a1.person)
        self.add(TeachingAssignmentFactory(institution=a, teacher=other_staff_a, school_class=a2,
                                           subject=subject_a),
                 a, a2, None, other_staff_a.person)
        self.add(TeachingAssignmentFactory(institution=b, teacher=other_staff_b, school_class=b1,
                                           subject=subject_b),
                 b, b1, None, other_staff_b.person)

        pupil_person = self.person if role == Role.PUPIL else PersonFactory()
        pupil_a1 = PupilFactory(institution=a, school_class=a1, person=pupil_person)
        pupil_a2 = PupilFactory(institution=a, school_class=a2)
        pupil_b1 = PupilFactory(institution=b, school_class=b1)
        class_pupils = {a1: pupil_a1, a2: pupil_a2, b1: pupil_b1}
        for pupil, institution, school_class in [
            (pupil_a1, a, a1), (pupil_a2, a, a2), (pupil_b1, b, b1)
        ]:
            self.add(pupil, institution, school_class, pupil, pupil.person)
            self.add(PupilHealthFactory(pupil=pupil), institution, school_class, pupil, None)
            self.add(PupilCharacteristicFactory(pupil=pupil), institution, school_class, pupil,
                     None)
            self.add(PupilFileFactory(record=pupil), institution, school_class, pupil,
                     pupil.person)
            # R-DOC-1: a document issued about the pupil, in their class.
            self.add(IssuedDocumentFactory(institution=institution, pupil=pupil,
                                           school_class=school_class),
                     institution, school_class, pupil, None)
        for institution in (None, a, b):
            self.add(DirectoryEntryFactory(institution=institution), institution, None, None,
                     None)
        for pupil in (pupil_a1, pupil_b1):
            self.add(ConsentFactory(person=pupil.person, institution=pupil.institution),
                     pupil.institution, None, None, pupil.person)
        # People belong to the schools where they have a record.
        for person, institution in [(pupil_a2.person, a), (other_staff_b.person, b)]:
            self.add(person, institution, None, None, person)

        # The persona's child is pupil_a1 when the persona is a parent; the other
        # parent of that child is a third party all the same.
        parent_person = self.person if role == Role.PARENT else PersonFactory()
        for parent_of, person in [(pupil_a1, parent_person), (pupil_a1, PersonFactory()),
                                  (pupil_a2, PersonFactory()), (pupil_b1, PersonFactory())]:
            parent = ParentFactory(institution=parent_of.institution, person=person)
            GuardianshipFactory(parent=parent, pupil=parent_of)
            self.add(parent, parent_of.institution, parent_of.school_class, parent_of, person)
            self.add(ParentFileFactory(record=parent), parent_of.institution,
                     parent_of.school_class, parent_of, person)
        # Journal settings (R-INST-3): department-wide rows and each school's additions.
        for institution in (None, a, b):
            for factory in (PeriodTypeFactory, GradingScaleFactory, MarkTypeFactory,
                            HolidayFactory):
                self.add(factory(institution=institution), institution, None, None, None)
            # Grade 1 has no six-day limit among the seeded department rows.
            self.add(LoadLimitFactory(institution=institution, grade=1, week_days=6),
                     institution, None, None, None)
        # An item of the regulation (its migration loads them), the department's.
        self.add(RegulationItem.objects.order_by("pk").first(), None, None, None, None)
        # The school-owned curriculum rows and the setup wizard.
        for institution, year, subject in [(a, year_a, subject_a), (b, year_b, subject_b)]:
            self.add(InstitutionSettingsFactory(institution=institution), institution, None,
                     None, None)
            self.add(CurriculumProfileFactory(institution=institution), institution, None,
                     None, None)
            for factory in (PeriodFactory, GradePeriodTypeFactory):
                self.add(factory(institution=institution, academic_year=year), institution,
                         None, None, None)
            # The reports' own rows (R-DEP-4, R-INST-2): a school's visit counts and its
            # statistical form; the department's regulation items are city-wide.
            self.add(VisitCount.objects.create(day=year.starts_on, institution=institution,
                                               role=Role.SUBJECT_TEACHER, views=3),
                     institution, None, None, None)
            self.add(StatReport.objects.create(institution=institution, academic_year=year,
                                               as_of=year.starts_on),
                     institution, None, None, None)
            self.add(CurriculumLineFactory(institution=institution, academic_year=year,
                                           subject=subject), institution, None, None, None)
            self.add(SetupWizardFactory(institution=institution), institution, None, None, None)
        # Classes, subgroups and memberships with dates; the tariffication (R-CLS-1, R-CUR-3).
        for pupil, institution, school_class in [
            (pupil_a1, a, a1), (pupil_a2, a, a2), (pupil_b1, b, b1)
        ]:
            self.add(ClassMembershipFactory(institution=institution, pupil=pupil,
                                            school_class=school_class),
                     institution, school_class, pupil, pupil.person)
        subgroup_a1 = self.add(SubgroupFactory(school_class=a1, subject=subject_a), a, a1,
                               None, None)
        subgroup_b1 = self.add(SubgroupFactory(school_class=b1, subject=subject_b), b, b1,
                               None, None)
        for subgroup, pupil in [(subgroup_a1, pupil_a1), (subgroup_b1, pupil_b1)]:
            self.add(SubgroupMembershipFactory(subgroup=subgroup, pupil=pupil),
                     pupil.institution, pupil.school_class, pupil, pupil.person)
        for institution, year in [(a, year_a), (b, year_b)]:
            self.add(TarifficationFactory(academic_year=year), institution, None, None, None)
        # The timetable: rooms, lesson times, entries and their changes, lessons, events
        # of the school and of a class, thematic plans (R-SCH-1…4, R-KTP-1).
        for institution in (a, b):
            self.add(RoomFactory(institution=institution), institution, None, None, None)
            self.add(BellScheduleFactory(institution=institution), institution, None, None,
                     None)
            self.add(EventFactory(institution=institution), institution, None, None, None)
        for school_class, teacher, subject in [(a1, teacher_a1, subject_a),
                                               (a2, other_staff_a, subject_a),
                                               (b1, other_staff_b, subject_b)]:
            institution = school_class.institution
            entry = self.add(TimetableEntryFactory(school_class=school_class, teacher=teacher,
                                                   subject=subject),
                             institution, school_class, None, teacher.person,
                             teacher=teacher.person)
            self.add(TimetableChangeFactory(entry=entry), institution, school_class, None,
                     None)
            lesson = self.add(LessonFactory(school_class=school_class, teacher=teacher,
                                            subject=subject, entry=entry),
                              institution, school_class, None, teacher.person,
                              teacher=teacher.person)
            # The journal of the lesson (R-JRN-1…4): a work with a mark, attendance and
            # homework; the finals of the class's pupil.
            pupil = class_pupils[school_class]
            task = self.add(TaskFactory(lesson=lesson), institution, school_class, None, None,
                            teacher=teacher.person)
            self.add(MarkFactory(task=task, pupil=pupil), institution, school_class, pupil,
                     pupil.person, teacher=teacher.person)
            self.add(AttendanceFactory(lesson=lesson, pupil=pupil), institution, school_class,
                     pupil, pupil.person, teacher=teacher.person)
            homework = self.add(HomeworkFactory(lesson=lesson), institution, school_class,
                                None, None, teacher=teacher.person)
            self.add(HomeworkFileFactory(homework=homework), institution, school_class, None,
                     None, teacher=teacher.person)
            final = self.add(FinalMarkFactory(school_class=school_class, subject=subject,
                                              pupil=pupil),
                             institution, school_class, pupil, pupil.person)
            # The journal's tally of the pupil (R-REP-1): read as the class's counts.
            self.add(Tally.objects.create(
                institution=institution, pupil=pupil, school_class=school_class,
                subject=subject, period=final.period or Period.objects.filter(
                    academic_year=school_class.academic_year).first()),
                institution, school_class, pupil, pupil.person)
            self.add(EventFactory(institution=institution, school_class=school_class),
                     institution, school_class, None, None)
            self.add(ThematicPlanFactory(academic_year=school_class.academic_year,
                                         subject=subject, author=teacher,
                                         school_class=school_class),
                     institution, school_class, None, teacher.person)
        # A lesson of a2 given by two teachers (R-SCH-3, aSc's teacherids="a,b"): the
        # co-teacher (the persona, when a teacher) reads and fills its journal too.
        co_teacher = own_staff or self.add(StaffFactory(institution=a), a, None, None,
                                           "other")
        teachers = (other_staff_a.person, co_teacher.person)
        entry = self.add(TimetableEntryFactory(school_class=a2, teacher=other_staff_a,
                                               subject=subject_a, lesson_number=2),
                         a, a2, None, teachers, teacher=teachers)
        entry.co_teachers.add(co_teacher)
        lesson = self.add(LessonFactory(school_class=a2, teacher=other_staff_a,
                                        subject=subject_a, entry=entry, lesson_number=2),
                          a, a2, None, teachers, teacher=teachers)
        lesson.co_teachers.add(co_teacher)
        task = self.add(TaskFactory(lesson=lesson), a, a2, None, None, teacher=teachers)
        self.add(MarkFactory(task=task, pupil=pupil_a2), a, a2, pupil_a2, pupil_a2.person,
                 teacher=teachers)
        self.add(AttendanceFactory(lesson=lesson, pupil=pupil_a2), a, a2, pupil_a2,
                 pupil_a2.person, teacher=teachers)
        homework = self.add(HomeworkFactory(lesson=lesson), a, a2, None, None,
                            teacher=teachers)
        self.add(HomeworkFileFactory(homework=homework), a, a2, None, None, teacher=teachers)
        self.child = pupil_a1

        # Courses (R-MAT-1): of the taught subject in a1's grade, of another subject
        # (shared and not), one of the persona's own, and one in school B; each with a
        # section and a material read as the course is.
        self.taught = {(a.pk, subject_a.pk)} if role == Role.SUBJECT_TEACHER else set()
        self.family = {(a.pk, a1.grade, subject_a.pk)}
        subject_x = SubjectFactory(institution=a)
        for institution, subject, author, shared in [
            (a, subject_a, other_staff_a, False), (a, subject_x, other_staff_a, True),
            (a, subject_x, other_staff_a, False), (a, subject_x, own_staff, False),
            (b, subject_b, other_staff_b, False),
        ]:
            if author is None:
                continue
            course = CourseFactory(institution=institution, subject=subject, grade=a1.grade,
                                   author=author, shared=shared)
            section = CourseSectionFactory(course=course)
            for row in (course, section, CourseMaterialFactory(section=section)):
                self.add(row, institution, None, None, author.person)
                self.courses[row.pk, type(row)] = course

        # Mail (R-MAIL-1): the attachments of a message the persona sent, of one they
        # received, and of one between two others; read by the message's sender and
        # recipients only, whatever their role.
        sent = AttachmentFactory(message__sender=self.user)
        received = AttachmentFactory()
        RecipientFactory(message=received.message, user=self.user)
        others = AttachmentFactory()
        RecipientFactory(message=others.message)
        for row, own in ((sent, True), (received, True), (others, False)):
            self.add(row, None, None, None, None, mail=own)

    def add(self, row, institution, school_class, pupil, person, teacher=None, mail=False):
        self.rows.append((row, {"institution": institution, "class": school_class,
                                "pupil": pupil, "person": person, "teacher": teacher,
                                "mail": mail}))
        return row

    def is_persona(self, tag):
        """A person tag is one person, or a tuple of them (a lesson's teachers)."""
        return self.person in tag if isinstance(tag, tuple) else tag == self.person

    def expected(self, scope, model):
        """The rows of ``model`` that ``scope`` must reach for this persona."""
        rows = [(row, tags) for row, tags in self.rows if type(row) is model]
        if scope is None:
            return set()
        if scope in (CITY, CITY_LIMITED):
            return {row.pk for row, _ in rows}
        if scope is INSTITUTION:
            return {row.pk for row, t in rows if t["institution"] == self.a}
        if scope is INSTITUTION_AND_SHARED:
            return {row.pk for row, t in rows if t["institution"] in (self.a, None)}
        if scope in (LED_CLASS, TAUGHT_CLASS):
            return {row.pk for row, t in rows if t["class"] == self.a1}
        if scope is CHILDREN:
            return {row.pk for row, t in rows if t["pupil"] == self.child}
        if scope is SELF:
            return {row.pk for row, t in rows if self.is_persona(t["person"])}
        if scope is OWN_LESSONS:
            return {row.pk for row, t in rows if self.is_persona(t["teacher"])}
        if scope is FAMILY_CLASS:
            # The persona's own pupil record and the persona's child are both in a1.
            return {row.pk for row, t in rows if t["class"] == self.a1}
        if scope is AUDIENCE:
            # Announcements are read by their audience, not along a path of the row;
            # the world holds none (tests/announcements/test_audience.py checks it).
            return {row.pk for row, _ in rows}
        if scope in FORUM_SCOPES:
            # The forum's rows are read by their section's audience, not along a path of
            # the row; the world holds none (tests/forum/test_access.py checks them).
            return {row.pk for row, _ in rows}
        if scope is SHARED_WITH:
            # Saved reports are read by their audience, not along a path of the row; the
            # world holds none (tests/reports/test_builder.py checks the sharing).
            return {row.pk for row, _ in rows}
        if scope is TEACHER_COURSES:
            return {row.pk for row, _ in rows if self.teacher_reads(self.courses[row.pk, model])}
        if scope is OWN_MAIL:
            return {row.pk for row, t in rows if t["mail"]}
        if scope is FAMILY_COURSES:
            return {row.pk for row, _ in rows if (
                (c := self.courses[row.pk, model]).institution_id, c.grade, c.subject_id)
                in self.family}
        raise AssertionError(f"no expectation written for scope {scope.key}")

    def teacher_reads(self, course):
        return (course.author.person == self.person
                or (course.shared and course.institution_id == self.a.pk)
                or (course.institution_id, course.subject_id) in self.taught)


ROLES = list(Role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_cell_of_the_matrix(role):
    world = World(role)
    user = world.user
    failures = []
    for name, perm in sorted(REGISTRY.items()):
        scope = perm.cells.get(role)
        expected = world.expected(scope, perm.model)
        world_pks = {row.pk for row, _ in world.rows if type(row) is perm.model}
        visible = set(
            perm.model.objects.visible_to(user, name).filter(pk__in=world_pks)
            .values_list("pk", flat=True)
        )
        by_object = {
            row.pk for row, _ in world.rows
            if type(row) is perm.model and user.has_perm(name, row)
        }
        if visible != expected:
            failures.append(f"{name}: visible_to gave {visible}, expected {expected}")
        if by_object != expected:
            failures.append(f"{name}: has_perm(row) gave {by_object}, expected {expected}")
        # A fresh user object: the access context is cached per request.
        user = type(user).objects.get(pk=user.pk)
        if user.has_perm(name) != (scope is not None):
            failures.append(f"{name}: model-level has_perm is {not scope}")
    assert not failures, "\n".join(failures)


def test_key_cells_are_what_the_regulation_says():
    """A few cells that must never change by accident (R-PD-5, R-TEN-3, R-PPL-4)."""
    cells = {name: perm.cells for name, perm in REGISTRY.items()}
    assert cells["records.view_pupil"][Role.PARENT] is CHILDREN
    assert cells["records.view_pupil"][Role.PUPIL] is SELF
    assert cells["records.view_parent"][Role.PARENT] is SELF
    assert cells["records.view_pupil"][Role.SUBJECT_TEACHER] is TAUGHT_CLASS
    assert cells["records.view_pupil"][Role.CLASS_TEACHER] is LED_CLASS
    # R-PPL-4: medical details for the medical worker and the administrator only; the
    # characteristic for the psychologist and the social pedagogue only.
    assert set(cells["records.view_pupilhealth"]) == {Role.MEDIC, Role.ADMIN}
    assert set(cells["records.view_pupilcharacteristic"]) == {
        Role.PSYCHOLOGIST, Role.SOCIAL_PEDAGOGUE}
    assert cells["records.change_pupil_details"][Role.CLASS_TEACHER] is LED_CLASS
    assert Role.CLASS_TEACHER not in cells["records.change_pupil"]
    assert Role.SUBJECT_TEACHER not in cells["records.change_pupil_details"]
    for role in DEPARTMENT_ROLES:
        assert cells["records.view_pupil"][role] is CITY_LIMITED
        assert role not in cells["records.change_pupil"]
    # R-JRN-5: the department reads no child's marks; a family reads only its own.
    for name in ("journal.view_mark", "journal.view_attendance", "journal.view_finalmark",
                 "journal.view_journal"):
        assert not set(cells[name]) & DEPARTMENT_ROLES, name
    assert cells["journal.view_mark"][Role.PARENT] is CHILDREN
    assert cells["journal.view_mark"][Role.PUPIL] is SELF
    assert cells["journal.fill_journal"][Role.SUBJECT_TEACHER] is OWN_LESSONS
    assert Role.CLASS_TEACHER not in cells["journal.fill_journal"]
    for name, row in cells.items():
        if name.split(".")[1].split("_")[0] in ("add", "change", "delete"):
            assert Role.PARENT not in row and Role.PUPIL not in row, name


@pytest.mark.django_db
def test_a_person_can_teach_in_one_school_and_be_a_parent_in_another():
    teacher_world = World(Role.SUBJECT_TEACHER)
    school_c = InstitutionFactory()
    own_child = PupilFactory(institution=school_c)
    other_child = PupilFactory(institution=school_c)
    parent = ParentFactory(institution=school_c, person=teacher_world.person)
    GuardianshipFactory(parent=parent, pupil=own_child)
    user = type(teacher_world.user).objects.get(pk=teacher_world.user.pk)
    visible = set(
        PupilFactory._meta.model.objects.visible_to(user)
        .filter(institution=school_c).values_list("pk", flat=True)
    )
    assert visible == {own_child.pk}
    assert not user.has_perm("records.view_pupil", other_child)
    assert not user.has_perm("records.change_pupil", own_child)


@pytest.mark.django_db
def test_a_row_not_saved_yet_is_checked_along_a_path_through_its_co_teachers():
    """Lessons and timetable entries reach their teachers through ``co_teachers`` too:
    a row not saved yet has no co-teachers, and asking about it is no error."""
    staff = StaffFactory(person=PersonFactory(user=UserFactory()))
    RoleAssignmentFactory(person=staff.person, role=Role.SUBJECT_TEACHER,
                          institution=staff.institution)
    user = staff.person.user
    own = LessonFactory.build(institution=staff.institution, teacher=staff)
    other = LessonFactory.build(institution=staff.institution,
                                teacher=StaffFactory(institution=staff.institution))
    assert user.has_perm("schedule.change_lesson", own)
    assert not user.has_perm("schedule.change_lesson", other)

"""Who may set the password or the email of someone else's login (issue 10, item 5).

Personas: a person who teaches in school 1 and is a parent in school 2 (one login for
both); a parent who works at the school of their child; a parent with children in two
schools and no login yet; a superuser and a department user with children in a school.
School 2's list keepers issue and renew the logins of the child's class; school 2's
administrator suspends; the department administrator issues what a school may not.
"""

import ast
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from curriculum.models import SchoolClass
from portal.access import Role
from records.credentials import issue_logins
from records.factories import (
    GuardianshipFactory,
    ParentFactory,
    PersonFactory,
    PupilFactory,
    RoleAssignmentFactory,
    StaffFactory,
    UserFactory,
)
from records.logins import DEPARTMENT, SITE, can_manage_login, login_reach
from records.models import Institution, RoleAssignment, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's


def school(n):
    admin = User.objects.get(username=f"school{n}.admin")
    return RoleAssignment.objects.get(person__user=admin, role=Role.ADMIN).institution


def a_class_of(institution):
    return SchoolClass.objects.filter(institution=institution).order_by("grade", "letter")[0]


def parent_in(school_class, person):
    """``person`` becomes a parent of a new pupil of ``school_class``."""
    pupil = PupilFactory(institution=school_class.institution, school_class=school_class)
    parent = ParentFactory(institution=school_class.institution, person=person)
    GuardianshipFactory(parent=parent, pupil=pupil)
    return parent


@pytest.fixture
def teacher_in_1_parent_in_2():
    """The issue's persona: a subject teacher of school 1 whose child is in school 2."""
    person = PersonFactory(user=UserFactory())
    StaffFactory(institution=school(1), person=person)
    RoleAssignmentFactory(person=person, institution=school(1), role=Role.SUBJECT_TEACHER)
    school_class = a_class_of(school(2))
    parent_in(school_class, person)
    return person, school_class


def sheet_row(sheet, person):
    return next(row for row in sheet if row[0].person_id == person.pk)


def test_renewing_in_school_2_keeps_the_password_of_school_1s_teacher(
        client_for, teacher_in_1_parent_in_2):
    person, school_class = teacher_in_1_parent_in_2
    client = client_for("school2.admin")
    url = reverse("records_issue_credentials", args=[school_class.pk])
    response = client.post(url, {"renew": "1"})
    assert response.status_code == 200
    person.user.refresh_from_db()
    assert check_password(PASSWORD, person.user.password)
    assert not person.user.must_change_password
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(response.content)).pages)
    assert person.user.username not in text
    assert "уже есть учётная запись" in text  # «You already have a login … keep it»


def test_the_sheet_row_of_a_kept_login_holds_no_username_or_password(
        demo_user, teacher_in_1_parent_in_2):
    person, school_class = teacher_in_1_parent_in_2
    sheet = issue_logins(school_class, demo_user("school2.admin"), renew=True)
    record, username, password = sheet_row(sheet, person)
    assert (username, password) == (None, None)
    # The others of the class still get their new passwords.
    assert any(password for _, _, password in sheet)


def test_a_parent_who_works_in_the_same_school_keeps_their_login(demo_user):
    """Or the secretary's sheet would hold the password of the school's director."""
    director = demo_user("school2.admin").person
    school_class = a_class_of(school(2))
    parent_in(school_class, director)
    before = director.user.password
    sheet = issue_logins(school_class, demo_user("school2.admin"), renew=True)
    assert sheet_row(sheet, director)[1:] == (None, None)
    director.user.refresh_from_db()
    assert director.user.password == before


def test_a_parent_in_two_schools_gets_no_login_from_a_school_but_from_the_department(
        demo_user):
    person = PersonFactory()
    parent_in(a_class_of(school(1)), person)
    school_class = a_class_of(school(2))
    parent_in(school_class, person)
    sheet = issue_logins(school_class, demo_user("school2.admin"))
    assert sheet_row(sheet, person)[1:] == (None, None)
    person.refresh_from_db()
    assert person.user is None
    dept_admin = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=dept_admin, role=Role.DEPT_ADMIN, institution=None)
    sheet = issue_logins(school_class, dept_admin.user)
    record, username, password = sheet_row(sheet, person)
    assert username and password
    person.refresh_from_db()
    assert person.user.username == username


@pytest.mark.parametrize("power", ["is_superuser", "is_staff"])
def test_a_login_with_site_powers_is_kept_even_by_the_department(demo_user, power):
    person = PersonFactory(user=UserFactory(**{power: True}))
    school_class = a_class_of(school(2))
    parent_in(school_class, person)
    dept_admin = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=dept_admin, role=Role.DEPT_ADMIN, institution=None)
    for issuer in (demo_user("school2.admin"), dept_admin.user):
        sheet = issue_logins(school_class, issuer, renew=True)
        assert sheet_row(sheet, person)[1:] == (None, None)
    person.user.refresh_from_db()
    assert check_password(PASSWORD, person.user.password)
    # A superuser may: they act for the whole site.
    sheet = issue_logins(school_class, demo_user("admin"), renew=True)
    assert sheet_row(sheet, person)[2]


def test_the_reach_of_a_login_counts_every_role_and_record(teacher_in_1_parent_in_2):
    person, school_class = teacher_in_1_parent_in_2
    assert login_reach([person])[person.pk] == {school(1).pk, school(2).pk}
    RoleAssignmentFactory(person=person, role=Role.CHIEF_SPECIALIST, institution=None)
    other = Institution.objects.exclude(pk__in=[school(1).pk, school(2).pk]).first() \
        or school(1)
    PupilFactory(institution=other, person=person)
    person.user.groups.create(name="Editors of the news")
    assert login_reach([person])[person.pk] == {
        school(1).pk, school(2).pk, other.pk, DEPARTMENT, SITE}


def test_a_role_of_a_later_date_counts_too(demo_user):
    person = PersonFactory(user=UserFactory())
    school_class = a_class_of(school(2))
    parent_in(school_class, person)
    assert can_manage_login(demo_user("school2.admin"), person, "records.issue_credentials")
    RoleAssignmentFactory(person=person, institution=school(1), role=Role.DIRECTOR,
                          valid_from="2100-01-01")
    assert not can_manage_login(demo_user("school2.admin"), person,
                                "records.issue_credentials")


def test_school_2_may_not_suspend_or_restore_school_1s_teacher(
        client_for, teacher_in_1_parent_in_2):
    person, _ = teacher_in_1_parent_in_2
    admin = client_for("school2.admin")
    url = reverse("records_access", args=[person.pk])
    page = admin.get(url)
    assert page.status_code == 200
    assert not page.context["manageable"]
    # Wagtail's admin answers a refusal with a redirect and a message.
    assert admin.post(url, {"reason": "Грубость"}).status_code in (302, 403)
    person.user.refresh_from_db()
    assert person.user.is_active
    # Suspended by the department administrator, it is not restored by school 2 either.
    dept_admin = PersonFactory(user=UserFactory())
    RoleAssignmentFactory(person=dept_admin, role=Role.DEPT_ADMIN, institution=None)
    department = Client()
    department.force_login(dept_admin.user)
    department.post(url, {"reason": "Грубость"})
    person.user.refresh_from_db()
    assert not person.user.is_active
    assert admin.post(url).status_code in (302, 403)
    person.user.refresh_from_db()
    assert not person.user.is_active


# The walking test ------------------------------------------------------------------------

# Every function of the project that writes a password or an email of a login, with why
# it may. "checked": it asks can_manage_login for the login of someone else.
CREDENTIAL_WRITERS = {
    "records/credentials.py:issue_logins": "checked",
    # The department's own staff (R-DEP-3), kept by the department administrator.
    "records/department.py:_login": "checked",
    "records/department.py:new_password": "checked",
    # Not a login's: the contact email of a staff or parent record of the demo city.
    "portal/demo/details.py:Details.staff": "record email",
    "portal/demo/details.py:Details.parent": "record email",
    # The demo city's own logins, made by the seeder from scratch.
    "portal/demo/city.py:CityBuilder.__init__": "demo",
    "portal/demo/city.py:CityBuilder.login": "demo",
    # Test users of the factories.
    "records/factories.py:UserFactory": "factory",
}
PASSWORD_CALLS = {"set_password", "set_unusable_password", "make_password", "create_user",
                  "create_superuser"}
LOGIN_FIELDS = {"password", "email"}


def project_sources():
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "bench", "scripts"} or \
                "migrations" in relative.parts:
            continue
        yield relative.as_posix(), ast.parse(path.read_text(), str(path))


def writes_credentials(node):
    """Does this piece of code write a password or an email?"""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name in PASSWORD_CALLS:
                return True
            if name in {"create", "update", "update_or_create", "get_or_create",
                        "bulk_update"} and any(k.arg in LOGIN_FIELDS for k in sub.keywords):
                return True
            if name == "bulk_update" and any(
                    isinstance(c, ast.Constant) and c.value in LOGIN_FIELDS
                    for a in sub.args for c in ast.walk(a)):
                return True
        targets = []
        if isinstance(sub, ast.Assign):
            targets = sub.targets
        elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)):
            targets = [sub.target]
        if any(isinstance(t, ast.Attribute) and t.attr in LOGIN_FIELDS for t in targets):
            return True
        if isinstance(sub, ast.Constant) and sub.value in PASSWORD_CALLS:
            return True  # getattr(user, "set_password"), factory.PostGenerationMethodCall
    return False


def outermost_writers(path, tree):
    """{"path:Class.function": node} of the outermost functions or classes that write."""
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if isinstance(child, ast.ClassDef) and writes_credentials(child) and \
                        f"{path}:{name}" in CREDENTIAL_WRITERS:
                    found[f"{path}:{name}"] = child
                elif isinstance(child, ast.ClassDef):
                    visit(child, f"{name}.")
                elif writes_credentials(child):
                    found[f"{path}:{name}"] = child
            elif writes_credentials(child):
                found[f"{path}:<module>"] = child

    visit(tree, "")
    return found


def test_every_write_of_a_password_or_an_email_is_a_known_one():
    """A new path that sets someone's password or email must ask can_manage_login (or
    say here why it need not): e.g. an import that copies a parent's email into the
    login would give the school the password reset link of a login it may not manage."""
    writers = {}
    for path, tree in project_sources():
        writers.update(outermost_writers(path, tree))
    unknown = sorted(set(writers) - set(CREDENTIAL_WRITERS))
    assert not unknown, f"writes a password or an email, add a check: {unknown}"
    stale = sorted(set(CREDENTIAL_WRITERS) - set(writers))
    assert not stale, f"no longer writes credentials, drop from the list: {stale}"
    for name, why in CREDENTIAL_WRITERS.items():
        if why == "checked":
            calls = {getattr(n.func, "id", getattr(n.func, "attr", None))
                     for n in ast.walk(writers[name]) if isinstance(n, ast.Call)}
            assert calls & {"can_manage_login", "issuable"}, name


def test_the_walk_sees_a_write_of_a_login_email():
    tree = ast.parse(
        "def import_parents(rows):\n"
        "    for row in rows:\n"
        "        row.person.user.email = row.email\n"
        "def reset(user):\n"
        "    User.objects.filter(pk=user.pk).update(password=make_password('x'))\n"
        "def fine(record):\n"
        "    return record.email\n")
    assert set(outermost_writers("x.py", tree)) == {"x.py:import_parents", "x.py:reset"}

"""The department's own staff and their rights (R-DEP-3): the department administrator
adds a member with roles and a login, changes the roles (the history stays) and issues a
new password; nobody else may; the new member reads what their role gives."""

import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.access import Role, access, today
from records import department
from records.models import Person, RoleAssignment, User

pytestmark = pytest.mark.django_db

STAFF = reverse("records_department_staff")


def add(client, **data):
    data = {"surname": "Светлова", "name": "Анна", "patronymic": "Игоревна",
            "email": "svetlova@example.ru", "roles": [Role.CHIEF_SPECIALIST], **data}
    return client.post(STAFF, data)


def test_the_department_administrator_adds_a_member_with_a_login(client_for, client):
    response = add(client_for("dept.admin"))
    assert response.status_code == 200
    issued = response.context["issued"]
    person = Person.objects.get(surname="Светлова", name="Анна")
    assert issued["username"] == person.user.username == "svetlova.anna"
    assert issued["password"] in response.content.decode()
    assert check_password(issued["password"], person.user.password)
    assert person.user.must_change_password and person.user.email == "svetlova@example.ru"
    assert department.current_roles(person) == {Role.CHIEF_SPECIALIST}
    # The new member signs in and reads what a chief specialist reads: the city reports.
    client.logout()
    assert client.login(username=issued["username"], password=issued["password"])
    user = User.objects.get(pk=person.user.pk)
    assert access(user).department_roles == {Role.CHIEF_SPECIALIST}
    assert user.has_perm("reports.view_progress")
    assert not user.has_perm(department.MANAGE)


def test_the_list_shows_the_members_with_their_roles(client_for):
    body = client_for("dept.admin").get(STAFF).content.decode()
    for person in department.members()[:5]:
        assert str(person) in body


@pytest.mark.parametrize("username", ["dept", "school1.admin", "school1.director", "city.editor",
                                      "school1.teacher"])
def test_nobody_but_the_department_administrator_keeps_the_departments_staff(
        client_for, username):
    client = client_for(username)
    person = department.members().first()
    before = Person.objects.count()
    for url in (STAFF, reverse("records_department_member", args=[person.pk])):
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {"surname": "Х", "name": "У", "roles": ["dept_admin"],
                                 "new_password": "1"}).status_code in (302, 403)
    assert Person.objects.count() == before


@pytest.mark.parametrize("data, field", [
    ({"surname": ""}, "surname"),
    ({"roles": []}, "roles"),
    ({"roles": [Role.ADMIN]}, "roles"),
    ({"email": "not an address"}, "email"),
    ({"surname": "Я" * 101}, "surname"),
])
def test_bad_input_gets_a_message_and_adds_nobody(client_for, data, field):
    before = Person.objects.count(), User.objects.count()
    response = add(client_for("dept.admin"), **data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert (Person.objects.count(), User.objects.count()) == before


def test_roles_change_from_today_and_their_history_stays(client_for, demo_user):
    dept = demo_user("dept.admin")
    person, _username, _password = department.add_member(
        dept, surname="Ким", name="Олег", roles=[Role.CHIEF_SPECIALIST])
    # A role held since last month ends yesterday; one given today and taken away goes.
    RoleAssignment.objects.filter(person=person).update(
        valid_from=today() - datetime.timedelta(days=30))
    client = client_for("dept.admin")
    url = reverse("records_department_member", args=[person.pk])
    response = client.post(url, {"roles_form": "1", "roles": [Role.DEPUTY_HEAD]})
    assert response.status_code == 302
    assert department.current_roles(person) == {Role.DEPUTY_HEAD}
    ended = RoleAssignment.objects.get(person=person, role=Role.CHIEF_SPECIALIST)
    assert ended.valid_to == today() - datetime.timedelta(days=1)
    client.post(url, {"roles_form": "1", "roles": [Role.CHIEF_ACCOUNTANT]})
    assert not RoleAssignment.objects.filter(person=person, role=Role.DEPUTY_HEAD).exists()
    assert department.current_roles(person) == {Role.CHIEF_ACCOUNTANT}
    response = client.post(url, {"roles_form": "1", "roles": []})
    assert response.status_code == 200 and response.context["form"].errors
    assert department.current_roles(person) == {Role.CHIEF_ACCOUNTANT}
    assert ModelLogEntry.objects.filter(content_type__model="roleassignment",
                                        object_id=str(ended.pk), action="wagtail.edit").exists()


def test_a_new_password_is_shown_once_and_must_be_changed(client_for, demo_user):
    person, _username, first = department.add_member(
        demo_user("dept.admin"), surname="Лебедев", name="Ян", roles=[Role.DEPUTY_HEAD])
    response = client_for("dept.admin").post(
        reverse("records_department_member", args=[person.pk]), {"new_password": "1"})
    password = response.context["issued"]["password"]
    person.user.refresh_from_db()
    assert password != first and check_password(password, person.user.password)
    assert person.user.must_change_password


def test_a_login_with_site_powers_is_a_superusers_to_change(client_for, demo_user):
    person, _username, _password = department.add_member(
        demo_user("dept.admin"), surname="Орлова", name="Ника", roles=[Role.DEPUTY_HEAD])
    User.objects.filter(pk=person.user_id).update(is_superuser=True)
    before = User.objects.get(pk=person.user_id).password
    response = client_for("dept.admin").post(
        reverse("records_department_member", args=[person.pk]), {"new_password": "1"})
    # The admin answers a refusal with its home page and a message.
    assert response.status_code in (302, 403)
    assert User.objects.get(pk=person.user_id).password == before


def test_a_huge_or_unknown_id_is_404(client_for):
    client = client_for("dept.admin")
    for pk in (2 ** 31, 2 ** 63):
        assert client.get(f"/admin/records/department/{pk}/").status_code == 404

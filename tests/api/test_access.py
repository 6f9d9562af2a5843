"""Who reads what through the API: each endpoint as the portal's pages decide it.

- no key, an unknown or a revoked key, an inactive user: 401; a session cookie never
  authenticates (the API takes the bearer header only, so it needs no CSRF token);
- a key without the endpoint's scope: 403;
- another family's child, another school's lesson, an id of nobody: 404, the same
  answer, so the API never confirms that a row exists;
- huge, negative and garbage ids and dates: 404 or 422, never 500."""

import pytest
from django.test import Client
from wagtail.models import APIToken

from journal.models import Task
from records.models import Pupil, User
from schedule.models import Lesson

pytestmark = pytest.mark.django_db

PUPIL_ENDPOINTS = ["diary/week", "diary/period", "homework", "timetable/week"]
SCOPE_OF = {"diary/week": "diary:read", "diary/period": "diary:read",
            "homework": "homework:read", "timetable/week": "timetable:read"}


def child_of(username):
    return Pupil.objects.filter(guardianships__parent__person__user__username=username) \
        .order_by("pk").first()


def other_family_pupils():
    """A pupil of the same school with another family, and one of the other school."""
    own = set(Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent")
        .values_list("pk", flat=True))
    same_school = Pupil.objects.filter(institution__short_name="СОШ № 1").exclude(
        pk__in=own).order_by("pk").first()
    return [same_school, child_of("school2.parent")]


def test_the_parent_reads_each_childs_diary_week_period_homework_and_timetable(
        key_for, api_client):
    client = api_client(key_for("school1.parent"))
    pupils = client.get("/api/v1/pupils").json()
    expected = set(Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent",
        left_on__isnull=True).values_list("pk", flat=True))
    assert {pupil["id"] for pupil in pupils} == expected and len(expected) == 2
    for pupil in pupils:
        for endpoint in PUPIL_ENDPOINTS:
            response = client.get(f"/api/v1/pupils/{pupil['id']}/{endpoint}")
            assert response.status_code == 200, (endpoint, response.content)
            assert response.json().get("pupil", {"id": pupil["id"]})["id"] == pupil["id"]


@pytest.mark.parametrize("endpoint", PUPIL_ENDPOINTS)
def test_another_familys_child_is_not_found(key_for, api_client, endpoint):
    client = api_client(key_for("school1.parent"))
    for pupil in other_family_pupils():
        response = client.get(f"/api/v1/pupils/{pupil.pk}/{endpoint}")
        assert response.status_code == 404, (pupil, response.content)
        assert response.json() == {"detail": "Не найдено."}
    # The same answer for an id of nobody.
    assert client.get(f"/api/v1/pupils/{2 ** 62}/{endpoint}").status_code == 404


def test_a_pupil_reads_only_their_own_diary(key_for, api_client):
    client = api_client(key_for("school1.pupil"))
    own = Pupil.objects.get(person__user__username="school1.pupil")
    assert [pupil["id"] for pupil in client.get("/api/v1/pupils").json()] == [own.pk]
    assert client.get(f"/api/v1/pupils/{own.pk}/diary/week").status_code == 200
    sibling = child_of("school1.parent") if child_of("school1.parent") != own else None
    sibling = sibling or Pupil.objects.filter(
        guardianships__parent__person__user__username="school1.parent").exclude(
        pk=own.pk).first()
    assert client.get(f"/api/v1/pupils/{sibling.pk}/diary/week").status_code == 404


def test_staff_and_the_department_read_no_childs_diary(key_for, api_client):
    pupil = child_of("school1.parent")
    for username in ("school1.teacher", "school1.admin", "dept"):
        client = api_client(key_for(username, ["announcements:read"]))
        assert client.get("/api/v1/pupils").json() == []
        # Even with the scope forced onto the key, the pupil is not theirs.
        forced = api_client(forced_key(username, ["diary:read", "homework:read"]))
        for endpoint in ("diary/week", "diary/period", "homework"):
            assert forced.get(f"/api/v1/pupils/{pupil.pk}/{endpoint}").status_code == 404


def forced_key(username, scopes):
    """A key whose scopes were written past the offer (as a tampered row would be)."""
    from api.models import TokenScopes

    token, plaintext = APIToken.create_token(user=User.objects.get(username=username),
                                             name="forced")
    TokenScopes.objects.create(token=token, scopes=scopes)
    return plaintext


def test_the_department_gets_announcements_and_no_rows_of_people(key_for, api_client):
    client = api_client(key_for("dept"))
    me = client.get("/api/v1/me").json()
    assert me["pupils"] == []
    assert client.get("/api/v1/announcements").status_code == 200
    assert client.get("/api/v1/timetable/week").status_code in (403, 404)


def test_a_key_without_the_scope_is_refused(key_for, api_client):
    pupil = child_of("school1.parent")
    client = api_client(key_for("school1.parent", ["announcements:read"]))
    for endpoint, scope in SCOPE_OF.items():
        response = client.get(f"/api/v1/pupils/{pupil.pk}/{endpoint}")
        assert response.status_code == 403, endpoint
        assert scope in response.json()["detail"]
    teacher = api_client(key_for("school1.teacher", ["timetable:read"]))
    assert teacher.get("/api/v1/journal/lessons").status_code == 403
    response = teacher.post("/api/v1/journal/marks", {}, content_type="application/json")
    assert response.status_code == 403
    # The account's own endpoints take any key.
    assert client.get("/api/v1/me").status_code == 200


def test_no_key_a_wrong_one_or_a_revoked_one_is_401(key_for, api_client):
    pupil = child_of("school1.parent")
    url = f"/api/v1/pupils/{pupil.pk}/diary/week"
    key = key_for("school1.parent")
    assert api_client(key).get(url).status_code == 200
    for client in (api_client(), api_client("wagtail_" + "x" * 33), api_client("x" * 5000),
                   Client(headers={"Authorization": f"Token {key}"}),
                   Client(headers={"Authorization": "Bearer"})):
        response = client.get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in response.json()["detail"]
    token = APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(key))
    token.revoke()
    assert api_client(key).get(url).status_code == 401
    assert api_client(key).get("/api/v1/me").status_code == 401


def test_an_inactive_users_key_is_401(key_for, api_client, demo_user):
    key = key_for("school1.parent")
    User.objects.filter(username="school1.parent").update(is_active=False)
    assert api_client(key).get("/api/v1/me").status_code == 401


def test_a_session_cookie_does_not_authenticate_the_api(client_for):
    client = client_for("school1.parent")
    client.raise_request_exception = True
    pupil = child_of("school1.parent")
    for url in ("/api/v1/me", "/api/v1/pupils", f"/api/v1/pupils/{pupil.pk}/diary/week"):
        assert client.get(url).status_code == 401
    teacher = client_for("school1.teacher")
    response = teacher.post("/api/v1/journal/marks", {"work": 1, "pupil": 1, "version": 0},
                            content_type="application/json")
    assert response.status_code == 401


def test_a_key_of_one_user_with_another_session_reads_as_the_keys_user(
        client_for, key_for):
    """The key decides, not the session sent along with it."""
    key = key_for("school2.parent")
    client = client_for("school1.parent")
    pupil = child_of("school1.parent")
    response = client.get(f"/api/v1/pupils/{pupil.pk}/diary/week",
                          headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).json()[
        "username"] == "school2.parent"


BAD_IDS = ["9223372036854775808", "99999999999999999999", "-1", "0", "x", "1.5"]


def test_huge_negative_and_garbage_ids_and_dates_never_fail(key_for, api_client):
    parent = api_client(key_for("school1.parent"))
    teacher = api_client(key_for("school1.teacher"))
    pupil = child_of("school1.parent")
    for value in BAD_IDS:
        for endpoint in PUPIL_ENDPOINTS:
            assert parent.get(f"/api/v1/pupils/{value}/{endpoint}").status_code == 404
        assert teacher.get(f"/api/v1/journal/lessons/{value}").status_code == 404
        response = parent.get(f"/api/v1/pupils/{pupil.pk}/diary/period?period={value}")
        assert response.status_code == 422, value
        for body in ({"work": value, "pupil": 1, "version": 0},
                     {"work": 1, "pupil": value, "version": 0},
                     {"work": 1, "pupil": 1, "version": value}):
            response = teacher.post("/api/v1/journal/marks", body,
                                    content_type="application/json")
            assert response.status_code in (404, 422), (body, response.content)
        response = teacher.post("/api/v1/journal/attendance",
                                {"lesson": value, "pupil": 1, "version": 0},
                                content_type="application/json")
        assert response.status_code in (404, 422), value
    for day in ("9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2026-02-30", "x"):
        for endpoint in ("diary/week", "homework", "timetable/week"):
            response = parent.get(f"/api/v1/pupils/{pupil.pk}/{endpoint}?date={day}")
            assert response.status_code == 422, (endpoint, day)
        assert teacher.get(f"/api/v1/journal/lessons?date={day}").status_code == 422
        assert teacher.get(f"/api/v1/timetable/week?date={day}").status_code == 422
    for query in ("limit=0", "limit=101", "offset=-1", "limit=x", "offset=99999999999"):
        assert parent.get(f"/api/v1/announcements?{query}").status_code == 422, query
    # Bodies that are not JSON objects.
    for body in ("", "[]", "null", "{", '{"work": {}}', "x" * 10000):
        response = teacher.post("/api/v1/journal/marks", body, content_type="application/json")
        assert response.status_code in (400, 422), body[:20]
    # An address the API does not have: JSON 404.
    response = parent.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.json() == {"detail": "Не найдено."}


def test_the_teacher_reads_their_own_journal_lessons_only(key_for, api_client):
    client = api_client(key_for("school1.teacher"))
    lessons = client.get("/api/v1/journal/lessons").json()
    assert lessons and all(lesson["may_fill"] for lesson in lessons)
    detail = client.get(f"/api/v1/journal/lessons/{lessons[0]['id']}").json()
    assert detail["pupils"] and detail["id"] == lessons[0]["id"]
    other_school = Lesson.objects.filter(institution__short_name="СОШ № 2").first()
    assert client.get(f"/api/v1/journal/lessons/{other_school.pk}").status_code == 404
    # A work of another school's lesson: 404, as the grid's save answers.
    task = Task.objects.filter(lesson__institution__short_name="СОШ № 2").first()
    response = client.post("/api/v1/journal/marks", {
        "work": task.pk, "pupil": 1, "value": "5", "version": 0},
        content_type="application/json")
    assert response.status_code == 404

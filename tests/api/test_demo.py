"""The README's API lines, as a new user tries them with the demo city's keys: the
parent's key reads the child's diary week as JSON, another family's child is 404, the
teacher's key saves a mark and gets a conflict on a stale version."""

import pytest
from wagtail.models import APIToken

from api.demo import KEYS, demo_key
from records.models import Pupil
from tests.dates import TEST_CITY

pytestmark = pytest.mark.django_db

SEED = int(TEST_CITY[TEST_CITY.index("--seed") + 1])


def test_the_demo_keys_are_the_documented_ones(api_client):
    assert SEED == 1  # `make demo` builds the city of seed 1, as the tests do
    assert demo_key(1, "school1.parent") == "wagtail_6Iap0gXtDZDQdXL8cHsqnssUSs51cU2VA"
    assert demo_key(1, "school1.teacher") == "wagtail_IbOEuMCQOJ2RQNbuU15R4wyjJC71AIDh8"
    for username, name, scopes in KEYS:
        key = demo_key(SEED, username)
        assert APIToken.validate_token_format(key)
        token = APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(key))
        assert (token.user.username, token.name, token.portal_scopes.scopes) == (
            username, name, scopes)
        me = api_client(key).get("/api/v1/me").json()
        assert me["username"] == username and sorted(me["token"]["scopes"]) == sorted(scopes)


def test_the_readme_lines(api_client, clear_rate_limits):
    parent = api_client(demo_key(SEED, "school1.parent"))
    child = Pupil.objects.get(person__user__username="school1.pupil")
    week = parent.get(f"/api/v1/pupils/{child.pk}/diary/week")
    assert week.status_code == 200 and week["Content-Type"].startswith("application/json")
    assert week.json()["pupil"]["school_class"] == "5А"
    assert "no-store" in week["Cache-Control"]
    assert any(lesson["marks"] for day in week.json()["days"] for lesson in day["lessons"])
    other = Pupil.objects.get(person__user__username="school2.pupil")
    assert parent.get(f"/api/v1/pupils/{other.pk}/diary/week").status_code == 404

    teacher = api_client(demo_key(SEED, "school1.teacher"))
    lesson = next(row for row in teacher.get("/api/v1/journal/lessons").json()
                  if row["may_fill"] and not row["cancelled"])
    detail = teacher.get(f"/api/v1/journal/lessons/{lesson['id']}").json()
    work = teacher.post(f"/api/v1/journal/lessons/{lesson['id']}/works",
                        {"work_type": detail["work_types"][0]["id"]},
                        content_type="application/json").json()["work"]["id"]
    body = {"work": work, "pupil": detail["pupils"][0]["id"], "value": "5", "version": 0}
    saved = teacher.post("/api/v1/journal/marks", body, content_type="application/json")
    assert saved.status_code == 200
    stale = teacher.post("/api/v1/journal/marks", {**body, "value": "4"},
                         content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"] == saved.json()["cell"]

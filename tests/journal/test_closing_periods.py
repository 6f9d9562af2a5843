"""R-JRN-4: the deputy director closes a period — with finals missing only after
confirming — and reopens it; others may not; the page lists what is missing."""

import pytest
from django.conf import settings
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from curriculum.models import Period, SchoolClass
from journal import finals
from journal.models import FinalKind, FinalMark
from records.models import Institution

pytestmark = pytest.mark.django_db

URL = "/admin/journal/periods/"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def first_quarter(n=1):
    school_class = SchoolClass.objects.get(academic_year__is_current=True,
                                           institution__short_name=f"СОШ № {n}", grade=5,
                                           letter="А")
    return Period.objects.for_class(school_class).get(number=1), school_class


def reopened(period):
    Period.objects.filter(pk=period.pk).update(closed_at=None, closed_by=None)
    period.refresh_from_db()
    return period


def test_the_page_lists_the_years_periods_with_the_finals_missing(client_for):
    period, _ = first_quarter()
    period = reopened(period)
    response = client_for("school1.deputy").get(URL, {"year": period.academic_year_id})
    assert response.status_code == 200
    page = response.content.decode()
    missing = sum(row.count for row in finals.missing_finals(period))
    assert f'data-period="{period.pk}" data-missing="{missing}"' in page


def test_closing_with_finals_missing_asks_for_confirmation_then_closes(client_for):
    period, school_class = first_quarter()
    period = reopened(period)
    FinalMark.objects.filter(period=period, school_class=school_class).delete()
    client = client_for("school1.deputy")
    response = client.post(URL, {"year": period.academic_year_id, "period": period.pk,
                                 "action": "close"})
    assert response.status_code == 200 and b"data-confirm-close" in response.content
    period.refresh_from_db()
    assert not period.is_closed
    response = client.post(URL, {"year": period.academic_year_id, "period": period.pk,
                                 "action": "close", "confirm": "1"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.is_closed and period.closed_by.username == "school1.deputy"
    assert ModelLogEntry.objects.for_instance(period).filter(
        action="journal.period_closed").exists()
    # Reopening.
    client.post(URL, {"year": period.academic_year_id, "period": period.pk,
                      "action": "reopen"})
    period.refresh_from_db()
    assert not period.is_closed


def test_a_period_with_every_final_closes_at_once():
    period, _ = first_quarter()
    period = reopened(period)
    for row in finals.missing_finals(period):
        FinalMark.objects.bulk_create([
            FinalMark(institution_id=period.institution_id,
                      academic_year_id=period.academic_year_id,
                      school_class=row.school_class, subject_id=subject, pupil_id=pupil,
                      kind=FinalKind.PERIOD, period=period, value="4")
            for pupil, subject in row.pairs])
    from records.models import User

    assert finals.close_period(User.objects.get(username="school1.deputy"), period) == 0
    period.refresh_from_db()
    assert period.is_closed


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.secretary", "school2.admin"])
def test_others_may_not_close_a_period(client_for, username):
    period, _ = first_quarter()
    period = reopened(period)
    response = client_for(username).post(URL, {"year": period.academic_year_id,
                                               "period": period.pk, "action": "close",
                                               "confirm": "1"})
    assert response.status_code in (403, 404)
    period.refresh_from_db()
    assert not period.is_closed


@pytest.mark.parametrize("username", ["school1.pupil", "school1.parent"])
def test_families_get_403_in_the_admin(client_for, username):
    assert client_for(username).get(URL).status_code == 403


def test_bad_input_is_not_a_500(client_for):
    client = client_for("school1.deputy")
    assert client.get(URL, {"year": "x"}).status_code == 404
    assert client.post(URL, {"period": "x", "action": "close"}).status_code == 404
    assert client.post(URL, {"period": "1", "action": "explode"}).status_code == 404
    other, _ = first_quarter(2)
    assert client.post(URL, {"year": other.academic_year_id, "period": other.pk,
                             "action": "close"}).status_code == 404


def test_the_menu_offers_the_page_to_the_deputy_only(client_for):
    assert URL.encode() in client_for("school1.deputy").get("/admin/").content
    assert URL.encode() not in client_for("school1.teacher").get("/admin/").content


def test_missing_finals_count_pupils_and_subjects_of_the_period():
    period, school_class = first_quarter()
    rows = {row.school_class.pk: row for row in finals.missing_finals(period)}
    row = rows[school_class.pk]
    assert row.expected > 20  # 25 pupils, many subjects
    assert Institution.objects.get(pk=period.institution_id).short_name == "СОШ № 1"
    assert period.ends_on < timezone.localdate()

"""Query budgets: the portfolio page and a school's achievements page cost the same
number of queries whatever the number of achievements."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import Achievement, AchievementFile, Level
from records.factories import PDF

pytestmark = pytest.mark.django_db


def add(portfolio, count, public):
    rows = Achievement.objects.bulk_create([
        Achievement(portfolio=portfolio, title=f"Конкурс {n}", level=Level.SCHOOL,
                    date=datetime.date(2026, 10, 1), public=public) for n in range(count)])
    for row in rows:
        proof = AchievementFile(achievement=row)
        proof.file.save("proof.pdf", ContentFile(PDF), save=True)


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("username", ["school1.parent", "school1.classteacher", "dept"])
def test_the_portfolio_page(client_for, own, username, django_assert_max_num_queries):
    client = client_for(username)
    url = reverse("portfolio:detail", args=[own.pk])
    client.get(url)
    before = queries(client, url)
    add(own, 6, public=False)
    with django_assert_max_num_queries(before):
        client.get(url)
    assert before <= 16


def test_the_schools_achievements_page(client, own, django_assert_max_num_queries):
    url = reverse("portfolio:school_achievements", args=[own.institution_id])
    before = queries(client, url)
    add(own, 25, public=True)
    with django_assert_max_num_queries(before):
        assert client.get(url + "?page=2").status_code == 200
    assert before <= 8

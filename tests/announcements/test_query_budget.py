"""Query budgets of the public pages (issue 13): the home page, a school page and a
news index cost the same number of queries however many announcements there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from announcements.audience import Audience

pytestmark = pytest.mark.django_db

BUDGET = {"home": 14, "school": 16, "index": 14}


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", [None, "school1.parent", "school1.teacher"])
def test_the_pages_cost_the_same_with_more_announcements(client, client_for, publish, news1,
                                                         class_5a, who,
                                                         django_assert_max_num_queries):
    if who:
        client = client_for(who)
    school = news1.get_parent()
    urls = {"home": "/", "school": school.url, "index": news1.url}
    for url in urls.values():  # warm the per-process caches (the site root, content types)
        count(client, url)
    before = {name: count(client, url) for name, url in urls.items()}
    for n in range(8):
        publish(f"Ещё {n}", audience=[Audience.PUBLIC, Audience.SCHOOL,
                                      Audience.CLASS_PARENTS][n % 3],
                school_class=class_5a if n % 3 == 2 else None)
    after = {name: count(client, url) for name, url in urls.items()}
    assert after == before
    for name, url in urls.items():
        with django_assert_max_num_queries(BUDGET[name]):
            client.get(url)

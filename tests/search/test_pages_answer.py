"""No 500 on the search's, the register's and the catalog's pages for any demo account
or a visitor (the foundation's crawl, tests/portal/test_no_leaks.py, for issue 13's
pages): each answers 200, 302 to the login, 403 or 404."""

import pytest
from django.urls import reverse

from documents.models import Document
from links.models import Link
from portal.demo.city import DEMO_ACCOUNTS
from records.models import Institution

pytestmark = pytest.mark.django_db


def urls():
    school = Institution.objects.get(short_name="СОШ № 1")
    document = Document.objects.filter(institution=school).first()
    link = Link.objects.first()
    return [
        reverse("search"), reverse("search") + "?q=", reverse("search") + "?q=собрание",
        reverse("search") + "?q=собрание&kind=documents&page=2",
        reverse("search") + "?q=%00", reverse("search") + "?q=" + "я" * 500,
        reverse("documents:register", args=[school.pk]),
        reverse("documents:register", args=[school.pk]) + "?q=приказ&kind=order",
        reverse("documents:document", args=[document.pk]),
        reverse("documents:file", args=[document.pk]),
        reverse("links:catalog"),
        reverse("documents_document:index"), reverse("documents_document:add"),
        reverse("documents_document:index") + "?q=приказ&year=2026",
        reverse("documents_document:edit", args=[document.pk]),
        reverse("documents_document:history", args=[document.pk]),
        reverse("links_link:index"), reverse("links_link:index") + "?is_broken=true&q=фипи",
        reverse("links_link:add"), reverse("links_link:edit", args=[link.pk]),
        reverse("links_linkcategory:index"),
    ]


@pytest.mark.parametrize("username", [None, *[u for u, _ in DEMO_ACCOUNTS]])
def test_no_page_of_issue_13_answers_500(client, demo_user, username):
    if username:
        client.force_login(demo_user(username))
    for url in urls():
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)

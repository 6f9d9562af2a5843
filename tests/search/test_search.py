"""The one search box (issue 13, item 7; R-NF-3).

Who must not find what: a school 2 parent, a school 1 parent, a subject teacher and a
visitor without a login find nothing of a document they may not read — no hit, no
count, no snippet — while the school's leadership finds it. Russian words are found
in their other forms («собрание» → «родительское собрание», «олимпиада» →
«олимпиаду») on SQLite and on PostgreSQL alike. Bad queries get a message, never a
500; the page's queries do not grow with the rows.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.models import PageViewRestriction

from documents.factories import DocumentFactory
from documents.models import AccessLevel
from links.factories import LinkFactory
from links.models import Audience
from portal import search
from records.models import Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def school1():
    return Institution.objects.get(short_name="СОШ № 1")


def counts(user, query):
    return {kind.key: kind.count for kind in search.search(user, query).kinds}


def keys_found(user, query):
    return {key for key, count in counts(user, query).items() if count}


def test_a_document_the_user_may_not_read_gives_no_hit_count_or_snippet(
        school1, demo_user, client_for):
    DocumentFactory(institution=school1, title="Зюзюблик: распределение премий",
                    access_level=AccessLevel.ADMINISTRATION)
    nothing = counts(AnonymousUser(), "несуществующееслово")
    for username in ("school1.parent", "school2.parent", "school1.teacher",
                     "school2.admin", "school1.pupil"):
        assert counts(demo_user(username), "зюзюблик") == nothing, username
        response = client_for(username).get(reverse("search"), {"q": "зюзюблик"})
        assert "Зюзюблик" not in response.content.decode()
    assert counts(AnonymousUser(), "зюзюблик") == nothing
    assert counts(demo_user("school1.director"), "зюзюблик")["documents"] == 1
    assert counts(demo_user("dept"), "зюзюблик")["documents"] == 1


def test_a_staff_document_is_found_by_staff_only(school1, demo_user):
    DocumentFactory(institution=school1, title="График дежурств учителей по этажам",
                    access_level=AccessLevel.STAFF)
    assert "documents" in keys_found(demo_user("school1.teacher"), "дежурств")
    assert "documents" not in keys_found(demo_user("school1.parent"), "дежурств")
    assert "documents" not in keys_found(demo_user("school2.admin"), "дежурств")


@pytest.mark.parametrize("title, query", [
    ("Родительское собрание в 5А классе", "собрание"),
    ("Родительское собрание в 5А классе", "собрания"),
    ("Собрание для родителей пятых классов", "родители"),
    ("Приглашаем на олимпиаду по математике", "олимпиада"),
    ("Итоги олимпиады по математике", "олимпиаду"),
])
def test_russian_words_are_found_in_their_other_forms(school1, title, query):
    DocumentFactory(institution=school1, title=title, access_level=AccessLevel.PUBLIC)
    hits = search.search(AnonymousUser(), query, kinds=["documents"]).selected.hits
    assert title in [hit.title for hit in hits]


def test_text_beyond_the_title_is_searched_in_russian_too():
    LinkFactory(title="Памятка", description="Как пройдёт родительское собрание в мае")
    assert "links" in keys_found(AnonymousUser(), "собрания")


def test_a_link_for_signed_in_users_is_not_found_by_a_visitor(demo_user):
    LinkFactory(title="Закрытый методический кабинет", audience=Audience.SIGNED_IN)
    assert "links" not in keys_found(AnonymousUser(), "методический")
    assert "links" in keys_found(demo_user("school1.parent"), "методический")


def test_anonymous_visitors_find_public_pages_only(demo_user):
    from sgo_pages.models import SchoolPage

    word = SchoolPage.objects.order_by("pk").first().title.split()[0]
    assert "schools" in keys_found(AnonymousUser(), word)
    # A page behind a view restriction is searched by nobody (its restriction is not
    # evaluated per user in the search: the conservative side).
    for page in SchoolPage.objects.all():
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert "schools" not in keys_found(AnonymousUser(), word)
    assert "schools" not in keys_found(demo_user("school1.parent"), word)


def test_the_page_counts_hits_per_kind_in_russian_and_marks_the_words(school1, client):
    for number in range(3):
        DocumentFactory(institution=school1, title=f"Положение о школьной форме, ред. {number}",
                        access_level=AccessLevel.PUBLIC)
    response = client.get(reverse("search"), {"q": "положения форма"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kind="documents" data-count="3"' in html
    assert "3 результата" in html
    assert "<mark>Положение</mark>" in html and "<mark>форме</mark>" in html


def test_titles_and_snippets_are_escaped_before_marking(school1, client):
    # (PostgreSQL's parser drops a whole <script>…</script> from the index: the word
    # to find stands beside it.)
    DocumentFactory(institution=school1, title='Приказ <script>alert("x")</script> зюзюблик',
                    access_level=AccessLevel.PUBLIC)
    LinkFactory(title="Ссылка <b>зюзюблик</b>",
                description='<img src=x onerror=alert(1)> зюзюблик')
    html = client.get(reverse("search"), {"q": "зюзюблик"}).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "Приказ &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>зюзюблик</mark>" in html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>зюзюблик</mark>" in html


def test_one_kind_is_paginated(school1, client):
    for number in range(search.PER_PAGE + 5):
        DocumentFactory(institution=school1, title=f"Приказ о каникулах № {number}",
                        access_level=AccessLevel.PUBLIC)
    first = client.get(reverse("search"), {"q": "каникулах", "kind": "documents"})
    assert len(first.context["results"].selected.hits) == search.PER_PAGE
    second = client.get(reverse("search"), {"q": "каникулах", "kind": "documents",
                                            "page": "2"})
    assert len(second.context["results"].selected.hits) == 5
    # Without a kind, each kind shows its first hits and a link to all of them.
    everything = client.get(reverse("search"), {"q": "каникулах"})
    kind = next(k for k in everything.context["results"].kinds if k.key == "documents")
    assert kind.count == search.PER_PAGE + 5 and len(kind.hits) == search.PER_KIND
    # A page beyond the last shows the last; garbage shows the first.
    assert client.get(reverse("search"), {"q": "каникулах", "kind": "documents",
                                          "page": "999"}).status_code == 200
    assert client.get(reverse("search"), {"q": "каникулах", "kind": "documents",
                                          "page": "x"}).status_code == 200


@pytest.mark.parametrize("query, message", [
    ("", "Введите, что искать."),
    ("   ", "Введите, что искать."),
    ("?!…—//**", "В запросе нет слов"),
    ("собрание" * 40, "Запрос слишком длинный"),
    ("собрание\x00", "символы, по которым нельзя искать"),
    ('"AND OR NOT (*', None),
    ("' OR 1=1 --", None),
])
def test_bad_queries_get_a_message_in_russian_and_no_500(client, query, message):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    if message:
        assert message in response.context["error"]
    else:
        assert "error" not in response.context


def test_an_unknown_kind_searches_everything(client):
    response = client.get(reverse("search"), {"q": "школа", "kind": "<script>"})
    assert response.status_code == 200 and response.context["results"].selected is None


def test_the_search_box_is_in_the_header_with_a_label(client):
    html = client.get(reverse("links:catalog")).content.decode()
    assert '<label class="visually-hidden" for="header-search-q">' in html
    assert 'id="header-search-q" name="q"' in html


@pytest.mark.parametrize("username", ["school1.parent", "school1.director", None])
def test_the_search_runs_a_fixed_number_of_queries(school1, client, demo_user,
                                                   django_assert_max_num_queries, username):
    if username:
        client.force_login(demo_user(username))

    def run():
        response = client.get(reverse("search"), {"q": "положение"})
        assert response.status_code == 200
        return response

    DocumentFactory(institution=school1, title="Положение о питании",
                    access_level=AccessLevel.PUBLIC)
    LinkFactory(title="Положение об олимпиаде")
    run()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        run()
    for number in range(15):
        DocumentFactory(institution=school1, title=f"Положение № {number}",
                        access_level=AccessLevel.PUBLIC)
        LinkFactory(title=f"Положение о ресурсе {number}")
    with django_assert_max_num_queries(len(few)):
        run()
    # Two queries per kind (a count, the hits), and the session's and user's few.
    assert len(few) <= 2 * len(search.sources()) + 8


def test_every_registered_model_filters_by_id():
    from wagtail.search import index

    for source in search.sources():
        assert any(isinstance(f, index.FilterField) and f.field_name == "id"
                   for f in source.model.get_search_fields()), source.key

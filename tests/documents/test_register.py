"""The documents register (R-DOC-1, internal part; issue 13, item 6).

Who reads what: a public document everyone, visitors without a login too; a staff one
the school's staff and the department; an administration one the school's leadership
and the department. A school 2 parent, a school 1 parent and a visitor get 404 on a
staff document and on its file; a school 2 administrator gets 404 on school 1's
documents in the admin. The secretary keeps the register in the admin; bad input
changes nothing.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from documents.factories import DocumentFactory
from documents.models import AccessLevel, Document, DocumentKind
from records.factories import PDF
from records.models import Institution
from tests.forms import form_data

pytestmark = pytest.mark.django_db

PUBLIC, STAFF, ADMIN = AccessLevel.PUBLIC, AccessLevel.STAFF, AccessLevel.ADMINISTRATION


@pytest.fixture
def school1():
    return Institution.objects.get(short_name="СОШ № 1")


@pytest.fixture
def documents(school1):
    return {level: DocumentFactory(institution=school1, access_level=level,
                                   title=f"Документ уровня {level}")
            for level in (PUBLIC, STAFF, ADMIN)}


# (user, levels of school 1 they read)
READERS = [
    (None, {PUBLIC}),
    ("school1.parent", {PUBLIC}),
    ("school1.pupil", {PUBLIC}),
    ("school2.parent", {PUBLIC}),
    ("school2.admin", {PUBLIC}),
    ("school1.teacher", {PUBLIC, STAFF}),
    ("school1.medic", {PUBLIC, STAFF}),
    ("school1.secretary", {PUBLIC, STAFF, ADMIN}),
    ("school1.director", {PUBLIC, STAFF, ADMIN}),
    ("school1.deputy", {PUBLIC, STAFF, ADMIN}),
    ("dept", {PUBLIC, STAFF, ADMIN}),
]


@pytest.mark.parametrize("username, levels", READERS, ids=[str(u) for u, _ in READERS])
def test_each_level_is_read_by_its_roles_on_every_path(client, demo_user, documents,
                                                       username, levels):
    user = demo_user(username) if username else AnonymousUser()
    if username:
        client.force_login(user)
    visible = set(Document.objects.visible_to(user).filter(
        pk__in=[d.pk for d in documents.values()]).values_list("access_level", flat=True))
    assert visible == levels
    for level, document in documents.items():
        assert user.has_perm("documents.view_document", document) == (level in levels)
        expected = 200 if level in levels else 404
        assert client.get(document.get_absolute_url()).status_code == expected
        response = client.get(document.get_file_url())
        assert response.status_code == expected
        if expected == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == PDF
        # The private storage's own address answers the same (signed-in users only).
        if username:
            assert client.get(document.file.url).status_code == expected


def test_the_register_page_lists_a_year_and_filters_by_kind(client, school1, documents,
                                                            django_assert_max_num_queries):
    DocumentFactory(institution=school1, access_level=PUBLIC, kind=DocumentKind.REGULATION,
                    title="Положение о приёме", date=datetime.date(2025, 3, 1))
    url = reverse("documents:register", args=[school1.pk])
    response = client.get(url)
    assert response.status_code == 200
    years = response.context["years"]
    assert years == sorted(years, reverse=True) and 2025 in years and 2026 in years
    titles = [d.title for d in response.context["page"].object_list]
    assert "Документ уровня public" in titles
    assert "Документ уровня staff" not in titles
    older = client.get(url, {"year": "2025", "kind": "regulation"})
    assert "Положение о приёме" in [d.title for d in older.context["page"].object_list]
    assert all(d.kind == "regulation" for d in older.context["page"].object_list)
    for bad in ({"year": "x"}, {"year": "99999999999999999999"}, {"kind": "<script>"},
                {"page": "-1"}, {"q": "\x00"}, {"q": "?!"}):
        assert client.get(url, bad).status_code == 200
    with django_assert_max_num_queries(8):
        client.get(url)


def test_the_register_is_searched_in_russian_within_the_school(client, school1, documents):
    DocumentFactory(institution=school1, access_level=PUBLIC,
                    title="О проведении родительского собрания")
    DocumentFactory(institution=school1, access_level=ADMIN,
                    title="О премировании за собрание")
    other = Institution.objects.get(short_name="СОШ № 2")
    DocumentFactory(institution=other, access_level=PUBLIC, title="Собрание в школе № 2")
    response = client.get(reverse("documents:register", args=[school1.pk]), {"q": "собрание"})
    titles = [d.title for d in response.context["page"].object_list]
    assert titles == ["О проведении родительского собрания"]


def test_an_unknown_school_is_404(client):
    assert client.get(reverse("documents:register", args=[999999])).status_code == 404
    assert client.get(reverse("documents:document", args=[999999])).status_code == 404
    assert client.get(reverse("documents:file", args=[999999])).status_code == 404


def test_a_document_without_a_file_has_no_file_to_serve(client, school1):
    document = DocumentFactory(institution=school1, access_level=PUBLIC, file="")
    assert client.get(reverse("documents:file", args=[document.pk])).status_code == 404


# The admin ------------------------------------------------------------------------------


def test_the_secretary_adds_a_document_with_its_file_and_the_history_logs_it(
        client_for, school1, demo_user):
    client = client_for("school1.secretary")
    listing = client.get(reverse("documents_document:index"))
    assert "Добавить документ" in listing.content.decode()
    response = client.get(reverse("documents_document:add"))
    assert response.status_code == 200
    data = form_data(response.context["form"], institution=str(school1.pk), kind="order",
                     access_level="staff", number="15-о", date="2026-11-10",
                     title="О зачислении в 5А класс")
    data["file"] = SimpleUploadedFile("Приказ.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("documents_document:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get(title="О зачислении в 5А класс")
    assert document.author == demo_user("school1.secretary")
    assert document.file.name.endswith("/Приказ.pdf")
    assert ModelLogEntry.objects.filter(object_id=str(document.pk),
                                        action="wagtail.create").exists()
    listing = client.get(reverse("documents_document:index"))
    assert "О зачислении в 5А класс" in listing.content.decode()


@pytest.mark.parametrize("changes, upload", [
    ({"date": "32.13.2026"}, None),
    ({"title": ""}, None),
    ({"access_level": "everyone"}, None),
    ({}, SimpleUploadedFile("poly.pdf", b"<script>alert(1)</script>", "application/pdf")),
])
def test_bad_input_in_the_admin_form_changes_nothing(client_for, school1, changes, upload):
    client = client_for("school1.secretary")
    form = client.get(reverse("documents_document:add")).context["form"]
    data = form_data(form, institution=str(school1.pk), kind="order", access_level="staff",
                     number="1", date="2026-11-10", title="Плохой ввод")
    data.update(changes)
    if upload:
        data["file"] = upload
    before = Document.objects.count()
    response = client.post(reverse("documents_document:add"), data)
    assert response.status_code == 200
    assert Document.objects.count() == before


def test_a_school2_admin_gets_404_on_school1_documents_in_the_admin(client_for, documents):
    client = client_for("school2.admin")
    for level, document in documents.items():
        # A public document is one they may read, not change: Wagtail's refusal.
        expected = (302, 403) if level == PUBLIC else (404,)
        for view in ("documents_document:edit", "documents_document:delete"):
            assert client.get(reverse(view, args=[document.pk])).status_code in expected
        response = client.post(reverse("documents_document:edit", args=[document.pk]),
                               {"title": "Взлом", "date": "2026-01-01"})
        assert response.status_code in expected
        assert Document.objects.get(pk=document.pk).title != "Взлом"
    listing = client.get(reverse("documents_document:index"))
    assert "Документ уровня" not in listing.content.decode()


def test_a_school2_admin_cannot_add_a_document_to_school1(client_for, school1):
    client = client_for("school2.admin")
    form = client.get(reverse("documents_document:add")).context["form"]
    data = form_data(form, institution=str(school1.pk), kind="order", access_level="public",
                     number="1", date="2026-11-10", title="Чужой приказ")
    client.post(reverse("documents_document:add"), data)
    assert not Document.objects.filter(title="Чужой приказ").exists()


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil"])
def test_pupils_and_parents_get_403_for_the_register_admin(client_for, username):
    assert client_for(username).get(reverse("documents_document:index")).status_code == 403


def test_a_teacher_reads_but_does_not_keep_the_register(client_for, documents):
    client = client_for("school1.teacher")
    assert client.get(reverse("documents_document:add")).status_code in (302, 403)
    assert client.get(reverse("documents_document:edit", args=[documents[STAFF].pk])) \
        .status_code in (302, 403)


def test_the_listing_filters_by_year_kind_and_level(client_for, documents):
    client = client_for("school1.director")
    for query in ({"year": "2026"}, {"kind": "order"}, {"access_level": "administration"},
                  {"year": "x"}, {"year": "0"}):
        assert client.get(reverse("documents_document:index"), query).status_code == 200
    shown = client.get(reverse("documents_document:index"),
                       {"access_level": "administration"}).content.decode()
    assert "Документ уровня administration" in shown and "Документ уровня staff" not in shown


def test_the_demo_registers_have_every_level_and_a_file(school1):
    rows = Document.objects.filter(institution=school1)
    assert rows.count() >= 12
    assert set(rows.values_list("access_level", flat=True)) == {PUBLIC, STAFF, ADMIN}
    assert len({d.date.year for d in rows}) == 2
    assert all(d.file.name.endswith(".pdf") for d in rows)
    with rows.first().file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


def test_the_admin_listing_is_searched_in_russian_with_its_filters(client_for, school1):
    DocumentFactory(institution=school1, title="О ЗАЧИСЛЕНИИ в 10 класс", number="77-о")
    client = client_for("school1.secretary")
    for query in ({"q": "зачисление"}, {"q": "Зачислении"}, {"q": "77"},
                  {"q": "зачисление", "kind": "order", "year": "2026",
                   "access_level": "staff"}):
        response = client.get(reverse("documents_document:index"), query)
        assert response.status_code == 200
        assert "О ЗАЧИСЛЕНИИ в 10 класс" in response.content.decode(), query

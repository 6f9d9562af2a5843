"""Issue 13: rich text, titles and file names with script payloads render inert, as
saved through the editor's form and as raw database values; the pages keep the site's
CSP, and what signed-in users are shown is never stored (no-store)."""

from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from announcements.audience import Audience
from announcements.models import AnnouncementAttachment, AnnouncementPage

pytestmark = pytest.mark.django_db

PAYLOAD = ('<p>ok</p><script>alert("s")</script><img src="x" onerror="alert(1)">'
           '<a href="javascript:alert(2)">link</a><p onclick="alert(3)">p</p>'
           '<iframe src="https://evil.example"></iframe>')


class Active(HTMLParser):
    """The active parts of a page: scripts with a body, event handlers, script URLs,
    frames and images (text that merely reads «onerror=» is inert)."""

    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed") or (tag == "img" and ("src", "x") in attrs):
            self.found.append(tag)
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self.in_script and "alert" in data:
            self.found.append(f"script {data}")

    def handle_endtag(self, tag):
        self.in_script = False


def assert_inert(html):
    parser = Active()
    parser.feed(html)
    assert not parser.found


def test_raw_database_values_render_inert(client, publish, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = publish("Безопасно", audience=Audience.PUBLIC)
    document = get_document_model().objects.create(
        title='<img src=x onerror=alert(4)>.pdf', file=ContentFile(b"x", name="a.txt"))
    AnnouncementAttachment.objects.create(page=page, document=document)
    AnnouncementPage.objects.filter(pk=page.pk).update(
        body=PAYLOAD, title='<script>alert("t")</script>')
    for url in (page.url, page.get_parent().url, page.get_parent().get_parent().url, "/",
                reverse("announcements:feed"), reverse("announcements:atom")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
    detail = client.get(page.url)
    assert "&lt;script&gt;" in detail.content.decode()
    assert "Content-Security-Policy" in detail.headers


def test_saving_cleans_the_text(publish):
    page = publish("Очистка", audience=Audience.PUBLIC, body=PAYLOAD)
    assert_inert(page.body)
    assert "<p>ok</p>" in page.body


def test_the_editors_form_saves_nothing_unsafe(client_for, news1):
    editor = client_for("school1.editor")
    url = reverse("wagtailadmin_pages:add", args=["announcements", "announcementpage", news1.pk])
    response = editor.post(url, nested_form_data({
        "title": "<script>alert(1)</script>", "slug": "payload", "audience": "school",
        "school_class": "", "grade": "", "event_place": "",
        "body": rich_text(PAYLOAD), "attachments": inline_formset([]),
    }))
    assert response.status_code == 302
    page = AnnouncementPage.objects.get(slug="payload")
    assert_inert(page.body)
    preview = editor.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert preview.status_code == 200
    assert_inert(preview.content.decode().split("<main", 1)[-1])


def test_signed_in_pages_are_not_stored(client_for, news1):
    client = client_for("school1.parent")
    for url in ("/", news1.url, news1.get_parent().url, reverse("announcements:feed"),
                reverse("announcements:feeds")):
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url

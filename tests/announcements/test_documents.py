"""Attachments are Wagtail documents served by Wagtail's view only, and only to those
who read an announcement that uses them; a school's other documents are its staff's."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from announcements.audience import Audience
from announcements.models import AnnouncementAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(settings, tmp_path, school1_page):
    settings.MEDIA_ROOT = tmp_path

    def make(title):
        return get_document_model().objects.create(
            title=title, file=ContentFile(b"hello", name=f"{title}.txt"),
            collection=school1_page.collection)

    return make


def test_an_attachment_is_served_to_the_announcements_readers(client, client_for, publish,
                                                               class_5a, documents):
    page = publish("С вложением", audience=Audience.CLASS_PARENTS, school_class=class_5a)
    document = documents("program")
    AnnouncementAttachment.objects.create(page=page, document=document)
    assert client.get(document.url).status_code == 404
    for name, status in [("school1.parent", 200), ("school2.parent", 404),
                         ("school1.pupil", 404), ("school1.teacher", 200)]:
        response = client_for(name).get(document.url)
        assert response.status_code == status, name
        client.logout()
    assert "program" in client_for("school1.parent").get(page.url).content.decode()


def test_a_public_announcements_attachment_is_public(client, publish, documents):
    page = publish("Публичное", audience=Audience.PUBLIC)
    document = documents("rules")
    AnnouncementAttachment.objects.create(page=page, document=document)
    assert client.get(document.url).status_code == 200


def test_a_schools_other_documents_are_its_staffs(client, client_for, documents):
    document = documents("internal")
    assert client.get(document.url).status_code == 404
    assert client_for("school1.parent").get(document.url).status_code == 404
    assert client_for("school2.admin").get(document.url).status_code == 404
    assert client_for("school1.teacher").get(document.url).status_code == 200

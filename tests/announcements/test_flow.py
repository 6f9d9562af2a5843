"""R-ANN-1, issue 13's "Done when" without the delivery: school1.editor writes an
announcement for the parents of 5А in the admin and submits it; the editor cannot
publish it; school1.admin approves it and it is published; school1.parent sees it on
the family page, the dashboard of nobody else, the school page, the news index and the
feed; school2.parent and a parent of another class of school 1 find it nowhere — not
by URL, index, feed or count."""

from unittest import mock

import pytest
from django.urls import reverse
from wagtail.models import TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from announcements.models import AnnouncementPage
from notifications.service import Kind

pytestmark = pytest.mark.django_db

TITLE = "Собрание родителей 5А в четверг"


def add_url(parent):
    return reverse("wagtailadmin_pages:add",
                   args=["announcements", "announcementpage", parent.pk])


def form(class_5a, **extra):
    return nested_form_data({
        "title": TITLE, "slug": "sobranie-5a", "audience": "class_parents",
        "school_class": class_5a.pk, "grade": "", "event_place": "",
        "body": rich_text("<p>Приходите в <b>кабинет 21</b>.</p>"),
        "attachments": inline_formset([]),
        **extra,
    })


def submitted_by_editor(client_for, news1, class_5a):
    editor = client_for("school1.editor")
    response = editor.post(add_url(news1), {**form(class_5a), "action-submit": "submit"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return AnnouncementPage.objects.get(title=TITLE)


def test_the_editor_submits_and_the_administrator_publishes(client_for, news1, class_5a,
                                                             other_class_parent):
    page = submitted_by_editor(client_for, news1, class_5a)
    assert not page.live
    assert page.institution_id == news1.get_parent().specific.institution_id
    task = TaskState.objects.get(workflow_state__base_content_type__isnull=False,
                                 workflow_state__object_id=str(page.pk),
                                 status=TaskState.STATUS_IN_PROGRESS)

    # The editor has no publish permission: publishing directly is refused, and they
    # may not approve their school's task.
    editor = client_for("school1.editor")
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    editor.post(edit_url, {**form(class_5a), "action-publish": "publish"})
    assert not AnnouncementPage.objects.get(pk=page.pk).live
    approve = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task.pk])
    editor.post(approve, {"comment": ""})
    assert not AnnouncementPage.objects.get(pk=page.pk).live

    with mock.patch("announcements.signals.notify") as notify:
        response = client_for("school1.admin").post(approve, {"comment": ""})
    assert response.status_code in (200, 302)
    page = AnnouncementPage.objects.get(pk=page.pk)
    assert page.live
    (kind, users), kwargs = notify.call_args
    assert kind == Kind.ANNOUNCEMENT and kwargs["source"].pk == page.pk
    assert kwargs["url"].endswith(page.url) and "кабинет 21" in kwargs["body"]
    names = set(users.values_list("username", flat=True))
    assert "school1.parent" in names
    assert not names & {"school2.parent", "school1.otherparent", "school1.pupil",
                        "school1.admin"}

    url = page.url
    parent = client_for("school1.parent")
    assert parent.get(url).status_code == 200
    for path in (reverse("records:family"), news1.url, news1.get_parent().url,
                 reverse("announcements:feed"), reverse("announcements:atom")):
        assert TITLE in parent.get(path).content.decode(), path

    for outsider in ("school2.parent", "school1.otherparent"):
        client = client_for(outsider)
        assert client.get(url).status_code == 404
        for path in (reverse("records:family"), news1.url, news1.get_parent().url, "/",
                     reverse("announcements:feed"), reverse("announcements:atom")):
            assert TITLE not in client.get(path).content.decode(), (outsider, path)
        client.logout()
    assert not AnnouncementPage.objects.visible_to(other_class_parent).filter(
        pk=page.pk).exists()


def test_a_republished_edit_notifies_nobody(publish, class_5a):
    with mock.patch("announcements.signals.notify") as notify:
        page = publish(audience="class_parents", school_class=class_5a)
        page.title = "Исправлено"
        page.save_revision().publish()
    assert notify.call_count == 1


def refused(response):
    """Wagtail's admin answers a page permission it denies with its own refusal: a
    redirect to the admin's home with «you do not have permission» (403 to scripts)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home"))


def test_the_editor_cannot_edit_another_schools_pages(client_for, school2_page, class_5a):
    editor = client_for("school1.editor")
    news2 = school2_page.get_children().first()
    story = AnnouncementPage.objects.child_of(news2).live().first()
    for url in (reverse("wagtailadmin_pages:edit", args=[school2_page.pk]), add_url(news2),
                reverse("wagtailadmin_pages:edit", args=[story.pk])):
        assert refused(editor.get(url)), url
        assert editor.get(url, headers={"x-requested-with": "XMLHttpRequest"}
                          ).status_code == 403, url
    before = AnnouncementPage.objects.child_of(news2).count()
    assert refused(editor.post(add_url(news2), {**form(class_5a), "action-submit": "1"}))
    assert AnnouncementPage.objects.child_of(news2).count() == before


def test_the_city_editor_edits_city_news_not_schools(client_for, school1_page, news1):
    from announcements.models import AnnouncementIndexPage
    from sgo_pages.models import HomePage

    city = client_for("city.editor")
    city_news = AnnouncementIndexPage.objects.child_of(HomePage.objects.get()).get()
    assert city.get(add_url(city_news)).status_code == 200
    assert refused(city.get(add_url(news1)))

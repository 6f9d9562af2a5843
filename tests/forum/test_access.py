"""R-FRM-1, R-PD-5: who reads, writes in and moderates each section of the demo city,
on every path — the section list, a section, a topic and a post by URL, attachments,
the feed, the moderation pages and the report queue. Outside a section's audience
every page of it is 404 (nothing confirms it exists); a reader who may not moderate
gets 403.

Audiences of the demo's sections (forum/demo.py):

- the city's forum: everyone; the department's section: the department's people;
- each school's forum: its staff, pupils and parents; its staff room: its staff; its
  parents' club: its parents; 5А's section: 5А's pupils and parents and its class
  teacher;
- moderators: the school's administrator (the city's and the department's sections:
  the department's administrator), 5А's class teacher named for 5А, and the superuser.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from forum import actions
from forum.audience import MODERATE_SECTION, VIEW_SECTION, WRITE_IN_SECTION
from forum.models import Attachment, Post, Section, Topic
from portal.demo.city import DEMO_ACCOUNTS
from records.factories import PDF

from .conftest import first_post

pytestmark = pytest.mark.django_db

ACCOUNTS = [username for username, _ in DEMO_ACCOUNTS]
SCHOOL1_STAFF = {"school1.admin", "school1.director", "school1.deputy", "school1.secretary",
                 "school1.medic", "school1.psychologist", "school1.teacher",
                 "school1.classteacher", "school1.editor"}
SCHOOL2_STAFF = {"school2.admin", "school2.secretary", "school2.teacher"}
DEPARTMENT = {"dept", "dept.admin", "city.editor"}
READERS = {
    "city": set(ACCOUNTS),
    "department": DEPARTMENT | {"admin"},
    "school1": SCHOOL1_STAFF | {"school1.parent", "school1.pupil", "admin"},
    "staff1": SCHOOL1_STAFF | {"admin"},
    "parents1": {"school1.parent", "school1.admin", "admin"},
    "class5a": {"school1.parent", "school1.pupil", "school1.classteacher", "school1.admin",
                "admin"},
    "school2": SCHOOL2_STAFF | {"school2.parent", "school2.pupil", "admin"},
    "staff2": SCHOOL2_STAFF | {"admin"},
    "parents2": {"school2.parent", "school2.admin", "admin"},
}
MODERATORS = {
    "city": {"dept.admin", "admin"},
    "department": {"dept.admin", "admin"},
    "school1": {"school1.admin", "admin"},
    "staff1": {"school1.admin", "admin"},
    "parents1": {"school1.admin", "admin"},
    "class5a": {"school1.admin", "school1.classteacher", "admin"},
    "school2": {"school2.admin", "admin"},
    "staff2": {"school2.admin", "admin"},
    "parents2": {"school2.admin", "admin"},
}


def test_every_demo_account_reads_exactly_its_sections(sections, user):
    for username in ACCOUNTS:
        account = user(username)
        expected = {key for key, readers in READERS.items() if username in readers}
        visible = set(Section.objects.visible_to(account).values_list("pk", flat=True))
        assert visible == {sections[key].pk for key in expected}, username
        by_row = {key for key, row in sections.items() if account.has_perm(VIEW_SECTION, row)}
        assert by_row == expected, username
        moderated = {key for key, row in sections.items()
                     if account.has_perm(MODERATE_SECTION, row)}
        assert moderated == {key for key, mods in MODERATORS.items() if username in mods}, \
            username
        assert set(Section.objects.visible_to(account, MODERATE_SECTION).values_list(
            "pk", flat=True)) == {sections[key].pk for key in moderated}, username


def test_the_section_list_shows_only_the_users_sections(client_for, sections):
    for username in ("school1.parent", "school2.parent", "school1.pupil", "dept"):
        response = client_for(username).get(reverse("forum:index"))
        assert response.status_code == 200
        listed = {row.pk for group in response.context["groups"] for row in group["sections"]}
        assert listed == {sections[key].pk for key, readers in READERS.items()
                          if username in readers}, username


def urls_of(section):
    topic = Topic.objects.filter(section=section).order_by("pk").first()
    post = first_post(topic)
    return {
        "section": reverse("forum:section", args=[section.pk]),
        "topic": reverse("forum:topic", args=[topic.pk]),
        "unread": reverse("forum:unread", args=[topic.pk]),
        "post": reverse("forum:post", args=[post.pk]),
        "feed": reverse("forum:feed", args=[section.pk]),
        "new topic": reverse("forum:topic_new", args=[section.pk]),
        "reply": reverse("forum:reply", args=[topic.pk]),
        "report": reverse("forum:post_report", args=[post.pk]),
        "profile of the author": reverse("forum:profile", args=[post.author_id]),
    }


# What a reader gets from each page (a redirect to the post's page, the topic's newest).
READER_STATUS = {"post": 302, "unread": 302}


@pytest.mark.slow_once
@pytest.mark.parametrize("key", list(READERS))
def test_every_page_of_a_section_is_404_outside_its_audience(client, user, sections, key):
    section = sections[key]
    urls = urls_of(section)
    topic = Topic.objects.filter(section=section).order_by("pk").first()
    for username in ACCOUNTS:
        client.force_login(user(username))
        reads = username in READERS[key]
        for name, url in urls.items():
            status = client.get(url).status_code
            if name == "profile of the author" and not reads:
                # Another section may show the author's posts to this user.
                continue
            if not reads:
                assert status == 404, (username, name, url)
            elif name == "reply" and topic.is_closed:
                assert status == 403, (username, name)
            else:
                assert status == READER_STATUS.get(name, 200), (username, name, url)


def moderation_urls(section):
    topic = Topic.objects.filter(section=section).order_by("pk").first()
    post = first_post(topic)
    return {
        "moderation": ("get", reverse("forum:moderation", args=[section.pk])),
        "hide": ("get", reverse("forum:post_hide", args=[post.pk])),
        "ban": ("get", reverse("forum:post_ban", args=[post.pk])),
        "move": ("get", reverse("forum:topic_move", args=[topic.pk])),
        "pin": ("post", reverse("forum:topic_moderate", args=[topic.pk])),
        "show": ("post", reverse("forum:post_show", args=[post.pk])),
    }


@pytest.mark.parametrize("key", ["parents1", "class5a", "city"])
def test_moderation_is_403_to_readers_and_404_to_outsiders(client, user, sections, key):
    section = sections[key]
    urls = moderation_urls(section)
    for username in ACCOUNTS:
        client.force_login(user(username))
        for name, (method, url) in urls.items():
            status = getattr(client, method)(url, {"action": "noop"}).status_code
            if username not in READERS[key]:
                expected = 404
            elif username in MODERATORS[key]:
                expected = 302 if method == "post" else 200
            else:
                expected = 403
            assert status == expected, (username, name)


def test_the_report_queue_is_for_moderators(client_for):
    assert client_for("school1.parent").get(reverse("forum:reports")).status_code == 403
    assert client_for("school1.admin").get(reverse("forum:reports")).status_code == 200


def test_a_ban_or_report_of_another_section_cannot_be_reached(client_for, sections, user):
    row = sections["parents1"].bans.get()
    response = client_for("school2.admin").post(reverse("forum:ban_lift", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.lifted_at is None
    report = actions.report_post(Post.objects.filter(topic__section=sections["parents1"])
                                 .first(), user("school1.parent"), "Спам")
    response = client_for("school2.admin").post(
        reverse("forum:report_dismiss", args=[report.pk]))
    assert response.status_code == 404
    # A reader who is not a moderator: 403, and nothing changes.
    response = client_for("school1.parent").post(
        reverse("forum:report_dismiss", args=[report.pk]))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.resolved_at is None


def test_attachments_go_to_readers_only_and_hidden_posts_files_to_moderators(
        client_for, lunch, user):
    attached = Attachment.objects.get(post__topic=lunch)
    url = attached.get_absolute_url()
    response = client_for("school1.parent").get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for outsider in ("school2.parent", "school1.pupil", "school1.teacher"):
        assert client_for(outsider).get(url).status_code == 404
    # The generic private-file address answers the same.
    assert client_for("school2.parent").get(attached.file.url).status_code == 404
    assert client_for("school1.parent").get(attached.file.url).status_code == 200

    hidden = lunch.posts.get(hidden_at__isnull=False)
    secret = Attachment(post=hidden)
    secret.file.save("скан.pdf", ContentFile(PDF), save=True)
    assert client_for("school1.parent").get(secret.get_absolute_url()).status_code == 404
    assert client_for("school1.admin").get(secret.get_absolute_url()).status_code == 200


def test_writing_needs_a_reader_who_is_not_banned(sections, user, lunch):
    banned = lunch.section.bans.get().user
    assert not banned.has_perm(WRITE_IN_SECTION, sections["parents1"])
    assert user("school1.parent").has_perm(WRITE_IN_SECTION, sections["parents1"])
    assert not user("school2.parent").has_perm(WRITE_IN_SECTION, sections["parents1"])
    writers = Section.objects.visible_to(banned, WRITE_IN_SECTION)
    assert sections["parents1"] not in writers and sections["city"] in writers


@pytest.mark.parametrize("url", [
    "/forum/sections/99999999999999999999999/",
    "/forum/sections/9223372036854775807/",
    "/forum/topics/9223372036854775807/",
    "/forum/topics/0/",
    "/forum/posts/-1/",
    "/forum/posts/9223372036854775807/edit/",
    "/forum/files/9223372036854775807/",
    "/forum/people/9223372036854775807/",
    "/forum/feed/not-a-token/sections/1/rss/",
])
def test_huge_and_odd_ids_are_404(client_for, url):
    assert client_for("admin").get(url).status_code == 404


def test_odd_query_strings_are_ignored(client_for, lunch):
    client = client_for("school1.parent")
    url = reverse("forum:topic", args=[lunch.pk])
    for query in ("?page=abc", "?page=99999999999999999999999", "?page=-1"):
        assert client.get(url + query).status_code == 200
    reply = reverse("forum:reply", args=[lunch.pk])
    for query in ("?quote=99999999999999999999999", "?quote=abc", "?quote=0"):
        response = client.get(reply + query)
        assert response.status_code == 200
        assert not response.context["form"].initial


def test_visitors_are_sent_to_log_in(client, lunch):
    for url in (reverse("forum:index"), lunch.get_absolute_url(),
                reverse("forum:section", args=[lunch.section_id])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("forum:feed", args=[lunch.section_id])).status_code == 404

"""RSS and Atom feeds of announcements: a visitor's has the public ones, a signed-in
user's (by the session) theirs, a personal address with a signed token theirs without
a session; a forged or outdated token is 404."""

import pytest
from django.urls import reverse

from announcements.audience import Audience
from announcements.feeds import feed_token
from announcements.models import AnnouncementPage
from records.models import User

pytestmark = pytest.mark.django_db


def titles(response):
    return response.content.decode()


def test_the_public_feed_has_only_public_announcements(client):
    text = titles(client.get(reverse("announcements:feed")))
    current = AnnouncementPage.objects.current()
    assert all(p.title in text for p in current.filter(audience=Audience.PUBLIC))
    public_titles = set(current.filter(audience=Audience.PUBLIC).values_list("title", flat=True))
    for page in current.exclude(audience=Audience.PUBLIC):
        if page.title not in public_titles:
            assert page.title not in text, page.title


def test_a_personal_feed_reads_as_its_user(client, publish, class_5a):
    page = publish("Только для 5А", audience=Audience.CLASS_PARENTS, school_class=class_5a)
    parent = User.objects.get(username="school1.parent")
    token = feed_token(parent)
    for name in ("announcements:personal_rss", "announcements:personal_atom"):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code == 200
        assert page.title in titles(response)
    other = feed_token(User.objects.get(username="school2.parent"))
    assert page.title not in titles(client.get(reverse("announcements:personal_rss",
                                                       args=[other])))
    assert client.get(reverse("announcements:personal_rss", args=[token + "x"])
                      ).status_code == 404
    parent.set_password("a new password 2026")
    parent.save()
    assert client.get(reverse("announcements:personal_rss", args=[token])).status_code == 404


def test_the_feeds_page_gives_the_personal_addresses(client, client_for):
    assert client.get(reverse("announcements:feeds")).status_code == 302
    page = client_for("school1.parent").get(reverse("announcements:feeds")).content.decode()
    assert "/announcements/feed/" in page and "data-feed-atom" in page

"""R-FRM-1, R-PD-5 on the paths besides the pages: the search box finds and counts only
topics and posts of sections the user reads (hidden posts: moderators only), a
section's feed answers only its readers (by the session or by the personal address),
and the menu shows «Форум» to those who read a section."""

import pytest
from django.urls import reverse

from announcements.feeds import feed_token
from forum import actions, audience
from forum.models import Section
from portal.access import access

pytestmark = pytest.mark.django_db


def found(client, query, kind=None):
    params = {"q": query, **({"kind": kind} if kind else {})}
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    results = response.context["results"]
    counts = {k.key: k.count for k in results.kinds}
    return {hit.title for k in results.kinds for hit in k.hits}, counts


def test_the_search_finds_forum_posts_only_in_the_users_sections(client_for, lunch):
    # «каша» stands in school 1's parents' club only.
    titles, counts = found(client_for("school1.parent"), "каша")
    assert lunch.title in titles and counts["forum_posts"] >= 1
    for outsider in ("school2.parent", "school1.pupil", "school1.teacher"):
        titles, counts = found(client_for(outsider), "каша")
        assert lunch.title not in titles, outsider
        assert counts["forum_posts"] == 0 and counts["forum_topics"] == 0, outsider
    # Also when the outsider asks for the forum's kind alone.
    titles, counts = found(client_for("school2.parent"), "столовой", kind="forum_topics")
    assert counts == {"forum_topics": 0}


def test_a_hidden_post_is_found_by_moderators_only(client_for, lunch):
    # The demo's hidden post names another child («Петровой»).
    assert found(client_for("school1.parent"), "Петровой")[1]["forum_posts"] == 0
    assert found(client_for("school1.admin"), "Петровой")[1]["forum_posts"] == 1


def test_a_moved_topic_is_found_by_its_new_readers(client_for, sections, user):
    topic = actions.start_topic(sections["city"], user("school1.teacher"),
                                title="Мехатроника для всех", text="Кружок мехатроники")
    assert found(client_for("school2.parent"), "мехатроники")[1]["forum_posts"] == 1
    actions.move_topic(topic, user("admin"), sections["staff1"])
    assert found(client_for("school2.parent"), "мехатроники")[1]["forum_posts"] == 0
    assert found(client_for("school1.deputy"), "мехатроники")[1]["forum_posts"] == 1


def test_the_feed_answers_its_readers_only(client_for, user, sections, lunch):
    parents = sections["parents1"]
    url = reverse("forum:feed", args=[parents.pk])
    response = client_for("school1.parent").get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert lunch.title in body
    # The hidden post is in no feed, a moderator's either.
    assert "Петровой" not in body
    assert "Петровой" not in client_for("school1.admin").get(url).content.decode()
    assert client_for("school2.parent").get(url).status_code == 404
    # The personal address: the token's user must read the section.
    own = reverse("forum:personal_feed", args=[feed_token(user("school1.parent")), parents.pk])
    other = reverse("forum:personal_feed",
                    args=[feed_token(user("school2.parent")), parents.pk])
    client_for("school2.parent").logout()
    assert client_for("school2.parent").get(own).status_code == 200
    assert client_for("school1.parent").get(other).status_code == 404


def test_the_section_page_links_the_personal_feed(client_for, sections, user):
    page = client_for("school1.parent").get(sections["parents1"].get_absolute_url())
    token = feed_token(user("school1.parent"))
    assert reverse("forum:personal_feed", args=[token, sections["parents1"].pk]) in \
        page.content.decode()


def nav_urls(client):
    response = client.get(reverse("start"), follow=True)
    return [item["url"] for item in response.context["nav_items"]]


def test_the_menu_shows_the_forum_to_its_readers(client_for, nobody, client):
    for username in ("school1.parent", "school1.pupil", "school1.teacher", "dept", "admin"):
        assert reverse("forum:index") in nav_urls(client_for(username)), username
    client.force_login(nobody)
    assert reverse("forum:index") not in nav_urls(client)
    client.logout()
    assert reverse("forum:index") not in [item["url"] for item in client.get(
        "/").context["nav_items"]]


def test_the_menu_follows_the_sections_that_exist(client_for, user):
    """Without the city's forum, a pupil of school 2 reads its school's forum still;
    without any section they read, no «Форум»."""
    Section.objects.filter(institution__isnull=True).delete()
    assert reverse("forum:index") in nav_urls(client_for("school2.pupil"))
    Section.objects.filter(institution__short_name="СОШ № 2").delete()
    assert reverse("forum:index") not in nav_urls(client_for("school2.pupil"))
    assert reverse("forum:index") in nav_urls(client_for("school1.pupil"))


def test_the_menu_costs_no_query(client_for, django_assert_num_queries, user):
    client_for("school1.pupil").get("/")  # the sections are read once per process
    pupil = user("school1.pupil")
    assert access(pupil).all_roles  # what every page reads anyway
    with django_assert_num_queries(0):
        assert audience.sees_any_section(pupil)

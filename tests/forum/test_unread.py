"""R-FRM-1 unread markers per user: a topic (and its section in the list) is marked
while it holds a post newer than the newest one the user was shown; opening its pages
moves the marker on (never back), and «new» leads to the first post not seen."""

import pytest
from django.urls import reverse

from forum import actions, listing

pytestmark = pytest.mark.django_db


def unread_sections(client):
    groups = client.get(reverse("forum:index")).context["groups"]
    return {row.pk for group in groups for row in group["sections"] if row.unread}


def unread_topics(client, section):
    page = client.get(reverse("forum:section", args=[section.pk])).context["page"]
    return {topic.pk for topic in page.object_list
            if (topic.read_up_to or 0) < (topic.last_post_id or 0)}


def test_a_topic_is_new_until_it_is_read(client_for, sections, user):
    section = sections["staff1"]
    client = client_for("school1.deputy")
    for topic in section.topics.all():
        client.get(topic.get_absolute_url())
    assert section.pk not in unread_sections(client_for("school1.deputy"))

    topic = actions.start_topic(section, user("school1.teacher"), title="Новая", text="Текст")
    client = client_for("school1.deputy")
    assert section.pk in unread_sections(client)
    assert unread_topics(client, section) == {topic.pk}
    page = client.get(topic.get_absolute_url())
    assert [post.is_new for post in page.context["posts"]] == [False]
    assert section.pk not in unread_sections(client)
    assert unread_topics(client, section) == set()
    # The teacher's own topic was never new to the teacher.
    assert topic.pk not in unread_topics(client_for("school1.teacher"), section)


def test_new_leads_to_the_first_post_not_seen(client_for, sections, user, settings):
    section = sections["class5a"]
    topic = actions.start_topic(section, user("school1.classteacher"), title="Длинная",
                                text="Начало")
    client = client_for("school1.parent")
    client.get(topic.get_absolute_url())
    posts = [actions.add_post(topic, user("school1.pupil"), text=f"Ответ {n}")
             for n in range(listing.POSTS_PER_PAGE + 5)]
    client = client_for("school1.parent")
    response = client.get(reverse("forum:unread", args=[topic.pk]))
    assert response["Location"] == (topic.get_absolute_url()
                                    + f"?page=1#post-{posts[0].pk}")
    page = client.get(topic.get_absolute_url() + "?page=1")
    assert [post.is_new for post in page.context["posts"]][:2] == [False, True]
    # The second page moves the marker to its last post; the first again does not undo it.
    client.get(topic.get_absolute_url() + "?page=2")
    client.get(topic.get_absolute_url() + "?page=1")
    response = client.get(reverse("forum:unread", args=[topic.pk]))
    assert response["Location"].endswith(f"?page=2#post-{posts[-1].pk}")
    assert topic.pk not in unread_topics(client, section)

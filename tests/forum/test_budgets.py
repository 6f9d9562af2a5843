"""R-NF-2: the forum's pages a person uses every day — the section list, a section's
topics and a topic's posts — cost a fixed number of queries, whatever the number of
sections' topics, of posts, of their authors, attachments and quotes."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import actions
from forum.models import Attachment
from records.factories import PDF

pytestmark = pytest.mark.django_db

AUTHORS = ["school1.parent", "school1.admin", "school1.classteacher", "school1.pupil"]
# Measured 6–9, 8–9 and 13–14: the session, the user, the access context and the
# notifications bell are four of them.
BUDGET = {"index": 10, "section": 10, "topic": 15}


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def grow(sections, user, topics=6, posts=5):
    """Topics by several authors in school 1's sections, with replies, quotes, files
    and a hidden post."""
    made = []
    for number in range(topics):
        section = sections["class5a"] if number % 2 else sections["school1"]
        topic = actions.start_topic(section, user(AUTHORS[number % len(AUTHORS)]),
                                    title=f"Тема {number}", text=f"Первое сообщение {number}")
        previous = topic.posts.get()
        for reply in range(posts):
            previous = actions.add_post(topic, user(AUTHORS[reply % len(AUTHORS)]),
                                        text=f"> цитата\n\nОтвет **{reply}**",
                                        reply_to=previous)
            Attachment(post=previous).file.save("файл.pdf", ContentFile(PDF), save=True)
        actions.hide_post(previous, user("school1.admin"), "Проверка")
        made.append(topic)
    return made


@pytest.mark.parametrize("username", ["school1.parent", "school1.admin", "school1.classteacher"])
def test_the_section_list_and_a_section(client_for, sections, user, username,
                                        django_assert_max_num_queries):
    client = client_for(username)
    pages = {"index": reverse("forum:index"),
             "section": reverse("forum:section", args=[sections["class5a"].pk])}
    for url in pages.values():
        client.get(url)
    before = {name: queries(client, url) for name, url in pages.items()}
    grow(sections, user)
    client = client_for(username)
    for name, url in pages.items():
        client.get(url)
        with django_assert_max_num_queries(before[name]):
            client.get(url)
        assert before[name] <= BUDGET[name], (name, before[name])


@pytest.mark.parametrize("username", ["school1.parent", "school1.admin"])
def test_a_topic_page(client_for, sections, user, username, django_assert_max_num_queries):
    topic = actions.start_topic(sections["class5a"], user("school1.classteacher"),
                                title="Длинная тема", text="Начало")
    client = client_for(username)
    url = reverse("forum:topic", args=[topic.pk])
    client.get(url)
    before = queries(client, url)
    previous = topic.posts.get()
    for number in range(45):
        previous = actions.add_post(topic, user(AUTHORS[number % len(AUTHORS)]),
                                    text=f"> {previous.text[:20]}\n\nОтвет {number}",
                                    reply_to=previous)
        if number % 3 == 0:
            Attachment(post=previous).file.save("файл.pdf", ContentFile(PDF), save=True)
        if number % 7 == 0:
            actions.hide_post(previous, user("school1.admin"), "Проверка")
    client = client_for(username)
    for page in ("?page=1", "?page=2", "?page=3"):
        client.get(url + page)
        with django_assert_max_num_queries(before):
            response = client.get(url + page)
        assert len(response.context["posts"]) > 0
    assert before <= BUDGET["topic"], before

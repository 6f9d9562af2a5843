"""R-FRM-1: posting is rate-limited per user (django-ratelimit, counted in the shared
cache): the post one too many is refused with a Russian message and nothing is saved;
another user writes on, and so does the same user a minute later."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from forum.models import Post, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    """The clock stands still: the rate's window (a minute, fixed) does not end halfway."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_the_post_one_too_many_is_refused_and_nothing_saved(client_for, lunch, settings,
                                                           frozen):
    settings.FORUM_POST_RATE = "3/m"
    client = client_for("school1.parent")
    url = reverse("forum:reply", args=[lunch.pk])
    for number in range(3):
        assert client.post(url, {"text": f"Ответ {number}"}).status_code == 302
    posts, topics = Post.objects.count(), Topic.objects.count()
    response = client.post(url, {"text": "Ещё один"})
    assert response.status_code == 429
    assert "Вы пишете слишком часто" in response.content.decode()
    response = client.post(reverse("forum:topic_new", args=[lunch.section_id]),
                           {"title": "Новая тема", "text": "Текст"})
    assert response.status_code == 429
    assert (Post.objects.count(), Topic.objects.count()) == (posts, topics)
    # Another user is not limited by it.
    assert client_for("school1.admin").post(url, {"text": "Ответ"}).status_code == 302
    # A minute later the user writes again.
    frozen.shift(datetime.timedelta(minutes=2))
    assert client_for("school1.parent").post(url, {"text": "Снова"}).status_code == 302


def test_a_bad_form_does_not_count(client_for, lunch, settings, frozen):
    settings.FORUM_POST_RATE = "1/m"
    client = client_for("school1.parent")
    url = reverse("forum:reply", args=[lunch.pk])
    for _ in range(3):
        assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "Ответ"}).status_code == 302

"""R-FRM-1 subscriptions and notifications: a new post tells the topic's subscribers
(and the author of the post it replies to) who read its section, through the
notification service (Kind.FORUM) — nobody else, not its author, not a subscriber
who no longer reads the section; the recipients' rule is the readers' rule."""

import pytest
from django.urls import reverse

from forum import actions
from forum.audience import readers
from forum.models import Section, Subscription
from notifications.models import Notification
from notifications.service import Kind
from portal.demo.city import DEMO_ACCOUNTS
from records.models import User

pytestmark = pytest.mark.django_db


def told(post):
    return set(Notification.objects.filter(kind=Kind.FORUM, source_key=f"forum.post:{post.pk}")
               .values_list("user__username", flat=True))


def test_the_readers_rule_is_the_visibility_rule(sections):
    """``readers(section)`` and ``Section.objects.visible_to(user)`` agree for every
    demo account and section."""
    for username, _ in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        visible = set(Section.objects.visible_to(user).values_list("pk", flat=True))
        for section in sections.values():
            assert readers(section).filter(pk=user.pk).exists() == (section.pk in visible), (
                username, section.title)


def test_a_reply_reaches_the_subscribers_who_read_the_section(sections, user, client_for):
    city = sections["city"]
    author = user("school1.parent")
    topic = actions.start_topic(city, author, title="Кружки", text="Какие кружки есть?")
    answer = actions.add_post(topic, user("school2.parent"), text="Робототехника")
    assert told(answer) == {"school1.parent"}
    # school1.teacher follows the topic by its button.
    client_for("school1.teacher").post(reverse("forum:subscribe", args=[topic.pk]),
                                       {"subscribed": "1"})
    assert Subscription.objects.filter(topic=topic, user__username="school1.teacher").exists()
    # The topic moves to school 1's parents' club: school2.parent and the teacher,
    # subscribers still, no longer read it.
    actions.move_topic(topic, user("admin"), sections["parents1"])
    topic.refresh_from_db()
    reply = actions.add_post(topic, user("school1.admin"), text="Спасибо за вопрос")
    assert told(reply) == {"school1.parent"}
    note = Notification.objects.get(source_key=f"forum.post:{reply.pk}")
    assert note.url == reverse("forum:post", args=[reply.pk])
    assert "Кружки" in note.title and "Спасибо за вопрос" in note.body


def test_a_quoted_author_hears_of_the_reply_and_an_unsubscribed_one_does_not(sections, user):
    topic = actions.start_topic(sections["class5a"], user("school1.classteacher"),
                                title="Экскурсия", text="Кто идёт?")
    first = topic.posts.get()
    parent = user("school1.parent")
    mine = actions.add_post(topic, parent, text="Мы идём")
    actions.set_subscription(topic, parent, False)
    # A reply to the parent's post tells the parent although they unsubscribed.
    reply = actions.add_post(topic, user("school1.pupil"), text="И я", reply_to=mine)
    assert told(reply) == {"school1.classteacher", "school1.parent"}
    plain = actions.add_post(topic, user("school1.pupil"), text="Во сколько?",
                             reply_to=first)
    assert told(plain) == {"school1.classteacher"}


def test_an_author_is_never_told_of_their_own_post(sections, user):
    author = user("school1.teacher")
    topic = actions.start_topic(sections["staff1"], author, title="Тема", text="Текст")
    post = actions.add_post(topic, author, text="Дополнение", reply_to=topic.posts.first())
    assert told(post) == set()


def test_a_report_tells_the_sections_moderators_only(sections, user):
    post = actions.start_topic(sections["class5a"], user("school1.pupil"), title="Тема",
                               text="Текст").posts.get()
    report = actions.report_post(post, user("school1.parent"), "Не по теме")
    told_of_report = set(Notification.objects.filter(
        source_key=f"forum.report:{report.pk}").values_list("user__username", flat=True))
    assert told_of_report == {"school1.admin", "school1.classteacher"}


def test_the_subscription_button_needs_a_reader(client_for, sections, lunch):
    response = client_for("school2.parent").post(reverse("forum:subscribe", args=[lunch.pk]),
                                                 {"subscribed": "1"})
    assert response.status_code == 404
    assert not Subscription.objects.filter(topic=lunch,
                                           user__username="school2.parent").exists()

"""R-FRM-1 moderation: hide a post with a reason, ban its author from the section for a
time with a reason, close, pin and move topics, reports and their queue, the named
moderators; each action logged with Wagtail's log entries and refused, at the action
itself, to anyone but the section's moderators."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forum import actions
from forum.models import Ban, Moderator, Post, Report, Topic

from .conftest import first_post

pytestmark = pytest.mark.django_db


def logged(action, section):
    return ModelLogEntry.objects.filter(action=action, data__section=section.pk)


def test_the_admin_hides_a_post_and_bans_its_author_for_a_week(client_for, sections, user):
    """Done when: school1.admin hides a post and bans its author for a week, and the
    author cannot post there (but still reads it, and elsewhere writes on)."""
    parents = sections["parents1"]
    author = user("school1.parent")
    topic = actions.start_topic(parents, author, title="Спорная тема", text="Резкий текст")
    post = topic.posts.get()
    admin = client_for("school1.admin")
    response = admin.post(reverse("forum:post_hide", args=[post.pk]),
                          {"reason": "Оскорбительный тон"})
    assert response.status_code == 302
    response = admin.post(reverse("forum:post_ban", args=[post.pk]),
                          {"days": "7", "reason": "Оскорбления в адрес родителей"})
    assert response.status_code == 302
    ban = Ban.objects.get(user=author, section=parents)
    assert ban.ends_at - ban.starts_at == datetime.timedelta(days=7)
    assert logged(actions.POST_HIDDEN, parents).filter(object_id=str(post.pk)).exists()
    assert logged(actions.USER_BANNED, parents).filter(data__user=author.pk).exists()

    # Moderators see the text and the reason; readers a placeholder.
    page = admin.get(topic.get_absolute_url()).content.decode()
    assert "Скрыто модератором: Оскорбительный тон" in page and "Резкий текст" in page
    parent = client_for("school1.parent")
    page = parent.get(topic.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Резкий текст" not in html and "Сообщение скрыто модератором." in html
    assert "Оскорбительный тон" not in html
    # The author is told why and until when, and cannot write there.
    assert "Оскорбления в адрес родителей" in html and "до " in html
    assert 'id="reply"' not in html
    before = Post.objects.count()
    response = parent.post(reverse("forum:reply", args=[topic.pk]), {"text": "А я напишу"})
    assert response.status_code == 403
    assert "Оскорбления в адрес родителей" in response.content.decode()
    response = parent.post(reverse("forum:topic_new", args=[parents.pk]),
                           {"title": "Новая", "text": "Текст"})
    assert response.status_code == 403
    assert Post.objects.count() == before
    with pytest.raises(actions.Refused):
        actions.add_post(topic, author, text="Мимо формы")
    with pytest.raises(actions.Refused):
        actions.start_topic(parents, author, title="Мимо формы", text="Текст")
    # Elsewhere the author writes on.
    actions.start_topic(sections["class5a"], author, title="Другая тема", text="Текст")

    # A week later the ban is over.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        author = user("school1.parent")
        actions.add_post(topic, author, text="Снова пишу")


def test_only_moderators_moderate_even_without_the_views(sections, user, lunch):
    post = lunch.posts.exclude(hidden_at__isnull=False).first()
    reader = user("school1.parent")
    for action in (lambda: actions.hide_post(post, reader, "Нет"),
                   lambda: actions.show_post(post, reader),
                   lambda: actions.set_closed(lunch, reader, True),
                   lambda: actions.set_pinned(lunch, reader, True),
                   lambda: actions.move_topic(lunch, reader, sections["class5a"]),
                   lambda: actions.ban(lunch.section, reader, user("school1.admin"), days=1,
                                       reason="Нет")):
        with pytest.raises(actions.Refused):
            action()
    post.refresh_from_db()
    lunch.refresh_from_db()
    assert not post.is_hidden and not lunch.is_closed and not lunch.pinned


def test_a_closed_topic_refuses_replies_at_the_action(sections, user, client_for):
    closed = Topic.objects.get(section=sections["parents2"], closed_at__isnull=False)
    parent = user("school2.parent")
    before = closed.posts.count()
    with pytest.raises(actions.Refused, match="Тема закрыта"):
        actions.add_post(closed, parent, text="Ещё ответ")
    # Moderators too: reopen first.
    with pytest.raises(actions.Refused):
        actions.add_post(closed, user("school2.admin"), text="Ещё ответ")
    client = client_for("school2.parent")
    response = client.post(reverse("forum:reply", args=[closed.pk]), {"text": "Ещё ответ"})
    assert response.status_code == 403 and "Тема закрыта" in response.content.decode()
    assert closed.posts.count() == before
    page = client.get(closed.get_absolute_url()).content.decode()
    assert 'id="reply"' not in page and "data-quote" not in page
    actions.set_closed(closed, user("school2.admin"), False)
    actions.add_post(closed, parent, text="Ещё ответ")
    assert logged(actions.TOPIC_REOPENED, sections["parents2"]).exists()


def test_close_pin_and_move_through_the_page(client_for, sections, user):
    topic = actions.start_topic(sections["school1"], user("school1.teacher"), title="Тема",
                                text="Текст")
    admin = client_for("school1.admin")
    url = reverse("forum:topic_moderate", args=[topic.pk])
    assert admin.post(url, {"action": "pin"}).status_code == 302
    assert admin.post(url, {"action": "close"}).status_code == 302
    topic.refresh_from_db()
    assert topic.pinned and topic.is_closed
    listing = admin.get(sections["school1"].get_absolute_url())
    assert listing.context["page"].object_list[0] == topic
    # Moved to the staff room: its readers are the staff room's.
    response = admin.post(reverse("forum:topic_move", args=[topic.pk]),
                          {"section": sections["staff1"].pk})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.section == sections["staff1"]
    assert client_for("school1.pupil").get(topic.get_absolute_url()).status_code == 404
    for action in (actions.TOPIC_PINNED, actions.TOPIC_CLOSED):
        assert logged(action, sections["school1"]).filter(object_id=str(topic.pk)).exists()
    assert logged(actions.TOPIC_MOVED, sections["staff1"]).filter(
        data__source=sections["school1"].pk).exists()


def test_a_topic_moves_only_into_a_section_the_moderator_moderates(client_for, sections, user):
    topic = Topic.objects.filter(section=sections["school1"]).first()
    response = client_for("school1.admin").post(reverse("forum:topic_move", args=[topic.pk]),
                                                {"section": sections["school2"].pk})
    assert response.status_code == 400
    with pytest.raises(actions.Refused):
        actions.move_topic(topic, user("school1.admin"), sections["school2"])
    topic.refresh_from_db()
    assert topic.section == sections["school1"]


def test_a_moderator_cannot_be_banned_nor_ban_themself(sections, user):
    admin = user("school1.admin")
    with pytest.raises(actions.Refused):
        actions.ban(sections["class5a"], admin, user("school1.classteacher"), days=7,
                    reason="Нет")
    with pytest.raises(actions.Refused):
        actions.ban(sections["class5a"], user("school1.classteacher"), admin, days=7,
                    reason="Нет")


@pytest.mark.parametrize("data, message", [
    ({"days": "7", "reason": ""}, "заполнить это поле"),
    ({"days": "1000", "reason": "Причина"}, "Выберите корректный вариант"),
    ({"days": "abc", "reason": "Причина"}, "Выберите корректный вариант"),
])
def test_a_bad_ban_is_refused_and_nothing_saved(client_for, lunch, data, message):
    post = lunch.posts.filter(author__username="school1.parent").first()
    before = Ban.objects.count()
    response = client_for("school1.admin").post(reverse("forum:post_ban", args=[post.pk]),
                                                data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Ban.objects.count() == before


def test_a_hide_needs_a_reason(client_for, lunch):
    post = lunch.posts.filter(hidden_at__isnull=True).first()
    response = client_for("school1.admin").post(reverse("forum:post_hide", args=[post.pk]),
                                                {"reason": "  "})
    assert response.status_code == 400
    post.refresh_from_db()
    assert not post.is_hidden


def test_the_demo_ban_is_lifted_and_logged(client_for, sections):
    ban = sections["parents1"].bans.get()
    page = client_for("school1.admin").get(reverse("forum:moderation",
                                                   args=[sections["parents1"].pk]))
    assert ban.reason in page.content.decode()
    response = client_for("school1.admin").post(reverse("forum:ban_lift", args=[ban.pk]))
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    assert logged(actions.BAN_LIFTED, sections["parents1"]).exists()
    assert actions.reader(ban.user).banned_in(sections["parents1"]) is None


def test_a_hidden_post_is_shown_again(client_for, lunch):
    hidden = lunch.posts.get(hidden_at__isnull=False)
    response = client_for("school1.admin").post(reverse("forum:post_show", args=[hidden.pk]))
    assert response.status_code == 302
    hidden.refresh_from_db()
    assert not hidden.is_hidden and hidden.hidden_reason == ""
    assert hidden.text in client_for("school1.parent").get(
        lunch.get_absolute_url()).content.decode()


def test_reports_reach_the_queue_of_the_sections_moderators(client_for, lunch, user):
    post = lunch.posts.filter(hidden_at__isnull=True).exclude(
        author__username="school1.parent").first()
    client = client_for("school1.parent")
    response = client.post(reverse("forum:post_report", args=[post.pk]),
                           {"reason": "Реклама"})
    assert response.status_code == 302
    # Twice is once.
    client.post(reverse("forum:post_report", args=[post.pk]), {"reason": "Реклама"})
    assert Report.objects.open().filter(post=post).count() == 1
    queue = client_for("school1.admin").get(reverse("forum:reports"))
    assert [row.post for row in queue.context["page"].object_list] == [post]
    assert not client_for("school2.admin").get(
        reverse("forum:reports")).context["page"].object_list
    # Hiding the post resolves its reports.
    actions.hide_post(post, user("school1.admin"), "Реклама")
    assert not Report.objects.open().filter(post=post).exists()
    assert logged(actions.POST_REPORTED, lunch.section).exists()


def test_a_report_is_dismissed(client_for, lunch, user):
    post = first_post(lunch)
    report = actions.report_post(post, user("school1.admin"), "Проверить")
    response = client_for("school1.admin").post(reverse("forum:report_dismiss",
                                                        args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolution == "dismissed"
    assert logged(actions.REPORT_DISMISSED, lunch.section).exists()


def test_a_hidden_post_cannot_be_reported_by_who_cannot_read_it(lunch, user):
    hidden = lunch.posts.get(hidden_at__isnull=False)
    with pytest.raises(actions.Refused):
        actions.report_post(hidden, user("school1.parent"), "Посмотрите")


def test_the_administrator_names_a_moderator(client_for, sections, user):
    parents = sections["parents1"]
    teacher = user("school1.teacher")
    admin = client_for("school1.admin")
    page = admin.get(reverse("forum:moderation", args=[parents.pk]))
    assert teacher in page.context["moderator_form"].fields["user"].queryset
    assert user("school2.teacher") not in page.context["moderator_form"].fields["user"].queryset
    response = admin.post(reverse("forum:moderator_add", args=[parents.pk]),
                          {"user": teacher.pk})
    assert response.status_code == 302
    assert Moderator.objects.filter(section=parents, user=teacher).exists()
    # The moderator reads the section now, and moderates it.
    assert client_for("school1.teacher").get(parents.get_absolute_url()).status_code == 200
    assert user("school1.teacher").has_perm("forum.moderate_section", parents)
    # A forged user of another school is refused.
    response = admin.post(reverse("forum:moderator_add", args=[parents.pk]),
                          {"user": user("school2.teacher").pk})
    assert not Moderator.objects.filter(user__username="school2.teacher").exists()
    # A named moderator does not name others; the administrator removes them.
    response = client_for("school1.classteacher").post(
        reverse("forum:moderator_add", args=[sections["class5a"].pk]), {"user": teacher.pk})
    assert response.status_code == 403
    admin = client_for("school1.admin")
    response = admin.post(reverse("forum:moderator_remove", args=[parents.pk, teacher.pk]))
    assert response.status_code == 302
    assert not Moderator.objects.filter(section=parents, user=teacher).exists()
    assert logged(actions.MODERATOR_ADDED, parents).exists()
    assert logged(actions.MODERATOR_REMOVED, parents).exists()


def test_the_moderation_log_lists_the_sections_actions(client_for, sections):
    page = client_for("school1.admin").get(reverse("forum:moderation",
                                                   args=[sections["parents1"].pk]))
    labels = [entry.action for entry in page.context["log"]]
    assert actions.POST_HIDDEN in labels and actions.USER_BANNED in labels
    assert all(entry.data["section"] == sections["parents1"].pk for entry in page.context["log"])


def test_sections_are_kept_by_the_schools_administrator(client_for, sections, class_5a):
    admin = client_for("school1.admin")
    response = admin.post(reverse("forum:section_new"), {
        "title": "6Б: родители", "audience": "class", "school_class": class_5a.pk,
        "position": "3", "description": ""})
    assert response.status_code == 302
    made = sections["city"].__class__.objects.get(title="6Б: родители")
    assert made.institution_id == class_5a.institution_id
    assert logged(actions.SECTION_CREATED, made).exists()
    # Another school's administrator cannot make one here, nor edit it.
    other = client_for("school2.admin")
    assert other.get(reverse("forum:section_edit", args=[made.pk])).status_code == 404
    response = other.post(reverse("forum:section_new"), {
        "title": "Чужой", "audience": "class", "school_class": class_5a.pk, "position": "0"})
    assert response.status_code == 400
    assert not made.__class__.objects.filter(title="Чужой").exists()
    # A parent makes none.
    assert client_for("school1.parent").get(reverse("forum:section_new")).status_code == 403
    # The department's administrator keeps the city's.
    response = client_for("dept.admin").post(reverse("forum:section_new"), {
        "title": "Вопросы управлению", "audience": "city", "position": "1"})
    assert response.status_code == 302

"""Issue 16's forum "Done when" on a phone (390 × 844): school1.admin hides a post in
school 1's parents' club with a reason and bans its author for a week; the author then
reads the section, sees the placeholder and is told why and until when, and finds no
way to write there. Nothing scrolls sideways, on a phone or a desktop."""

import re

import pytest
from playwright.sync_api import Page, expect

from forum.models import Ban, Topic
from tests.browser.test_phone_diary import DESKTOP, PHONE, assert_no_sideways_scrolling, shot
from tests.browser.test_screenshots import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.browser
def test_the_admin_hides_a_post_and_bans_its_author_on_a_phone(page: Page, demo_city):
    page.set_viewport_size(PHONE)
    topic = Topic.objects.get(section__institution__short_name="СОШ № 1",
                              section__title="Родительский клуб", title="Питание в столовой")
    post = topic.posts.filter(author__username="school1.parent").order_by("pk").first()
    log_in(page, "school1.admin")
    page.goto(f"/forum/topics/{topic.pk}/")
    article = page.locator(f"article[data-post='{post.pk}']")
    expect(article.locator("[data-body]")).to_contain_text("каша остывшая")
    assert_no_sideways_scrolling(page)
    shot(page, "forum-topic-moderator")

    article.locator("[data-hide]").click()
    page.locator("textarea[name='reason']").fill("Жалобы на столовую — в раздел школы")
    page.locator("main form button[type='submit']").click()
    expect(article.locator("[data-hidden]")).to_have_text(
        "Скрыто модератором: Жалобы на столовую — в раздел школы")

    article.locator("[data-ban-author]").click()
    expect(page.locator("select[name='days']")).to_have_value("7")
    page.locator("textarea[name='reason']").fill("Повторные сообщения не по теме раздела")
    assert_no_sideways_scrolling(page)
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".messages")).to_contain_text("не может писать в разделе")
    ban = Ban.objects.get(user=post.author, section=topic.section, lifted_at__isnull=True)
    assert (ban.ends_at - ban.starts_at).days == 7

    page.context.clear_cookies()
    log_in(page, "school1.parent")
    page.goto(f"/forum/topics/{topic.pk}/")
    expect(page.locator(f"article[data-post='{post.pk}'] [data-hidden]")).to_have_text(
        "Сообщение скрыто модератором.")
    notice = page.locator("[data-ban]")
    expect(notice).to_contain_text("Повторные сообщения не по теме раздела")
    expect(notice).to_contain_text("до ")
    expect(page.locator("#reply")).to_have_count(0)
    expect(page.locator("[data-quote]")).to_have_count(0)
    assert_no_sideways_scrolling(page)
    shot(page, "forum-topic-banned-author")
    page.goto(f"/forum/sections/{topic.section_id}/")
    expect(page.locator("[data-new-topic]")).to_have_count(0)
    expect(page.locator("[data-ban]")).to_be_visible()
    response = page.goto(f"/forum/topics/{topic.pk}/reply/")
    assert response.status == 403
    expect(page.locator("[data-refusal]")).to_contain_text("Повторные сообщения")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_parent_reads_and_replies_with_a_quote(page: Page, demo_city, viewport):
    page.set_viewport_size(viewport)
    log_in(page, "school1.parent")
    page.goto("/forum/")
    assert_no_sideways_scrolling(page)
    shot(page, "forum-index")
    page.locator("[data-section] a", has_text="5А: родители и ученики").first.click()
    assert_no_sideways_scrolling(page)
    shot(page, "forum-section")
    page.locator("[data-topic] a", has_text="Экскурсия в музей").first.click()
    page.locator("[data-quote]").first.click()
    text = page.locator("textarea[name='text']")
    expect(text).to_have_value(re.compile(r"^> \*\*.+\*\*:"))
    text.fill(text.input_value() + "А обед брать?")
    assert_no_sideways_scrolling(page)
    page.locator("main form button[type='submit']").click()
    newest = page.locator("article[data-post]").last
    expect(newest.locator("[data-body] blockquote")).to_have_count(1)
    expect(newest.locator("[data-body]")).to_contain_text("А обед брать?")
    expect(newest.locator("[data-edit]")).to_have_count(1)
    assert_no_sideways_scrolling(page)
    shot(page, "forum-topic")

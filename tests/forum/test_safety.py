"""R-FRM-1 "user text is sanitised", R-NF-3: a post's script payloads and
``javascript:`` / ``data:`` links render inert on its page, in its feed, the search and
the notifications; the safe formatting stays; bad input gets a Russian message and
changes nothing; the author edits only within the window."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from forum import actions, markup
from forum.models import Attachment, Post, Topic
from records.factories import PDF

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[ссылка](javascript:alert(1))",
    "[ссылка](JaVaScRiPt:alert(1))",
    "[ссылка](java\tscript:alert(1))",
    "[картинка](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '[x](https://example.ru" onmouseover="alert(1))',
    "[<img src=x onerror=alert(1)>](https://example.ru)",
    "**<script>alert(1)</script>**",
    "`</code><script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "> <iframe src=javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<scr<script>ipt>alert(1)</script>",
    "https://example.ru/\"><script>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)//-->",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
]


class Elements(HTMLParser):
    """The elements and attributes of a piece of HTML, as a browser's parser finds them
    (text, however it reads, is only text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html):
    parser = Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in markup.TAGS, (tag, html)
        allowed = {"href", "rel"} if tag == "a" else set()
        assert set(attrs) <= allowed, (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith(("http://", "https://", "mailto:")), attrs


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_is_escaped_or_dropped_when_stored_and_when_shown(payload):
    rendered = markup.render(payload)
    assert_inert(rendered)
    # A row written another way (the shell, an old row) is cleaned again when shown.
    assert_inert(markup.clean(payload))


def test_the_safe_formatting_stays():
    html = markup.render(
        "**жирный** и *курсив*, `код`\n\n- раз\n- два\n\n1. один\n\n> цитата\n\n"
        "[сайт](https://edu.example.ru/?a=1&b=2), mailto: [почта](mailto:info@example.ru), "
        "https://example.ru/path.\n\n```\nif a < b:\n    pass\n```")
    for piece in ("<strong>жирный</strong>", "<em>курсив</em>", "<code>код</code>",
                  "<ul><li>раз</li><li>два</li></ul>", "<ol><li>один</li></ol>",
                  "<blockquote><p>цитата</p></blockquote>",
                  '<a href="https://edu.example.ru/?a=1&amp;b=2" '
                  'rel="nofollow noopener noreferrer ugc">сайт</a>',
                  '<a href="mailto:info@example.ru"',
                  '<a href="https://example.ru/path" ',
                  "<pre><code>if a &lt; b:\n    pass</code></pre>"):
        assert piece in html, piece


def test_a_post_full_of_payloads_renders_inert_everywhere(client_for, sections, user):
    text = "\n\n".join(PAYLOADS)
    author = user("school1.parent")
    topic = actions.start_topic(sections["parents1"], author, title="<script>alert(1)</script>",
                                text=text)
    post = topic.posts.get()
    assert "<script" not in post.html.lower()
    client = client_for("school1.admin")
    page = client.get(topic.get_absolute_url()).content.decode()
    body = page.split('data-body>', 1)[1].split("</div>", 1)[0]
    assert_inert(body)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, escaped
    feed = client.get(reverse("forum:feed", args=[sections["parents1"].pk])).content.decode()
    for text in re.findall(r"<(?:title|description)>(.*?)</(?:title|description)>", feed, re.S):
        # What a feed reader gets once the XML is read: still no tag to run.
        assert not re.search(r"<\s*(script|img|svg|iframe)", html.unescape(text), re.I)
    hits = client.get(reverse("search"), {"q": "alert"}).content.decode()
    assert "<script>alert" not in hits


def test_the_feed_description_is_text_that_a_reader_cannot_run(client_for, sections, user):
    actions.start_topic(sections["parents1"], user("school1.parent"), title="Тема",
                        text="<img src=x onerror=alert(1)> текст")
    feed = client_for("school1.parent").get(
        reverse("forum:feed", args=[sections["parents1"].pk])).content.decode()
    description = feed.split("<item>", 1)[1].split("<description>", 1)[1].split(
        "</description>", 1)[0]
    # Escaped twice: a reader that takes the description as HTML shows the text.
    assert "&amp;lt;img" in description


# Bad input -------------------------------------------------------------------------------


def counts():
    return Topic.objects.count(), Post.objects.count(), Attachment.objects.count()


@pytest.mark.parametrize("data, message", [
    ({"title": "", "text": "Текст"}, "заполнить это поле"),
    ({"title": "Тема", "text": "   "}, "заполнить это поле"),
    ({"title": "Т" * 201, "text": "Текст"}, "не более 200"),
    ({"title": "Тема", "text": "а" * 20001}, "не более 20000"),
])
def test_a_bad_topic_is_refused_with_a_russian_message_and_nothing_saved(
        client_for, sections, data, message):
    before = counts()
    response = client_for("school1.parent").post(
        reverse("forum:topic_new", args=[sections["parents1"].pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_saved(client_for, lunch):
    before = counts()
    fake = SimpleUploadedFile("report.pdf", b"<script>alert(1)</script>", "application/pdf")
    response = client_for("school1.parent").post(
        reverse("forum:reply", args=[lunch.pk]), {"text": "Смотрите файл", "files": [fake]})
    assert response.status_code == 400
    assert "по содержимому" in response.content.decode()
    assert counts() == before


def test_too_many_files_are_refused(client_for, lunch):
    before = counts()
    files = [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(4)]
    response = client_for("school1.parent").post(
        reverse("forum:reply", args=[lunch.pk]), {"text": "Файлы", "files": files})
    assert response.status_code == 400
    assert "Не более 3 файлов" in response.content.decode()
    assert counts() == before


def test_a_good_file_is_attached(client_for, lunch):
    response = client_for("school1.parent").post(
        reverse("forum:reply", args=[lunch.pk]),
        {"text": "Меню", "files": [SimpleUploadedFile("меню.html", PDF, "text/html")]})
    assert response.status_code == 302
    stored = Attachment.objects.filter(post__topic=lunch).latest("pk")
    assert stored.file.name.endswith(".pdf")


@pytest.mark.parametrize("data", [
    {"text": "Ответ", "reply_to": "99999999999999999999999"},
    {"text": "Ответ", "reply_to": "-5"},
    {"text": "Ответ", "reply_to": "abc"},
])
def test_a_forged_reply_to_is_refused(client_for, lunch, data):
    before = counts()
    response = client_for("school1.parent").post(reverse("forum:reply", args=[lunch.pk]), data)
    assert response.status_code == 400
    assert "Это не номер записи" in response.content.decode()
    assert counts() == before


def test_a_reply_to_a_post_of_another_topic_is_not_linked(client_for, lunch, sections):
    elsewhere = Post.objects.filter(topic__section=sections["parents2"]).first()
    response = client_for("school1.parent").post(
        reverse("forum:reply", args=[lunch.pk]), {"text": "Ответ", "reply_to": elsewhere.pk})
    assert response.status_code == 302
    assert Post.objects.filter(topic=lunch).latest("pk").reply_to is None


def test_a_bad_section_is_refused_in_russian(client_for, sections):
    before = sections["parents1"].__class__.objects.count()
    response = client_for("school1.admin").post(reverse("forum:section_new"), {
        "title": "Класс без класса", "audience": "class", "position": "0",
        "institution": sections["parents1"].institution_id})
    assert response.status_code == 400
    assert "Выберите класс" in response.content.decode()
    assert sections["parents1"].__class__.objects.count() == before


# The edit window ---------------------------------------------------------------------


def test_the_author_edits_within_the_window_only(client_for, sections, user, settings):
    author = user("school1.parent")
    topic = actions.start_topic(sections["parents1"], author, title="Тема", text="Было")
    post = topic.posts.get()
    client = client_for("school1.parent")
    url = reverse("forum:post_edit", args=[post.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Стало **так**"}).status_code == 302
    post.refresh_from_db()
    assert post.text == "Стало **так**" and "<strong>так</strong>" in post.html
    assert post.edited_at is not None
    # Another user may not, even inside the window.
    assert client_for("school1.admin").post(url, {"text": "Чужое"}).status_code == 403
    later = timezone.now() + datetime.timedelta(minutes=settings.FORUM_EDIT_MINUTES, seconds=1)
    with time_machine.travel(later):
        client = client_for("school1.parent")
        response = client.post(url, {"text": "Поздно"})
        assert response.status_code == 403
        assert "в течение 30 минут" in response.content.decode()
        with pytest.raises(actions.Refused):
            actions.edit_post(post, author, text="Поздно")
    post.refresh_from_db()
    assert post.text == "Стало **так**"


def test_the_edit_window_is_a_setting(sections, user, settings):
    settings.FORUM_EDIT_MINUTES = 5
    author = user("school1.parent")
    post = actions.start_topic(sections["parents1"], author, title="Тема",
                               text="Текст").posts.get()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        assert not actions.may_edit(post, author)
        with pytest.raises(actions.Refused):
            actions.edit_post(post, author, text="Новое")


def test_a_hidden_post_and_a_closed_topics_post_are_not_edited(sections, user):
    author = user("school1.parent")
    topic = actions.start_topic(sections["parents1"], author, title="Тема", text="Текст")
    post = topic.posts.get()
    actions.set_closed(topic, user("school1.admin"), True)
    post.refresh_from_db()
    with pytest.raises(actions.Refused):
        actions.edit_post(post, author, text="Новое")
    actions.set_closed(topic, user("school1.admin"), False)
    actions.hide_post(post, user("school1.admin"), "Не по теме")
    with pytest.raises(actions.Refused):
        actions.edit_post(post, author, text="Новое")
    post.refresh_from_db()
    assert post.text == "Текст"

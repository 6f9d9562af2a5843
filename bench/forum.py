"""Times the forum (issue 16, R-NF-2) on a demo city of a given size with a big forum
added. Run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench \\
        .venv/bin/python bench/forum.py --size large --topics 3000 --posts 30 [--keep]

It migrates the database, rebuilds the city (unless --keep), writes ``--topics`` topics
of ``--posts`` posts each into school 1's parents' club and 5А's section (in bulk, as
if years of use; the rows of an earlier run are kept and topped up), marks some read
by the demo parent, then requests the section list, both sections' first and last
pages, a long topic's first and last pages and the search as the demo parent and the
school's administrator, and prints the median server time and the number of queries.
"""

import argparse
import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import add_arguments, prepare, time_pages  # noqa: E402
from forum import listing, markup  # noqa: E402
from forum.models import Post, ReadMark, Section, Topic  # noqa: E402
from records.models import Parent, Pupil, User  # noqa: E402

BATCH = 5000


@transaction.atomic
def fill(section, topics, posts):
    """``topics`` topics of ``posts`` posts in ``section`` by its school's parents."""
    have = Topic.objects.filter(section=section).count()
    if have >= topics:
        return
    authors = list(User.objects.filter(person__parent_records__institution_id=(
        section.institution_id)).values_list("pk", flat=True)[:200]) or [
        User.objects.get(username="school1.parent").pk]
    text = ("Дети жалуются, что **каша** остывшая. Давайте спросим администрацию: "
            "https://edu.example.ru/menu\n\n> Цитата из прошлого сообщения")
    html = markup.render(text)
    start = timezone.now() - datetime.timedelta(days=700)
    new = Topic.objects.bulk_create([
        Topic(section=section, title=f"Тема № {number}", author_id=authors[number % len(authors)],
              created_at=start + datetime.timedelta(minutes=number))
        for number in range(have, topics)], batch_size=BATCH)
    rows = []
    for topic in new:
        for number in range(posts):
            rows.append(Post(topic=topic, author_id=authors[(topic.pk + number) % len(authors)],
                             text=text, html=html,
                             created_at=topic.created_at + datetime.timedelta(minutes=number)))
        if len(rows) >= BATCH:
            Post.objects.bulk_create(rows, batch_size=BATCH)
            rows = []
    Post.objects.bulk_create(rows, batch_size=BATCH)
    last = {row["topic"]: row["last"] for row in Post.objects.filter(topic__in=new).values(
        "topic").annotate(last=Max("pk"))}
    for topic in new:
        topic.last_post_id = last[topic.pk]
    Topic.objects.bulk_update(new, ["last_post"], batch_size=BATCH)
    parent = User.objects.get(username="school1.parent")
    ReadMark.objects.bulk_create([
        ReadMark(user=parent, topic=topic, post_id=topic.last_post_id) for topic in new[::3]],
        batch_size=BATCH, ignore_conflicts=True)


def pages():
    school = "СОШ № 1"
    parents = Section.objects.get(institution__short_name=school, title="Родительский клуб")
    klass = Section.objects.get(institution__short_name=school, audience="class")
    long = Topic.objects.filter(section=parents).order_by("pk").last()
    rows = []
    for username in ("school1.parent", "school1.admin"):
        rows.append((username, "section list", reverse("forum:index")))
        for section in (parents, klass):
            count = Topic.objects.filter(section=section).count()
            last = max(1, -(-count // listing.TOPICS_PER_PAGE))
            url = reverse("forum:section", args=[section.pk])
            rows += [(username, f"section {section.pk}, page 1", url),
                     (username, f"section {section.pk}, page {last}", f"{url}?page={last}")]
        posts = long.posts.count()
        last = max(1, -(-posts // listing.POSTS_PER_PAGE))
        url = reverse("forum:topic", args=[long.pk])
        rows += [(username, "topic, page 1", url),
                 (username, f"topic, page {last}", f"{url}?page={last}"),
                 (username, "search «каша»", reverse("search") + "?q=каша")]
    return rows


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.add_argument("--topics", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    prepare(args, ("testserver", "localhost", "127.0.0.1"))
    for title in ("Родительский клуб", None):
        sections = Section.objects.filter(institution__short_name="СОШ № 1")
        section = (sections.get(title=title) if title else sections.get(audience="class"))
        fill(section, args.topics, args.posts)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"{Pupil.objects.count()} pupils, {Parent.objects.count()} parents, "
          f"{Topic.objects.count()} topics, {Post.objects.count()} posts on {connection.vendor}")
    time_pages(pages(), args.repeat, label_width=24, user_width=16)


if __name__ == "__main__":
    main()

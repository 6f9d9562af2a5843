"""The forum's lists in a fixed number of queries (R-NF-2): the sections a user reads
with their activity, a section's topics, a topic's posts. Counts, the newest post and
the reader's unread marker are subqueries of the one query that lists the rows, so a
page costs the same whatever the number of topics and posts."""

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Post, ReadMark, Section, Topic

TOPICS_PER_PAGE = 20
POSTS_PER_PAGE = 20


def _count(queryset, group):
    return Coalesce(Subquery(queryset.order_by().values(group).annotate(n=Count("pk"))
                             .values("n")[:1], output_field=IntegerField()), 0)


def _unread(user, topics):
    """Topics of ``topics`` with a post newer than the newest ``user`` has seen."""
    seen = ReadMark.objects.filter(user_id=user.pk, topic=OuterRef("pk"),
                                   post_id__gte=OuterRef("last_post_id"))
    return topics.filter(last_post__isnull=False).filter(~Exists(seen))


def sections(user):
    """The sections ``user`` reads, in order, each with ``topic_count``, ``unread``
    (a topic with posts the user has not seen) and ``latest`` (its topic of the newest
    post, with that post and its author). Two queries."""
    topics = Topic.objects.filter(section=OuterRef("pk"))
    rows = list(Section.objects.visible_to(user).ordered()
                .select_related("institution", "school_class")
                .annotate(topic_count=_count(topics, "section"),
                          unread=Exists(_unread(user, topics)),
                          latest_topic_id=Subquery(
                              topics.filter(last_post__isnull=False)
                              .order_by("-last_post_id").values("pk")[:1])))
    ids = [row.latest_topic_id for row in rows if row.latest_topic_id]
    latest = {topic.pk: topic for topic in Topic.objects.filter(pk__in=ids)
              .select_related("last_post__author__person")} if ids else {}
    for row in rows:
        row.latest = latest.get(row.latest_topic_id)
    return rows


def topics(user, section):
    """``section``'s topics, pinned first, then by their newest post, each with
    ``reply_count`` and ``unread``."""
    seen = ReadMark.objects.filter(user_id=user.pk, topic=OuterRef("pk")).values("post_id")
    return (Topic.objects.filter(section=section)
            .select_related("author__person", "last_post__author__person")
            .annotate(post_count=_count(Post.objects.filter(topic=OuterRef("pk")), "topic"),
                      read_up_to=Subquery(seen[:1]))
            .order_by("-pinned", F("last_post_id").desc(nulls_last=True), "-pk"))


def posts(topic):
    return (topic.posts.select_related("author__person", "reply_to__author__person",
                                       "hidden_by__person")
            .prefetch_related("attachments").order_by("pk"))


def page_of(post):
    """The page of its topic that shows ``post``."""
    before = Post.objects.filter(topic_id=post.topic_id, pk__lt=post.pk).count()
    return before // POSTS_PER_PAGE + 1

"""A section's feed (RSS) of its newest posts, through the same ``visible_to`` as its
page: a reader of the section gets it (by the session, or by the personal address of
announcements/feeds.py, for feed readers that cannot sign in), anyone else 404. Hidden
posts are in no feed, a moderator's either."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from announcements.feeds import user_of_token

from .models import Post, Section, author_name

FEED_ITEMS = 30


class SectionFeed(Feed):
    def get_object(self, request, pk, token=None):
        user = user_of_token(token) if token is not None else (
            request.user if request.user.is_authenticated else AnonymousUser())
        self.request = request
        return get_object_or_404(Section.objects.visible_to(user), pk=pk)

    def title(self, section):
        return _("Forum: %(section)s") % {"section": section.title}

    def description(self, section):
        return section.description or section.title

    def link(self, section):
        return section.get_absolute_url()

    def items(self, section):
        return (Post.objects.shown().filter(topic__section=section)
                .select_related("topic", "author__person").order_by("-pk")[:FEED_ITEMS])

    # Feed readers take titles and descriptions as HTML: plain text goes escaped (as
    # Django's own default title is).
    def item_title(self, post):
        return escape(post.topic.title)

    def item_description(self, post):
        return escape(post.excerpt(400))

    def item_link(self, post):
        return reverse("forum:post", args=[post.pk])

    def item_author_name(self, post):
        return author_name(post.author)

    def item_pubdate(self, post):
        return post.created_at

    def item_updateddate(self, post):
        return post.edited_at or post.created_at

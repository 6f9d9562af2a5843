"""RSS and Atom feeds of the announcements (R-ANN-1), through the same
``visible_to`` as every page: a visitor's feed has the public announcements, a signed-in
user's (by the session) their own, and a personal feed address carries a signed token
for feed readers that cannot sign in. The token names the login and part of its
password hash: a new password makes the old address stop working."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import AnnouncementPage

FEED_ITEMS = 30
SALT = "announcements.feed"


def _fingerprint(user):
    return (user.password or "")[-12:]


def feed_token(user):
    return signing.dumps([user.pk, _fingerprint(user)], salt=SALT, compress=True)


def user_of_token(token):
    from records.models import User

    try:
        pk, fingerprint = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or _fingerprint(user) != fingerprint:
        raise Http404
    return user


class AnnouncementsFeed(Feed):
    title = _("Announcements")
    description = _("The newest announcements addressed to you.")

    def get_object(self, request, token=None):
        self.request = request
        if token is not None:
            return user_of_token(token)
        return request.user if request.user.is_authenticated else AnonymousUser()

    def link(self, obj):
        return "/"

    def items(self, user):
        return (AnnouncementPage.objects.visible_to(user).newest_first()
                .select_related("institution")[:FEED_ITEMS])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt(80)

    def item_link(self, item):
        return item.get_url(self.request) or reverse("announcements:feed")

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.institution.short_name] if item.institution_id else []


class AnnouncementsAtomFeed(AnnouncementsFeed):
    feed_type = Atom1Feed
    subtitle = AnnouncementsFeed.description

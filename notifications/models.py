"""Notifications (R-SET-1): what reached a user in the portal, what each user chose to
get per kind and channel, and the devices that take web push."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .service import Kind


class NotificationQuerySet(models.QuerySet):
    def of(self, user):
        """Only the user's own: nobody else's notification is ever listed or opened."""
        return self.filter(user_id=user.pk) if user.is_authenticated else self.none()

    def listed(self):
        """Those shown in the portal (the user may have chosen e-mail or push only)."""
        return self.filter(in_portal=True)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notification in the portal, for one user. ``source_key`` names the event
    (the row it is about, or a key the sender gives): one event reaches a user once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    source_key = models.CharField(_("source"), max_length=120, blank=True)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # False: the user chose not to see this kind in the portal; the row still says the
    # event reached them (by e-mail or push), so it never reaches them twice.
    in_portal = models.BooleanField(_("shown in the portal"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "source_key"],
                                    condition=~Q(source_key=""),
                                    name="notification_once_per_event"),
        ]
        indexes = [
            # The header's count of unread ones and the user's list, newest first.
            models.Index(fields=["user", "read_at"], condition=Q(in_portal=True),
                         name="notification_unread"),
            models.Index(fields=["user", "-created"], name="notification_list"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class Channel(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    EMAIL = "email", _("Email")
    PUSH = "push", _("Push on this device")


# What a user gets until they choose: everything in the portal, e-mail for
# announcements and for internal mail (R-MAIL-1: a letter is told by e-mail), push for
# nothing until a device is registered (then for what they tick).
EMAILED_BY_DEFAULT = {Kind.ANNOUNCEMENT, Kind.MAIL}
DEFAULTS = {
    kind: {Channel.PORTAL: True, Channel.EMAIL: kind in EMAILED_BY_DEFAULT,
           Channel.PUSH: False}
    for kind in Kind
}


class Preference(models.Model):
    """A user's channels for one kind; without a row, DEFAULTS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences",
                             verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    portal = models.BooleanField(_("in the portal"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)
    push = models.BooleanField(_("web push"), default=False)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="notification_preference_once")]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"

    def channels(self):
        return {Channel.PORTAL: self.portal, Channel.EMAIL: self.email,
                Channel.PUSH: self.push}


class PushSubscription(models.Model):
    """One browser of one user that takes web push (the subscription the browser's
    push service gave it). Deleted when the push service answers 404 or 410."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions", verbose_name=_("user"))
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_success = models.DateTimeField(_("last delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return self.user_agent or self.endpoint[:60]

    def info(self):
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

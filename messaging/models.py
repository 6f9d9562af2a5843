"""Internal mail (R-MAIL-1): threads of messages between users, within the rights.

A ``Thread`` is a conversation with a subject; its ``Message`` rows each have a sender
and their own recipients (``Recipient``: one row per recipient, with its read status),
so a reply to one person in a thread of three is read by that one person only: a user
reads the messages of a thread they sent or received, never the others. A user's place
in a thread is their ``Mailbox`` row (archived or not); the folders are read from it
(messaging/queries.py). Attachments (``Attachment``) are private files read by the
sender and the recipients of their message only.

Who may write to whom is messaging/addressbook.py; every change is messaging/actions.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import ScopedQuerySet
from portal.uploads import DOCUMENTS, OFFICE_DOCUMENTS, PrivateFileField

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class Thread(models.Model):
    """A conversation with its subject. Its latest message is each user's own
    (``Mailbox.last_message``): a reply to some of its participants is not the others'."""

    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("mail thread")
        verbose_name_plural = _("mail threads")

    def __str__(self):
        return self.subject


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages",
                               verbose_name=_("thread"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="sent_mail", verbose_name=_("sender"))
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH, blank=True)
    # A forwarded message's header, text and what it quoted itself, as it was then.
    quoted = models.TextField(_("forwarded text"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # The message this one answers, or forwards (then in a thread of its own).
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="replies", verbose_name=_("in reply to"))
    forwarded = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="forwards", verbose_name=_("forwarded message"))

    class Meta:
        verbose_name = _("mail message")
        verbose_name_plural = _("mail messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"]),
                   models.Index(fields=["sender", "thread"])]

    def __str__(self):
        return f"{self.thread.subject} ({self.sent_at:%d.%m.%Y %H:%M})"


class Recipient(models.Model):
    """One recipient of one message, with the moment they read it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients",
                                verbose_name=_("message"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="received_mail", verbose_name=_("recipient"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient of a message")
        verbose_name_plural = _("recipients of messages")
        constraints = [models.UniqueConstraint(fields=["message", "user"],
                                               name="mail_recipient_once")]
        indexes = [
            # The header's count of unread mail.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True),
                         name="mail_unread"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.message_id}"


class Mailbox(models.Model):
    """A user's place in a thread they wrote or received a message of: archived or not.
    There is no row for anyone else, so a thread is opened only through one."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mailboxes",
                               verbose_name=_("thread"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="mailboxes", verbose_name=_("user"))
    # In the thread as a recipient (the inbox) and as a sender (sent mail).
    received = models.BooleanField(pgettext_lazy("mail", "received"), default=False)
    sent = models.BooleanField(pgettext_lazy("mail", "sent"), default=False)
    # The latest message of the thread this user sent or received (the folder's row
    # shows it), and when it was sent (the folders' order).
    last_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("latest message"))
    last_message_at = models.DateTimeField(_("sent at"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [models.UniqueConstraint(fields=["thread", "user"],
                                               name="mailbox_once_per_thread")]
        indexes = [models.Index(fields=["user", "archived_at", "-last_message_at"],
                                name="mailbox_folder")]

    def __str__(self):
        return f"{self.user_id}: {self.thread_id}"


class AttachmentQuerySet(ScopedQuerySet):
    pass


class Attachment(models.Model):
    """A file of a message. A forwarded message's attachments are new rows holding the
    same stored file, so each is read by the participants of its own message."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    file = PrivateFileField(_("file"), upload_to="mail/%Y/%m/",
                            kinds=DOCUMENTS + OFFICE_DOCUMENTS)

    objects = AttachmentQuerySet.as_manager()
    # Read by the sender and the recipients of the message (messaging/rules.py).
    access_paths = {"mailbox": ("message__sender_id", "message__recipients__user_id")}

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.file.name.rsplit("/", 1)[-1]

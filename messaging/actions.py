"""The named changes of the mail (R-MAIL-1). Every send goes through ``send``: the
recipients are checked against the sender's address book (messaging/addressbook.py),
the thread, message, recipients, mailboxes and attachments are written in one
transaction, the send is logged (Wagtail's log entries, naming no subject or text) and
the recipients are notified with the sender's name and the subject only.

    send(sender, recipient_ids, subject, body, files)   a new thread
    reply(user, message, body, files, to_all=False)      in the message's thread
    forward(user, message, recipient_ids, body)          a new thread, with attachments
    mark_read(user, thread)                              the user's unread of a thread
    archive(user, mailbox) / unarchive(user, mailbox)    the user's own folder

A refusal is a ``ValidationError`` with the reason, and nothing is written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from notifications.service import Kind, notify
from records.models import User

from . import queries
from .addressbook import address_book, may_use_mail
from .models import (
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Attachment,
    Mailbox,
    Message,
    Recipient,
    Thread,
)

SENT = "messaging.sent"
REPLIED = "messaging.replied"
FORWARDED = "messaging.forwarded"
LOG_ACTIONS = {SENT: gettext_lazy("Mail sent"), REPLIED: gettext_lazy("Mail reply sent"),
               FORWARDED: gettext_lazy("Mail forwarded")}

MAX_RECIPIENTS = 3000  # a whole school and its families, and no more
MAX_ATTACHMENTS = 5
QUOTE_MAX_LENGTH = 50_000


def clean_subject(subject):
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": _("Write the subject.")})
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError({"subject": _(
            "The subject is too long: at most %(n)s characters.") % {"n": SUBJECT_MAX_LENGTH}})
    return subject


def clean_body(body, required=True):
    body = (body or "").strip()
    if required and not body:
        raise ValidationError({"body": _("Write the message.")})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError({"body": _(
            "The message is too long: at most %(n)s characters.") % {"n": BODY_MAX_LENGTH}})
    return body


def check_recipients(sender, recipient_ids, book=None):
    """The recipients as a set of user ids, every one of them in the sender's address
    book; otherwise a ValidationError and nothing is sent."""
    if not may_use_mail(sender):
        raise PermissionDenied
    ids = set(recipient_ids)
    if not ids:
        raise ValidationError({"recipients": _("Choose at least one recipient.")})
    if len(ids) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": _("Too many recipients.")})
    book = book if book is not None else address_book(sender)
    if book.outside(ids):
        raise ValidationError({"recipients": _(
            "You cannot write to some of the chosen recipients. The message was not sent.")})
    return ids


@transaction.atomic
def _deliver(sender, thread, recipient_ids, body, *, files=(), copied=(), reply_to=None,
             forwarded=None, quoted="", action=SENT):
    now = timezone.now()
    if thread.pk is None:
        thread.created = now
        thread.save()
    message = Message.objects.create(thread=thread, sender=sender, body=body, sent_at=now,
                                     reply_to=reply_to, forwarded=forwarded, quoted=quoted)
    Recipient.objects.bulk_create(
        [Recipient(message=message, user_id=pk) for pk in sorted(recipient_ids)],
        batch_size=500)
    # Each participant's place in the thread: back in the folders (out of the archive)
    # with the new message on top.
    places = {m.user_id: m for m in Mailbox.objects.select_for_update().filter(
        thread=thread, user_id__in={sender.pk, *recipient_ids})}
    changed, new = [], []
    for pk in {sender.pk, *recipient_ids}:
        place = places.get(pk) or Mailbox(thread=thread, user_id=pk)
        place.last_message, place.last_message_at = message, now
        place.archived_at = None
        if pk == sender.pk:
            place.sent = True
        if pk in recipient_ids:
            place.received = True
        (changed if place.pk else new).append(place)
    Mailbox.objects.bulk_update(changed, ["last_message", "last_message_at", "archived_at",
                                          "sent", "received"], batch_size=500)
    Mailbox.objects.bulk_create(new, batch_size=500)
    for upload in files:
        attachment = Attachment(message=message)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    Attachment.objects.bulk_create([Attachment(message=message, file=a.file.name)
                                    for a in copied])
    # The log names the message, its thread and how many received it: never the
    # subject or the text, which are the correspondents' own.
    log(message, action, user=sender, title=f"{Message._meta.verbose_name} {message.pk}",
        data={"thread": thread.pk, "recipients": len(recipient_ids),
              "attachments": len(files) + len(copied)})
    notify(Kind.MAIL, User.objects.filter(pk__in=recipient_ids),
           title=_("%(sender)s: %(subject)s") % {"sender": queries.name_of(sender),
                                                 "subject": thread.subject},
           url=reverse("messaging:thread", args=[thread.pk]), source=message)
    return message


def _check_files(files, copied=()):
    if len(files) + len(copied) > MAX_ATTACHMENTS:
        raise ValidationError({"files": ngettext(
            "At most %(n)s file can be attached.", "At most %(n)s files can be attached.",
            MAX_ATTACHMENTS) % {"n": MAX_ATTACHMENTS}})


def send(sender, recipient_ids, subject, body, files=(), book=None):
    """A new thread from ``sender`` to ``recipient_ids`` (user ids); ``book``, the
    sender's address book if the caller has it already."""
    subject, body = clean_subject(subject), clean_body(body)
    ids = check_recipients(sender, recipient_ids, book)
    _check_files(files)
    return _deliver(sender, Thread(subject=subject), ids, body, files=files)


def reply_recipients(user, message, to_all=False, book=None):
    """(those a reply of ``user`` to ``message`` goes to, those left out because the
    user may no longer write to them). A reply goes to the sender (to the recipients
    of one's own message); to all, also to the message's other recipients."""
    wanted = set()
    if message.sender_id != user.pk:
        wanted.add(message.sender_id)
    if to_all or message.sender_id == user.pk:
        wanted |= {r.user_id for r in message.recipients.all()}
    wanted.discard(user.pk)
    book = book if book is not None else address_book(user)
    return wanted & book.user_ids, wanted - book.user_ids


def reply(user, message, body, files=(), to_all=False, book=None):
    """A reply in the message's thread, to those ``user`` may still address."""
    if not may_use_mail(user):
        raise PermissionDenied
    body = clean_body(body)
    ids, _left_out = reply_recipients(user, message, to_all, book)
    if not ids:
        raise ValidationError(_("You can no longer write to the participants of this "
                                "message. The reply was not sent."))
    _check_files(files)
    return _deliver(user, message.thread, ids, body, files=files, reply_to=message,
                    action=REPLIED)


def forward(user, message, recipient_ids, body="", book=None):
    """``message`` with its attachments, in a new thread, to those ``user`` may
    address; ``body`` is the user's own note above it (may be empty)."""
    subject = clean_subject((_("Fwd: %(subject)s") % {
        "subject": message.thread.subject})[:SUBJECT_MAX_LENGTH])
    body = clean_body(body, required=False)
    ids = check_recipients(user, recipient_ids, book)
    copied = list(message.attachments.all())
    _check_files((), copied)
    header = _("Forwarded message from %(sender)s, %(date)s") % {
        "sender": queries.name_of(message.sender),
        "date": timezone.localtime(message.sent_at).strftime("%d.%m.%Y %H:%M")}
    quoted = "\n\n".join(p for p in (header, message.body, message.quoted) if p)
    return _deliver(user, Thread(subject=subject), ids, body, copied=copied,
                    forwarded=message, quoted=quoted[:QUOTE_MAX_LENGTH], action=FORWARDED)


def mark_read(user, thread):
    """The user's unread messages of the thread, read now. Returns how many."""
    return Recipient.objects.filter(user_id=user.pk, message__thread_id=thread.pk,
                                    read_at__isnull=True).update(read_at=timezone.now())


def archive(user, mailbox):
    if mailbox.user_id != user.pk:
        raise PermissionDenied
    if mailbox.archived_at is None:
        mailbox.archived_at = timezone.now()
        mailbox.save(update_fields=["archived_at"])
    return mailbox


def unarchive(user, mailbox):
    if mailbox.user_id != user.pk:
        raise PermissionDenied
    if mailbox.archived_at is not None:
        mailbox.archived_at = None
        mailbox.save(update_fields=["archived_at"])
    return mailbox

"""What a user reads of the mail: their folders, a thread, the unread count. Every
function takes the user and reads only through the user's own ``Mailbox`` and
``Recipient`` rows, so the portal's pages and the API serve the same mail with the
same rights (nothing here knows about requests or templates).

Each folder is one query for a page of threads, whatever the number of threads, with
the latest message's sender and the number of unread messages of each row.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Attachment, Mailbox, Message, Recipient

INBOX, SENT, ARCHIVE = "inbox", "sent", "archive"
FOLDERS = (INBOX, SENT, ARCHIVE)


def _unread_in_thread(user):
    return (Recipient.objects.filter(user_id=user.pk, read_at__isnull=True,
                                     message__thread_id=OuterRef("thread_id"))
            .order_by().values("user_id").annotate(n=Count("pk")).values("n"))


def folder(user, name):
    """The user's threads of folder ``name``, the latest first: ``Mailbox`` rows with
    ``thread``, the latest message the user sent or received in it with its sender
    (and person), and
    ``unread`` (the user's unread messages in the thread)."""
    rows = Mailbox.objects.filter(user_id=user.pk)
    if name == INBOX:
        rows = rows.filter(received=True, archived_at__isnull=True)
    elif name == SENT:
        rows = rows.filter(sent=True, archived_at__isnull=True)
    elif name == ARCHIVE:
        rows = rows.filter(archived_at__isnull=False)
    else:
        raise ValueError(name)
    return (rows.select_related("thread", "last_message__sender__person")
            .annotate(unread=Coalesce(Subquery(_unread_in_thread(user),
                                               output_field=IntegerField()), 0))
            .order_by("-last_message_at", "-pk"))


def name_of(user):
    """How the mail names a user: the person's full name, else the login."""
    person = user.person_or_none
    return person.full_name if person else user.get_username()


def unread_count(user):
    """The user's unread messages (the header reads the same count with the user's
    row: portal/backends.py)."""
    return Recipient.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def mailbox(user, thread_pk):
    """The user's place in a thread, or 404: a thread is opened only by those who
    wrote or received a message of it."""
    return get_object_or_404(Mailbox.objects.select_related("thread"), user_id=user.pk,
                             thread_id=thread_pk)


def messages(user, thread):
    """The messages of ``thread`` the user sent or received, oldest first, with their
    senders, recipients (and read status) and attachments, in four queries."""
    own = Q(sender_id=user.pk) | Q(pk__in=Recipient.objects.filter(
        user_id=user.pk, message__thread_id=thread.pk).values("message_id"))
    return (Message.objects.filter(own, thread_id=thread.pk)
            .select_related("sender__person")
            .prefetch_related(
                Prefetch("recipients", queryset=Recipient.objects.select_related(
                    "user__person").order_by("pk")),
                Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            .order_by("sent_at", "pk"))


def message(user, pk):
    """A message the user sent or received, or 404."""
    own = Q(sender_id=user.pk) | Q(pk__in=Recipient.objects.filter(user_id=user.pk)
                                   .values("message_id"))
    return get_object_or_404(Message.objects.filter(own).select_related(
        "thread", "sender__person"), pk=pk)

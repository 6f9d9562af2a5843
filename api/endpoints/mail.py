"""The token's user's internal mail (R-MAIL-1), read through ``messaging.queries``: the
functions the mail's own pages read with, so the API answers with the same threads and
messages and never another's. Reading is all: nothing here marks a message read (a
script polling the inbox must not make the user's unread count lie)."""

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from messaging import queries

from ..declare import operation
from ..schemas import MailFolderOut, MailThreadOut, Message, PathId
from ..scopes import MAIL_READ

router = Router(tags=["mail"])

MAILBOX_RULE = _("the user's own mailbox (`messaging.queries`): threads the user wrote or "
                 "received a message of, and of those the messages the user sent or received")
MAX_LIMIT = 100


class Page(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


def _folder(request, name, page):
    rows = queries.folder(request.auth.user, name)
    count = rows.count()
    items = []
    for row in rows[page.offset:page.offset + page.limit]:
        last = row.last_message
        items.append({
            "id": row.thread_id, "subject": row.thread.subject, "unread": row.unread,
            "last_sender": queries.name_of(last.sender) if last else None,
            "last_sent_at": last.sent_at if last else row.last_message_at,
            "archived": row.archived_at is not None,
        })
    return {"count": count, "items": items}


@operation(router.get, "/mail/inbox", scope=MAIL_READ, response=MailFolderOut,
           permission=MAILBOX_RULE, summary=_("The inbox"),
           description=_("Threads with a message to the user, not archived, the latest first."))
def inbox(request, page: Query[Page]):
    return _folder(request, queries.INBOX, page)


@operation(router.get, "/mail/sent", scope=MAIL_READ, response=MailFolderOut,
           permission=MAILBOX_RULE, summary=_("Sent mail"),
           description=_("Threads the user wrote in, not archived, the latest first."))
def sent(request, page: Query[Page]):
    return _folder(request, queries.SENT, page)


@operation(router.get, "/mail/archive", scope=MAIL_READ, response=MailFolderOut,
           permission=MAILBOX_RULE, summary=_("Archived mail"))
def archive(request, page: Query[Page]):
    return _folder(request, queries.ARCHIVE, page)


@operation(router.get, "/mail/threads/{id:thread_id}", scope=MAIL_READ,
           response={200: MailThreadOut, 404: Message}, permission=MAILBOX_RULE,
           summary=_("A thread"),
           description=_("The messages of the thread the user sent or received, oldest "
                         "first; who read a message is told to its sender only, as on the "
                         "mail's page."))
def thread(request, thread_id: PathId):
    user = request.auth.user
    place = queries.mailbox(user, thread_id)
    messages = []
    for row in queries.messages(user, place.thread):
        own = row.sender_id == user.pk
        messages.append({
            "id": row.pk, "sender": queries.name_of(row.sender), "sent_at": row.sent_at,
            "body": row.body, "forwarded_text": row.quoted,
            "recipients": [{"name": queries.name_of(r.user), "read": (r.read_at is not None) if own
                            else None} for r in row.recipients.all()],
            "attachments": [{"name": a.name,
                             "url": request.build_absolute_uri(a.file.url)}
                            for a in row.attachments.all()],
        })
    return {"id": place.thread_id, "subject": place.thread.subject,
            "archived": place.archived_at is not None, "messages": messages}

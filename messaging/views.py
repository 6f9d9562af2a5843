"""The mail's pages (R-MAIL-1): the folders, a thread, writing, replying and
forwarding. Every page reads through messaging/queries.py (the user's own rows only:
anyone else's thread or message is 404) and every change goes through
messaging/actions.py; recipients come from the sender's address book."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from portal.ids import parse_id

from . import actions, queries
from .addressbook import address_book, may_use_mail
from .forms import ComposeForm, ForwardForm, ReplyForm

PER_PAGE = 30
# Sends per user (new messages, replies and forwards together); a class-wide message
# is one send.
SEND_RATE = "30/h"
FOLDER_TITLES = {
    queries.INBOX: gettext_lazy("Inbox"),
    queries.SENT: gettext_lazy("Sent"),
    queries.ARCHIVE: gettext_lazy("Archive"),
}


def mail_user(view):
    """Signed in, with a mailbox (anyone else: 404, the mail is not theirs)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_use_mail(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def too_many_sends(request):
    """Counts a send that is about to be made; True when the user is over the limit."""
    return is_ratelimited(request, group="messaging.send", key="user", rate=SEND_RATE,
                          increment=True)


def _refusal(form, error):
    """A refusal of the actions on the form: the field's, or the form's."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


RATE_MESSAGE = gettext_lazy("You are sending too many messages. Please wait a while and try again.")


@mail_user
def folder(request, name=queries.INBOX):
    page = Paginator(queries.folder(request.user, name), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "messaging/folder.html", {
        "page": page, "folder": name, "folders": FOLDER_TITLES,
        "title": FOLDER_TITLES[name]})


@mail_user
def compose(request):
    book = address_book(request.user)
    form = ComposeForm(request.POST or None, request.FILES or None, book=book)
    if request.method == "POST" and form.is_valid():
        if too_many_sends(request):
            form.add_error(None, RATE_MESSAGE)
        else:
            try:
                message = actions.send(request.user, form.cleaned_data["recipient_ids"],
                                       form.cleaned_data["subject"], form.cleaned_data["body"],
                                       form.cleaned_data["files"], book=book)
            except ValidationError as error:
                _refusal(form, error)
            else:
                messages.success(request, _("The message is sent."))
                return redirect("messaging:thread", message.thread_id)
    chosen = form.chosen() if form.is_bound else {parse_id(request.GET.get("to"))} - {None}
    return render(request, "messaging/compose.html", {
        "form": form, "book": book, "chosen": chosen & book.user_ids,
        "chosen_groups": form.chosen_groups() if form.is_bound else set(),
        "title": _("New message"), "folders": FOLDER_TITLES})


@mail_user
def thread(request, pk):
    place = queries.mailbox(request.user, pk)
    rows = list(queries.messages(request.user, place.thread))
    read = actions.mark_read(request.user, place.thread)
    # The menu's count was read with the user's row, before these were read.
    if read and hasattr(request.user, "unread_mail"):
        request.user.unread_mail = max(0, request.user.unread_mail - read)
    last = rows[-1] if rows else None
    reply_to = []
    if last is not None:
        book = address_book(request.user)
        reply_to = sorted(book.names[pk] for pk in
                          actions.reply_recipients(request.user, last, book=book)[0])
    return render(request, "messaging/thread.html", {
        "place": place, "thread": place.thread, "rows": rows, "last": last,
        "reply_to": reply_to,
        "form": ReplyForm(), "folders": FOLDER_TITLES, "title": place.thread.subject})


@mail_user
def reply(request, pk):
    message = queries.message(request.user, pk)
    to_all = request.POST.get("to_all", request.GET.get("all")) == "1"
    book = address_book(request.user)
    to, left_out = actions.reply_recipients(request.user, message, to_all, book=book)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if too_many_sends(request):
            form.add_error(None, RATE_MESSAGE)
        else:
            try:
                actions.reply(request.user, message, form.cleaned_data["body"],
                              form.cleaned_data["files"], to_all=to_all, book=book)
            except ValidationError as error:
                _refusal(form, error)
            else:
                messages.success(request, _("The reply is sent."))
                return redirect("messaging:thread", message.thread_id)
    return render(request, "messaging/reply.html", {
        "form": form, "message": message, "to_all": to_all, "folders": FOLDER_TITLES,
        "to": sorted(book.names[pk] for pk in to),
        "left_out": len(left_out), "title": _("Reply")})


@mail_user
def forward(request, pk):
    message = queries.message(request.user, pk)
    book = address_book(request.user)
    form = ForwardForm(request.POST or None, book=book)
    if request.method == "POST" and form.is_valid():
        if too_many_sends(request):
            form.add_error(None, RATE_MESSAGE)
        else:
            try:
                new = actions.forward(request.user, message, form.cleaned_data["recipient_ids"],
                                      form.cleaned_data["body"], book=book)
            except ValidationError as error:
                _refusal(form, error)
            else:
                messages.success(request, _("The message is forwarded."))
                return redirect("messaging:thread", new.thread_id)
    return render(request, "messaging/forward.html", {
        "form": form, "message": message, "book": book,
        "chosen": form.chosen() & book.user_ids if form.is_bound else set(),
        "chosen_groups": form.chosen_groups() if form.is_bound else set(),
        "attachments": message.attachments.all(), "folders": FOLDER_TITLES,
        "title": _("Forward")})


@mail_user
@require_POST
def archive(request, pk):
    place = queries.mailbox(request.user, pk)
    try:
        if request.POST.get("undo") == "1":
            actions.unarchive(request.user, place)
            messages.success(request, _("The conversation is back in the inbox."))
        else:
            actions.archive(request.user, place)
            messages.success(request, _("The conversation is moved to the archive."))
    except PermissionDenied:
        raise Http404 from None
    return redirect(reverse("messaging:inbox"))

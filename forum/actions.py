"""Every change to the forum, each a named action (R-FRM-1).

An action checks the rule itself (forum/audience.py) whoever calls it — a view, the
demo, the shell: a closed topic takes no reply, a banned user writes nothing, only a
section's moderators moderate — and refuses with ``Refused``, whose message says why
in the user's language. It writes in one transaction; moderation is logged with
Wagtail's log entries (``MODERATION``), each naming its section in ``data`` so that a
section's moderation log is one query. New posts notify the topic's subscribers who
read the section (``Kind.FORUM``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from notifications.service import Kind, notify
from portal.access import Role, access

from . import audience
from .audience import reader
from .models import (
    MAX_ATTACHMENTS,
    MAX_POST_LENGTH,
    MAX_TITLE_LENGTH,
    Attachment,
    Ban,
    Moderator,
    Post,
    ReadMark,
    Report,
    Resolution,
    Section,
    Subscription,
    Topic,
    author_name,
)

SECTION_CREATED = "forum.section_created"
SECTION_CHANGED = "forum.section_changed"
MODERATOR_ADDED = "forum.moderator_added"
MODERATOR_REMOVED = "forum.moderator_removed"
TOPIC_PINNED = "forum.topic_pinned"
TOPIC_UNPINNED = "forum.topic_unpinned"
TOPIC_CLOSED = "forum.topic_closed"
TOPIC_REOPENED = "forum.topic_reopened"
TOPIC_MOVED = "forum.topic_moved"
POST_EDITED = "forum.post_edited"
POST_HIDDEN = "forum.post_hidden"
POST_SHOWN = "forum.post_shown"
USER_BANNED = "forum.user_banned"
BAN_LIFTED = "forum.ban_lifted"
POST_REPORTED = "forum.post_reported"
REPORT_DISMISSED = "forum.report_dismissed"
# The labels of the log (wagtail_hooks.py); they name nobody: the row and its data do.
MODERATION = {
    SECTION_CREATED: gettext_lazy("Forum section created"),
    SECTION_CHANGED: gettext_lazy("Forum section changed"),
    MODERATOR_ADDED: gettext_lazy("Moderator added"),
    MODERATOR_REMOVED: gettext_lazy("Moderator removed"),
    TOPIC_PINNED: gettext_lazy("Topic pinned"),
    TOPIC_UNPINNED: gettext_lazy("Topic unpinned"),
    TOPIC_CLOSED: gettext_lazy("Topic closed"),
    TOPIC_REOPENED: gettext_lazy("Topic reopened"),
    TOPIC_MOVED: gettext_lazy("Topic moved to another section"),
    POST_EDITED: gettext_lazy("Post edited by its author"),
    POST_HIDDEN: gettext_lazy("Post hidden by a moderator"),
    POST_SHOWN: gettext_lazy("Hidden post shown again"),
    USER_BANNED: gettext_lazy("Banned from the section"),
    BAN_LIFTED: gettext_lazy("Ban lifted"),
    POST_REPORTED: gettext_lazy("Post reported"),
    REPORT_DISMISSED: gettext_lazy("Report dismissed"),
}


class Refused(PermissionDenied):
    """An action the user may not take here and now; ``message`` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def edit_window():
    return datetime.timedelta(minutes=settings.FORUM_EDIT_MINUTES)


def _log(row, action, actor, section, /, **data):
    log(row, action, user=actor, data={"section": section.pk, **data})


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def ban_message(ban):
    return _("You may not write in this section until %(until)s. The moderator's reason: "
             "%(reason)s") % {"until": _when(ban.ends_at), "reason": ban.reason}


def _require_moderator(user, section):
    if not reader(user).moderates(section):
        raise Refused(_("Only the section's moderators may do this."))


def ban_in_force(user, section):
    """The ban that keeps ``user`` from writing in ``section`` now, read afresh (a
    page's reader caches what it read at the start of the request)."""
    if user.is_superuser:
        return None
    return (Ban.objects.active().filter(user_id=user.pk, section_id=section.pk)
            .order_by("-ends_at").first())


def _require_writer(user, section):
    if not reader(user).sees(section):
        raise Refused(_("You do not read this section."))
    ban = ban_in_force(user, section)
    if ban is not None:
        raise Refused(ban_message(ban))


# Sections ------------------------------------------------------------------------------


def keeps_sections(user, institution_id):
    """May ``user`` make and change the sections of a school (``institution_id``), or
    of the city and the department (None)? The section's default moderators may."""
    if user.is_superuser:
        return True
    context = access(user)
    if context is None:
        return False
    if institution_id is None:
        return Role.DEPT_ADMIN in context.department_roles
    return institution_id in context.institutions_with(Role.ADMIN)


def schools_kept(user):
    """The schools whose sections ``user`` keeps (None: every school, a superuser)."""
    if user.is_superuser:
        return None
    return access(user).institutions_with(Role.ADMIN)


@transaction.atomic
def save_section(section, user):
    """Creates or changes a section; only its default moderators keep it."""
    section.full_clean(exclude=["created_by"])
    created = section.pk is None
    if not created:
        stored = Section.objects.get(pk=section.pk)
        if not keeps_sections(user, stored.institution_id):
            raise Refused(_("Only the school's administrator keeps its sections."))
    if not keeps_sections(user, section.institution_id):
        raise Refused(_("Only the school's administrator keeps its sections."))
    if created:
        section.created_by = user
    section.save()
    _log(section, SECTION_CREATED if created else SECTION_CHANGED, user, section,
         audience=section.audience)
    return section


@transaction.atomic
def add_moderator(section, user, moderator):
    if not keeps_sections(user, section.institution_id):
        raise Refused(_("Only the school's administrator names the moderators."))
    if not audience.reader(moderator).is_someone:
        raise Refused(_("This user cannot moderate."))
    row, created = Moderator.objects.get_or_create(section=section, user=moderator,
                                                   defaults={"added_by": user})
    if created:
        _log(section, MODERATOR_ADDED, user, section, user=moderator.pk)
    return row


@transaction.atomic
def remove_moderator(section, user, moderator):
    if not keeps_sections(user, section.institution_id):
        raise Refused(_("Only the school's administrator names the moderators."))
    if Moderator.objects.filter(section=section, user=moderator).delete()[0]:
        _log(section, MODERATOR_REMOVED, user, section, user=moderator.pk)


# Topics and posts ----------------------------------------------------------------------


def clean_text(text):
    """The text of a post as it is kept, or a ValidationError saying what is wrong."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the post.")})
    if len(text) > MAX_POST_LENGTH:
        raise ValidationError({"text": _("A post holds at most %(count)d characters.")
                               % {"count": MAX_POST_LENGTH}})
    return text


def clean_title(title):
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the topic a title.")})
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError({"title": _("A title holds at most %(count)d characters.")
                               % {"count": MAX_TITLE_LENGTH}})
    return title


@transaction.atomic
def start_topic(section, user, *, title, text, files=()):
    """A new topic with its first post, by a reader of ``section`` who is not banned."""
    _require_writer(user, section)
    title, text = clean_title(title), clean_text(text)
    topic = Topic.objects.create(section=section, title=title, author=user)
    _write_post(topic, user, text=text, files=files)
    return topic


@transaction.atomic
def add_post(topic, user, *, text, reply_to=None, files=()):
    """A reply in ``topic``: refused in a closed topic and to a banned user."""
    topic = Topic.objects.select_for_update().select_related("section").get(pk=topic.pk)
    _require_writer(user, topic.section)
    if topic.is_closed:
        raise Refused(_("The topic is closed: no more replies."))
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise Refused(_("The post you reply to is in another topic."))
    post = _write_post(topic, user, text=text, files=files, reply_to=reply_to)
    _notify(post, user)
    return post


def _write_post(topic, user, *, text, files=(), reply_to=None):
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(_("At most %(count)d files to a post.")
                              % {"count": MAX_ATTACHMENTS})
    post = Post.objects.create(topic=topic, author=user, text=clean_text(text),
                               reply_to=reply_to)
    for upload in files:
        attachment = Attachment(post=post)
        attachment.file.save(upload.name, upload, save=True)
    topic.last_post = post
    topic.save(update_fields=["last_post"])
    Subscription.objects.get_or_create(user=user, topic=topic)
    mark_read(topic, user, post)
    return post


def _notify(post, author):
    """The topic's subscribers, and the author of the post replied to, who read the
    section; not the author."""
    topic = post.topic
    wanted = set(Subscription.objects.filter(topic=topic).values_list("user_id", flat=True))
    if post.reply_to_id and post.reply_to.author_id:
        wanted.add(post.reply_to.author_id)
    wanted.discard(author.pk)
    if not wanted:
        return
    recipients = audience.readers(topic.section).filter(pk__in=wanted)
    name = author_name(author)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(author)s in «%(topic)s»") % {"author": name, "topic": topic.title}
    notify(Kind.FORUM, recipients, title=title, body=post.excerpt(),
           url=post.get_absolute_url(), source=post)


def edit_window_message():
    minutes = settings.FORUM_EDIT_MINUTES
    return ngettext("You may edit your own post for %(minutes)d minute after writing it, "
                    "while the topic is open.",
                    "You may edit your own post for %(minutes)d minutes after writing it, "
                    "while the topic is open.", minutes) % {"minutes": minutes}


def may_edit(post, user):
    """The author, within the edit window, of a post neither hidden nor in a closed
    topic, while not banned from the section."""
    return (post.author_id == user.pk and not post.is_hidden and not post.topic.is_closed
            and timezone.now() - post.created_at <= edit_window()
            and reader(user).may_write(post.topic.section))


@transaction.atomic
def edit_post(post, user, *, text):
    post = Post.objects.select_for_update().select_related("topic__section").get(pk=post.pk)
    if post.author_id != user.pk:
        raise Refused(_("Only the author edits a post."))
    _require_writer(user, post.topic.section)
    if post.is_hidden:
        raise Refused(_("A hidden post cannot be edited."))
    if post.topic.is_closed:
        raise Refused(_("The topic is closed: its posts stay as they are."))
    if timezone.now() - post.created_at > edit_window():
        raise Refused(edit_window_message())
    post.text = clean_text(text)
    post.edited_at = timezone.now()
    post.save(update_fields=["text", "edited_at"])
    _log(post, POST_EDITED, user, post.topic.section, topic=post.topic_id)
    return post


def mark_read(topic, user, post):
    """The user has seen ``topic`` up to ``post`` (never backwards)."""
    if not user.is_authenticated:
        return
    updated = ReadMark.objects.filter(user=user, topic=topic, post_id__lt=post.pk).update(
        post=post)
    if not updated and not ReadMark.objects.filter(user=user, topic=topic).exists():
        try:
            with transaction.atomic():
                ReadMark.objects.create(user=user, topic=topic, post=post)
        except IntegrityError:  # the same user's other tab, at the same moment
            pass


def set_subscription(topic, user, subscribed):
    if not user.has_perm(audience.VIEW_TOPIC, topic):
        raise Refused(_("You do not read this section."))
    if subscribed:
        Subscription.objects.get_or_create(user=user, topic=topic)
    else:
        Subscription.objects.filter(user=user, topic=topic).delete()


# Moderation ----------------------------------------------------------------------------


@transaction.atomic
def set_pinned(topic, user, pinned):
    _require_moderator(user, topic.section)
    if topic.pinned != pinned:
        topic.pinned = pinned
        topic.save(update_fields=["pinned"])
        _log(topic, TOPIC_PINNED if pinned else TOPIC_UNPINNED, user, topic.section)
    return topic


@transaction.atomic
def set_closed(topic, user, closed):
    _require_moderator(user, topic.section)
    if topic.is_closed != closed:
        topic.closed_at, topic.closed_by = (timezone.now(), user) if closed else (None, None)
        topic.save(update_fields=["closed_at", "closed_by"])
        _log(topic, TOPIC_CLOSED if closed else TOPIC_REOPENED, user, topic.section)
    return topic


@transaction.atomic
def move_topic(topic, user, target):
    """Into another section the moderator moderates: its readers are the target's."""
    source = topic.section
    _require_moderator(user, source)
    _require_moderator(user, target)
    if target.pk == source.pk:
        raise Refused(_("The topic is already in this section."))
    topic.section = target
    topic.save(update_fields=["section"])
    _log(topic, TOPIC_MOVED, user, target, source=source.pk)
    return topic


@transaction.atomic
def hide_post(post, user, reason):
    """Hidden with a reason: moderators read it and the reason, everyone else a
    placeholder. The post's open reports are resolved with it."""
    section = post.topic.section
    _require_moderator(user, section)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the post is hidden.")})
    post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), user, reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    post.reports.open().update(resolved_at=post.hidden_at, resolved_by=user,
                               resolution=Resolution.HIDDEN)
    _log(post, POST_HIDDEN, user, section, topic=post.topic_id, reason=reason)
    return post


@transaction.atomic
def show_post(post, user):
    section = post.topic.section
    _require_moderator(user, section)
    if post.is_hidden:
        post.hidden_at = post.hidden_by = None
        post.hidden_reason = ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _log(post, POST_SHOWN, user, section, topic=post.topic_id)
    return post


@transaction.atomic
def ban(section, user, banned, *, days, reason, post=None):
    """``banned`` may not write in ``section`` for ``days`` days: told why and until
    when. A moderator of the section cannot be banned from it."""
    _require_moderator(user, section)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the user is banned.")})
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("A ban lasts from 1 to 365 days.")})
    if banned.pk == user.pk or reader(banned).moderates(section):
        raise Refused(_("A moderator of the section cannot be banned from it."))
    now = timezone.now()
    row = Ban.objects.create(section=section, user=banned, reason=reason, starts_at=now,
                             ends_at=now + datetime.timedelta(days=days), created_by=user,
                             post=post)
    _log(row, USER_BANNED, user, section, user=banned.pk, until=row.ends_at.isoformat(),
         reason=reason, post=post.pk if post else None)
    return row


@transaction.atomic
def lift_ban(row, user):
    _require_moderator(user, row.section)
    if row.lifted_at is None:
        row.lifted_at, row.lifted_by = timezone.now(), user
        row.save(update_fields=["lifted_at", "lifted_by"])
        _log(row, BAN_LIFTED, user, row.section, user=row.user_id)
    return row


@transaction.atomic
def report_post(post, user, reason):
    """A reader tells the moderators; one open report per reader and post."""
    if not user.has_perm(audience.VIEW_POST, post):
        raise Refused(_("You do not read this post."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with the post.")})
    section = post.topic.section
    existing = post.reports.open().filter(reporter=user).first()
    if existing is not None:
        return existing
    row = Report.objects.create(post=post, reporter=user, reason=reason)
    _log(post, POST_REPORTED, user, section, report=row.pk)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("A post was reported in «%(section)s»") % {"section": section.title}
    from django.urls import reverse

    notify(Kind.FORUM, audience.moderators(section).exclude(pk=user.pk), title=title,
           body=post.topic.title, url=reverse("forum:reports"), source=row)
    return row


@transaction.atomic
def dismiss_report(row, user):
    _require_moderator(user, row.post.topic.section)
    if row.resolved_at is None:
        row.resolved_at, row.resolved_by = timezone.now(), user
        row.resolution = Resolution.DISMISSED
        row.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        _log(row.post, REPORT_DISMISSED, user, row.post.topic.section, report=row.pk)
    return row

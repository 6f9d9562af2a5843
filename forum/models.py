"""The forum (R-FRM-1): sections with an audience, topics, posts, and their moderation.

A ``Section`` belongs to the city (no school), to a school, or to a class of a school,
and says who reads it (``Audience``). Who reads a section reads its topics, posts and
attachments: one rule in ``forum/audience.py``, read as the filter of every queryset's
``visible_to(user)`` (the section list, a topic or a post by URL, search, feeds,
attachments, profiles) and, from the other end, as the users a notification may reach.

Every change goes through ``forum/actions.py``: it checks the rules again (a closed
topic takes no reply whatever the caller; a banned user writes nothing), writes in one
transaction and logs moderation with Wagtail's log entries.

A post is kept twice: ``text`` is what the author typed, in the forum's small markup
(``forum/markup.py``) — text, never HTML: all of it is escaped before the markup adds
its own few tags — and ``html`` is its rendering, cleaned with nh3 when saved and again
when shown.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from portal.uploads import DOCUMENTS, OFFICE_DOCUMENTS, PrivateFileField

from . import markup

# Longest post and title a form takes (a forum post, not a document).
MAX_POST_LENGTH = 20_000
MAX_TITLE_LENGTH = 200
MAX_REASON_LENGTH = 300


def author_name(user):
    """How the forum names a user: the person's surname and initials, else the login."""
    if user is None:
        return _("a deleted user")
    person = user.person_or_none
    return person.short_name if person is not None else user.get_username()


class Audience(models.TextChoices):
    CITY = "city", _("everyone signed in")
    SCHOOL = "school", _("the school: staff, pupils and parents")
    STAFF = "staff", _("the school's staff")
    PARENTS = "parents", _("the school's parents")
    CLASS = "class", _("the class: its pupils, their parents and the class teacher")
    DEPARTMENT = "department", _("the department")


# Audiences of one school, which need the school; a class's needs the class too.
SCHOOL_AUDIENCES = {Audience.SCHOOL, Audience.STAFF, Audience.PARENTS, Audience.CLASS}


class ForumQuerySet(models.QuerySet):
    """Rows of the forum a user may see: the rule of forum/audience.py, applied along
    the model's ``section_path`` (the lookup from a row to its section)."""

    default_permission = ""

    def visible_to(self, user, perm=None):
        from .audience import condition

        return condition(self, user, perm or self.default_permission)


class SectionQuerySet(ForumQuerySet):
    default_permission = "forum.view_section"

    def ordered(self):
        # The city's first, then school by school, a school's own before its classes.
        return self.order_by(models.F("institution__short_name").asc(nulls_first=True),
                             models.F("school_class").asc(nulls_first=True), "position",
                             "title", "pk")


class Section(models.Model):
    title = models.CharField(_("title"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, null=True, blank=True,
        related_name="forum_sections", verbose_name=_("institution"),
        help_text=_("Empty for a section of the city or of the department."))
    school_class = models.ForeignKey(
        "curriculum.SchoolClass", on_delete=models.PROTECT, null=True, blank=True,
        related_name="forum_sections", verbose_name=_("class"))
    audience = models.CharField(_("who reads it"), max_length=20, choices=Audience.choices,
                                default=Audience.SCHOOL)
    position = models.PositiveSmallIntegerField(_("place in the list"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = SectionQuerySet.as_manager()
    section_path = ""
    access_paths = {"institution": "institution_id", "class": "school_class_id"}

    class Meta:
        verbose_name = _("forum section")
        verbose_name_plural = _("forum sections")
        constraints = [
            # A class's section is that class's; a school's audiences need the school;
            # the department's is the department's, not a school's.
            models.CheckConstraint(
                condition=~Q(audience="class") | Q(school_class__isnull=False),
                name="forum_section_class_has_class"),
            models.CheckConstraint(
                condition=Q(audience="class") | Q(school_class__isnull=True),
                name="forum_section_only_class_has_class"),
            models.CheckConstraint(
                condition=~Q(audience__in=["school", "staff", "parents", "class"])
                | Q(institution__isnull=False),
                name="forum_section_school_has_school"),
            models.CheckConstraint(
                condition=~Q(audience="department") | Q(institution__isnull=True),
                name="forum_section_department_has_no_school"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:section", args=[self.pk])

    def clean(self):
        """The audience fits the place (the constraints above, as messages): a class's
        section is in the class's school; only it names a class."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.audience == Audience.CLASS:
            if self.school_class_id is None:
                errors["school_class"] = _("Choose the class.")
            else:
                self.institution_id = self.school_class.institution_id
        else:
            self.school_class = None
        if self.audience in SCHOOL_AUDIENCES and self.institution_id is None:
            errors.setdefault("institution", _("Choose the school."))
        if self.audience == Audience.DEPARTMENT and self.institution_id is not None:
            errors["audience"] = _("The department's section belongs to no school.")
        if errors:
            raise ValidationError(errors)

    @property
    def place(self):
        """Where the section is: the class, the school, or the city."""
        if self.school_class_id:
            return f"{self.institution.short_name}, {self.school_class}"
        if self.institution_id:
            return self.institution.short_name
        return _("City")

    def audience_label(self):
        if self.audience == Audience.CLASS and self.school_class_id:
            return _("the class %(class)s: its pupils, their parents and the class "
                     "teacher") % {"class": self.school_class}
        return self.get_audience_display()


class Moderator(models.Model):
    """A moderator of a section besides its default ones (the school's administrator;
    for the city's and the department's sections, the department's administrator)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="moderators",
                                verbose_name=_("section"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="forum_moderations", verbose_name=_("user"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("moderator")
        verbose_name_plural = _("moderators")
        constraints = [models.UniqueConstraint(fields=["section", "user"],
                                               name="forum_moderator_once")]

    def __str__(self):
        return f"{author_name(self.user)} — {self.section}"


class TopicQuerySet(ForumQuerySet):
    default_permission = "forum.view_topic"


class Topic(index.Indexed, models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="topics",
                                verbose_name=_("section"))
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="forum_topics",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    pinned = models.BooleanField(_("pinned"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    # The newest post, kept by actions.add_post (the only writer of posts): a section's
    # topics are listed by it, newest activity first, without reading their posts.
    last_post = models.ForeignKey("Post", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    objects = TopicQuerySet.as_manager()
    section_path = "section__"

    search_fields = [index.SearchField("title"), index.FilterField("id")]
    search_select_related = ("section",)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["section", "-pinned", "-last_post"],
                                name="forum_topic_listing")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:topic", args=[self.pk])

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def search_snippet(self):
        return self.section.title


class PostQuerySet(ForumQuerySet):
    default_permission = "forum.view_post"

    def shown(self):
        """Posts not hidden by a moderator (feeds, profiles)."""
        return self.filter(hidden_at__isnull=True)


class Post(index.Indexed, models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts",
                              verbose_name=_("topic"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="forum_posts",
                               verbose_name=_("author"))
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="replies", verbose_name=_("in reply to"))
    text = models.TextField(_("text"), max_length=MAX_POST_LENGTH)
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    hidden_reason = models.CharField(_("why hidden"), max_length=MAX_REASON_LENGTH, blank=True)

    objects = PostQuerySet.as_manager()
    section_path = "topic__section__"

    search_fields = [index.SearchField("text"), index.FilterField("id")]
    search_select_related = ("topic",)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["topic", "id"], name="forum_post_in_topic"),
                   models.Index(fields=["author", "-id"], name="forum_post_by_author")]

    def __str__(self):
        return Truncator(self.plain_text()).chars(60)

    def save(self, *args, **kwargs):
        # The rendering, cleaned (forum/markup.py), whatever path saves the post.
        self.html = markup.render(self.text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("forum:post", args=[self.pk])

    @property
    def title(self):
        """The search's hit title: the topic's."""
        return self.topic.title

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    def plain_text(self):
        return markup.plain(self.html)

    @property
    def search_snippet(self):
        return self.plain_text()

    def excerpt(self, chars=200):
        return Truncator(self.plain_text()).chars(chars)

    def safe_html(self):
        return markup.clean(self.html)


# Scans, photos and office documents: what parents and teachers attach.
ATTACHMENT_KINDS = DOCUMENTS + OFFICE_DOCUMENTS
MAX_ATTACHMENTS = 3


class AttachmentQuerySet(ForumQuerySet):
    default_permission = "forum.view_attachment"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments",
                             verbose_name=_("post"))
    file = PrivateFileField(_("file"), upload_to="forum", kinds=ATTACHMENT_KINDS)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()
    section_path = "post__topic__section__"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:attachment", args=[self.pk])

    @property
    def name(self):
        from portal.uploads import download_name

        return download_name(self.file.name)


class ReadMark(models.Model):
    """How far a user has read a topic: its newest post they were shown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_marks")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"],
                                               name="forum_read_mark_once")]

    def __str__(self):
        return f"{self.user_id}: {self.topic_id} → {self.post_id}"


class Subscription(models.Model):
    """A user hears of new posts in a topic (Kind.FORUM): made when they post in it,
    switched off and on by the topic's button."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="forum_subscriptions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"],
                                               name="forum_subscription_once")]

    def __str__(self):
        return f"{self.user_id}: {self.topic_id}"


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)


class Ban(models.Model):
    """A user may not write in a section until ``ends_at`` (or until lifted): they still
    read it, and are told why and until when."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="bans",
                                verbose_name=_("section"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="forum_bans", verbose_name=_("user"))
    reason = models.CharField(_("reason for the ban"), max_length=MAX_REASON_LENGTH)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    # The post it was given for, if any (the moderator's log names it).
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        indexes = [models.Index(fields=["user", "section", "ends_at"],
                                name="forum_ban_of_user")]

    def __str__(self):
        return f"{author_name(self.user)} — {self.section}"


class Resolution(models.TextChoices):
    HIDDEN = "hidden", _("the post was hidden")
    DISMISSED = "dismissed", _("dismissed")


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A reader tells the section's moderators that a post breaks the rules."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports",
                             verbose_name=_("post"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="forum_reports", verbose_name=_("reported by"))
    reason = models.CharField(_("what is wrong"), max_length=MAX_REASON_LENGTH)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices,
                                  blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(
            fields=["post", "reporter"], condition=Q(resolved_at__isnull=True),
            name="forum_report_open_once")]

    def __str__(self):
        return f"{author_name(self.reporter)} — {self.post}"

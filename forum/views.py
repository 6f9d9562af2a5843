"""The forum's pages (R-FRM-1). Every row is fetched through ``visible_to``: a section,
topic, post, file or profile the user may not read is 404, so a page never confirms it
exists; a reader who may not do something there (moderate, write while banned, reply
to a closed topic) gets 403 with the reason. Every change is an action of
forum/actions.py, which checks the rules again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from wagtail.models import ModelLogEntry

from portal.ids import parse_id
from portal.uploads import file_response
from records.models import Person, Staff, User

from . import actions, listing, markup
from .actions import Refused
from .audience import MODERATE_SECTION, reader
from .forms import (
    BanForm,
    EditPostForm,
    HideForm,
    ModeratorForm,
    MoveForm,
    PostForm,
    ReportForm,
    SectionForm,
    TopicForm,
)
from .models import (
    Attachment,
    Ban,
    Moderator,
    Post,
    ReadMark,
    Report,
    Section,
    Subscription,
    Topic,
    author_name,
)
from .profiles import profile as profile_of

MODERATION_LOG_SIZE = 50


# Fetching -----------------------------------------------------------------------------


def _section(user, pk):
    return get_object_or_404(Section.objects.visible_to(user).select_related(
        "institution", "school_class"), pk=pk)


def _topic(user, pk):
    return get_object_or_404(Topic.objects.visible_to(user).select_related(
        "section__institution", "section__school_class", "author__person"), pk=pk)


def _post(user, pk):
    """A post of a topic the user reads (a hidden one too: its page shows the
    placeholder, and only moderators act on it)."""
    return get_object_or_404(
        Post.objects.filter(topic__in=Topic.objects.visible_to(user).values("pk"))
        .select_related("topic__section__institution", "author__person"), pk=pk)


def _moderated(user, section):
    if not reader(user).moderates(section):
        raise PermissionDenied
    return section


def refused(request, message, status=403):
    return render(request, "forum/refused.html", {"message": message}, status=status)


def _rate_limited(request):
    """One more post by this user now would be one too many (counted in the cache)."""
    return is_ratelimited(request, group="forum.post", key="user",
                          rate=settings.FORUM_POST_RATE, increment=True)


def rate_message():
    return _("You are posting too often. Wait a minute and send it again: nothing was "
             "saved.")


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Sections ------------------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    rows = listing.sections(user)
    found = reader(user)
    moderates_any = any(found.moderates(row) for row in rows)
    open_reports = Report.objects.open().filter(
        post__topic__section__in=Section.objects.visible_to(user, MODERATE_SECTION)
        .values("pk")).count() if moderates_any else 0
    groups = []
    for row in rows:
        place = row.institution.short_name if row.institution_id else _("The city")
        if not groups or groups[-1]["place"] != place:
            groups.append({"place": place, "sections": []})
        groups[-1]["sections"].append(row)
    return render(request, "forum/index.html", {
        "groups": groups,
        "open_reports": open_reports,
        "moderates_any": moderates_any,
        "keeps_sections": _keeps_any(user),
    })


def _keeps_any(user):
    return bool(user.is_superuser or actions.schools_kept(user)
                or actions.keeps_sections(user, None))


@login_required
def section(request, pk):
    user = request.user
    section = _section(user, pk)
    found = reader(user)
    page = Paginator(listing.topics(user, section), listing.TOPICS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "forum/section.html", {
        "section": section,
        "page": page,
        "ban": found.banned_in(section),
        "moderates": found.moderates(section),
        "keeps": actions.keeps_sections(user, section.institution_id),
    })


def _section_form_page(request, form, section=None, status=200):
    return render(request, "forum/section_form.html", {"form": form, "section": section},
                  status=status)


@login_required
def section_new(request):
    user = request.user
    if not _keeps_any(user):
        raise PermissionDenied
    form = SectionForm(request.POST or None, schools=actions.schools_kept(user),
                       city=actions.keeps_sections(user, None))
    if request.method == "POST":
        if form.is_valid():
            try:
                row = actions.save_section(form.instance, user)
            except Refused as error:
                return refused(request, error.message)
            messages.success(request, _("The section is made."))
            return redirect(row)
        return _section_form_page(request, form, status=400)
    return _section_form_page(request, form)


@login_required
def section_edit(request, pk):
    user = request.user
    row = _section(user, pk)
    if not actions.keeps_sections(user, row.institution_id):
        raise PermissionDenied
    form = SectionForm(request.POST or None, instance=row,
                       schools=actions.schools_kept(user),
                       city=actions.keeps_sections(user, None))
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.save_section(form.instance, user)
            except Refused as error:
                return refused(request, error.message)
            messages.success(request, _("The section is saved."))
            return redirect(row)
        return _section_form_page(request, form, row, status=400)
    return _section_form_page(request, form, row)


def _moderator_candidates(section):
    """Who may be named a moderator: the school's current staff with a login; for the
    city's and the department's sections, the department's people."""
    from portal.access import today
    from records.models import RoleAssignment, active_assignment

    if section.institution_id is None:
        people = RoleAssignment.objects.filter(
            active_assignment(today()), institution__isnull=True).values("person")
    else:
        people = Staff.objects.current().filter(
            institution_id=section.institution_id).values("person")
    return (User.objects.filter(is_active=True, person__in=Person.objects.filter(
        pk__in=people)).select_related("person").order_by("person__search_name", "pk"))


@login_required
def moderation(request, pk):
    """A section's moderation: its bans in force, its named moderators, its log."""
    user = request.user
    row = _moderated(user, _section(user, pk))
    keeps = actions.keeps_sections(user, row.institution_id)
    log = (ModelLogEntry.objects.filter(action__startswith="forum.", data__section=row.pk)
           .select_related("user__person").order_by("-timestamp", "-pk")[:MODERATION_LOG_SIZE])
    return render(request, "forum/moderation.html", {
        "section": row,
        "bans": Ban.objects.active().filter(section=row).select_related(
            "user__person", "created_by__person").order_by("ends_at"),
        "moderators": Moderator.objects.filter(section=row).select_related("user__person"),
        "moderator_form": ModeratorForm(candidates=_moderator_candidates(row)) if keeps
        else None,
        "keeps": keeps,
        "log": log,
        "open_reports": Report.objects.open().filter(post__topic__section=row).count(),
    })


@login_required
@require_POST
def moderator_add(request, pk):
    user = request.user
    row = _section(user, pk)
    if not actions.keeps_sections(user, row.institution_id):
        raise PermissionDenied
    form = ModeratorForm(request.POST, candidates=_moderator_candidates(row))
    if not form.is_valid():
        messages.error(request, _("Choose a member of staff."))
        return redirect("forum:moderation", pk=row.pk)
    try:
        actions.add_moderator(row, user, form.cleaned_data["user"])
    except Refused as error:
        return refused(request, error.message)
    messages.success(request, _("The moderator is added."))
    return redirect("forum:moderation", pk=row.pk)


@login_required
@require_POST
def moderator_remove(request, pk, user_pk):
    user = request.user
    row = _section(user, pk)
    named = get_object_or_404(Moderator, section=row, user_id=user_pk)
    try:
        actions.remove_moderator(row, user, named.user)
    except Refused as error:
        return refused(request, error.message)
    messages.success(request, _("The moderator is removed."))
    return redirect("forum:moderation", pk=row.pk)


# Topics --------------------------------------------------------------------------------


def _topic_form_page(request, section, form, status=200):
    return render(request, "forum/topic_form.html", {"section": section, "form": form},
                  status=status)


@login_required
def topic_new(request, pk):
    user = request.user
    section = _section(user, pk)
    ban = reader(user).banned_in(section)
    if ban is not None:
        return refused(request, actions.ban_message(ban))
    form = TopicForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _topic_form_page(request, section, form)
    if not form.is_valid():
        return _topic_form_page(request, section, form, status=400)
    if _rate_limited(request):
        form.add_error(None, rate_message())
        return _topic_form_page(request, section, form, status=429)
    try:
        topic = actions.start_topic(section, user, title=form.cleaned_data["title"],
                                    text=form.cleaned_data["text"],
                                    files=form.cleaned_data["files"])
    except Refused as error:
        return refused(request, error.message)
    except ValidationError as error:
        _add_errors(form, error)
        return _topic_form_page(request, section, form, status=400)
    return redirect(topic)


@login_required
def topic(request, pk):
    """A page of the topic's posts, marked read up to its last; the reply form."""
    user = request.user
    topic = _topic(user, pk)
    section = topic.section
    found = reader(user)
    page = Paginator(listing.posts(topic), listing.POSTS_PER_PAGE).get_page(
        request.GET.get("page"))
    shown = list(page.object_list)
    mark = ReadMark.objects.filter(user=user, topic=topic).values_list(
        "post_id", flat=True).first()
    for post in shown:
        post.is_new = mark is not None and post.pk > mark
        post.editable = actions.may_edit(post, user)
    if shown:
        actions.mark_read(topic, user, shown[-1])
    moderates = found.moderates(section)
    ban = found.banned_in(section)
    return render(request, "forum/topic.html", {
        "topic": topic,
        "section": section,
        "page": page,
        "posts": shown,
        "form": PostForm(),
        "moderates": moderates,
        "ban": ban,
        "may_reply": ban is None and not topic.is_closed,
        "subscribed": Subscription.objects.filter(user=user, topic=topic).exists(),
        "edit_minutes": settings.FORUM_EDIT_MINUTES,
    })


def _reply_page(request, topic, form, status=200):
    return render(request, "forum/reply.html", {"topic": topic, "form": form},
                  status=status)


@login_required
def reply(request, pk):
    """The reply form (GET, ``?quote=<post>`` to quote one) and its sending (POST)."""
    user = request.user
    topic = _topic(user, pk)
    if topic.is_closed:
        return refused(request, _("The topic is closed: no more replies."))
    ban = reader(user).banned_in(topic.section)
    if ban is not None:
        return refused(request, actions.ban_message(ban))
    if request.method != "POST":
        initial = {}
        quoted = parse_id(request.GET.get("quote"))
        post = Post.objects.visible_to(user).filter(topic=topic, pk=quoted).select_related(
            "author__person").first() if quoted else None
        if post is not None:
            initial = {"text": markup.quote(author_name(post.author), post.text),
                       "reply_to": post.pk}
        return _reply_page(request, topic, PostForm(initial=initial))
    form = PostForm(request.POST, request.FILES)
    if not form.is_valid():
        return _reply_page(request, topic, form, status=400)
    reply_to = None
    if form.cleaned_data.get("reply_to"):
        reply_to = Post.objects.visible_to(user).filter(
            topic=topic, pk=form.cleaned_data["reply_to"]).first()
    if _rate_limited(request):
        form.add_error(None, rate_message())
        return _reply_page(request, topic, form, status=429)
    try:
        post = actions.add_post(topic, user, text=form.cleaned_data["text"],
                                reply_to=reply_to, files=form.cleaned_data["files"])
    except Refused as error:
        return refused(request, error.message)
    except ValidationError as error:
        _add_errors(form, error)
        return _reply_page(request, topic, form, status=400)
    return redirect(post_url(post))


def post_url(post):
    return (reverse("forum:topic", args=[post.topic_id]) + f"?page={listing.page_of(post)}"
            + f"#post-{post.pk}")


@login_required
def post(request, pk):
    return redirect(post_url(_post(request.user, pk)))


@login_required
def unread(request, pk):
    """To the first post of the topic the user has not seen (or its last)."""
    user = request.user
    topic = _topic(user, pk)
    mark = ReadMark.objects.filter(user=user, topic=topic).values_list("post_id", flat=True)
    first = topic.posts.filter(pk__gt=mark.first() or 0).order_by("pk").first() \
        or topic.posts.order_by("-pk").first()
    if first is None:
        return redirect(topic)
    return redirect(post_url(first))


@login_required
@require_POST
def subscribe(request, pk):
    user = request.user
    topic = _topic(user, pk)
    subscribed = request.POST.get("subscribed") == "1"
    actions.set_subscription(topic, user, subscribed)
    messages.success(request, _("You will hear of new replies.") if subscribed
                     else _("You will not hear of new replies any more."))
    return redirect(topic)


TOPIC_ACTIONS = {
    "pin": (actions.set_pinned, True),
    "unpin": (actions.set_pinned, False),
    "close": (actions.set_closed, True),
    "reopen": (actions.set_closed, False),
}


@login_required
@require_POST
def topic_moderate(request, pk):
    user = request.user
    topic = _topic(user, pk)
    _moderated(user, topic.section)
    chosen = TOPIC_ACTIONS.get(request.POST.get("action", ""))
    if chosen is None:
        messages.error(request, _("Choose what to do with the topic."))
        return redirect(topic)
    action, value = chosen
    try:
        action(topic, user, value)
    except Refused as error:
        return refused(request, error.message)
    messages.success(request, _("Done."))
    return redirect(topic)


@login_required
def topic_move(request, pk):
    user = request.user
    topic = _topic(user, pk)
    _moderated(user, topic.section)
    targets = (Section.objects.visible_to(user, MODERATE_SECTION).exclude(pk=topic.section_id)
               .select_related("institution").ordered())
    form = MoveForm(request.POST or None, sections=targets)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.move_topic(topic, user, form.cleaned_data["section"])
            except Refused as error:
                return refused(request, error.message)
            messages.success(request, _("The topic is moved."))
            return redirect(topic)
        status = 400
    else:
        status = 200
    return render(request, "forum/move.html", {"topic": topic, "form": form}, status=status)


# Posts ---------------------------------------------------------------------------------


def _post_form_page(request, template, post, form, status=200, **extra):
    return render(request, template, {"post": post, "topic": post.topic, "form": form,
                                      **extra}, status=status)


@login_required
def post_edit(request, pk):
    user = request.user
    post = _post(user, pk)
    if not actions.may_edit(post, user):
        return refused(request, actions.edit_window_message())
    form = EditPostForm(request.POST or None, initial={"text": post.text})
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.edit_post(post, user, text=form.cleaned_data["text"])
            except Refused as error:
                return refused(request, error.message)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect(post_url(post))
        return _post_form_page(request, "forum/post_edit.html", post, form, status=400)
    return _post_form_page(request, "forum/post_edit.html", post, form)


@login_required
def post_hide(request, pk):
    user = request.user
    post = _post(user, pk)
    _moderated(user, post.topic.section)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            actions.hide_post(post, user, form.cleaned_data["reason"])
            messages.success(request, _("The post is hidden."))
            return redirect(post_url(post))
        return _post_form_page(request, "forum/post_hide.html", post, form, status=400)
    return _post_form_page(request, "forum/post_hide.html", post, form)


@login_required
@require_POST
def post_show(request, pk):
    user = request.user
    post = _post(user, pk)
    _moderated(user, post.topic.section)
    actions.show_post(post, user)
    messages.success(request, _("The post is shown again."))
    return redirect(post_url(post))


@login_required
def post_ban(request, pk):
    """Ban the post's author from its section."""
    user = request.user
    post = _post(user, pk)
    section = _moderated(user, post.topic.section)
    if post.author is None:
        raise Http404
    form = BanForm(request.POST or None)
    context = {"author": author_name(post.author)}
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.ban(section, user, post.author, days=form.cleaned_data["days"],
                            reason=form.cleaned_data["reason"], post=post)
            except Refused as error:
                return refused(request, error.message)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("%(name)s may not write in the section until "
                                            "the ban ends.") % {"name": context["author"]})
                return redirect(post_url(post))
        return _post_form_page(request, "forum/post_ban.html", post, form, status=400,
                               **context)
    return _post_form_page(request, "forum/post_ban.html", post, form, **context)


@login_required
@require_POST
def ban_lift(request, pk):
    user = request.user
    row = get_object_or_404(Ban.objects.filter(
        section__in=Section.objects.visible_to(user).values("pk")).select_related("section"),
        pk=pk)
    _moderated(user, row.section)
    actions.lift_ban(row, user)
    messages.success(request, _("The ban is lifted."))
    return redirect("forum:moderation", pk=row.section_id)


@login_required
def post_report(request, pk):
    user = request.user
    post = get_object_or_404(Post.objects.visible_to(user).select_related("topic__section"),
                             pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            actions.report_post(post, user, form.cleaned_data["reason"])
            messages.success(request, _("Thank you: the moderators will look at the post."))
            return redirect(post_url(post))
        return _post_form_page(request, "forum/post_report.html", post, form, status=400)
    return _post_form_page(request, "forum/post_report.html", post, form)


@login_required
def reports(request):
    """The report queue of the sections the user moderates."""
    user = request.user
    moderated = Section.objects.visible_to(user, MODERATE_SECTION)
    if not moderated.exists():
        raise PermissionDenied
    rows = (Report.objects.open().filter(post__topic__section__in=moderated.values("pk"))
            .select_related("post__topic__section", "post__author__person", "reporter__person")
            .order_by("created_at", "pk"))
    page = Paginator(rows, listing.TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forum/reports.html", {"page": page})


@login_required
@require_POST
def report_dismiss(request, pk):
    user = request.user
    row = get_object_or_404(Report.objects.filter(
        post__topic__section__in=Section.objects.visible_to(user).values("pk"))
        .select_related("post__topic__section"), pk=pk)
    _moderated(user, row.post.topic.section)
    actions.dismiss_report(row, user)
    messages.success(request, _("The report is dismissed."))
    return redirect("forum:reports")


# Files and people ----------------------------------------------------------------------


@login_required
def attachment(request, pk):
    row = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    try:
        return file_response(row.file)
    except FileNotFoundError:
        raise Http404 from None


@login_required
def profile(request, pk):
    user = get_object_or_404(User.objects.filter(is_active=True).select_related("person"),
                             pk=pk)
    found = profile_of(request.user, user)
    if found is None:
        raise Http404
    return render(request, "forum/profile.html", {"profile": found})

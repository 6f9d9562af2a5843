"""Personal settings (R-SET-1): one page of the user's own account.

- password and e-mail: allauth's pages (the password change asks for the old one; adding,
  changing or removing an e-mail asks for the password again), linked;
- language: Django's switcher (a cookie), back to this page;
- notifications per kind and channel: the notifications' own page, linked;
- the devices that get push notifications, each removable;
- the active sessions (``allauth.usersessions``: one per login, with its address and
  browser), each ended on its own, or all but this one at once;
- API keys: created with a name and scopes (the key is shown once, in the answer that
  creates it; creating one asks for the password again like allauth's changes),
  listed with their prefix, dates and scopes, revoked.

Every row is looked up among the user's own: another user's session, device or key
answers 404, whoever asks.
"""

import re

from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.usersessions.internal.flows.sessions import end_other_sessions, end_sessions
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import APIToken

from notifications.models import PushSubscription

from . import actions
from .auth import token_scopes
from .forms import TokenForm
from .scopes import SCOPES


def own_tokens(user):
    return (APIToken.objects.filter(user=user).select_related("portal_scopes")
            .order_by("revoked_at", "-created", "-pk"))


# The browser of a session, as people name them: the first that the User-Agent names,
# in the order that tells them apart (Edge, Opera and Yandex also say Chrome, Chrome says
# Safari, Android says Linux).
BROWSERS = [(r"YaBrowser/", "Yandex Browser"), (r"Edg(?:e|A|iOS)?/", "Edge"),
            (r"OPR/", "Opera"), (r"Firefox/|FxiOS/", "Firefox"),
            (r"Chrome/|CriOS/", "Chrome"), (r"Safari/", "Safari")]
SYSTEMS = [(r"Android", "Android"), (r"iPhone", "iOS"), (r"iPad", "iPadOS"),
           (r"Windows", "Windows"), (r"Mac OS X", "macOS"), (r"Linux", "Linux")]


def describe_agent(agent):
    """«Chrome, Android» of a User-Agent; "" when it names neither."""
    parts = [next((name for pattern, name in table if re.search(pattern, agent)), "")
             for table in (BROWSERS, SYSTEMS)]
    return ", ".join(part for part in parts if part)


def sessions_of(request):
    """The user's live sessions, the current one first (allauth drops the rows of
    sessions that ended or logged out)."""
    rows = UserSession.objects.purge_and_list(request.user)
    current = request.session.session_key
    for row in rows:
        row.current = row.session_key == current
        row.browser = describe_agent(row.user_agent)
    return sorted(rows, key=lambda row: (not row.current, -row.created_at.timestamp()))


def tokens_of(user):
    rows = list(own_tokens(user))
    for row in rows:
        row.scope_labels = [SCOPES[name].label for name in sorted(token_scopes(row))
                            if name in SCOPES]
    return rows


def render_settings(request, form=None, new_key=None, new_token=None, status=200):
    user = request.user
    return render(request, "api/settings.html", {
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "languages": settings.LANGUAGES,
        "language": get_language(),
        "devices": PushSubscription.objects.filter(user=user).order_by("-created"),
        "sessions": sessions_of(request),
        "tokens": tokens_of(user),
        "form": form or TokenForm(user),
        "new_key": new_key, "new_token": new_token,
        "docs_url": reverse("api:v1:openapi-view"),
        "max_tokens": actions.MAX_TOKENS,
    }, status=status)


@login_required
@require_GET
def personal_settings(request):
    return render_settings(request)


@login_required
@require_POST
@reauthentication_required
def create_token(request):
    """A new key: the answer shows it once (it is not kept anywhere to show again)."""
    form = TokenForm(request.user, request.POST)
    if form.is_valid():
        try:
            token, plaintext = actions.create_token(request.user, form.cleaned_data["name"],
                                                    form.cleaned_data["scopes"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render_settings(request, new_key=plaintext, new_token=token)
    return render_settings(request, form=form, status=400)


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(APIToken.objects.filter(user=request.user), pk=pk)
    actions.revoke_token(request.user, token)
    messages.success(request, _("The key «%(name)s» is revoked: it no longer works.")
                     % {"name": token.name})
    return redirect(reverse("api:settings") + "#api-keys")


@login_required
@require_POST
def end_session(request, pk):
    """Ends one of the user's sessions; ending this one logs out here."""
    session = get_object_or_404(UserSession.objects.filter(user_id=request.user.pk), pk=pk)
    current = session.session_key == request.session.session_key
    end_sessions(request, [session])
    if current:
        return redirect("account_login")
    messages.success(request, _("The session is ended: that browser is logged out."))
    return redirect(reverse("api:settings") + "#sessions")


@login_required
@require_POST
def end_other_sessions_view(request):
    """«Log out everywhere else»: every session of the user but this one ends."""
    end_other_sessions(request, request.user)
    messages.success(request, _("You are logged out everywhere else."))
    return redirect(reverse("api:settings") + "#sessions")

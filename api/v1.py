"""The open API, version 1 (``/api/v1/``): django-ninja, which Wagtail 8 brings for its
own API, with Wagtail's ``APIToken`` behind the bearer authentication (``api.auth``).

- Its OpenAPI schema is ``/api/v1/openapi.json`` and its docs page ``/api/v1/docs``
  (Swagger UI served from the portal's own static files, under the portal's Content
  Security Policy: nothing is loaded from elsewhere).
- Every operation is declared with ``api.declare.operation``: the token's scope it
  needs and the rule its rows are read through (the access matrix, ``visible_to``),
  both in the schema.
- Errors are JSON ``{"detail": …}`` in the portal's language (Russian unless chosen):
  401 without a valid token, 403 without the scope or the right, 404 for what the user
  may not see (as the pages: never "exists but forbidden"), 409 a conflict of versions
  with the current cell, 422 a malformed parameter, 429 past the token's rate limit.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer

from journal.cells import Conflict

from .auth import RateLimited, ScopeMissing
from .endpoints import account, announcements, diary, journal, mail, timetable

DESCRIPTION = gettext_lazy(
    "The portal's data for scripts and applications: the diary, the timetable, homework "
    "and announcements of the token's user, and the journal for teachers. Every request "
    "carries a key: `Authorization: Bearer <key>`; keys with their scopes are created "
    "and revoked in personal settings (/settings/). Every answer holds only what the "
    "user sees on the portal's own pages.")


class ReadableJSON(JSONRenderer):
    """UTF-8 as it is: names read as names in a terminal, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    # The portal's own name (PORTAL_NAME), as on every page.
    title=format_lazy(gettext_lazy("{portal}: the open API"), portal=settings.WAGTAIL_SITE_NAME),
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    # Swagger UI from the portal's static files: ninja's own copy, found because
    # ``ninja`` is an installed app (with it missing, ninja would load it from a CDN).
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=ReadableJSON(),
)


def _answer(request, status, detail, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _answer(request, 401, _(
        "An API key is needed: send the header «Authorization: Bearer <key>». Keys are "
        "created in personal settings; a revoked key no longer works."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ScopeMissing)
def scope_missing(request, exc):
    return _answer(request, 403, _(
        "This key was not given the scope «%(scope)s»: create a key with it in personal "
        "settings.") % {"scope": exc.scope})


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = _answer(request, 429, _(
        "Too many requests with this key (the limit is %(rate)s). Try again in "
        "%(seconds)s s.") % {"rate": exc.rate, "seconds": exc.wait})
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return _answer(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _answer(request, 403, _("You may read this but not change it."))


@api.exception_handler(ValidationError)
def refused(request, exc):
    return _answer(request, 400, " ".join(exc.messages))


@api.exception_handler(Conflict)
def conflict(request, exc):
    current = exc.current.as_json()
    text = getattr(exc, "text", None)
    if text is not None:
        current["value"] = text
    return _answer(request, 409, _(
        "Someone else has just saved this cell: it now holds «%(value)s». Check it and "
        "save again with its version.") % {"value": current["value"] or "—"},
        current=current)


api.add_router("/", account.router)
api.add_router("/", diary.router)
api.add_router("/", timetable.router)
api.add_router("/", announcements.router)
api.add_router("/", mail.router)
api.add_router("/", journal.router)

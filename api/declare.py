"""Every operation of the API declares what it needs: the token's scope and the rule its
rows are read through. ``operation`` is the only way an endpoint is added: it records
the declaration (``declared``), puts it in the OpenAPI schema (``x-scope``,
``x-permission`` and the description) and authenticates the operation with
``TokenAuth(scope)``. ``tests/api/test_schema.py`` walks every operation of the API and
fails on one that does not declare both, or whose authentication does not ask for the
scope it declares."""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from .auth import TokenAuth
from .schemas import Invalid, Message

ANY_SCOPE = None  # the token's own account: any valid token


@dataclass(frozen=True)
class Access:
    scope: str | None
    # The rule every row of the answer goes through, in words and names a reader of the
    # schema can look up: a permission of the access matrix, a ``visible_to``.
    permission: str


_DECLARED = {}


def declared():
    """{view function's dotted name: Access} of every operation declared so far."""
    return dict(_DECLARED)


# What any operation may answer besides its own: no token (401), no scope or no right
# (403), a malformed parameter (422), too many requests (429).
COMMON_ANSWERS = {401: Message, 403: Message, 422: Invalid, 429: Message}


def operation(route, path, *, scope, permission, summary, response, description="",
              **kwargs):
    """``route`` is a router's ``get``, ``post``…; ``scope`` the token's scope the
    operation needs (``ANY_SCOPE`` for the token's own account); ``permission`` the rule
    its rows are read through."""
    if not permission:
        raise ValueError("An API operation names the permission its rows are read through.")
    access_rule = Access(scope, permission)
    needs = scope or "any"
    # Lazy: the docs page reads the schema in the reader's language (Russian first).
    text = format_lazy(gettext_lazy("{description}**Scope:** `{scope}`. **Access:** "
                                    "{permission}."),
                       description=format_lazy("{}\n\n", description) if description else "",
                       scope=needs, permission=permission)

    answers = {**COMMON_ANSWERS, **(response if isinstance(response, dict) else {200: response})}

    def decorator(view):
        view.api_access = access_rule
        _DECLARED[f"{view.__module__}.{view.__qualname__}"] = access_rule
        return route(path, auth=TokenAuth(scope), summary=summary, description=text,
                     response=answers,
                     openapi_extra={"x-scope": needs, "x-permission": permission},
                     **kwargs)(view)

    return decorator

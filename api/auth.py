"""The API's authentication: a bearer token, its scope and its rate limit.

``TokenAuth`` is Wagtail's ``BearerTokenAuth`` (the token's digest looked up under the
current and the fallback secret keys, revoked tokens and inactive users refused,
``request.user`` set to the token's user and never left to the session) that also
reads the token's scopes in the same query, counts the request against the token's
rate limit and refuses a token without the operation's scope. Only the
``Authorization: Bearer`` header authenticates: a session cookie never does, so the
API needs no CSRF token and a page of another site cannot use a signed-in browser's
session against it.

- no token, an unknown, revoked or malformed one, or an inactive user: 401;
- past ``API_RATE_LIMIT`` requests of one token: 429, with Retry-After;
- a token without the operation's scope: 403.
"""

import math

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django_ratelimit.core import get_usage
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

# Wagtail's tokens are 41 characters; anything much longer is not looked up.
MAX_TOKEN_LENGTH = 100


class ScopeMissing(Exception):
    def __init__(self, scope):
        super().__init__(scope)
        self.scope = scope


class RateLimited(Exception):
    def __init__(self, rate, wait):
        super().__init__(rate)
        self.rate, self.wait = rate, wait


def token_scopes(api_token):
    try:
        return set(api_token.portal_scopes.scopes)
    except APIToken.portal_scopes.RelatedObjectDoesNotExist:
        return set()


class TokenAuth(BearerTokenAuth):
    def __init__(self, scope=None):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token):
        api_token = self.find(token)
        user = api_token.user if api_token is not None else None
        # As Wagtail's: whatever the session said, the request is the token's user's
        # or nobody's.
        request.user = user if user is not None and user.is_active else AnonymousUser()
        if not request.user.is_authenticated:
            return None
        self.count(request, api_token)
        if self.scope is not None and self.scope not in token_scopes(api_token):
            raise ScopeMissing(self.scope)
        self._touch_last_used(api_token)
        return api_token

    @staticmethod
    def find(token):
        """The live token of this key with its user and scopes (one query), or None."""
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        return (APIToken.objects.select_related("user", "portal_scopes")
                .filter(key_hash__in=APIToken.candidate_key_hashes(token),
                        revoked_at__isnull=True).first())

    @staticmethod
    def count(request, api_token):
        """One more request of this token; past the limit, ``RateLimited``."""
        rate = settings.API_RATE_LIMIT
        usage = get_usage(request, group="api.token", key=lambda _group, _request: str(
            api_token.pk), rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            raise RateLimited(rate, max(1, math.ceil(usage["time_left"])))

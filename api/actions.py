"""Creating and revoking API tokens: the named changes, each logged (a Wagtail log entry
on the token: who, when, which scopes; never the key).

The key is Wagtail's (``APIToken``): ``wagtail_`` + 27 random base-62 characters + a
6-character checksum; only its HMAC-SHA-256 under the site's secret key
(``APIToken.hash_token``) and its first 12 characters (``prefix``) are stored, so the
plaintext exists only in the answer that creates it. A request presents the key, and
``APIToken.candidate_key_hashes`` looks it up under ``SECRET_KEY`` and every
``SECRET_KEY_FALLBACKS``: rotating the secret key keeps tokens working while the old key
is a fallback, and ends them once it is dropped.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import APIToken
from wagtail.models.api import DISPLAY_PREFIX_LENGTH

from .models import TokenScopes
from .scopes import SCOPES, offered

# Live tokens a user may hold at once: one per script or device is plenty.
MAX_TOKENS = 20
TOKEN_CREATED = "api.token_created"
TOKEN_REVOKED = "api.token_revoked"


def live_tokens(user):
    return APIToken.objects.filter(user=user, revoked_at__isnull=True)


def clean_scopes(user, scopes):
    """The chosen scopes, each one the user is offered; refused otherwise."""
    chosen = list(dict.fromkeys(scopes))
    if not chosen:
        raise ValidationError(_("Choose at least one thing the key may be used for."))
    allowed = {scope.name for scope in offered(user)}
    if set(chosen) - allowed:
        raise ValidationError(_("A key can only be given what your account may use."))
    return [name for name in SCOPES if name in chosen]


@transaction.atomic
def create_token(user, name, scopes):
    """A new token of ``user`` with ``scopes``: (token, plaintext). The plaintext is
    shown once, by the caller, and never stored or logged."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError(_("Name the key (e.g. the script or the app it is for)."))
    scopes = clean_scopes(user, scopes)
    if live_tokens(user).count() >= MAX_TOKENS:
        raise ValidationError(_("You have %(count)s keys already: revoke one you no longer "
                                "use first.") % {"count": MAX_TOKENS})
    token, plaintext = APIToken.create_token(user=user, name=name)
    _grant(user, token, scopes)
    return token, plaintext


def store_token(user, name, scopes, plaintext):
    """A token with a key given rather than generated (the demo city's documented keys,
    api/demo.py): stored as ``APIToken.create_token`` stores a generated one."""
    if not APIToken.validate_token_format(plaintext):
        raise ValueError("Not a Wagtail API token.")
    token = APIToken.objects.create(user=user, name=name,
                                    key_hash=APIToken.hash_token(plaintext),
                                    prefix=plaintext[:DISPLAY_PREFIX_LENGTH])
    _grant(user, token, [name for name in SCOPES if name in scopes])
    return token


def _grant(user, token, scopes):
    TokenScopes.objects.create(token=token, scopes=scopes)
    log(token, TOKEN_CREATED, user=user, data={"scopes": scopes, "prefix": token.prefix})


@transaction.atomic
def revoke_token(user, token):
    """The token stops working at once (its next request is 401). Only its owner
    revokes it here; a token already revoked stays as it was."""
    if token.user_id != user.pk:
        raise PermissionDenied
    token = APIToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoke()
    log(token, TOKEN_REVOKED, user=user, data={"prefix": token.prefix})
    return token

"""The demo city's API keys: one of ``school1.parent`` (the diary, the timetable,
homework, announcements and mail) and one of ``school1.teacher`` (the timetable,
announcements, mail and the journal, writing included), with keys documented in the README.

A key is Wagtail's format (``wagtail_`` + 27 base-62 characters + their checksum), its
secret part derived from the city's seed and the login, so every city of one seed has
the same keys: ``demo_key(1, "school1.parent")`` is the README's. It is stored as any
key is (``api.actions.store_token``): a digest under the site's ``SECRET_KEY``, which is
the development key in `make demo` (a city built under another key needs its keys made
again: ``seed_demo --reset``).
"""

import hashlib

from wagtail.models.api import (
    KEY_SECRET_BYTES,
    KEY_SECRET_LENGTH,
    TOKEN_PREFIX,
    _base62_encode,
    _token_checksum,
)

from records.models import User

from . import scopes
from .actions import store_token

KEYS = [
    ("school1.parent", "Демо: дневник детей",
     [scopes.DIARY_READ, scopes.TIMETABLE_READ, scopes.HOMEWORK_READ,
      scopes.ANNOUNCEMENTS_READ, scopes.MAIL_READ]),
    ("school1.teacher", "Демо: журнал",
     [scopes.TIMETABLE_READ, scopes.ANNOUNCEMENTS_READ, scopes.MAIL_READ,
      scopes.JOURNAL_READ, scopes.JOURNAL_WRITE]),
]


def demo_key(seed, username):
    """The documented key of ``username`` in the city of ``seed``."""
    digest = hashlib.sha256(f"sgo-demo-api-key:{seed}:{username}".encode()).digest()
    secret = _base62_encode(int.from_bytes(digest[:KEY_SECRET_BYTES], "big"),
                            KEY_SECRET_LENGTH)
    return f"{TOKEN_PREFIX}{secret}{_token_checksum(secret)}"


def build(city):
    for username, name, granted in KEYS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        store_token(user, name, granted, demo_key(city.random_seed, username))

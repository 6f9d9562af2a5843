"""Web push with VAPID (pywebpush): the portal's key pair and one push to one device.

The key pair comes from the settings (VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY, from the
environment), else from VAPID_KEY_FILE (the demo's, written by
``manage.py vapid_keys --file``). Keys are base64url: the private key's 32 raw bytes
and the public key's uncompressed point (what the browser's
``applicationServerKey`` takes)."""

import json
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from py_vapid.utils import b64urlencode


def generate_keys():
    """A new key pair: {"public_key": ..., "private_key": ...}."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {"public_key": b64urlencode(public), "private_key": b64urlencode(private)}


@lru_cache(maxsize=4)
def _from_file(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def keys():
    """The portal's VAPID keys, or {} when none are configured (push is off)."""
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return {"public_key": settings.VAPID_PUBLIC_KEY,
                "private_key": settings.VAPID_PRIVATE_KEY}
    if settings.VAPID_KEY_FILE:
        found = _from_file(settings.VAPID_KEY_FILE)
        if found.get("public_key") and found.get("private_key"):
            return found
    return {}


def public_key():
    return keys().get("public_key", "")


def send(subscription, payload, *, timeout=10):
    """Encrypts ``payload`` (a dict, as JSON) for one ``PushSubscription`` (aes128gcm,
    RFC 8291) and posts it to its push service, signed with the portal's VAPID key.
    Returns the HTTP status the push service answered (0 when it could not be
    reached)."""
    from pywebpush import WebPushException, webpush

    found = keys()
    if not found:
        return 0
    try:
        response = webpush(
            subscription.info(), json.dumps(payload, ensure_ascii=False),
            vapid_private_key=found["private_key"],
            vapid_claims={"sub": settings.VAPID_SUBJECT}, timeout=timeout, ttl=24 * 60 * 60)
    except WebPushException as error:
        return error.response.status_code if error.response is not None else 0
    except OSError:  # requests' connection errors are OSErrors
        return 0
    return response.status_code

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "portal.hashers.IssuedPasswordHasher",
]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sgo-private-"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "portal.uploads.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Notifications are delivered at once (the tests see e-mail and push right away);
# tests/notifications/test_worker.py runs the database backend and its worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
VAPID_KEY_FILE = ""
# Visit counts are written only when a test calls reports.visits.flush().
VISITS_FLUSH_SECONDS = None
# The forum's menu reads the sections again only when one changes (a test's measured
# queries never include a re-read that a timer started).
FORUM_MENU_SECONDS = None

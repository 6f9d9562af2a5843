from .base import *  # noqa: F403

DEBUG = True
SERVE_MEDIA = True
# Development only: a fixed key is fine on a laptop, never in production.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1"]  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# The demo's own VAPID key pair (web push), made by `make demo` when missing.
VAPID_KEY_FILE = VAPID_KEY_FILE or str(BASE_DIR / "private" / "vapid-keys.json")  # noqa: F405

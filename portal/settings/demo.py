"""`make demo`: the portal as its users see it, on a laptop. Development settings but
without DEBUG, so that a wrong address shows the portal's own Russian 404 page, not
Django's English debug page (which also lists every URL pattern of the site)."""

from .dev import *  # noqa: F403

DEBUG = False
# Static files straight from the apps (no collectstatic), as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Wagtail's images from MEDIA_ROOT, served by runserver as in development.
SERVE_MEDIA = True

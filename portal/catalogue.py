"""Messages of Wagtail that its Russian catalogue leaves in English or words with
Wagtail's name. They are listed here (``gettext_noop``) so that `make messages` keeps
them in our catalogue, which Django reads before Wagtail's (LOCALE_PATHS): the portal's
Russian wins. tests/portal/test_no_english.py finds the next one."""

from django.utils.translation import gettext_noop

WAGTAIL_MESSAGES = [
    # Untranslated in Wagtail 8.0's Russian.
    gettext_noop("Actions (footer)"),
    gettext_noop("Locked by"),
    gettext_noop("Anyone"),
    # Translated with Wagtail's name, which a user of the portal never sees.
    gettext_noop("Wagtail core"),
    # «Искать на всех страницах...»: only the site's pages are searched there.
    gettext_noop("Search all pages…"),
    gettext_noop("The root level is where you can add new sites to your Wagtail "
                 "installation. Pages created here will not be accessible at any URL "
                 "until they are associated with a site."),
]

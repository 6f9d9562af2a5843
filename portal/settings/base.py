"""Settings shared by every environment. Values that differ per machine come from the
environment (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, REDIS_URL, TIME_ZONE)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "records",
    "curriculum",
    "journal",
    "schedule",
    "sgo_pages",
    "announcements",
    "forum",
    "messaging",
    "api",
    "portfolio",
    "courses",
    "documents",
    "reports",
    "stateforms",
    "attestation",
    "movement",
    "links",
    "notifications",
    "subject_requests",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tables2",
    "django_filters",
    "allauth",
    "allauth.account",
    # The user's active sessions in personal settings (api/views.py): a row per login,
    # written by allauth's login signal; "log out everywhere else" ends the others.
    "allauth.usersessions",
    # django-ninja, which Wagtail's API brings, is listed for its templates and static
    # files only: the API's docs page serves Swagger UI from the portal (api/v1.py).
    "ninja",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.ContentSecurityPolicyChoiceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PrivateResponseMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reports.middleware.VisitCountMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "portal.middleware.ForcePasswordChangeMiddleware",
    "portal.middleware.AdminAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Content Security Policy, enforced in every environment (not only in production) so
# that a page that breaks under it breaks on the developer's machine and in the browser
# tests first. Scripts come only from the portal's own static files; the few inline
# scripts carry the request's nonce ({% csp_nonce_attr %}). No 'unsafe-eval' and no
# 'unsafe-inline' for scripts anywhere, the admin included; styles come from style
# sheets, not style attributes. 'report-sample' puts the start of a refused script or
# style into the browser's report, which the browser tests print.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.REPORT_SAMPLE],
    "style-src": [CSP.SELF, CSP.REPORT_SAMPLE],
    # data: for the one image of Wagtail's style sheet (the menus of tag fields).
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    # The service worker (/sw.js), the manifest and push.js's requests: the portal's
    # own origin only (issue 13, notifications).
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    # The same as X_FRAME_OPTIONS; a view that allows SAMEORIGIN (Wagtail's preview)
    # gets 'self' (portal.middleware.ContentSecurityPolicyChoiceMiddleware).
    "frame-ancestors": [CSP.NONE],
}
# Wagtail's admin makes one allowance: Draftail, its rich text editor, writes the
# placeholders of empty blocks and the numbering of nested lists as <style> elements
# made by React, whose text changes as one types, so neither a nonce nor a hash can
# allow them. <style> elements are allowed in the admin only; style attributes and
# scripts stay as strict as on the portal's pages.
ADMIN_CSP = {**SECURE_CSP, "style-src-elem": [CSP.SELF, CSP.UNSAFE_INLINE]}
# Wagtail's preview views set SAMEORIGIN for themselves.
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "portal.context_processors.navigation",
                "portal.branding.branding",
            ],
        },
    },
]

# Widgets are rendered with the project's templates too, so that templates/wagtailadmin/
# can replace Wagtail's date inputs, which start themselves with inline scripts.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if (DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        and os.environ.get("DB_PREPARED_STATEMENTS", "true").lower() == "true"):
    # Prepared statements: PostgreSQL plans a daily page's queries once per connection
    # instead of on every request; their joins cost more to plan (3–7 ms a page) than
    # to run (1–2 ms). Parameters go apart from the query text (server-side binding),
    # so a query has the same text for every pupil and lesson, and psycopg prepares it
    # on its fifth run on a connection (Django turns that off by default). Set
    # DB_PREPARED_STATEMENTS=false behind a connection pooler in transaction mode that
    # does not keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=int(os.environ.get("DB_PREPARE_THRESHOLD", "5")))

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off on queries of minutes, and the reports' queries of
    # a school's year of marks (some hundred thousand rows) spent 150 ms of their 900 in
    # compiling (EXPLAIN ANALYZE on the large city, issue 15). Set DB_JIT=on to keep it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit={os.environ.get('DB_JIT', 'off')}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (login throttling) must be counted in a cache that every worker shares:
# the database by default, Redis when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions read from the shared cache (a query less on every page), written through
    # to the database, so a flushed or restarted Redis logs nobody out. Only with Redis:
    # every worker sees the same entries (a logout is gone for all of them at once), and
    # with the database cache a cache read would be a query too.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sgo_cache",
        }
    }

AUTH_USER_MODEL = "records.User"
AUTHENTICATION_BACKENDS = [
    # rules first: every permission of the access matrix is a rules predicate.
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, reading the request's user with their person and with
    # whether they hold any Django permission (portal/backends.py).
    "portal.backends.ModelBackend",
    "portal.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "portal.hashers.IssuedPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: logins are issued by the school, never self-made.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Adding, changing or removing an email, and setting a password, ask for the password
# again unless it was given in the last five minutes; changing the password asks for the
# old one anyway. The owner gets an email when the password or the primary email
# changes, or an email is removed (to the address they had).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Rate limits, counted in the shared cache (CACHES above), so every worker sees the same
# counts. A school is one address: its router puts about 1,500 pupils and staff behind one
# IP, and they sign in together at 8:00. So what guards an account is counted per account,
# and the limits per IP are ceilings sized for a whole school at once:
# - "login" (every sign-in attempt): everyone of a 1,500-person school in five minutes,
#   with a second try for one in three: 2,000 per 5 minutes.
# - "login_failed": per account 5 failures in 5 minutes, from whatever address (the sixth
#   attempt is refused even with the right password until the window passes); per IP a
#   fifth of a morning's sign-ins may fail: 300 in 15 minutes. The account is the login
#   typed or its email, counted as one (portal.adapters). Not per account and IP as well:
#   behind a school's one address that is the same as per account, and from elsewhere a
#   stricter per-address count would need a looser per-account one, giving guessers
#   spread over many addresses more tries.
# - "reauthenticate": its wrong passwords are counted in login_failed too.
# - "reset_password": 5 mails an hour to one address; 60 requests a minute per IP.
# - "reset_password_from_key": 60 a minute per IP (a forged key is a 40-character
#   token, so the limit is about load, not guessing).
# - "change_password", "manage_email": per signed-in user, as allauth has them, with an
#   hour's ceiling on changing a password, whose form checks the old one.
ACCOUNT_RATE_LIMITS = {
    "login": "2000/5m/ip",
    "login_failed": "300/15m/ip,5/5m/key",
    "reauthenticate": "10/m/user",
    "reset_password": "60/m/ip,5/h/key",
    "reset_password_from_key": "60/m/ip",
    "change_password": "5/m/user,20/h/user",
    "manage_email": "10/m/user",
    # Wagtail's shared page passwords (portal.urls): there is no account to count by.
    "page_password": "100/h/ip",
}

# The user's sessions (allauth.usersessions): a session is listed from its login on,
# with its address and browser. No activity tracking: it would write to the database on
# every request of every user (a "last seen" per session), and the daily pages keep to
# a fixed query budget (tests/portal/test_query_budget.py).
USERSESSIONS_TRACK_ACTIVITY = False

# The open API (api/, /api/v1/): requests per token, counted in the shared cache like
# the login limits (django-ratelimit's rate: "N/s", "N/m", "N/h"). A script reading a
# family's diary every few minutes, or a teacher's client saving a class's marks, stays
# well under it; past it the answer is 429 with a Russian message and Retry-After.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/m")
# How often a token's "last used" is written (seconds): once a minute at most, not on
# every request (Wagtail's setting).
WAGTAILAPI_TOKEN_LAST_USED_INTERVAL = 60

# The forum (forum/): posts (a new topic is one) per signed-in user, counted in the same
# shared cache by django-ratelimit — a reply a minute is a conversation, ten a flood; an
# author may edit a post for FORUM_EDIT_MINUTES after writing it; the menu reads again
# which sections exist after FORUM_MENU_SECONDS (forum/audience.py).
FORUM_POST_RATE = "10/m"
FORUM_EDIT_MINUTES = 30
FORUM_MENU_SECONDS = 60

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Yakutsk")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
# Whether Django itself serves Wagtail's images from MEDIA_ROOT (portal/urls.py): on a
# laptop (dev, demo), never in production, where the web server does.
SERVE_MEDIA = False
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Personal documents (consent scans, attached files) never go to MEDIA_ROOT: they are
# served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
MAX_UPLOAD_SIZE = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "portal.uploads.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The product's name on every page (portal.branding): PORTAL_NAME, e.g. the city's
# «Школы Энска»; without it, "School portal" in the user's language.
PORTAL_NAME = os.environ.get("PORTAL_NAME", "")
WAGTAIL_SITE_NAME = PORTAL_NAME or _("School portal")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# The admin's own language choice offers the portal's languages, not Wagtail's forty.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# One login, allauth's, with its rate limits and reauthentication: Wagtail's admin and
# page-privacy logins redirect to it (portal/urls.py), and Wagtail changes no one's own
# email or password (its account page keeps the name, language and theme). The users
# admin is for superusers and sets no passwords (portal.accounts).
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# No shared passwords on pages or document collections: everyone has a login, and a
# restriction to logged-in users or groups is counted per account.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# Search (issue 13, portal/search.py): Wagtail's database backend, stemming Russian. On
# PostgreSQL its "russian" text search configuration (the Snowball stemmer); on SQLite,
# whose full-text search has no Russian stemmer, the same backend with the index and the
# queries stemmed in Python (portal/search_sqlite.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database",
                                          "SEARCH_CONFIG": "russian"}}
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "portal.search_sqlite"}}
# Nothing leaves the installation: no avatars from gravatar.com (they would send a hash
# of each user's email outside), no update check against wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's documents leave only through Wagtail's view (portal/urls.py adds the sandbox
# of every served file to it), never straight from MEDIA_ROOT: the view checks
# collection privacy and sets the type by this table, not by the machine's mimetypes.
# Only PDFs are shown inline; every other document is a download.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILDOCS_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "csv": "text/csv",
}
WAGTAILDOCS_EXTENSIONS = list(WAGTAILDOCS_CONTENT_TYPES)
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
# Wagtail's images are checked by Pillow and must have the extension of their format;
# no SVG, which is a document that can hold script.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Visit statistics (R-DEP-4, reports/visits.py): each process counts logins and page
# views in memory and writes them out after a response at most this often (seconds),
# and at exit. A worker killed outright loses the counts since its last write.
VISITS_FLUSH_SECONDS = 60

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sgo-portal@localhost")

# Background tasks and notifications (issue 13, notifications/). Django's tasks
# framework on django-tasks-db: tasks are rows of the database, run by
# `manage.py db_worker` (`make demo` starts one beside the server; docs/architecture.md
# for more workers, RQ or Celery). Wagtail's own tasks (its search and reference index
# updates, declared with the django-tasks backport) run there too: the backport reads
# the same TASKS and makes its tasks of the backend's class, Django's own Task.
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# Web push (VAPID): the key pair from the environment (`manage.py vapid_keys` makes
# one), or from VAPID_KEY_FILE (the demo's, written when missing, outside git).
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:" + DEFAULT_FROM_EMAIL)
VAPID_KEY_FILE = os.environ.get("VAPID_KEY_FILE", "")

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents.views import serve as wagtaildocs

from portal.uploads import serve_document

from . import accounts, search_views, views

urlpatterns = [
    # One login for the portal, the admin and private pages: allauth's, with its rate
    # limits (portal.accounts). These shadow Wagtail's own login views.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # The user's sessions are listed and ended in personal settings (api/views.py), not
    # on allauth.usersessions' own page.
    path("accounts/sessions/", RedirectView.as_view(url="/settings/#sessions")),
    path("_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
         accounts.page_password),
    # Site history lists log entries by model, not by school: superusers only.
    re_path(r"^admin/reports/site-history/", views.superusers_only),
    path("admin/", include(wagtailadmin_urls)),
    path("favicon.ico", views.favicon),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("start/", views.start, name="start"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("", include("records.urls")),
    path("", include("journal.urls")),
    path("", include("schedule.urls")),
    # Announcements' feeds (issue 13); the announcements themselves are Wagtail pages.
    path("announcements/", include("announcements.urls")),
    path("", include("notifications.urls")),
    path("", include("courses.urls")),
    path("", include("portfolio.urls")),
    # Issue 13: the search, the documents register, the link catalog.
    path("search/", search_views.results, name="search"),
    path("", include("documents.urls")),
    path("", include("attestation.urls")),
    path("", include("links.urls")),
    # Issue 15: the reports.
    path("", include("reports.urls")),
    path("", include("stateforms.urls")),
    # Issue 14: the movement book.
    path("", include("movement.urls")),
    # Issue 14: personal data requests (R-PD-4, R-PD-5).
    path("", include("subject_requests.urls")),
    path("", include("forum.urls")),
    path("", include("messaging.urls")),
    path("", include("api.urls")),
    # Wagtail's documents, through Wagtail's view only (its names and routes), with the
    # headers of every served file (portal/uploads.py).
    path("documents/<id:document_id>/<path:document_filename>",
         serve_document(wagtaildocs.serve), name="wagtaildocs_serve"),
    path("documents/authenticate_with_password/<id:restriction_id>/",
         accounts.document_password, name="wagtaildocs_authenticate_with_password"),
]


def media_urlpatterns():
    """What the development server serves from MEDIA_ROOT: Wagtail's images only.
    Documents go through their view; private files are not under MEDIA_ROOT at all.
    (Django's static() helper serves only with DEBUG; the demo runs without it.)"""
    import re

    from django.views.static import serve

    return [
        re_path(rf"^{re.escape(f'{settings.MEDIA_URL}{folder}/'.lstrip('/'))}(?P<path>.*)$",
                serve, kwargs={"document_root": settings.MEDIA_ROOT / folder})
        for folder in ("images", "original_images")
    ]


if settings.SERVE_MEDIA:
    urlpatterns += media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from . import accounts, views

urlpatterns = [
    # One login for the portal, the admin and private pages: allauth's, with its rate
    # limits (portal.accounts). These shadow Wagtail's own login views.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
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
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

"""Personal settings (``/settings/``) and the open API (``/api/v1/``)."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import views
from .v1 import api


@csrf_exempt  # it changes nothing, whatever the method: no CSRF 403 page instead
def api_not_found(request):
    """Any other address under /api/ (and an id out of range: the ``id`` converter
    matches none): JSON, as the API's own 404s, for every method."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


app_name = "api"
urlpatterns = [
    path("settings/", views.personal_settings, name="settings"),
    path("settings/keys/new/", views.create_token, name="token_create"),
    path("settings/keys/<id:pk>/revoke/", views.revoke_token, name="token_revoke"),
    path("settings/sessions/<id:pk>/end/", views.end_session, name="session_end"),
    path("settings/sessions/end-others/", views.end_other_sessions_view,
         name="sessions_end_others"),
    path("api/v1/", api.urls),
    # Addresses the API does not have, ids out of range included (the ``id`` converter
    # matches none of them): JSON too, not the portal's HTML page.
    re_path(r"^api/", api_not_found, name="not_found"),
]

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<id:pk>/", views.open_notification, name="open"),
    path("notifications/<id:pk>/read/", views.mark_read, name="read"),
    path("notifications/read/", views.mark_all_read, name="read_all"),
    path("notifications/settings/", views.preferences, name="settings"),
    path("notifications/push/subscribe/", views.subscribe, name="subscribe"),
    path("notifications/push/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    # The PWA: from the site's root (a service worker's scope is its folder).
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]

from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("family/", views.family, name="family"),
    path("me/", views.me, name="me"),
    path("pupils/<id:pk>/", views.pupil_detail, name="pupil"),
    path("files/<path:name>", views.private_file, name="private_file"),
]

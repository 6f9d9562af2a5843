from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("schools/<id:institution_id>/documents/", views.register, name="register"),
    path("register/<id:pk>/", views.document, name="document"),
    path("register/<id:pk>/file/", views.document_file, name="file"),
]

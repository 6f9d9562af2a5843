from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("schools/<id:institution_id>/documents/", views.register, name="register"),
    path("register/<id:pk>/", views.document, name="document"),
    path("register/<id:pk>/file/", views.document_file, name="file"),
    path("issued/", views.issued_register, name="issued"),
    path("issued/<id:pk>/file/", views.issued_file, name="issued_file"),
    path("issued/new/pupil/<id:pupil_id>/", views.issue_for_pupil, name="issue"),
    path("issued/new/class-list/<id:class_id>/", views.issue_class_list,
         name="issue_class_list"),
]

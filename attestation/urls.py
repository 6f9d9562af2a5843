from django.urls import path

from . import views

app_name = "attestation"
urlpatterns = [
    path("attestation/", views.index, name="index"),
    path("attestation/classes/<id:pk>/", views.class_sheet, name="class"),
    path("attestation/classes/<id:pk>/compute/", views.compute, name="compute"),
    path("attestation/classes/<id:pk>/exams/add/", views.add_exam, name="add_exam"),
    path("attestation/exams/<id:pk>/", views.edit_exam, name="edit_exam"),
    path("attestation/exams/<id:pk>/delete/", views.delete_exam, name="delete_exam"),
    path("attestation/marks/<id:pk>/", views.mark, name="mark"),
]

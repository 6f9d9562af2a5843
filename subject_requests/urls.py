from django.urls import path

from . import views

app_name = "subject_requests"
urlpatterns = [
    path("data-requests/", views.mine, name="mine"),
    path("data-requests/new/", views.new, name="new"),
    path("data-requests/register/", views.register, name="register"),
    path("data-requests/<id:pk>/", views.detail, name="request"),
    path("data-requests/<id:pk>/take/", views.take, name="take"),
    path("data-requests/<id:pk>/answer/", views.answer, name="answer"),
    path("data-requests/<id:pk>/copy.pdf", views.copy_pdf, name="copy_pdf"),
    path("data-requests/<id:pk>/copy.json", views.copy_json, name="copy_json"),
]

from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("classes/<int:pk>/", views.class_detail, name="class"),
]

from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("classes/<int:pk>/attendance/", views.class_attendance, name="class_attendance"),
    path("subgroups/<int:pk>/", views.subgroup_detail, name="subgroup"),
]

from django.urls import path, re_path

from . import views, views_overview

app_name = "journal"
urlpatterns = [
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("subgroups/<int:pk>/", views.subgroup_detail, name="subgroup"),
    # What is missing: the teacher's journals and the deputy's overview of a school.
    path("journal/", views_overview.index, name="index"),
    re_path(r"^journal/school/(?P<pk>[0-9]{1,9})/$", views_overview.school_overview,
            name="school_overview"),
]

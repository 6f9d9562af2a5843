from django.urls import path

from . import views, views_diary

app_name = "journal"
urlpatterns = [
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("classes/<int:pk>/attendance/", views.class_attendance, name="class_attendance"),
    path("subgroups/<int:pk>/", views.subgroup_detail, name="subgroup"),
    # R-DRY-1: the diary of a pupil, for the pupil and their parents.
    path("diary/", views_diary.diary_index, name="diary_index"),
    path("diary/<int:pupil_pk>/", views_diary.week_view, name="diary"),
    path("diary/<int:pupil_pk>/period/", views_diary.period_view, name="diary_period"),
]

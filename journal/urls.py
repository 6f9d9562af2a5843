from django.urls import path

from . import views, views_diary, views_grid, views_overview

app_name = "journal"
urlpatterns = [
    path("classes/<id:pk>/", views.class_detail, name="class"),
    path("classes/<id:pk>/transfer/", views.transfer, name="transfer"),
    path("classes/<id:pk>/attendance/", views.class_attendance, name="class_attendance"),
    path("subgroups/<id:pk>/", views.subgroup_detail, name="subgroup"),
    # R-DRY-1: the diary of a pupil, for the pupil and their parents.
    path("diary/", views_diary.diary_index, name="diary_index"),
    path("diary/<id:pupil_pk>/", views_diary.week_view, name="diary"),
    path("diary/<id:pupil_pk>/period/", views_diary.period_view, name="diary_period"),
    # The journal grid (R-JRN-1…6).
    path("journal/<id:class_pk>/<id:subject_pk>/", views_grid.grid, name="grid"),
    path("journal/cell/mark/", views_grid.save_mark, name="save_mark"),
    path("journal/cell/attendance/", views_grid.save_attendance, name="save_attendance"),
    path("journal/cell/final/", views_grid.save_final, name="save_final"),
    path("journal/lesson/<id:pk>/", views_grid.lesson, name="lesson"),
    path("journal/lesson/<id:pk>/present/", views_grid.take_attendance,
         name="take_attendance"),
    path("journal/lesson/<id:pk>/task/", views_grid.new_task, name="new_task"),
    path("journal/history/", views_grid.cell_history, name="cell_history"),
    # What is missing: the teacher's journals and the deputy's overview of a school.
    path("journal/", views_overview.index, name="index"),
    path("journal/school/<id:pk>/", views_overview.school_overview, name="school_overview"),
]

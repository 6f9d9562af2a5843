from django.urls import path, re_path

from . import views

app_name = "schedule"
urlpatterns = [
    path("timetable/", views.index, name="index"),
    re_path(r"^timetable/(?P<kind>class|teacher|room|school)/(?P<pk>[0-9]{1,9})/$",
            views.calendar_view, name="calendar"),
    path("timetable/class/<int:pk>/edit/", views.grid, name="grid"),
    path("timetable/class/<int:pk>/edit/cell/", views.save_cell, name="save_cell"),
    path("timetable/class/<int:pk>/edit/cell/delete/", views.delete_cell, name="delete_cell"),
    path("timetable/class/<int:pk>/edit/change/", views.add_change, name="add_change"),
    path("timetable/class/<int:pk>/edit/change/<int:change_pk>/delete/",
         views.delete_change, name="delete_change"),
]

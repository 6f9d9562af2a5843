from django.urls import path

from . import views

app_name = "schedule"
urlpatterns = [
    path("timetable/", views.index, name="index"),
    path("timetable/<slug:kind>/<id:pk>/", views.calendar_view, name="calendar"),
    path("timetable/class/<id:pk>/edit/", views.grid, name="grid"),
    path("timetable/class/<id:pk>/edit/cell/", views.save_cell, name="save_cell"),
    path("timetable/class/<id:pk>/edit/cell/delete/", views.delete_cell, name="delete_cell"),
    path("timetable/class/<id:pk>/edit/change/", views.add_change, name="add_change"),
    path("timetable/class/<id:pk>/edit/change/<id:change_pk>/delete/",
         views.delete_change, name="delete_change"),
]

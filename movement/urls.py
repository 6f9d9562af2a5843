from django.urls import path

from . import views

app_name = "movement"
urlpatterns = [
    path("movement/", views.start, name="start"),
    path("movement/report/", views.report, name="report"),
    path("movement/<id:pk>/cancel/", views.cancel, name="cancel"),
    path("schools/<id:institution_id>/movement/", views.book, name="book"),
    path("schools/<id:institution_id>/movement/enrol/", views.enrol, name="enrol"),
    path("schools/<id:institution_id>/movement/leave/", views.leave, name="leave"),
    path("schools/<id:institution_id>/movement/leavers/", views.lists, name="lists"),
    path("schools/<id:institution_id>/movement/rollover/", views.year_rollover,
         name="rollover"),
    path("schools/<id:institution_id>/movement/rollover/progress/", views.rollover_progress,
         name="rollover_progress"),
    path("schools/<id:institution_id>/arrivals/", views.arrivals, name="arrivals"),
    path("arrivals/<id:pk>/", views.arrival, name="arrival"),
]

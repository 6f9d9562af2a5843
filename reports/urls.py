from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/progress/", views.final_progress, name="progress"),
    path("reports/current/", views.current_progress, name="current"),
    path("reports/completeness/", views.journal_completeness, name="completeness"),
]

from django.urls import path

from . import views, views_builder, views_monitor, views_visits

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/progress/", views.final_progress, name="progress"),
    path("reports/current/", views.current_progress, name="current"),
    path("reports/completeness/", views.journal_completeness, name="completeness"),
    path("reports/contingent/", views.contingent, name="contingent"),
    path("reports/staff/", views.staff_list, name="staff"),
    path("reports/schools/", views.schools, name="schools"),
    path("reports/schools/<id:pk>/", views.school, name="school"),
    path("reports/visits/", views_visits.visits, name="visits"),
    path("reports/monitor/", views_monitor.monitor, name="monitor"),
    path("reports/builder/", views_builder.index, name="builder"),
    path("reports/builder/new/<slug:source>/", views_builder.new, name="builder_new"),
    path("reports/builder/<id:pk>/", views_builder.report, name="builder_report"),
    path("reports/builder/<id:pk>/edit/", views_builder.edit, name="builder_edit"),
    path("reports/builder/<id:pk>/delete/", views_builder.delete, name="builder_delete"),
]

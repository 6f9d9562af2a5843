from django.urls import path

from . import views

app_name = "stateforms"
urlpatterns = [
    path("stat-forms/", views.index, name="index"),
    path("stat-forms/create/", views.create, name="create"),
    path("stat-forms/schools/", views.schools, name="schools"),
    path("stat-forms/total/", views.total, name="total"),
    path("stat-forms/<id:pk>/", views.report, name="report"),
    path("stat-forms/<id:pk>/calculate/", views.step, {"name": "calculate"}, name="calculate"),
    path("stat-forms/<id:pk>/send/", views.step, {"name": "send"}, name="send"),
    path("stat-forms/<id:pk>/accept/", views.step, {"name": "accept"}, name="accept"),
    path("stat-forms/<id:pk>/return/", views.return_, name="return"),
    path("stat-forms/<id:pk>/oo-1.pdf", views.report_file, {"fmt": "pdf"}, name="report_pdf"),
    path("stat-forms/<id:pk>/oo-1.xlsx", views.report_file, {"fmt": "xlsx"},
         name="report_xlsx"),
    path("stat-forms/figures/<id:pk>/", views.figure, name="figure"),
]

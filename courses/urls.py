from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    # R-MAT-1: the courses of a pupil's class, for the pupil and their parents; a course
    # page for whoever may read the course. Files go through records:private_file.
    path("courses/", views.index, name="index"),
    path("courses/pupil/<id:pupil_pk>/", views.pupil_courses, name="pupil"),
    path("courses/<id:pk>/", views.course_detail, name="course"),
]

from django.urls import path

from . import queries, views

app_name = "messaging"
urlpatterns = [
    path("mail/", views.folder, {"name": queries.INBOX}, name="inbox"),
    path("mail/sent/", views.folder, {"name": queries.SENT}, name="sent"),
    path("mail/archive/", views.folder, {"name": queries.ARCHIVE}, name="archive"),
    path("mail/new/", views.compose, name="compose"),
    path("mail/threads/<id:pk>/", views.thread, name="thread"),
    path("mail/threads/<id:pk>/archive/", views.archive, name="archive_thread"),
    path("mail/messages/<id:pk>/reply/", views.reply, name="reply"),
    path("mail/messages/<id:pk>/forward/", views.forward, name="forward"),
]

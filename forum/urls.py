from django.urls import path

from . import feeds, views

app_name = "forum"
urlpatterns = [
    path("forum/", views.index, name="index"),
    path("forum/sections/new/", views.section_new, name="section_new"),
    path("forum/sections/<id:pk>/", views.section, name="section"),
    path("forum/sections/<id:pk>/edit/", views.section_edit, name="section_edit"),
    path("forum/sections/<id:pk>/new-topic/", views.topic_new, name="topic_new"),
    path("forum/sections/<id:pk>/moderation/", views.moderation, name="moderation"),
    path("forum/sections/<id:pk>/moderators/", views.moderator_add, name="moderator_add"),
    path("forum/sections/<id:pk>/moderators/<id:user_pk>/remove/", views.moderator_remove,
         name="moderator_remove"),
    path("forum/sections/<id:pk>/rss/", feeds.SectionFeed(), name="feed"),
    path("forum/feed/<str:token>/sections/<id:pk>/rss/", feeds.SectionFeed(),
         name="personal_feed"),
    path("forum/topics/<id:pk>/", views.topic, name="topic"),
    path("forum/topics/<id:pk>/unread/", views.unread, name="unread"),
    path("forum/topics/<id:pk>/reply/", views.reply, name="reply"),
    path("forum/topics/<id:pk>/subscription/", views.subscribe, name="subscribe"),
    path("forum/topics/<id:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("forum/topics/<id:pk>/move/", views.topic_move, name="topic_move"),
    path("forum/posts/<id:pk>/", views.post, name="post"),
    path("forum/posts/<id:pk>/edit/", views.post_edit, name="post_edit"),
    path("forum/posts/<id:pk>/hide/", views.post_hide, name="post_hide"),
    path("forum/posts/<id:pk>/show/", views.post_show, name="post_show"),
    path("forum/posts/<id:pk>/ban/", views.post_ban, name="post_ban"),
    path("forum/posts/<id:pk>/report/", views.post_report, name="post_report"),
    path("forum/bans/<id:pk>/lift/", views.ban_lift, name="ban_lift"),
    path("forum/reports/", views.reports, name="reports"),
    path("forum/reports/<id:pk>/dismiss/", views.report_dismiss, name="report_dismiss"),
    path("forum/files/<id:pk>/", views.attachment, name="attachment"),
    path("forum/people/<id:pk>/", views.profile, name="profile"),
]

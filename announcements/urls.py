from django.urls import path

from . import feeds, views

app_name = "announcements"
urlpatterns = [
    path("feeds/", views.feeds, name="feeds"),
    path("feed/rss/", feeds.AnnouncementsFeed(), name="feed"),
    path("feed/atom/", feeds.AnnouncementsAtomFeed(), name="atom"),
    path("feed/<str:token>/rss/", feeds.AnnouncementsFeed(), name="personal_rss"),
    path("feed/<str:token>/atom/", feeds.AnnouncementsAtomFeed(), name="personal_atom"),
]

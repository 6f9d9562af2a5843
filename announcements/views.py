from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from .feeds import feed_token


@login_required
def feeds(request):
    """The addresses of the user's feeds, the personal ones with their token."""
    token = feed_token(request.user)
    return render(request, "announcements/feeds.html", {
        "rss": request.build_absolute_uri(reverse("announcements:personal_rss", args=[token])),
        "atom": request.build_absolute_uri(reverse("announcements:personal_atom",
                                                   args=[token])),
    })

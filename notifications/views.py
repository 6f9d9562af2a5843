"""The user's own notifications, their choices per kind and channel (R-SET-1), the
devices that take web push, and the PWA's manifest and service worker.

Every notification view reads ``Notification.objects.of(request.user)``: another
user's notification answers 404, whoever asks."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.branding import portal_name

from . import push
from .forms import PreferencesForm, SubscriptionForm
from .models import Notification, PushSubscription

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request):
    rows = Notification.objects.of(request.user).listed()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "unread": _unread(request),
    })


def _unread(request):
    count = getattr(request.user, "unread_notifications", None)
    if count is None:
        count = Notification.objects.of(request.user).listed().unread().count()
    return count


def _back(request):
    return redirect(reverse("notifications:list") + (
        f"?page={request.POST['page']}" if request.POST.get("page", "").isdigit() else ""))


@login_required
@require_GET
def open_notification(request, pk):
    """Marks the notification read and goes on to what it is about."""
    row = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    if row.read_at is None:
        Notification.objects.filter(pk=row.pk).update(read_at=timezone.now())
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
        return redirect(row.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, pk):
    row = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(
        read_at=timezone.now())
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    count = Notification.objects.of(request.user).unread().update(read_at=timezone.now())
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


@login_required
def preferences(request):
    """«Уведомления»: a table of kinds × channels."""
    form = PreferencesForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
        messages.error(request, _("The settings were not saved: check the form."))
    devices = PushSubscription.objects.filter(user=request.user).order_by("-created")
    return render(request, "notifications/settings.html", {
        "form": form, "rows": form.rows(), "devices": devices,
        "push_key": push.public_key(),
    })


@login_required
@require_POST
def subscribe(request):
    """Registers this browser for web push (the JSON of its PushSubscription)."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    form = SubscriptionForm(data if isinstance(data, dict) else {})
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors}, status=400)
    endpoint = form.cleaned_data["endpoint"]
    agent = request.headers.get("User-Agent", "")[:300]
    with transaction.atomic():
        # An endpoint belongs to one browser: registered again (by whoever is signed in
        # in it now), it moves to that user.
        PushSubscription.objects.filter(endpoint=endpoint).delete()
        PushSubscription.objects.create(
            user=request.user, endpoint=endpoint, p256dh=form.cleaned_data["p256dh"],
            auth=form.cleaned_data["auth"], user_agent=agent)
    return JsonResponse({"ok": True})


@login_required
@require_POST
def unsubscribe(request):
    """Forgets this browser (its endpoint), or one device of the user's by its id."""
    try:
        data = json.loads(request.body or b"{}") if request.content_type == \
            "application/json" else request.POST
    except ValueError:
        data = {}
    own = PushSubscription.objects.filter(user=request.user)
    if request.content_type == "application/json":
        endpoint = data.get("endpoint") if isinstance(data, dict) else None
        deleted, _rows = own.filter(endpoint=str(endpoint or "")).delete()
        return JsonResponse({"ok": True, "deleted": deleted})
    from portal.ids import parse_id

    device = get_object_or_404(own, pk=parse_id(data.get("device")) or 0)
    device.delete()
    messages.success(request, _("The device no longer gets push notifications."))
    # Back to the page the form was on (the personal settings list the devices too).
    back = data.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notifications:settings")


# The PWA ----------------------------------------------------------------------------


@require_GET
def manifest(request):
    """The web app manifest: the portal installs on a phone's home screen."""
    name = portal_name()
    data = {
        "name": name,
        "short_name": name[:12],
        "lang": settings.LANGUAGE_CODE,
        "start_url": "/start/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f3f5f8",
        "theme_color": "#1f5fa8",
        "icons": [
            {"src": static(f"portal/icons/icon-{size}.png"), "sizes": f"{size}x{size}",
             "type": "image/png", "purpose": "any"}
            for size in (192, 512)
        ],
    }
    # Cache-Control as every response: no-store for a signed-in user (the middleware).
    return HttpResponse(json.dumps(data, ensure_ascii=False),
                        content_type="application/manifest+json")


@require_GET
def service_worker(request):
    """The service worker, from the site's root so that its scope is the whole site."""
    path = finders.find("portal/sw.js")
    if path is None:  # pragma: no cover - the file is part of the portal
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check the worker's script for updates past their HTTP cache anyway.
    return response

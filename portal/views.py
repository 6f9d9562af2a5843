from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from . import dashboard as dashboard_data
from .access import access


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("portal/favicon.svg"), permanent=True)


def superusers_only(request, *args, **kwargs):
    """Wagtail's site history report, for superusers; anyone else gets 403."""
    from wagtail.admin.views.reports.audit_logging import LogEntriesView

    if not request.user.is_superuser:
        raise PermissionDenied
    results = request.path.rstrip("/").endswith("results")
    return LogEntriesView.as_view(results_only=results)(request, *args, **kwargs)


@login_required
def start(request):
    """Each role lands on its own start page."""
    user = request.user
    context = access(user)
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return redirect("dashboard")
    if context.child_pupil_ids:
        return redirect("records:family")
    if context.own_pupil_ids:
        return redirect("records:me")
    messages.info(request, _("Your login has no role in any school yet. "
                             "Ask your school administrator to assign one."))
    return redirect("/")


@login_required
def dashboard(request):
    """The staff's start page: what each of the user's roles needs today
    (portal/dashboard.py)."""
    user = request.user
    if not (user.is_superuser or user.has_perm("wagtailadmin.access_admin")):
        raise PermissionDenied
    return render(request, "portal/dashboard.html",
                  dashboard_data.build(user, timezone.localtime()))

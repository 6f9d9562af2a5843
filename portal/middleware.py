from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Accounts issued by the school must get a new password before anything else
    (R-PPL-5). Only the password change page, logout and static files stay open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (reverse("account_change_password"), reverse("account_logout"))
            if not request.path.startswith(allowed) and not request.path.startswith(
                ("/static/", "/i18n/")
            ):
                return redirect("account_change_password")
        return self.get_response(request)


class AdminAccessMiddleware:
    """A signed-in user without admin access (pupils, parents) gets a plain 403 for
    every admin URL, instead of Wagtail's redirect to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/admin/")
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied
        return self.get_response(request)

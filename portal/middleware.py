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

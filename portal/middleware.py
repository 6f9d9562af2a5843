from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


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


class LanguageMiddleware:
    """Russian first: the interface speaks Russian unless the user chose English with
    the switcher (a cookie). Unlike Django's LocaleMiddleware, the browser's
    Accept-Language header is ignored, so a school computer set to English still shows
    the school's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = choice if choice in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response

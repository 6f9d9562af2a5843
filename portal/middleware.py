from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP


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


class PrivateResponseMiddleware:
    """No browser or proxy keeps a copy of what a signed-in user was shown: every
    response to a request that comes with a session (a signed-in user, or one who just
    signed out) is ``Cache-Control: private, no-store``, errors and redirects included.
    ``no-store`` also keeps the page out of the browser's back/forward cache, so «Back»
    on a school computer after logging out shows no child's page.

    A view that wants something else says so by setting Cache-Control itself
    (``@cache_control(...)``, ``@never_cache``, ``patch_cache_control``): a response that
    already has the header is left as it is. Static files never get here (WhiteNoise
    answers them before the session is read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and self.is_private(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def is_private(request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        return signed_in or settings.SESSION_COOKIE_NAME in request.COOKIES


class ContentSecurityPolicyChoiceMiddleware:
    """Chooses the Content Security Policy of a response; Django's
    ContentSecurityPolicyMiddleware (listed just before this one, so it runs after it
    on the way out) then writes it with the request's nonce.

    - Pages of Wagtail's admin get ``ADMIN_CSP`` (see the settings for the one
      allowance it makes).
    - ``frame-ancestors`` follows X-Frame-Options: 'none' like DENY, and 'self' for a
      view that allows SAMEORIGIN on purpose; browsers obey ``frame-ancestors`` over
      X-Frame-Options. XFrameOptionsMiddleware, at the end of the list, has set the
      header by the time the response gets here. Wagtail's preview (shown in an iframe
      of the page editor) renders the page through the whole middleware list again,
      for a request it marks ``is_preview``, before its view allows SAMEORIGIN: that
      inner response is given 'self' by the mark.

    A view that needs another policy uses Django's ``csp_override`` (or
    ``csp_report_only_override``) decorator, or sets the Content-Security-Policy
    header itself (private files answer ``sandbox``): both are kept as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if CSP.HEADER_ENFORCE in response:
            return response
        # The attribute that csp_override sets and Django's middleware reads.
        if not hasattr(response, "_csp_config") and request.path.startswith("/admin/"):
            response._csp_config = settings.ADMIN_CSP
        config = getattr(response, "_csp_config", settings.SECURE_CSP)
        framed = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        if config and (framed or getattr(request, "is_preview", False)):
            response._csp_config = {**config, "frame-ancestors": [CSP.SELF]}
        return response

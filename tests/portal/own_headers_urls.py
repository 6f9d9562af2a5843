"""Views that set their own headers on purpose, for the tests of the middleware that
must keep them (test_csp.py, test_no_store.py)."""

from django.http import HttpResponse
from django.urls import path
from django.utils.csp import CSP
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override


def sandboxed(request):
    # As a private file answers: its own policy.
    response = HttpResponse(b"%PDF-1.4", content_type="application/pdf")
    response[CSP.HEADER_ENFORCE] = "sandbox"
    return response


@csp_override({"default-src": [CSP.NONE]})
def overridden(request):
    return HttpResponse("<p>own policy</p>")


@xframe_options_sameorigin
def framed(request):
    return HttpResponse("<p>shown in a frame of the portal</p>")


@cache_control(max_age=60, private=True)
def cached(request):
    return HttpResponse("<p>may be kept a minute</p>")


urlpatterns = [
    path("sandboxed/", sandboxed),
    path("overridden/", overridden),
    path("framed/", framed),
    path("cached/", cached),
]

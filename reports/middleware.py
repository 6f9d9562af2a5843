from . import visits

HTML = "text/html"


def is_page_view(request, response):
    """Whether ``response`` is an HTML page a signed-in user's browser navigated to.

    Not counted: visitors; anything but a successful GET (form posts answer with a
    redirect, errors are not views); redirects; downloads and files (streamed
    responses: CSV exports, private files, documents; anything that is not HTML: XLSX,
    PDF, JSON, the service worker, the manifest); a page's own requests by script,
    which browsers mark with ``Sec-Fetch-Mode`` other than ``navigate`` (fetch) or
    older code with ``X-Requested-With``; and frames (Wagtail's preview), marked with
    ``Sec-Fetch-Dest``. Static files never get here (WhiteNoise answers first)."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if response.streaming:  # CSV exports, files
        return False
    if not response.get("Content-Type", "").startswith(HTML):
        return False
    if response.has_header("Content-Disposition"):
        return False
    headers = request.headers
    if headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    if (headers.get("Sec-Fetch-Mode", "navigate") != "navigate"
            or headers.get("Sec-Fetch-Dest", "document") != "document"):
        return False
    # Asked last: a response that is no page never loads the session and the user just
    # for this.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class VisitCountMiddleware:
    """Counts page views in the process (reports/visits.py) and writes them out at most
    every ``VISITS_FLUSH_SECONDS``: no query on an ordinary request. Listed after the
    authentication middleware, which gives the request its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_page_view(request, response):
            visits.record_view(request)
        visits.flush_if_due()
        return response

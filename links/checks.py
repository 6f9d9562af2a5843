"""Checking the catalog's links: does each address still answer?

Each link is asked with HEAD (GET when the server refuses HEAD), following at most a few
redirects, each to an http or https address only, with a timeout, reading at most
MAX_BYTES of a body. Addresses that resolve to the portal's own network (loopback,
private, link-local) are not asked at all unless LINKS_CHECK_PRIVATE_ADDRESSES is set
(tests on loopback): the check must not become a way to probe the servers behind the
portal. The result is written to the link: status, time, error, broken or not.
"""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

TIMEOUT = 10  # seconds per request
MAX_REDIRECTS = 5
MAX_BYTES = 64 * 1024
USER_AGENT = "SGO-portal link check"


@dataclass
class Outcome:
    status: int | None
    error: str

    @property
    def broken(self):
        return bool(self.error) or self.status is None or self.status >= 400


class CheckError(Exception):
    pass


def _guard_address(host, port):
    if getattr(settings, "LINKS_CHECK_PRIVATE_ADDRESSES", False):
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise CheckError(_("The host name does not resolve.")) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise CheckError(_("The address points into a private network."))


def _ask(url, method, timeout):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CheckError(_("Only http and https addresses are checked."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    _guard_address(parts.hostname, port)
    connection_class = (http.client.HTTPSConnection if parts.scheme == "https"
                        else http.client.HTTPConnection)
    connection = connection_class(parts.hostname, port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.request(method, target, headers={"User-Agent": USER_AGENT,
                                                    "Accept": "*/*"})
        response = connection.getresponse()
        if method == "GET":
            response.read(MAX_BYTES)  # never more than this of a body
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def check_url(url, timeout=TIMEOUT):
    """The Outcome of asking ``url``."""
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            status, location = _ask(url, "HEAD", timeout)
            if status in (405, 501):  # HEAD not allowed: ask for the page itself
                status, location = _ask(url, "GET", timeout)
            if 300 <= status < 400 and location:
                url = urljoin(url, location)
                if urlsplit(url).scheme not in ("http", "https"):
                    return Outcome(status, _("Redirects to an address that is not http "
                                             "or https."))
                continue
            return Outcome(status, "")
        return Outcome(None, _("Too many redirects."))
    except CheckError as error:
        return Outcome(None, str(error))
    except TimeoutError:
        return Outcome(None, _("No answer within %(seconds)s s.") % {"seconds": timeout})
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, (_("Connection failed: %(error)s") % {
            "error": error.__class__.__name__})[:300])


def check_link(link, timeout=TIMEOUT):
    """Checks one link and records the outcome on it."""
    outcome = check_url(link.url, timeout=timeout)
    link.check_status = outcome.status
    link.check_error = outcome.error[:300]
    link.is_broken = outcome.broken
    link.checked_at = timezone.now()
    link.save(update_fields=["check_status", "check_error", "is_broken", "checked_at"])
    return outcome


def check_links(links, timeout=TIMEOUT):
    """Checks every link of ``links``; returns (checked, broken)."""
    checked = broken = 0
    for link in links:
        checked += 1
        broken += check_link(link, timeout=timeout).broken
    return checked, broken

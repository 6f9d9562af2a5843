"""Link checking (R-RES-1): each link is asked for on a local HTTP server on loopback
(no internet here) — 200, 404, no answer in time, redirects (to a page, to a
non-http address), a server refusing HEAD — and the outcome is recorded on the link."""

import http.server
import io
import socket
import threading

import pytest
from django.core.management import call_command

from links.checks import check_link, check_url
from links.factories import LinkFactory
from links.models import Link
from links.tasks import check_links_task

pytestmark = pytest.mark.django_db


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, body):
        path = self.path
        if path == "/ok":
            self.send_response(200)
        elif path == "/missing":
            self.send_response(404)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path == "/to-javascript":
            self.send_response(302)
            self.send_header("Location", "javascript:alert(1)")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif path == "/no-head":
            self.send_response(200)
        elif path == "/big":
            self.send_response(405 if self.command == "HEAD" else 200)
        else:
            self.send_response(500)
        self.send_header("Content-Length", "0" if not body or path != "/big" else str(10**7))
        self.end_headers()
        if body and path == "/big":
            chunk = b"x" * 65536
            try:
                for _ in range(150):
                    self.wfile.write(chunk)
            except OSError:
                pass

    def do_HEAD(self):
        self.answer(False)

    def do_GET(self):
        self.answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.LINKS_CHECK_PRIVATE_ADDRESSES = True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def silent(settings):
    """A port that accepts connections and never answers."""
    settings.LINKS_CHECK_PRIVATE_ADDRESSES = True
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sock.close()


@pytest.mark.parametrize("path, status, broken", [
    ("/ok", 200, False),
    ("/missing", 404, True),
    ("/moved", 200, False),
    ("/no-head", 200, False),
    ("/big", 200, False),
])
def test_a_link_is_checked_and_recorded(server, path, status, broken):
    link = LinkFactory(url=server + path)
    outcome = check_link(link)
    link.refresh_from_db()
    assert (link.check_status, link.is_broken) == (status, broken)
    assert link.checked_at is not None and outcome.broken == broken


def test_a_redirect_to_a_non_http_address_is_broken(server):
    outcome = check_url(server + "/to-javascript")
    assert outcome.broken and "http" in outcome.error


def test_endless_redirects_are_broken(server):
    outcome = check_url(server + "/loop")
    assert outcome.broken and outcome.status is None


def test_a_server_that_does_not_answer_times_out(silent):
    link = LinkFactory(url=silent)
    outcome = check_link(link, timeout=0.3)
    link.refresh_from_db()
    assert link.is_broken and link.check_status is None and "0.3" in link.check_error
    assert outcome.broken


def test_private_addresses_are_not_asked_by_default(settings):
    settings.LINKS_CHECK_PRIVATE_ADDRESSES = False
    for url in ("http://127.0.0.1:9/", "http://10.0.0.1/", "http://[::1]/",
                "http://169.254.169.254/latest/meta-data/"):
        outcome = check_url(url, timeout=0.3)
        assert outcome.broken and outcome.error, url


def test_the_command_and_the_task_check_every_link(server):
    Link.objects.update(url=server + "/ok")
    LinkFactory(url=server + "/missing")
    out = io.StringIO()
    call_command("check_links", "--timeout", "2", stdout=out)
    total = Link.objects.count()
    assert f"Checked {total} links, 1 broken." in out.getvalue()
    assert Link.objects.broken().count() == 1
    Link.objects.update(url=server + "/missing")
    result = check_links_task.enqueue()
    assert result.return_value == {"checked": total, "broken": total}
    call_command("check_links", "--enqueue", stdout=io.StringIO())

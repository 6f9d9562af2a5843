"""Issue 13, items 8–9: the portal as an installable web app, and web push.

- Chromium registers the service worker (/sw.js, scope "/") and reads the manifest
  without errors (the DevTools protocol's own check, Page.getAppManifest).
- A parent ticks push for announcements on the settings page; push.js asks for
  permission, subscribes and sends the subscription to the portal. Chromium's own push
  service is out of reach here, so the browser's PushManager.subscribe answers with a
  subscription to a fake push service on loopback (a small HTTP server in the test),
  with keys made in the test. An announcement's notification then reaches that
  server as a real web push: an aes128gcm-encrypted POST with a VAPID Authorization
  header, which the test decrypts with http_ece to read the payload.
"""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.sync_api import Page, expect

from notifications import push
from notifications.forms import SubscriptionForm
from notifications.models import PushSubscription
from notifications.service import Kind, notify
from records.models import User
from tests.browser.test_flows import log_in
from tests.browser.test_screenshots import settled

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakePushService(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 - the handler's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, {name.lower(): value for name, value
                                          in self.headers.items()}, body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service():
    FakePushService.received = []
    server = HTTPServer(("127.0.0.1", 0), FakePushService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", FakePushService.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid(settings):
    keys = push.generate_keys()
    settings.VAPID_PUBLIC_KEY = keys["public_key"]
    settings.VAPID_PRIVATE_KEY = keys["private_key"]
    return keys


@pytest.mark.browser
def test_the_service_worker_registers_and_the_manifest_is_valid(page: Page, live_server):
    log_in(page, "school1.parent", "/family/")
    scope = page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        return registration.scope;
    }""")
    assert scope == live_server.url + "/"
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    data = json.loads(manifest["data"])
    assert data["display"] == "standalone" and len(data["icons"]) == 2
    for icon in data["icons"]:
        response = page.request.get(live_server.url + icon["src"])
        assert response.status == 200 and response.headers["content-type"] == "image/png"
    # The list and the settings table fit a phone: nothing scrolls sideways at 390 px.
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/notifications/", "/notifications/settings/"):
        page.goto(path)
        assert settled(page).evaluate("() => document.documentElement.scrollWidth") <= 390, path


@pytest.mark.browser
def test_a_parent_gets_an_announcement_by_web_push(page: Page, live_server, push_service,
                                                   vapid, monkeypatch):
    base, received = push_service
    # The device's keys, as a browser makes them (RFC 8291).
    device_key = ec.generate_private_key(ec.SECP256R1())
    p256dh = b64url(device_key.public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint))
    auth_secret = os.urandom(16)
    endpoint = f"{base}/push/device-1"
    # The portal accepts only public HTTPS push services; this one is on loopback.
    monkeypatch.setattr(SubscriptionForm, "clean_endpoint",
                        lambda form: form.cleaned_data["endpoint"])
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(f"""
        PushManager.prototype.subscribe = async function () {{
            const json = {{endpoint: {json.dumps(endpoint)},
                          keys: {{p256dh: {json.dumps(p256dh)},
                                  auth: {json.dumps(b64url(auth_secret))}}}}};
            this._fake = {{endpoint: json.endpoint, toJSON: () => json,
                          unsubscribe: async () => true}};
            return this._fake;
        }};
        PushManager.prototype.getSubscription = async function () {{
            return this._fake || null;
        }};
    """)
    log_in(page, "school1.parent", "/family/")
    page.goto("/notifications/settings/")
    box = page.locator("input[name='announcement__push']")
    expect(box).to_be_enabled()
    box.check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".messages")).to_contain_text("Настройки уведомлений сохранены")
    parent = User.objects.get(username="school1.parent")
    device = PushSubscription.objects.get(user=parent)
    assert device.endpoint == endpoint and device.p256dh == p256dh

    # What the announcements call on publishing (the pages helper's part).
    notify(Kind.ANNOUNCEMENT, [parent], title="Собрание родителей 5А",
           body="В четверг в 18:00", url="/", source="browser-push:1")
    (path, headers, body), = received
    assert path == "/push/device-1"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert f"k={vapid['public_key']}" in headers["authorization"]
    assert int(headers["ttl"]) > 0
    payload = json.loads(http_ece.decrypt(body, private_key=device_key,
                                          auth_secret=auth_secret, version="aes128gcm"))
    assert payload["title"] == "Собрание родителей 5А"
    assert payload["body"] == "В четверг в 18:00"
    assert payload["url"].endswith("/notifications/" + payload["tag"].split("-")[1] + "/")
    device.refresh_from_db()
    assert device.last_success is not None

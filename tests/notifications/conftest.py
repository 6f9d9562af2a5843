import pytest

from notifications import push


@pytest.fixture
def pushed(monkeypatch, settings):
    """Web push without a push service: every push is recorded and answered 201 (or
    what ``pushed.status`` says for an endpoint)."""
    keys = push.generate_keys()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = (
        keys["public_key"], keys["private_key"])

    def send(subscription, payload, **kwargs):
        sent.append((subscription.endpoint, payload))
        return sent.status.get(subscription.endpoint, 201)

    sent = Recorded()
    monkeypatch.setattr(push, "send", send)
    return sent


class Recorded(list):
    def __init__(self):
        super().__init__()
        self.status = {}

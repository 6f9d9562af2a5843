import pytest
from django.test import Client

from api import actions
from api.scopes import offered


@pytest.fixture
def key_for(demo_user, clear_rate_limits):
    """A new API key of a demo account, with the given scopes (every scope the account
    is offered by default); the plaintext."""

    def make(username, scopes=None):
        user = demo_user(username)
        chosen = [scope.name for scope in offered(user)] if scopes is None else scopes
        _token, plaintext = actions.create_token(user, "test", chosen)
        return plaintext

    return make


@pytest.fixture
def api_client():
    """A client that sends a key: ``api_client(key).get(url)``; no session."""

    def make(key=None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return Client(headers=headers, raise_request_exception=True)

    return make

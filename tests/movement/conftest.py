import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture
def english(client):
    """Messages are compared by their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield

"""A school's page leads to the school's public documents and achievements, and both
open for a visitor."""

import pytest
from django.urls import reverse

from sgo_pages.models import SchoolPage

pytestmark = pytest.mark.django_db


def test_the_school_page_links_its_documents_and_achievements(client):
    page = SchoolPage.objects.get(institution__short_name="СОШ № 1")
    html = client.get(page.url).content.decode()
    for url in (reverse("documents:register", args=[page.institution_id]),
                reverse("portfolio:school_achievements", args=[page.institution_id])):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200

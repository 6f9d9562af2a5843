"""R-PD-3: opening a confidential card is logged, and the administrator sees who did."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from records.models import Pupil

pytestmark = pytest.mark.django_db


def test_opening_a_pupil_card_is_logged_and_shown_in_its_history(client_for, demo_user):
    pupil = Pupil.objects.filter(institution__short_name="СОШ № 1").first()
    client_for("school1.secretary").get(reverse("records_pupil:inspect", args=[pupil.pk]))
    entry = ModelLogEntry.objects.get(action="portal.card_opened", content_type__model="pupil",
                                      object_id=str(pupil.pk))
    assert entry.user == demo_user("school1.secretary")
    history = client_for("school1.admin").get(reverse("records_pupil:history", args=[pupil.pk]))
    assert "Карточка открыта" in history.content.decode()


def test_opening_medical_details_is_logged(client_for, demo_user):
    pupil = Pupil.objects.filter(institution__short_name="СОШ № 1",
                                 health__isnull=False).first()
    client_for("school1.medic").get(reverse("records_pupilhealth:edit",
                                            args=[pupil.health.pk]))
    assert ModelLogEntry.objects.filter(
        action="portal.card_opened", content_type__model="pupilhealth",
        object_id=str(pupil.health.pk), user=demo_user("school1.medic")).exists()


def test_a_refused_card_is_not_logged_as_opened(client_for):
    pupil = Pupil.objects.filter(institution__short_name="СОШ № 2").first()
    response = client_for("school1.secretary").get(
        reverse("records_pupil:inspect", args=[pupil.pk]))
    assert response.status_code == 404
    assert not ModelLogEntry.objects.filter(action="portal.card_opened",
                                            object_id=str(pupil.pk)).exists()

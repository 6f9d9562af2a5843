"""R-PPL-4: a saved medical card or characteristic belongs to its pupil: the pupil is
shown, not offered as a choice of the school's every pupil (nor changed by a crafted
post); a new card is for a pupil the user sees who has none yet."""

import pytest
from django.urls import reverse

from records.models import Pupil, PupilCharacteristic, PupilHealth
from tests.forms import form_data

pytestmark = pytest.mark.django_db

CARDS = [("school1.medic", "records_pupilhealth", PupilHealth),
         ("school1.psychologist", "records_pupilcharacteristic", PupilCharacteristic)]


@pytest.mark.parametrize("username, prefix, model", CARDS)
def test_a_saved_cards_pupil_is_shown_and_not_a_choice(client_for, username, prefix, model):
    client = client_for(username)
    card = model.objects.filter(pupil__institution__short_name="СОШ № 1").select_related(
        "pupil__person").first()
    page = client.get(reverse(f"{prefix}:edit", args=[card.pk]))
    assert page.status_code == 200
    assert "pupil" not in page.context["form"].fields
    html = page.content.decode()
    assert card.pupil.person.full_name in html
    assert 'name="pupil"' not in html


@pytest.mark.parametrize("username, prefix, model", CARDS)
def test_a_crafted_post_does_not_move_a_card_to_another_pupil(client_for, username, prefix,
                                                              model):
    client = client_for(username)
    card = model.objects.filter(pupil__institution__short_name="СОШ № 1").first()
    other = Pupil.objects.filter(institution=card.pupil.institution).exclude(
        pk=card.pupil_id).first()
    url = reverse(f"{prefix}:edit", args=[card.pk])
    data = form_data(client.get(url).context["form"], pupil=other.pk)
    response = client.post(url, data)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.pupil_id != other.pk


@pytest.mark.parametrize("username, prefix, model", CARDS)
def test_a_new_card_offers_only_visible_pupils_without_one(client_for, username, prefix,
                                                          model):
    client = client_for(username)
    related = model._meta.get_field("pupil").remote_field.related_name
    model.objects.filter(pupil__in=Pupil.objects.filter(
        institution__short_name="СОШ № 1")[:3]).delete()
    page = client.get(reverse(f"{prefix}:add"))
    assert page.status_code == 200
    offered = set(page.context["form"].fields["pupil"].queryset.values_list("pk", flat=True))
    without = set(Pupil.objects.current().filter(
        institution__short_name="СОШ № 1", **{f"{related}__isnull": True})
        .values_list("pk", flat=True))
    assert offered == without and 3 <= len(offered) < 250
    assert not Pupil.objects.filter(pk__in=offered, institution__short_name="СОШ № 2").exists()
    # Each pupil is named with their class, as the lists do.
    pupil = Pupil.objects.select_related("person", "school_class").get(pk=min(offered))
    assert f"{pupil.person.full_name} ({pupil.school_class})" in page.content.decode()

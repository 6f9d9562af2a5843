"""A parent's card and the parents' listing name their children, with class, as far as
the user may see them: a parent of children in two schools shows each school only its
own child."""

import pytest
from django.urls import reverse

from records.factories import GuardianshipFactory, PupilFactory
from records.models import Parent, Pupil

pytestmark = pytest.mark.django_db


def a_parent_of_school_1():
    return (Parent.objects.filter(institution__short_name="СОШ № 1",
                                  guardianships__pupil__school_class__isnull=False)
            .select_related("person").order_by("pk").first())


def test_the_listing_names_each_parents_children_with_their_class(client_for):
    parent = a_parent_of_school_1()
    child = Pupil.objects.filter(guardianships__parent=parent).select_related(
        "person", "school_class").first()
    response = client_for("school1.secretary").get(
        reverse("records_parent:index"), {"q": parent.person.surname})
    html = response.content.decode()
    assert f"{child.person.full_name} ({child.school_class})" in html


def test_the_card_names_the_children(client_for):
    parent = a_parent_of_school_1()
    child = Pupil.objects.filter(guardianships__parent=parent).first()
    html = client_for("school1.secretary").get(
        reverse("records_parent:edit", args=[parent.pk])).content.decode()
    assert "data-parent-children" in html
    assert reverse("records_pupil:inspect", args=[child.pk]) in html


def test_a_child_in_another_school_is_not_shown(client_for):
    parent = a_parent_of_school_1()
    other_school = Pupil.objects.exclude(institution=parent.institution).first().institution
    hidden = PupilFactory(institution=other_school)
    GuardianshipFactory(parent=parent, pupil=hidden)
    client = client_for("school1.secretary")
    listing = client.get(reverse("records_parent:index"), {"q": parent.person.surname})
    card = client.get(reverse("records_parent:edit", args=[parent.pk]))
    for html in (listing.content.decode(), card.content.decode()):
        assert hidden.person.full_name not in html


def test_the_listing_reads_the_children_in_one_query(client_for, django_assert_max_num_queries):
    client = client_for("school1.secretary")
    url = reverse("records_parent:index")
    client.get(url)
    with django_assert_max_num_queries(25) as captured:
        client.get(url)
    children_queries = [q for q in captured.captured_queries
                        if "_prefetch_related_val_parent_id" in q["sql"]]
    assert len(children_queries) == 1

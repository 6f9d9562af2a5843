"""R-CLS-1: the class page shows profile, home room, the plan's subjects with their
teachers and the subgroups; the list keepers transfer a pupil on a date, keeping the
history, and keep the pupils of subgroups."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from curriculum.factories import TeachingAssignmentFactory
from curriculum.models import ClassMembership, SchoolClass, Subgroup, SubgroupMembership
from movement.actions import TRANSFERRED
from movement.models import Movement, MovementKind
from portal.access import today
from records.factories import StaffFactory
from records.models import Pupil

pytestmark = pytest.mark.django_db


def order(number, on):
    return {"order_number": number, "order_date": on.isoformat()}


def class_5a():
    return SchoolClass.objects.get(academic_year__is_current=True,
                                  class_teacher__person__user__username="school1.classteacher")


def other_class(school_class):
    return SchoolClass.objects.filter(academic_year=school_class.academic_year).exclude(
        pk=school_class.pk).order_by("grade", "letter").first()


def test_the_class_page_shows_the_plan_subjects_and_subgroups(client_for, english):
    school_class = class_5a()
    response = client_for("school1.classteacher").get(
        reverse("journal:class", args=[school_class.pk]))
    html = response.content.decode()
    assert "data-profile" in html and "data-home-room" in html
    subjects = {s.pk for s, _hours, _names in response.context["subjects"]}
    assert subjects == set(school_class.subjects().values_list("pk", flat=True))
    groups = list(response.context["subgroups"])
    assert groups
    members = SubgroupMembership.objects.filter(subgroup=groups[0]).on(today())
    assert {m.pk for m in groups[0].current_members} == {m.pk for m in members} != set()


def test_the_class_page_costs_the_same_with_more_subgroups(client_for,
                                                           django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    school_class = class_5a()
    client = client_for("school1.classteacher")
    url = reverse("journal:class", args=[school_class.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    assert len(before) <= 20
    assignment = TeachingAssignmentFactory(
        institution=school_class.institution, school_class=school_class,
        teacher=StaffFactory(institution=school_class.institution),
        subject=school_class.subjects().first())
    for n in range(3):
        group = Subgroup.objects.create(institution=school_class.institution,
                                        school_class=school_class,
                                        subject=assignment.subject, name=f"Group {n + 7}")
        for pupil in Pupil.objects.of_class(school_class)[:2]:
            SubgroupMembership.objects.create(institution=school_class.institution,
                                              subgroup=group, pupil=pupil,
                                              starts_on=today())
    with django_assert_num_queries(len(before)):
        client.get(url)


def test_another_schools_user_gets_404(client_for):
    url = reverse("journal:class", args=[class_5a().pk])
    assert client_for("school2.admin").get(url).status_code == 404
    assert client_for("school1.parent").get(url).status_code == 404


def test_the_secretary_transfers_a_pupil_and_the_history_stays(client_for, english):
    school_class = class_5a()
    target = other_class(school_class)
    pupil = Pupil.objects.of_class(school_class).current().first()
    on = today()
    client = client_for("school1.secretary")
    response = client.post(reverse("journal:transfer", args=[school_class.pk]), {
        "pupil": pupil.pk, "to_class": target.pk, "on": on.isoformat(),
        **order("77-д", on)})
    assert response.status_code == 302, response.content.decode()
    movement = Movement.objects.get(pupil=pupil, kind=MovementKind.TRANSFER)
    assert (movement.from_class, movement.to_class, movement.date) == (school_class, target, on)
    assert movement.order.number == "77-д" and movement.order.date == on
    pupil.refresh_from_db()
    assert pupil.school_class == target
    memberships = list(ClassMembership.objects.filter(pupil=pupil).order_by("starts_on"))
    assert memberships[-1].school_class == target and memberships[-1].starts_on == on
    assert memberships[-2].school_class == school_class
    assert memberships[-2].ends_on == on - datetime.timedelta(days=1)
    assert ModelLogEntry.objects.filter(action=TRANSFERRED, object_id=str(pupil.pk)).exists()
    assert pupil.latest_revision is not None
    card = client.get(reverse("records:pupil", args=[pupil.pk]))
    assert [m.school_class for m in card.context["class_history"]][-2:] == [school_class,
                                                                           target]


def test_a_transfer_into_the_future_or_back_before_the_last_one_is_refused(client_for,
                                                                          english):
    school_class = class_5a()
    pupil = Pupil.objects.of_class(school_class).current().first()
    url = reverse("journal:transfer", args=[school_class.pk])
    client = client_for("school1.secretary")
    future = today() + datetime.timedelta(days=3)
    response = client.post(url, {"pupil": pupil.pk, "to_class": other_class(school_class).pk,
                                 "on": future.isoformat(), **order("78-д", today())})
    assert response.status_code == 200
    assert "on or after its date" in response.content.decode()
    first = ClassMembership.objects.filter(pupil=pupil).order_by("starts_on").first()
    response = client.post(url, {"pupil": pupil.pk, "to_class": other_class(school_class).pk,
                                 "on": first.starts_on.isoformat(), **order("79-д", today())})
    assert response.status_code == 200
    pupil.refresh_from_db()
    assert pupil.school_class == school_class


def test_a_pupil_of_another_school_or_class_cannot_be_picked(client_for):
    school_class = class_5a()
    stranger = Pupil.objects.exclude(institution=school_class.institution).first()
    response = client_for("school1.secretary").post(
        reverse("journal:transfer", args=[school_class.pk]),
        {"pupil": stranger.pk, "to_class": other_class(school_class).pk,
         "on": today().isoformat(), **order("80-д", today())})
    assert response.status_code == 200
    stranger.refresh_from_db()
    assert stranger.school_class.institution != school_class.institution


@pytest.mark.parametrize("username,status", [
    ("school1.teacher", 403), ("school1.classteacher", 403), ("school2.admin", 404),
    ("school1.parent", 404), ("school1.pupil", 404),
])
def test_only_the_list_keepers_transfer(client_for, username, status):
    url = reverse("journal:transfer", args=[class_5a().pk])
    assert client_for(username).get(url).status_code == status


def subgroup_of(school_class):
    return Subgroup.objects.filter(school_class=school_class).order_by("pk").first()


def test_the_deputy_removes_and_adds_a_pupil_of_a_subgroup(client_for, english):
    group = subgroup_of(class_5a())
    members = SubgroupMembership.objects.filter(subgroup=group)
    membership = members.filter(ends_on__isnull=True).order_by("pk").first()
    client = client_for("school1.deputy")
    url = reverse("journal:subgroup", args=[group.pk])
    response = client.post(url, {"action": "end", "membership": membership.pk,
                                 "ends_on": today().isoformat()})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on == today()
    # Back in the group from tomorrow: the old row stays as history.
    tomorrow = today() + datetime.timedelta(days=1)
    response = client.post(url, {"action": "add", "pupil": membership.pupil_id,
                                 "starts_on": tomorrow.isoformat()})
    assert response.status_code == 302
    assert members.filter(pupil_id=membership.pupil_id).count() == 2
    # Twice on the same dates is refused with a message.
    again = client.post(url, {"action": "add", "pupil": membership.pupil_id,
                              "starts_on": tomorrow.isoformat()})
    assert again.status_code == 200
    assert "already in a subgroup" in again.content.decode()


def test_subgroup_lists_are_read_by_class_readers_and_kept_by_keepers(client_for):
    group = subgroup_of(class_5a())
    url = reverse("journal:subgroup", args=[group.pk])
    before = SubgroupMembership.objects.filter(subgroup=group).count()
    assert client_for("school1.medic").get(url).status_code == 403
    assert client_for("school2.admin").get(url).status_code == 404
    assert client_for("school1.parent").get(url).status_code == 404
    assert client_for("school1.director").get(url).status_code == 200
    pupil = Pupil.objects.of_class(group.school_class).first()
    response = client_for("school1.director").post(
        url, {"action": "add", "pupil": pupil.pk, "starts_on": today().isoformat()})
    assert response.status_code == 403
    assert SubgroupMembership.objects.filter(subgroup=group).count() == before

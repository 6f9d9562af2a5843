"""R-RES-3: project portfolios. A public project is read by anyone and names a minor
pupil only with a parent's consent (school1.pupil's parent consented, the classmates'
did not); a project that is not public is read by its school's staff, its participants
and their parents only. The leader (school1.teacher) keeps it; another teacher does
not."""

import pytest
from django.urls import reverse

from portfolio.models import ProjectMaterial, ProjectParticipant
from records.models import Pupil

pytestmark = pytest.mark.django_db


def test_a_public_project_names_only_consented_minors(client, olympiad):
    text = client.get(reverse("portfolio:project", args=[olympiad.pk])).content.decode()
    participants = ProjectParticipant.objects.filter(project=olympiad).select_related(
        "person")
    named = [p for p in participants if p.name_public]
    unnamed = [p for p in participants if not p.name_public]
    assert named and unnamed
    for p in named:
        assert p.person.full_name in text
    for p in unnamed:
        assert p.person.full_name not in text
    assert "data-unnamed" in text
    assert olympiad.leader.person.full_name in text


def test_the_school_reads_every_participant(client_for, olympiad):
    text = client_for("school1.director").get(
        reverse("portfolio:project", args=[olympiad.pk])).content.decode()
    for p in ProjectParticipant.objects.filter(project=olympiad).select_related("person"):
        assert p.person.full_name in text


def test_a_project_that_is_not_public_is_404_outside(client, client_for, grant):
    url = reverse("portfolio:project", args=[grant.pk])
    assert client.get(url).status_code == 404
    for username in ("school1.parent", "school1.teacher", "school1.pupil"):
        assert client_for(username).get(url).status_code == 404, username
    for username in ("school2.pupil", "school2.parent", "school2.admin", "school2.teacher"):
        assert client_for(username).get(url).status_code == 200, username
    material = ProjectMaterial.objects.filter(project=grant).exclude(file="").first()
    file_url = reverse("portfolio:file", args=[material.file.name])
    assert client_for("school1.parent").get(file_url).status_code == 404
    assert client_for("school2.parent").get(file_url).status_code == 200
    client.logout()
    listing = client.get(reverse("portfolio:projects")).content.decode()
    assert grant.title not in listing and ProjectParticipant.objects.filter(
        project=grant).first().person.full_name not in listing


def test_the_leader_keeps_the_project_and_another_teacher_does_not(client_for, olympiad):
    edit = reverse("portfolio:project_edit", args=[olympiad.pk])
    data = {"title": "Олимпиадная математика", "kind": "olympiad", "description": "",
            "public": "on"}
    assert client_for("school1.classteacher").post(edit, data).status_code == 403
    assert client_for("school2.teacher").post(edit, data).status_code == 403
    olympiad.refresh_from_db()
    assert olympiad.title != "Олимпиадная математика"
    assert client_for("school1.teacher").post(edit, data).status_code == 302
    olympiad.refresh_from_db()
    assert olympiad.title == "Олимпиадная математика"
    assert olympiad.revisions.exists()


def test_the_leader_adds_a_pupil_and_removes_a_material(client_for, olympiad):
    client = client_for("school1.teacher")
    pupil = Pupil.objects.visible_to(client_for("school1.teacher").get("/").wsgi_request.user
                                     ).filter(institution=olympiad.institution).exclude(
        project_participations__project=olympiad).first()
    response = client.post(reverse("portfolio:project_part_add",
                                   args=[olympiad.pk, "participant"]),
                           {"pupil": pupil.pk, "role": "участник"})
    assert response.status_code == 302
    assert ProjectParticipant.objects.filter(project=olympiad, pupil=pupil).exists()
    # A school 2 pupil is not among the choices.
    other = Pupil.objects.exclude(institution=olympiad.institution).first()
    response = client.post(reverse("portfolio:project_part_add",
                                   args=[olympiad.pk, "participant"]),
                           {"pupil": other.pk, "role": "участник"})
    assert response.status_code == 200
    assert not ProjectParticipant.objects.filter(project=olympiad, pupil=other).exists()
    material = ProjectMaterial.objects.filter(project=olympiad).first()
    assert client_for("school1.classteacher").post(reverse(
        "portfolio:project_part_delete", args=[olympiad.pk, "material", material.pk])
    ).status_code == 403
    client = client_for("school1.teacher")
    assert client.post(reverse("portfolio:project_part_delete",
                               args=[olympiad.pk, "material", material.pk])).status_code == 302
    assert not ProjectMaterial.objects.filter(pk=material.pk).exists()
    assert client.get(reverse("portfolio:project_part_add",
                              args=[olympiad.pk, "nonsense"])).status_code == 404


def test_a_parent_consents_to_naming_their_child(client, client_for, olympiad):
    participant = ProjectParticipant.objects.filter(project=olympiad,
                                                    pupil__isnull=False,
                                                    name_approved_at__isnull=True).first()
    url = reverse("portfolio:participant_name", args=[participant.pk])
    # school1.parent is not this pupil's parent.
    assert client_for("school1.parent").post(url, {"allowed": "1"}).status_code == 404
    participant.refresh_from_db()
    assert participant.name_approved_at is None
    own = ProjectParticipant.objects.get(project=olympiad,
                                         pupil__person__user__username="school1.pupil")
    client_for("school1.parent").post(reverse("portfolio:participant_name", args=[own.pk]),
                                      {"allowed": "0"})
    own.refresh_from_db()
    assert own.name_approved_at is None
    client.logout()
    text = client.get(reverse("portfolio:project", args=[olympiad.pk])).content.decode()
    assert own.person.full_name not in text

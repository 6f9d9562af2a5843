"""R-RES-2: who keeps a portfolio, and what it takes to make a minor's item public.

The pupil, the parents and the class teacher of the pupil's class keep a pupil's
portfolio; a subject teacher who only teaches the class reads it and cannot change it.
A minor's item becomes public only with a parent: the pupil (or the class teacher)
proposes, a parent approves, or the parent makes it public. Uploads are checked by
content; payloads in titles and file names render inert; bad input changes nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portfolio.models import Achievement, AchievementFile, Material, Portfolio
from records.factories import PDF
from tests.portal.test_uploads import SCRIPT

pytestmark = pytest.mark.django_db

SCRIPT_TITLE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def form(achievement, **changes):
    data = {"title": achievement.title, "level": achievement.level,
            "result": achievement.result, "date": achievement.date.isoformat(),
            "event": achievement.event,
            "make_public": "on" if achievement.public or achievement.awaits_approval else ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_subject_teacher_who_is_not_the_class_teacher_cannot_edit(client_for, own,
                                                                    achievements):
    client = client_for("school1.teacher")
    private = achievements["private"]
    # school1.teacher teaches the class: reads the portfolio, keeps none of it.
    assert client.get(reverse("portfolio:detail", args=[own.pk])).status_code == 200
    for url in [reverse("portfolio:achievement_edit", args=[private.pk]),
                reverse("portfolio:achievement_add", args=[own.pk]),
                reverse("portfolio:edit", args=[own.pk]),
                reverse("portfolio:achievement_delete", args=[private.pk])]:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("portfolio:achievement_edit", args=[private.pk]),
                           form(private, title="Изменено учителем"))
    assert response.status_code == 403
    assert client.post(reverse("portfolio:achievement_delete",
                               args=[private.pk])).status_code == 403
    private.refresh_from_db()
    assert private.title != "Изменено учителем"


def test_the_class_teacher_edits_and_the_change_is_logged(client_for, achievements):
    private = achievements["private"]
    response = client_for("school1.classteacher").post(
        reverse("portfolio:achievement_edit", args=[private.pk]),
        form(private, title="Конкурс чтецов, финал"))
    assert response.status_code == 302
    private.refresh_from_db()
    assert private.title == "Конкурс чтецов, финал"
    assert private.revisions.exists()
    assert ModelLogEntry.objects.filter(object_id=str(private.pk), action="wagtail.edit",
                                        content_type__model="achievement").exists()


def test_the_pupil_proposes_and_a_parent_approves(client_for, user, achievements):
    private = achievements["private"]
    pupil = client_for("school1.pupil")
    response = pupil.post(reverse("portfolio:achievement_edit", args=[private.pk]),
                          form(private, make_public="on"))
    assert response.status_code == 302
    private.refresh_from_db()
    assert not private.public and private.awaits_approval
    assert private.public_requested_by == user("school1.pupil")
    # The pupil cannot approve their own proposal, nor can another school's parent.
    assert pupil.post(reverse("portfolio:achievement_approve",
                              args=[private.pk])).status_code == 403
    assert client_for("school2.parent").post(
        reverse("portfolio:achievement_approve", args=[private.pk])).status_code == 404
    private.refresh_from_db()
    assert not private.public
    assert client_for("school1.parent").post(
        reverse("portfolio:achievement_approve", args=[private.pk])).status_code == 302
    private.refresh_from_db()
    assert private.public and private.public_approved_by == user("school1.parent")
    assert private.public_approved_at is not None
    # Changed by the pupil afterwards, it waits for the parent again.
    pupil = client_for("school1.pupil")
    pupil.post(reverse("portfolio:achievement_edit", args=[private.pk]),
               form(private, result="финалист"))
    private.refresh_from_db()
    assert not private.public and private.awaits_approval


def test_a_parent_makes_it_public_directly(client_for, user, achievements):
    private = achievements["private"]
    client_for("school1.parent").post(
        reverse("portfolio:achievement_edit", args=[private.pk]),
        form(private, make_public="on"))
    private.refresh_from_db()
    assert private.public and private.public_approved_by == user("school1.parent")


def test_the_class_teacher_only_proposes_for_a_minor(client_for, achievements):
    private = achievements["private"]
    client_for("school1.classteacher").post(
        reverse("portfolio:achievement_edit", args=[private.pk]),
        form(private, make_public="on"))
    private.refresh_from_db()
    assert not private.public and private.awaits_approval


def test_a_teacher_makes_their_own_items_public(client_for):
    teachers = Portfolio.objects.get(person__user__username="school1.teacher")
    item = Achievement.objects.filter(portfolio=teachers, public=False).first()
    client_for("school1.teacher").post(reverse("portfolio:achievement_edit", args=[item.pk]),
                                       form(item, make_public="on"))
    item.refresh_from_db()
    assert item.public and item.public_approved_by is None


def test_a_pupil_adds_an_achievement_with_a_proof(client_for, own):
    response = client_for("school1.pupil").post(
        reverse("portfolio:achievement_add", args=[own.pk]),
        {"title": "Турнир юных математиков", "level": "regional", "result": "1 место",
         "date": "2026-11-10", "event": "ИРО",
         "proof": SimpleUploadedFile("Диплом.pdf", PDF)})
    assert response.status_code == 302
    added = Achievement.objects.get(portfolio=own, title="Турнир юных математиков")
    assert not added.public
    assert AchievementFile.objects.get(achievement=added).file.name.endswith("/Диплом.pdf")


def test_a_deletion_asks_first_and_takes_the_files(client_for, achievements):
    private = achievements["private"]
    client = client_for("school1.parent")
    page = client.get(reverse("portfolio:achievement_delete", args=[private.pk]))
    assert page.status_code == 200 and private.title in page.content.decode()
    assert Achievement.objects.filter(pk=private.pk).exists()
    assert client.post(reverse("portfolio:achievement_delete",
                               args=[private.pk])).status_code == 302
    assert not Achievement.objects.filter(pk=private.pk).exists()
    assert not AchievementFile.objects.filter(achievement_id=private.pk).exists()


@pytest.mark.parametrize("field, url_name", [("proof", "achievement_add"),
                                             ("file", "material_add"),
                                             ("portrait", "edit")])
def test_an_html_file_named_png_is_refused(client_for, own, field, url_name):
    before = (Achievement.objects.count(), Material.objects.count(),
              AchievementFile.objects.count())
    portrait = own.portrait.name
    data = {"title": "Снимок", "level": "school", "date": "2026-11-10", "about": "",
            field: SimpleUploadedFile("photo.png", SCRIPT, content_type="image/png")}
    response = client_for("school1.pupil").post(reverse(f"portfolio:{url_name}",
                                                        args=[own.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (Achievement.objects.count(), Material.objects.count(),
            AchievementFile.objects.count()) == before
    own.refresh_from_db()
    assert own.portrait.name == portrait


def test_script_payloads_in_titles_and_file_names_render_inert(client_for, client, own):
    pupil = client_for("school1.parent")  # a parent's choice makes it public at once
    response = pupil.post(reverse("portfolio:achievement_add", args=[own.pk]), {
        "title": SCRIPT_TITLE, "level": "school", "date": "2026-11-10",
        "event": SCRIPT_TITLE, "result": "<b>1</b>", "make_public": "on",
        "proof": SimpleUploadedFile('<script>alert(1)</script>".pdf', PDF)})
    assert response.status_code == 302
    added = Achievement.objects.get(portfolio=own, title=SCRIPT_TITLE)
    stored = AchievementFile.objects.get(achievement=added).file.name
    assert "<" not in stored and '"' not in stored
    client.logout()
    for url in [reverse("portfolio:public", args=[own.pk]),
                reverse("portfolio:school_achievements", args=[own.institution_id])]:
        text = client.get(url).content.decode()
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "&lt;script&gt;" in text
    text = client_for("school1.pupil").get(
        reverse("portfolio:detail", args=[own.pk])).content.decode()
    assert "<script>alert" not in text and "<b>1</b>" not in text


@pytest.mark.parametrize("changes", [
    {"date": "31.02.2026"}, {"level": "galactic"}, {"title": ""}, {"title": "x" * 301},
    {"date": "9999999-01-01"},
])
def test_bad_input_changes_nothing(client_for, achievements, changes):
    private = achievements["private"]
    before = Achievement.objects.values().get(pk=private.pk)
    response = client_for("school1.pupil").post(
        reverse("portfolio:achievement_edit", args=[private.pk]), {**form(private), **changes})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Achievement.objects.values().get(pk=private.pk) == before


def test_a_material_needs_a_file_or_a_link_and_takes_no_script_link(client_for, own):
    client = client_for("school1.pupil")
    before = Material.objects.count()
    for data in [{"title": "Пусто"},
                 {"title": "Ссылка", "link": "javascript:alert(1)"}]:
        response = client.post(reverse("portfolio:material_add", args=[own.pk]), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Material.objects.count() == before


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999", "x"])
def test_odd_ids_answer_404(client_for, pk):
    client = client_for("school1.pupil")
    for url in (f"/portfolio/{pk}/", f"/portfolio/{pk}/public/", f"/portfolio/{pk}/edit/",
                f"/portfolio/achievements/{pk}/edit/", f"/portfolio/materials/{pk}/delete/",
                f"/schools/{pk}/achievements/", f"/portfolio/projects/{pk}/"):
        assert client.get(url).status_code == 404, url

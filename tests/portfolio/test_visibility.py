"""R-RES-2, R-PD-5: who sees a pupil's portfolio and its files.

Must see the private items: the pupil (school1.pupil), the parent (school1.parent), the
class teacher of 5А (school1.classteacher), a teacher of the class (school1.teacher),
the school's leadership (school1.director). Must not: school 2's parent, pupil and
teacher (404), an anonymous visitor (the public items only, on the public pages).
The department (dept) reads titles and levels, never the portrait or a private file.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portfolio.models import Achievement, AchievementFile, Portfolio

pytestmark = pytest.mark.django_db

READERS = ["school1.pupil", "school1.parent", "school1.classteacher", "school1.teacher",
           "school1.director"]
OUTSIDERS = ["school2.parent", "school2.pupil", "school2.teacher", "school2.admin"]


def file_url(row):
    return reverse("portfolio:file", args=[row.file.name])


@pytest.mark.parametrize("username", READERS)
def test_the_family_and_the_school_read_the_private_items(client_for, own, achievements,
                                                          username):
    page = client_for(username).get(reverse("portfolio:detail", args=[own.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for key in ("public", "private", "waiting"):
        assert achievements[key].title in text
    proof = AchievementFile.objects.filter(achievement=achievements["private"]).first()
    assert client_for(username).get(file_url(proof)).status_code == 200


@pytest.mark.parametrize("username", OUTSIDERS)
def test_other_schools_and_families_get_404(client_for, own, achievements, username):
    client = client_for(username)
    private = achievements["private"]
    proof = AchievementFile.objects.get(achievement=private)
    for url in [reverse("portfolio:detail", args=[own.pk]),
                reverse("portfolio:edit", args=[own.pk]),
                reverse("portfolio:pupil", args=[own.pupil_id]),
                reverse("portfolio:achievement", args=[private.pk]),
                reverse("portfolio:achievement_edit", args=[private.pk]),
                reverse("portfolio:achievement_delete", args=[private.pk]),
                file_url(proof), proof.file.url,
                reverse("portfolio:file", args=[own.portrait.name]), own.portrait.url]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert private.title not in response.content.decode()
    response = client.post(reverse("portfolio:achievement_approve", args=[private.pk]))
    assert response.status_code == 404


def test_school2_parent_gets_404_on_the_private_achievement_and_its_proof(client_for,
                                                                         achievements):
    client = client_for("school2.parent")
    private = achievements["private"]
    proof = AchievementFile.objects.get(achievement=private)
    assert client.get(reverse("portfolio:achievement", args=[private.pk])).status_code == 404
    assert client.get(file_url(proof)).status_code == 404


def test_an_anonymous_visitor_sees_the_public_items_only(client, own, achievements):
    public, private = achievements["public"], achievements["private"]
    assert client.get(reverse("portfolio:detail", args=[own.pk])).status_code == 302
    page = client.get(reverse("portfolio:public", args=[own.pk])).content.decode()
    assert public.title in page and private.title not in page
    assert achievements["waiting"].title not in page
    # The name and the public items, nothing of the records (R-PD-5).
    assert own.person.full_name in page
    assert own.person.birth_date.strftime("%d.%m.%Y") not in page
    assert str(own.pupil.school_class) not in page.split("<main", 1)[1].split("</main>")[0]
    assert own.about not in page
    # Narrowed to the public item's level and year (the page holds 20): other pupils'
    # public achievements may share a title with this one's private item, so rows are
    # told apart by id.
    school = client.get(reverse("portfolio:school_achievements", args=[own.institution_id]),
                        {"level": public.level, "year": public.date.year}).content.decode()
    assert f'data-achievement="{public.pk}"' in school
    for level_year in ({}, {"level": private.level, "year": private.date.year}):
        school = client.get(reverse("portfolio:school_achievements",
                                    args=[own.institution_id]), level_year).content.decode()
        assert f'data-achievement="{private.pk}"' not in school
    public_proof = AchievementFile.objects.get(achievement=public)
    private_proof = AchievementFile.objects.get(achievement=private)
    assert client.get(file_url(public_proof)).status_code == 200
    assert client.get(file_url(private_proof)).status_code == 404
    assert client.get(reverse("portfolio:file", args=[own.portrait.name])).status_code == 404
    # A search hit's address leads a visitor to the public page, never to a private item.
    assert client.get(reverse("portfolio:achievement", args=[public.pk])).url == reverse(
        "portfolio:public", args=[own.pk])
    assert client.get(reverse("portfolio:achievement", args=[private.pk])).status_code == 404
    assert set(Achievement.objects.visible_to(AnonymousUser())
               .values_list("public", flat=True)) == {True}


def test_a_portfolio_without_public_items_has_no_public_page(client):
    hidden = Portfolio.objects.exclude(achievements__public=True).exclude(
        materials__public=True).first()
    assert client.get(reverse("portfolio:public", args=[hidden.pk])).status_code == 404


def test_the_department_reads_titles_and_levels_but_no_portrait_or_private_file(
        client_for, own, achievements):
    client = client_for("dept")
    page = client.get(reverse("portfolio:detail", args=[own.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    private = achievements["private"]
    assert private.title in text and f'data-achievement="{private.pk}"' in text
    assert own.portrait.name not in text and own.about not in text
    private_proof = AchievementFile.objects.get(achievement=private)
    assert private_proof.file.name not in text
    assert client.get(file_url(private_proof)).status_code == 404
    assert client.get(private_proof.file.url).status_code == 404
    assert client.get(reverse("portfolio:file", args=[own.portrait.name])).status_code == 404
    assert client.get(own.portrait.url).status_code == 404
    public_proof = AchievementFile.objects.get(achievement=achievements["public"])
    assert client.get(file_url(public_proof)).status_code == 200
    # The department keeps nothing.
    assert client.get(reverse("portfolio:edit", args=[own.pk])).status_code == 403


def test_a_teachers_portfolio_is_the_teachers_and_the_leaderships(client_for, user):
    teachers = Portfolio.objects.get(person__user__username="school1.teacher")
    assert client_for("school1.teacher").get(reverse("portfolio:mine")).url == \
        reverse("portfolio:detail", args=[teachers.pk])
    assert client_for("school1.teacher").get(
        reverse("portfolio:edit", args=[teachers.pk])).status_code == 200
    assert client_for("school1.director").get(
        reverse("portfolio:detail", args=[teachers.pk])).status_code == 200
    assert client_for("school1.director").get(
        reverse("portfolio:edit", args=[teachers.pk])).status_code == 403
    for username in ("school1.classteacher", "school1.parent", "school1.pupil",
                     "school2.admin"):
        response = client_for(username).get(reverse("portfolio:detail", args=[teachers.pk]))
        assert response.status_code == 404, username


def test_the_pupils_and_parents_pages_link_the_portfolio(client_for, own):
    page = client_for("school1.parent").get("/family/").content.decode()
    assert reverse("portfolio:pupil", args=[own.pupil_id]) in page
    page = client_for("school1.pupil").get("/me/", follow=True).content.decode()
    assert reverse("portfolio:pupil", args=[own.pupil_id]) in page
    response = client_for("school1.pupil").get(reverse("portfolio:mine"), follow=True)
    assert response.context["portfolio"] == own


def test_the_class_teacher_lists_the_class(client_for, own):
    response = client_for("school1.classteacher").get(
        reverse("portfolio:class", args=[own.pupil.school_class_id]))
    assert response.status_code == 200
    rows = dict(response.context["rows"])
    assert rows[own.pupil].achievement_count == 3
    assert client_for("school2.teacher").get(
        reverse("portfolio:class", args=[own.pupil.school_class_id])).status_code == 404


def test_search_runs_inside_visible_to(user, achievements):
    """R-NF-3 through portal.search: a visitor finds public achievements only, another
    school's parent none of school 1's private ones, the parent their child's."""
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    word = "математике"
    anonymous = list(backend.search(word, Achievement.objects.visible_to(AnonymousUser())))
    assert anonymous and all(a.public for a in anonymous)
    assert achievements["public"] in anonymous
    outsider = backend.search(word, Achievement.objects.visible_to(user("school2.parent")))
    assert all(a.public or a.portfolio.institution.short_name != "СОШ № 1" for a in outsider)
    for hit in anonymous:
        assert hit.portfolio.person.surname not in hit.search_snippet
    parent_hits = list(backend.search(word, Achievement.objects.visible_to(
        user("school1.parent"))))
    assert achievements["public"] in parent_hits


def test_project_search_runs_inside_visible_to(user, grant, olympiad):
    from wagtail.search.backends import get_search_backend

    from portfolio.models import Project

    backend = get_search_backend()
    assert olympiad in list(backend.search("олимпиаде",
                                           Project.objects.visible_to(AnonymousUser())))
    assert grant not in list(backend.search("Грант",
                                            Project.objects.visible_to(user("school1.parent"))))
    assert grant in list(backend.search("Грант",
                                        Project.objects.visible_to(user("school2.parent"))))

"""The admin's listings read right in Russian for every model: the add button in the
accusative («Добавить обучающегося»), the count with three plural forms («1 обучающийся»,
«2 обучающихся», «5 обучающихся», «21 обучающийся»), success messages agreeing with the
model's gender («Обучающийся «…» изменён»). Every registered viewset declares them."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.admin.viewsets import viewsets

from curriculum.models import SchoolClass
from portal.viewsets import ScopedModelViewSet, Wording, WordingMixin
from records.models import Institution, Pupil

pytestmark = pytest.mark.django_db


def scoped_viewsets():
    reverse("wagtailadmin_home")  # the admin's URLs register the viewsets
    return [v for v in viewsets.viewsets if isinstance(v, ScopedModelViewSet)]


def test_every_registered_viewset_declares_its_wording():
    found = scoped_viewsets()
    assert len(found) >= 30
    missing = [type(v).__name__ for v in found if not isinstance(v.wording, Wording)]
    assert not missing
    # Their views use it (Wagtail passes a view only the arguments it knows).
    unworded = [f"{type(v).__name__}.{kind}" for v in found for kind in ("add", "edit", "delete")
                if not issubclass(getattr(v, f"{kind}_view_class"), WordingMixin)]
    assert not unworded


@pytest.mark.parametrize("number", [1, 2, 5, 21])
def test_every_count_has_its_russian_form(number):
    with translation.override("ru"):
        for viewset in scoped_viewsets():
            label = viewset.wording.count_label(number)
            assert str(number) in label, type(viewset).__name__
            # A Russian translation, not the English msgid.
            assert not re.search(r"[A-Za-z]", label), label
            assert not re.search(r"[A-Za-z]", str(viewset.wording.add)), viewset.wording.add


def test_one_two_five_and_twenty_one_pupils_classes_and_staff():
    expected = {
        "PupilViewSet": ["1 обучающийся", "2 обучающихся", "5 обучающихся", "21 обучающийся"],
        "StaffViewSet": ["1 сотрудник", "2 сотрудника", "5 сотрудников", "21 сотрудник"],
        "SchoolClassViewSet": ["1 класс", "2 класса", "5 классов", "21 класс"],
        "ConsentViewSet": ["1 согласие", "2 согласия", "5 согласий", "21 согласие"],
    }
    by_name = {type(v).__name__: v for v in scoped_viewsets()}
    with translation.override("ru"):
        for name, forms in expected.items():
            assert [by_name[name].wording.count_label(n) for n in (1, 2, 5, 21)] == forms


def test_add_buttons_are_in_the_accusative():
    by_name = {type(v).__name__: v for v in scoped_viewsets()}
    with translation.override("ru"):
        assert str(by_name["PupilViewSet"].wording.add) == "Добавить обучающегося"
        assert str(by_name["StaffViewSet"].wording.add) == "Добавить сотрудника"
        assert str(by_name["SchoolClassViewSet"].wording.add) == "Добавить класс"
        assert str(by_name["ConsentViewSet"].wording.add) == "Добавить согласие"


def test_the_pupils_listing_shows_its_add_button_and_count(client_for):
    client = client_for("school1.secretary")
    html = client.get(reverse("records_pupil:index")).content.decode()
    assert "Добавить обучающегося" in html
    assert "Добавить обучающийся" not in html
    count = Pupil.objects.filter(institution__short_name="СОШ № 1").count()
    assert count > 21
    with translation.override("ru"):
        from django.utils.translation import ngettext
        expected = ngettext("%(count)d pupil", "%(count)d pupils", count) % {"count": count}
    assert expected in html
    assert f"{count} обучающиеся" not in html


def test_a_listing_of_one_class_counts_one(client_for):
    # The count under a listing that fits one page, and one of several pages.
    client = client_for("school1.deputy")
    school = Institution.objects.get(short_name="СОШ № 1")
    classes = SchoolClass.objects.filter(institution=school).count()
    html = client.get(reverse("curriculum_schoolclass:index") + "?per_page=1").content.decode()
    with translation.override("ru"):
        from django.utils.translation import ngettext
        expected = ngettext("%(count)d class", "%(count)d classes", classes) % {"count": classes}
    assert expected in html


def test_the_success_message_agrees_with_the_models_gender(client_for):
    client = client_for("school1.deputy")
    school_class = SchoolClass.objects.filter(institution__short_name="СОШ № 1").first()
    edit = client.get(reverse("curriculum_schoolclass:edit", args=[school_class.pk]))
    form = edit.context["form"]
    data = {name: getattr(value, "pk", value) for name, value in form.initial.items()
            if value is not None}
    response = client.post(reverse("curriculum_schoolclass:edit", args=[school_class.pk]),
                           data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(f"Класс «{school_class}» изменён.") for m in messages), messages


def test_every_gender_has_its_participle():
    with translation.override("ru"):
        words = {g: Wording(None, None, g).updated() % {"model_name": "x", "object": "y"}
                 for g in Wording.GENDERS}
    assert words == {"masculine": "x «y» изменён.", "feminine": "x «y» изменена.",
                     "neuter": "x «y» изменено.", "plural": "x «y» изменены."}


def test_the_delete_page_asks_without_a_wrong_case(client_for):
    client = client_for("school1.deputy")
    school_class = SchoolClass.objects.filter(institution__short_name="СОШ № 1").first()
    html = client.get(reverse("curriculum_schoolclass:delete",
                              args=[school_class.pk])).content.decode()
    assert f"Удалить «{school_class}»? Это действие нельзя отменить." in html
    assert "этот класс" not in html and "этот Класс" not in html


def test_an_empty_listing_says_so_without_a_wrong_case(client_for):
    html = client_for("school1.deputy").get(
        reverse("records_pupil:index") + "?q=Несуществующийнаверняка").content.decode()
    assert "По запросу ничего не найдено." in html

import pytest

from records.factories import PersonFactory
from records.models import Person, normalize_name

pytestmark = pytest.mark.django_db


def test_normalize_name_folds_case_and_yo():
    assert normalize_name("Ёлкин", " Пётр ", "") == "елкин петр"


def test_people_sort_in_russian_alphabetical_order():
    names = ["Ёлкин", "Абрамов", "Яковлев", "Елисеев", "Жуков", "абрамцев"]
    people = [PersonFactory(surname=s, name="Тест", patronymic="Тестович") for s in names]
    ordered = [p.surname for p in Person.objects.filter(pk__in=[p.pk for p in people])]
    assert ordered == ["Абрамов", "абрамцев", "Елисеев", "Ёлкин", "Жуков", "Яковлев"]


def test_search_finds_cyrillic_in_any_case_and_with_yo():
    person = PersonFactory(surname="Ёлкина", name="Дарья", patronymic="Петровна")
    for query in ["ёлкина", "ЕЛКИНА", "Ёлкина Дарья", "дарья"]:
        assert person in Person.objects.search(query), query


def test_search_name_follows_a_rename_saved_with_update_fields():
    person = PersonFactory(surname="Иванова")
    person.surname = "Сидорова"
    person.save(update_fields=["surname"])
    person.refresh_from_db()
    assert person.search_name.startswith("сидорова")


def test_short_name_uses_initials():
    person = PersonFactory.build(surname="Петров", name="Иван", patronymic="Сергеевич")
    assert person.short_name == "Петров И.С."

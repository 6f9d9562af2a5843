"""R-PPL-7: pupils with parents from CSV or XLSX, previewed, all or nothing, row by row
errors, and a second import of the same file creates nothing."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from records import imports
from records.models import Guardianship, Institution, Parent, Person, Pupil

pytestmark = pytest.mark.django_db


def school1():
    return Institution.objects.get(short_name="СОШ № 1")


def rows(bad_date=False):
    return [
        ["5Б", "Ласточкина", "Алиса", "Игоревна", "31.02.2015" if bad_date else "12.04.2015",
         "ж", "г. Якутск, ул. Ленина, 1", "+7 914 000-00-01", "5-901",
         "Ласточкина", "Ирина", "Сергеевна", "ж", "мать", "+7 914 100-00-01",
         "Ласточкин", "Игорь", "Петрович", "м", "отец", "+7 914 100-00-02"],
        ["5Б", "Ласточкин", "Марк", "Игоревич", "01.09.2015", "м",
         "г. Якутск, ул. Ленина, 1", "", "5-902",
         "Ласточкина", "Ирина", "Сергеевна", "ж", "мать", "+7 914 100-00-01",
         "", "", "", "", "", ""],
    ]


def xlsx(data_rows):
    with translation.override("ru"):
        data = tablib.Dataset(headers=imports.headers())
    for row in data_rows:
        data.append(row)
    return SimpleUploadedFile("class.xlsx", data.export("xlsx"))


def csv_cp1251(data_rows):
    with translation.override("ru"):
        lines = [";".join(imports.headers())] + [";".join(r) for r in data_rows]
    return SimpleUploadedFile("class.csv", "\n".join(lines).encode("cp1251"))


def upload(client, file):
    return client.post(reverse("records_import"), {
        "institution": school1().pk, "file": file, "order_number": "12-у",
        "order_date": "2026-09-01"})


def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(client_for):
    client = client_for("school1.secretary")
    before = (Pupil.objects.count(), Parent.objects.count(), Person.objects.count())
    response = upload(client, xlsx(rows(bad_date=True)))
    plan = response.context["plan"]
    assert [line for line, _ in plan.errors] == [2]
    assert "31.02.2015" in plan.errors[0][1]
    assert "data-import-preview" not in response.content.decode()
    response = client.post(reverse("records_import"), {"apply": "1"})
    assert (Pupil.objects.count(), Parent.objects.count(), Person.objects.count()) == before


def test_a_good_file_is_previewed_then_applied_and_twice_creates_nothing(client_for):
    client = client_for("school1.secretary")
    response = upload(client, xlsx(rows()))
    plan = response.context["plan"]
    assert not plan.errors and plan.created == 2
    assert Pupil.objects.filter(person__surname="Ласточкина").count() == 0  # preview only
    response = client.post(reverse("records_import"), {"apply": "1"})
    assert response.status_code == 302
    alisa = Pupil.objects.get(person__surname="Ласточкина", person__name="Алиса")
    assert str(alisa.school_class) == "5Б" and alisa.institution == school1()
    mother = Parent.objects.get(person__name="Ирина", person__surname="Ласточкина")
    assert set(mother.children.all()) == set(Pupil.objects.filter(person__surname__in=[
        "Ласточкина", "Ласточкин"], institution=school1()))
    assert Guardianship.objects.get(parent=mother, pupil=alisa).relation == "mother"
    # R-MOV-2: the import enrols by its order, the pupil's first movement in the book.
    from movement.models import Movement, MovementKind

    enrolment = Movement.objects.get(pupil=alisa)
    assert enrolment.kind == MovementKind.ENROLMENT and str(enrolment.to_class) == "5Б"
    assert (enrolment.order.number, enrolment.order.date.isoformat()) == ("12-у", "2026-09-01")
    counts = (Pupil.objects.count(), Parent.objects.count(), Guardianship.objects.count())
    upload(client, xlsx(rows()))
    client.post(reverse("records_import"), {"apply": "1"})
    assert (Pupil.objects.count(), Parent.objects.count(),
            Guardianship.objects.count()) == counts


def test_a_windows_1251_csv_is_read(client_for):
    client = client_for("school1.secretary")
    plan = upload(client, csv_cp1251(rows())).context["plan"]
    assert not plan.errors and plan.created == 2


@pytest.mark.parametrize("change, message", [
    (lambda r: r.__setitem__(0, "5Я"), "5Я"),
    (lambda r: r.__setitem__(1, ""), "фамилия"),
    (lambda r: r.__setitem__(5, "x"), "«м» или «ж»"),
    (lambda r: r.__setitem__(13, "сосед"), "сосед"),
])
def test_each_bad_row_is_reported_with_its_reason(client_for, change, message):
    data = rows()
    change(data[1])
    plan = upload(client_for("school1.secretary"), xlsx(data)).context["plan"]
    assert [line for line, _ in plan.errors] == [3]
    assert message in plan.errors[0][1]


def test_a_duplicate_row_is_an_error(client_for):
    data = rows()
    data.append(list(data[0]))
    plan = upload(client_for("school1.secretary"), xlsx(data)).context["plan"]
    assert plan.errors == [(4, "тот же ученик, что в строке 2")]


def test_an_unreadable_file_says_so(client_for):
    response = upload(client_for("school1.secretary"),
                      SimpleUploadedFile("class.xlsx", b"not a workbook"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_template_downloads(client_for):
    response = client_for("school1.secretary").get(reverse("records_import_template"))
    assert response.status_code == 200
    data = tablib.Dataset().load(response.content, format="xlsx")
    assert data.headers[:2] == ["Класс", "Фамилия"]


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher", "dept"])
def test_only_list_keepers_import(client_for, username):
    client = client_for(username)
    assert client.get(reverse("records_import")).status_code in (302, 403)
    assert client.get(reverse("records_import_template")).status_code in (302, 403)


def test_a_school2_secretary_cannot_import_into_school1(client_for):
    client = client_for("school2.admin")
    response = upload(client, xlsx(rows()))
    assert "institution" in response.context["form"].errors

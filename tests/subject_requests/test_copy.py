"""The copy of a subject's data (R-PD-5) holds the subject's data only.

The family: the demo parent (school1.parent, the mother) with two children in school 1,
child A (school1.pupil, in 5А, with marks) and child B in another class; A's father is
divorced and lives elsewhere: a second parent of A alone, with his own login, phone and
address. The copy for A holds A's card, A's marks and attendance, and nothing of B,
nothing of either parent's contacts, nothing of A's teachers. The father cannot file a
request for B, who is not his child.
"""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from records.factories import GuardianshipFactory, ParentFactory, PersonFactory, UserFactory
from records.models import Pupil, Relation, Sex, Staff
from subject_requests import actions
from subject_requests.models import RequestKind, SubjectRequest

pytestmark = pytest.mark.django_db

FATHER_PHONE = "+7 914 555-01-02"
FATHER_ADDRESS = "г. Якутск, ул. Отдельная, д. 17, кв. 4"
FATHER_WORK = "ООО «Северная стройка»"
MOTHER_PHONE = "+7 914 555-09-09"
TEACHER_PHONE = "+7 914 555-77-77"
TEACHER_ADDRESS = "ул. Учительская, д. 3"
A_OWN = "Занимается в кружке робототехники"
B_OWN = "Брат (сестра): отдельная отметка Б"


@pytest.fixture
def family(user, school1, child_of):
    mother = user("school1.parent")
    a = Pupil.objects.select_related("person", "school_class__class_teacher__person").get(
        person=user("school1.pupil").person, institution=school1)
    b = Pupil.objects.filter(parents__person=mother.person, institution=school1).exclude(
        pk=a.pk).select_related("person").first()
    assert b is not None
    Pupil.objects.filter(pk=a.pk).update(
        comment=A_OWN, family=f"Отец живёт отдельно, тел. {FATHER_PHONE}",
        extra_contacts=f"Отец: {FATHER_ADDRESS}")
    Pupil.objects.filter(pk=b.pk).update(comment=B_OWN)
    mother_record = mother.person.parent_records.get(institution=school1)
    type(mother_record).objects.filter(pk=mother_record.pk).update(mobile_phone=MOTHER_PHONE)
    father = ParentFactory(
        institution=school1, person=PersonFactory(surname="Разведенов", name="Олег",
                                                  patronymic="Ильич", sex=Sex.MALE,
                                                  user=UserFactory(username="a.father")),
        mobile_phone=FATHER_PHONE, residence_address=FATHER_ADDRESS, workplace=FATHER_WORK)
    GuardianshipFactory(parent=father, pupil=a, relation=Relation.FATHER)
    teacher = a.school_class.class_teacher
    Staff.objects.filter(pk=teacher.pk).update(home_phone=TEACHER_PHONE,
                                               residence_address=TEACHER_ADDRESS)
    return {"mother": mother, "a": a, "b": b, "father": father, "teacher": teacher}


def answered_copy(client_for, family, user, school1, filer="school1.parent"):
    row = actions.file(user(filer), family["a"].person, school1, RequestKind.COPY,
                       "Прошу копию данных ребёнка.")
    actions.answer(row, user("school1.secretary"), "Копия готова.")
    client = client_for(filer)
    data = client.get(reverse("subject_requests:copy_json", args=[row.pk]))
    pdf = client.get(reverse("subject_requests:copy_pdf", args=[row.pk]))
    assert data.status_code == pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(pdf.content)).pages)
    return row, data.content.decode(), json.loads(data.content), text


def forbidden(family):
    b, teacher = family["b"], family["teacher"]
    return [
        b.person.full_name, B_OWN, b.person.birth_date.isoformat(),
        b.person.birth_date.strftime("%d.%m.%Y"),
        FATHER_PHONE, FATHER_ADDRESS, FATHER_WORK, "Разведенов", MOTHER_PHONE,
        family["mother"].person.full_name,
        TEACHER_PHONE, TEACHER_ADDRESS, teacher.person.full_name,
    ]


def test_the_copy_for_child_a_holds_a_and_nothing_of_anyone_else(client_for, family, user,
                                                                  school1):
    _row, raw, data, text = answered_copy(client_for, family, user, school1)
    a = family["a"]
    # A's own data, in both files.
    assert data["person"]["surname"] == a.person.surname
    assert data["person"]["birth_date"] == a.person.birth_date.isoformat()
    pupil_card = next(r for r in data["records"] if r["kind"] == "pupil")
    assert pupil_card["fields"]["comment"] == A_OWN
    assert pupil_card["fields"]["school_class"] == str(a.school_class)
    assert data["marks"], "A's marks of the year are in the copy"
    assert data["attendance"] is not None
    assert A_OWN in text and a.person.surname in text
    # Nothing of anyone else, in either file.
    flat = raw + json.dumps(data, ensure_ascii=False)
    for value in forbidden(family):
        assert value not in flat, value
        assert value not in text, value
    # The card's fields about relatives are named as withheld, their text not copied.
    assert pupil_card["withheld"]
    assert "family" not in pupil_card["fields"] and "extra_contacts" not in pupil_card["fields"]


def test_the_divorced_father_gets_the_same_copy_for_his_child(client_for, family, user,
                                                               school1):
    _row, raw, data, text = answered_copy(client_for, family, user, school1,
                                          filer="a.father")
    for value in forbidden(family):
        if value in ("Разведенов", FATHER_PHONE, FATHER_ADDRESS, FATHER_WORK):
            continue  # his own data is not in the child's copy either, but checked below
        assert value not in raw and value not in text, value
    for value in ("Разведенов", FATHER_PHONE, FATHER_ADDRESS, FATHER_WORK):
        assert value not in raw and value not in text, value


def test_the_divorced_father_cannot_file_for_the_other_child(client_for, family, school1):
    client = client_for("a.father")
    choices = dict(client.get(reverse("subject_requests:new")).context["form"]
                   .fields["whose"].choices)
    assert f"{family['a'].person_id}:{school1.pk}" in choices
    assert f"{family['b'].person_id}:{school1.pk}" not in choices
    count = SubjectRequest.objects.count()
    response = client.post(reverse("subject_requests:new"), {
        "whose": f"{family['b'].person_id}:{school1.pk}", "kind": RequestKind.COPY,
        "text": "Прошу копию."})
    assert response.status_code == 200 and response.context["form"].errors["whose"]
    assert SubjectRequest.objects.count() == count


def test_the_father_does_not_see_the_mothers_requests_about_the_child(client_for, family,
                                                                      user, school1):
    row = actions.file(user("school1.parent"), family["a"].person, school1,
                       RequestKind.ACCESS, "Мать спрашивает.")
    client = client_for("a.father")
    assert client.get(reverse("subject_requests:request", args=[row.pk])).status_code == 404
    listed = client.get(reverse("subject_requests:mine")).context["page"].object_list
    assert row.pk not in [r.pk for r in listed]


def test_a_parents_own_copy_names_no_child(client_for, family, user, school1):
    mother = family["mother"]
    row = actions.file(mother, mother.person, school1, RequestKind.COPY, "Мои данные.")
    client = client_for("school1.secretary")
    data = json.loads(client.get(reverse("subject_requests:copy_json",
                                         args=[row.pk])).content)
    raw = json.dumps(data, ensure_ascii=False)
    assert MOTHER_PHONE in raw
    for child in (family["a"], family["b"]):
        assert child.person.full_name not in raw
    assert FATHER_PHONE not in raw

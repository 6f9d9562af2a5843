"""R-MOV-5: the graduates' state exams and the final marks of their certificates — the
rule of the order (приказ № 546), the pages and who may see and change them.

The demo city's 9А of each school has its pupils registered for the ОГЭ; the tests give
them year finals and exam marks and compute the certificate."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from attestation import actions, certificate
from attestation.models import CertificateMark, ExamForm, ExamResult
from curriculum.models import SchoolClass, Subject
from journal.models import FinalKind, FinalMark
from records.models import Institution, Pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def school(number):
    return Institution.objects.order_by("pk")[number - 1]


def class_9(number=1):
    return SchoolClass.objects.current().get(institution=school(number), grade=9)


def subject(school_class, name):
    return Subject.objects.get(institution_id=school_class.institution_id, name=name)


def year_final(school_class, pupil, subject, value):
    return FinalMark.objects.create(
        institution_id=school_class.institution_id,
        academic_year_id=school_class.academic_year_id, school_class=school_class,
        subject=subject, pupil=pupil, kind=FinalKind.YEAR, value=value)


def graduate(school_class):
    return Pupil.objects.filter(pk__in=actions.graduates(school_class)).order_by("pk").first()


def exam_of(pupil, subject, mark):
    exam, _created = ExamResult.objects.update_or_create(
        pupil=pupil, academic_year=pupil.school_class.academic_year, subject=subject,
        defaults={"institution_id": pupil.institution_id, "form": ExamForm.OGE,
                  "mark": mark})
    return exam


@pytest.mark.parametrize(("marks", "expected"), [
    ([5, 4], 5), ([4, 3], 4), ([3, 2], 3), ([4, 4, 3], 4), ([5, 5, 4, 4, 3, 3], 4)])
def test_the_mean_is_rounded_as_mathematics_rounds(marks, expected):
    assert certificate.rounded_mean(marks) == expected


@pytest.mark.parametrize(("value", "mark"), [("5", 5), (" 4", 4), ("2", 2), ("1", None),
                                             ("зач", None), ("н/а", None), ("", None)])
def test_only_marks_count(value, mark):
    assert certificate.as_mark(value) == mark


def test_grade_9_takes_the_mean_of_year_and_exam_and_the_year_mark_elsewhere(demo_user):
    nine = class_9()
    pupil = graduate(nine)
    russian, history = subject(nine, "Русский язык"), subject(nine, "История")
    year_final(nine, pupil, russian, "4")
    year_final(nine, pupil, history, "3")
    exam_of(pupil, russian, 5)
    ExamResult.objects.filter(pupil=pupil, subject=history).delete()
    actions.compute_certificate(nine, demo_user("school1.deputy"))
    marks = {m.subject_id: m for m in CertificateMark.objects.filter(pupil=pupil)}
    assert marks[russian.pk].value == 5  # (4 + 5) / 2 = 4.5 → 5
    assert marks[russian.pk].sources == {"year": [4], "exam": [5]}
    assert marks[history.pk].value == 3
    assert marks[history.pk].sources == {"year": [3]}


def test_the_ege_does_not_enter_a_grade_11_mark(demo_user):
    """Grade 11 by the mean of its half-year and year marks of grades 10 and 11; the
    demo city has no grade 11, so the rule is called on a pupil given such finals."""
    nine = class_9()
    pupil = graduate(nine)
    maths = subject(nine, "Алгебра")
    year_final(nine, pupil, maths, "4")
    ExamResult.objects.filter(pupil=pupil, subject=maths).delete()
    ExamResult.objects.create(institution_id=pupil.institution_id,
                              academic_year=nine.academic_year, pupil=pupil,
                              subject=maths, form=ExamForm.EGE, test_score=98)
    nine.grade = 11
    SchoolClass.objects.filter(pk=nine.pk).update(grade=11)
    computed = certificate.compute([pupil.pk], nine.academic_year, 11)
    result = computed[pupil.pk, maths.pk]
    # The quarter's finals the demo journal holds count with the year's; the ЕГЭ does not.
    assert set(result.sources) <= {"year", "period"} and result.sources["year"] == [4]
    assert result.value == certificate.rounded_mean(
        result.sources["year"] + result.sources.get("period", []))


def test_a_mark_changed_by_hand_keeps_its_value_and_its_history(demo_user):
    nine = class_9()
    pupil = graduate(nine)
    russian = subject(nine, "Русский язык")
    final = year_final(nine, pupil, russian, "4")
    exam_of(pupil, russian, 4)
    deputy = demo_user("school1.deputy")
    actions.compute_certificate(nine, deputy)
    mark = CertificateMark.objects.get(pupil=pupil, subject=russian)
    with pytest.raises(ValidationError):
        actions.change_mark(mark, 5, "  ", deputy)
    actions.change_mark(mark, 5, "Решение педагогического совета", deputy)
    FinalMark.objects.filter(pk=final.pk).update(value="3")
    assert actions.compute_certificate(nine, deputy) == (0, 1)
    mark.refresh_from_db()
    assert (mark.value, mark.computed, mark.by_hand) == (5, 4, True)  # (3 + 4) / 2 → 4
    assert mark.revisions.count() == 2  # the state before the change, and the change


def test_computing_is_all_or_nothing(demo_user, monkeypatch):
    nine = class_9()
    pupil = graduate(nine)
    year_final(nine, pupil, subject(nine, "Русский язык"), "4")
    year_final(nine, pupil, subject(nine, "История"), "5")

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(CertificateMark.objects, "bulk_update", broken)
    CertificateMark.objects.filter(pupil=pupil).delete()
    CertificateMark.objects.create(
        institution_id=pupil.institution_id, academic_year=nine.academic_year,
        pupil=pupil, subject=subject(nine, "История"), value=2, computed=2)
    with pytest.raises(RuntimeError):
        actions.compute_certificate(nine, demo_user("school1.deputy"))
    assert list(CertificateMark.objects.filter(pupil=pupil).values_list("value", flat=True)) == [2]


def test_an_exam_is_checked_against_its_form():
    nine = class_9()
    pupil = graduate(nine)
    exam = ExamResult(institution_id=pupil.institution_id, academic_year=nine.academic_year,
                      pupil=pupil, subject=subject(nine, "Физика"), form=ExamForm.EGE,
                      mark=5)
    with pytest.raises(ValidationError) as problem:
        exam.full_clean()
    assert "mark" in problem.value.error_dict
    other = class_9(2)
    exam = ExamResult(institution_id=pupil.institution_id, academic_year=nine.academic_year,
                      pupil=pupil, subject=subject(other, "Физика"), form=ExamForm.OGE)
    with pytest.raises(ValidationError) as problem:
        exam.full_clean()
    assert "subject" in problem.value.error_dict


def test_the_deputy_enters_an_exam_and_computes_on_the_page(client_for):
    nine = class_9()
    pupil = graduate(nine)
    chemistry = subject(nine, "Химия")
    ExamResult.objects.filter(pupil=pupil, subject=chemistry).delete()
    year_final(nine, pupil, chemistry, "3")
    client = client_for("school1.deputy")
    page = client.get(reverse("attestation:add_exam", args=[nine.pk]))
    assert page.status_code == 200
    response = client.post(reverse("attestation:add_exam", args=[nine.pk]), {
        "pupil": pupil.pk, "subject": chemistry.pk, "form": "oge",
        "taken_on": "2027-05-30", "primary_score": "30", "mark": "4"})
    assert response.status_code == 302
    assert ExamResult.objects.get(pupil=pupil, subject=chemistry).mark == 4
    # The ЕГЭ is not a grade 9 exam: refused with a message, nothing saved.
    response = client.post(reverse("attestation:add_exam", args=[nine.pk]), {
        "pupil": pupil.pk, "subject": subject(nine, "Физика").pk, "form": "ege"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("attestation:compute", args=[nine.pk]), follow=True)
    assert response.status_code == 200
    mark = CertificateMark.objects.get(pupil=pupil, subject=chemistry)
    assert mark.value == 4  # (3 + 4) / 2 = 3.5 → 4
    sheet = client.get(reverse("attestation:class", args=[nine.pk]))
    assert reverse("attestation:mark", args=[mark.pk]) in sheet.content.decode()
    export = client.get(reverse("attestation:class", args=[nine.pk]), {"format": "xlsx"})
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]


@pytest.mark.parametrize("username", ["school2.admin", "school1.teacher", "school1.parent",
                                      "school1.pupil", "school1.classteacher"])
def test_who_must_not_see_a_class_gets_404(client_for, username):
    nine = class_9()
    client = client_for(username)
    assert client.get(reverse("attestation:class", args=[nine.pk])).status_code == 404
    assert client.post(reverse("attestation:compute", args=[nine.pk])).status_code == 404


@pytest.mark.parametrize("username", ["school1.secretary", "school1.director"])
def test_readers_read_and_only_keepers_change(client_for, username, demo_user):
    nine = class_9()
    pupil = graduate(nine)
    year_final(nine, pupil, subject(nine, "История"), "4")
    actions.compute_certificate(nine, demo_user("school1.deputy"))
    mark = CertificateMark.objects.filter(pupil=pupil).first()
    client = client_for(username)
    assert client.get(reverse("attestation:class", args=[nine.pk])).status_code == 200
    page = client.get(reverse("attestation:mark", args=[mark.pk]))
    assert page.status_code == 200
    keeper = username == "school1.director"
    assert page.context["may_change"] is keeper
    response = client.post(reverse("attestation:mark", args=[mark.pk]),
                           {"value": "5", "reason": "так решили"})
    assert response.status_code == (302 if keeper else 403)
    response = client.post(reverse("attestation:compute", args=[nine.pk]))
    assert response.status_code == (302 if keeper else 403)


def test_another_schools_rows_are_404(client_for):
    other = class_9(2)
    exam = ExamResult.objects.filter(pupil__school_class=other).first()
    client = client_for("school1.deputy")
    assert client.get(reverse("attestation:class", args=[other.pk])).status_code == 404
    assert client.get(reverse("attestation:edit_exam", args=[exam.pk])).status_code == 404
    assert client.post(reverse("attestation:delete_exam", args=[exam.pk])).status_code == 404
    assert ExamResult.objects.filter(pk=exam.pk).exists()


def test_the_index_lists_the_graduating_classes_of_the_users_school(client_for):
    page = client_for("school1.deputy").get(reverse("attestation:index"))
    assert [c.pk for c in page.context["classes"]] == [class_9().pk]
    assert client_for("school1.parent").get(reverse("attestation:index")).status_code == 404


def test_the_demo_registers_every_graduate_for_russian_and_mathematics():
    for number in (1, 2):
        nine = class_9(number)
        pupils = set(actions.graduates(nine))
        for name in ("Русский язык", "Алгебра"):
            registered = set(ExamResult.objects.filter(
                subject=subject(nine, name), form=ExamForm.OGE).values_list("pupil_id",
                                                                            flat=True))
            assert pupils <= registered


def test_the_class_sheet_has_a_query_budget(client_for, django_assert_max_num_queries,
                                            demo_user):
    nine = class_9()
    for pupil in Pupil.objects.filter(pk__in=actions.graduates(nine)):
        year_final(nine, pupil, subject(nine, "История"), "4")
    actions.compute_certificate(nine, demo_user("school1.deputy"))
    client = client_for("school1.deputy")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("attestation:class", args=[nine.pk])).status_code == 200


def test_the_class_page_links_the_attestation_for_its_readers(client_for):
    nine = class_9()
    link = reverse("attestation:class", args=[nine.pk])
    assert link in client_for("school1.deputy").get(
        reverse("journal:class", args=[nine.pk])).content.decode()
    five = SchoolClass.objects.current().filter(institution=school(1), grade=5).first()
    assert "/attestation/" not in client_for("school1.deputy").get(
        reverse("journal:class", args=[five.pk])).content.decode()


def test_an_ege_registered_here_is_put_on_the_pupils_card(demo_user):
    nine = class_9()
    pupil = graduate(nine)
    physics = subject(nine, "Физика")
    ExamResult.objects.filter(pupil=pupil, subject=physics).delete()
    pupil.exam_subjects.clear()
    pupil.save()
    exam = ExamResult(institution_id=pupil.institution_id, academic_year=nine.academic_year,
                      pupil=pupil, subject=physics, form=ExamForm.EGE, test_score=81)
    actions.save_exam(exam, demo_user("school1.deputy"))
    pupil.refresh_from_db()
    assert list(pupil.exam_subjects.all()) == [physics]
    assert pupil.revisions.exists()

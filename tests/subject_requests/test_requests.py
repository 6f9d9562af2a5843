"""Personal data requests (R-PD-4) on the portal.

Who may do what:
- a pupil, a parent, a staff member files requests about their own data, a parent also
  about their children's (never another child's), and reads the requests they filed or
  that are about them, with the answers;
- the school's secretary, director and administrator keep their school's register,
  take requests into work and answer, refuse or correct;
- the department reads the overdue requests of every school, with limited fields (no
  person, no request text);
- anyone else gets 404.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from notifications.models import Notification
from notifications.service import Kind
from portal.ids import MAX_ID
from records.models import Institution
from subject_requests import actions
from subject_requests.factories import SubjectRequestFactory
from subject_requests.models import RequestKind, RequestState, SubjectRequest
from tests.dates import TODAY

pytestmark = pytest.mark.django_db

PK_URLS = ["request", "take", "answer", "copy_pdf", "copy_json"]


def url(name, row=None):
    return reverse(f"subject_requests:{name}", args=[row.pk] if row is not None else [])


def log_actions(row):
    return list(ModelLogEntry.objects.for_instance(row).order_by("timestamp", "pk")
                .values_list("action", flat=True))


# The demo -------------------------------------------------------------------------------


def test_the_demo_has_a_request_in_each_state_and_one_overdue(school1):
    rows = SubjectRequest.objects.filter(institution=school1)
    assert set(rows.values_list("state", flat=True)) == set(RequestState.values)
    assert SubjectRequest.objects.overdue(TODAY).count() == 1
    assert set(rows.values_list("kind", flat=True)) == set(RequestKind.values)
    answered = rows.get(state=RequestState.ANSWERED)
    assert answered.answered_by.username == "school1.secretary"
    assert log_actions(answered) == [actions.FILED, actions.TAKEN, actions.ANSWERED]


# Filing ---------------------------------------------------------------------------------


def test_a_parent_files_a_request_for_their_child(client_for, school1, child_of):
    client = client_for("school1.parent")
    child = child_of("school1.parent", school1)
    form = client.get(url("new")).context["form"]
    assert f"{child.person_id}:{school1.pk}" in dict(form.fields["whose"].choices)
    response = client.post(url("new"), {"whose": f"{child.person_id}:{school1.pk}",
                                        "kind": RequestKind.COPY,
                                        "text": "Прошу копию данных моего ребёнка."})
    row = SubjectRequest.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == url("request", row)
    assert (row.subject_id, row.institution, row.filed_by.username, row.state,
            row.received_on) == (child.person_id, school1, "school1.parent",
                                 RequestState.RECEIVED, TODAY)
    assert row.deadline > TODAY
    assert log_actions(row) == [actions.FILED]
    assert row.revisions.count() == 1
    assert client.get(url("mine")).status_code == 200
    assert row.pk in [r.pk for r in client.get(url("mine")).context["page"].object_list]


def test_a_parent_cannot_file_for_another_parents_child(client_for, school1, child_of):
    client = client_for("school1.parent")
    own = {child_of("school1.parent", school1).person_id}
    other = school1.pupils.exclude(person_id__in=own).exclude(
        parents__person__user__username="school1.parent").first()
    count = SubjectRequest.objects.count()
    response = client.post(url("new"), {"whose": f"{other.person_id}:{school1.pk}",
                                        "kind": RequestKind.ACCESS, "text": "Хочу знать."})
    assert response.status_code == 200
    assert response.context["form"].errors["whose"]
    assert SubjectRequest.objects.count() == count
    # Nor for the child in another school than the child's.
    school2 = Institution.objects.get(short_name="СОШ № 2")
    child = child_of("school1.parent", school1)
    response = client.post(url("new"), {"whose": f"{child.person_id}:{school2.pk}",
                                        "kind": RequestKind.ACCESS, "text": "Хочу знать."})
    assert response.context["form"].errors["whose"]
    assert SubjectRequest.objects.count() == count


def test_a_pupil_and_a_teacher_file_for_themselves_only(client_for, user, school1):
    for username in ("school1.pupil", "school1.teacher"):
        form = client_for(username).get(url("new")).context["form"]
        assert list(dict(form.fields["whose"].choices)) == [
            f"{user(username).person.pk}:{school1.pk}"]


def test_bad_input_is_refused_in_russian_and_changes_nothing(client_for, user, school1):
    client = client_for("school1.pupil")
    client.cookies["django_language"] = "ru"
    count = SubjectRequest.objects.count()
    response = client.post(url("new"), {"whose": f"{user('school1.pupil').person.pk}:"
                                                 f"{school1.pk}", "kind": "nonsense",
                                        "text": "   "}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Выберите корректный вариант" in html
    assert SubjectRequest.objects.count() == count


def test_a_login_without_a_person_cannot_file(client_for):
    assert client_for("admin").get(url("new")).status_code == 404


def test_a_visitor_is_sent_to_the_login(client, overdue):
    for name in ("mine", "new", "register"):
        assert client.get(url(name)).status_code == 302
    assert client.get(url("request", overdue)).status_code == 302


# Reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["school2.parent", "school2.admin", "school1.teacher",
                                      "school1.classteacher", "school1.deputy",
                                      "school1.medic"])
def test_others_get_404_on_a_request(client_for, overdue, username):
    client = client_for(username)
    for name in PK_URLS:
        response = client.get(url(name, overdue))
        assert response.status_code in (404, 405), (name, response.status_code)
    assert client.post(url("take", overdue)).status_code == 404


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil", "school1.teacher",
                                      "school1.deputy", "school1.medic"])
def test_only_keepers_and_the_department_open_the_register(client_for, username):
    assert client_for(username).get(url("register")).status_code == 404


def test_another_schools_keeper_reads_none_of_school_1s_requests(client_for, school1):
    response = client_for("school2.admin").get(url("register"))
    assert response.status_code == 200
    assert school1.pk not in {r.institution_id for r in response.context["table"].data}


def test_huge_ids_are_404(client_for):
    client = client_for("school1.secretary")
    for name in PK_URLS:
        for bad in (MAX_ID + 1, MAX_ID, 0):
            path = f"/data-requests/{bad}/" + {"request": "", "take": "take/",
                                                "answer": "answer/", "copy_pdf": "copy.pdf",
                                                "copy_json": "copy.json"}[name]
            assert client.get(path).status_code in (404, 405), path


def test_the_secretary_reads_the_register_with_the_overdue_row_marked(client_for, overdue,
                                                                       school1):
    response = client_for("school1.secretary").get(url("register"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{url("request", overdue)}"' in html
    assert html.count('data-overdue="1"') == 1
    assert overdue.subject.full_name in html
    rows = list(response.context["table"].data)
    assert {r.institution_id for r in rows} == {school1.pk}
    assert len(rows) == SubjectRequest.objects.filter(institution=school1).count()
    only = client_for("school1.secretary").get(url("register") + "?overdue=on")
    assert [r.pk for r in only.context["table"].data] == [overdue.pk]


def test_the_register_filters_by_state_and_kind(client_for):
    client = client_for("school1.director")
    response = client.get(url("register") + "?state=refused")
    assert {r.state for r in response.context["table"].data} == {RequestState.REFUSED}
    response = client.get(url("register") + "?kind=copy")
    assert {r.kind for r in response.context["table"].data} == {RequestKind.COPY}
    assert client.get(url("register") + "?state=zzz&sort=nonsense").status_code == 200


def test_the_register_costs_the_same_queries_with_many_more_requests(
        client_for, school1, django_assert_max_num_queries, user):
    client = client_for("school1.secretary")
    client.get(url("register"))
    person = user("school1.pupil").person
    SubjectRequestFactory.create_batch(40, institution=school1, subject=person)
    with django_assert_max_num_queries(12):
        assert client.get(url("register")).status_code == 200


def test_the_department_reads_overdue_requests_only_and_limited(client_for, overdue):
    client = client_for("dept")
    response = client.get(url("register"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["table"].data] == [overdue.pk]
    html = response.content.decode()
    assert overdue.subject.full_name not in html
    assert overdue.text not in html
    assert "subject" not in response.context["table"].columns.names()
    detail = client.get(url("request", overdue))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert overdue.text not in body and overdue.subject.full_name not in body
    for name in ("copy_pdf", "copy_json", "answer"):
        assert client.get(url(name, overdue)).status_code == 404
    assert client.post(url("take", overdue)).status_code == 404
    other = SubjectRequest.objects.exclude(pk=overdue.pk).first()
    assert client.get(url("request", other)).status_code == 404


def test_my_requests_cost_the_same_queries_with_many_more(
        client_for, school1, django_assert_max_num_queries, user):
    client = client_for("school1.pupil")
    client.get(url("mine"))
    SubjectRequestFactory.create_batch(30, institution=school1,
                                       subject=user("school1.pupil").person)
    with django_assert_max_num_queries(10):
        response = client.get(url("mine"))
    assert len(response.context["page"].object_list) >= 31


def test_the_keeper_reads_the_history_the_filer_does_not(client_for, school1):
    answered = SubjectRequest.objects.get(institution=school1, state=RequestState.ANSWERED)
    keeper = client_for("school1.secretary").get(url("request", answered))
    assert len(keeper.context["history"]) == 3
    assert "data-history" in keeper.content.decode()
    filer = client_for(answered.filed_by.username).get(url("request", answered))
    assert "data-history" not in filer.content.decode()


def test_the_filer_reads_their_request_and_its_answer(client_for, school1):
    answered = SubjectRequest.objects.get(institution=school1, state=RequestState.ANSWERED)
    client = client_for(answered.filed_by.username)
    html = client.get(url("request", answered)).content.decode()
    assert answered.answer in html
    assert url("copy_pdf", answered) in html


# Answering ------------------------------------------------------------------------------


def test_the_secretary_takes_and_answers_and_the_filer_is_told(client_for, overdue):
    client = client_for("school1.secretary")
    assert client.post(url("take", overdue)).status_code == 302
    overdue.refresh_from_db()
    assert overdue.state == RequestState.IN_PROGRESS
    assert overdue.taken_by.username == "school1.secretary"
    page = client.get(url("answer", overdue))
    assert page.status_code == 200
    response = client.post(url("answer", overdue), {
        "outcome": "answer", "answer": "Школа обрабатывает ФИО, дату рождения и класс."})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.state == RequestState.ANSWERED
    assert overdue.answered_by.username == "school1.secretary"
    assert overdue.answered_at is not None and not overdue.is_overdue
    assert log_actions(overdue)[-2:] == [actions.TAKEN, actions.ANSWERED]
    told = Notification.objects.filter(kind=Kind.DATA_REQUEST, source_key__startswith=(
        f"subject_requests.subjectrequest:{overdue.pk}:"))
    assert set(told.values_list("user__username", flat=True)) == {"school1.parent"}
    # Answered once: a second answer changes nothing.
    again = client.post(url("answer", overdue), {"outcome": "refuse", "answer": "Нет."})
    assert again.status_code == 200
    overdue.refresh_from_db()
    assert overdue.state == RequestState.ANSWERED


def test_an_empty_answer_changes_nothing(client_for, overdue):
    response = client_for("school1.secretary").post(url("answer", overdue),
                                                    {"outcome": "answer", "answer": ""})
    assert response.status_code == 200 and response.context["form"].errors
    overdue.refresh_from_db()
    assert overdue.state == RequestState.RECEIVED


def test_a_correction_is_done_and_the_person_notified(client_for, school1):
    row = SubjectRequest.objects.get(institution=school1, kind=RequestKind.CORRECTION)
    client = client_for("school1.director")
    response = client.post(url("answer", row), {
        "outcome": "correct", "answer": "Номер диплома исправлен."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == RequestState.ANSWERED and row.corrected_at is not None
    assert log_actions(row)[-1] == actions.CORRECTED
    note = Notification.objects.get(kind=Kind.DATA_REQUEST, user=row.subject.user,
                                    source_key__startswith=f"subject_requests."
                                                           f"subjectrequest:{row.pk}:")
    assert note.url == url("request", row)


def test_only_a_correction_request_is_answered_by_a_correction(client_for, overdue):
    response = client_for("school1.secretary").post(url("answer", overdue), {
        "outcome": "correct", "answer": "Исправлено."})
    assert response.status_code == 200
    overdue.refresh_from_db()
    assert overdue.state == RequestState.RECEIVED


def test_an_erasure_erases_what_only_consent_kept_and_keeps_the_minimum(
        client_for, school1, user):
    """A parent asks to erase their data: the school erases what it kept by their
    consent (the card's other fields, its older versions) and keeps the minimum the law
    obliges it to keep; the consent is withdrawn, the parent is told."""
    from records.models import Consent, Parent

    parent_user = user("school1.parent")
    card = Parent.objects.get(person=parent_user.person, institution=school1)
    assert card.filled_personal_fields(), "the demo parent's card has consent-based data"
    kept = {name: getattr(card, name) for name in card.minimum_fields}
    row = actions.file(parent_user, parent_user.person, school1, RequestKind.ERASURE,
                       "Прошу удалить мои персональные данные, кроме обязательных.")
    client = client_for("school1.secretary")
    page = client.get(url("answer", row))
    outcomes = [value for value, _label in page.context["form"].fields["outcome"].choices]
    assert "erase" in outcomes and "correct" not in outcomes
    response = client.post(url("answer", row), {
        "outcome": "erase", "answer": "Удалены сведения, обрабатывавшиеся по согласию."})
    assert response.status_code == 302
    row.refresh_from_db()
    card.refresh_from_db()
    assert row.state == RequestState.ANSWERED
    assert log_actions(row)[-1] == actions.ERASED
    assert not card.filled_personal_fields()
    assert {name: getattr(card, name) for name in card.minimum_fields} == kept
    assert not Consent.objects.active().filter(person=parent_user.person,
                                               institution=school1).exists()
    assert Notification.objects.filter(kind=Kind.DATA_REQUEST, user=parent_user,
                                       source_key__startswith=f"subject_requests."
                                       f"subjectrequest:{row.pk}:").exists()


def test_only_an_erasure_request_is_answered_by_an_erasure(client_for, overdue, user):
    from records.models import Consent

    consents = Consent.objects.active().count()
    response = client_for("school1.secretary").post(url("answer", overdue), {
        "outcome": "erase", "answer": "Удалено."})
    assert response.status_code == 200
    overdue.refresh_from_db()
    assert overdue.state == RequestState.RECEIVED
    assert Consent.objects.active().count() == consents
    with pytest.raises(ValidationError):
        actions.erase(overdue, user("school1.secretary"), "Удалено.")


def test_a_refusal_says_why(client_for, overdue):
    client_for("school1.admin").post(url("answer", overdue), {
        "outcome": "refuse", "answer": "Запрос подан не законным представителем."})
    overdue.refresh_from_db()
    assert overdue.state == RequestState.REFUSED
    assert overdue.answer == "Запрос подан не законным представителем."


def test_the_filer_cannot_answer_their_own_request(client_for, overdue):
    client = client_for("school1.parent")
    assert client.get(url("answer", overdue)).status_code == 404
    assert client.post(url("take", overdue)).status_code == 404
    overdue.refresh_from_db()
    assert overdue.state == RequestState.RECEIVED


# The copy -------------------------------------------------------------------------------


def test_the_copy_is_an_attachment_with_nosniff(client_for, school1):
    answered = SubjectRequest.objects.get(institution=school1, state=RequestState.ANSWERED)
    client = client_for(answered.filed_by.username)
    pdf = client.get(url("copy_pdf", answered))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in pdf["Cache-Control"]
    data = client.get(url("copy_json", answered))
    assert data["Content-Disposition"].startswith("attachment")
    assert data["X-Content-Type-Options"] == "nosniff"
    copy = json.loads(data.content)
    assert copy["person"]["surname"] == answered.subject.surname
    assert ModelLogEntry.objects.for_instance(answered).filter(
        action="subject_requests.copy_issued").count() == 2


def test_the_copy_waits_for_the_answer_for_the_filer_not_for_the_school(client_for, school1):
    waiting = SubjectRequest.objects.get(institution=school1, state=RequestState.RECEIVED,
                                         kind=RequestKind.COPY)
    assert client_for(waiting.filed_by.username).get(
        url("copy_json", waiting)).status_code == 404
    assert client_for("school1.secretary").get(url("copy_json", waiting)).status_code == 200


def test_a_request_without_a_copy_has_none(client_for, school1):
    row = SubjectRequest.objects.get(institution=school1, kind=RequestKind.CORRECTION)
    assert client_for("school1.secretary").get(url("copy_pdf", row)).status_code == 404


# Pages in Russian -----------------------------------------------------------------------


def test_the_pages_speak_russian(client_for, overdue):
    client = client_for("school1.secretary")
    html = client.get(url("register"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Журнал запросов по персональным данным" in html
    assert "просрочен" in html


def test_the_deadline_is_fixed_at_receipt(school1, user):
    row = actions.file(user("school1.pupil"), user("school1.pupil").person, school1,
                       RequestKind.CORRECTION, "Исправьте адрес.",
                       received_on=datetime.date(2026, 4, 30))
    assert row.deadline == datetime.date(2026, 5, 6)

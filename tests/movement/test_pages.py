"""The movement book's pages: tried as the secretaries would (issue 14, «Done when»:
enrol with an order, move to another class, leave for school 2, school 2 accepts),
who must not see each page, the department's counts only, exports and query budgets."""

import pytest
from django.urls import reverse

from curriculum.models import SchoolClass
from movement import actions
from movement.models import Arrival, ArrivalState, Movement, MovementKind, OrderKind
from portal.access import today
from records.models import Institution, Pupil, User

pytestmark = pytest.mark.django_db


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def order(number):
    return {"order_number": number, "order_date": today().isoformat()}


def test_the_secretaries_enrol_transfer_and_move_a_pupil_to_school_2(client_for, english):
    client = client_for("school1.secretary")
    class_5a = SchoolClass.objects.get(institution=school(1), grade=5, letter="А",
                                       academic_year__is_current=True)
    class_5b = SchoolClass.objects.get(institution=school(1), grade=5, letter="Б",
                                       academic_year__is_current=True)
    response = client.post(reverse("movement:enrol", args=[school(1).pk]), {
        "surname": "Зверобоева", "name": "Дарья", "patronymic": "Олеговна",
        "birth_date": "2015-02-03", "sex": "f", "to_class": class_5a.pk,
        "on": today().isoformat(), **order("501-у")})
    assert response.status_code == 302, response.context["form"].errors
    pupil = Pupil.objects.get(person__surname="Зверобоева", institution=school(1))
    assert pupil.school_class == class_5a and pupil.enrolled_on == today()
    response = client.post(reverse("journal:transfer", args=[class_5a.pk]), {
        "pupil": pupil.pk, "to_class": class_5b.pk, "on": today().isoformat(),
        **order("502-д")})
    # The class changes on the day of the enrolment already: refused, nothing written.
    assert response.status_code == 200
    assert "already changes" in response.content.decode()
    response = client.post(reverse("movement:leave", args=[school(1).pk]), {
        "pupil": pupil.pk, "on": today().isoformat(), "destination_kind": "city_school",
        "destination_institution": school(2).pk, **order("503-в")})
    assert response.status_code == 302, response.context["form"].errors
    arrival = Arrival.objects.get(person=pupil.person)
    book = client.get(reverse("movement:book", args=[school(1).pk]))
    assert "Зверобоева" in book.content.decode()
    # School 1 never sees the arrival; school 2's secretary does, and accepts.
    assert client.get(reverse("movement:arrival", args=[arrival.pk])).status_code == 404
    assert client.get(reverse("movement:arrivals", args=[school(2).pk])).status_code == 403
    other = client_for("school2.secretary")
    listing = other.get(reverse("movement:arrivals", args=[school(2).pk]))
    assert "Зверобоева" in listing.content.decode()
    class_2 = SchoolClass.objects.filter(institution=school(2), grade=5,
                                         academic_year__is_current=True).first()
    response = other.post(reverse("movement:arrival", args=[arrival.pk]), {
        "accept": "1", "to_class": class_2.pk, "on": today().isoformat(), **order("601-у")})
    assert response.status_code == 302, response.context["form"].errors
    arrival.refresh_from_db()
    assert arrival.state == ArrivalState.ACCEPTED
    assert arrival.pupil.institution == school(2) and arrival.pupil.school_class == class_2
    card = other.get(response["Location"])
    assert card.status_code == 200 and "data-movement-history" in card.content.decode()
    # School 2's book has its own enrolment, not school 1's movements.
    book2 = other.get(reverse("movement:book", args=[school(2).pk])).content.decode()
    assert "601-у" in book2 and "503-в" not in book2 and "501-у" not in book2


def test_a_bad_order_changes_nothing_and_says_why(client_for, english):
    client = client_for("school1.secretary")
    pupil = Pupil.objects.filter(institution=school(1), left_on__isnull=True,
                                 person__user__isnull=True).order_by("pk").first()
    taken = Movement.objects.filter(institution=school(1),
                                    date__year=today().year).first().order
    before = Movement.objects.count()
    response = client.post(reverse("movement:leave", args=[school(1).pk]), {
        "pupil": pupil.pk, "on": today().isoformat(), "destination_kind": "other",
        "destination": "семейное образование", "order_number": taken.number,
        "order_date": today().isoformat()})
    assert response.status_code == 200
    if taken.date != today() or taken.kind != OrderKind.LEAVING:
        assert "already has an order" in response.content.decode()
        assert Movement.objects.count() == before
    response = client.post(reverse("movement:leave", args=[school(1).pk]), {
        "pupil": pupil.pk, "on": today().isoformat(), "destination_kind": "city_school",
        **order("777-в")})
    assert response.status_code == 200  # no school chosen
    assert Movement.objects.count() == before


@pytest.mark.parametrize("name,status", [
    ("school1.teacher", 403), ("school1.classteacher", 403), ("school1.parent", 403),
    ("school1.pupil", 403), ("school2.secretary", 403), ("school2.admin", 403),
    ("dept", 403), ("school1.medic", 403),
])
def test_who_must_not_see_school_1s_book_and_lists(client_for, name, status):
    client = client_for(name)
    for url in ("movement:book", "movement:lists"):
        assert client.get(reverse(url, args=[school(1).pk])).status_code == status
    for url in ("movement:enrol", "movement:leave", "movement:arrivals"):
        assert client.get(reverse(url, args=[school(1).pk])).status_code == 403
    movement = Movement.objects.filter(institution=school(1)).first()
    assert client.get(reverse("movement:cancel", args=[movement.pk])).status_code == 404


def test_the_book_of_a_school_that_does_not_exist_is_404(client_for):
    client = client_for("school1.secretary")
    assert client.get(reverse("movement:book", args=[2**62])).status_code == 404
    assert client.get(reverse("movement:arrival", args=[2**62])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("movement:book", args=[school(1).pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_department_reads_the_city_report_only(client_for, english):
    client = client_for("dept")
    response = client.get(reverse("movement:report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "СОШ № 1" in html and "СОШ № 2" in html
    total = Movement.objects.effective().filter(
        date__gte=response.context["starts_on"], date__lte=response.context["ends_on"]).count()
    assert sum(response.context["totals"]) == total
    # No name of a pupil anywhere on the report.
    some = Pupil.objects.select_related("person").first()
    assert some.person.surname not in html
    assert client_for("school1.teacher").get(reverse("movement:report")).status_code == 403
    assert client_for("school1.parent").get(reverse("movement:start")).status_code == 403
    response = client_for("dept").get(reverse("movement:start"))
    assert response["Location"] == reverse("movement:report")


def test_a_school_reads_its_own_counts_only(client_for):
    response = client_for("school1.secretary").get(reverse("movement:report"))
    assert [name for name, _values in response.context["rows"]] == ["СОШ № 1"]


@pytest.mark.parametrize("url,args", [
    ("movement:book", True), ("movement:lists", True), ("movement:report", False),
])
def test_exports_through_the_portal_exporter(client_for, url, args):
    client = client_for("school1.secretary")
    path = reverse(url, args=[school(1).pk] if args else [])
    response = client.get(path, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert client.get(path, {"export": "csv"})["Content-Type"].startswith("text/csv")


def test_the_pages_cost_the_same_with_more_movements(client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("school1.secretary")
    urls = [reverse("movement:book", args=[school(1).pk]),
            reverse("movement:lists", args=[school(1).pk]),
            reverse("movement:report"),
            reverse("movement:arrivals", args=[school(2).pk])]
    before = {}
    for url in urls[:3]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        before[url] = len(queries)
        assert len(queries) <= 20, url
    secretary = User.objects.get(username="school1.secretary")
    leaving = actions.order_for(school(1), "990-в", today(), OrderKind.LEAVING, secretary)
    for pupil in Pupil.objects.filter(institution=school(1), left_on__isnull=True,
                                      person__user__isnull=True).order_by("-pk")[:4]:
        actions.leave(pupil, today(), leaving, secretary, "city_school",
                      destination_institution=school(2))
    for url in urls[:3]:
        with django_assert_max_num_queries(before[url]):
            client.get(url)
    other = client_for("school2.secretary")
    with django_assert_max_num_queries(15):
        response = other.get(urls[3])
    assert len(response.context["arrivals"]) >= 5


def test_the_pupil_card_shows_the_movement_history(client_for):
    pupil = Movement.objects.filter(kind=MovementKind.TRANSFER).first().pupil
    client = client_for("school2.admin")
    html = client.get(reverse("records:pupil", args=[pupil.pk])).content.decode()
    assert "data-movement-history" in html
    card = client_for("dept").get(reverse("records:pupil", args=[pupil.pk]))
    # The department reads the kinds and dates only, no order.
    assert card.context["movements_limited"] is True
    assert "1-д" not in card.content.decode()

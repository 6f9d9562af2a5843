"""The reports (R-REP-1, R-REP-2, R-DEP-2): final progress counted as schools count it,
current progress and attendance from the tallies, journal completeness per teacher;
who may open which, on what rows; the downloads; bad input; query budgets."""

import csv
import io
import shutil
import subprocess
from collections import defaultdict

import openpyxl
import pytest
from django.urls import reverse

from curriculum.models import Period, SchoolClass
from journal.models import FinalKind, FinalMark
from records.models import Institution

pytestmark = pytest.mark.django_db

PROGRESS = reverse("reports:progress")
CURRENT = reverse("reports:current")
COMPLETENESS = reverse("reports:completeness")


def first_quarter():
    period = (Period.objects.filter(academic_year__is_current=True, number=1,
                                    period_type__periods_count=4).first())
    return f"{period.period_type_id}:1"


def rows_of(response):
    return [row.record for row in response.context["table"].rows]


def expected_categories(finals):
    """{class pk: {category: pupils}} counted in Python, final by final."""
    by_pupil = defaultdict(list)
    for pupil, school_class, value in finals.values_list("pupil_id", "school_class_id",
                                                         "value"):
        by_pupil[(pupil, school_class)].append(value)
    result = defaultdict(lambda: defaultdict(int))
    for (_pupil, school_class), values in by_pupil.items():
        if "н/а" in values:
            category = "not_attested"
        elif any(v in ("2", "1") for v in values):
            category = "failing"
        elif "3" in values:
            category = "satisfactory"
        elif "4" in values:
            category = "good"
        else:
            category = "excellent"
        result[school_class][category] += 1
        result[school_class]["pupils"] += 1
    return result


def test_the_department_opens_the_citys_final_progress_of_the_first_quarter(client_for):
    client = client_for("dept")
    response = client.get(PROGRESS, {"period": first_quarter()})
    assert response.status_code == 200
    rows = rows_of(response)
    schools = {row["label"] for row in rows}
    assert len(schools) == Institution.objects.count() or len(schools) >= 2
    total = response.context["total"]
    assert total.pupils == sum(row["pupils"] for row in rows) > 0
    assert b"<svg" in response.content  # the chart
    # Filtered to one grade, sorted by quality.
    response = client.get(PROGRESS, {"period": first_quarter(), "grade": "5",
                                      "sort": "-quality"})
    rows = rows_of(response)
    qualities = [row["quality"] for row in rows]
    assert qualities == sorted(qualities, reverse=True)
    fives = FinalMark.objects.filter(kind=FinalKind.PERIOD, period__number=1,
                                     school_class__grade=5,
                                     academic_year__is_current=True).exclude(value="")
    assert response.context["total"].pupils == len(
        set(fives.values_list("pupil_id", "school_class_id")))


def test_final_progress_by_class_counts_each_pupil_by_their_lowest_final(client_for):
    client = client_for("school1.deputy")
    response = client.get(PROGRESS, {"period": first_quarter(), "group": "class"})
    assert response.status_code == 200
    rows = {row["label"]: row for row in rows_of(response)}
    school = SchoolClass.objects.filter(
        class_teacher__person__user__username="school1.classteacher",
        academic_year__is_current=True).get().institution
    finals = FinalMark.objects.filter(kind=FinalKind.PERIOD, period__number=1,
                                      period__period_type__periods_count=4,
                                      institution=school,
                                      academic_year__is_current=True).exclude(value="")
    expected = expected_categories(finals)
    assert expected
    for school_class in SchoolClass.objects.filter(pk__in=expected):
        row = rows[f"{school_class.grade}{school_class.letter}"]
        counted = expected[school_class.pk]
        for name in ("pupils", "excellent", "good", "satisfactory", "failing",
                     "not_attested"):
            assert row[name] == counted.get(name, 0), (school_class, name)
        quality = round(100 * (counted["excellent"] + counted["good"]) / counted["pupils"], 1)
        assert float(row["quality"]) == pytest.approx(quality, abs=0.05)
    # Another school's classes are not there.
    other = SchoolClass.objects.exclude(institution=school).filter(
        academic_year__is_current=True).values_list("grade", "letter")
    assert not {row["school"] for row in rows.values()} - {school.short_name}
    assert other.exists()


def test_the_downloads_are_the_tables_rows_in_pdf_csv_and_xlsx(client_for, tmp_path):
    client = client_for("dept")
    params = {"period": first_quarter(), "sort": "-quality"}
    table = rows_of(client.get(PROGRESS, params))
    response = client.get(PROGRESS, {**params, "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][0] == "Школа" or lines[0][0] == "School"
    assert [line[0] for line in lines[1:-1]] == [row["label"] for row in table]
    response = client.get(PROGRESS, {**params, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(table) + 2
    response = client.get(PROGRESS, {**params, "export": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(response.content)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page*.png"))


INDEX, CONTINGENT, STAFF = (reverse("reports:index"), reverse("reports:contingent"),
                            reverse("reports:staff"))


@pytest.mark.parametrize("username", ["school1.teacher", "school1.parent", "school1.pupil",
                                      "school1.medic", "school1.psychologist"])
def test_who_may_not_read_reports_gets_403(client_for, username):
    client = client_for(username)
    for url in (PROGRESS, CURRENT, COMPLETENESS, CONTINGENT, STAFF):
        assert client.get(url).status_code == 403, url
    # The list of reports: a member of staff finds the report builder only.
    response = client.get(INDEX)
    if username in ("school1.parent", "school1.pupil"):
        assert response.status_code == 403
    else:
        assert [url for url, _title, _text in response.context["reports"]] == [
            "reports:builder"]


@pytest.mark.parametrize("url", [PROGRESS, CURRENT, COMPLETENESS])
def test_the_secretary_reads_the_administrative_reports_only(client_for, url):
    client = client_for("school1.secretary")
    assert client.get(url).status_code == 403
    assert client.get(CONTINGENT).status_code == 200
    assert client.get(STAFF).status_code == 200


def test_a_school_reads_its_own_rows_only(client_for):
    client = client_for("school2.admin")
    response = client.get(PROGRESS, {"period": first_quarter(), "group": "school"})
    labels = {row["label"] for row in rows_of(response)}
    own = Institution.objects.filter(staff__person__user__username="school2.admin")
    assert labels == set(own.values_list("short_name", flat=True))
    # A forged school filter of another school is refused by the form, not counted.
    school1 = Institution.objects.filter(
        staff__person__user__username="school1.admin").first()
    response = client.get(CURRENT, {"school": school1.pk, "group": "school"})
    assert not {row["label"] for row in rows_of(response)} & {school1.short_name}


def test_the_class_teacher_reads_their_class_only(client_for):
    client = client_for("school1.classteacher")
    led = SchoolClass.objects.get(class_teacher__person__user__username="school1.classteacher",
                                  academic_year__is_current=True)
    response = client.get(PROGRESS, {"period": first_quarter(), "group": "class"})
    assert {row["label"] for row in rows_of(response)} == {f"{led.grade}{led.letter}"}
    response = client.get(CURRENT, {"group": "pupil"})
    assert response.status_code == 200
    assert len(rows_of(response)) == led.memberships.count() or rows_of(response)


def test_the_department_never_gets_pupil_rows(client_for):
    client = client_for("dept")
    response = client.get(CURRENT, {"group": "pupil"})
    assert response.status_code == 200
    assert "pupil" not in response.context["groups"]
    assert response.context["group"] == "class"


def test_the_deputy_runs_the_journal_completeness_report(client_for):
    client = client_for("school1.deputy")
    response = client.get(COMPLETENESS)
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows and all(row["held"] > 0 for row in rows)
    assert any(row["marks"] > 0 for row in rows)
    response = client.get(COMPLETENESS, {"starts_on": "2026-11-10", "ends_on": "2026-09-01"})
    assert response.status_code == 200 and not rows_of(response)


@pytest.mark.parametrize("params", [
    {"period": "abc"}, {"period": "99999999999999999999:1"}, {"period": "1:99999"},
    {"school": "99999999999999999999"}, {"school": "-1"}, {"grade": "12"},
    {"grade": "x"}, {"group": "nothing"}, {"sort": "nothing"}, {"export": "doc"},
    {"school_class": "9223372036854775808"}, {"starts_on": "2026-13-45"},
    {"ends_on": "99999-01-01"}, {"day": "1800-01-01"}, {"day": "31.02.2026"},
    {"teaches": "maybe"},
])
@pytest.mark.parametrize("url", [PROGRESS, CURRENT, COMPLETENESS, CONTINGENT, STAFF])
def test_bad_input_is_a_message_not_an_error(client_for, url, params):
    response = client_for("dept").get(url, params)
    assert response.status_code == 200


@pytest.mark.parametrize("url, params, budget", [
    (PROGRESS, {"group": "school"}, 14),
    (PROGRESS, {"group": "subject"}, 14),
    (CURRENT, {"group": "class"}, 14),
    (COMPLETENESS, {}, 14),
])
def test_report_pages_have_a_query_budget(client_for, django_assert_max_num_queries, url,
                                          params, budget):
    client = client_for("school1.deputy")
    client.get(url, params)
    with django_assert_max_num_queries(budget):
        assert client.get(url, params).status_code == 200


def test_the_contingent_counts_the_pupils_in_classes_on_the_day(client_for):
    from portal.access import today
    from records.models import Sex

    client = client_for("school1.deputy")
    response = client.get(CONTINGENT, {"group": "grade"})
    assert response.status_code == 200
    school = Institution.objects.filter(staff__person__user__username="school1.deputy").first()
    members = (SchoolClass.objects.filter(institution=school, academic_year__is_current=True)
               .values_list("memberships__pupil__person__sex", "memberships__starts_on",
                            "memberships__ends_on", "grade"))
    day = today()
    on_day = [(sex, grade) for sex, starts, ends, grade in members
              if starts and starts <= day and (ends is None or ends >= day)]
    total = response.context["total"]
    assert total["pupils"] == len(on_day)
    assert total["boys"] == sum(1 for sex, _grade in on_day if sex == Sex.MALE)
    rows = {row["label"]: row for row in rows_of(response)}
    for grade in {grade for _sex, grade in on_day}:
        assert rows[str(grade)]["pupils"] == sum(1 for _s, g in on_day if g == grade)
    assert sum(total["ages"].values()) == total["pupils"]
    # A day before the year: nobody in this year's classes.
    assert not client.get(CONTINGENT, {"day": "2020-01-01"}).context["total"]["pupils"]


def test_the_staff_list_shows_positions_and_load(client_for):
    from django.db.models import Sum

    from curriculum.models import TeachingAssignment

    client = client_for("school1.secretary")
    response = client.get(STAFF)
    assert response.status_code == 200
    rows = rows_of(response)
    teacher = next(row for row in rows if row["load"])
    school = Institution.objects.filter(
        staff__person__user__username="school1.secretary").first()
    assert {row["school"] for row in rows} == {school.short_name}
    hours = TeachingAssignment.objects.filter(
        institution=school, school_class__academic_year__is_current=True).aggregate(
        h=Sum("hours_per_week"))["h"]
    assert sum(row["load"] for row in rows) == hours
    assert teacher["position"]
    response = client.get(STAFF, {"export": "xlsx"})
    assert response.status_code == 200


def test_the_department_reads_contingent_and_staff_without_personal_fields(client_for):
    from records.models import Pupil

    client = client_for("dept")
    pupil = Pupil.objects.filter(person__birth_date__isnull=False).select_related(
        "person").first()
    for url in (CONTINGENT + "?group=class", STAFF, CURRENT + "?group=class"):
        body = client.get(url).content.decode()
        assert pupil.person.birth_date.strftime("%d.%m.%Y") not in body
        assert pupil.person.surname not in body or url == STAFF


@pytest.mark.parametrize("url, params", [
    (CONTINGENT, {"group": "class"}), (CONTINGENT, {"group": "school"}), (STAFF, {}),
])
def test_the_administrative_reports_have_a_query_budget(client_for,
                                                        django_assert_max_num_queries,
                                                        url, params):
    client = client_for("dept")
    client.get(url, params)
    with django_assert_max_num_queries(14):
        assert client.get(url, params).status_code == 200


def test_the_department_opens_a_schools_view_without_pupils_personal_data(client_for):
    from records.models import Pupil, PupilHealth

    school = Institution.objects.filter(staff__person__user__username="school1.admin").first()
    client = client_for("dept")
    table = client.get(reverse("reports:schools"))
    assert table.status_code == 200
    assert {line["school"].pk for line in table.context["lines"]} == set(
        Institution.objects.values_list("pk", flat=True))
    response = client.get(reverse("reports:school", args=[school.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert school.name in body and response.context["classes"]
    assert sum(c["pupils"] for c in response.context["classes"]) == response.context["pupils"]
    for pupil in Pupil.objects.filter(institution=school).select_related("person")[:30]:
        assert pupil.person.surname + " " + pupil.person.name not in body
        if pupil.person.birth_date:
            assert pupil.person.birth_date.strftime("%d.%m.%Y") not in body
        if pupil.home_phone:
            assert pupil.home_phone not in body
    for health in PupilHealth.objects.filter(pupil__institution=school)[:10]:
        for value in (health.insurance_policy, health.notes):
            if value and len(str(value)) > 3:
                assert str(value) not in body


@pytest.mark.parametrize("username, status", [
    ("school1.admin", 200), ("school1.deputy", 200), ("school2.admin", 403),
    ("school1.teacher", 403), ("school1.parent", 403), ("school1.secretary", 403),
])
def test_a_schools_view_is_the_departments_and_its_leaderships(client_for, username, status):
    school = Institution.objects.filter(staff__person__user__username="school1.admin").first()
    assert client_for(username).get(
        reverse("reports:school", args=[school.pk])).status_code == status


def test_the_schools_pages_have_a_query_budget(client_for, django_assert_max_num_queries):
    school = Institution.objects.filter(staff__person__user__username="school1.admin").first()
    client = client_for("dept")
    for url in (reverse("reports:schools"), reverse("reports:school", args=[school.pk])):
        client.get(url)
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [PROGRESS, CURRENT, COMPLETENESS, CONTINGENT, STAFF,
                                 reverse("reports:visits")])
def test_every_report_table_stacks_on_a_phone(client_for, url):
    """The tables carry ``table stack`` (one card a row on a phone, portal.css)."""
    body = client_for("school1.deputy").get(url).content.decode()
    assert 'class="table stack"' in body

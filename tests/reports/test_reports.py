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


@pytest.mark.parametrize("url", [PROGRESS, CURRENT, COMPLETENESS, reverse("reports:index")])
@pytest.mark.parametrize("username", ["school1.teacher", "school1.parent", "school1.pupil",
                                      "school1.medic", "school1.secretary"])
def test_who_may_not_read_reports_gets_403(client_for, url, username):
    assert client_for(username).get(url).status_code == 403


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
    {"ends_on": "99999-01-01"},
])
@pytest.mark.parametrize("url", [PROGRESS, CURRENT, COMPLETENESS])
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

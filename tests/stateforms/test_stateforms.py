"""The state statistical form ОО-1 (R-INST-2) against the demo city.

What is checked:
- the computed figures are the direct counts of the records on the form's day;
- a correction keeps the computed value beside it, a recalculation keeps the correction;
- the workflow: created → calculated → sent → returned (with a comment) → sent →
  accepted, each other move refused with a message; a sent form is read-only for the
  school;
- who sees what: the school's leadership its own forms, the department every school's;
  another school's form is 404, a teacher and a parent get 403;
- bad input changes nothing; the PDF and the XLSX open; the pages' queries do not grow
  with the data.
"""

import datetime
from collections import Counter
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from curriculum.models import ClassMembership, SchoolClass
from portal.access import today
from records.models import Institution, Sex, Staff, User
from stateforms import actions, compute
from stateforms.models import ReportState, StatFigure, StatReport

pytestmark = pytest.mark.django_db

HUGE = 9223372036854775808


def school(number):
    return Institution.objects.get(short_name=f"СОШ № {number}")


def form_of(number):
    return StatReport.objects.select_related("academic_year").get(institution=school(number))


def user(username):
    return User.objects.get(username=username)


def figures(report):
    return {(f.section, f.line, f.column): f for f in StatFigure.objects.filter(report=report)}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def url(name, row):
    return reverse(f"stateforms:{name}", args=[row.pk])


# The demo ------------------------------------------------------------------------------


def test_the_demo_has_school_1_sent_with_a_correction_and_school_2_calculated():
    sent, calculated = form_of(1), form_of(2)
    assert sent.state == ReportState.SENT
    assert sent.as_of == datetime.date(sent.academic_year.starts_on.year, 9, 20)
    corrected = StatFigure.objects.filter(report=sent).corrected().get()
    assert corrected.corrected == corrected.computed + 1 and corrected.reason
    assert corrected.corrected_by.username == "school1.deputy"
    assert list(ModelLogEntry.objects.for_instance(sent).order_by("pk")
                .values_list("action", flat=True)) == [
        actions.CREATED, actions.CALCULATED, actions.CORRECTED, actions.SENT]
    assert calculated.state == ReportState.CALCULATED
    assert len(figures(calculated)) == len(compute.cells())
    assert sent.academic_year.is_current and today().year in (sent.as_of.year,
                                                               sent.as_of.year + 1)


# The computed figures -----------------------------------------------------------------


def direct_counts(report):
    """The form's figures counted row by row in Python, from the records."""
    day = report.as_of
    january = datetime.date(day.year + 1, 1, 1)
    values = Counter()
    members = (ClassMembership.objects.on(day)
               .filter(school_class__academic_year=report.academic_year)
               .select_related("pupil__person", "school_class"))
    sex_column = {Sex.MALE: "4", Sex.FEMALE: "5"}
    for member in members:
        person, grade = member.pupil.person, member.school_class.grade
        columns = ["3"] + ([sex_column[person.sex]] if person.sex in sex_column else [])
        for column in columns:
            values["pupils", f"{grade:02d}", column] += 1
            values["pupils", "12", column] += 1
        if person.birth_date:
            born = person.birth_date
            age = january.year - born.year - ((born.month, born.day) > (1, 1))
            age = min(max(age, 6), 18)
            for column in columns:
                values["ages", f"{age - 5:02d}", column] += 1
                values["ages", "14", column] += 1
    for school_class in SchoolClass.objects.filter(academic_year=report.academic_year):
        for line in (f"{school_class.grade:02d}", "12"):
            values["classes", line, "3"] += 1
            values["classes", line, "4"] += school_class.profile_id is not None
    bands = [(0, 3), (3, 5), (5, 10), (10, 15), (15, 20), (20, 10 ** 6)]
    for staff in Staff.objects.filter(institution_id=report.institution_id).select_related(
            "person", "category"):
        if not staff.hired_on or staff.hired_on > day or (staff.left_on and staff.left_on < day):
            continue
        woman = staff.person.sex == Sex.FEMALE
        values["staff", "01", "3"] += 1
        values["staff", "01", "4"] += woman
        if staff.teaches:
            values["staff", "02", "3"] += 1
            values["staff", "02", "4"] += woman
        category = staff.category
        codes = {name: code for code, name in compute.STAFF_CATEGORIES}
        if category and category.institution_id is None and category.name in codes:
            values["staff", codes[category.name], "3"] += 1
            values["staff", codes[category.name], "4"] += woman
        for number, (start, end) in enumerate(bands, start=1):
            total, teaching = staff.total_experience_years, staff.teaching_experience_years
            if total is not None and start <= total < end:
                values["service", f"{number:02d}", "3"] += 1
            if staff.teaches and teaching is not None and start <= teaching < end:
                values["service", f"{number:02d}", "4"] += 1
    return values


@pytest.mark.parametrize("number", [1, 2])
def test_the_computed_figures_are_the_direct_counts(number):
    report = form_of(number)
    expected = direct_counts(report)
    computed = {cell: f.computed for cell, f in figures(report).items()}
    assert set(computed) == set(compute.cells())
    assert {cell: n for cell, n in computed.items() if n} == {
        cell: n for cell, n in expected.items() if n}
    # The demo city has pupils, classes and staff to count.
    assert computed["pupils", "12", "3"] > 0 and computed["classes", "12", "3"] > 0
    assert computed["staff", "01", "3"] >= computed["staff", "02", "3"] > 0
    # Every member of staff of the demo city has one of the four categories.
    assert sum(computed["staff", code, "3"] for code, _name in compute.STAFF_CATEGORIES) \
        == computed["staff", "01", "3"]
    assert computed["pupils", "12", "3"] >= computed["ages", "14", "3"]


def test_a_staff_member_dismissed_before_the_day_or_hired_after_it_is_not_counted():
    report = form_of(2)
    before = compute.compute(report)["staff", "01", "3"]
    staff = list(Staff.objects.filter(institution_id=report.institution_id,
                                      hired_on__lte=report.as_of).order_by("pk")[:3])
    Staff.objects.filter(pk=staff[0].pk).update(left_on=report.as_of - datetime.timedelta(1))
    Staff.objects.filter(pk=staff[1].pk).update(hired_on=report.as_of + datetime.timedelta(1))
    # Dismissed on the day itself: still at work that day.
    Staff.objects.filter(pk=staff[2].pk).update(left_on=report.as_of)
    assert compute.compute(report)["staff", "01", "3"] == before - 2


# Corrections and recalculation ---------------------------------------------------------


def test_a_correction_keeps_the_computed_value_and_a_recalculation_keeps_the_correction():
    report, director = form_of(2), user("school2.director")
    figure = figures(report)["classes", "05", "3"]
    computed = figure.computed
    actions.correct(director, figure, computed + 2, "Класс открыт приказом от 19.09")
    figure.refresh_from_db()
    assert (figure.computed, figure.corrected, figure.value) == (computed, computed + 2,
                                                                  computed + 2)
    assert figure.corrected_by == director
    # A computed value gone stale is replaced; the correction stays beside it.
    StatFigure.objects.filter(report=report).update(computed=999)
    actions.calculate(director, report)
    figure.refresh_from_db()
    assert (figure.computed, figure.corrected) == (computed, computed + 2)
    assert figure.reason == "Класс открыт приказом от 19.09"
    assert not StatFigure.objects.filter(report=report, computed=999).exists()
    # An empty value goes back to the computed one.
    actions.correct(director, figure, None, "")
    figure.refresh_from_db()
    assert (figure.corrected, figure.reason, figure.value) == (None, "", computed)


def test_a_correction_through_the_page(client_for):
    report = form_of(2)
    figure = figures(report)["pupils", "03", "4"]
    client = client_for("school2.director")
    page = client.get(url("figure", figure))
    assert page.status_code == 200 and b"data-correction-form" in page.content
    response = client.post(url("figure", figure), {"value": "7", "reason": "Список класса"},
                           follow=True)
    assert response.redirect_chain[-1][0] == url("report", report)
    figure.refresh_from_db()
    assert (figure.corrected, figure.reason) == (7, "Список класса")
    assert b"data-corrections" in response.content


@pytest.mark.parametrize("data", [
    {"value": "abc", "reason": "x"},
    {"value": "-3", "reason": "x"},
    {"value": "5", "reason": "   "},
    {"value": "100000000000000000000000", "reason": "x"},
    {"value": "5", "reason": "x" * 501},
])
def test_bad_correction_input_gives_a_message_and_changes_nothing(client_for, data):
    report = form_of(2)
    figure = figures(report)["pupils", "03", "4"]
    response = client_for("school2.director").post(url("figure", figure), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    figure.refresh_from_db()
    assert (figure.corrected, figure.reason) == (None, "")


# The workflow ---------------------------------------------------------------------------


def test_a_sent_form_is_read_only_for_the_school(client_for):
    report = form_of(1)
    figure = StatFigure.objects.filter(report=report).corrected().get()
    before = (figure.computed, figure.corrected, figure.reason)
    director = user("school1.director")
    for action in (lambda: actions.calculate(director, report),
                   lambda: actions.send(director, report),
                   lambda: actions.correct(director, figure, 1, "x")):
        with pytest.raises(ValidationError):
            action()
    client = client_for("school1.director")
    page = client.get(url("report", report))
    assert b"data-steps" not in page.content
    assert b"data-correction-form" not in client.get(url("figure", figure)).content
    response = client.post(url("figure", figure), {"value": "1", "reason": "x"}, follow=True)
    assert messages_of(response)
    response = client.post(url("calculate", report), follow=True)
    assert messages_of(response)
    figure.refresh_from_db()
    assert (figure.computed, figure.corrected, figure.reason) == before
    assert StatReport.objects.get(pk=report.pk).state == ReportState.SENT


def test_the_department_returns_the_school_corrects_and_sends_again_the_department_accepts(
        client_for):
    report = form_of(1)
    dept = client_for("dept")
    # A return needs a comment.
    response = dept.post(url("return", report), {"comment": "  "}, follow=True)
    assert messages_of(response)
    assert StatReport.objects.get(pk=report.pk).state == ReportState.SENT
    dept.post(url("return", report), {"comment": "Проверьте численность 5-х классов."})
    report.refresh_from_db()
    assert (report.state, report.comment) == (ReportState.RETURNED,
                                              "Проверьте численность 5-х классов.")
    # The department may not accept a returned form.
    with pytest.raises(ValidationError):
        actions.accept(user("dept"), report)

    school = client_for("school1.deputy")
    page = school.get(url("report", report))
    assert "Проверьте численность 5-х классов." in page.content.decode()
    figure = figures(report)["pupils", "05", "4"]
    school.post(url("figure", figure), {"value": str(figure.computed), "reason": "Сверено"})
    school.post(url("send", report))
    report.refresh_from_db()
    assert report.state == ReportState.SENT

    dept = client_for("dept")
    assert b"data-review" in dept.get(url("report", report)).content
    dept.post(url("accept", report))
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    # By pk: each test session's clock starts anew at 10:00 of the same day.
    assert list(ModelLogEntry.objects.for_instance(report).order_by("pk")
                .values_list("action", flat=True))[-4:] == [
        actions.RETURNED, actions.CORRECTED, actions.SENT, actions.ACCEPTED]
    # Accepted: neither side moves it any more.
    for action in (lambda: actions.return_(user("dept"), report, "x"),
                   lambda: actions.accept(user("dept"), report),
                   lambda: actions.send(user("school1.director"), report),
                   lambda: actions.calculate(user("school1.director"), report)):
        with pytest.raises(ValidationError):
            action()


def test_the_moves_a_state_does_not_allow_are_refused():
    calculated, dept = form_of(2), user("dept")
    with pytest.raises(ValidationError):
        actions.accept(dept, calculated)
    with pytest.raises(ValidationError):
        actions.return_(dept, calculated, "x")
    director = user("school2.director")
    # The department neither fills nor sends; the school neither returns nor accepts.
    with pytest.raises(PermissionDenied):
        actions.send(dept, calculated)
    with pytest.raises(PermissionDenied):
        actions.accept(director, form_of(1))
    # One ОО-1 per school and year.
    with pytest.raises(ValidationError):
        actions.create(director, calculated.institution, calculated.academic_year)


def test_the_school_creates_and_calculates_its_form(client_for):
    form_of(2).figures.all().delete()
    StatReport.objects.filter(pk=form_of(2).pk).delete()
    client = client_for("school2.director")
    index = client.get(reverse("stateforms:index"))
    assert b"data-create" in index.content
    response = client.post(reverse("stateforms:create"), {"school": school(2).pk},
                           follow=True)
    report = form_of(2)
    assert report.state == ReportState.CREATED
    assert response.redirect_chain[-1][0] == url("report", report)
    assert b"data-empty" in response.content
    # Nothing to print before the figures are calculated.
    assert client.get(url("report_pdf", report)).status_code == 404
    client.post(url("calculate", report))
    report.refresh_from_db()
    assert report.state == ReportState.CALCULATED
    assert len(figures(report)) == len(compute.cells())
    # A second one is not offered, and not made.
    assert b"data-create" not in client.get(reverse("stateforms:index")).content
    response = client.post(reverse("stateforms:create"), {"school": school(2).pk},
                           follow=True)
    assert messages_of(response)
    assert StatReport.objects.filter(institution=school(2)).count() == 1


# Who sees what -------------------------------------------------------------------------


def test_another_schools_form_is_404(client_for):
    report = form_of(1)
    figure = StatFigure.objects.filter(report=report).first()
    client = client_for("school2.director")
    for address in (url("report", report), url("report_pdf", report),
                    url("report_xlsx", report), url("figure", figure)):
        assert client.get(address).status_code == 404, address
    for name in ("calculate", "send", "return", "accept"):
        assert client.post(url(name, report)).status_code == 404, name
    assert client.post(url("figure", figure), {"value": "1", "reason": "x"}).status_code == 404
    # Nor does it list it, or offer to create it.
    page = client.get(reverse("stateforms:index")).content.decode()
    assert url("report", report) not in page and url("report", form_of(2)) in page


@pytest.mark.parametrize("username", ["school1.teacher", "school1.parent", "school1.pupil"])
def test_teachers_parents_and_pupils_get_403(client_for, username):
    report = form_of(1)
    client = client_for(username)
    for address in (reverse("stateforms:index"), reverse("stateforms:schools"),
                    reverse("stateforms:total"), url("report", report),
                    url("report_pdf", report)):
        assert client.get(address).status_code == 403, address
    assert client.post(reverse("stateforms:create"), {"school": school(1).pk}).status_code \
        == 403


def test_the_schools_administrator_reads_but_does_not_fill(client_for):
    report = form_of(2)
    client = client_for("school2.admin")
    page = client.get(url("report", report))
    assert page.status_code == 200 and b"data-steps" not in page.content
    assert client.post(url("send", report)).status_code == 403
    figure = StatFigure.objects.filter(report=report).first()
    assert client.post(url("figure", figure), {"value": "1", "reason": "x"}).status_code == 403
    assert form_of(2).state == ReportState.CALCULATED


def test_the_department_sees_every_school_and_the_school_not_the_city(client_for):
    dept = client_for("dept")
    assert dept.get(reverse("stateforms:index")).url == reverse("stateforms:schools")
    page = dept.get(reverse("stateforms:schools")).content.decode()
    for number in (1, 2):
        assert url("report", form_of(number)) in page
        assert dept.get(url("report", form_of(number))).status_code == 200
    # The department reads; it neither calculates nor sends.
    assert dept.post(url("send", form_of(2))).status_code == 403
    director = client_for("school1.director")
    assert director.get(reverse("stateforms:schools")).status_code == 403
    assert director.get(reverse("stateforms:total")).status_code == 403
    assert director.post(url("accept", form_of(1))).status_code == 403


def test_huge_ids_are_404_not_500(client_for):
    client = client_for("school1.director")
    for path in (f"/stat-forms/{HUGE}/", f"/stat-forms/{HUGE}/oo-1.pdf",
                 f"/stat-forms/figures/{HUGE}/", f"/stat-forms/{2 ** 63 - 1}/"):
        assert client.get(path).status_code == 404, path
    count = StatReport.objects.count()
    response = client.post(reverse("stateforms:create"), {"school": str(HUGE)}, follow=True)
    assert messages_of(response) and StatReport.objects.count() == count


# Files and the city's total -------------------------------------------------------------


def test_the_pdf_and_the_xlsx_of_a_form(client_for):
    report = form_of(1)
    client = client_for("school1.director")
    pdf = client.get(url("report_pdf", report))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(url("report_xlsx", report))
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    corrected = StatFigure.objects.filter(report=report).corrected().get()
    grade5 = next(row for row in rows if row[1] == "05")  # the first section's grade 5
    assert grade5[2] == corrected.corrected


def test_the_citys_total_adds_up_the_forms(client_for):
    client = client_for("dept")
    accepted = client.get(reverse("stateforms:total"))
    assert accepted.status_code == 200 and accepted.context["count"] == 0
    every = client.get(reverse("stateforms:total") + "?all=1")
    assert every.context["count"] == 2
    one, two = figures(form_of(1)), figures(form_of(2))
    table = every.context["tables"][0]
    assert table["section"].code == "pupils"
    total_line = table["lines"][-1]
    assert total_line["cells"][0] == one["pupils", "12", "3"].value + two["pupils", "12",
                                                                            "3"].value
    grade5 = table["lines"][4]["cells"][0]
    assert grade5 == one["pupils", "05", "3"].value + two["pupils", "05", "3"].value
    actions.accept(user("dept"), form_of(1))
    accepted = client.get(reverse("stateforms:total"))
    assert accepted.context["count"] == 1
    assert accepted.context["tables"][0]["lines"][4]["cells"][0] == one["pupils", "05",
                                                                         "3"].value
    pdf = client.get(reverse("stateforms:total") + "?export=pdf")
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("stateforms:total") + "?export=xlsx&all=1")
    assert load_workbook(BytesIO(xlsx.content)).active.max_row > 50
    csv = client.get(reverse("stateforms:total") + "?export=csv")
    assert b"".join(csv.streaming_content).decode("utf-8-sig").count("\n") > 50


# Query budgets ---------------------------------------------------------------------------


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_report_page_and_the_city_list_take_the_same_queries_whatever_the_data(
        client_for, django_assert_max_num_queries):
    report = form_of(2)
    director = user("school2.director")
    school = client_for("school2.director")
    with django_assert_max_num_queries(8):
        school.get(url("report", report))
    before = queries(school, url("report", report))
    for figure in StatFigure.objects.filter(report=report, section="ages")[:6]:
        actions.correct(director, figure, figure.computed + 1, "Сверено со списком")
    assert queries(school, url("report", report)) == before

    dept = client_for("dept")
    with django_assert_max_num_queries(8):
        dept.get(reverse("stateforms:schools"))
    with django_assert_max_num_queries(8):
        dept.get(reverse("stateforms:total") + "?all=1")
    listed = queries(dept, reverse("stateforms:schools"))
    totalled = queries(dept, reverse("stateforms:total") + "?all=1")
    actions.send(director, report)
    actions.accept(user("dept"), report)
    assert queries(dept, reverse("stateforms:schools")) == listed
    assert queries(dept, reverse("stateforms:total") + "?all=1") == totalled

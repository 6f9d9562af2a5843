"""The report builder (R-REP-3, R-REP-4): the columns offered are those the user may read,
and a saved report is checked against whoever opens it — a report the medic saved and a
teacher opens shows no health field, and is not filtered by one; sharing within a role,
a school, the department and the city; only the author changes a report; bad input;
downloads; the query budget."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.access import Role
from records.factories import RoleAssignmentFactory
from records.models import Institution, Pupil, PupilHealth
from reports import builder
from reports.models import SavedReport

pytestmark = pytest.mark.django_db

BUILDER = reverse("reports:builder")


def school(n):
    username = f"school{n}.admin"
    return Institution.objects.filter(staff__person__user__username=username).first()


def keys(user, source):
    return {column.key for column in builder.readable_columns(user, source)}


def form_data(columns, *, filters=(), group_by="", then_by="", order="", totals=False,
              audience="owner", role="", title="Отчёт", button="save"):
    data = {"columns": list(columns), "group_by": group_by, "then_by": then_by,
            "order": order, "audience": audience, "role": role, "title": title,
            "f-TOTAL_FORMS": str(max(len(filters), 1)), "f-INITIAL_FORMS": "0",
            "f-MIN_NUM_FORMS": "0", "f-MAX_NUM_FORMS": "5", button: "1"}
    if totals:
        data["totals"] = "on"
    for index, (column, op, value) in enumerate(filters or [("", "contains", "")]):
        data.update({f"f-{index}-column": column, f"f-{index}-op": op,
                     f"f-{index}-value": value})
    return data


def save(client, source, **kwargs):
    response = client.post(reverse("reports:builder_new", args=[source]),
                           form_data(**kwargs))
    assert response.status_code == 302, response.context["form"].errors
    return SavedReport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def health_groups(institution):
    return {name for name in PupilHealth.objects.filter(
        pupil__institution=institution).values_list("health_group__name", flat=True) if name}


def test_the_columns_offered_are_those_the_user_may_read(demo_user):
    medic, teacher = demo_user("school1.medic"), demo_user("school1.teacher")
    psychologist, dept = demo_user("school1.psychologist"), demo_user("dept")
    assert {"health_group", "pe_group"} <= keys(medic, builder.PUPILS)
    assert "social_status" not in keys(medic, builder.PUPILS)
    assert "social_status" in keys(psychologist, builder.PUPILS)
    assert not {"health_group", "pe_group"} & keys(psychologist, builder.PUPILS)
    assert not {"health_group", "pe_group", "social_status"} & keys(teacher, builder.PUPILS)
    # The department reads pupils and staff by their limited fields only (R-TEN-3).
    assert keys(dept, builder.PUPILS) == {"pupil", "school", "grade", "class"}
    assert keys(dept, builder.STAFF) == {"employee", "school", "position"}
    assert keys(dept, builder.MOVEMENT) == {"school", "kind", "date", "year"}
    # … and no child's marks at all.
    assert {source.key for source in builder.sources_for(dept)} == {
        "pupils", "staff", "movement"}


def test_the_form_offers_only_readable_columns(client_for):
    body = client_for("school1.teacher").get(
        reverse("reports:builder_new", args=["pupils"])).content.decode()
    assert 'value="pupil"' in body
    assert 'value="health_group"' not in body and 'value="social_status"' not in body
    body = client_for("school1.medic").get(
        reverse("reports:builder_new", args=["pupils"])).content.decode()
    assert 'value="health_group"' in body


def test_a_report_saved_by_the_medic_and_opened_by_a_teacher(client_for, demo_user):
    client = client_for("school1.medic")
    report = save(client, "pupils", columns=["pupil", "class", "health_group"],
                  filters=[("health_group", "contains", "II")], audience="school",
                  order="pupil", totals=True)
    groups = health_groups(school(1))
    medic_body = client.get(reverse("reports:builder_report", args=[report.pk])).content.decode()
    assert any(group in medic_body for group in groups)
    medic_total = builder.run(demo_user("school1.medic"), builder.plan(
        demo_user("school1.medic"), builder.PUPILS,
        builder.Definition.from_json(report.definition))).total["rows"]

    teacher = demo_user("school1.teacher")
    client = client_for("school1.teacher")
    url = reverse("reports:builder_report", args=[report.pk])
    assert report in SavedReport.objects.visible_to(teacher)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-hidden-columns" in body
    assert not any(group in body for group in groups)
    # The filter on the health group is gone too: the teacher's rows are all the pupils
    # they may see, not those of group II.
    visible = Pupil.objects.visible_to(teacher).filter(
        left_on__isnull=True, school_class__academic_year__is_current=True).count()
    assert response.context["table"].paginator.count == visible
    assert visible != medic_total
    for fmt in ("csv", "xlsx", "pdf"):
        download = client.get(url, {"export": fmt})
        assert download.status_code == 200
    rows = csv_rows(client.get(url, {"export": "csv"}))
    assert rows[0] == ["Ученик", "Класс"]
    assert not any(group in cell for row in rows for cell in row for group in groups)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    assert [cell.value for cell in sheet[1]] == ["Ученик", "Класс"]
    assert not any(group in str(cell.value) for row in sheet.iter_rows() for cell in row
                   for group in groups)


def test_a_grouping_on_a_column_the_reader_may_not_read_is_left_out(client_for, demo_user):
    report = save(client_for("school1.medic"), "pupils", columns=["class"],
                  group_by="health_group", audience="school")
    teacher = demo_user("school1.teacher")
    the_plan = builder.plan(teacher, builder.PUPILS,
                            builder.Definition.from_json(report.definition))
    assert the_plan.group_by == [] and [c.key for c in the_plan.columns] == ["class"]
    body = client_for("school1.teacher").get(
        reverse("reports:builder_report", args=[report.pk])).content.decode()
    assert not any(group in body for group in health_groups(school(1)))


def test_the_medical_details_are_read_only_of_the_school_where_the_user_is_medic(demo_user):
    """A medic of school 1 who is also the secretary of school 2 reads every pupil of
    both schools, and the health group of school 1's pupils only."""
    medic = demo_user("school1.medic")
    RoleAssignmentFactory(person=medic.person, role=Role.SECRETARY, institution=school(2))
    medic = demo_user("school1.medic")
    assert health_groups(school(2))
    the_plan = builder.plan(medic, builder.PUPILS, builder.Definition(
        columns=["school", "health_group"], group_by=["school", "health_group"]))
    rows = list(builder.run(medic, the_plan).rows)
    by_school = {}
    for row in rows:
        by_school.setdefault(row["c_school"], set()).add(row["c_health_group"])
    assert by_school[school(2).short_name] == {None}
    assert by_school[school(1).short_name] - {None}


def test_sharing_within_a_role_reaches_its_holders_in_the_school_only(client_for, demo_user):
    report = save(client_for("school1.teacher"), "pupils", columns=["pupil", "class"],
                  audience="role", role=Role.SUBJECT_TEACHER)
    assert report.institution == school(1)
    url = reverse("reports:builder_report", args=[report.pk])
    assert client_for("school1.medic").get(url).status_code == 404
    assert client_for("school2.teacher").get(url).status_code == 404
    assert client_for("school1.parent").get(url).status_code == 404
    # A deputy who also teaches sees it; as a deputy only, not.
    deputy = demo_user("school1.deputy")
    assert report not in SavedReport.objects.visible_to(deputy)
    RoleAssignmentFactory(person=deputy.person, role=Role.SUBJECT_TEACHER,
                          institution=school(1))
    assert client_for("school1.deputy").get(url).status_code == 200


def test_a_private_report_is_its_authors(client_for):
    report = save(client_for("school1.medic"), "pupils", columns=["pupil", "health_group"],
                  title="Группы здоровья для себя")
    url = reverse("reports:builder_report", args=[report.pk])
    assert client_for("school1.medic").get(url).status_code == 200
    for username in ("school1.admin", "school1.teacher", "dept", "school2.admin"):
        assert client_for(username).get(url).status_code == 404
    assert report.title not in client_for("school1.admin").get(BUILDER).content.decode()


def test_the_department_publishes_to_every_school(client_for):
    everyone = save(client_for("dept"), "pupils", columns=["school", "class"],
                    group_by="school", audience="city", title="Контингент по школам")
    directors = save(client_for("dept"), "staff", columns=["employee", "position"],
                     audience="city", role=Role.ADMIN, title="Для администраторов")
    for username in ("school1.teacher", "school2.teacher", "school1.medic", "school2.admin"):
        body = client_for(username).get(BUILDER).content.decode()
        assert "Контингент по школам" in body
        assert ("Для администраторов" in body) == username.endswith("admin")
    assert client_for("school1.parent").get(
        reverse("reports:builder_report", args=[everyone.pk])).status_code == 404
    # A teacher opens the city's report on their own rows only.
    response = client_for("school2.teacher").get(
        reverse("reports:builder_report", args=[everyone.pk]))
    schools = {row.record["c_school"] for row in response.context["table"].rows}
    assert schools <= {school(2).short_name}
    assert client_for("school2.teacher").get(
        reverse("reports:builder_report", args=[directors.pk])).status_code == 404


def test_a_school_cannot_publish_to_the_city_or_share_a_role_it_does_not_hold(client_for):
    client = client_for("school1.teacher")
    url = reverse("reports:builder_new", args=["pupils"])
    before = SavedReport.objects.count()
    response = client.post(url, form_data(["pupil"], audience="city"))
    assert response.status_code == 200 and "audience" in response.context["form"].errors
    response = client.post(url, form_data(["pupil"], audience="role", role=Role.MEDIC))
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert SavedReport.objects.count() == before


def test_only_the_author_changes_or_deletes_a_report(client_for):
    report = save(client_for("school1.medic"), "pupils", columns=["pupil"],
                  audience="school")
    for name in ("builder_edit", "builder_delete"):
        url = reverse(f"reports:{name}", args=[report.pk])
        assert client_for("school1.teacher").get(url).status_code == 403
        assert client_for("school1.teacher").post(url, form_data(["pupil"])).status_code == 403
    client = client_for("school1.medic")
    response = client.post(reverse("reports:builder_edit", args=[report.pk]),
                           form_data(["pupil", "class"], title="Новое имя", audience="school"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "Новое имя" and report.definition["columns"] == ["pupil", "class"]
    assert client.post(reverse("reports:builder_delete", args=[report.pk])).status_code == 302
    assert not SavedReport.objects.filter(pk=report.pk).exists()
    actions = set(ModelLogEntry.objects.filter(object_id=str(report.pk)).values_list(
        "action", flat=True))
    assert {"wagtail.create", "wagtail.edit", "wagtail.delete"} <= actions


def test_a_column_the_author_may_not_read_is_refused_even_when_posted(client_for):
    client = client_for("school1.teacher")
    before = SavedReport.objects.count()
    response = client.post(reverse("reports:builder_new", args=["pupils"]),
                           form_data(["pupil", "health_group"]))
    assert response.status_code == 200 and "columns" in response.context["form"].errors
    response = client.post(reverse("reports:builder_new", args=["pupils"]),
                           form_data(["pupil"], filters=[("social_status", "filled", "")]))
    assert response.status_code == 200 and response.context["filters"].errors[0]
    assert SavedReport.objects.count() == before


@pytest.mark.parametrize("column, op, value, message", [
    ("birth_date", "gte", "31.02.2015", "не дата"),
    ("birth_date", "lte", "вчера", "не дата"),
    ("birth_year", "eq", "два", "не число"),
    ("birth_year", "gte", "1e999", "не число"),
    ("sex", "eq", "неизвестно", "не значение"),
    ("pupil", "contains", "", "Введите значение"),
    ("pupil", "gte", "А", "Условие"),
])
def test_a_bad_filter_gets_a_message_and_changes_nothing(client_for, column, op, value,
                                                          message):
    client = client_for("school1.secretary")
    before = SavedReport.objects.count()
    for button in ("preview", "save"):
        response = client.post(reverse("reports:builder_new", args=["pupils"]),
                               form_data(["pupil", "birth_date"], button=button,
                                         filters=[(column, op, value)]))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert SavedReport.objects.count() == before


def test_the_filters_work_as_their_words_say(demo_user):
    secretary = demo_user("school1.secretary")

    def count(*filters):
        the_plan = builder.plan(secretary, builder.PUPILS, builder.Definition(
            columns=["pupil"], totals=True,
            filters=[{"column": c, "op": o, "value": v} for c, o, v in filters]))
        return builder.run(secretary, the_plan).total["rows"]

    pupils = Pupil.objects.visible_to(secretary).filter(
        left_on__isnull=True, school_class__academic_year__is_current=True)
    assert count() == pupils.count()
    assert count(("sex", "eq", "женский")) == pupils.filter(person__sex="f").count()
    assert count(("birth_date", "gte", "01.01.2015")) == pupils.filter(
        person__birth_date__gte="2015-01-01").count()
    assert count(("birth_year", "lte", "2012")) == pupils.filter(
        person__birth_date__year__lte=2012).count()
    surname = pupils.select_related("person").first().person.surname
    lower = count(("pupil", "contains", surname.lower()))
    assert lower == count(("pupil", "contains", surname)) >= 1
    assert count(("pc_at_home", "yes", "")) + count(("pc_at_home", "no", "")) == count()
    assert count(("email", "empty", "")) + count(("email", "filled", "")) == count()


def test_groups_and_totals_add_up(client_for, demo_user):
    client = client_for("school1.deputy")
    report = save(client, "marks", columns=["subject", "number", "weight"],
                  group_by="subject", order="-number", totals=True)
    response = client.get(reverse("reports:builder_report", args=[report.pk]))
    rows = [row.record for row in response.context["table"].rows]
    assert rows and sum(row["rows"] for row in rows) == response.context["table"].total["rows"]
    averages = [row["a_number"] for row in rows if row["a_number"] is not None]
    assert averages == sorted(averages, reverse=True)
    assert all(2 <= average <= 5 for average in averages)
    body = response.content.decode()
    assert "Итого" in body


def test_pupils_and_parents_have_no_builder(client_for):
    for username in ("school1.pupil", "school1.parent"):
        client = client_for(username)
        assert client.get(BUILDER).status_code == 403
        assert client.get(reverse("reports:builder_new", args=["pupils"])).status_code == 403


def test_a_source_the_user_may_not_read_or_that_does_not_exist_is_404(client_for):
    client = client_for("dept")
    for source in ("marks", "attendance", "nothing", "x" * 300):
        assert client.get(reverse("reports:builder_new", args=[source])).status_code == 404
    assert client_for("school1.teacher").get(
        reverse("reports:builder_new", args=["movement"])).status_code == 404


def test_a_definition_broken_in_the_database_does_not_break_the_page(client_for, demo_user):
    report = SavedReport.objects.create(
        title="Сломанный", source="pupils", owner=demo_user("school1.secretary"),
        definition={"columns": "pupil", "filters": [1, {"column": "sex", "op": "eq",
                                                         "value": "x"}],
                    "group_by": [None], "order": 7})
    response = client_for("school1.secretary").get(
        reverse("reports:builder_report", args=[report.pk]))
    assert response.status_code in (200, 404)
    report.definition = ["nonsense"]
    report.save()
    assert client_for("school1.secretary").get(
        reverse("reports:builder_report", args=[report.pk])).status_code == 200


def test_a_download_over_its_limit_is_refused_with_a_message(client_for, monkeypatch):
    from reports import views_builder

    client = client_for("school1.secretary")
    report = save(client, "pupils", columns=["pupil"])
    monkeypatch.setitem(views_builder.EXPORT_LIMITS, "pdf", 3)
    response = client.get(reverse("reports:builder_report", args=[report.pk]),
                          {"export": "pdf"}, follow=True)
    assert response.redirect_chain
    assert "не больше 3" in response.content.decode()


def test_reading_a_report_of_pupils_is_logged(client_for):
    client = client_for("school1.medic")
    report = save(client, "pupils", columns=["pupil", "health_group"])
    client.get(reverse("reports:builder_report", args=[report.pk]), {"export": "csv"})
    entry = ModelLogEntry.objects.filter(object_id=str(report.pk),
                                         action="reports.read_report").latest("timestamp")
    assert entry.data["columns"] == ["pupil", "health_group"] and entry.data["format"] == "csv"


def test_a_saved_report_has_a_query_budget(client_for, django_assert_max_num_queries):
    client = client_for("school1.medic")
    report = save(client, "pupils", columns=["pupil", "class", "health_group", "birth_date"],
                  totals=True)
    url = reverse("reports:builder_report", args=[report.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    client = client_for("school1.deputy")
    report = save(client, "marks", columns=["class", "subject", "number"],
                  group_by="class", then_by="subject", totals=True)
    url = reverse("reports:builder_report", args=[report.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_any_title_the_user_types_makes_a_download(client_for):
    client = client_for("school1.secretary")
    title = "'Классы 5/6: итоги [черновик]*?\\ — =HYPERLINK(\"x\")'"
    report = save(client, "pupils", columns=["pupil"], title=title)
    url = reverse("reports:builder_report", args=[report.pk])
    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(url, {"export": fmt}).status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
    assert sheet.sheetnames == ["Классы 5-6- итоги -черновик---"]


def test_marks_per_teacher_over_a_range_of_days_with_the_journals_average(demo_user):
    """Current progress per teacher and date range (R-REP-1): the marks source grouped
    by teacher, filtered by days, averages as the journal does (weighted)."""
    from decimal import ROUND_HALF_UP, Decimal

    from journal.models import Mark, weighted_average

    deputy = demo_user("school1.deputy")
    the_plan = builder.plan(deputy, builder.MARKS, builder.Definition(
        columns=["teacher", "weighted"], group_by=["teacher"], totals=True,
        filters=[{"column": "date", "op": "gte", "value": "01.10.2026"},
                 {"column": "date", "op": "lte", "value": "31.10.2026"}]))
    rows = list(builder.run(deputy, the_plan).rows)
    assert rows
    marks = Mark.objects.visible_to(deputy).filter(
        lesson__date__range=("2026-10-01", "2026-10-31"),
        lesson__academic_year__is_current=True).select_related(
        "task__mark_type", "lesson__teacher__person")
    by_teacher = {}
    for mark in marks:
        person = mark.lesson.teacher.person
        name = " ".join(filter(None, (person.surname, person.name, person.patronymic)))
        by_teacher.setdefault(name, []).append(mark)
    assert sum(row["rows"] for row in rows) == len(marks)
    for row in rows[:5]:
        expected = weighted_average(by_teacher[row["c_teacher"]])
        assert Decimal(row["a_weighted"]).quantize(Decimal("0.01"), ROUND_HALF_UP) == expected

"""R-SCH-3 in the admin: upload → mapping → preview → apply on the demo city's СОШ № 1,
a bad file that changes nothing, clashes that stop the import, and who may import."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from schedule.imports import read_file
from schedule.models import Lesson, Room, TimetableEntry
from schedule.views_admin import MAPPINGS_KEY, SESSION_KEY
from tests.schedule.asc import demo_export, entries_of, school, year_of

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = "/admin/schedule/import/"
REVIEW = "/admin/schedule/import/review/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def upload(client, content, name="timetable.xml", institution=None, **extra):
    institution = institution or school()
    data = {"institution": institution.pk, "academic_year": year_of(institution).pk,
            "file": SimpleUploadedFile(name, content), **extra}
    return client.post(IMPORT, data)


def mapping_post(plan, chosen, stored_hash):
    """The mapping screen's form, with ``chosen`` {name: value} filled in."""
    data = {"map": "1", "hash": stored_hash, "count": len(plan.unmatched)}
    for n, item in enumerate(plan.unmatched):
        data.update({f"kind-{n}": item.kind, f"key-{n}": item.key,
                     f"value-{n}": chosen.get(item.name, item.value)})
    return data


def test_upload_map_preview_apply(client_for):
    client = client_for("school1.deputy")
    institution = school()
    content, story = demo_export()
    assert client.get(IMPORT).status_code == 200

    response = upload(client, content)
    assert response.status_code == 302 and response["Location"] == REVIEW
    response = client.get(REVIEW)
    plan = response.context["plan"]
    assert sorted(item.name for item in plan.missing) == ["Вакансия 1", "Вакансия 2"]
    page = response.content.decode()
    assert "data-import-mapping" in page and "data-import-preview" not in page
    assert [(i.kind, i.name, i.value) for i in plan.unmatched if i.creatable] == [
        ("room", "Актовый зал", "new")]

    first, second = story["vacancies"]
    stored_hash = client.session[SESSION_KEY]["hash"]
    response = client.post(REVIEW, mapping_post(plan, {"Вакансия 1": str(first),
                                                        "Вакансия 2": str(second)},
                                                stored_hash))
    assert response.status_code == 302
    response = client.get(REVIEW)
    plan = response.context["plan"]
    assert plan.ready, plan.errors
    assert "data-import-preview" in response.content.decode()
    assert [old for old, _new in plan.updated] == [story["moved"]]
    assert plan.removed == [story["dropped"]]
    assert plan.created == [] and plan.replaced == []

    # The same file again: the two teachers stay mapped.
    upload(client, content)
    assert client.get(REVIEW).context["plan"].ready

    dropped_lessons = Lesson.objects.filter(entry=story["dropped"]).count()
    assert dropped_lessons > 30
    response = client.post(REVIEW, {"apply": "1", "hash": stored_hash})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.entries, report.updated_entries, report.removed_entries) == (0, 1, 1)
    assert report.rooms == ["Актовый зал"]
    assert report.lessons_removed == dropped_lessons and report.lessons_created == 0
    assert "data-import-report" in response.content.decode()

    hall = Room.objects.get(institution=institution, name="Актовый зал")
    moved = TimetableEntry.objects.get(pk=story["moved"].pk)
    assert moved.room == hall
    assert not Lesson.objects.filter(entry=moved).exclude(room=hall).exists()
    assert not TimetableEntry.objects.filter(pk=story["dropped"].pk).exists()
    assert not Lesson.objects.filter(scheduled_on__isnull=False, entry__isnull=True,
                                     school_class=moved.school_class).exists()
    # The preview has been used up.
    assert client.get(REVIEW)["Location"] == IMPORT
    assert client.session[MAPPINGS_KEY]  # the mapping stays for the next upload


def test_a_bad_file_changes_nothing_and_says_what_is_wrong_line_by_line(client_for):
    client = client_for("school1.deputy")
    before = TimetableEntry.objects.count(), Lesson.objects.count(), Room.objects.count()
    response = upload(client, (FIXTURES / "timetable_bad.csv").read_bytes(), "bad.csv")
    assert response.status_code == 200
    # «строка 3» in the admin's Russian: the line numbers are what matter.
    assert [where.split()[-1] for where, _m in response.context["errors"]] == [
        "3", "4", "5", "6"]
    assert "data-import-errors" in response.content.decode()
    assert SESSION_KEY not in client.session
    for name in ("asc_entities.xml", "not_xml.xml", "not_asc.xml", "empty.csv"):
        response = upload(client, (FIXTURES / name).read_bytes(), name)
        assert response.status_code == 200
        assert response.context["form"].errors["file"], name
    response = upload(client, b"%PDF-1.4", "timetable.pdf")
    assert "aSc Timetables (.xml)" in str(response.context["form"].errors["file"])
    assert (TimetableEntry.objects.count(), Lesson.objects.count(),
            Room.objects.count()) == before


def test_a_clash_in_the_file_stops_the_import_and_names_it(client_for):
    client = client_for("school1.deputy")
    institution = school()
    entry = next(e for e in entries_of(institution) if e.subgroup_id is None)
    name = entry.teacher.person.full_name
    lines = [f"5А;1;1;{entry.subject.name};{name};;", f"5Б;1;1;{entry.subject.name};{name};;"]
    before = TimetableEntry.objects.filter(institution=institution).count()
    upload(client, "\n".join(lines).encode(), "clash.csv")
    response = client.get(REVIEW)
    plan = response.context["plan"]
    assert [where.split()[-1] for where, _m in plan.errors] == ["2"]
    assert entry.teacher.person.short_name in plan.errors[0][1]
    assert "5А" in plan.errors[0][1]  # the lesson it clashes with
    assert "Apply the import" not in response.content.decode()
    response = client.post(REVIEW, {"apply": "1",
                                    "hash": client.session[SESSION_KEY]["hash"]})
    assert response.status_code == 302
    assert TimetableEntry.objects.filter(institution=institution).count() == before


def test_a_stale_preview_is_not_applied(client_for):
    client = client_for("school1.deputy")
    content, _story = demo_export()
    upload(client, content)
    before = TimetableEntry.objects.count()
    response = client.post(REVIEW, {"apply": "1", "hash": "another file"})
    assert response.status_code == 302 and TimetableEntry.objects.count() == before


@pytest.mark.parametrize("username", ["school1.teacher", "school1.classteacher",
                                      "school1.secretary", "dept"])
def test_who_may_not_import_gets_403(client_for, username):
    client = client_for(username)
    assert client.get(IMPORT).status_code == 403
    assert client.get(REVIEW).status_code == 403
    assert client.post(IMPORT, {}).status_code == 403
    assert client.get(reverse("schedule_import_sample")).status_code == 403


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil"])
def test_parents_and_pupils_get_403(client_for, username):
    client = client_for(username)
    assert client.get(IMPORT).status_code == 403
    assert client.post(REVIEW, {"apply": "1"}).status_code == 403


def test_another_schools_admin_cannot_import_into_school_1(client_for):
    client = client_for("school2.admin")
    response = client.get(IMPORT)
    form = response.context["form"]
    assert list(form.fields["institution"].queryset) == [school(2)]
    assert set(form.fields["academic_year"].queryset) == {year_of(school(2))}
    content, _story = demo_export()
    before = TimetableEntry.objects.filter(institution=school()).count()
    response = upload(client, content)  # school 1 with its year
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"institution", "academic_year"}
    assert SESSION_KEY not in client.session
    response = upload(client, content, institution=school(2),
                      academic_year=year_of(school()).pk)
    assert "academic_year" in response.context["form"].errors
    assert TimetableEntry.objects.filter(institution=school()).count() == before


def test_the_menu_item_is_shown_to_those_who_may_import(client_for):
    assert IMPORT in client_for("school1.deputy").get("/admin/").content.decode()
    response = client_for("school1.teacher").get("/admin/")
    assert response.status_code == 200 and IMPORT not in response.content.decode()


def test_the_sample_csv_reads_without_errors(client_for):
    response = client_for("school1.deputy").get(reverse("schedule_import_sample"))
    parsed = read_file(b"".join(response.streaming_content), "sample.csv")
    assert parsed.errors == [] and len(parsed.rows) == 7
    # It shows a lesson of two teachers and a lesson of each week of a fortnight.
    assert [(r.teacher, r.co_teachers) for r in parsed.rows if r.co_teachers] == [
        ("Иванова М. П.", ("Петров И. С.",))]
    assert [r.weeks for r in parsed.rows if r.weeks] == ["A", "B"]


def test_whatever_is_typed_into_the_forms_answers_without_a_500(client_for):
    client = client_for("school1.deputy")
    institution = school()
    year = year_of(institution)
    response = upload(client, b"5\xff;1;1;x;y;;", "t.csv", valid_from="2020-01-01",
                      valid_to="not a date")
    assert response.status_code == 200 and response.context["form"].errors
    response = upload(client, b"5;1;1;x;y", "t.csv", valid_from=year.ends_on.isoformat(),
                      valid_to=year.starts_on.isoformat())
    assert "valid_to" in response.context["form"].errors
    upload(client, (FIXTURES / "timetable.csv").read_bytes(), "timetable.csv")
    stored_hash = client.session[SESSION_KEY]["hash"]
    for junk in ({"count": "x"}, {"count": "-3"}, {"count": "99999"},
                 {"count": "2", "kind-0": "teacher", "key-0": "Сидорова А. В.",
                  "value-0": "<script>", "kind-1": "school", "key-1": "x", "value-1": "1"}):
        response = client.post(REVIEW, {"map": "1", "hash": stored_hash, **junk})
        assert response.status_code == 302
        assert client.get(REVIEW).status_code == 200
    response = client.post(REVIEW, {"apply": "1", "hash": stored_hash})
    assert response.status_code == 302  # names not mapped: nothing applied

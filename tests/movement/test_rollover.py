"""The year rollover (R-MOV-4), tried as school1.deputy would (issue 14, «Done when»):
the preview of school 1 on the demo city, applied, and every pupil where the preview
said; flagged pupils wait for a decision; a failure in the middle leaves nothing; the
old year is read-only; who may not roll over gets 403/404; the preview's query budget."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from curriculum.models import AcademicYear, ClassMembership, Period, SchoolClass, Subgroup
from journal.models import FinalKind, FinalMark
from movement import rollover
from movement.models import Movement, MovementKind
from portal.access import today
from records.models import Institution, Pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_runs_kept():
    """The runs' progress lives in the cache, which a test's transaction does not roll
    back (Redis on the PostgreSQL run): none before or after a test."""
    from django.core.cache import cache

    from movement import tasks

    keys = [key(pk) for pk in Institution.objects.values_list("pk", flat=True)
            for key in (tasks.status_key, tasks.lock_key)]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def progress_url(n=1):
    return reverse("movement:rollover_progress", args=[school(n).pk])


def school(n):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def url(n=1):
    return reverse("movement:rollover", args=[school(n).pk])


def post_data(form, **extra):
    """What the browser sends for the preview as shown, plus ``extra``."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data.update(promotion_order_number="301-п", promotion_order_date=today().isoformat(),
                graduation_order_number="302-в", graduation_order_date=today().isoformat())
    data.update(extra)
    return data


def fail_in(pupil, subject_name="Математика"):
    """A failing year final for ``pupil`` in a subject of their class."""
    year = pupil.school_class.academic_year
    subject = pupil.school_class.subjects().order_by("name").first()
    return FinalMark.objects.create(institution_id=pupil.institution_id, academic_year=year,
                                    school_class=pupil.school_class, subject=subject,
                                    pupil=pupil, kind=FinalKind.YEAR, value="2")


def test_the_deputy_previews_and_applies_and_every_pupil_lands_where_the_preview_said(
        client_for, english):
    client = client_for("school1.deputy")
    old = AcademicYear.objects.get(institution=school(1), is_current=True)
    class_5a = SchoolClass.objects.get(academic_year=old, grade=5, letter="А")
    pupils_5a = set(Pupil.objects.filter(school_class=class_5a, left_on__isnull=True)
                    .values_list("pk", flat=True))
    failing = Pupil.objects.filter(school_class=class_5a).order_by("pk").first()
    fail_in(failing)
    page = client.get(url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "5А" in html and "6А" in html and "data-flagged" in html
    plan = page.context["plan"]
    assert not plan.errors, plan.errors
    top = rollover.last_grade(school(1))
    expected = {}
    for row in plan.classes:
        for pupil_row in row.pupils:
            expected[pupil_row.pupil.pk] = None if row.graduates else (
                row.new_grade, row.new_letter)
    # The flagged pupil waits for a decision: applying without one is refused.
    response = client.post(url(), post_data(page.context["form"]))
    assert response.status_code == 200
    assert "Decide for every flagged pupil" in response.content.decode()
    assert AcademicYear.objects.get(pk=old.pk).is_current
    # The school decides: the failing pupil repeats 5th grade.
    response = client.post(url(), post_data(page.context["form"], **{
        f"decision_{failing.pk}": rollover.REPEAT}))
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == progress_url()
    expected[failing.pk] = (5, "А")
    # The task worker has applied it (at once, in tests); the progress page says so
    # with every step, and does not reload itself any longer.
    progress = client.get(progress_url())
    html = progress.content.decode()
    assert progress.context["status"]["state"] == "done", progress.context["status"]
    assert "data-rollover-done" in html and 'http-equiv="refresh"' not in html
    assert "Movements written into the book" in html

    new = AcademicYear.objects.get(institution=school(1), is_current=True)
    assert new.name == plan.name and not AcademicYear.objects.get(pk=old.pk).is_current
    for pupil in Pupil.objects.filter(pk__in=expected).select_related("school_class"):
        if expected[pupil.pk] is None:
            assert pupil.left_on == today() and pupil.school_class.academic_year_id == old.pk
        else:
            assert pupil.school_class.academic_year_id == new.pk
            assert (pupil.school_class.grade, pupil.school_class.letter) == expected[pupil.pk]
            assert ClassMembership.objects.filter(pupil=pupil, school_class=pupil.school_class,
                                                  starts_on=new.starts_on).exists()
    class_6a = SchoolClass.objects.get(academic_year=new, grade=6, letter="А")
    assert set(Pupil.objects.filter(school_class=class_6a).values_list("pk", flat=True)) \
        == pupils_5a - {failing.pk}
    assert class_6a.class_teacher_id == class_5a.class_teacher_id
    # The book has the orders' movements; the repeater's says so.
    assert Movement.objects.get(pupil=failing, kind=MovementKind.REPEAT).to_class.grade == 5
    assert Movement.objects.filter(institution=school(1), kind=MovementKind.PROMOTION,
                                   order__number="301-п").count() == sum(
        1 for value in expected.values() if value is not None) - 1
    graduates = Movement.objects.filter(institution=school(1), kind=MovementKind.GRADUATION,
                                        order__number="302-в")
    assert graduates.count() == sum(1 for value in expected.values() if value is None)
    assert all(c.grade < top for c in SchoolClass.objects.filter(academic_year=new))
    # The next year has the periods, the plan and the subgroups of the classes moved up.
    assert Period.objects.filter(academic_year=new).count() == \
        Period.objects.filter(academic_year=old).count()
    assert new.curriculum_lines.count() == old.curriculum_lines.count()
    assert Subgroup.objects.filter(school_class__academic_year=new).exists()
    # The old year stays readable and cannot be changed.
    assert not Period.objects.filter(academic_year=old, closed_at__isnull=True).exists()
    final = FinalMark.objects.get(pupil=failing, kind=FinalKind.YEAR, academic_year=old)
    final.value = "3"
    with pytest.raises(ValidationError):
        final.save()
    # School 2 is untouched; the page now previews the next year's rollover.
    assert not AcademicYear.objects.filter(institution=school(2),
                                           starts_on__gt=old.starts_on).exists()
    assert client.get(url()).context["year"] == new


def test_a_failure_in_the_middle_leaves_nothing(client_for, english, monkeypatch):
    client = client_for("school1.deputy")
    old = AcademicYear.objects.get(institution=school(1), is_current=True)
    before = {p.pk: p.school_class_id for p in Pupil.objects.filter(institution=school(1))}
    movements = Movement.objects.count()
    closed = set(Period.objects.filter(academic_year=old, closed_at__isnull=False))
    page = client.get(url())
    calls = []

    def fail_later(*args, **kwargs):
        calls.append(1)
        if len(calls) == 20:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(rollover, "record_change", fail_later)
    response = client.post(url(), post_data(page.context["form"]))
    assert response.status_code == 302
    assert len(calls) == 20
    progress = client.get(progress_url())
    assert progress.context["status"]["state"] == "failed"
    assert "nothing was changed" in progress.content.decode()
    assert AcademicYear.objects.filter(institution=school(1),
                                       starts_on__gte=old.starts_on).get().pk == old.pk
    assert Movement.objects.count() == movements
    assert {p.pk: p.school_class_id for p in Pupil.objects.filter(institution=school(1))} \
        == before
    assert set(Period.objects.filter(academic_year=old, closed_at__isnull=False)) == closed


def test_edits_in_the_preview_are_applied_and_a_forged_pupil_changes_nothing(client_for):
    client = client_for("school1.director")
    old = AcademicYear.objects.get(institution=school(1), is_current=True)
    class_5b = SchoolClass.objects.get(academic_year=old, grade=5, letter="Б")
    stranger = Pupil.objects.filter(institution=school(2), left_on__isnull=True).first()
    stranger_class = stranger.school_class_id
    page = client.get(url())
    response = client.post(url(), post_data(page.context["form"], **{
        f"letter_{class_5b.pk}": "В", f"decision_{stranger.pk}": rollover.REPEAT,
        "name": "2027/28 уч."}))
    assert response.status_code == 302
    new = AcademicYear.objects.get(institution=school(1), is_current=True)
    assert new.name == "2027/28 уч."
    assert SchoolClass.objects.filter(academic_year=new, grade=6, letter="В").exists()
    assert not SchoolClass.objects.filter(academic_year=new, grade=6, letter="Б").exists()
    stranger.refresh_from_db()
    assert stranger.school_class_id == stranger_class
    assert not Movement.objects.filter(pupil=stranger, kind=MovementKind.REPEAT).exists()


def test_two_classes_made_one_and_bad_periods_are_refused(client_for, english):
    client = client_for("school1.deputy")
    old = AcademicYear.objects.get(institution=school(1), is_current=True)
    class_5a = SchoolClass.objects.get(academic_year=old, grade=5, letter="А")
    class_5b = SchoolClass.objects.get(academic_year=old, grade=5, letter="Б")
    period = Period.objects.filter(academic_year=old).order_by("number").last()
    page = client.get(url())
    response = client.post(url(), post_data(page.context["form"], **{
        f"letter_{class_5b.pk}": class_5a.letter,
        f"period_{period.pk}_ends": "2099-01-01"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Two classes would both become 6А" in html
    assert "outside the academic year" in html or "last day of the year" in html
    assert AcademicYear.objects.get(pk=old.pk).is_current


@pytest.mark.parametrize("username", ["school1.teacher", "school1.secretary",
                                      "school1.classteacher", "school1.parent",
                                      "school2.admin", "dept"])
def test_who_does_not_roll_over_school_1_gets_403(client_for, username):
    client = client_for(username)
    assert client.get(url()).status_code == 403
    assert client.post(url(), {}).status_code == 403
    assert client.get(progress_url()).status_code == 403


def test_a_running_rollover_is_not_started_twice_and_its_page_reloads(client_for, english):
    from django.utils import timezone

    from movement import tasks

    client = client_for("school1.deputy")
    old = AcademicYear.objects.get(institution=school(1), is_current=True)
    page = client.get(url())
    tasks._save(school(1).pk, {"state": tasks.RUNNING, "started": timezone.now(),
                               "lines": ["The year 2027/2028: periods and the plan copied."],
                               "errors": [], "message": "", "year_id": old.pk})
    assert "data-rollover-running" in client.get(url()).content.decode()
    response = client.post(url(), post_data(page.context["form"]))
    assert response.status_code == 302 and response.url == progress_url()
    assert AcademicYear.objects.get(pk=old.pk).is_current
    html = client.get(progress_url()).content.decode()
    assert 'http-equiv="refresh"' in html and "periods and the plan copied" in html
    # A run the worker lost an hour ago lets the school start again.
    tasks._save(school(1).pk, {**tasks.status_of(school(1).pk),
                               "started": timezone.now() - tasks.STALE})
    assert "may have been stopped" in client.get(progress_url()).content.decode()
    assert "data-rollover-running" not in client.get(url()).content.decode()


def test_two_deputies_pressing_at_once_start_one_rollover(client_for, demo_user):
    """The second start finds the first's lock (the cache's atomic add) and queues
    nothing; the lock goes when the run ends."""
    from django.core.cache import cache

    from movement import tasks

    year = AcademicYear.objects.get(institution=school(1), is_current=True)
    cache.add(tasks.lock_key(school(1).pk), 1)
    assert not tasks.start(year, demo_user("school1.deputy"), {}, "ru")
    assert tasks.status_of(school(1).pk) is None
    cache.delete(tasks.lock_key(school(1).pk))
    assert tasks.start(year, demo_user("school1.deputy"), {}, "ru")
    # The form was empty: the worker refused it, changed nothing and let go of the lock.
    assert tasks.status_of(school(1).pk)["state"] == tasks.FAILED
    assert cache.add(tasks.lock_key(school(1).pk), 1)
    assert AcademicYear.objects.get(pk=year.pk).is_current


def test_without_a_run_the_progress_page_leads_to_the_preview(client_for):
    response = client_for("school1.deputy").get(progress_url())
    assert response.status_code == 302 and response.url == url()


def test_unknown_schools_answer_404(client_for):
    client = client_for("school1.deputy")
    for pk in (99999, 10**30):
        assert client.get(f"/schools/{pk}/movement/rollover/").status_code == 404


def test_the_preview_has_a_query_budget(client_for, django_assert_max_num_queries):
    client = client_for("school1.deputy")
    client.get(url())
    with django_assert_max_num_queries(25):
        assert client.get(url()).status_code == 200


def test_the_command_rolls_a_school_over_with_progress(demo_user):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    old = AcademicYear.objects.get(institution=school(2), is_current=True)
    call_command("rollover", "--school", "СОШ № 2", "--user", "school2.admin",
                 "--order", "77-п", "--graduation-order", "78-в",
                 "--date", today().isoformat(), stdout=out)
    text = out.getvalue()
    assert "Movements written into the book" in text or "Записано в книгу" in text
    new = AcademicYear.objects.get(institution=school(2), is_current=True)
    assert new.starts_on > old.ends_on and new.name != old.name

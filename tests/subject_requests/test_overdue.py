"""Overdue requests flagged to the school and the department (R-PD-4): the daily command
(and its task), the secretary's dashboard, and the navigation link to one's requests."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Notification
from notifications.service import Kind
from subject_requests.models import SubjectRequest
from subject_requests.tasks import notify_overdue_task
from tests.dates import TODAY

pytestmark = pytest.mark.django_db


def overdue_notices():
    return Notification.objects.filter(kind=Kind.DATA_REQUEST,
                                       source_key__startswith="subject_requests.overdue:")


def test_the_command_tells_the_schools_keepers_and_the_department_once_a_day(overdue):
    out = StringIO()
    call_command("notify_overdue_requests", stdout=out)
    assert "1" in out.getvalue()
    users = set(overdue_notices().values_list("user__username", flat=True))
    assert {"school1.secretary", "school1.director", "school1.admin", "dept"} <= users
    assert not users & {"school2.admin", "school1.teacher", "school1.parent",
                        "school1.deputy"}
    # What it says names no person and no request text.
    for note in overdue_notices():
        assert overdue.subject.surname not in note.title + note.body
        assert overdue.text not in note.body
    count = overdue_notices().count()
    call_command("notify_overdue_requests", stdout=StringIO())
    assert overdue_notices().count() == count


def test_nothing_overdue_sends_nothing(overdue):
    SubjectRequest.objects.filter(pk=overdue.pk).update(deadline=TODAY)
    call_command("notify_overdue_requests", stdout=StringIO())
    assert not overdue_notices().exists()


def test_the_task_does_the_same(overdue):
    result = notify_overdue_task.enqueue()
    assert result.return_value["schools"] == 1
    assert overdue_notices().filter(user__username="school1.secretary").exists()


def test_the_command_enqueues_for_the_worker(overdue):
    out = StringIO()
    call_command("notify_overdue_requests", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Enqueued")


def test_the_secretarys_dashboard_lists_the_overdue_requests(client_for, overdue):
    lists = client_for("school1.secretary").get("/dashboard/").context["work_lists"]
    item = next(w for w in lists if w["title"] == "Запросы по персональным данным")
    assert item["count"] == 1
    assert (item["links"][1][1]) == reverse("subject_requests:register") + "?overdue=on"


def test_school_2s_administrator_counts_no_overdue_request_of_school_1(client_for, overdue):
    lists = client_for("school2.admin").get("/dashboard/").context["work_lists"]
    assert next(w for w in lists if w["title"] == "Запросы по персональным данным")["count"] == 0


@pytest.mark.parametrize("username", ["school1.parent", "school1.pupil", "school1.teacher"])
def test_the_navigation_leads_to_ones_requests(client_for, username):
    nav = [i["url"] for i in client_for(username).get(reverse("subject_requests:mine"))
           .context["nav_items"]]
    assert reverse("subject_requests:mine") in nav

"""The database task backend (django-tasks-db) and its worker: notifications wait as
rows until `db_worker` runs them, and Wagtail's own tasks (declared with the
django-tasks backport, which reads the same TASKS) go to the same queue and worker."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from notifications.service import Kind, notify
from records.models import User

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def connections_kept(monkeypatch):
    """The worker runs inside the test's transaction: it must not close the connection
    between tasks as it does in its own process."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(),
                 stderr=io.StringIO())


@override_settings(TASKS=DATABASE_TASKS)
def test_emails_wait_for_the_worker(django_capture_on_commit_callbacks):
    parent = User.objects.get(username="school1.parent")
    with django_capture_on_commit_callbacks(execute=True):
        notify(Kind.ANNOUNCEMENT, [parent], title="Собрание в четверг", source="worker:1")
    queued = DBTaskResult.objects.filter(task_path="notifications.tasks.send_emails")
    assert queued.count() == 1 and mail.outbox == []
    run_worker()
    assert [message.subject.split(" · ")[0] for message in mail.outbox] == [
        "Собрание в четверг"]
    assert queued.get().status == "SUCCESSFUL"


@override_settings(TASKS=DATABASE_TASKS)
def test_wagtail_tasks_run_in_the_same_worker():
    from wagtail.models import Page, ReferenceIndex
    from wagtail.tasks import update_reference_index_task

    page = Page.objects.get(depth=2)
    ReferenceIndex.objects.all().delete()
    update_reference_index_task.enqueue("wagtailcore", "page", page.pk)
    row = DBTaskResult.objects.get()
    assert row.task_path == "wagtail.tasks.update_reference_index_task"
    assert not ReferenceIndex.objects.exists()
    run_worker()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL", row.traceback

"""The task backends of the portal (settings ``TASKS``): Django 6's own, with the
tasks Wagtail queues handed to them too.

Django 6.1 has ``django.tasks``; Wagtail 8.0.1 (and modelsearch, its search index)
still declares its tasks with the ``django-tasks`` backport (``django_tasks.task``):
the search index updates, the reference index, deleting a replaced file, an image's
focal point. The backport reads the same ``TASKS`` setting, so both sides get these
classes; a backport task is queued as ``portal.tasks.run_backport_task`` with the
task's path and arguments, which the same worker runs (the database backend's worker
imports a task by its path and accepts only ``django.tasks`` tasks). One queue, one
worker, for the portal's tasks (notifications) and Wagtail's."""

from django.tasks import Task
from django.tasks.backends.immediate import ImmediateBackend as DjangoImmediateBackend
from django_tasks_db.backend import DatabaseBackend as TasksDatabaseBackend


class BackportTasksMixin:
    def enqueue(self, task, args, kwargs):
        if not isinstance(task, Task):
            from .tasks import run_backport_task

            proxy = run_backport_task.using(
                priority=task.priority, queue_name=task.queue_name,
                run_after=task.run_after, backend=self.alias)
            return super().enqueue(proxy, (task.module_path, list(args), dict(kwargs)), {})
        return super().enqueue(task, args, kwargs)


class DatabaseBackend(BackportTasksMixin, TasksDatabaseBackend):
    """django-tasks-db: tasks are rows of the database, run by ``manage.py db_worker``."""


class ImmediateBackend(BackportTasksMixin, DjangoImmediateBackend):
    """Runs each task at once, in the process that queued it (the tests)."""

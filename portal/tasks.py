"""The portal's own tasks of Django's tasks framework (portal/task_backends.py)."""

from django.tasks import task
from django.utils.module_loading import import_string


@task()
def run_backport_task(path, args, kwargs):
    """Runs a task Wagtail declared with the ``django-tasks`` backport (its path and
    arguments as queued), in the worker of Django's own tasks."""
    return import_string(path).call(*args, **kwargs)

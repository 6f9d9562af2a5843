"""The daily overdue notice as a background task (Django's tasks framework), as the link
check runs: ``manage.py notify_overdue_requests --enqueue`` or a scheduler (cron)."""

from django.tasks import task

from .overdue import notify_overdue


@task()
def notify_overdue_task():
    schools, sent = notify_overdue()
    return {"schools": schools, "notifications": sent}

"""The link check as a background task (Django's tasks framework): the worker runs it
(`manage.py check_links --enqueue`, or a scheduler), the immediate backend in tests."""

from django.tasks import task

from .checks import check_links
from .models import Link


@task()
def check_links_task(link_ids=None):
    links = Link.objects.order_by("pk")
    if link_ids is not None:
        links = links.filter(pk__in=link_ids)
    checked, broken = check_links(links.iterator())
    return {"checked": checked, "broken": broken}

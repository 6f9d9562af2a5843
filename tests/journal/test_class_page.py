import re

import pytest
from django.urls import reverse

from curriculum.models import SchoolClass

pytestmark = pytest.mark.django_db


def test_pupils_are_numbered_in_alphabetical_order(client_for):
    client = client_for("school1.classteacher")
    school_class = SchoolClass.objects.get(
        academic_year__is_current=True, class_teacher__person__user__username="school1.classteacher"
    )
    response = client.get(reverse("journal:class", args=[school_class.pk]))
    html = response.content.decode()
    rows = response.context["table"].rows
    numbers = [int(n) for n in re.findall(r"<tr[^>]*>\s*<td[^>]*>\s*(\d+)\s*</td>", html)]
    assert numbers == list(range(1, len(rows) + 1))
    names = [row.record.person.search_name for row in rows]
    assert names == sorted(names)
    assert "Класс 5А" in html

"""On PostgreSQL a kept connection prepares the queries it runs again and again, so
PostgreSQL plans a daily page's joins once per connection (portal/settings/base.py,
DB_PREPARED_STATEMENTS)."""

import pytest
from django.db import connection

from records.models import Pupil

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="prepared statements are PostgreSQL's")]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_run_again_and_again_is_prepared_once_whatever_its_values():
    options = connection.settings_dict["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    pks = list(Pupil.objects.order_by("pk").values_list("pk", flat=True)[:8])
    for pk in pks:  # the same query with another value each time
        assert Pupil.objects.filter(pk=pk, person__isnull=False).values_list(
            "pk", flat=True).first() == pk
    statements = [sql for sql in prepared_statements()
                  if '"records_pupil"' in sql and "IS NOT NULL" in sql]
    # One statement, with its value as a parameter rather than in the text.
    assert len(statements) == 1 and "$1" in statements[0]

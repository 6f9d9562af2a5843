"""Loading the demo city fast on PostgreSQL without changing what ends up stored.

Django declares every foreign key ``DEFERRABLE INITIALLY DEFERRED``, so each row written
queues one check per foreign key, and PostgreSQL runs them one row at a time at commit:
for the large city's ≈ 30 million journal rows that was most of the 42 minutes of a
full-year seed. ``drop_foreign_keys`` takes the foreign keys off the big tables
for the load and puts them back, with the definitions PostgreSQL itself printed, before
the transaction commits; putting a foreign key back checks every row in one join, the
same check as row by row. It all happens in the builder's one transaction: if anything
fails, the rollback brings the constraints back with the rest, and nobody sees the
tables without them (the tables stay locked until the commit).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from wagtail.models import ReferenceIndex


def _constraints(tables):
    """[(table, name, definition)] of the foreign keys declared on ``tables``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' "
            "AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [list(tables)])
        return cursor.fetchall()


def _fire_pending_checks(cursor):
    # A table with checks still queued in this transaction cannot be altered (e.g. a
    # test's own rows, or reset() run in the same transaction): run them now. No
    # constraint of the schema is deferrable but initially immediate, so ALL DEFERRED
    # afterwards is the default again.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_foreign_keys(models):
    """Within a transaction, on PostgreSQL: takes the foreign keys off ``models``'
    tables and returns them for ``restore_foreign_keys`` (elsewhere: nothing)."""
    if connection.vendor != "postgresql":
        return []
    constraints = _constraints([model._meta.db_table for model in models])
    with connection.cursor() as cursor:
        _fire_pending_checks(cursor)
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT "
                           f"{connection.ops.quote_name(name)}")
    return constraints


def restore_foreign_keys(constraints):
    """Puts back what ``drop_foreign_keys`` took off, as it was: same names, same
    definitions; PostgreSQL checks each against all the rows as it is added."""
    by_table = {}
    for table, name, definition in constraints:
        by_table.setdefault(table, []).append(
            f"ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    with connection.cursor() as cursor:
        if by_table:
            _fire_pending_checks(cursor)
        for table, clauses in by_table.items():
            cursor.execute(f"ALTER TABLE {table} {', '.join(clauses)}")


def analyze():
    """Fresh statistics for the planner: without them the first pages after a bulk load
    pick plans for empty tables (bench/README.md: the grid took 2.3 s)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def delete_all(models):
    """Empties the tables of ``models``, tables of the city's rows only, each in one
    statement (TRUNCATE on PostgreSQL; elsewhere a DELETE each, children first): Django's
    delete() loads every row to send its delete signals, and Wagtail's reference index
    answers each with a DELETE of its own, which took hours for the large city's
    lessons. Their reference index rows go in one statement too. A table of another
    model pointing at these makes TRUNCATE fail rather than lose its rows."""
    types = ContentType.objects.get_for_models(
        *[model for model in models if not model._meta.auto_created],
        for_concrete_models=False).values()
    ReferenceIndex.objects.filter(Q(base_content_type__in=types) | Q(content_type__in=types)
                                  | Q(to_content_type__in=types)).delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(
                connection.ops.quote_name(model._meta.db_table) for model in models))
            return
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

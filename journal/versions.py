"""Versions of the journal's cells (R-JRN-5).

A screen sends back the version of the cell it showed, and a save based on any other
version is refused. That holds only if a cell never has the same version twice — also
across a clear, which deletes a mark or an attendance row: counted per row from 1, the
mark entered after a clear would be version 1 again, and a screen still holding the
version 1 of before the clear would overwrite it unnoticed.

So every save of every cell (``Versioned.save``) takes its version from one counter of
the whole journal, which never goes back: a PostgreSQL sequence, filled in by the
INSERT or UPDATE itself and returned with it (no query of its own, and saves do not
wait for each other); elsewhere (SQLite, for development and tests) a one-row table.
The migration that makes the counter starts it above every version stored before.
"""

from django.db import connections
from django.db.models.expressions import RawSQL

COUNTER = "journal_cell_version"


def next_version(using):
    """The version for the row being saved: an expression on PostgreSQL (the database
    fills it in), a number elsewhere."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        return RawSQL(f"nextval('{COUNTER}')", [])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {COUNTER} SET last = last + 1 RETURNING last")
        return cursor.fetchone()[0]


def create_counter(connection, start):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE {COUNTER} AS bigint START WITH {int(start)}")
        else:
            cursor.execute(f"CREATE TABLE {COUNTER} (last bigint NOT NULL)")
            cursor.execute(f"INSERT INTO {COUNTER} (last) VALUES (%s)", [start - 1])


def drop_counter(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SEQUENCE IF EXISTS {COUNTER}")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {COUNTER}")

"""Cell versions from one counter of the whole journal (journal/versions.py), so that a
cell never has the same version twice. The counter starts above every version stored
so far, with a margin for the cells cleared (deleted) before: their versions counted
the saves of one cell, far fewer than the margin. Carried from the old journal/0010; on
a new database the counter starts at the margin."""

from django.db import migrations

from journal.versions import create_counter, drop_counter

MARGIN = 1_000_000
TABLES = ("journal_mark", "journal_attendance", "journal_homework", "journal_finalmark")


def create(apps, schema_editor):
    connection = schema_editor.connection
    highest = 0
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT MAX(version) FROM {table}")
            highest = max(highest, cursor.fetchone()[0] or 0)
    create_counter(connection, highest + MARGIN)


def drop(apps, schema_editor):
    drop_counter(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]

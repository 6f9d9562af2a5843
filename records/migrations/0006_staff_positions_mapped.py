"""R-INST-4, step 2 of 3: today's free-text positions mapped to the positions directory.

A text is matched to the department's value of the same name (case and spaces aside),
else to the school's own value, else a school's own value is created for it: nothing is
lost, and the school can later merge its own values into the department's. The
department's list gains «Заместитель директора по АХР», which every school has. Kept
revisions of staff cards get the id of the value their text maps to, so a diff or a
restore of an old version still reads its position."""

from django.db import migrations

ADDED = ["Заместитель директора по АХР"]


def key(text):
    return " ".join((text or "").split()).casefold()


def map_positions(apps, schema_editor):
    DirectoryEntry = apps.get_model("records", "DirectoryEntry")
    Staff = apps.get_model("records", "Staff")
    start = DirectoryEntry.objects.filter(kind="position", institution__isnull=True).count()
    for order, name in enumerate(ADDED, start=start):
        DirectoryEntry.objects.get_or_create(kind="position", name=name,
                                             institution=None,
                                             defaults={"sort_order": order})
    department = {key(e.name): e.pk for e in DirectoryEntry.objects.filter(
        kind="position", institution__isnull=True)}
    own = {(e.institution_id, key(e.name)): e.pk for e in DirectoryEntry.objects.filter(
        kind="position", institution__isnull=False)}
    mapped = {}  # (institution id, text) -> entry id, for the revisions below
    changed = []
    for staff in Staff.objects.exclude(position="").only("pk", "institution_id", "position"):
        text = " ".join(staff.position.split())
        entry = department.get(key(text)) or own.get((staff.institution_id, key(text)))
        if entry is None:
            entry = DirectoryEntry.objects.create(
                kind="position", name=text[:200], institution_id=staff.institution_id,
                sort_order=100).pk
            own[(staff.institution_id, key(text))] = entry
        staff.position_entry_id = entry
        mapped[staff.pk] = entry
        changed.append(staff)
    Staff.objects.bulk_update(changed, ["position_entry"], batch_size=500)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    staff_type = ContentType.objects.filter(app_label="records", model="staff").first()
    if staff_type is None:
        return
    revisions = []
    for revision in Revision.objects.filter(content_type=staff_type).iterator():
        content = revision.content or {}
        value = content.get("position")
        if isinstance(value, str):
            try:
                pk = int(revision.object_id)
            except ValueError:
                pk = None
            entry = (department.get(key(value))
                     or own.get((content.get("institution"), key(value))) or mapped.get(pk))
            content["position"] = entry
            revision.content = content
            revisions.append(revision)
    Revision.objects.bulk_update(revisions, ["content"], batch_size=500)


def unmap_positions(apps, schema_editor):
    Staff = apps.get_model("records", "Staff")
    changed = []
    for staff in Staff.objects.filter(position_entry__isnull=False).select_related(
            "position_entry"):
        staff.position = staff.position_entry.name
        changed.append(staff)
    Staff.objects.bulk_update(changed, ["position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_staff_position_entry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(map_positions, unmap_positions)]

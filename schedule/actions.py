"""Named changes of the timetable made from the grid editor. Each runs in one
transaction, regenerates the dated lessons of the class, and writes the audit log."""

import datetime

from django.db import transaction
from wagtail.log_actions import log

from .conflicts import joint_parts
from .lessons import Report, generate_lessons
from .models import Lesson, TimetableEntry

CELL_FIELDS = ("weekday", "lesson_number", "subject", "teacher", "room", "subgroup", "weeks",
               "joint")
# What the parts of a joint lesson share: a change in one class's cell is made in all.
JOINT_FIELDS = ("subject", "teacher", "room", "weeks")


def regenerate(school_class):
    """The class's lessons brought in line with its timetable (lessons holding journal
    data are kept and reported)."""
    year = school_class.academic_year
    return generate_lessons(year, entries=TimetableEntry.objects.filter(
        school_class=school_class, academic_year=year))


def first_day(school_class, monday):
    """A change made in the grid applies from the week being edited: the weeks before
    stay as they were, since the journal may already hold them."""
    return max(monday, school_class.academic_year.starts_on)


def unchanged(entry, values, co_teachers):
    return all(getattr(entry, name) == value for name, value in values.items()) and (
        entry.teacher_ids() == {values["teacher"].pk} | {t.pk for t in co_teachers})


@transaction.atomic
def save_cell(school_class, monday, data, user):
    """Creates or changes the weekly lesson of a cell; returns (entry, Report). A change
    of a joint lesson's subject, teachers, room or weeks is made in the other classes'
    parts too, since it is one lesson. Raises ValidationError (naming the clash) and
    changes nothing when the lesson clashes."""
    values = {name: data[name] for name in CELL_FIELDS}
    co_teachers = list(data.get("co_teachers") or [])
    entry = data.get("entry")
    if entry is not None and unchanged(entry, values, co_teachers):
        return entry, Report()
    partners = []
    if entry is not None and entry.joint and values["joint"]:
        partners = joint_parts([entry], monday, monday + datetime.timedelta(days=5)).get(
            entry.pk, [])
    rows = [save_row(school_class, monday, entry, values, co_teachers, user)]
    shared = {name: values[name] for name in JOINT_FIELDS}
    for partner in partners:
        own = {name: getattr(partner, name) for name in CELL_FIELDS}
        rows.append(save_row(partner.school_class, monday, partner, {**own, **shared},
                             co_teachers, user))
    # Checked once every part is written: a part checked against the others' old room
    # would read as its own teacher elsewhere.
    for row in rows:
        row.full_clean()
    report = regenerate(school_class)
    for other in {row.school_class for row in rows[1:]} - {school_class}:
        more = regenerate(other)
        report.created += more.created
        report.updated += more.updated
        report.deleted += more.deleted
        report.kept += more.kept
    return rows[0], report


def save_row(school_class, monday, entry, values, co_teachers, user):
    """Writes one weekly lesson from the week of ``monday`` on (a new row when the old
    one started before it), not yet checked for clashes; returns it."""
    year = school_class.academic_year
    starts = first_day(school_class, monday)
    if entry is None or entry.valid_from >= starts:
        row = entry or TimetableEntry(
            institution=school_class.institution, academic_year=year,
            school_class=school_class, valid_from=starts, valid_to=year.ends_on)
        action = "wagtail.edit" if entry else "wagtail.create"
    else:
        # The lesson so far ends before this week and a new one starts with it.
        row = TimetableEntry(
            institution=school_class.institution, academic_year=year,
            school_class=school_class, valid_from=starts, valid_to=entry.valid_to)
        entry.valid_to = starts - datetime.timedelta(days=1)
        entry.save(update_fields=["valid_to"])
        log(entry, "wagtail.edit", user=user)
        action = "wagtail.create"
    for name, value in values.items():
        setattr(row, name, value)
    row.new_co_teachers = [t for t in co_teachers if t.pk != row.teacher_id]
    row.save()
    row.co_teachers.set(row.new_co_teachers)
    log(row, action, user=user)
    return row


@transaction.atomic
def delete_cell(school_class, monday, entry, user):
    """Removes the weekly lesson from the week being edited on; returns the Report."""
    starts = first_day(school_class, monday)
    if entry.valid_from < starts:
        entry.valid_to = starts - datetime.timedelta(days=1)
        entry.save(update_fields=["valid_to"])
        log(entry, "wagtail.edit", user=user)
        return regenerate(school_class)
    # Deleting the entry would leave its lessons without one, out of reach of any later
    # regeneration: remove them here, keeping (and reporting) those with journal data.
    lessons = Lesson.objects.filter(entry=entry)
    kept = list(lessons.with_journal_data().select_related("subject"))
    lessons.exclude(pk__in=[lesson.pk for lesson in kept]).delete()
    log(entry, "wagtail.delete", user=user)
    entry.delete()
    report = regenerate(school_class)
    report.kept = kept + report.kept
    return report


@transaction.atomic
def save_change(school_class, form, user):
    """Saves a dated change (validated by the form) and regenerates the lessons."""
    change = form.save()
    log(change, "wagtail.create", user=user)
    return regenerate(school_class)


@transaction.atomic
def delete_change(school_class, change, user):
    log(change, "wagtail.delete", user=user)
    change.delete()
    return regenerate(school_class)


@transaction.atomic
def delete_entry(entry):
    """Deletes a weekly lesson from the admin listing with its dated lessons, keeping
    (and returning) those that hold journal data, as the grid does."""
    lessons = Lesson.objects.filter(entry=entry)
    kept = list(lessons.with_journal_data())
    lessons.exclude(pk__in=[lesson.pk for lesson in kept]).delete()
    school_class = entry.school_class
    entry.delete()
    return kept + regenerate(school_class).kept

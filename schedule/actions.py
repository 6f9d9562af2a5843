"""Named changes of the timetable made from the grid editor. Each runs in one
transaction, regenerates the dated lessons of the class, and writes the audit log."""

import datetime

from django.db import transaction
from wagtail.log_actions import log

from .lessons import Report, generate_lessons
from .models import Lesson, TimetableEntry

CELL_FIELDS = ("weekday", "lesson_number", "subject", "teacher", "room", "subgroup")


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


@transaction.atomic
def save_cell(school_class, monday, data, user):
    """Creates or changes the weekly lesson of a cell; returns (entry, Report). Raises
    ValidationError (naming the clash) and changes nothing when the lesson clashes."""
    year = school_class.academic_year
    starts = first_day(school_class, monday)
    values = {name: data[name] for name in CELL_FIELDS}
    entry = data.get("entry")
    if entry is not None and all(getattr(entry, name) == value
                                 for name, value in values.items()):
        return entry, Report()
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
    row.full_clean()
    row.save()
    log(row, action, user=user)
    return row, regenerate(school_class)


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

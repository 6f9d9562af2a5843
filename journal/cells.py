"""Saving one cell of the journal (R-JRN-2…5): a mark, an attendance entry, a final, a
lesson's topic and homework; and the class teacher's whole-day absence and excuses.

Every save names the version of the cell the user's screen showed (0: the cell was
empty), and gives the cell a version it never had before (journal/versions.py). The
row is locked (``select_for_update``) and its version compared before anything is
written, so of two people saving the same cell at once the second gets a ``Conflict``
carrying the value now stored, never a silent overwrite (R-JRN-5). Two people creating
the same empty cell at once meet at the unique constraint instead. Nothing is written
in a closed period, and a period does not close while a save is in flight
(curriculum/closing.py).

Every change is a Wagtail log entry (who, when, old and new value): marks on their work
(``Task``), attendance, topic and homework on their lesson, finals on their own row,
each with the pupil in ``data`` so that a cell's history is one indexed query.
"""

import os
import re
from dataclasses import dataclass
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_actions
from wagtail.models import ModelLogEntry

from curriculum import closing
from curriculum.models import (
    ClassMembership,
    InstitutionSettings,
    Period,
    SubgroupMembership,
)
from portal.access import today

from . import notices, tallies
from .models import (
    ATTENDANCE_LETTERS,
    Attendance,
    AttendanceKind,
    FinalKind,
    FinalMark,
    Homework,
    Mark,
    Task,
)
from .rules import ENTER_FINALS, FILL_JOURNAL, RECORD_ABSENCE


class Conflict(Exception):
    """Someone else saved the cell first: ``current`` is what is stored now."""

    def __init__(self, current):
        super().__init__(current)
        self.current = current


@dataclass
class Cell:
    """What a cell holds, as the grid and the conflict message show it."""

    value: str = ""
    version: int = 0
    comment: str = ""
    updated_by: str = ""
    updated_at: object = None

    def as_json(self):
        return {"value": self.value, "version": self.version, "comment": self.comment,
                "updated_by": self.updated_by,
                "updated_at": timezone.localtime(self.updated_at).strftime("%d.%m.%Y %H:%M")
                if self.updated_at else ""}


def author_name(user):
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.short_name if person is not None else user.get_username()


def mark_text(mark):
    if mark is None:
        return ""
    return _("debt") if mark.is_debt and not mark.value else mark.value


def attendance_text(row):
    if row is None:
        return ""
    return str(row)


def cell_of(row, text):
    if row is None:
        return Cell()
    return Cell(text, row.version, getattr(row, "comment", ""), author_name(row.updated_by),
                row.updated_at)


def cell_history(obj, pupil_id):
    """The log entries of one pupil's cell on ``obj`` (a work, a lesson, a final)."""
    return (ModelLogEntry.objects.for_instance(obj).filter(data__pupil=pupil_id)
            .select_related("user").order_by("-timestamp", "-pk"))


def _log(obj, action, user, pupil_id, old, new):
    """The entry ``wagtail.log_actions.log`` writes, without its ``full_clean``: that
    reads the content type and the user back (two queries of every save) only to
    check that they exist, which they do; the action's registration is still checked."""
    if old == new:
        return
    if not log_actions.action_exists(action):
        raise ValueError(f"The log action {action!r} has not been registered.")
    entry = ModelLogEntry(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk), label=str(obj), action=action, timestamp=timezone.now(),
        user=user or get_active_log_context().user, uuid=get_active_log_context().uuid,
        data={"pupil": pupil_id, "old": old, "new": new})
    models.Model.save(entry)


# What a cell takes from the keyboard ---------------------------------------------------
#
# Teachers type the paper journal's letters: н, у (уп), б, о (оп) with minutes, «д» or
# «долг» for a debt. With the keyboard left on the English layout the same keys type
# other letters (the «н» key types «y», «б» a comma): those are accepted too, read from
# the ЙЦУКЕН layout itself rather than from letters that look alike (the «н» key's «y»
# looks like «у», which means something else). A Latin letter that only looks like a
# Cyrillic one («o» for «о») is accepted where no key of the layout means another thing
# by it. The grid's script checks what is typed against the same tables
# (``attendance_inputs``, ``mark_inputs``, ``debt_inputs``), so both say the same.

# The keys of the Russian layout (ЙЦУКЕН), as the English layout (QWERTY) types them,
# without and with Shift.
_RUSSIAN = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"
_ENGLISH = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
ENGLISH_KEYS = dict(zip(_RUSSIAN, _ENGLISH, strict=True))
# Cyrillic letters and the Latin ones that look like them (in lower case).
LOOK_ALIKE = dict(zip("аеорсухкмтнп", "aeopcyxkmthn", strict=True))

# The paper journal's letters, whatever the language of the page.
PAPER_LETTERS = {
    AttendanceKind.ABSENT: ("н",),
    AttendanceKind.VALID: ("у", "уп"),
    AttendanceKind.ILL: ("б",),
    AttendanceKind.LATE: ("о", "оп"),  # followed by the minutes: о10
}
DEBT_WORDS = ("д", "долг", "debt")
DEFAULT_SCALE = ("5", "4", "3", "2", "1")  # a school without settings


def on_english_layout(word):
    """What the keys of ``word`` on the Russian layout type on the English one."""
    return "".join(ENGLISH_KEYS.get(letter, letter) for letter in word)


def typed_forms(words):
    """``{typed text: meaning}`` for ``{word: meaning}``: each word (in any case), the
    same keys on the English layout, and look-alike Latin letters where no other form
    means something else by them. The keys are in lower case."""
    forms = {}
    for word, meaning in words.items():
        forms.setdefault(word.lower(), meaning)
    for word, meaning in words.items():
        for variant in (word.lower(), word.upper()):
            forms.setdefault(on_english_layout(variant).lower(), meaning)
    look_alike = {}
    for word, meaning in words.items():
        if not all(letter in LOOK_ALIKE for letter in word.lower()):
            continue
        typed = "".join(LOOK_ALIKE[letter] for letter in word.lower())
        if any(forms.get(letter, meaning) != meaning for letter in (typed, *typed)):
            continue  # «у» as «y»: the «н» key (and «уп» as «yn»)
        look_alike.setdefault(typed, set()).add(meaning)
    forms.update((typed, meanings.pop()) for typed, meanings in look_alike.items()
                 if len(meanings) == 1 and typed not in forms)
    return forms


def attendance_inputs():
    """``{typed text: attendance kind}``, the late kind's texts being followed by the
    minutes; with the letters the grid shows in the active language."""
    words = {}
    for kind, letters in PAPER_LETTERS.items():
        for letter in (*letters, str(ATTENDANCE_LETTERS[kind])):
            words.setdefault(letter.lower(), kind.value)
    return typed_forms(words)


def debt_inputs():
    """The texts typed for a debt: «д», «долг», the word the grid shows."""
    return sorted(typed_forms({word: True for word in (*DEBT_WORDS, _("debt"))}))


def mark_inputs(scale):
    """``{typed text: mark}`` for the marks of a scale (its digits are the same on both
    layouts; a scale of words is not)."""
    return typed_forms({mark: mark for mark in scale})


def read_attendance(text):
    """(kind, minutes late or None) of what was typed in an attendance cell; an empty
    kind is present. Unknown text is refused with what is accepted."""
    typed = "".join((text or "").split()).lower()
    if not typed:
        return "", None
    inputs = attendance_inputs()
    kind = inputs.get(typed)
    if kind is not None:
        return kind, None  # late without its minutes: refused by the save, with why
    found = re.fullmatch(r"(\D+)(\d{1,3})", typed)
    if found and inputs.get(found[1]) == AttendanceKind.LATE:
        return AttendanceKind.LATE.value, found[2]
    raise ValidationError(attendance_refusal(text))


def attendance_help():
    """What an attendance cell takes, as a refusal says it."""
    return _("Type н (absent), у (valid reason), б (ill) or о with the minutes late, e.g. "
             "о10; on the English layout the same keys: %(keys)s.") % {
        "keys": english_keys_hint()}


def attendance_refusal(text):
    return " ".join([_("«%(value)s» is not an attendance mark.") % {"value": text.strip()},
                     attendance_help()])


def english_keys_hint():
    """The attendance letters' keys on the English layout, as the hints name them:
    «y», «e», «,», «j10»."""
    keys = [on_english_layout(PAPER_LETTERS[kind][0]) for kind in (
        AttendanceKind.ABSENT, AttendanceKind.VALID, AttendanceKind.ILL, AttendanceKind.LATE)]
    keys[-1] += "10"
    return ", ".join(f"«{key}»" for key in keys)


def read_mark(text, scale):
    """(mark, debt) of what was typed in a mark cell: a debt word is a debt, a typed form
    of a mark of the scale is that mark; anything else is passed on as it is, for the
    save to refuse with the scale."""
    value = (text or "").strip()
    typed = value.lower()
    if typed in debt_inputs():
        return "", True
    return mark_inputs(scale).get(typed, value), False


# Who and when -------------------------------------------------------------------------


def school_settings(institution_id):
    return InstitutionSettings.objects.select_related("grading_scale").filter(
        institution_id=institution_id).first()


def scale_of(institution_id):
    settings = school_settings(institution_id)
    return settings.grading_scale.mark_list() if settings else list(DEFAULT_SCALE)


def period_of(lesson):
    return Period.objects.for_class(lesson.school_class).containing(lesson.date).first()


def pupil_attends(lesson, pupil_id):
    """Was the pupil in the lesson's class (or subgroup) on the lesson's date?"""
    if lesson.subgroup_id:
        rows = SubgroupMembership.objects.filter(subgroup_id=lesson.subgroup_id)
    else:
        rows = ClassMembership.objects.filter(school_class_id=lesson.school_class_id)
    return rows.on(lesson.date).filter(pupil_id=pupil_id).exists()


def with_fill_right(lessons, user, lesson_path="pk"):
    """``lessons`` (or rows pointing at a lesson through ``lesson_path``) annotated
    with whether ``user`` may fill the lesson (``FILL_JOURNAL``, by the same matrix):
    a save reads its row and that right in one query. ``check_lesson`` trusts the
    annotation only when it was made for the same user."""
    from schedule.models import Lesson

    return lessons.annotate(
        fill_right_of=models.Value(user.pk),
        fill_right=models.Exists(Lesson.objects.visible_to(user, FILL_JOURNAL)
                                 .filter(pk=models.OuterRef(lesson_path))))


def may_fill(user, lesson, annotated=None):
    """``FILL_JOURNAL`` on the lesson: from ``with_fill_right`` when ``annotated`` (the
    lesson or the row read with it) carries it for this user, else asked."""
    source = lesson if annotated is None else annotated
    if getattr(source, "fill_right_of", None) == user.pk and user.pk is not None:
        return source.fill_right
    return user.has_perm(FILL_JOURNAL, lesson)


def check_lesson(user, lesson, pupil_id=None, *, marks=False, annotated=None):
    """Refuse, with the reason, what this user may not write in this lesson."""
    if not may_fill(user, lesson, annotated):
        raise PermissionDenied
    return check_lesson_state(lesson, pupil_id, marks=marks, annotated=annotated)


def with_save_context(rows, pupil_id, lesson_path="lesson"):
    """``rows`` pointing at a lesson through ``lesson_path``, read with what a save's
    checks ask (``check_lesson_state``): whether the pupil was in the lesson's class (or
    subgroup) on its date and the school's settings, in the same query rather than two
    more."""
    def outer(name):
        return models.OuterRef(f"{lesson_path}__{name}")

    in_class = ClassMembership.objects.filter(
        school_class_id=outer("school_class_id"), pupil_id=pupil_id).on(outer("date"))
    in_group = SubgroupMembership.objects.filter(
        subgroup_id=outer("subgroup_id"), pupil_id=pupil_id).on(outer("date"))
    return rows.select_related(
        f"{lesson_path}__school_class__institution__journal_settings__grading_scale",
    ).annotate(
        pupil_inside_of=models.Value(pupil_id, output_field=models.BigIntegerField()),
        pupil_inside=models.Case(
            models.When(**{f"{lesson_path}__subgroup_id__isnull": True},
                        then=models.Exists(in_class)),
            default=models.Exists(in_group), output_field=models.BooleanField()))


def _read_with(annotated, pupil_id):
    """Whether ``annotated`` was read by ``with_save_context`` for this pupil."""
    return (annotated is not None and pupil_id is not None
            and getattr(annotated, "pupil_inside_of", None) == pupil_id)


def check_lesson_state(lesson, pupil_id=None, *, marks=False, annotated=None):
    """Refuse what nobody may write in this lesson (or for this pupil in it). With
    ``marks``, returns the school's settings (read for the check; the save needs its
    scale too)."""
    if lesson.is_cancelled:
        raise ValidationError(_("The lesson was cancelled."))
    if lesson.date > today():
        raise ValidationError(_("The lesson has not taken place yet."))
    # Also locks the lesson's period against closing until the save commits.
    lesson.check_period_open()
    read = _read_with(annotated, pupil_id)
    inside = annotated.pupil_inside if read else (
        pupil_id is None or pupil_attends(lesson, pupil_id))
    if not inside:
        raise ValidationError(_("The pupil was not in this class on the date of the lesson."))
    if marks:
        if read:
            try:
                settings = lesson.school_class.institution.journal_settings
            except InstitutionSettings.DoesNotExist:
                settings = None
        else:
            settings = school_settings(lesson.institution_id)
        if lesson.school_class.grade == 1 and (settings is None
                                               or settings.no_marks_in_first_grade):
            raise ValidationError(_("The school gives no marks in grade 1."))
        return settings
    return None


def _clean_mark(value, institution_id, settings=None):
    value = (value or "").strip()
    scale = (settings.grading_scale.mark_list() if settings is not None
             else scale_of(institution_id))
    if value and value not in scale:
        raise ValidationError(_("«%(value)s» is not a mark of the school's scale: "
                                "%(marks)s.") % {"value": value, "marks": ", ".join(scale)})
    return value


def _locked(model):
    """The model's rows, locked until the end of the transaction (on PostgreSQL), with
    their author for a conflict message; only the row itself is locked."""
    return model.objects.select_for_update(of=("self",)).select_related("updated_by__person")


def _check_version(row, version, text):
    if (row.version if row else 0) != version:
        raise Conflict(cell_of(row, text(row)))


# Marks ---------------------------------------------------------------------------------


def new_task(user, lesson, mark_type, title=""):
    """A new column of marks in a lesson."""
    check_lesson(user, lesson, marks=True)
    if mark_type.institution_id not in (None, lesson.institution_id):
        raise ValidationError(_("Choose a mark type of this school."))
    task = Task.objects.create(institution_id=lesson.institution_id, lesson=lesson,
                               mark_type=mark_type, title=title.strip())
    log(task, "wagtail.create", user=user)
    return task


@transaction.atomic
@closing.remembering()  # the lesson's period check serves the cell's
def save_mark(user, task, pupil_id, *, value, version, is_debt=False, comment=""):
    """Set, replace or clear (empty value, no debt) one pupil's mark for a work."""
    lesson = task.lesson
    settings = check_lesson(user, lesson, pupil_id, marks=True, annotated=task)
    value = _clean_mark(value, lesson.institution_id, settings)
    comment = (comment or "").strip()[:300]
    is_debt = bool(is_debt) and not value  # a mark replaces the debt
    # No ordering: the model's default orders through the lesson and the pupil's name,
    # five joins to plan for one row.
    current = _locked(Mark).filter(task=task, pupil_id=pupil_id).order_by().first()
    _check_version(current, version, mark_text)
    if current is not None:
        current.lesson = lesson  # read already: the closed-period check needs its date
    old = mark_text(current)
    current_value_before = current.value if current is not None else ""
    if not value and not is_debt:
        if current is not None:
            current.delete()
            tallies.recount(lesson, [pupil_id])
        _log(task, "journal.mark", user, pupil_id, old, "")
        return None
    now = timezone.now()
    if current is None:
        current = Mark(institution_id=lesson.institution_id, task=task, lesson=lesson,
                       pupil_id=pupil_id)
        current.value, current.is_debt, current.comment = value, is_debt, comment
        current.updated_at, current.updated_by = now, user
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            # Someone created this mark between our read and our write.
            stored = Mark.objects.filter(task=task, pupil_id=pupil_id).first()
            raise Conflict(cell_of(stored, mark_text(stored))) from None
    else:
        current.value, current.is_debt, current.comment = value, is_debt, comment
        current.updated_at = now
        if current.updated_by_id != user.pk:
            # Else keep the author read with the row (and their person, for the answer).
            current.updated_by = user
        current.save(update_fields=["value", "is_debt", "comment", "updated_at",
                                    "updated_by"])
    tallies.recount(lesson, [pupil_id])
    _log(task, "journal.mark", user, pupil_id, old, mark_text(current))
    # The pupil and their parents hear of it once the save commits: a task
    # (journal/notices.py).
    transaction.on_commit(partial(notices.mark_saved.enqueue, current.pk,
                                  current_value_before))
    return current


# Attendance ----------------------------------------------------------------------------


def _clean_attendance(kind, late_minutes):
    kind = kind or ""
    if kind and kind not in AttendanceKind.values:
        raise ValidationError(_("Unknown attendance mark."))
    if kind == AttendanceKind.LATE:
        try:
            late_minutes = int(late_minutes)
        except (TypeError, ValueError):
            raise ValidationError(_("Enter how many minutes late, from 1 to 90.")) from None
        if not 1 <= late_minutes <= 90:
            raise ValidationError(_("Enter how many minutes late, from 1 to 90."))
        return kind, late_minutes
    return kind, None


def _write_attendance(user, lesson, pupil_id, kind, late_minutes, current):
    old = attendance_text(current)
    if current is not None:
        current.lesson = lesson
    if not kind:
        if current is not None:
            current.delete()
            tallies.recount(lesson, [pupil_id])
        _log(lesson, "journal.attendance", user, pupil_id, old, "")
        _taken(lesson)
        return None
    if current is None:
        current = Attendance(institution_id=lesson.institution_id, lesson=lesson,
                             pupil_id=pupil_id, kind=kind, late_minutes=late_minutes,
                             updated_by=user)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            stored = Attendance.objects.filter(lesson=lesson, pupil_id=pupil_id).first()
            raise Conflict(cell_of(stored, attendance_text(stored))) from None
    else:
        current.kind, current.late_minutes = kind, late_minutes
        current.updated_at, current.updated_by = timezone.now(), user
        current.save(update_fields=["kind", "late_minutes", "updated_at", "updated_by"])
    tallies.recount(lesson, [pupil_id])
    _log(lesson, "journal.attendance", user, pupil_id, old, attendance_text(current))
    _taken(lesson)
    return current


def _taken(lesson):
    if not lesson.attendance_taken:
        lesson.attendance_taken = True
        lesson.save(update_fields=["attendance_taken"])


def take_attendance(user, lesson):
    """The register is taken: whoever has no entry was present."""
    if not may_record_attendance(user, lesson):
        raise PermissionDenied
    check_lesson_state(lesson)
    _taken(lesson)


def may_record_attendance(user, lesson):
    return user.has_perm(FILL_JOURNAL, lesson) or user.has_perm(
        RECORD_ABSENCE, lesson.school_class)


@transaction.atomic
@closing.remembering()  # the lesson's period check serves the cell's
def save_attendance(user, lesson, pupil_id, *, kind, version, late_minutes=None):
    """Set or clear (empty kind: present) one pupil's attendance in a lesson."""
    if not may_record_attendance(user, lesson):
        raise PermissionDenied
    check_lesson_state(lesson, pupil_id)
    kind, late_minutes = _clean_attendance(kind, late_minutes)
    current = (_locked(Attendance).filter(lesson=lesson, pupil_id=pupil_id).order_by()
               .first())
    _check_version(current, version, attendance_text)
    return _write_attendance(user, lesson, pupil_id, kind, late_minutes, current)


def pupil_lessons_on(school_class, pupil_id, day):
    """The lessons of the class a pupil attends on one day: the whole class's, and
    those of the subgroups the pupil is in on that day."""
    from schedule.models import Lesson

    groups = SubgroupMembership.objects.on(day).filter(
        pupil_id=pupil_id, subgroup__school_class=school_class).values("subgroup")
    return (Lesson.objects.filter(school_class=school_class, date=day, is_cancelled=False)
            .filter(models.Q(subgroup__isnull=True) | models.Q(subgroup__in=groups))
            .select_related("school_class"))


@transaction.atomic
def record_day_absence(user, school_class, pupil_id, day, kind):
    """The class teacher's whole-day absence: one entry fills every lesson of the pupil
    that day (R-JRN-3). Returns the number of lessons filled."""
    if not user.has_perm(RECORD_ABSENCE, school_class):
        raise PermissionDenied
    kind, late_minutes = _clean_attendance(kind, None)
    if not kind or kind == AttendanceKind.LATE:
        raise ValidationError(_("A whole day is absent, absent with a valid reason or ill."))
    if not ClassMembership.objects.filter(school_class=school_class, pupil_id=pupil_id).on(
            day).exists():
        raise ValidationError(_("The pupil was not in this class on that day."))
    lessons = list(pupil_lessons_on(school_class, pupil_id, day))
    if not lessons:
        raise ValidationError(_("The class has no lessons on that day."))
    for lesson in lessons:
        check_lesson_state(lesson)
    stored = {row.lesson_id: row for row in Attendance.objects.select_for_update().filter(
        lesson__in=lessons, pupil_id=pupil_id)}
    for lesson in lessons:
        _write_attendance(user, lesson, pupil_id, kind, None, stored.get(lesson.pk))
    return len(lessons)


@transaction.atomic
def excuse_absences(user, school_class, pupil_ids, first_day, last_day,
                    kind=AttendanceKind.VALID):
    """Turn the plain absences of pupils over some days into absences with a valid
    reason (or illness), e.g. when a certificate arrives (R-JRN-3). Returns how many."""
    if not user.has_perm(RECORD_ABSENCE, school_class):
        raise PermissionDenied
    if kind not in (AttendanceKind.VALID, AttendanceKind.ILL):
        raise ValidationError(_("An absence is excused as with a valid reason or as illness."))
    if last_day < first_day:
        raise ValidationError(_("The end date is before the start date."))
    rows = list(Attendance.objects.select_for_update(of=("self",))
                .select_related("lesson__school_class")
                .filter(lesson__school_class=school_class, pupil_id__in=pupil_ids,
                        lesson__date__gte=first_day, lesson__date__lte=last_day,
                        kind=AttendanceKind.ABSENT))
    closed = [p for p in Period.objects.for_class(school_class)
              if p.is_closed and p.starts_on <= last_day and p.ends_on >= first_day]
    if closed:
        raise ValidationError(_("The period %(period)s is closed: ask the deputy director "
                                "to reopen it.") % {"period": closed[0]})
    for row in rows:
        _write_attendance(user, row.lesson, row.pupil_id, kind, None, row)
    return len(rows)


# Finals --------------------------------------------------------------------------------


def finals_locked(school_class, kind, period):
    """A period's finals are read-only once it is closed; the year's and the exam's once
    the last period of the class's year is."""
    if kind == FinalKind.PERIOD:
        return period.is_closed
    last = Period.objects.for_class(school_class).order_by("-number").first()
    return last is not None and last.is_closed


def finals_entries(user, school_class, subject, school_class_path=None):
    """The timetable entries of the class and subject through which ``user`` enters
    its finals (``ENTER_FINALS``); ``school_class_path`` names an outer query's class
    instead, for an ``Exists`` there."""
    from schedule.models import TimetableEntry

    rows = TimetableEntry.objects.visible_to(user, ENTER_FINALS).filter(subject=subject)
    if school_class_path is not None:
        return rows.filter(school_class=models.OuterRef(school_class_path))
    return rows.filter(school_class=school_class)


def may_enter_finals(user, school_class, subject):
    return finals_entries(user, school_class, subject).exists()


def final_text(row):
    return row.value if row else ""


@transaction.atomic
def save_final(user, school_class, subject, pupil_id, *, kind, value, version, period=None):
    if not may_enter_finals(user, school_class, subject):
        raise PermissionDenied
    if kind not in FinalKind.values:
        raise ValidationError(_("Unknown final."))
    if (kind == FinalKind.PERIOD) != (period is not None):
        raise ValidationError(_("A period final needs its period, and only it."))
    if period is not None and period.institution_id != school_class.institution_id:
        raise PermissionDenied
    if finals_locked(school_class, kind, period):
        raise ValidationError(_("The period is closed: its finals are read-only until the "
                                "deputy director reopens it."))
    if not ClassMembership.objects.filter(school_class=school_class,
                                          pupil_id=pupil_id).exists():
        raise ValidationError(_("The pupil is not in this class."))
    value = _clean_mark(value, school_class.institution_id)
    lookup = {"pupil_id": pupil_id, "subject": subject, "kind": kind}
    lookup.update({"period": period} if period else {"academic_year_id":
                                                     school_class.academic_year_id})
    current = _locked(FinalMark).filter(**lookup).order_by().first()
    _check_version(current, version, final_text)
    if current is not None and period is not None:
        current.period = period
    old = final_text(current)
    if current is None:
        if not value:
            return None
        current = FinalMark(institution_id=school_class.institution_id,
                            academic_year_id=school_class.academic_year_id,
                            school_class=school_class, subject=subject, pupil_id=pupil_id,
                            kind=kind, period=period, value=value, updated_by=user)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            stored = FinalMark.objects.filter(**lookup).first()
            raise Conflict(cell_of(stored, final_text(stored))) from None
    else:
        current.value, current.updated_at, current.updated_by = value, timezone.now(), user
        current.save(update_fields=["value", "updated_at", "updated_by"])
    _log(current, "journal.final", user, pupil_id, old, value)
    return current


# Topic and homework --------------------------------------------------------------------


@transaction.atomic
def save_topic(user, lesson, *, topic, expected):
    """The lesson's topic; ``expected`` is the topic the user's screen showed."""
    from schedule.models import Lesson

    check_lesson(user, lesson)
    topic = (topic or "").strip()
    if len(topic) > 500:
        raise ValidationError(_("The topic is too long: at most 500 characters."))
    stored = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if stored.topic != (expected or "").strip():
        raise Conflict(Cell(stored.topic))
    old = stored.topic
    stored.topic, stored.topic_edited = topic, True
    stored.save(update_fields=["topic", "topic_edited"])
    if old != topic:
        log(lesson, "journal.topic", user=user, data={"old": old, "new": topic})
    lesson.topic, lesson.topic_edited = topic, True
    return lesson


@transaction.atomic
def save_homework(user, lesson, *, text, links, due_on, version, files=()):
    """The lesson's homework: text, links (one per line), due date and new files."""
    check_lesson(user, lesson)
    text, links = (text or "").strip(), (links or "").strip()
    bad = [line for line in links.splitlines()
           if line.strip() and not line.strip().startswith(("http://", "https://"))]
    if bad:
        raise ValidationError(_("A link must start with http:// or https://: %(link)s")
                              % {"link": bad[0].strip()})
    if due_on is not None and due_on < lesson.date:
        raise ValidationError(_("The due date is before the lesson."))
    current = _locked(Homework).filter(lesson=lesson).order_by().first()
    _check_version(current, version, lambda row: row.text if row else "")
    old = current.text if current else ""
    if current is None:
        current = Homework(institution_id=lesson.institution_id, lesson=lesson)
    else:
        current.lesson = lesson
    current.text, current.links, current.due_on = text, links, due_on
    current.updated_at, current.updated_by = timezone.now(), user
    current.save()
    for upload in files:
        # The title is the user's name without its extension: the stored file gets
        # the extension of what its content is (portal/uploads.py).
        current.files.create(file=upload, title=os.path.splitext(upload.name)[0][:200])
    log(lesson, "journal.homework", user=user, data={"old": old, "new": text})
    if text and not old:
        # New homework reaches the class and their parents once the save commits.
        transaction.on_commit(partial(notices.homework_saved.enqueue, current.pk))
    return current


def delete_homework_files(user, lesson, files):
    """Remove files of a lesson's homework; the stored files go once the deletion is
    committed, so a failed save keeps them."""
    check_lesson(user, lesson)
    for row in files:
        name, storage = row.file.name, row.file.storage
        log(lesson, "journal.homework", user=user, data={"old": str(row), "new": ""})
        row.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))

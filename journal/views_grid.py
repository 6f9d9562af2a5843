"""The journal grid (R-JRN-1…6): the page of a class's (or subgroup's) journal of a
subject, the JSON endpoints its cells save to, the lesson's topic and homework page,
and a cell's history.

Views stay thin: ``journal.grid`` loads, ``journal.cells`` writes and decides who may.
Rows are looked up through the access matrix, so another school's id is a 404; a user
who may read but not write gets 403 from ``cells``; bad input is a 400 with a message.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from curriculum.models import (
    InstitutionSettings,
    MarkType,
    Period,
    SchoolClass,
    Subject,
)
from portal.ids import id_or_404, parse_number
from portal.uploads import MultipleFileField
from schedule.models import Lesson

from . import cells
from .grid import attendance_letter, grid_url, open_journal, render_heads
from .models import (
    ATTENDANCE_LETTERS,
    Attendance,
    FinalKind,
    FinalMark,
    HomeworkFile,
    Task,
)
from .rules import FILL_JOURNAL, VIEW_JOURNAL


class BadInput(Exception):
    """A missing or malformed field of a cell save: answered 400 with the message."""


def readable_lessons(user):
    return Lesson.objects.visible_to(user, VIEW_JOURNAL)


def lesson_grid_url(lesson, period=None):
    return grid_url(lesson.school_class_id, lesson.subject_id, lesson.subgroup_id,
                    period.pk if period else None)


# The page ------------------------------------------------------------------------------


@login_required
def grid(request, class_pk, subject_pk):
    journal = open_journal(request.user, class_pk, subject_pk,
                           request.GET.get("group"), request.GET.get("period"))
    subgroup_id = journal.subgroup.pk if journal.subgroup else None
    lesson_heads, work_heads = render_heads(journal, get_token(request))
    return render(request, "journal/grid/grid.html", {
        "journal": journal, "lesson_heads": lesson_heads, "work_heads": work_heads,
        "period_links": [(p, grid_url(class_pk, subject_pk, subgroup_id, p.pk))
                         for p in journal.periods],
        "group_links": [(pk, name, grid_url(class_pk, subject_pk, pk, journal.period.pk))
                        for pk, name in journal.subgroups],
        "letters": {kind.value: str(letter) for kind, letter in ATTENDANCE_LETTERS.items()},
        "debt_word": _("debt"),
        "english_keys": cells.english_keys_hint(),
        "attendance_help": cells.attendance_help(),
        # What the cells accept, from the tables the saves read (journal/cells.py).
        "attendance_inputs": json.dumps(cells.attendance_inputs(), ensure_ascii=False),
        "mark_inputs": json.dumps(cells.mark_inputs(journal.scale), ensure_ascii=False),
        "debt_inputs": json.dumps(cells.debt_inputs(), ensure_ascii=False),
    })


# Cell saves ----------------------------------------------------------------------------


def _int(data, name, *, required=True, minimum=1):
    """An id (or, with ``minimum=0``, a version) posted in ``name``, under the rule of
    ``portal.ids``: anything else is a 400 with the field's name."""
    value = (data.get(name) or "").strip()
    if not value and not required:
        return None
    number = parse_number(value, minimum=minimum)
    if number is None:
        raise BadInput(_("The field «%(field)s» is missing or is not a number.")
                       % {"field": name})
    return number


def _version(data):
    return _int(data, "version", minimum=0)


def _cell_json(cell, text=None):
    data = cell.as_json()
    data["text"] = cell.value if text is None else text
    return data


def cell_endpoint(view):
    """The JSON answers shared by every cell save: 400 on bad input or a refusal with a
    reason, 403 when the user may not write, 409 with the stored cell on a conflict."""

    @login_required
    @require_POST
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadInput as error:
            return JsonResponse({"ok": False, "message": str(error)}, status=400)
        except ValidationError as error:
            return JsonResponse({"ok": False, "message": " ".join(error.messages)},
                                status=400)
        except PermissionDenied:
            return JsonResponse({"ok": False, "message": _(
                "You may read this journal but not change it.")}, status=403)
        except Http404:
            return JsonResponse({"ok": False, "message": _("Not found.")}, status=404)
        except cells.Conflict as conflict:
            current = _cell_json(conflict.current, getattr(conflict, "text", None))
            return JsonResponse({"ok": False, "conflict": True, "current": current,
                                 "message": _(
                                     "Someone else has just saved this cell: it now holds "
                                     "«%(value)s». Check it and type again if needed.")
                                 % {"value": current["text"] or "—"}}, status=409)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@cell_endpoint
def save_mark(request):
    """POST task, pupil, value, debt, comment, version."""
    data = request.POST
    task_pk, pupil_pk = _int(data, "task"), _int(data, "pupil")
    version = _version(data)
    # With the right to fill its lesson, read in the same query (cells.check_lesson).
    # With the pupil's membership on the lesson's date and the school's settings too.
    task = get_object_or_404(
        cells.with_save_context(cells.with_fill_right(
            Task.objects.filter(lesson__in=readable_lessons(request.user)),
            request.user, "lesson_id"), pupil_pk)
        .select_related("lesson__school_class", "mark_type"), pk=task_pk)
    # What was typed, read as the grid's script reads it (journal/cells.py): a debt is
    # typed as a word (as on paper) or sent as a flag; a mark replaces it.
    value, typed_debt = cells.read_mark(data.get("value"), _scale(task.lesson.school_class))
    is_debt = typed_debt or data.get("debt") in ("1", "true", "on")
    mark = cells.save_mark(request.user, task, pupil_pk, value=value, version=version,
                           is_debt=is_debt, comment=data.get("comment", ""))
    return JsonResponse({"ok": True, "cell": _cell_json(cells.cell_of(mark,
                                                                      cells.mark_text(mark)))})


@cell_endpoint
def save_attendance(request):
    """POST lesson, pupil, kind, late_minutes, version."""
    data = request.POST
    lesson_pk, pupil_pk = _int(data, "lesson"), _int(data, "pupil")
    version = _version(data)
    lesson = get_object_or_404(readable_lessons(request.user).select_related("school_class"),
                               pk=lesson_pk)
    if "text" in data:
        # As typed: н, у, б, о10, the same keys on the English layout (journal/cells.py).
        kind, late_minutes = cells.read_attendance(data["text"])
    else:
        kind, late_minutes = data.get("kind", "").strip(), data.get("late_minutes") or None
    try:
        row = cells.save_attendance(request.user, lesson, pupil_pk, kind=kind,
                                    version=version, late_minutes=late_minutes)
    except cells.Conflict as conflict:
        # Show the stored entry as its letter, as the cell shows it.
        conflict.text = attendance_letter(
            Attendance.objects.filter(lesson=lesson, pupil_id=pupil_pk).first())
        raise
    return JsonResponse({"ok": True, "cell": _cell_json(
        cells.cell_of(row, cells.attendance_text(row)), attendance_letter(row))})


@cell_endpoint
def take_attendance(request, pk):
    """Everyone without an entry was present: the register of the lesson is taken."""
    lesson = get_object_or_404(readable_lessons(request.user).select_related("school_class"),
                               pk=pk)
    try:
        cells.take_attendance(request.user, lesson)
    except ValidationError as error:
        return _refused(request, lesson, error)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    messages.success(request, _("The register of %(date)s is taken.")
                     % {"date": f"{lesson.date:%d.%m.%Y}"})
    return redirect(lesson_grid_url(lesson))


@cell_endpoint
def save_final(request):
    """POST class, subject, pupil, kind, period (for a period final), value, version."""
    data = request.POST
    class_pk, subject_pk = _int(data, "class"), _int(data, "subject")
    pupil_pk, version = _int(data, "pupil"), _version(data)
    period_pk = _int(data, "period", required=False)
    if not readable_lessons(request.user).filter(school_class_id=class_pk,
                                                 subject_id=subject_pk).exists():
        raise Http404
    school_class = SchoolClass.objects.select_related(
        "institution__journal_settings__grading_scale").get(pk=class_pk)
    subject = Subject.objects.get(pk=subject_pk)
    kind = data.get("kind", "")
    if kind not in FinalKind.values:
        raise BadInput(_("Unknown final."))
    period = None
    if period_pk is not None:
        period = get_object_or_404(Period.objects.for_class(school_class), pk=period_pk)
    # Read as a mark cell reads it; a debt word is no final.
    value, debt = cells.read_mark(data.get("value"), _scale(school_class))
    if debt:
        raise BadInput(_("A final is a mark, not a debt."))
    final = cells.save_final(request.user, school_class, subject, pupil_pk, kind=kind,
                             value=value, version=version, period=period)
    return JsonResponse({"ok": True, "cell": _cell_json(
        cells.cell_of(final, cells.final_text(final)))})


@cell_endpoint
def new_task(request, pk):
    """A new work (column) in a lesson; back to the grid, or its id as JSON."""
    lesson = get_object_or_404(readable_lessons(request.user).select_related("school_class"),
                               pk=pk)
    try:
        mark_type = MarkType.objects.for_institution(lesson.institution_id).filter(
            pk=_int(request.POST, "mark_type")).first()
    except BadInput:
        mark_type = None
    if mark_type is None:
        raise BadInput(_("Choose a mark type of this school."))
    try:
        task = cells.new_task(request.user, lesson, mark_type,
                              request.POST.get("title", "")[:200])
    except ValidationError as error:
        return _refused(request, lesson, error)
    if _wants_json(request):
        return JsonResponse({"ok": True, "task": task.pk, "mark_type": str(mark_type),
                             "weight": str(mark_type.weight)})
    # The grid opens at the new work's column (on a phone: shows it).
    return redirect(f"{lesson_grid_url(lesson, cells.period_of(lesson))}#task-{task.pk}")


def _scale(school_class):
    """The marks of the class's school, from the settings read with the class (for a
    mark, through ``cells.with_save_context``)."""
    try:
        settings = school_class.institution.journal_settings
    except InstitutionSettings.DoesNotExist:
        return cells.DEFAULT_SCALE
    return settings.grading_scale.mark_list()


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _refused(request, lesson, error):
    """A refusal: the JSON 400 for the grid's script, a message on the grid otherwise."""
    if _wants_json(request):
        raise error
    messages.error(request, " ".join(error.messages))
    return redirect(lesson_grid_url(lesson))


# Topic and homework --------------------------------------------------------------------


class LessonForm(forms.Form):
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=500, required=False)
    expected_topic = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=gettext_lazy("Homework"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    links = forms.CharField(label=gettext_lazy("Links"), required=False,
                            help_text=gettext_lazy("One address per line."),
                            widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"},
                                                    format="%Y-%m-%d"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    files = MultipleFileField(label=gettext_lazy("Attach files"), required=False,
                              stored=HomeworkFile._meta.get_field("file"))
    delete_files = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove files"), queryset=HomeworkFile.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, homework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delete_files"].queryset = (
            homework.files.all() if homework is not None else HomeworkFile.objects.none())


@login_required
def lesson(request, pk):
    """A lesson's topic and homework; read-only for those who may only read."""
    user = request.user
    lesson = get_object_or_404(
        readable_lessons(user).select_related("school_class", "subject", "subgroup",
                                              "teacher__person", "homework"), pk=pk)
    homework = getattr(lesson, "homework", None)
    may_fill = user.has_perm(FILL_JOURNAL, lesson)
    initial = {"topic": lesson.topic, "expected_topic": lesson.topic,
               "text": homework.text if homework else "",
               "links": homework.links if homework else "",
               "due_on": homework.due_on if homework else None,
               "version": homework.version if homework else 0}
    back = lesson_grid_url(lesson, cells.period_of(lesson))
    if request.method == "POST":
        if not may_fill:
            raise PermissionDenied
        form = LessonForm(request.POST, request.FILES, initial=initial, homework=homework)
        if form.is_valid():
            try:
                _save_lesson(user, lesson, homework, form.cleaned_data)
            except cells.Conflict as conflict:
                form.add_error(None, _(
                    "Someone else has changed this lesson meanwhile: it now holds «%(value)s». "
                    "Check and save again.") % {"value": conflict.current.value or "—"})
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The lesson of %(date)s is saved.")
                                 % {"date": f"{lesson.date:%d.%m.%Y}"})
                return redirect(back)
    else:
        form = LessonForm(initial=initial, homework=homework)
    return render(request, "journal/grid/lesson.html", {
        "lesson": lesson, "homework": homework, "form": form, "may_fill": may_fill,
        "back": back,
        "files": list(homework.files.all()) if homework else [],
    })


@transaction.atomic
def _save_lesson(user, lesson, homework, data):
    """Topic, then homework; one transaction, so a refused part changes nothing."""
    if data["topic"].strip() != lesson.topic:
        cells.save_topic(user, lesson, topic=data["topic"], expected=data["expected_topic"])
    changed = homework is None and (data["text"].strip() or data["links"].strip()
                                    or data["due_on"] or data["files"])
    if homework is not None:
        changed = (data["text"].strip() != homework.text
                   or data["links"].strip() != homework.links
                   or data["due_on"] != homework.due_on or data["files"])
    if changed:
        cells.save_homework(user, lesson, text=data["text"], links=data["links"],
                            due_on=data["due_on"], version=data["version"],
                            files=data["files"])
    if data["delete_files"]:
        cells.delete_homework_files(user, lesson, data["delete_files"])


# History -------------------------------------------------------------------------------


@login_required
def cell_history(request):
    """Who changed one cell, when, from what to what: a small HTML fragment."""
    user, params = request.user, request.GET
    ids = {name: id_or_404(params[name]) for name in ("task", "lesson", "pupil", "final")
           if params.get(name)}
    if "final" in ids:
        final = get_object_or_404(FinalMark.objects.visible_to(user), pk=ids["final"])
        if not readable_lessons(user).filter(school_class_id=final.school_class_id,
                                             subject_id=final.subject_id).exists():
            raise Http404
        obj, pupil_id = final, final.pupil_id
    elif "task" in ids and "pupil" in ids:
        obj = get_object_or_404(Task.objects.filter(lesson__in=readable_lessons(user)),
                                pk=ids["task"])
        pupil_id = ids["pupil"]
    elif "lesson" in ids and "pupil" in ids:
        obj = get_object_or_404(readable_lessons(user), pk=ids["lesson"])
        pupil_id = ids["pupil"]
    else:
        raise Http404
    entries = [{"user": cells.author_name(entry.user) or _("system"),
                "timestamp": entry.timestamp,
                "old": entry.data.get("old", ""), "new": entry.data.get("new", "")}
               for entry in cells.cell_history(obj, pupil_id).select_related("user__person")]
    return render(request, "journal/grid/history.html", {"entries": entries})

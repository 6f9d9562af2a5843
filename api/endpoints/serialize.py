"""The diary's, the timetable's and the journal's objects as the API's JSON: the same
objects the pages render (``journal.diary``, ``schedule.calendar``), read the same way,
written out as plain values."""

from journal.models import ATTENDANCE_LETTERS, AttendanceKind


def name_of(person):
    return person.full_name if person is not None else None


def pupil_out(pupil, own_ids=()):
    return {
        "id": pupil.pk,
        "name": pupil.person.full_name,
        "school": pupil.institution.short_name,
        "school_class": str(pupil.school_class) if pupil.school_class_id else None,
        "own": pupil.pk in own_ids,
    }


def mark_out(mark):
    kind = mark.task.mark_type
    return {"id": mark.pk, "value": mark.value, "debt": bool(mark.is_debt and not mark.value),
            "comment": mark.comment, "work_type": kind.name, "weight": float(kind.weight)}


def period_mark_out(mark):
    return {**mark_out(mark), "date": mark.lesson.date}


def attendance_out(row):
    if row is None:
        return None
    return {"kind": row.kind, "letter": str(ATTENDANCE_LETTERS[AttendanceKind(row.kind)]),
            "text": str(row), "late_minutes": row.late_minutes}


def safe_links(homework):
    # As the diary shows them: a link saved some other way never becomes javascript:.
    return [link for link in homework.link_list() if link.startswith(("http://", "https://"))]


def files_out(files):
    return [{"name": str(upload), "url": upload.file.url} for upload in files]


def due_homework_out(due):
    """A ``journal.diary.DueHomework``."""
    return {"id": due.homework.pk, "subject": due.subject.name, "text": due.homework.text,
            "links": safe_links(due.homework), "set_on": due.set_on, "due_on": due.due_on,
            "files": files_out(due.files)}


def set_homework_out(item):
    """The homework set in a ``journal.diary.DiaryLesson``."""
    homework = item.homework
    if homework is None or not (homework.text.strip() or homework.link_list() or item.files):
        return None
    return {"id": homework.pk, "subject": item.lesson.subject.name, "text": homework.text,
            "links": safe_links(homework), "set_on": item.lesson.date,
            "due_on": item.homework_due_on, "files": files_out(item.files)}


def event_out(event):
    return {"title": event.title, "starts_on": event.starts_on, "ends_on": event.ends_on,
            "starts_at": event.starts_at, "place": event.place}


def diary_lesson_out(item):
    lesson = item.lesson
    return {
        "id": lesson.pk, "number": lesson.lesson_number, "starts_at": lesson.starts_at,
        "ends_at": lesson.ends_at, "subject": lesson.subject.name,
        "subgroup": lesson.subgroup.name if lesson.subgroup else None,
        "teacher": name_of(lesson.teacher.person) if lesson.teacher else None,
        "replaced_teacher": (name_of(lesson.replaced_teacher.person)
                             if lesson.replaced_teacher else None),
        "room": (lesson.room.short_name or lesson.room.name) if lesson.room else None,
        "cancelled": lesson.is_cancelled, "topic": lesson.topic,
        "marks": [mark_out(mark) for mark in item.marks],
        "attendance": attendance_out(item.attendance),
        "homework": set_homework_out(item),
        "homework_due": [due_homework_out(due) for due in item.due],
    }


def diary_day_out(day):
    return {
        "date": day.day,
        "school_class": str(day.school_class) if day.school_class is not None else None,
        "lessons": [diary_lesson_out(item) for item in day.lessons],
        "events": [event_out(event) for event in day.events],
        "homework_due": [due_homework_out(due) for due in day.extra_homework],
    }


def period_out(period):
    return {"id": period.pk, "name": period.label, "starts_on": period.starts_on,
            "ends_on": period.ends_on, "closed": period.is_closed}


def timetable_lesson_out(lesson):
    """A lesson of ``schedule.calendar.week`` (a ``Lesson`` with its details)."""
    return {
        "id": lesson.pk, "date": lesson.date, "number": lesson.lesson_number,
        "starts_at": lesson.starts_at, "ends_at": lesson.ends_at,
        "school_class": str(lesson.school_class),
        "subgroup": lesson.subgroup.name if lesson.subgroup_id else None,
        "subject": lesson.subject.name,
        "teacher": name_of(lesson.teacher.person) if lesson.teacher_id else None,
        "replaced_teacher": (name_of(lesson.replaced_teacher.person)
                             if lesson.replaced_teacher_id else None),
        "room": (lesson.room.short_name or lesson.room.name) if lesson.room_id else None,
        "cancelled": lesson.is_cancelled,
        "changes": [str(change) for change in lesson.changes],
        "notes": [str(note) for note in lesson.notes],
    }


def cell_out(cell):
    return cell.as_json()

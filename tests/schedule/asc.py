"""Writes an aSc Timetables XML export of timetable entries, as aSc Timetables 2019
lays it out (or 2021, with double lessons a card per period): the demo names are random
per seed, so the tests export what the demo city built and change what the test is
about."""

from xml.sax.saxutils import quoteattr

from curriculum.models import AcademicYear, SchoolClass
from records.models import Institution
from schedule.models import TimetableEntry


def asc_export(entries, teacher_names=None, rooms=None, doubles=None):
    """``entries``: TimetableEntry rows (or look-alikes) with their related rows loaded;
    ``teacher_names``: {staff pk: (lastname, firstname)} written instead of the real
    names; ``rooms``: {entry pk: room name} written instead of the entry's room.
    ``doubles``: None writes every lesson as single periods; otherwise two lessons of a
    day that follow each other (same class, group, subject and teacher) become a double
    lesson (``periodspercard="2"``) written as aSc 2021 does, a card per period
    ("cards"), or as older versions do, one card for the pair ("pairs")."""
    teacher_names = dict(teacher_names or {})
    rooms = rooms or {}
    subjects, teachers, classes, groups, classrooms = {}, {}, {}, {}, {}
    lessons, cards, periods = {}, [], {}

    def ident(table, key, prefix):
        return table.setdefault(key, f"{prefix}{len(table) + 1}")

    def slot(entry, number):
        return (entry.school_class_id, entry.subgroup_id, entry.subject_id, entry.teacher_id,
                entry.weekday, number)

    placed = {slot(entry, entry.lesson_number) for entry in entries}
    first_of_pair = set()
    if doubles:
        for key in sorted(placed, key=lambda k: k[5]):
            if (*key[:5], key[5] + 1) in placed and key not in first_of_pair and (
                    (*key[:5], key[5] - 1) not in first_of_pair):
                first_of_pair.add(key)
    for entry in entries:
        subject = ident(subjects, entry.subject.name, "S")
        teacher = ident(teachers, entry.teacher_id, "T")
        klass = ident(classes, str(entry.school_class), "C")
        whole = ident(groups, (klass, ""), "G")
        group = ident(groups, (klass, entry.subgroup.name), "G") if entry.subgroup else whole
        room_name = rooms.get(entry.pk, str(entry.room) if entry.room else "")
        room = ident(classrooms, room_name, "R") if room_name else ""
        key = slot(entry, entry.lesson_number)
        second = (*key[:5], key[5] - 1) in first_of_pair
        double = key in first_of_pair or second
        lesson = ident(lessons, (klass, group, subject, teacher, double), "L")
        periods[lesson] = periods.get(lesson, 0) + 1
        if second and doubles == "pairs":
            continue  # the pair's card is its first period's
        days = "".join("1" if day == entry.weekday else "0" for day in range(1, 6))
        cards.append((lesson, entry.lesson_number, days, room))
        if entry.teacher_id not in teacher_names:
            person = entry.teacher.person
            teacher_names[entry.teacher_id] = (person.surname,
                                               f"{person.name} {person.patronymic}".strip())

    def rows(tag, items):
        return "\n".join(f"    <{tag} " + " ".join(f"{k}={quoteattr(str(v))}"
                                                 for k, v in item.items()) + "/>"
                         for item in items)

    xml = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<timetable ascttversion="{"2021" if doubles == "cards" else "2019"}" '
        'importtype="database" '
        'options="idprefix:SGO,daynumbering1" defaultexport="1">',
        '  <periods columns="period,name,short,starttime,endtime">',
        rows("period", [{"name": n, "short": n, "period": n} for n in range(1, 8)]),
        "  </periods>",
        '  <daysdefs columns="id,days,name,short">',
        rows("daysdef", [{"id": "*1", "name": "Любой день", "short": "X",
                          "days": "10000,01000,00100,00010,00001"}]),
        "  </daysdefs>",
        '  <subjects columns="id,name,short,partner_id">',
        rows("subject", [{"id": i, "name": name, "short": name[:4], "partner_id": ""}
                         for name, i in subjects.items()]),
        "  </subjects>",
        '  <teachers columns="id,firstname,lastname,name,short,gender,color,email,mobile">',
        rows("teacher", [{"id": i, "firstname": teacher_names[pk][1],
                          "lastname": teacher_names[pk][0],
                          "name": " ".join(teacher_names[pk]), "short": i}
                         for pk, i in teachers.items()]),
        "  </teachers>",
        '  <classrooms columns="id,name,short,capacity,buildingid,partner_id">',
        rows("classroom", [{"id": i, "name": name, "short": name}
                           for name, i in classrooms.items()]),
        "  </classrooms>",
        '  <classes columns="id,name,short,classroomids,teacherid,grade,partner_id">',
        rows("class", [{"id": i, "name": name, "short": name} for name, i in classes.items()]),
        "  </classes>",
        '  <groups columns="id,classid,name,entireclass,divisiontag,studentcount">',
        rows("group", [{"id": i, "classid": klass, "name": name or "Весь класс",
                        "entireclass": "0" if name else "1", "divisiontag": "1" if name else "0"}
                       for (klass, name), i in groups.items()]),
        "  </groups>",
        '  <lessons columns="id,subjectid,classids,groupids,teacherids,classroomids,'
        'periodspercard,periodsperweek">',
        rows("lesson", [{"id": i, "classids": klass, "subjectid": subject, "groupids": group,
                         "teacherids": teacher, "classroomids": "",
                         "periodspercard": "2" if double else "1",
                         "periodsperweek": f"{periods[i]}.0"}
                        for (klass, group, subject, teacher, double), i in lessons.items()]),
        "  </lessons>",
        '  <cards columns="lessonid,period,days,weeks,terms,classroomids">',
        rows("card", [{"lessonid": lesson, "period": number, "days": days, "weeks": "1",
                       "terms": "1", "classroomids": room}
                      for lesson, number, days, room in cards]),
        "  </cards>",
        "</timetable>",
    ]
    return "\n".join(xml).encode("utf-8")


# The demo city's СОШ № 1 -----------------------------------------------------------


def school(n=1):
    return Institution.objects.get(short_name=f"СОШ № {n}")


def year_of(institution):
    return AcademicYear.objects.get(institution=institution, is_current=True)


def entries_of(institution):
    return list(TimetableEntry.objects.filter(institution=institution).select_related(
        "school_class", "subgroup", "subject", "teacher__person", "room").order_by("pk"))


def class_5a(institution):
    return SchoolClass.objects.get(academic_year__is_current=True,
                                   institution=institution, grade=5, letter="А")


def demo_export():
    """СОШ № 1's timetable as aSc exports it, where two of 5А's teachers are still
    «vacancies», one lesson of 5А moves to the assembly hall and one is dropped."""
    institution = school()
    entries = entries_of(institution)
    whole_class = sorted((e for e in entries if e.school_class_id == class_5a(institution).pk
                          and e.subgroup_id is None), key=lambda e: (e.weekday, e.lesson_number))
    moved, dropped = whole_class[0], whole_class[-1]
    vacancies = []
    for e in whole_class[1:-1]:
        if e.teacher_id not in vacancies and e.teacher_id != moved.teacher_id:
            vacancies.append(e.teacher_id)
    vacancies = vacancies[:2]
    content = asc_export([e for e in entries if e.pk != dropped.pk],
                         teacher_names={vacancies[0]: ("Вакансия", "1"),
                                        vacancies[1]: ("Вакансия", "2")},
                         rooms={moved.pk: "Актовый зал"})
    return content, {"moved": moved, "dropped": dropped, "vacancies": vacancies}

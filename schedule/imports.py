"""Import of a school's weekly timetable (R-SCH-3) from an aSc Timetables XML export or
from a CSV file.

**aSc Timetables XML** ("aSc Timetables 20xx XML" export, root ``<timetable>``): the
names come from ``<subjects>``, ``<teachers>`` (``lastname`` + ``firstname``, or
``name``), ``<classes>``, ``<groups>`` and ``<classrooms>``; the slots from ``<cards>``:
each card places one ``<lesson>`` (its ``classids``, ``subjectid``, ``teacherids``,
``groupids``, ``periodspercard``) on the days of its ``days`` bit string ("10000" is
Monday, "000001" Saturday) at the lesson number ``period``, in the card's classroom.
What aSc exports, and how it is read:

- *double lessons* (``periodspercard="2"``) come in two encodings, told apart per
  lesson: older versions write one card for the pair, which then takes two lesson
  numbers; aSc 2021 writes a card per period, each taking its own. A lesson's cards
  are read as one period each when two of them follow each other on a day, or when,
  one period each, they give the lesson's ``periodsperweek`` and stretched they would
  not (``cards_are_periods``);
- *several teachers* (``teacherids="T1,T2"``): the first is the lesson's teacher, the
  others its co-teachers;
- *joint lessons*: a lesson of several classes, or of several groups, gives each class
  (or group) its own entry, marked joint: one lesson in one room with one teacher,
  which is no clash (``schedule.conflicts``);
- *rooms* are told apart by their ``short`` name: two classrooms of one name with
  different short names are two rooms, matched by the short name first;
- *fortnightly weeks*: a card's ``weeks`` ("10" week A, "01" week B, "1" or "11"
  every week), or else its lesson's ``weeksdefid`` in ``<weeksdefs>``; longer cycles
  are refused. Which calendar week is A: ``schedule.models.fortnight_week``;
- a group that is not the entire class becomes a subgroup of the class for the subject.
  Lessons without cards (not placed) are not imported. The lessons a file gives are
  counted card by card while it is read: a file giving more than ``MAX_ROWS`` is
  refused before any of them is built.

**CSV** (UTF-8 or Windows-1251, separated by ``;`` or ``,``, an optional header line),
one lesson per line in these columns: class (5А), day of the week (1–6, or the Russian
name or its abbreviation: понедельник, пн), lesson number, subject (its name or short
name), teacher (surname with initials or the full name; several teachers of one lesson
separated by ``/`` or ``,``), room (optional), subgroup (optional, e.g. «группа 1»),
week (optional: А or Б for a fortnightly timetable, empty for every week)::

    5А;пн;1;Математика;Иванова М. П.;201;;
    5А;Понедельник;2;Английский язык;Петров И. С.;305;группа 1;
    5А;ср;3;Технология;Иванова М. П. / Петров И. С.;Мастерская;;А

Nothing is written until the whole file reads and matches: every line that cannot be
read is reported by its number (or card), a file with such lines changes nothing.
Names are matched within the school (``Directory``); what does not match goes to the
mapping screen, where the user maps it to one of the school's rows, or lets a room or
a subgroup be created. The import replaces the school's timetable of the academic year
between two dates: older entries are cut out of that range (shortened, split or
removed), the file's lessons take their place, and the year's lessons are regenerated
(``schedule.lessons.generate_lessons``), keeping the ones that hold journal data.
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curriculum.models import SchoolClass, Subgroup, Subject
from portal.ids import parse_number
from portal.tabular import ImportFileError, decode_csv, read_csv
from records.models import Staff, normalize_name

from .conflicts import SlotTimes, clashes
from .lessons import generate_lessons
from .models import Lesson, Room, TimetableEntry, Weeks, with_co_teachers

MAX_SIZE = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 16  # the seven columns of a CSV line, and a few notes beside them
CREATE = "new"  # a mapping value: create the room or subgroup named in the file

CSV_COLUMNS = [
    gettext_lazy("Class"),
    gettext_lazy("Day of the week"),
    gettext_lazy("Lesson number"),
    gettext_lazy("Subject"),
    gettext_lazy("Teacher"),
    gettext_lazy("Room"),
    gettext_lazy("Subgroup"),
    gettext_lazy("Week"),
]
SAMPLE_CSV = (
    "Класс;День недели;Урок;Предмет;Учитель;Кабинет;Подгруппа;Неделя\n"
    "5А;пн;1;Математика;Иванова М. П.;201;;\n"
    "5А;пн;2;Английский язык;Петров И. С.;305;группа 1;\n"
    "5А;пн;2;Английский язык;Сидорова А. В.;306;группа 2;\n"
    "5А;вторник;1;Русский язык;Иванова Мария Петровна;201;;\n"
    "5А;ср;3;Технология;Иванова М. П. / Петров И. С.;Мастерская;;\n"
    "5А;чт;4;Музыка;Сидорова А. В.;201;;А\n"
    "5А;чт;4;ИЗО;Сидорова А. В.;201;;Б\n"
)

WEEKDAYS = {
    "понедельник": 1, "пн": 1, "пон": 1, "monday": 1, "mon": 1,
    "вторник": 2, "вт": 2, "вто": 2, "tuesday": 2, "tue": 2,
    "среда": 3, "ср": 3, "сре": 3, "wednesday": 3, "wed": 3,
    "четверг": 4, "чт": 4, "чет": 4, "thursday": 4, "thu": 4,
    "пятница": 5, "пт": 5, "пят": 5, "friday": 5, "fri": 5,
    "суббота": 6, "сб": 6, "суб": 6, "saturday": 6, "sat": 6,
}
# Class letters typed in Latin: the transliteration of А, Б, В, Г, Д, Е ("5a", "5b").
LATIN_LETTERS = str.maketrans({"A": "А", "B": "Б", "V": "В", "G": "Г", "D": "Д", "E": "Е"})


# aSc's weeks of a card: every week, or week A or B of a fortnight.
ASC_WEEKS = {"10": Weeks.A, "01": Weeks.B}
CSV_WEEKS = {"а": Weeks.A, "a": Weeks.A, "1": Weeks.A, "б": Weeks.B, "b": Weeks.B,
             "2": Weeks.B}


@dataclass
class SourceRow:
    """One lesson of the file, by the names it uses."""

    where: str  # "line 4", "card 12": how the errors name it
    school_class: str
    weekday: int
    lesson_number: int
    subject: str
    teacher: str
    room: str = ""
    subgroup: str = ""
    co_teachers: tuple = ()  # the further teachers of the lesson
    weeks: str = Weeks.EVERY
    joint: str = ""  # the classes and groups of a joint lesson ("7А девочки, 7Б девочки")
    room_short: str = ""  # the room's short name (aSc tells rooms apart by it)
    double: bool = False  # one period of a double lesson

    @property
    def room_key(self):
        """What the room is known by in the file: its short name, else its name."""
        return self.room_short or self.room

    @property
    def room_label(self):
        if self.room_short and self.room_short != self.room:
            return f"{self.room} ({self.room_short})"
        return self.room


@dataclass
class Parsed:
    rows: list
    errors: list  # (where, message): the file is not imported
    warnings: list = field(default_factory=list)  # (where, message): imported anyway


def file_hash(content):
    return hashlib.sha256(content).hexdigest()


# Reading --------------------------------------------------------------------------------


def read_file(content, filename):
    """The lessons of an XML or CSV file; raises ImportFileError for a file that cannot
    be read at all."""
    if not content or not content.strip():
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_SIZE:
        raise ImportFileError(_("The file is too large: at most 2 MB."))
    name = filename.lower()
    if name.endswith(".xml"):
        parsed = parse_asc_xml(content)
    elif name.endswith((".csv", ".txt")):
        parsed = parse_csv(content)
    else:
        raise ImportFileError(_("Upload an aSc Timetables export (.xml) or a .csv file."))
    if not parsed.rows and not parsed.errors:
        raise ImportFileError(_("The file has no lessons."))
    if len(parsed.rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(n)s lessons can be imported at once.")
                              % {"n": MAX_ROWS})
    return parsed


def weekday_of(text):
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        return parse_number(text, minimum=1, maximum=6)
    return WEEKDAYS.get(text.replace("ё", "е"))


def parse_csv(content):
    if b"\x00" in content:
        raise ImportFileError(_("The file is not a text (CSV) file."))
    text = decode_csv(content)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows, errors = [], []
    table = read_csv(text, delimiter=delimiter, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    for number, cells in enumerate(table, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        cells += [""] * (len(CSV_COLUMNS) - len(cells))
        where = _("line %(n)s") % {"n": number}
        class_name, day, lesson, subject, teacher, room, subgroup, week = cells[:8]
        if not rows and not errors and not lesson.isdigit() and weekday_of(day) is None:
            continue  # the header line
        problems = []
        if not class_name:
            problems.append(_("the class is missing"))
        weekday = weekday_of(day)
        if weekday is None:
            problems.append(_("bad day of the week «%(d)s»: write 1–6 or the day's name")
                            % {"d": day})
        lesson_number = parse_number(lesson, minimum=0, maximum=12)
        if lesson_number is None:
            problems.append(_("bad lesson number «%(n)s»") % {"n": lesson})
        if not subject:
            problems.append(_("the subject is missing"))
        teachers = teacher_names(teacher)
        if not teachers:
            problems.append(_("the teacher is missing"))
        weeks = CSV_WEEKS.get(week.lower().replace("неделя", "").strip(), None) if week else ""
        if weeks is None:
            problems.append(_("bad week «%(w)s»: write А or Б, or leave it empty for every "
                              "week") % {"w": week})
        if problems:
            errors.append((where, "; ".join(problems)))
            continue
        rows.append(SourceRow(where, class_name, weekday, lesson_number, subject, teachers[0],
                              room, subgroup, co_teachers=tuple(teachers[1:]), weeks=weeks))
    return Parsed(rows, errors)


def teacher_names(text):
    """The teachers of a CSV cell: «Иванова М. П. / Петров И. С.» (or with commas)."""
    return [name.strip() for name in re.split(r"[/,]", text) if name.strip()]


def _ids(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _section(root, name, item):
    """{id: element} of one list of the export."""
    section = root.find(name)
    return {} if section is None else {e.get("id"): e for e in section.findall(item)}


@dataclass
class Card:
    """A card of an aSc export, read and checked: where it places its lesson."""

    where: str
    lesson: object  # the <lesson> element
    weekdays: list
    period: int
    weeks: str
    share: float  # of the weeks the card runs in: 1 every week, 0.5 in week A or B
    room: object  # the <classroom> element, or None


def too_many_lessons():
    return ImportFileError(_("The file gives more than %(n)s lessons (its cards times "
                             "their classes, days and lesson numbers): at most %(n)s "
                             "lessons can be imported at once.") % {"n": MAX_ROWS})


def cards_are_periods(lesson, cards):
    """Whether the cards of a lesson of ``periodspercard`` > 1 each place one period
    (aSc 2021) rather than the whole double lesson (older aSc): so when two of them
    follow each other on a day, or when, one period each, they give the lesson's
    ``periodsperweek`` and stretched they would not."""
    placed = {(card.weeks, day, card.period) for card in cards for day in card.weekdays}
    if any((weeks, day, period + 1) in placed for weeks, day, period in placed):
        return True
    try:
        per_week = float(lesson.get("periodsperweek") or "")
    except ValueError:
        return False
    per_card = int(lesson.get("periodspercard"))
    singles = sum(len(card.weekdays) * card.share for card in cards)
    return abs(singles - per_week) < 0.01 and abs(singles * per_card - per_week) >= 0.01


def parse_asc_xml(content):
    try:
        root = SafeElementTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ImportFileError(_("The XML file declares a DTD or entities; "
                                "export it from aSc Timetables again.")) from error
    except (ParseError, ValueError) as error:
        raise ImportFileError(_("The file is not readable XML: %(e)s") % {"e": error}) from error
    if root.tag != "timetable":
        raise ImportFileError(_("This is not an aSc Timetables XML export (no <timetable>)."))
    subjects = _section(root, "subjects", "subject")
    teachers = _section(root, "teachers", "teacher")
    classes = _section(root, "classes", "class")
    groups = _section(root, "groups", "group")
    rooms = _section(root, "classrooms", "classroom")
    lessons = _section(root, "lessons", "lesson")
    weeksdefs = _section(root, "weeksdefs", "weeksdef")
    cards = root.find("cards")
    cards = [] if cards is None else cards.findall("card")
    if not cards:
        raise ImportFileError(_("The export has no cards: place the lessons in aSc "
                                "Timetables and export again."))
    if len(cards) > MAX_ROWS:
        raise too_many_lessons()

    def name_of(element):
        return (element.get("name") or element.get("short") or "").strip()

    def teacher_name(element):
        last, first = (element.get("lastname") or "").strip(), (element.get("firstname")
                                                                 or "").strip()
        return f"{last} {first}".strip() if last else name_of(element)

    errors, warnings, read = [], [], []
    for number, card in enumerate(cards, start=1):
        lesson_id = card.get("lessonid", "")
        where = _("card %(n)s (lesson %(id)s)") % {"n": number, "id": lesson_id}
        lesson = lessons.get(lesson_id)
        if lesson is None:
            errors.append((where, _("the card's lesson is not in <lessons>")))
            continue
        problems = []
        days, period = (card.get("days") or "").strip(), (card.get("period") or "").strip()
        weekdays = [n for n, bit in enumerate(days, start=1) if bit == "1"]
        if not days or set(days) - {"0", "1"} or not weekdays or max(weekdays) > 6:
            problems.append(_("bad days «%(d)s»: a string like 10000 with a 1 for a day "
                              "from Monday to Saturday") % {"d": days})
        per_card = (lesson.get("periodspercard") or "1").strip()
        if not period.isdigit() or int(period) > 12:
            problems.append(_("bad lesson number «%(n)s»") % {"n": period})
        if not per_card.isdigit() or not 1 <= int(per_card) <= 4:
            problems.append(_("bad periodspercard «%(n)s»") % {"n": per_card})
        weeks = (card.get("weeks") or "").strip()
        if not weeks and lesson.get("weeksdefid") in weeksdefs:
            weeks = (weeksdefs[lesson.get("weeksdefid")].get("weeks") or "").strip()
        if weeks and set(weeks) != {"1"} and weeks not in ASC_WEEKS:
            problems.append(_("bad weeks «%(w)s»: only a timetable of every week (1, 11) "
                              "or of weeks A and B (10, 01) can be imported") % {"w": weeks})
        subject = subjects.get(lesson.get("subjectid"))
        if subject is None:
            problems.append(_("unknown subject id «%(id)s»") % {"id": lesson.get("subjectid")})
        class_ids = _ids(lesson.get("classids"))
        missing = [i for i in class_ids if i not in classes]
        if missing:
            problems.append(_("unknown class id «%(id)s»") % {"id": ", ".join(missing)})
        teacher_ids = _ids(lesson.get("teacherids"))
        missing = [i for i in teacher_ids if i not in teachers]
        if not teacher_ids:
            problems.append(_("the lesson has no known teacher"))
        elif missing:
            problems.append(_("unknown teacher id «%(id)s»") % {"id": ", ".join(missing)})
        if problems:
            errors.append((where, "; ".join(problems)))
            continue
        if not class_ids:
            warnings.append((where, _("the lesson has no class: skipped")))
            continue
        room_ids = _ids(card.get("classroomids"))
        room = rooms.get(room_ids[0]) if room_ids else None
        read.append(Card(where, lesson, weekdays, int(period), ASC_WEEKS.get(weeks, ""),
                         0.5 if weeks in ASC_WEEKS else 1, room))

    by_lesson = defaultdict(list)
    for card in read:
        by_lesson[card.lesson.get("id")].append(card)
    one_period = {lesson_id: cards_are_periods(lessons[lesson_id], cards)
                  for lesson_id, cards in by_lesson.items()
                  if int(lessons[lesson_id].get("periodspercard") or "1") > 1}
    # Counted before any row is built: a few cards of many classes and days must not
    # become millions of rows.
    placed, count = [], 0
    for card in read:
        lesson = card.lesson
        per_card = int(lesson.get("periodspercard") or "1")
        periods = 1 if one_period.get(lesson.get("id"), True) else per_card
        if card.period + periods - 1 > 12:
            errors.append((card.where, _("bad lesson number «%(n)s»")
                           % {"n": card.period + periods - 1}))
            continue
        parts = lesson_parts(lesson, classes, groups, name_of)
        count += len(parts) * len(card.weekdays) * periods
        if count > MAX_ROWS:
            raise too_many_lessons()
        placed.append((card, parts, periods))
    rows = []
    for card, parts, periods in placed:
        lesson = card.lesson
        names = [teacher_name(teachers[i]) for i in _ids(lesson.get("teacherids"))]
        room, room_short = "", ""
        if card.room is not None:
            room = name_of(card.room)
            room_short = (card.room.get("short") or "").strip()
        joint = ", ".join(f"{class_name} {group}".strip()
                          for class_name, group in parts) if len(parts) > 1 else ""
        for class_name, group in parts:
            for weekday in card.weekdays:
                for offset in range(periods):
                    rows.append(SourceRow(
                        card.where, class_name, weekday, card.period + offset,
                        name_of(subjects[lesson.get("subjectid")]), names[0], room, group,
                        co_teachers=tuple(names[1:]), weeks=card.weeks, joint=joint,
                        room_short=room_short,
                        double=int(lesson.get("periodspercard") or "1") > 1))
    return Parsed(rows, errors, warnings)


def lesson_parts(lesson, classes, groups, name_of):
    """(class name, group name or "") of each class, or group of a class, that a lesson
    is for: several make it a joint lesson."""
    lesson_groups = [groups[i] for i in _ids(lesson.get("groupids")) if i in groups]
    parts = []
    for class_id in _ids(lesson.get("classids")):
        of_class = [name_of(g) for g in lesson_groups
                    if g.get("classid") == class_id and g.get("entireclass") != "1"]
        parts += [(name_of(classes[class_id]), group) for group in of_class or [""]]
    return parts


# Matching -------------------------------------------------------------------------------


def class_key(text):
    text = re.sub(r"[\s\-«»\"'.]", "", text).upper()
    return text.translate(LATIN_LETTERS)


def plain_key(text):
    return " ".join(normalize_name(text).replace(".", " ").split())


def group_key(text):
    """«1 группа» and «группа 1» are one name."""
    return " ".join(sorted(plain_key(text).split()))


def person_keys(text):
    """Keys a teacher's name in a file is looked up by: the full name, and the surname
    with initials (also when the initials come first: «И. И. Иванов»)."""
    tokens = plain_key(text).split()
    if not tokens:
        return []
    if len(tokens) > 1 and all(len(t) == 1 for t in tokens[:-1]):
        tokens = tokens[-1:] + tokens[:-1]
    keys = [" ".join(tokens)]
    if len(tokens) > 1:
        rest = "".join(tokens[1:])
        initials = rest if len(tokens) == 2 and len(rest) <= 2 else "".join(
            t[0] for t in tokens[1:])
        keys.append(f"{tokens[0]} {initials}")
    else:
        keys.append(tokens[0])  # the surname alone, when only one teacher has it
    return keys


def staff_keys(person):
    initials = "".join(p[0] for p in (person.name, person.patronymic) if p)
    return [normalize_name(person.surname, person.name, person.patronymic),
            normalize_name(person.name, person.patronymic, person.surname),
            f"{normalize_name(person.surname)} {initials.lower().replace('ё', 'е')}",
            f"{normalize_name(person.surname)} {initials[:1].lower().replace('ё', 'е')}",
            normalize_name(person.surname)]


class Directory:
    """The school's classes (of the year), subjects, teachers, rooms and subgroups by the
    keys their names are matched by, read in a fixed number of queries. A key that fits
    two rows matches neither: it goes to the mapping screen."""

    def __init__(self, institution, year):
        self.classes = list(SchoolClass.objects.filter(institution=institution,
                                                       academic_year=year))
        self.subjects = list(Subject.objects.filter(institution=institution))
        self.teachers = list(Staff.objects.filter(institution=institution).current()
                             .select_related("person", "position").order_by("person__search_name"))
        self.rooms = list(Room.objects.filter(institution=institution).order_by("name"))
        self.subgroups = list(Subgroup.objects.filter(institution=institution,
                                                      school_class__academic_year=year)
                              .select_related("school_class", "subject"))
        self.by_pk = {
            "class": {str(c.pk): c for c in self.classes},
            "subject": {str(s.pk): s for s in self.subjects},
            "teacher": {str(t.pk): t for t in self.teachers},
            "room": {str(r.pk): r for r in self.rooms},
            "subgroup": {str(g.pk): g for g in self.subgroups},
        }
        self.class_index = self._index((class_key(str(c)), c) for c in self.classes)
        self.subject_index = self._index(
            [(plain_key(s.name), s) for s in self.subjects]
            + [(plain_key(s.short_name), s) for s in self.subjects if s.short_name])
        self.teacher_index = self._index((key, t) for t in self.teachers
                                          for key in staff_keys(t.person))
        self.room_index = self._index(
            [(plain_key(r.short_name), r) for r in self.rooms if r.short_name]
            + [(plain_key(r.name), r) for r in self.rooms if plain_key(r.name) != plain_key(
                r.short_name)])
        self.subgroup_index = self._index(
            ((g.school_class_id, g.subject_id, group_key(g.name)), g) for g in self.subgroups)

    @staticmethod
    def _index(pairs):
        index = {}
        for key, row in pairs:
            if not key:
                continue
            if key in index and index[key] is not row:
                index[key] = None  # ambiguous
            else:
                index[key] = row
        return index

    def subject(self, name):
        return self.subject_index.get(plain_key(name))

    def room(self, row, shared_names):
        """The room of a row: by its short name, else by its name, unless the file gives
        that name to several rooms (with different short names)."""
        if row.room_short:
            found = self.room_index.get(plain_key(row.room_short))
            if found is not None:
                return found
        if plain_key(row.room) in shared_names:
            return None
        return self.room_index.get(plain_key(row.room))

    def teacher(self, name):
        for key in person_keys(name):
            found = self.teacher_index.get(key)
            if found is not None:
                return found
        return None

    def choices(self, kind, school_class=None, subject=None):
        rows = {"class": self.classes, "subject": self.subjects, "teacher": self.teachers,
                "room": self.rooms}.get(kind)
        if kind == "subgroup":
            rows = [g for g in self.subgroups if g.school_class_id == getattr(
                school_class, "pk", None) and g.subject_id == getattr(subject, "pk", None)]
        label = (lambda t: f"{t.person.full_name} ({t.position})") if kind == "teacher" else (
            lambda g: g.name) if kind == "subgroup" else str
        return [(str(row.pk), label(row)) for row in rows]


KIND_LABELS = {
    "class": gettext_lazy("Class"),
    "subject": gettext_lazy("Subject"),
    "teacher": gettext_lazy("Teacher"),
    "room": gettext_lazy("Room"),
    "subgroup": gettext_lazy("Subgroup"),
}
CREATABLE = {"room", "subgroup"}


@dataclass
class Unmatched:
    """A name of the file that fits none (or several) of the school's rows."""

    kind: str
    key: str  # the mapping's key: the name, or "class pk|subject pk|name" of a subgroup
    name: str
    where: str  # where it first occurs
    choices: list
    value: str = ""  # the current mapping: a pk, CREATE, or "" (not chosen)
    count: int = 0
    context: str = ""  # the class and subject of a subgroup

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def creatable(self):
        return self.kind in CREATABLE

    @property
    def missing(self):
        return not self.value


@dataclass
class Plan:
    institution: object
    year: object
    valid_from: datetime.date
    valid_to: datetime.date
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    entries: list = field(default_factory=list)  # unsaved TimetableEntry, with .where
    new_rooms: list = field(default_factory=list)  # unsaved Room
    new_subgroups: list = field(default_factory=list)  # unsaved Subgroup
    created: list = field(default_factory=list)  # new entries in an empty slot
    replaced: list = field(default_factory=list)  # (old entry, new entry in its place)
    updated: list = field(default_factory=list)  # (old entry, new): teacher or room changed
    unchanged: list = field(default_factory=list)  # old entries the file repeats
    removed: list = field(default_factory=list)  # old entries with no new one in the slot
    cut: list = field(default_factory=list)  # old entries reaching outside the dates

    @property
    def missing(self):
        return [item for item in self.unmatched if item.missing]

    @property
    def changed(self):
        """Replaced and updated slots, as (old entry, new entry)."""
        return self.replaced + self.updated

    @property
    def to_create(self):
        return self.created + [new for _old, new in self.replaced]

    @property
    def ready(self):
        return not self.errors and not self.missing and bool(self.entries)

    @property
    def features(self):
        """[(label, number of the file's weekly lessons)] of what aSc can say beyond a
        plain lesson, for the preview and the report."""
        entries = self.entries
        counts = [
            (_("joint lessons of several classes or groups"), sum(e.joint for e in entries)),
            (_("lessons of week A or B"), sum(bool(e.weeks) for e in entries)),
            (_("periods of double lessons"), sum(e.double for e in entries)),
            (_("lessons with several teachers"),
             sum(bool(e.new_co_teachers) for e in entries)),
        ]
        return [(label, n) for label, n in counts if n]


def build_plan(parsed, institution, year, valid_from, valid_to, mapping):
    """Matches the file's names, checks lesson numbers and clashes and compares with the
    current timetable; writes nothing. ``mapping`` is {kind: {key: value}} from the
    mapping screen."""
    plan = Plan(institution, year, valid_from, valid_to, errors=list(parsed.errors),
                warnings=list(parsed.warnings))
    if parsed.errors:
        return plan
    directory = Directory(institution, year)
    unmatched = {}
    new_rooms, new_subgroups = {}, {}

    def resolve(kind, key, name, where, found, **context):
        if found is not None:
            return found
        chosen = str((mapping.get(kind) or {}).get(key, ""))
        item = unmatched.get((kind, key))
        if item is None:
            item = unmatched[(kind, key)] = Unmatched(
                kind, key, name, where, directory.choices(kind, **context),
                context=" ".join(str(v) for v in context.values()))
        item.count += 1
        row = directory.by_pk[kind].get(chosen)
        if kind == "subgroup" and row is not None and (
                row.school_class_id, row.subject_id) != (context["school_class"].pk,
                                                         context["subject"].pk):
            row = None  # mapped to a group of another class: not a choice here
        if row is not None:
            item.value = chosen
            return row
        if kind in CREATABLE:  # not mapped (or mapped to a row that is not a choice)
            item.value = CREATE
            return CREATE
        return None

    times = SlotTimes(institution.pk)
    limits = {"room": Room._meta.get_field("name").max_length,
              "room_short": Room._meta.get_field("short_name").max_length,
              "subgroup": Subgroup._meta.get_field("name").max_length}
    shared_names = shared_room_names(parsed.rows)
    for row in parsed.rows:
        too_long = [kind for kind, limit in limits.items() if len(getattr(row, kind)) > limit]
        if too_long:
            plan.errors += [(row.where, _("the %(what)s name is longer than %(n)s characters")
                             % {"what": KIND_LABELS[kind.removesuffix("_short")].lower(),
                                "n": limits[kind]})
                            for kind in too_long]
            continue
        school_class = resolve("class", row.school_class, row.school_class, row.where,
                               directory.class_index.get(class_key(row.school_class)))
        subject = resolve("subject", row.subject, row.subject, row.where,
                          directory.subject(row.subject))
        teacher = resolve("teacher", row.teacher, row.teacher, row.where,
                          directory.teacher(row.teacher))
        co_teachers = [resolve("teacher", name, name, row.where, directory.teacher(name))
                       for name in row.co_teachers]
        room = None
        if row.room:
            room = resolve("room", row.room_key, row.room_label, row.where,
                           directory.room(row, shared_names))
            if room == CREATE:
                short = row.room_short if row.room_short != row.room else ""
                room = new_rooms.setdefault(plain_key(row.room_key), Room(
                    pk=-1 - len(new_rooms), institution=institution, name=row.room,
                    short_name=short))
        subgroup = None
        if row.subgroup and school_class is not None and subject is not None:
            key = f"{school_class.pk}|{subject.pk}|{row.subgroup}"
            subgroup = resolve(
                "subgroup", key, row.subgroup, row.where, directory.subgroup_index.get(
                    (school_class.pk, subject.pk, group_key(row.subgroup))),
                school_class=school_class, subject=subject)
            if subgroup == CREATE:
                subgroup = new_subgroups.setdefault(
                    (school_class.pk, subject.pk, group_key(row.subgroup)), Subgroup(
                        pk=-1 - len(new_subgroups), institution=institution,
                        school_class=school_class, subject=subject, name=row.subgroup,
                        teacher=teacher))
        if None in (school_class, subject, teacher, *co_teachers) or (
                row.subgroup and subgroup is None):
            continue
        if times.by_schedule and times.of(school_class, row.lesson_number) is None:
            plan.errors.append((row.where, _(
                "class %(class)s has no lesson %(n)s in its lesson times")
                % {"class": school_class, "n": row.lesson_number}))
            continue
        entry = TimetableEntry(
            institution=institution, academic_year=year, school_class=school_class,
            subgroup=subgroup, subject=subject, teacher=teacher, room=room,
            weekday=row.weekday, lesson_number=row.lesson_number, weeks=row.weeks,
            joint=bool(row.joint), valid_from=valid_from, valid_to=valid_to)
        entry.new_co_teachers = list(dict.fromkeys(t for t in co_teachers if t != teacher))
        entry.where, entry.joint_with, entry.double = row.where, row.joint, row.double
        plan.entries.append(entry)
    plan.unmatched = list(unmatched.values())
    plan.new_rooms = list(new_rooms.values())
    plan.new_subgroups = list(new_subgroups.values())
    if plan.missing:
        return plan
    check_clashes(plan, times)
    compare_with_timetable(plan)
    return plan


def shared_room_names(rows):
    """Room names the file gives to several rooms (with different short names)."""
    shorts = defaultdict(set)
    for row in rows:
        if row.room:
            shorts[plain_key(row.room)].add(plain_key(row.room_key))
    return {name for name, keys in shorts.items() if len(keys) > 1}


def check_clashes(plan, times):
    """Two lessons of the file (or of another year's timetable) at once: each clash is
    named once, at the later of its two lines."""
    outside = with_co_teachers(
        TimetableEntry.objects.filter(institution=plan.institution)
        .exclude(academic_year=plan.year)
        .overlapping(plan.valid_from, plan.valid_to)
        .select_related("school_class", "subgroup", "subject", "teacher__person", "room"))
    seen = defaultdict(list)
    for entry in outside:
        seen[entry.weekday].append(entry)
    for entry in plan.entries:
        for message in clashes(entry, others=seen[entry.weekday], times=times):
            plan.errors.append((entry.where, message))
        seen[entry.weekday].append(entry)


def slot(entry):
    return (entry.school_class_id, entry.subgroup_id, entry.weekday, entry.lesson_number,
            entry.weeks)


def staffing(entry):
    """What an import changes in place on an entry that keeps its slot and subject."""
    return (entry.teacher_id, entry.room_id, entry.joint,
            frozenset(t.pk for t in entry.co_teacher_list()))


def current_entries(plan):
    return with_co_teachers(
        TimetableEntry.objects.filter(institution=plan.institution, academic_year=plan.year)
        .overlapping(plan.valid_from, plan.valid_to)
        .select_related("school_class", "subgroup", "subject", "teacher__person", "room"))


def compare_with_timetable(plan):
    """Sorts the file's lessons against the timetable in its dates. A slot that keeps its
    subject keeps its entry (its teacher and room are updated in place), so its lessons
    keep their rows and whatever the journal hangs on them; a slot whose subject changes
    gets a new entry."""
    old = {}
    for entry in current_entries(plan):
        old.setdefault(slot(entry), []).append(entry)
        if entry.valid_from < plan.valid_from or entry.valid_to > plan.valid_to:
            plan.cut.append(entry)
    for entry in plan.entries:
        previous = old.pop(slot(entry), None)
        if not previous:
            plan.created.append(entry)
            continue
        first = previous[0]
        plan.removed += previous[1:]
        same_dates = (first.valid_from, first.valid_to) == (plan.valid_from, plan.valid_to)
        if same_dates and first.subject_id == entry.subject_id:
            if staffing(first) == staffing(entry):
                plan.unchanged.append(first)
            else:
                plan.updated.append((first, entry))
        else:
            plan.replaced.append((first, entry))
    plan.removed += [entry for rows in old.values() for entry in rows]


# Applying -------------------------------------------------------------------------------


class PlanChanged(Exception):
    """The file no longer applies as previewed (the school's rows changed meanwhile)."""


@dataclass
class ApplyReport:
    entries: int = 0
    updated_entries: int = 0
    unchanged_entries: int = 0
    removed_entries: int = 0
    cut_entries: int = 0
    rooms: list = field(default_factory=list)
    subgroups: list = field(default_factory=list)
    lessons_created: int = 0
    lessons_removed: int = 0
    lessons_kept: list = field(default_factory=list)
    features: list = field(default_factory=list)  # Plan.features


@transaction.atomic
def apply_import(parsed, institution, year, valid_from, valid_to, mapping):
    """Writes the import all or nothing: the missing rooms and subgroups, the old
    timetable cut out of the dates, the new entries; then regenerates the year's
    lessons. Raises PlanChanged (and writes nothing) when the file no longer applies."""
    plan = build_plan(parsed, institution, year, valid_from, valid_to, mapping)
    if not plan.ready:
        raise PlanChanged
    report = ApplyReport()
    for room in plan.new_rooms:
        Room.objects.create(institution=institution, name=room.name,
                            short_name=room.short_name)
        report.rooms.append(str(room))
    for group in plan.new_subgroups:
        Subgroup.objects.create(institution=institution, school_class=group.school_class,
                                subject=group.subject, name=group.name, teacher=group.teacher)
        report.subgroups.append(f"{group.school_class} {group.subject}: {group.name}")
    if plan.new_rooms or plan.new_subgroups:
        # Read again: the new rows now match by name and carry their keys.
        plan = build_plan(parsed, institution, year, valid_from, valid_to, mapping)
        if not plan.ready or plan.new_rooms or plan.new_subgroups:
            raise PlanChanged
    report.cut_entries = len(plan.cut)
    report.removed_entries, report.lessons_removed, report.lessons_kept = cut_out(plan)
    for old, new in plan.updated:
        old.teacher, old.room, old.joint = new.teacher, new.room, new.joint
        old.new_co_teachers = new.new_co_teachers
    updated = [old for old, _new in plan.updated]
    TimetableEntry.objects.bulk_update(updated, ["teacher", "room", "joint"])
    TimetableEntry.objects.bulk_create(plan.to_create)
    set_co_teachers(updated + plan.to_create)
    lessons = generate_lessons(year)
    report.features = plan.features
    report.entries = len(plan.to_create)
    report.updated_entries = len(plan.updated)
    report.unchanged_entries = len(plan.unchanged)
    report.lessons_created = lessons.created
    report.lessons_removed += lessons.deleted
    report.lessons_kept += lessons.kept
    return report


def set_co_teachers(entries):
    """Writes the co-teachers the import gives saved entries, in two queries."""
    links = TimetableEntry.co_teachers.through
    links.objects.filter(timetableentry__in=[e.pk for e in entries]).delete()
    links.objects.bulk_create([links(timetableentry_id=entry.pk, staff_id=teacher.pk)
                               for entry in entries for teacher in entry.new_co_teachers])


def cut_out(plan):
    """Removes the old timetable from the plan's dates: an entry inside them is deleted
    (its lessons too, but for those with journal data, which stay and are returned), one
    reaching outside is shortened, one spanning them is split in two. Returns (deleted
    entries, deleted lessons, kept lessons)."""
    day = datetime.timedelta(days=1)
    valid_from, valid_to = plan.valid_from, plan.valid_to
    for entry in plan.cut:
        if entry.valid_to > valid_to and entry.valid_from < valid_from:
            tail = TimetableEntry.objects.create(**{
                **{f.attname: getattr(entry, f.attname)
                   for f in TimetableEntry._meta.concrete_fields if not f.primary_key},
                "valid_from": valid_to + day})
            tail.co_teachers.set(entry.co_teachers.all())
            # What already hangs on the later dates follows them to the new entry.
            entry.changes.filter(date__gt=valid_to).update(entry=tail)
            entry.lessons.filter(scheduled_on__gt=valid_to).update(entry=tail)
        if entry.valid_from < valid_from:
            entry.valid_to = valid_from - day
        else:
            entry.valid_from = valid_to + day
        entry.save(update_fields=["valid_from", "valid_to"])
    staying = [old.pk for old in plan.unchanged] + [old.pk for old, _new in plan.updated]
    inside = (TimetableEntry.objects.filter(institution=plan.institution,
                                            academic_year=plan.year,
                                            valid_from__gte=valid_from, valid_to__lte=valid_to)
              .exclude(pk__in=staying))
    lessons = Lesson.objects.filter(entry__in=inside)
    kept = list(lessons.with_journal_data().select_related("school_class", "subject"))
    _total, lessons_deleted = lessons.exclude(pk__in=[lesson.pk for lesson in kept]).delete()
    _total, entries_deleted = inside.delete()
    return (entries_deleted.get(TimetableEntry._meta.label, 0),
            lessons_deleted.get(Lesson._meta.label, 0), kept)

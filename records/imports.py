"""Import of pupils with their parents from CSV or XLSX (R-PPL-7).

One row is one pupil with up to two parents. Every row is checked before anything is
written; a file with any bad row changes nothing and is reported row by row. Importing
the same file twice creates nothing new: a pupil is found again by name and birth date,
a parent by name among the pupil's parents. Only the minimum fields of R-PPL-6 are
imported, so no consent is needed for them.

A pupil not yet enrolled is enrolled into their class by the import's order (its number
and date are asked with the file) and so enters the movement book (R-MOV-2); a pupil
the book already has in another class is an error of the row: a transfer is an order
of its own, on the class page.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curriculum.models import SchoolClass
from movement.actions import enrol, order_for
from movement.models import Movement, MovementKind, OrderKind
from portal import tabular
from portal.history import ensure_baseline, record_change
from portal.tabular import ImportFileError, decode_csv  # noqa: F401 (schedule.imports)

from .models import Guardianship, Parent, Person, Pupil, Relation, Sex, normalize_name

PUPIL_COLUMNS = [
    ("class", gettext_lazy("Class")),
    ("surname", gettext_lazy("Surname")),
    ("name", gettext_lazy("First name")),
    ("patronymic", gettext_lazy("Patronymic")),
    ("birth_date", gettext_lazy("Birth date")),
    ("sex", gettext_lazy("Sex")),
    ("address", gettext_lazy("Address")),
    ("phone", gettext_lazy("Phone")),
    ("file_number", gettext_lazy("Personal file number")),
]
PARENT_FIELDS = [
    ("surname", gettext_lazy("surname")),
    ("name", gettext_lazy("first name")),
    ("patronymic", gettext_lazy("patronymic")),
    ("sex", gettext_lazy("sex")),
    ("relation", gettext_lazy("relation")),
    ("phone", gettext_lazy("mobile phone")),
]
MAX_ROWS = 2000
MAX_COLUMNS = 32  # the template's 21, and a few notes beside them
SEXES = {"м": Sex.MALE, "муж": Sex.MALE, "мужской": Sex.MALE, "m": Sex.MALE,
         "ж": Sex.FEMALE, "жен": Sex.FEMALE, "женский": Sex.FEMALE, "f": Sex.FEMALE}
RELATIONS = {str(label).lower(): value for value, label in Relation.choices}
RELATIONS.update({"мать": Relation.MOTHER, "отец": Relation.FATHER,
                  "бабушка": Relation.GRANDMOTHER, "дедушка": Relation.GRANDFATHER,
                  "опекун": Relation.GUARDIAN})


def headers():
    """The column titles, in the user's language, as in the template."""
    titles = [str(title) for _key, title in PUPIL_COLUMNS]
    for n in (1, 2):
        titles += [_("Parent %(n)s: %(field)s") % {"n": n, "field": title}
                   for _key, title in PARENT_FIELDS]
    return titles


def template_rows():
    """The template to fill in: the header and one example row."""
    return [headers(),
            ["5А", "Иванова", "Мария", "Петровна", "14.03.2015", "ж",
             "677000, г. Якутск, ул. Ленина, д. 1, кв. 2", "+7 914 000-00-00", "5-101",
             "Иванова", "Ольга", "Сергеевна", "ж", "мать", "+7 914 111-11-11",
             "", "", "", "", "", ""]]


@dataclass
class ParentRow:
    surname: str
    name: str
    patronymic: str
    sex: str
    relation: str
    phone: str


@dataclass
class Row:
    line: int
    school_class: SchoolClass
    surname: str
    name: str
    patronymic: str
    birth_date: datetime.date
    sex: str
    address: str
    phone: str
    file_number: str
    parents: list = field(default_factory=list)
    pupil: Pupil | None = None  # the existing record this row updates
    enrol: bool = True  # the row enrols the pupil by the import's order

    @property
    def key(self):
        return (normalize_name(self.surname, self.name, self.patronymic), self.birth_date)


@dataclass
class Plan:
    rows: list
    errors: list  # (line, message)

    @property
    def created(self):
        return sum(1 for row in self.rows if row.pupil is None)

    @property
    def updated(self):
        return len(self.rows) - self.created


def read_table(content, filename):
    """Rows of cells of the file, the header first, empty rows left out."""
    table = tabular.read_table(content, filename, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    table = [row for row in table if any(str(cell).strip() for cell in row)]
    if len(table) < 2:
        raise ImportFileError(_("The file has no rows below the header."))
    return table


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def build_plan(content, filename, institution):
    """Reads and checks the whole file; writes nothing."""
    table = read_table(content, filename)
    expected = headers()
    header = [str(cell).strip() for cell in table[0]]
    if header[:len(PUPIL_COLUMNS)] != expected[:len(PUPIL_COLUMNS)]:
        raise ImportFileError(
            _("The columns do not match the template. Expected: %(columns)s.")
            % {"columns": ", ".join(expected[:len(PUPIL_COLUMNS)])}
        )
    classes = {str(c): c for c in SchoolClass.objects.of_institution(institution).current()}
    existing = {
        (p.person.search_name, p.person.birth_date): p
        for p in Pupil.objects.of_institution(institution).select_related("person")
    }
    enrolled = set(Movement.objects.filter(institution=institution).effective().filter(
        kind=MovementKind.ENROLMENT).values_list("pupil_id", flat=True))
    rows, errors, seen = [], [], {}
    width = len(expected)
    for line, cells in enumerate(table[1:], start=2):
        cells = [str(c).strip() if not isinstance(c, datetime.date) else c
                 for c in list(cells) + [""] * (width - len(cells))]
        problems = []
        values = dict(zip([key for key, _title in PUPIL_COLUMNS], cells, strict=False))
        school_class = classes.get(str(values["class"]).replace(" ", "").upper())
        if not values["class"]:
            problems.append(_("the class is missing"))
        elif school_class is None:
            problems.append(_("unknown class «%(c)s»") % {"c": values["class"]})
        for key, title in PUPIL_COLUMNS[1:3]:
            if not values[key]:
                problems.append(_("%(field)s is missing") % {"field": str(title).lower()})
        birth_date = parse_date(values["birth_date"]) if values["birth_date"] else None
        if not values["birth_date"]:
            problems.append(_("the birth date is missing"))
        elif birth_date is None or not (datetime.date(1990, 1, 1) < birth_date
                                        < datetime.date.today()):
            problems.append(_("bad birth date «%(d)s»: write it as 14.03.2015")
                            % {"d": values["birth_date"]})
        sex = SEXES.get(str(values["sex"]).lower())
        if sex is None:
            problems.append(_("the sex must be «м» or «ж»"))
        parents = []
        for n in (1, 2):
            start = len(PUPIL_COLUMNS) + (n - 1) * len(PARENT_FIELDS)
            part = dict(zip([key for key, _title in PARENT_FIELDS],
                            cells[start:start + len(PARENT_FIELDS)], strict=True))
            if not any(part.values()):
                continue
            relation = RELATIONS.get(str(part["relation"]).lower())
            parent_sex = SEXES.get(str(part["sex"]).lower(), "")
            if not part["surname"] or not part["name"]:
                problems.append(_("parent %(n)s: the surname and first name are needed")
                                % {"n": n})
            if relation is None:
                problems.append(_("parent %(n)s: unknown relation «%(r)s»")
                                % {"n": n, "r": part["relation"]})
            parents.append(ParentRow(part["surname"], part["name"], part["patronymic"],
                                     parent_sex, relation, part["phone"]))
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        row = Row(line, school_class, values["surname"], values["name"],
                  values["patronymic"], birth_date, sex, values["address"], values["phone"],
                  values["file_number"], parents)
        if row.key in seen:
            errors.append((line, _("the same pupil as in line %(line)s") % {"line": seen[row.key]}))
            continue
        seen[row.key] = line
        row.pupil = existing.get(row.key)
        if row.pupil is not None and row.pupil.pk in enrolled and row.pupil.left_on is None \
                and row.pupil.school_class_id != row.school_class.pk:
            errors.append((line, _("the pupil is in class %(current)s: a transfer to "
                                   "another class is made by an order on the class page")
                           % {"current": row.pupil.school_class}))
            continue
        row.enrol = row.pupil is None or row.pupil.pk not in enrolled or \
            row.pupil.left_on is not None
        rows.append(row)
    return Plan(rows, errors)


@transaction.atomic
def apply_plan(plan, institution, user, order_number, order_date):
    """Writes a plan without errors, all or nothing; the pupils it enrols are enrolled
    on ``order_date`` by the school's enrolment order No. ``order_number``."""
    assert not plan.errors
    order = None
    for row in plan.rows:
        pupil = row.pupil
        if pupil is None:
            person = Person.objects.create(surname=row.surname, name=row.name,
                                           patronymic=row.patronymic,
                                           birth_date=row.birth_date, sex=row.sex)
            pupil = Pupil(institution=institution, person=person)
            action = "wagtail.create"
        else:
            action = "wagtail.edit"
        values = {
            "residence_address": row.address or pupil.residence_address,
            "home_phone": row.phone or pupil.home_phone,
            "personal_file_number": row.file_number or pupil.personal_file_number,
        }
        changed = pupil.pk is None or any(
            getattr(pupil, name) != value for name, value in values.items())
        if changed:
            ensure_baseline(pupil)
            for name, value in values.items():
                setattr(pupil, name, value)
            pupil.full_clean()
            pupil.save()
            record_change(pupil, user, action)
        if row.enrol:
            if order is None:
                order = order_for(institution, order_number, order_date,
                                  OrderKind.ENROLMENT, user)
            enrol(pupil, row.school_class, order_date, order, user)
        for item in row.parents:
            # The same parent on two rows (siblings) is one record: found among the
            # pupil's parents by name, or in the school by name and phone.
            key = normalize_name(item.surname, item.name, item.patronymic)
            same_name = Parent.objects.filter(institution=institution, person__search_name=key)
            parent = same_name.filter(children=pupil).first()
            if parent is None and item.phone:
                parent = same_name.filter(mobile_phone=item.phone).first()
            if parent is None:
                person = Person.objects.create(surname=item.surname, name=item.name,
                                               patronymic=item.patronymic, sex=item.sex)
                parent = Parent.objects.create(institution=institution, person=person,
                                               mobile_phone=item.phone)
                record_change(parent, user, "wagtail.create")
            elif item.phone and parent.mobile_phone != item.phone:
                ensure_baseline(parent)
                parent.mobile_phone = item.phone
                parent.save(update_fields=["mobile_phone"])
                record_change(parent, user)
            Guardianship.objects.update_or_create(
                parent=parent, pupil=pupil, defaults={"relation": item.relation}
            )

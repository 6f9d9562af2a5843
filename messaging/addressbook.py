"""Who may write to whom (R-MAIL-1, R-PD-5): the one rule of the mail.

``address_book(user)`` is every user the sender may address today, in groups; the
compose form offers exactly these, and every send, reply and forward is checked
against the same book by messaging/actions.py, so a forged recipient is refused with
the same answer the form gives.

- A parent: the teachers of each child (the teaching load of the child's class this
  year, the teachers of the child's subgroups, and the timetable's teachers and
  co-teachers of the class and those subgroups), the child's class teacher and the
  administration of the child's school (director, deputies, school administrator). A
  parent of children in two schools sees both schools' teachers of those children and
  nobody else.
- A pupil: their own teachers and class teacher, found the same way.
- A member of a school's staff: their colleagues (the school's current staff); a
  teacher also the pupils and parents of the classes they teach or lead this year,
  each class as two groups (pupils, parents), so one, several or all can be chosen.
- A school's administration: everyone in its school (staff, pupils, parents) and the
  department's staff.
- The department: the administrations of the schools, and its colleagues.

The rule is symmetric wherever a conversation goes both ways (a teacher may address
the parents who may address the teacher), so a reply to a sender is always within it
unless a right ended in between. Only active logins of people still in their places
are offered: staff who left, pupils who left and their parents', inactive logins
never; nobody addresses themself.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from curriculum.models import SchoolClass, Subgroup, SubgroupMembership, TeachingAssignment
from portal.access import DEPARTMENT_ROLES, SCHOOL_STAFF_ROLES, Role, access, today
from records.models import Guardianship, Institution, Pupil, RoleAssignment, Staff
from schedule.models import TimetableEntry

ADMINISTRATION = frozenset(
    {Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL})
# Who may use the mail at all (the menu's «Почта»): anyone with a role somewhere.
MAIL_ROLES = SCHOOL_STAFF_ROLES | DEPARTMENT_ROLES | {Role.PARENT, Role.PUPIL}


@dataclass(frozen=True)
class Contact:
    user_id: int
    name: str
    note: str = ""


@dataclass
class Group:
    key: str
    label: str
    contacts: list = field(default_factory=list)

    @property
    def user_ids(self):
        return {c.user_id for c in self.contacts}


class AddressBook:
    """The groups of contacts a sender may address; ``user_ids`` all of them."""

    # The groups in the order a writer looks for them: a family's teachers and
    # administration; a teacher's classes (parents first), then colleagues.
    ORDER = ("teachers", "administration", "parents", "pupils", "colleagues", "department")

    def __init__(self, groups):
        kinds = {kind: number for number, kind in enumerate(self.ORDER)}
        self.groups = sorted((g for g in groups if g.contacts),
                             key=lambda g: kinds.get(g.key.partition("-")[0], len(kinds)))
        for group in self.groups:
            group.contacts.sort(key=lambda c: (c.name.lower().replace("ё", "е"), c.user_id))
        self.by_key = {g.key: g for g in self.groups}
        self.user_ids = frozenset().union(*(g.user_ids for g in self.groups))
        self.names = {c.user_id: c.name for g in self.groups for c in g.contacts}

    def __bool__(self):
        return bool(self.groups)

    def __contains__(self, user_id):
        return user_id in self.user_ids

    def outside(self, user_ids):
        """Those of ``user_ids`` the sender may not address."""
        return set(user_ids) - self.user_ids


def may_use_mail(user):
    """Whether the user has a mailbox: an active login of a person with a role (no
    query beyond the access context every page reads)."""
    context = access(user)
    return bool(context and user.is_active and context.person_id is not None
                and context.all_roles & MAIL_ROLES)


def _full_name(row, prefix):
    return " ".join(p for p in (row[f"{prefix}surname"], row[f"{prefix}name"],
                                row[f"{prefix}patronymic"]) if p)


def _person_values(prefix):
    return (f"{prefix}user_id", f"{prefix}surname", f"{prefix}name", f"{prefix}patronymic")


def _active(prefix):
    return Q(**{f"{prefix}user__is_active": True})


def _working(on):
    """Current staff who hold a staff role in their school today (as the sender's side
    asks of a teacher writing back)."""
    return Exists(RoleAssignment.objects.active(on).filter(
        person_id=OuterRef("person_id"), institution_id=OuterRef("institution_id"),
        role__in=SCHOOL_STAFF_ROLES))


class _Builder:
    def __init__(self, user, on):
        self.user = user
        self.on = on
        self.context = access(user)
        self.groups = {}
        self._schools = None

    def group(self, key, label):
        if key not in self.groups:
            self.groups[key] = Group(key, label)
        return self.groups[key]

    def add(self, key, label, user_id, name, note=""):
        if user_id is None or user_id == self.user.pk:
            return
        group = self.group(key, label)
        for number, contact in enumerate(group.contacts):
            if contact.user_id == user_id:
                # The same person twice in a group (a teacher who is the class
                # teacher too): one contact, both notes.
                if note and note not in contact.note:
                    group.contacts[number] = Contact(
                        user_id, name, "; ".join(n for n in (contact.note, note) if n))
                return
        group.contacts.append(Contact(user_id, name, note))

    def school_names(self, ids):
        if self._schools is None:
            self._schools = {}
        missing = set(ids) - set(self._schools)
        if missing:
            self._schools.update(Institution.objects.filter(pk__in=missing)
                                 .values_list("pk", "short_name"))
        return self._schools

    # The families' side ----------------------------------------------------------------

    def family(self):
        """A parent's children's and a pupil's own teachers, class teachers and the
        administration of their schools."""
        pupils = {row[0]: (row[1], row[2]) for row in
                  [*self.context._children, *self.context._own_pupils]}
        if not pupils:
            return
        class_ids = {class_id for _school, class_id in pupils.values()} - {None}
        classes = {row["pk"]: row for row in SchoolClass.objects.filter(
            pk__in=class_ids, academic_year__is_current=True).values(
            "pk", "grade", "letter", "class_teacher_id")}
        subgroups = defaultdict(set)  # pupil → their subgroups today
        # (class, subgroup or None, teacher, subject): the subgroups' own teachers, the
        # load and the timetable.
        taught = []
        for pupil_id, class_id, subgroup_id, teacher_id, subject in (
                SubgroupMembership.objects.on(self.on).filter(pupil_id__in=pupils)
                .values_list("pupil_id", "subgroup__school_class_id", "subgroup_id",
                             "subgroup__teacher_id", "subgroup__subject__name")):
            subgroups[pupil_id].add(subgroup_id)
            taught.append((class_id, subgroup_id, teacher_id, subject))
        taught += TeachingAssignment.objects.filter(school_class_id__in=classes).values_list(
            "school_class_id", "subgroup_id", "teacher_id", "subject__name")
        entries = TimetableEntry.objects.filter(school_class_id__in=classes,
                                                valid_to__gte=self.on)
        taught += entries.values_list("school_class_id", "subgroup_id", "teacher_id",
                                      "subject__name")
        taught += entries.filter(co_teachers__isnull=False).values_list(
            "school_class_id", "subgroup_id", "co_teachers", "subject__name")
        teachers = defaultdict(set)  # staff → subjects, of these pupils
        class_teachers = set()  # (staff, class)
        for pupil_id, (_school, class_id) in pupils.items():
            if class_id not in classes:
                continue
            for row_class, subgroup_id, staff_id, subject in taught:
                if staff_id and row_class == class_id and (
                        subgroup_id is None or subgroup_id in subgroups[pupil_id]):
                    teachers[staff_id].add(subject)
            if classes[class_id]["class_teacher_id"]:
                class_teachers.add((classes[class_id]["class_teacher_id"], class_id))
        staff = {row["pk"]: row for row in Staff.objects.current().filter(
            _active("person__"), _working(self.on),
            pk__in=set(teachers) | {staff_id for staff_id, _class in class_teachers})
            .values("pk", "institution_id", *_person_values("person__"))}
        schools = {school for school, _class in pupils.values()}
        names = self.school_names(schools)
        several = len(schools) > 1
        def teacher(staff_id, note):
            row = staff.get(staff_id)
            if row is None:
                return
            school = row["institution_id"]
            self.add(f"teachers-{school}",
                     _("Teachers, %(school)s") % {"school": names[school]} if several
                     else _("Teachers"),
                     row["person__user_id"], _full_name(row, "person__"), note)

        for staff_id, subjects in teachers.items():
            teacher(staff_id, ", ".join(sorted(s for s in subjects if s)))
        for staff_id, class_id in sorted(class_teachers):
            teacher(staff_id, _("class teacher of %(class)s") % {
                "class": f"{classes[class_id]['grade']}{classes[class_id]['letter']}"})
        self.administration(schools)

    def administration(self, schools):
        names = self.school_names(schools)
        rows = (RoleAssignment.objects.active(self.on)
                .filter(_active("person__"), institution_id__in=schools,
                        role__in=ADMINISTRATION)
                .values("institution_id", "role", *_person_values("person__")))
        for row in rows:
            self.add(f"administration-{row['institution_id']}",
                     _("Administration, %(school)s") % {"school": names[row["institution_id"]]},
                     row["person__user_id"], _full_name(row, "person__"),
                     str(Role(row["role"]).label))

    # The staff's side ------------------------------------------------------------------

    def staff(self):
        """Colleagues in each school where the user is staff; classes taught or led;
        everyone in the school for its administration."""
        context = self.context
        schools = {i for i, roles in context.school_roles.items() if roles & SCHOOL_STAFF_ROLES}
        if not schools:
            return
        names = self.school_names(schools)
        for row in (Staff.objects.current().filter(_active("person__"), _working(self.on),
                                                   institution_id__in=schools)
                    .values("institution_id", *_person_values("person__"))):
            self.add(f"colleagues-{row['institution_id']}",
                     _("Colleagues, %(school)s") % {"school": names[row["institution_id"]]},
                     row["person__user_id"], _full_name(row, "person__"))
        leading = {i for i in schools if context.school_roles[i] & ADMINISTRATION}
        classes = set()
        if leading:
            classes |= set(SchoolClass.objects.current().filter(
                institution_id__in=leading).values_list("pk", flat=True))
            self.department()
        others = schools - leading
        if others:
            mine = Q(teacher__person_id=context.person_id, teacher__left_on__isnull=True,
                     institution_id__in=others)
            co = Q(co_teachers__person_id=context.person_id, co_teachers__left_on__isnull=True,
                   institution_id__in=others)
            classes |= set(TeachingAssignment.objects.filter(
                mine, school_class__academic_year__is_current=True)
                .values_list("school_class_id", flat=True))
            classes |= set(TimetableEntry.objects.filter(
                mine | co, academic_year__is_current=True, valid_to__gte=self.on)
                .values_list("school_class_id", flat=True))
            classes |= set(SchoolClass.objects.current().filter(
                class_teacher__person_id=context.person_id,
                class_teacher__left_on__isnull=True, institution_id__in=others)
                .values_list("pk", flat=True))
            classes |= set(Subgroup.objects.filter(
                teacher__person_id=context.person_id, teacher__left_on__isnull=True,
                institution_id__in=others, school_class__academic_year__is_current=True)
                .values_list("school_class_id", flat=True))
        self.families_of(classes)

    def families_of(self, class_ids):
        """The pupils and the parents of the classes, a group of each per class."""
        if not class_ids:
            return
        labels = {row[0]: f"{row[1]}{row[2]}" for row in SchoolClass.objects.filter(
            pk__in=class_ids).values_list("pk", "grade", "letter")}
        for row in (Pupil.objects.current().filter(_active("person__"),
                                                   school_class_id__in=class_ids)
                    .values("school_class_id", "school_class__grade", *_person_values(
                        "person__")).order_by("school_class__grade", "school_class__letter")):
            class_id = row["school_class_id"]
            self.add(f"pupils-{class_id}",
                     _("%(class)s: pupils") % {"class": labels[class_id]},
                     row["person__user_id"], _full_name(row, "person__"), labels[class_id])
        for row in (Guardianship.objects.filter(
                _active("parent__person__"), pupil__left_on__isnull=True,
                pupil__school_class_id__in=class_ids)
                .values("pupil__school_class_id", *_person_values("parent__person__"),
                        *_person_values("pupil__person__"))
                .order_by("pupil__school_class__grade", "pupil__school_class__letter")):
            class_id = row["pupil__school_class_id"]
            self.add(f"parents-{class_id}",
                     _("%(class)s: parents") % {"class": labels[class_id]},
                     row["parent__person__user_id"], _full_name(row, "parent__person__"),
                     _("parent of %(pupil)s") % {"pupil": " ".join(
                         p for p in (row["pupil__person__surname"],
                                     row["pupil__person__name"]) if p)})

    # The department --------------------------------------------------------------------

    def department(self):
        rows = (RoleAssignment.objects.active(self.on)
                .filter(_active("person__"), institution__isnull=True,
                        role__in=DEPARTMENT_ROLES)
                .values("role", *_person_values("person__")))
        for row in rows:
            self.add("department", _("Education department"), row["person__user_id"],
                     _full_name(row, "person__"), str(Role(row["role"]).label))

    def department_side(self):
        if not self.context.department_roles & DEPARTMENT_ROLES:
            return
        self.department()
        schools = set(Institution.objects.values_list("pk", flat=True))
        self.administration(schools)

    def build(self):
        context = self.context
        if context is None or not self.user.is_active or context.person_id is None:
            return AddressBook([])
        self.family()
        self.staff()
        self.department_side()
        return AddressBook(list(self.groups.values()))


def address_book(user, on=None):
    """Everyone ``user`` may write to on ``on`` (today), grouped for the form."""
    return _Builder(user, on or today()).build()

"""Logins issued by the school (R-PPL-5): usernames from names, generated passwords,
a forced change at first login. Passwords exist only in the sheet handed out.

A sheet sets the password only of a login the issuer may manage (``records.logins``):
a login that also opens another school, the department or the admin is kept as it is,
and the sheet says so. A school's sheet is for its families: a parent who also works in
a school keeps their login too, or the secretary's sheet could hold the director's
password."""

import itertools
import re
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from wagtail.log_actions import log

from .logins import DEPARTMENT, SITE, acting_for, can_manage_login, login_reach
from .models import Parent, Pupil, RoleAssignment, Staff, User

PERMISSION = "records.issue_credentials"

TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"],
    strict=True,
))
# No 0/O, 1/l/I: the password is read off paper and typed by a child.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# Logins are read off the same paper. They hold only small Latin letters, dots and
# hyphens: no digit (so no 1 for l, no 0 for o) and no capital (no I for l).
# A login that is taken gets a letter, never a number: from the letters that are read
# one way only in print and in handwriting.
SUFFIX_LETTERS = "abcdefghkmnprstuvwxyz"
NOT_IN_LOGINS = re.compile(r"[^a-z.-]")


def transliterate(text):
    latin = "".join(TRANSLIT.get(c, c) for c in text.lower() if c.isalnum() or c in "-")
    return NOT_IN_LOGINS.sub("", latin).strip("-")


def generate_password(length=10):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def suffixes():
    """b, c, …, z, then aa, ab, …: as many as are needed, and never a digit."""
    yield from SUFFIX_LETTERS[1:]
    for size in itertools.count(2):
        for letters in itertools.product(SUFFIX_LETTERS, repeat=size):
            yield "".join(letters)


def login_base(person):
    """«ivanova.mariia»: the surname and the whole first name, so that no lone letter
    stands where a digit might be read."""
    return ".".join(part for part in (transliterate(person.surname),
                                      transliterate(person.name)) if part) or "user"


def username_for(person, taken):
    """The person's ``login_base``, or «ivanova.mariia.b» when that is taken."""
    base = login_base(person)
    candidate = base
    more = suffixes()
    while candidate in taken:
        candidate = f"{base}.{next(more)}"
    taken.add(candidate)
    return candidate


def staff_people(people):
    """The pks of those who hold a staff role or record anywhere."""
    pks = [person.pk for person in people]
    return {
        *RoleAssignment.objects.filter(person_id__in=pks).values_list("person_id", flat=True),
        *Staff.objects.filter(person_id__in=pks).values_list("person_id", flat=True),
    }


def issuable(people, issued_by):
    """The pks of the people whose login ``issued_by`` may make or give a new password."""
    reach = login_reach(people)
    family_only = acting_for(issued_by, PERMISSION) not in (SITE, DEPARTMENT)
    staff = staff_people(people) if family_only else set()
    return {
        person.pk for person in people
        if person.pk not in staff
        and can_manage_login(issued_by, person, PERMISSION, reach=reach[person.pk])
    }


@transaction.atomic
def issue_logins(school_class, issued_by, renew=False):
    """Logins for the pupils of a class and their parents: new ones for those without,
    and new passwords for the others when ``renew``. Returns [(record, username,
    password)] in the order of the sheet: each pupil, then their parents. Username and
    password are None for a person whose login the issuer may not make or change (see
    the module's docstring): the sheet says that they keep their login, or get it from
    the department."""
    pupils = list(
        Pupil.objects.of_class(school_class).current()
        .select_related("person__user").prefetch_related("guardianships")
    )
    parents = {
        p.pk: p for p in Parent.objects.filter(children__in=pupils).select_related(
            "person__user").distinct()
    }
    rows = []
    for pupil in pupils:
        rows.append(pupil)
        rows += [parents[g.parent_id] for g in pupil.guardianships.all()
                 if g.parent_id in parents]
    people, seen = [], set()
    for record in rows:
        if record.person_id in seen:
            continue  # a parent of two children of the class gets one login
        seen.add(record.person_id)
        if record.person.user is None or renew:
            people.append(record)
    allowed = issuable([record.person for record in people], issued_by)
    due = [record for record in people if record.person_id in allowed]
    passwords = [generate_password() for _ in due]
    # The cheap hasher of printed first passwords (portal/hashers.py): a class's sixty
    # hashes take a few tenths of a second.
    hashes = [make_password(p, hasher="pbkdf2_sha256_issued") for p in passwords]
    # Only the usernames that could collide with the new ones, not the city's every login.
    bases = {login_base(r.person) for r in due if r.person.user is None}
    taken = set()
    if bases:
        like = Q()
        for base in bases:
            like |= Q(username=base) | Q(username__startswith=f"{base}.")
        taken = set(User.objects.filter(like).values_list("username", flat=True))
    issued = {}
    for record, password, encoded in zip(due, passwords, hashes, strict=True):
        person, user = record.person, record.person.user
        if user is None:
            user = User.objects.create(
                username=username_for(person, taken), first_name=person.name,
                last_name=person.surname, password=encoded, must_change_password=True,
            )
            person.user = user
            person.save(update_fields=["user"])
            log(user, "wagtail.create", user=issued_by)
        else:
            user.password = encoded
            user.must_change_password = True
            user.save(update_fields=["password", "must_change_password"])
            log(user, "wagtail.edit", user=issued_by)
        issued[record.person_id] = (user.username, password)
    return [(record, *issued.get(record.person_id, (None, None))) for record in people]

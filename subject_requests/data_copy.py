"""The copy of a subject's personal data (R-PD-5): what one school keeps about one
person, and nothing about anyone else.

What it holds: the person (name, birth date, sex, the login's name), the person's
records in the request's school (a pupil's, a parent's, a staff member's card: every
field of the card, directory values by name), a pupil's medical details and
characteristic (their own data too), the consents they gave to that school, and for a
pupil the marks and attendance of the current year by subject.

What it never holds, by construction rather than by filtering: another person's row.
Every query below starts from the subject's own person and the request's school —
no parent of a pupil, no child of a parent, no teacher of a lesson, no classmate. The
cards' free-text fields are the subject's card's own (whatever the school wrote in them
about the subject), and relations to other people are left out: a pupil's copy names
neither their parents nor their teachers, a parent's copy names no child.

``build(request)`` gives one structure; ``as_json`` and the PDF template
(subject_requests/copy.html) write it out.
"""

import datetime
import json

from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import Attendance, Mark
from records.models import (
    Consent,
    Parent,
    Pupil,
    PupilCharacteristic,
    PupilHealth,
    Staff,
)

# Internals of a card that are nobody's personal data: keys and the revision pointer.
SKIPPED = {"id", "latest_revision", "person", "institution", "search_name"}
CARDS = [(Pupil, "pupil"), (Parent, "parent"), (Staff, "staff")]
# Fields of a card that the school fills with other people's data: a pupil's family and
# the contacts of relatives, a staff member's family. They are named in the copy as
# withheld, their text is not copied (R-PD-5: nothing of another parent's contacts).
ABOUT_OTHERS = {"family", "extra_contacts"}


def _value(row, field):
    if field.choices:
        return str(getattr(row, f"get_{field.name}_display")()) if getattr(
            row, field.attname) not in (None, "") else ""
    if isinstance(field, models.ForeignKey):
        related = getattr(row, field.name)
        return str(related) if related is not None else ""
    if isinstance(field, models.FileField):
        # A stored file is not copied into the copy: only whether there is one.
        return bool(getattr(row, field.attname))
    return getattr(row, field.attname)


def _fields(row, skip=()):
    """[(name, label, value)] of the row's own fields (not those pointing at another
    person: none of the cards' fields does, beyond ``person`` which is the subject)."""
    out = []
    for field in row._meta.concrete_fields:
        if field.name in SKIPPED or field.name in skip or field.name in ABOUT_OTHERS:
            continue
        out.append((field.name, str(field.verbose_name), _value(row, field)))
    return out


def _m2m(row, name):
    field = row._meta.get_field(name)
    return (name, str(field.verbose_name),
            ", ".join(sorted(str(item) for item in getattr(row, name).all())))


def build(request):
    """The copy for ``request``: its subject's data in its school."""
    person, institution = request.subject, request.institution
    scope = {"person": person, "institution": institution}
    records = []
    pupils = []
    for model, key in CARDS:
        related = [f.name for f in model._meta.concrete_fields
                   if isinstance(f, models.ForeignKey) and f.name not in SKIPPED]
        for row in model.objects.filter(**scope).select_related(*related):
            fields = _fields(row)
            if model is Pupil:
                fields.append(_m2m(row, "exam_subjects"))
                pupils.append(row)
            elif model is Staff:
                fields.append(_m2m(row, "subjects"))
            withheld = [str(f.verbose_name) for f in model._meta.concrete_fields
                        if f.name in ABOUT_OTHERS and getattr(row, f.attname)]
            records.append({"key": key, "title": str(model._meta.verbose_name),
                            "fields": fields, "withheld": withheld})
    for model, key in [(PupilHealth, "health"), (PupilCharacteristic, "characteristic")]:
        for row in model.objects.filter(pupil__in=pupils).select_related(
                *[f.name for f in model._meta.concrete_fields
                  if isinstance(f, models.ForeignKey) and f.name != "pupil"]):
            records.append({"key": key, "title": str(model._meta.verbose_name),
                            "fields": _fields(row, skip={"pupil"}), "withheld": []})
    # Who signed a minor's consent is their parent: the copy says when it was given and
    # withdrawn and to what, not by whom.
    consents = [{"given_on": c.given_on, "scope": c.scope, "withdrawn_on": c.withdrawn_on}
                for c in Consent.objects.filter(**scope).order_by("given_on", "pk")]
    return {
        "request": {"id": request.pk, "kind": request.get_kind_display(),
                    "received_on": request.received_on},
        "made_at": timezone.localtime().replace(microsecond=0),
        "institution": {"name": institution.name, "short_name": institution.short_name,
                        "address": institution.address},
        "person": {
            "surname": person.surname, "name": person.name,
            "patronymic": person.patronymic, "birth_date": person.birth_date,
            "sex": person.get_sex_display() if person.sex else "",
            "login": person.user.get_username() if person.user_id else "",
        },
        "records": records,
        "consents": consents,
        "marks": _marks(pupils),
        "attendance": _attendance(pupils),
    }


def _marks(pupils):
    """[(subject, number of marks, the marks in order)] of the current year: the
    pupil's own marks, one query."""
    by_subject = {}
    rows = (Mark.objects.filter(pupil__in=pupils, lesson__academic_year__is_current=True)
            .exclude(value="").order_by("lesson__subject__name", "lesson__date", "pk")
            .values_list("lesson__subject__name", "value"))
    for subject, value in rows:
        by_subject.setdefault(subject, []).append(value)
    return [{"subject": subject, "count": len(values), "marks": " ".join(values)}
            for subject, values in by_subject.items()]


def _attendance(pupils):
    rows = (Attendance.objects.filter(pupil__in=pupils,
                                      lesson__academic_year__is_current=True)
            .values("kind").annotate(n=Count("pk")).order_by("kind"))
    labels = dict(Attendance._meta.get_field("kind").choices)
    return [{"kind": str(labels.get(row["kind"], row["kind"])), "count": row["n"]}
            for row in rows]


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def as_json(copy):
    """The machine-readable copy: keys are the fields' names, values plain JSON."""
    data = {
        "request": {k: _plain(v) for k, v in copy["request"].items()},
        "made_at": _plain(copy["made_at"]),
        "institution": copy["institution"],
        "person": {k: _plain(v) for k, v in copy["person"].items()},
        "records": [{"kind": r["key"], "title": r["title"],
                     "fields": {name: _plain(value) for name, _label, value in r["fields"]},
                     "withheld": r["withheld"]}
                    for r in copy["records"]],
        "consents": [{k: _plain(v) for k, v in c.items()} for c in copy["consents"]],
        "marks": copy["marks"],
        "attendance": copy["attendance"],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def display(value):
    """A value as the PDF prints it."""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return value

"""What each generated document says (R-DOC-1): the context of its PDF template, read
from the school's card (records.Institution), the pupil's card and the journal's finals.

Each builder takes the row being issued (its number, date and subject are already set)
and answers the template's context; ``documents.actions.issue`` renders and files it.
The documents stand above the journal (docs/architecture.md, "Layers"): the transcript
reads the journal's finals, nothing of the journal reads the documents."""

from django.utils.translation import gettext as _

from journal.models import FinalKind, FinalMark
from records.models import Guardianship, Pupil, Sex

TEMPLATES = {
    "certificate": "documents/pdf/certificate.html",
    "personal_file": "documents/pdf/personal_file.html",
    "class_list": "documents/pdf/class_list.html",
    "transcript": "documents/pdf/transcript.html",
}


def school_details(institution):
    """The heading of every document: the school's details from its card."""
    codes = [(_("INN"), institution.inn), (_("OKPO"), institution.okpo)]
    return {
        "name": institution.name or institution.short_name,
        "short_name": institution.short_name,
        "address": institution.address,
        "phone": institution.phone,
        "email": institution.email,
        "codes": [(label, value) for label, value in codes if value],
        "director": institution.director_name,
    }


def base(document):
    return {"document": document, "school": school_details(document.institution)}


def certificate(document):
    pupil = document.pupil
    school_class = pupil.school_class
    return {**base(document), "pupil": pupil, "person": pupil.person,
            "school_class": school_class,
            "year": school_class.academic_year if school_class else None,
            "pronoun": _("she") if pupil.person.sex == Sex.FEMALE else _("he")}


def personal_file(document):
    pupil = document.pupil
    person = pupil.person
    guardians = (Guardianship.objects.filter(pupil=pupil)
                 .select_related("parent__person").order_by("relation", "pk"))
    rows = [
        (_("Surname"), person.surname),
        (_("First name"), person.name),
        (_("Patronymic"), person.patronymic),
        (_("Birth date"), person.birth_date.strftime("%d.%m.%Y") if person.birth_date else ""),
        (_("Sex"), person.get_sex_display() if person.sex else ""),
        (_("Citizenship"), str(pupil.citizenship or "")),
        (_("Birth certificate"), " ".join(
            part for part in (pupil.birth_certificate_series, pupil.birth_certificate_number,
                              pupil.birth_certificate_issued_on.strftime("%d.%m.%Y")
                              if pupil.birth_certificate_issued_on else "") if part)),
        (_("Place of residence"), pupil.residence_address),
        (_("Place of registration"), pupil.registration_address),
        (_("Enrolled on"), pupil.enrolled_on.strftime("%d.%m.%Y") if pupil.enrolled_on else ""),
        (_("Class"), str(pupil.school_class or "")),
    ]
    parents = [(g.get_relation_display(), g.parent.person.full_name,
                g.parent.mobile_phone) for g in guardians]
    return {**base(document), "pupil": pupil, "rows": rows, "parents": parents}


def class_list(document):
    school_class = document.school_class
    pupils = (Pupil.objects.of_class(school_class).current()
              .select_related("person").order_by("person__search_name"))
    return {**base(document), "school_class": school_class,
            "teacher": (school_class.class_teacher.person.full_name
                        if school_class.class_teacher_id else ""),
            "pupils": list(pupils)}


def transcript_years(pupil):
    """[{year, periods: [Period], rows: [(subject, [period values], year, exam)]}] of the
    pupil's finals at this school (the pupil's own card), year by year."""
    finals = (FinalMark.objects.filter(pupil=pupil).exclude(value="")
              .select_related("academic_year", "subject", "period__period_type")
              .order_by("academic_year__starts_on", "subject__name"))
    years = {}
    for final in finals:
        year = years.setdefault(final.academic_year_id, {
            "year": final.academic_year, "periods": {}, "subjects": {}})
        cells = year["subjects"].setdefault(final.subject, {"periods": {}})
        if final.kind == FinalKind.PERIOD:
            year["periods"][final.period_id] = final.period
            cells["periods"][final.period_id] = final.value
        else:
            cells[final.kind] = final.value
    result = []
    for year in years.values():
        periods = sorted(year["periods"].values(),
                         key=lambda p: (p.starts_on, p.number))
        rows = [(subject, [cells["periods"].get(p.pk, "") for p in periods],
                 cells.get(FinalKind.YEAR, ""), cells.get(FinalKind.EXAM, ""))
                for subject, cells in sorted(year["subjects"].items(),
                                             key=lambda item: item[0].name)]
        result.append({"year": year["year"], "periods": periods, "rows": rows,
                       "has_exam": any(row[3] for row in rows)})
    return result


def transcript(document):
    pupil = document.pupil
    return {**base(document), "pupil": pupil, "person": pupil.person,
            "years": transcript_years(pupil)}


BUILDERS = {"certificate": certificate, "personal_file": personal_file,
            "class_list": class_list, "transcript": transcript}

"""The department's view of the schools (R-DEP-1): the table of schools, and one
school's card, year, curriculum and load, classes and subgroups, and movement, on
limited data: counts and the names of classes and staff, never a pupil. Each part is
one grouped query, whatever the size of the school or of the city."""

from django.db.models import Count, Q, Sum

from curriculum.models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    Period,
    SchoolClass,
    Subgroup,
    TeachingAssignment,
)
from movement.models import Movement, MovementKind
from portal.access import today
from records.models import Staff


def school_table(schools):
    """[{school, classes, pupils, staff, teachers, plan_hours, arrived, left}] of the
    schools' current years."""
    ids = [school.pk for school in schools]
    day = today()
    classes = dict(SchoolClass.objects.filter(institution_id__in=ids,
                                              academic_year__is_current=True)
                   .values_list("institution_id").annotate(n=Count("pk")).order_by())
    pupils = dict(ClassMembership.objects.filter(
        institution_id__in=ids, school_class__academic_year__is_current=True).on(day)
        .values_list("institution_id").annotate(n=Count("pupil_id", distinct=True))
        .order_by())
    staff = {row["institution_id"]: row for row in Staff.objects.filter(
        institution_id__in=ids, left_on__isnull=True).values("institution_id").annotate(
        n=Count("pk"), teachers=Count("pk", filter=Q(teaches=True))).order_by()}
    plan = dict(CurriculumLine.objects.filter(institution_id__in=ids,
                                              academic_year__is_current=True)
                .values_list("institution_id").annotate(h=Sum("hours_per_week")).order_by())
    moves = {}
    for institution_id, kind, n in (
            Movement.objects.effective().filter(
                institution_id__in=ids,
                date__gte=AcademicYear.objects.filter(
                    institution_id__in=ids, is_current=True).order_by("starts_on")
                .values("starts_on")[:1])
            .filter(kind__in=[MovementKind.ENROLMENT, MovementKind.LEAVING])
            .values_list("institution_id", "kind").annotate(n=Count("pk")).order_by()):
        moves[(institution_id, kind)] = n
    return [{
        "school": school, "classes": classes.get(school.pk, 0),
        "pupils": pupils.get(school.pk, 0),
        "staff": staff.get(school.pk, {}).get("n", 0),
        "teachers": staff.get(school.pk, {}).get("teachers", 0),
        "plan_hours": plan.get(school.pk) or 0,
        "arrived": moves.get((school.pk, MovementKind.ENROLMENT), 0),
        "left": moves.get((school.pk, MovementKind.LEAVING), 0),
    } for school in schools]


def school_view(school):
    """Everything the school's page shows, as plain values."""
    year = AcademicYear.objects.filter(institution=school, is_current=True).first()
    if year is None:
        return {"year": None}
    day = today()
    periods = list(Period.objects.filter(academic_year=year).select_related("period_type")
                   .order_by("period_type", "number"))
    plan = {row["grade"]: row for row in CurriculumLine.objects.filter(academic_year=year)
            .values("grade").annotate(hours=Sum("hours_per_week"),
                                      subjects=Count("subject_id", distinct=True))
            .order_by()}
    load = {row["school_class__grade"]: row["hours"] for row in TeachingAssignment.objects
            .filter(school_class__academic_year=year).values("school_class__grade")
            .annotate(hours=Sum("hours_per_week")).order_by()}
    sizes = dict(ClassMembership.objects.filter(school_class__academic_year=year).on(day)
                 .values_list("school_class_id").annotate(n=Count("pupil_id")).order_by())
    groups = dict(Subgroup.objects.filter(school_class__academic_year=year)
                  .values_list("school_class_id").annotate(n=Count("pk")).order_by())
    classes = [{
        "name": f"{c.grade}{c.letter}", "grade": c.grade,
        "teacher": c.class_teacher.person.full_name if c.class_teacher_id else "",
        "profile": str(c.profile) if c.profile_id else "",
        "pupils": sizes.get(c.pk, 0), "subgroups": groups.get(c.pk, 0),
    } for c in SchoolClass.objects.filter(academic_year=year)
        .select_related("class_teacher__person", "profile").order_by("grade", "letter")]
    grades = sorted({c["grade"] for c in classes} | set(plan))
    counts = {c["grade"]: 0 for c in classes}
    for c in classes:
        counts[c["grade"]] += 1
    curriculum = [{
        "grade": grade, "classes": counts.get(grade, 0),
        "subjects": plan.get(grade, {}).get("subjects", 0),
        "plan_hours": plan.get(grade, {}).get("hours") or 0,
        "assigned_hours": load.get(grade) or 0,
    } for grade in grades]
    movement = dict(Movement.objects.effective().filter(
        institution=school, date__gte=year.starts_on, date__lte=year.ends_on)
        .values_list("kind").annotate(n=Count("pk")).order_by())
    kinds = [(label, movement.get(value, 0)) for value, label in MovementKind.choices
             if value != MovementKind.CANCELLATION]
    return {"year": year, "periods": periods, "curriculum": curriculum, "classes": classes,
            "movement": kinds, "pupils": sum(c["pupils"] for c in classes)}

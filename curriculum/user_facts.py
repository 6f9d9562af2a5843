"""What the curriculum knows about a user, for the access core (portal/access.py): the
classes they lead as class teacher and the classes they teach. Registered in
CurriculumConfig.ready."""

from django.db.models import CharField, Value

from portal.access import user_fact

from .models import SchoolClass, TeachingAssignment

LED, TAUGHT = "led", "taught"


@user_fact("classes")
def led_and_taught_classes(person_id, leads_in, teaches_in):
    """(led class pks, taught class pks) in one query: the classes of the current year
    whose class teacher the person is, in the schools where they hold a class teacher's
    role (a class of a year rolled over, its graduates too, is led by nobody any
    more), and the classes of their teaching assignments in the schools where they are
    a subject teacher (an old year's too: its journals stay readable to their
    teachers)."""
    parts = []
    if leads_in:
        parts.append(SchoolClass.objects.filter(
            class_teacher__person_id=person_id, institution_id__in=leads_in,
            academic_year__is_current=True)
            .annotate(kind=Value(LED, output_field=CharField())).order_by()
            .values_list("pk", "kind"))
    if teaches_in:
        parts.append(TeachingAssignment.objects.filter(
            teacher__person_id=person_id, institution_id__in=teaches_in)
            .annotate(kind=Value(TAUGHT, output_field=CharField())).order_by()
            .values_list("school_class_id", "kind"))
    rows = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    led, taught = set(), set()
    for pk, kind in rows:
        (led if kind == LED else taught).add(pk)
    return led, taught

"""What the records know about a user, for the access core (portal/access.py): the
person of a login with their roles, and the pupils they are or are the parent of.
Registered in RecordsConfig.ready."""

from django.db.models import BooleanField, FilteredRelation, Value

from portal.access import today, user_fact

from .models import Guardianship, Person, Pupil, active_assignment


@user_fact("person")
def person_and_roles(user):
    """(person pk or None, [(role, institution pk or None)]) in one query: the person
    joined to their assignments valid today (a person without any comes back once,
    with no role)."""
    rows = list(
        Person.objects.filter(user_id=user.pk)
        .annotate(active=FilteredRelation(
            "role_assignments", condition=active_assignment(today(), "role_assignments__")))
        .order_by()
        .values_list("pk", "active__role", "active__institution_id")
    )
    if not rows:
        return None, []
    return rows[0][0], [(role, institution_id) for _pk, role, institution_id in rows
                        if role is not None]


@user_fact("pupils")
def pupils_and_children(person_id):
    """([own current pupil rows], [current children's rows]) in one query (a UNION ALL of
    the two indexed lookups), each row (pupil pk, institution pk, class pk)."""
    own = (Pupil.objects.current().filter(person_id=person_id)
           .annotate(child=Value(False, output_field=BooleanField())).order_by()
           .values_list("pk", "institution_id", "school_class_id", "child"))
    children = (Guardianship.objects.filter(parent__person_id=person_id,
                                            pupil__left_on__isnull=True)
                .annotate(child=Value(True, output_field=BooleanField())).order_by()
                .values_list("pupil_id", "pupil__institution_id", "pupil__school_class_id",
                             "child"))
    rows = list(own.union(children, all=True).order_by())
    return ([row[:3] for row in rows if not row[3]], [row[:3] for row in rows if row[3]])

"""What the records know about a user, for the access core (portal/access.py): the
person of a login with their roles, and the pupils they are or are the parent of.
Registered in RecordsConfig.ready."""

from django.db.models import BigIntegerField, F, FilteredRelation, Value

from portal.access import today, user_fact

from .models import Guardianship, Person, Pupil, active_assignment

PERSON, OWN, CHILD = 1, 2, 3  # the parts of the query below


@user_fact("person")
def person_roles_and_pupils(user):
    """(person pk or None, [(role, institution pk or None)], [own pupil rows],
    [children's rows]) in one query, each pupil row (pupil pk, institution pk, class
    pk): a UNION ALL of three indexed lookups by the login: the person joined to their
    assignments valid today (a person without any comes back once, with no role), the
    person's current pupil records, and the current pupils they are the parent of.
    Every signed-in page asks this, so it is one query, not two."""
    number = BigIntegerField()
    person = (Person.objects.filter(user_id=user.pk)
              .annotate(active=FilteredRelation(
                  "role_assignments",
                  condition=active_assignment(today(), "role_assignments__")))
              .annotate(u_part=Value(PERSON), u_person=F("pk"),
                        u_pupil=Value(None, output_field=number),
                        u_role=F("active__role"), u_school=F("active__institution_id"),
                        u_school_class=Value(None, output_field=number)))
    own = (Pupil.objects.current().filter(person__user_id=user.pk)
           .annotate(u_part=Value(OWN), u_person=F("person_id"), u_pupil=F("pk"),
                     u_role=Value(""), u_school=F("institution_id"),
                     u_school_class=F("school_class_id")))
    children = (Guardianship.objects.filter(parent__person__user_id=user.pk,
                                            pupil__left_on__isnull=True)
                .annotate(u_part=Value(CHILD), u_person=F("parent__person_id"),
                          u_pupil=F("pupil_id"), u_role=Value(""),
                          u_school=F("pupil__institution_id"),
                          u_school_class=F("pupil__school_class_id")))
    fields = ("u_part", "u_person", "u_pupil", "u_role", "u_school", "u_school_class")
    rows = list(person.order_by().values_list(*fields).union(
        own.order_by().values_list(*fields), children.order_by().values_list(*fields),
        all=True).order_by())
    person_id, roles, pupils, kids = None, [], [], []
    for part, person_pk, pupil, role, school, school_class in rows:
        if part == PERSON:
            person_id = person_pk
            if role is not None:
                roles.append((role, school))
        else:
            (pupils if part == OWN else kids).append((pupil, school, school_class))
    return person_id, roles, pupils, kids


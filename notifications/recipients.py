"""Who a notification about a pupil may reach: the pupil's own login and the logins of
their parents (records.Guardianship), while the pupil is at school and the login is
active. Senders give per-recipient-safe text; these helpers give the recipients."""

from django.db.models import Q

from records.models import User


def family_of(pupil_ids):
    """The users who are one of ``pupil_ids`` or a parent of one (a queryset)."""
    pupil_ids = list(pupil_ids)
    return User.objects.filter(
        Q(person__pupil_records__pk__in=pupil_ids,
          person__pupil_records__left_on__isnull=True)
        | Q(person__parent_records__guardianships__pupil_id__in=pupil_ids,
            person__parent_records__guardianships__pupil__left_on__isnull=True),
        is_active=True).distinct()


def families_by_pupil(pupil_ids):
    """{pupil pk: [user pk, ...]}: each pupil's own login and their parents' logins."""
    pupil_ids = list(pupil_ids)
    found = {}
    own = User.objects.filter(person__pupil_records__pk__in=pupil_ids,
                              person__pupil_records__left_on__isnull=True, is_active=True)
    for user_pk, pupil_pk in own.values_list("pk", "person__pupil_records__pk"):
        found.setdefault(pupil_pk, []).append(user_pk)
    parents = User.objects.filter(
        person__parent_records__guardianships__pupil_id__in=pupil_ids,
        person__parent_records__guardianships__pupil__left_on__isnull=True, is_active=True)
    for user_pk, pupil_pk in parents.values_list(
            "pk", "person__parent_records__guardianships__pupil_id"):
        found.setdefault(pupil_pk, []).append(user_pk)
    return found

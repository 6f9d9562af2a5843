"""A user's forum profile as one viewer may see it (R-FRM-1, R-PD-5).

- The name: the surname and initials, as on their posts.
- Their roles: a staff member's roles with their schools (what the school's staff page
  says too); a pupil and a parent are named so, with the school only to a viewer of
  that school (or the department), and a class only where the viewer may read that
  pupil's record (``records.view_pupil``: the pupil, their parents, their teachers and
  the school's leadership). A parent never learns another child's class here, nor
  which children another parent has.
- Their posts: the number of them, and the newest, that the viewer can read (not
  those of sections the viewer does not read, nor hidden ones but to moderators).

The profile exists for a viewer who can read at least one post of the user (or for
the user themself): otherwise it is 404, so a profile confirms nothing else.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.access import DEPARTMENT_ROLES, SCHOOL_STAFF_ROLES, Role, access

from .models import Post, author_name

LATEST_POSTS = 10


@dataclass
class Profile:
    user: object
    name: str
    roles: list = field(default_factory=list)  # ["Учитель — СОШ № 1", …]
    post_count: int = 0
    latest: list = field(default_factory=list)  # [Post]


def _schools_of(viewer):
    """The schools the viewer belongs to (any role, a pupil or a parent there), or None
    for all (a department user or a superuser)."""
    if viewer.is_superuser:
        return None
    context = access(viewer)
    if context.department_roles:
        return None
    return set(context.school_roles)


def roles_seen(viewer, user):
    """What ``viewer`` may read of ``user``'s roles: a list of labels."""
    from portal.access import today
    from records.models import Guardianship, Pupil, RoleAssignment, active_assignment

    person = user.person_or_none
    if person is None:
        return []
    schools = _schools_of(viewer)
    labels = []
    # Roles, not the per-person rights the administrator grants.
    assignments = RoleAssignment.objects.filter(
        active_assignment(today()), person=person,
        role__in=SCHOOL_STAFF_ROLES | DEPARTMENT_ROLES | {Role.EDITOR},
    ).select_related("institution").order_by("institution__short_name", "role")
    for row in assignments:
        where = row.institution.short_name if row.institution_id else _("the department")
        labels.append(f"{row.get_role_display()} — {where}")

    def family_label(label, pupil):
        school_known = schools is None or pupil.institution_id in schools
        if not school_known:
            return label
        if pupil.school_class_id and viewer.has_perm("records.view_pupil", pupil):
            return f"{label} — {pupil.institution.short_name}, {pupil.school_class}"
        return f"{label} — {pupil.institution.short_name}"

    own = Pupil.objects.current().filter(person=person).select_related(
        "institution", "school_class")
    labels += sorted({family_label(str(Role.PUPIL.label), pupil) for pupil in own})
    children = [row.pupil for row in Guardianship.objects.filter(
        parent__person=person, pupil__left_on__isnull=True).select_related(
        "pupil__institution", "pupil__school_class")]
    labels += sorted({family_label(str(Role.PARENT.label), pupil) for pupil in children})
    return labels


def profile(viewer, user):
    """The profile ``viewer`` may see of ``user``, or None (404)."""
    posts = Post.objects.visible_to(viewer).filter(author=user)
    count = posts.count()
    if not count and viewer.pk != user.pk:
        return None
    latest = list(posts.select_related("topic__section").order_by("-pk")[:LATEST_POSTS])
    return Profile(user=user, name=author_name(user), roles=roles_seen(viewer, user),
                   post_count=count, latest=latest)

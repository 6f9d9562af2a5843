"""Named changes to the curriculum and the class lists that also write the audit log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .models import SubgroupMembership, Tariffication
from .planning import snapshot_of, year_assignments

APPROVED = "curriculum.tariffication_approved"
NEW_VERSION = "curriculum.tariffication_new_version"


@transaction.atomic
def approve_tariffication(academic_year, user):
    """R-CUR-3: the director approves the year's load as it stands. The snapshot goes
    into the latest version (the first one is made here if the deputy never started
    one); from now on the teaching assignments of the year cannot change."""
    latest = (Tariffication.objects.select_for_update()
              .filter(academic_year=academic_year).order_by("-version").first())
    if latest is None:
        latest = Tariffication.objects.create(institution_id=academic_year.institution_id,
                                              academic_year=academic_year, version=1)
    if latest.approved_at:
        raise ValidationError(_("This version is already approved; start a new version to "
                                "change the load."))
    # The whole school's load, whatever the approver's own view of it.
    latest.snapshot = snapshot_of(year_assignments(academic_year))
    latest.approved_at, latest.approved_by = timezone.now(), user
    latest.save(update_fields=["snapshot", "approved_at", "approved_by"])
    log(latest, APPROVED, user=user, data={"version": latest.version,
                                           "assignments": len(latest.snapshot)})
    return latest


@transaction.atomic
def start_tariffication_version(academic_year, user):
    """After an approval the deputy opens a new, unapproved version: the teaching
    assignments may change again, and the approved version keeps its snapshot."""
    latest = (Tariffication.objects.select_for_update()
              .filter(academic_year=academic_year).order_by("-version").first())
    if latest is not None and latest.approved_at is None:
        raise ValidationError(_("Version %(version)s is not approved yet; keep working on it.")
                              % {"version": latest.version})
    version = Tariffication.objects.create(
        institution_id=academic_year.institution_id, academic_year=academic_year,
        version=(latest.version + 1) if latest else 1)
    log(version, NEW_VERSION, user=user, data={"version": version.version})
    return version


@transaction.atomic
def add_to_subgroup(subgroup, pupil, starts_on, user):
    membership = SubgroupMembership(institution_id=subgroup.institution_id, subgroup=subgroup,
                                    pupil=pupil, starts_on=starts_on)
    membership.full_clean()
    membership.save()
    log(membership, "wagtail.create", user=user)
    return membership


@transaction.atomic
def end_subgroup_membership(membership, ends_on, user):
    """The pupil leaves the subgroup after ``ends_on``; the row stays as history."""
    if ends_on < membership.starts_on:
        raise ValidationError(_("The pupil joined the group on %(day)s; the end date cannot "
                                "be earlier.") % {"day": f"{membership.starts_on:%d.%m.%Y}"})
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save(update_fields=["ends_on"])
    log(membership, "wagtail.edit", user=user)
    return membership

"""Named changes to portfolios and projects, each writing Wagtail's revision and log.

The views check who may keep a portfolio (``rules.can_keep``) before calling these;
the public flag is decided here only, so no path makes a minor's item public without a
parent (R-RES-2, R-PD-5).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from portal.access import access
from portal.history import record_change

from .models import PublicItem
from .rules import can_change_project, can_keep, is_parent_of_owner

MADE_PUBLIC = "portfolio.made_public"
PROPOSED_PUBLIC = "portfolio.public_proposed"
APPROVED_PUBLIC = "portfolio.public_approved"
MADE_PRIVATE = "portfolio.made_private"
NAME_APPROVED = "portfolio.name_approved"
NAME_WITHDRAWN = "portfolio.name_withdrawn"
LOG_ACTIONS = {
    MADE_PUBLIC, PROPOSED_PUBLIC, APPROVED_PUBLIC, MADE_PRIVATE, NAME_APPROVED,
    NAME_WITHDRAWN,
}


def needs_parent(item, user):
    """A minor's item made public by anyone but a parent waits for a parent."""
    return item.portfolio.owner_is_minor() and not is_parent_of_owner(user, item.portfolio)


def _clear_public(item):
    item.public = False
    item.public_requested_at = item.public_requested_by = None
    item.public_approved_at = item.public_approved_by = None


@transaction.atomic
def save_item(item, user, *, public=None, changed_content=True):
    """Creates or changes an achievement or a material of a portfolio ``user`` keeps.

    ``public``: True asks to make it public (directly, or as a proposal a parent
    approves), False makes it private, None leaves the flag. A public item of a minor
    changed by anyone but a parent goes back to a proposal: the parent consented to
    what it said before."""
    if not can_keep(user, item.portfolio):
        raise PermissionDenied
    created = item.pk is None
    if public is None and item.public and changed_content and needs_parent(item, user):
        public = True
        _clear_public(item)
    if public is False:
        _clear_public(item)
    elif public:
        _set_public(item, user)
    item.save()
    action = "wagtail.create" if created else "wagtail.edit"
    record_change(item, user, action)
    if public is not None:
        action = MADE_PRIVATE if not public else (
            MADE_PUBLIC if item.public else PROPOSED_PUBLIC)
        log(item, action, user=user)
    return item


def _set_public(item: PublicItem, user):
    now = timezone.now()
    if item.public:
        return
    if needs_parent(item, user):
        item.public_requested_at, item.public_requested_by = now, user
        return
    item.public = True
    if item.portfolio.owner_is_minor():  # a parent's own choice is their consent
        item.public_approved_at, item.public_approved_by = now, user
    item.public_requested_at = item.public_requested_at or now
    item.public_requested_by = item.public_requested_by or user


@transaction.atomic
def approve_public(item, user):
    """A parent approves a minor's proposal: the item becomes public."""
    if not is_parent_of_owner(user, item.portfolio) or not item.awaits_approval:
        raise PermissionDenied
    item.public = True
    item.public_approved_at, item.public_approved_by = timezone.now(), user
    item.save(update_fields=["public", "public_approved_at", "public_approved_by"])
    record_change(item, user, APPROVED_PUBLIC)
    return item


@transaction.atomic
def delete_item(item, user):
    if not can_keep(user, item.portfolio):
        raise PermissionDenied
    log(item, "wagtail.delete", user=user)
    files = [f.file for f in item.files.all()] if hasattr(item, "files") else []
    if getattr(item, "file", None):
        files.append(item.file)
    item.delete()
    for file in files:
        # Only once the deletion is committed: a rollback keeps the rows and the files.
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


@transaction.atomic
def save_portfolio(portfolio, user):
    if not can_keep(user, portfolio):
        raise PermissionDenied
    created = portfolio.pk is None
    portfolio.save()
    record_change(portfolio, user, "wagtail.create" if created else "wagtail.edit")
    return portfolio


@transaction.atomic
def add_proof(achievement, upload, user):
    from .models import AchievementFile

    if not can_keep(user, achievement.portfolio):
        raise PermissionDenied
    proof = AchievementFile(achievement=achievement)
    proof.file.save(upload.name, upload, save=True)
    log(achievement, "wagtail.edit", user=user, data={"proof_added": proof.pk})
    return proof


@transaction.atomic
def delete_proof(proof, user):
    if not can_keep(user, proof.achievement.portfolio):
        raise PermissionDenied
    log(proof.achievement, "wagtail.edit", user=user, data={"proof_removed": proof.pk})
    name, storage = proof.file.name, proof.file.storage
    proof.delete()
    transaction.on_commit(lambda: storage.delete(name))


# Projects ------------------------------------------------------------------------------


@transaction.atomic
def save_project(project, user):
    if project.pk is None:
        if not user.has_perm("portfolio.add_project", project):
            raise PermissionDenied
    elif not can_change_project(user, project):
        raise PermissionDenied
    created = project.pk is None
    project.save()
    record_change(project, user, "wagtail.create" if created else "wagtail.edit")
    return project


@transaction.atomic
def change_project_part(project, user, row, delete=False):
    """Adds, changes or removes a participant, a material or an achievement."""
    if not can_change_project(user, project):
        raise PermissionDenied
    if delete:
        log(project, "wagtail.edit", user=user,
            data={"removed": row._meta.model_name, "id": row.pk})
        row.delete()
        return None
    created = row.pk is None
    row.project = project
    row.save()
    log(project, "wagtail.edit", user=user,
        data={"added" if created else "changed": row._meta.model_name, "id": row.pk})
    return row


@transaction.atomic
def set_participant_name_public(participant, user, allowed):
    """A parent's consent (or its withdrawal) to name their child on the public page."""
    context = access(user)
    if participant.pupil_id is None or context is None \
            or participant.pupil_id not in context.child_pupil_ids:
        raise PermissionDenied
    if allowed:
        participant.name_approved_at, participant.name_approved_by = timezone.now(), user
    else:
        participant.name_approved_at = participant.name_approved_by = None
    participant.save(update_fields=["name_approved_at", "name_approved_by"])
    log(participant.project, NAME_APPROVED if allowed else NAME_WITHDRAWN, user=user,
        data={"participant": participant.pk})


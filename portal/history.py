"""History of records (R-PD-2) on Wagtail's own revisions and log entries.

The admin's create and edit views already save a revision and a log entry for every
model with ``RevisionMixin``. These helpers give the other ways a record changes
(imports, consent withdrawal, bulk actions) the same trail, and keep the state a row
had before its first recorded change, so that even the first diff shows old values.
"""

from wagtail.log_actions import log
from wagtail.models import RevisionMixin


def ensure_baseline(instance):
    """Keep the stored state of a row with no history yet (seeded, bulk-imported) as its
    first revision. Call before the change is written."""
    if not isinstance(instance, RevisionMixin) or instance.pk is None:
        return
    if instance.latest_revision_id:
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    revision = stored.save_revision(clean=False, changed=False)
    # Logged, so the history lists it with «Review this version» like any other.
    log(stored, "portal.version_kept", revision=revision, content_changed=True,
        timestamp=revision.created_at)
    instance.latest_revision = revision


def record_change(instance, user, action="wagtail.edit", data=None):
    """Write the new state of a changed row as a revision, logged under ``action``."""
    revision = instance.save_revision(user=user, clean=False)
    log(instance, action, user=user, revision=revision, content_changed=True, data=data)
    return revision


def scrub_revisions(instance, fields, child_relations=()):
    """Blank ``fields`` and empty ``child_relations`` in every kept version of a row:
    when consent is withdrawn, old versions must not keep what the record itself may no
    longer hold."""
    if not isinstance(instance, RevisionMixin):
        return
    for revision in instance.revisions.all():
        content = revision.content
        for field in fields:
            if field.name in content:
                content[field.name] = [] if field.many_to_many else field.get_default()
        for name in child_relations:
            content[name] = []
        revision.save(update_fields=["content"])

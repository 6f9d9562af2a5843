"""A school's site is created with the school; the editorial groups follow the role
assignments (sgo_pages/actions.py). The demo city inserts schools in bulk (no signal)
and calls the actions itself."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from records.models import Institution, Person, RoleAssignment

from . import actions


@receiver(post_save, sender=Institution)
def create_school_site(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        actions.create_school_site(instance)


@receiver([post_save, post_delete], sender=RoleAssignment)
def assignment_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.role not in actions.GROUP_ROLES:
        return
    user = Person.objects.filter(pk=instance.person_id).values_list("user", flat=True).first()
    if user is not None:
        from records.models import User

        actions.sync_editorial_groups(User(pk=user))


@receiver(post_save, sender=Person)
def login_linked(sender, instance, raw=False, update_fields=None, **kwargs):
    # A login given to a person who holds roles already (the demo's, an issued one).
    if raw or not instance.user_id or (update_fields is not None and "user" not in update_fields):
        return
    actions.sync_editorial_groups(instance.user)


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    # Assignments that began or ended by date since the last sign-in.
    actions.sync_editorial_groups(user)

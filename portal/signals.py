from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver


@receiver([password_changed, password_set, password_reset])
def clear_forced_password_change(request, user, **kwargs):
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])

"""The authentication backends: Django's and allauth's, reading the user of a request
with what every page needs of them in the same query.

- The person (the header shows the user's name): ``select_related``.
- The number of the user's unread notifications (the header's bell, issue 13): a
  subquery of the same query.
- The number of the user's unread mail (the menu's «Почта», R-MAIL-1): a subquery
  too.
- Whether the login holds any Django permission at all, directly or through a Wagtail
  group. Permissions of the access matrix are ``rules`` predicates, answered by the
  rules backend first; when a predicate says no (a parent asking for the admin), Django
  asks the next backends, and ModelBackend reads the user's permissions and their
  groups' (two queries) to find what a login without groups or permissions cannot
  hold. Knowing that from the user's own row, these backends answer "none" without
  reading; a login that has groups or permissions is read as before. Nothing is
  granted here that ModelBackend would not grant.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


class RequestUserMixin:
    def get_user(self, user_id):
        users = get_user_model()._default_manager
        model = users.model
        groups = model.groups.through.objects.filter(**{
            model.groups.field.m2m_field_name(): OuterRef("pk")})
        permissions = model.user_permissions.through.objects.filter(**{
            model.user_permissions.field.m2m_field_name(): OuterRef("pk")})
        unread = (apps.get_model("notifications", "Notification").objects
                  .filter(user=OuterRef("pk")).listed().unread().order_by()
                  .values("user").annotate(n=Count("pk")).values("n"))
        unread_mail = (apps.get_model("messaging", "Recipient").objects
                       .filter(user=OuterRef("pk"), read_at__isnull=True).order_by()
                       .values("user").annotate(n=Count("pk")).values("n"))
        user = (users.select_related("person")
                .annotate(has_groups=Exists(groups), has_permissions=Exists(permissions),
                          unread_notifications=Coalesce(
                              Subquery(unread, output_field=IntegerField()), 0),
                          unread_mail=Coalesce(
                              Subquery(unread_mail, output_field=IntegerField()), 0))
                .filter(pk=user_id).first())
        if user is None or not self.user_can_authenticate(user):
            return None
        user._holds_django_permissions = user.has_groups or user.has_permissions
        return user

    def _holds_none(self, user_obj):
        # A superuser holds every permission; any other login read by get_user above
        # and without groups or permissions holds none.
        return (not user_obj.is_superuser
                and getattr(user_obj, "_holds_django_permissions", True) is False)

    def get_user_permissions(self, user_obj, obj=None):
        if self._holds_none(user_obj):
            return set()
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        if self._holds_none(user_obj):
            return set()
        return super().get_group_permissions(user_obj, obj)


class ModelBackend(RequestUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(RequestUserMixin, AllauthBackend):
    pass

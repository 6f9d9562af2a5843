"""One login, allauth's, and no other way to change a login's password or email.

allauth serves the login, its rate limits (counted per account, with per-address
ceilings sized for a school behind one address: settings ``ACCOUNT_RATE_LIMITS``) and
reauthentication: adding, changing or removing an email and setting a password ask for
the password again. What Wagtail brings besides is closed or routed through it:

- ``/admin/login/`` and Wagtail's page-privacy login ``/_util/login/`` redirect to
  allauth's login, keeping ``next`` (``portal/urls.py``); shared page passwords are off,
  and the form for those made before is rate-limited (``page_password``).
- Wagtail's account page changes names, language and theme, never the email or the
  password (settings); it links to allauth's pages for those.
- The users admin (``wagtail.users``) is for superusers only, whatever Wagtail group or
  permission someone holds, sets no passwords, and asks for the password again before
  any change. A superuser's own email is changed at ``/accounts/email/`` like anyone's.

Logins of others are set by the school through ``records.logins.can_manage_login``.
``tests/portal/test_accounts.py`` walks every URL of the project for other logins.
"""

from allauth.account.decorators import reauthentication_required
from allauth.decorators import rate_limit
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as wagtaildocs_views
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.users import forms as user_forms
from wagtail.users.views import users


class SuperusersOnlyPermissionPolicy(BasePermissionPolicy):
    """Every action on logins in the Wagtail admin is a superuser's: a Wagtail group
    with "change user" would otherwise let its members give anyone a new email, and
    with it the password reset link."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_permission(user, None)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def instances_user_has_any_permission_for(self, user, actions):
        objects = self.model._default_manager
        return objects.all() if self.user_has_permission(user, None) else objects.none()

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class UserEditForm(user_forms.UserEditForm):
    def __init__(self, *args, **kwargs):
        editing_self = kwargs.get("editing_self", False)
        super().__init__(*args, **kwargs)
        # Pupils' logins have no email; a superuser's own email is changed at
        # /accounts/email/, which asks for the password and keeps allauth's addresses.
        if editing_self:
            del self.fields["email"]
        else:
            self.fields["email"].required = False


class UserCreationForm(user_forms.UserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False


class ReauthenticatedMixin:
    """The view asks for the password again (allauth) unless it was given within
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT``; who may not use the view at all gets 403
    first."""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, None):
            raise PermissionDenied
        view = reauthentication_required(super().dispatch)
        return view(request, *args, **kwargs)


class CreateView(ReauthenticatedMixin, users.CreateView):
    pass


class EditView(ReauthenticatedMixin, users.EditView):
    pass


class DeleteView(ReauthenticatedMixin, users.DeleteView):
    pass


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    # Ids in addresses follow the project's one rule (portal/ids.py).
    pk_path_converter = "id"

    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm


def email_menu_item(request):
    """Wagtail's account page links to allauth's pages for the email and the password."""
    return {"url": reverse("account_email"), "label": _("Email addresses"),
            "help_text": _("Add, change or remove the email of your login.")}


def password_menu_item(request):
    return {"url": reverse("account_change_password"), "label": _("Change password"),
            "help_text": _("Choose a new password; the old one is asked first.")}


# Shared page passwords are off (settings); the form of one made before is checked at
# most page_password times per address (ACCOUNT_RATE_LIMITS).
page_password = rate_limit(action="page_password")(wagtail_views.authenticate_with_password)
# The same for a password of a document collection (also off in the settings).
document_password = rate_limit(action="page_password")(
    wagtaildocs_views.authenticate_with_password)

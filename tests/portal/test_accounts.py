"""One login and reauthentication (issue 10, items 4 and 6).

Item 4: with a signed-in session alone (a computer left open in the staff room) nobody
adds an email to the login and sends the password reset link there: every change of an
email asks for the password again, and Wagtail's own account and users pages change
no one's email or password. Item 6: Wagtail's page-privacy login is not a second login
outside allauth's rate limits; no URL of the project but allauth's authenticates.
"""

import inspect
import re
import time

import pytest
from allauth.account.internal.flows import reauthentication
from allauth.account.models import EmailAddress
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from wagtail.admin.forms.pages import PageViewRestrictionForm
from wagtail.models import Page, PageViewRestriction

from portal import accounts
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_rate_limits")]


def add_email(client, email):
    return client.post(reverse("account_email"), {"email": email, "action_add": ""})


# Item 4: reauthentication ----------------------------------------------------------------

def test_adding_an_email_asks_for_the_password_first(client_for, demo_user):
    client = client_for("school1.parent")
    response = add_email(client, "thief@example.org")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()
    # A wrong password adds nothing either.
    client.post(response["Location"], {"password": "guess"})
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()
    # The owner gives the password, and the suspended change goes through.
    response = client.post(response["Location"], {"password": DEMO_PASSWORD})
    assert EmailAddress.objects.filter(email="thief@example.org",
                                       user=demo_user("school1.parent")).exists()


def test_the_password_is_asked_again_after_five_minutes(client_for, monkeypatch):
    client = client_for("school1.parent")
    response = add_email(client, "first@example.org")
    client.post(response["Location"], {"password": DEMO_PASSWORD})
    assert EmailAddress.objects.filter(email="first@example.org").exists()
    later = time.time() + 301
    monkeypatch.setattr(reauthentication.time, "time", lambda: later)
    response = add_email(client, "second@example.org")
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="second@example.org").exists()


@pytest.mark.parametrize("action", ["action_remove", "action_primary"])
def test_removing_or_choosing_an_email_asks_for_the_password(client_for, demo_user, action):
    user = demo_user("school1.parent")
    EmailAddress.objects.create(user=user, email="second@example.org", verified=True)
    client = client_for("school1.parent")
    response = client.post(reverse("account_email"),
                           {"email": "second@example.org", action: ""})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    address = EmailAddress.objects.get(email="second@example.org")
    assert not address.primary


def account_page_data(response):
    """Every field of Wagtail's account page, as the browser would send it."""
    data = {}
    for panels in response.context["panels_by_tab"].values():
        for panel in panels:
            for field in panel.get_form():
                value = field.value()
                if not value:  # unset, unchecked, or an empty file field
                    continue
                data[field.html_name] = "on" if value is True else value
    return data


def test_wagtails_account_page_changes_no_email(client_for, demo_user):
    client = client_for("school1.teacher")
    page = client.get(reverse("wagtailadmin_account"))
    assert b'name="name_email-email"' not in page.content
    data = account_page_data(page)
    data.update({"name_email-first_name": "Анна", "name_email-last_name": "Петрова",
                 "name_email-email": "thief@example.org"})
    response = client.post(reverse("wagtailadmin_account"), data)
    assert response.status_code == 302
    user = demo_user("school1.teacher")
    assert user.first_name == "Анна"  # the page works: the name is saved
    assert user.email == "school1.teacher@demo.example.ru"
    # It shows where the email and the password are changed instead.
    assert reverse("account_email").encode() in page.content


def test_wagtails_account_page_has_no_password_fields(client_for):
    page = client_for("school1.teacher").get(reverse("wagtailadmin_account"))
    assert b"new_password1" not in page.content


def test_the_users_admin_is_for_superusers_only(client, demo_user):
    """Even a Wagtail group with every permission on users gives none of it."""
    user = demo_user("school1.admin")
    group = Group.objects.create(name="Кадровики")
    group.permissions.set(Permission.objects.filter(content_type__model="user"))
    user.groups.add(group)
    client.force_login(user)
    target = demo_user("school1.teacher")
    for url in (reverse("wagtailusers_users:index"), reverse("wagtailusers_users:add"),
                reverse("wagtailusers_users:edit", args=[target.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert not response.get("Location", "").startswith(reverse("account_reauthenticate"))
    client.post(reverse("wagtailusers_users:edit", args=[target.pk]), {
        "username": target.username, "email": "thief@example.org", "first_name": "x",
        "last_name": "y", "is_active": "on"})
    target.refresh_from_db()
    assert target.email == "school1.teacher@demo.example.ru"


def test_a_superuser_gives_the_password_again_before_editing_a_login(client, demo_user):
    admin = demo_user("admin")
    target = demo_user("school1.teacher")
    client.force_login(admin)
    url = reverse("wagtailusers_users:edit", args=[target.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == url
    form = response.context["form"]
    assert "email" in form.fields and not form.fields["email"].required
    assert "password1" not in form.fields  # no one types another person's password
    own = client.get(reverse("wagtailusers_users:edit", args=[admin.pk]))
    assert "email" not in own.context["form"].fields


# Item 6: one login -----------------------------------------------------------------------

def test_the_page_privacy_login_redirects_to_allauths_keeping_next(client):
    response = client.get("/_util/login/?next=/private/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/private/"


def test_the_page_privacy_login_authenticates_nobody(client):
    """The issue's case: 15 wrong passwords there, then the right one logged in."""
    for _ in range(15):
        client.post("/_util/login/", {"username": "school1.teacher", "password": "wrong"})
    client.post("/_util/login/", {"username": "school1.teacher", "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_page_for_logged_in_users_sends_to_allauths_login(client):
    home = Page.objects.get(depth=2)
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(home.url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")


def test_no_shared_page_passwords_can_be_set():
    home = Page.objects.get(depth=2).specific
    form = PageViewRestrictionForm(private_page_options=home.private_page_options)
    choices = {value for value, _ in form.fields["restriction_type"].choices}
    assert PageViewRestriction.LOGIN in choices
    assert PageViewRestriction.PASSWORD not in choices
    assert "password" not in form.fields


def test_a_shared_page_password_made_before_is_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "page_password": "2/h/ip"}
    home = Page.objects.get(depth=2)
    restriction = PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, home.pk])
    for _ in range(2):
        assert client.post(url, {"password": "guess", "return_url": "/"}).status_code == 200
    assert client.post(url, {"password": "secret", "return_url": "/"}).status_code == 429


# The walking test ------------------------------------------------------------------------

AUTHENTICATES = re.compile(
    r"(?<!def )\bauthenticate\(|\.check_password\(|\bAuthenticationForm\b"
    r"|\bPasswordViewRestrictionForm\b")
# Views outside allauth that check a password, and why they may.
CHECKED_ELSEWHERE = {
    accounts.page_password: "a shared page password, rate-limited by allauth",
    accounts.document_password: "a shared collection password, rate-limited by allauth",
}


def leaf_patterns(resolver, prefix=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from leaf_patterns(pattern, (*prefix, pattern))
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern)


def view_sources(callback):
    """The code a view runs of its own: the function, or the view class and its form."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        yield inspect.unwrap(callback)
        return
    form_class = getattr(view_class, "form_class", None)
    for cls in (*view_class.__mro__, *(form_class.__mro__ if form_class else ())):
        if not cls.__module__.startswith(("django.views.", "django.forms.", "builtins")):
            yield cls


def authenticates(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, auth_views.LoginView):
        return True
    form_class = getattr(view_class, "form_class", None)
    if form_class is not None and issubclass(form_class, AuthenticationForm):
        return True
    for code in view_sources(callback):
        try:
            source = inspect.getsource(code)
        except (OSError, TypeError):
            continue
        if AUTHENTICATES.search(source):
            return True
    return False


def is_shadowed(patterns):
    """Is this pattern unreachable, because an earlier one answers its URL?"""
    leaf = patterns[-1]
    namespace = ":".join(p.namespace for p in patterns[:-1] if p.namespace)
    if not leaf.name:
        return False
    name = f"{namespace}:{leaf.name}" if namespace else leaf.name
    arguments = [*leaf.pattern.regex.groupindex]
    try:
        path = reverse(name, kwargs=dict.fromkeys(arguments, 1)) if arguments else \
            reverse(name)
    except Exception:
        return False
    return resolve(path).func is not leaf.callback


def test_no_view_but_allauths_authenticates_a_password():
    offenders = []
    for patterns in leaf_patterns(get_resolver()):
        callback = patterns[-1].callback
        module = inspect.unwrap(callback).__module__
        if module.startswith("allauth.") or callback in CHECKED_ELSEWHERE:
            continue
        if authenticates(callback) and not is_shadowed(patterns):
            offenders.append("".join(str(p.pattern) for p in patterns))
    assert not offenders, f"log in only through allauth: {offenders}"


def test_the_walk_sees_wagtails_own_logins():
    """Wagtail's login views are still in the URL tree, under the ones that redirect."""
    seen = {}
    for patterns in leaf_patterns(get_resolver()):
        if patterns[-1].name in ("wagtailcore_login", "wagtailadmin_login"):
            seen[patterns[-1].name] = (authenticates(patterns[-1].callback),
                                       is_shadowed(patterns))
    assert seen == {"wagtailcore_login": (True, True), "wagtailadmin_login": (True, True)}

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Logins are issued by the school (R-PPL-5): nobody signs up by themselves.
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins are counted per account: by username and by email alike, so
        typing the email instead of the username gives no fresh tries. allauth uses this
        key for its per-key "login_failed" limit, for reauthentication, and to clear the
        count after a password reset. A login that names no account keeps allauth's key
        (what was typed)."""
        user = account_of(credentials)
        if user is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"account:{user.pk}"


def account_of(credentials):
    """The one account the credentials name, or None."""
    if credentials.get("email"):
        users = filter_users_by_email(credentials["email"])
    elif credentials.get("username"):
        users = list(filter_users_by_username(credentials["username"]))
    else:
        users = []
    return users[0] if len(users) == 1 else None

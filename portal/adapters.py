from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Logins are issued by the school (R-PPL-5): nobody signs up by themselves.
        return False

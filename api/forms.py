from django import forms
from django.utils.translation import gettext_lazy as _

from .scopes import offered


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the key"), max_length=100, help_text=_(
        "What it is for, e.g. «Diary script» or «Phone app»."))
    scopes = forms.MultipleChoiceField(label=_("What the key may be used for"),
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope.name, scope.label) for scope in offered(user)]
        self.fields["scopes"].error_messages["required"] = _(
            "Choose at least one thing the key may be used for.")

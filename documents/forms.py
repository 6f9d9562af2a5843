from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PUPIL_KINDS, IssuedKind


class IssueForm(forms.Form):
    """What to issue about a pupil: the kind, and for a certificate where it goes."""

    kind = forms.ChoiceField(label=_("document"), choices=[
        (kind.value, kind.label) for kind in IssuedKind if kind in PUPIL_KINDS])
    destination = forms.CharField(
        label=_("for presentation at"), max_length=300, required=False,
        help_text=_("Certificate of study only; empty: «at the place of demand»."))

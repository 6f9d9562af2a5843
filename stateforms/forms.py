from django import forms
from django.utils.translation import gettext_lazy as _

from portal.ids import IdField

from .actions import COMMENT_LIMIT, REASON_LIMIT

# No school counts a million pupils: a larger number is a typing slip.
FIGURE_LIMIT = 999_999


class CreateForm(forms.Form):
    school = IdField(widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    value = forms.IntegerField(
        label=_("Corrected value"), min_value=0, max_value=FIGURE_LIMIT, required=False,
        help_text=_("Leave it empty to go back to the computed value."))
    reason = forms.CharField(label=_("Reason for the correction"), max_length=REASON_LIMIT,
                             required=False)

    def clean(self):
        data = super().clean()
        if data.get("value") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the figure is corrected."))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What the school should correct"),
                              max_length=COMMENT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))

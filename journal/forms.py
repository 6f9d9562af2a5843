"""The class teacher's attendance forms (R-JRN-3)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from curriculum.forms import PupilChoiceField, date_field

from .models import AttendanceKind

# The class teacher's attendance (R-JRN-3): a whole day, and excusing absences later.


class DayAbsenceForm(forms.Form):
    pupil = PupilChoiceField(queryset=None, label=_("pupil"))
    day = date_field(label=_("day"))
    kind = forms.ChoiceField(label=_("attendance"), choices=[
        (AttendanceKind.ABSENT, AttendanceKind.ABSENT.label),
        (AttendanceKind.VALID, AttendanceKind.VALID.label),
        (AttendanceKind.ILL, AttendanceKind.ILL.label),
    ])

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils


class ExcuseForm(forms.Form):
    pupils = forms.ModelMultipleChoiceField(queryset=None, label=_("pupils"),
                                            widget=forms.CheckboxSelectMultiple)
    first_day = date_field(label=_("from"))
    last_day = date_field(label=_("to"))
    kind = forms.ChoiceField(label=_("excused as"), choices=[
        (AttendanceKind.VALID, AttendanceKind.VALID.label),
        (AttendanceKind.ILL, AttendanceKind.ILL.label),
    ])

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.fields["pupils"].label_from_instance = lambda pupil: pupil.person.full_name

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data[
                "first_day"]:
            raise ValidationError(_("The end date is before the start date."))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FORMS_OF_GRADE, MARKS, ExamResult


class ExamForm(forms.ModelForm):
    class Meta:
        model = ExamResult
        fields = ["pupil", "subject", "form", "taken_on", "primary_score", "test_score",
                  "mark"]
        widgets = {"taken_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, school_class, pupils, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["subject"].queryset = subjects
        forms_of_grade = FORMS_OF_GRADE.get(school_class.grade, ())
        self.fields["form"].choices = [(f.value, f.label) for f in forms_of_grade]
        self.instance.institution_id = school_class.institution_id
        self.instance.academic_year_id = school_class.academic_year_id
        if self.instance.pk:
            # The exam's pupil and subject are what it is: a different one is a new exam.
            for name in ("pupil", "subject"):
                self.fields[name].disabled = True


class MarkForm(forms.Form):
    value = forms.TypedChoiceField(label=_("Final mark"), coerce=int,
                                   choices=[(m, m) for m in MARKS])
    reason = forms.CharField(label=_("Reason for the change"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))

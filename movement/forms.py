"""The forms of the movement book: every movement names its order (number and date)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from curriculum.forms import PupilChoiceField, date_field
from portal.access import today
from records.models import Institution

from .models import DestinationKind


class OrderFields(forms.Form):
    order_number = forms.CharField(label=_("order number"), max_length=30)
    order_date = date_field(label=_("order date"))

    def clean_order_number(self):
        return self.cleaned_data["order_number"].strip()


class NotInFuture:
    """Pupil.school_class is the class of today: a movement is entered once it
    applies."""

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > today():
            raise ValidationError(_("A movement is entered on or after its date."))
        return on


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class TransferForm(NotInFuture, OrderFields):
    pupil = PupilChoiceField(queryset=None, label=_("pupil"))
    to_class = ClassChoiceField(queryset=None, label=_("to the class"))
    on = date_field(label=_("from the date"))
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)

    field_order = ["pupil", "to_class", "on", "order_number", "order_date", "reason"]

    def __init__(self, *args, pupils, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["to_class"].queryset = classes


class EnrolForm(NotInFuture, OrderFields):
    """A new pupil: their name and birth date make the person, the school's record and
    the enrolment into a class."""

    surname = forms.CharField(label=_("surname"), max_length=100)
    name = forms.CharField(label=_("first name"), max_length=100)
    patronymic = forms.CharField(label=_("patronymic"), max_length=100, required=False)
    birth_date = date_field(label=_("birth date"))
    sex = forms.ChoiceField(label=_("sex"), choices=())
    to_class = ClassChoiceField(queryset=None, label=_("class"))
    on = date_field(label=_("enrolled from"))
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)

    field_order = ["surname", "name", "patronymic", "birth_date", "sex", "to_class", "on",
                   "order_number", "order_date", "reason"]

    def __init__(self, *args, classes, **kwargs):
        from records.models import Sex

        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = classes
        self.fields["sex"].choices = Sex.choices


class LeaveForm(NotInFuture, OrderFields):
    pupil = PupilChoiceField(queryset=None, label=_("pupil"))
    on = date_field(label=_("left on"))
    destination_kind = forms.ChoiceField(label=_("where to"), choices=DestinationKind.choices)
    destination_institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, label=_("school of the city"))
    destination = forms.CharField(label=_("destination"), max_length=300, required=False)
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)

    field_order = ["pupil", "on", "destination_kind", "destination_institution",
                   "destination", "order_number", "order_date", "reason"]

    def __init__(self, *args, pupils, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        # Every school of the city but the pupil's own: the names of the schools are
        # public (the portal's school pages).
        self.fields["destination_institution"].queryset = (
            Institution.objects.filter(department_id=institution.department_id)
            .exclude(pk=institution.pk).order_by("short_name"))


class CancelForm(OrderFields):
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)


class AcceptForm(NotInFuture, OrderFields):
    to_class = ClassChoiceField(queryset=None, label=_("class"), required=False)
    on = date_field(label=_("enrolled from"))

    field_order = ["to_class", "on", "order_number", "order_date"]

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = classes


class ReportForm(forms.Form):
    starts_on = date_field(label=_("from"), required=False)
    ends_on = date_field(label=_("to"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            raise ValidationError(_("The end date is before the start date."))
        return data

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


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.person.full_name


class RolloverForm(forms.Form):
    """The editable preview of the year rollover (R-MOV-4): the next year's dates and
    periods, each class's letter and class teacher, each pupil's decision, the orders.
    Built from ``rollover.preview``; ``edited`` writes the choices into the plan. A
    field of a class, period or pupil not in the preview is never read, so a forged
    field for another school's pupil changes nothing."""

    name = forms.CharField(label=_("next academic year"), max_length=20)
    starts_on = date_field(label=_("starts on"))
    ends_on = date_field(label=_("ends on"))
    promotion_order_number = forms.CharField(label=_("promotion order number"),
                                             max_length=30)
    promotion_order_date = date_field(label=_("promotion order date"))
    graduation_order_number = forms.CharField(label=_("graduation order number"),
                                              max_length=30, required=False)
    graduation_order_date = date_field(label=_("graduation order date"), required=False)

    def __init__(self, *args, plan, staff, **kwargs):
        from .rollover import DECISIONS

        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["name"].initial = plan.name
        self.fields["starts_on"].initial = plan.starts_on
        self.fields["ends_on"].initial = plan.ends_on
        self.has_graduates = any(row.graduates and row.pupils for row in plan.classes)
        for row in plan.periods:
            pk = row.period.pk
            self.fields[f"period_{pk}_starts"] = date_field(
                label=_("%(period)s starts") % {"period": row.period.label},
                initial=row.starts_on)
            self.fields[f"period_{pk}_ends"] = date_field(
                label=_("%(period)s ends") % {"period": row.period.label},
                initial=row.ends_on)
        for row in plan.classes:
            if row.graduates:
                continue
            pk = row.school_class.pk
            self.fields[f"letter_{pk}"] = forms.CharField(
                label=_("letter"), max_length=3, initial=row.new_letter)
            self.fields[f"teacher_{pk}"] = StaffChoiceField(
                queryset=staff, required=False, label=_("class teacher"),
                initial=row.class_teacher_id)
        for class_row in plan.classes:
            for row in class_row.pupils:
                choices = [(value, DECISIONS[value]) for value in row.choices]
                if row.flagged:
                    choices = [("", _("— decide —"))] + choices
                self.fields[f"decision_{row.pupil.pk}"] = forms.ChoiceField(
                    label=row.pupil.person.full_name, choices=choices, required=False,
                    initial="" if row.flagged else row.decision)

    def clean(self):
        data = super().clean()
        if self.has_graduates and not (data.get("graduation_order_number", "").strip()
                                       and data.get("graduation_order_date")):
            self.add_error("graduation_order_number", _(
                "Enter the graduation order's number and date: the school has graduates."))
        return data

    def edited(self):
        """The plan as the school edited it."""
        data, plan = self.cleaned_data, self.plan
        plan.name = data["name"].strip()
        plan.starts_on, plan.ends_on = data["starts_on"], data["ends_on"]
        for row in plan.periods:
            row.starts_on = data[f"period_{row.period.pk}_starts"]
            row.ends_on = data[f"period_{row.period.pk}_ends"]
        for class_row in plan.classes:
            if not class_row.graduates:
                pk = class_row.school_class.pk
                class_row.new_letter = data[f"letter_{pk}"].strip().upper()
                teacher = data[f"teacher_{pk}"]
                class_row.class_teacher_id = teacher.pk if teacher else None
            for row in class_row.pupils:
                chosen = data[f"decision_{row.pupil.pk}"]
                if chosen:
                    row.decision, row.decided = chosen, True
        return plan

    def orders(self):
        data = self.cleaned_data
        return ((data["promotion_order_number"].strip(), data["promotion_order_date"]),
                (data.get("graduation_order_number", "").strip(),
                 data.get("graduation_order_date")))

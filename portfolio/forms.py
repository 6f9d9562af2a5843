from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from records.models import Pupil, Staff

from .models import (
    Achievement,
    AchievementFile,
    Material,
    Portfolio,
    Project,
    ProjectAchievement,
    ProjectMaterial,
    ProjectParticipant,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicChoiceMixin(forms.Form):
    make_public = forms.BooleanField(
        label=_("Public"), required=False,
        help_text=_("Anyone may see a public item on the school's achievements page. For "
                    "a pupil under 18 a parent approves it first."))


class PortfolioForm(forms.ModelForm):
    class Meta:
        model = Portfolio
        fields = ["about", "portrait"]
        widgets = {"about": forms.Textarea(attrs={"rows": 4})}


class AchievementForm(PublicChoiceMixin, forms.ModelForm):
    proof = AchievementFile._meta.get_field("file").formfield(
        label=_("Proof file (diploma, certificate)"), required=False)

    class Meta:
        model = Achievement
        fields = ["title", "level", "result", "date", "event"]
        widgets = {"date": DATE}

    def clean_proof(self):
        upload = self.cleaned_data.get("proof")
        if upload:
            AchievementFile._meta.get_field("file").accept(upload)
        return upload


class MaterialForm(PublicChoiceMixin, forms.ModelForm):
    class Meta:
        model = Material
        fields = ["title", "description", "file", "link"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("link") and not (
                self.instance.pk and self.instance.file):
            raise ValidationError(_("Attach a file or give a link."))
        return data


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "kind", "description", "public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ParticipantForm(forms.ModelForm):
    """A pupil or a staff member of the project's school, among those the leader sees."""

    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none(), required=False,
                                   label=_("Pupil"))
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), required=False,
                                   label=_("Staff member"))

    class Meta:
        model = ProjectParticipant
        fields = ["pupil", "staff", "role"]

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["pupil"].queryset = Pupil.objects.visible_to(user).current().filter(
            institution_id=project.institution_id).select_related("person", "school_class")
        self.fields["pupil"].label_from_instance = lambda p: (
            f"{p.person.full_name} ({p.school_class})" if p.school_class_id
            else p.person.full_name)
        self.fields["staff"].queryset = Staff.objects.visible_to(user).current().filter(
            institution_id=project.institution_id).select_related("person")
        self.fields["staff"].label_from_instance = lambda s: s.person.full_name

    def clean(self):
        data = super().clean()
        pupil, staff = data.get("pupil"), data.get("staff")
        if bool(pupil) == bool(staff):
            raise ValidationError(_("Choose a pupil or a staff member."))
        person_id = (pupil or staff).person_id
        if ProjectParticipant.objects.filter(project=self.project,
                                             person_id=person_id).exists():
            raise ValidationError(_("This person already takes part in the project."))
        self.instance.person_id = person_id
        self.instance.project = self.project
        return data


class ProjectMaterialForm(forms.ModelForm):
    class Meta:
        model = ProjectMaterial
        fields = ["title", "file", "link"]

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("link"):
            raise ValidationError(_("Attach a file or give a link."))
        return data


class ProjectAchievementForm(forms.ModelForm):
    class Meta:
        model = ProjectAchievement
        fields = ["title", "level", "result", "date", "event"]
        widgets = {"date": DATE}


class AchievementFilter(forms.Form):
    level = forms.ChoiceField(choices=[("", _("All levels"))], required=False,
                              label=_("Level"))
    year = forms.TypedChoiceField(coerce=int, choices=[("", _("All years"))],
                                  required=False, empty_value=None, label=_("Year"))

    def __init__(self, *args, years=(), **kwargs):
        from .models import Level

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All levels")), *Level.choices]
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]

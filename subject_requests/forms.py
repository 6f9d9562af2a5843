from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.access import access
from records.models import Parent, Pupil, Staff

from .models import RequestKind

TEXT_LIMIT = 5000


def subjects_for(user):
    """{key: (label, person, institution)} of whose data ``user`` may ask about: their
    own, in each school that keeps a card of them, and a parent's children's, in the
    child's school. Two queries."""
    context = access(user)
    if context is None or context.person_id is None:
        return {}
    found = {}
    own = [*Staff.objects.filter(person_id=context.person_id),
           *Pupil.objects.filter(person_id=context.person_id),
           *Parent.objects.filter(person_id=context.person_id)]
    person = user.person
    for record in sorted(own, key=lambda r: r.institution_id):
        institution = record.institution
        found.setdefault(f"{person.pk}:{institution.pk}", (
            gettext("My own data (%(school)s)") % {"school": institution.short_name},
            person, institution))
    children = (Pupil.objects.filter(pk__in=context.child_pupil_ids)
                .select_related("person", "institution").order_by("person__search_name"))
    for child in children:
        found.setdefault(f"{child.person_id}:{child.institution_id}", (
            gettext("My child %(name)s (%(school)s)") % {
                "name": child.person.full_name, "school": child.institution.short_name},
            child.person, child.institution))
    return found


class FileRequestForm(forms.Form):
    whose = forms.ChoiceField(label=_("Whose data"))
    kind = forms.ChoiceField(label=_("What you ask for"), choices=RequestKind.choices)
    text = forms.CharField(
        label=_("Your request"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For a correction, say what is wrong and what is right. An erasure is "
                    "possible only for data the school is not obliged by law to keep."))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = subjects_for(user)
        self.fields["whose"].choices = [(key, label)
                                        for key, (label, _p, _i) in self.subjects.items()]

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what you ask for."))
        return text

    def subject_and_institution(self):
        _label, person, institution = self.subjects[self.cleaned_data["whose"]]
        return person, institution


class AnswerForm(forms.Form):
    ANSWER, REFUSE, CORRECT, ERASE = "answer", "refuse", "correct", "erase"
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        (ANSWER, _("Answer the request")),
        (CORRECT, _("The data is corrected")),
        (ERASE, _("Erase what the school keeps only by consent")),
        (REFUSE, _("Refuse, with the reason")),
    ])
    answer = forms.CharField(label=_("Answer"), max_length=TEXT_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, request_row, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        # Each kind's own outcome is offered to it only, and chosen first.
        own = {RequestKind.CORRECTION: self.CORRECT, RequestKind.ERASURE: self.ERASE}
        mine = own.get(request_row.kind)
        field.choices = [c for c in field.choices
                         if c[0] not in own.values() or c[0] == mine]
        field.initial = mine or self.ANSWER

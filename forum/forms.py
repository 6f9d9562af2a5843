"""The forum's forms. They say what is wrong in the user's language; the actions
(forum/actions.py) check the same things again, and the rights."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from curriculum.models import SchoolClass
from portal.ids import IdField
from portal.uploads import MultipleFileField
from records.models import Institution, User

from .models import (
    MAX_ATTACHMENTS,
    MAX_POST_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TITLE_LENGTH,
    Attachment,
    Audience,
    Section,
)

MARKUP_HELP = _("**bold**, *italic*, [text](https://…), a line starting with «- » is a "
                "list item, with «> » a quote; ``` above and below a block of code.")


class FilesMixin(forms.Form):
    files = MultipleFileField(label=_("Attach files"), required=False,
                              stored=Attachment._meta.get_field("file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("Up to %(count)d files: %(kinds)s") % {
            "count": MAX_ATTACHMENTS, "kinds": self.fields["files"].stored.describe()}

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("At most %(count)d files to a post.")
                                  % {"count": MAX_ATTACHMENTS})
        return files


def text_field(label=None):
    return forms.CharField(label=label or _("Text"), max_length=MAX_POST_LENGTH,
                           help_text=MARKUP_HELP, widget=forms.Textarea(attrs={"rows": 8}))


class TopicForm(FilesMixin):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    text = text_field()
    field_order = ["title", "text", "files"]


class PostForm(FilesMixin):
    text = text_field(_("Your reply"))
    reply_to = IdField(required=False, widget=forms.HiddenInput)
    field_order = ["text", "files", "reply_to"]


class EditPostForm(forms.Form):
    text = text_field()


def reason_field(label):
    return forms.CharField(label=label, max_length=MAX_REASON_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))


class HideForm(forms.Form):
    reason = reason_field(_("Why is the post hidden?"))


class ReportForm(forms.Form):
    reason = reason_field(_("What is wrong with the post?"))


BAN_DAYS = [(1, _("a day")), (3, _("three days")), (7, _("a week")), (30, _("a month")),
            (90, _("three months"))]


class BanForm(forms.Form):
    days = forms.TypedChoiceField(label=_("For how long"), choices=BAN_DAYS, coerce=int,
                                  initial=7)
    reason = reason_field(_("Why? The user is told."))


class MoveForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Move to the section"),
                                     queryset=Section.objects.none())

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


class ModeratorForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Moderator"), queryset=User.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: (
            user.person.full_name if user.person_or_none else user.get_username())


class SectionForm(forms.ModelForm):
    """A section of the schools the user keeps (their administrator's), or of the city
    and the department (the department's administrator)."""

    class Meta:
        model = Section
        fields = ["title", "description", "audience", "institution", "school_class",
                  "position"]

    def __init__(self, *args, schools, city, **kwargs):
        super().__init__(*args, **kwargs)
        institution = self.fields["institution"]
        institution.queryset = (Institution.objects.all() if schools is None
                                else Institution.objects.filter(pk__in=schools))
        # A class's section is in the class's school (Section.clean); a school's
        # audiences ask for the school there too.
        institution.required = False
        institution.empty_label = _("— the city —") if city else None
        if not city:
            institution.help_text = ""
        if schools is not None and len(schools) == 1 and not self.instance.pk:
            institution.initial = next(iter(schools))
        classes = SchoolClass.objects.current().select_related("institution").order_by(
            "institution__short_name", "grade", "letter")
        if schools is not None:
            classes = classes.filter(institution_id__in=schools)
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].help_text = _("For a class's section only.")
        allowed = set()
        if city:
            allowed |= {Audience.CITY, Audience.DEPARTMENT}
        if schools is None or schools:
            allowed |= {Audience.CITY, Audience.SCHOOL, Audience.STAFF, Audience.PARENTS,
                        Audience.CLASS}
        self.fields["audience"].choices = [(value, label) for value, label in Audience.choices
                                           if value in allowed]

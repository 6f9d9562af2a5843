"""The mail's forms. The recipients offered are the sender's address book
(messaging/addressbook.py), and what comes back is checked against the same book by
the actions: a forged id, a huge one or one of another school is refused with a
message, and nothing is sent."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from portal.ids import parse_id

from . import actions
from .models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, Attachment


class RecipientsField(forms.Field):
    """Posted user ids (checkboxes rendered from the address book by the template)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("This is not the number of a record.")}

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > actions.MAX_RECIPIENTS:
            raise ValidationError(_("Too many recipients."))
        ids = [parse_id(v) for v in values]
        if None in ids:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class GroupsField(forms.Field):
    """Posted keys of whole groups of the address book («5А: parents»)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v)[:50] for v in values[:200]]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Up to ``actions.MAX_ATTACHMENTS`` files, each checked by its content as the
    attachment's field does."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        field = Attachment._meta.get_field("file")
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", field.describe())
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = field.accept_attribute()

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if len(uploads) > actions.MAX_ATTACHMENTS:
            raise ValidationError(ngettext(
                "At most %(n)s file can be attached.", "At most %(n)s files can be attached.",
                actions.MAX_ATTACHMENTS) % {"n": actions.MAX_ATTACHMENTS})
        field = Attachment._meta.get_field("file")
        for upload in uploads:
            super().clean(upload, initial)
            field.accept(upload)
        return list(uploads)


class RecipientsMixin(forms.Form):
    to = RecipientsField(label=pgettext_lazy("mail", "To"), required=False)
    groups = GroupsField(required=False)

    def __init__(self, *args, book, **kwargs):
        self.book = book
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        ids = set(data.get("to") or [])
        for key in data.get("groups") or []:
            group = self.book.by_key.get(key)
            if group is None:
                raise ValidationError(_("You cannot write to some of the chosen recipients. "
                                        "The message was not sent."))
            ids |= group.user_ids
        if "to" in data:
            if not ids:
                self.add_error("to", _("Choose at least one recipient."))
            elif self.book.outside(ids):
                self.add_error("to", _("You cannot write to some of the chosen recipients. "
                                       "The message was not sent."))
        data["recipient_ids"] = ids
        return data

    def chosen(self):
        """The user ids ticked on the form shown again (after an error)."""
        values = self.data.getlist("to") if hasattr(self.data, "getlist") else []
        return {parse_id(v) for v in values} - {None}

    def chosen_groups(self):
        return set(self.data.getlist("groups")) if hasattr(self.data, "getlist") else set()


class ComposeForm(RecipientsMixin):
    subject = forms.CharField(label=pgettext_lazy("mail", "Subject"),
                              max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(label=_("Message"), max_length=BODY_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 8}))
    files = FilesField(label=_("Attachments"))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=BODY_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 5}))
    files = FilesField(label=_("Attachments"))


class ForwardForm(RecipientsMixin):
    body = forms.CharField(label=_("Your note"), max_length=BODY_MAX_LENGTH, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))

import ipaddress
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import DEFAULTS, Channel, Preference
from .service import Kind


class CheckboxInput(forms.CheckboxInput):
    def value_from_datadict(self, data, files, name):
        # As posted (Django's turns any text into True), for the field to check.
        return data.get(name)


class Checkbox(forms.BooleanField):
    """A checkbox that accepts only what a checkbox sends: nothing, or its value."""

    widget = CheckboxInput(attrs={"value": "1"})

    def to_python(self, value):
        if value in (None, "", False, "0", "false"):
            return False
        if value in (True, "1", "on", "true"):
            return True
        raise ValidationError(_("Not a choice of this checkbox."), code="invalid")


def field_name(kind, channel):
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """The user's channels for every kind: one checkbox per kind and channel."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        stored = {row.kind: row.channels()
                  for row in Preference.objects.filter(user_id=user.pk)}
        for kind in Kind:
            current = stored.get(kind.value, DEFAULTS[kind])
            for channel in Channel:
                self.fields[field_name(kind, channel)] = Checkbox(
                    required=False, initial=current[channel],
                    label=f"{kind.label}: {channel.label}")

    def rows(self):
        """(kind label, [bound field per channel]) for the table."""
        return [(kind.label, [self[field_name(kind, channel)] for channel in Channel])
                for kind in Kind]

    def save(self):
        data = self.cleaned_data
        Preference.objects.filter(user_id=self.user.pk).delete()
        Preference.objects.bulk_create([
            Preference(user_id=self.user.pk, kind=kind,
                       portal=data[field_name(kind, Channel.PORTAL)],
                       email=data[field_name(kind, Channel.EMAIL)],
                       push=data[field_name(kind, Channel.PUSH)])
            for kind in Kind
        ])


class SubscriptionForm(forms.Form):
    """A browser's PushSubscription (its JSON: endpoint and keys), checked."""

    endpoint = forms.URLField(max_length=1000)
    p256dh = forms.RegexField(regex=r"^[A-Za-z0-9_-]{80,100}={0,2}$")
    auth = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,30}={0,2}$")

    def __init__(self, data):
        keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
        super().__init__({"endpoint": data.get("endpoint"), "p256dh": keys.get("p256dh"),
                          "auth": keys.get("auth")})

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        # The worker posts to this address: only a public push service over HTTPS, never
        # a host of the portal's own network.
        host = (urlsplit(endpoint).hostname or "").lower()
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if (not endpoint.startswith("https://") or host == "localhost"
                or host.endswith((".localhost", ".local", ".internal"))
                or (address is not None and not address.is_global)):
            raise ValidationError(_("This is not the address of a push service."))
        return endpoint

"""API tokens' scopes. The token itself is Wagtail's ``APIToken`` (only a digest of the
key is stored, with its prefix, creation, last use and revocation); what it may be used
for is kept beside it, one row per token."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import APIToken


class TokenScopes(models.Model):
    """The scopes a token was created with (``api.scopes.SCOPES``)."""

    token = models.OneToOneField(APIToken, on_delete=models.CASCADE, primary_key=True,
                                 related_name="portal_scopes", verbose_name=_("API token"))
    scopes = models.JSONField(_("scopes"), default=list)

    class Meta:
        verbose_name = _("API token scopes")
        verbose_name_plural = _("API token scopes")

    def __str__(self):
        return ", ".join(self.scopes)

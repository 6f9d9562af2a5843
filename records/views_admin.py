"""Admin views of records beyond Wagtail's generic ones."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .actions import withdraw_consent
from .models import Consent, Parent, Pupil, Staff


def visible_consent(request, pk, perm):
    consent = get_object_or_404(Consent.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm(perm, consent):
        raise PermissionDenied
    return consent


def consent_withdraw(request, pk):
    consent = visible_consent(request, pk, "records.change_consent")
    if consent.withdrawn_on:
        raise Http404
    if request.method == "POST":
        withdraw_consent(consent, request.user)
        messages.success(request, _("Consent withdrawn; the records now keep only the "
                                    "minimum fields."))
        return redirect("records_consent:index")
    scope = {"person_id": consent.person_id, "institution_id": consent.institution_id}
    records = [r for model in (Staff, Pupil, Parent) for r in model.objects.filter(**scope)]
    return TemplateResponse(request, "records/consent_withdraw.html", {
        "consent": consent,
        "cleared": [(r, [f.verbose_name for f in r.filled_personal_fields()]) for r in records],
    })


def consent_scan(request, pk):
    """The scan, served only to those who may see the consent."""
    consent = visible_consent(request, pk, "records.view_consent")
    if not consent.scan:
        raise Http404
    content_type = mimetypes.guess_type(consent.scan.name)[0] or "application/octet-stream"
    response = FileResponse(consent.scan.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response

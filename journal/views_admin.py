"""The data-entry wizard of a new school (R-WIZ-1), in the Wagtail admin.

A school's wizard is one ``SetupWizard`` row: the steps done, the step to resume at,
and the lock that keeps it to one editor at a time. Every step saves in one
transaction and only then moves on.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from records.models import Institution

from .forms import STEP_FORMS
from .models import STEPS, SetupWizard, WizardStep
from .rules import RUN_SETUP_WIZARD


def answers_403(view):
    """Wagtail's admin turns PermissionDenied into a redirect to the dashboard; the
    wizard answers a plain 403 so that "not allowed" is not mistaken for "moved"."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exception:
            return defaults.permission_denied(request, exception)

    return wrapped


def wizard_for(request, institution_pk):
    """The school's wizard: 404 for a school the user does not see, 403 for one where
    they may not run it."""
    institution = get_object_or_404(Institution.objects.visible_to(request.user),
                                    pk=institution_pk)
    if not request.user.has_perm(RUN_SETUP_WIZARD, SetupWizard(institution=institution)):
        raise PermissionDenied
    wizard, _created = SetupWizard.objects.select_related(
        "institution", "academic_year", "locked_by").get_or_create(institution=institution)
    return wizard


@answers_403
def setup_index(request):
    if not request.user.has_perm(RUN_SETUP_WIZARD):
        raise PermissionDenied
    # Only the user's own schools, a handful of rows; each is checked against the matrix.
    schools = [i for i in Institution.objects.visible_to(request.user).order_by("short_name")
               if request.user.has_perm(RUN_SETUP_WIZARD, SetupWizard(institution=i))]
    if len(schools) == 1:
        return redirect("journal_setup_resume", schools[0].pk)
    wizards = {w.institution_id: w for w in SetupWizard.objects.filter(institution__in=schools)}
    return TemplateResponse(request, "journal/setup/index.html", {
        "schools": [(school, wizards.get(school.pk)) for school in schools],
        "steps_total": len(STEPS),
    })


@answers_403
def setup_resume(request, institution_pk):
    wizard = wizard_for(request, institution_pk)
    return redirect("journal_setup_step", wizard.institution_id, wizard.current_step)


@answers_403
@require_POST
def setup_lock(request, institution_pk):
    """The holder releases the wizard; anyone may take over a stale lock."""
    wizard = wizard_for(request, institution_pk)
    step = request.POST.get("step") or wizard.current_step
    if step not in STEPS:
        step = wizard.current_step
    if request.POST.get("action") == "release":
        if wizard.held_by(request.user):
            wizard.release()
            messages.success(request, _("You have released the wizard; others may edit it now."))
        return redirect(reverse("journal_setup_step", args=[wizard.institution_id, step])
                        + "?view=1")
    if request.POST.get("action") == "take_over":
        if wizard.acquire(request.user, take_over=True):
            messages.success(request, _("You have taken over the wizard."))
        else:
            messages.error(request, _("The wizard is still in use; it can be taken over "
                                      "after 30 minutes without activity."))
    return redirect("journal_setup_step", wizard.institution_id, step)


@answers_403
def setup_step(request, institution_pk, step):
    wizard = wizard_for(request, institution_pk)
    if step not in STEPS:
        raise Http404
    if not wizard.may_open(step):
        messages.warning(request, _("Complete the earlier steps first."))
        return redirect("journal_setup_step", wizard.institution_id, wizard.current_step)
    if step != WizardStep.YEAR and wizard.academic_year_id is None:
        # The year was deleted after the first step: every later step belongs to a year.
        messages.warning(request, _("Enter the academic year first."))
        return redirect("journal_setup_step", wizard.institution_id, WizardStep.YEAR)
    user = request.user
    # Opening the wizard takes the lock when it is free; "?view=1" only reads (after
    # releasing it, say).
    holds = wizard.held_by(user) and wizard.acquire(user)
    if not holds and not request.GET.get("view") and (not wizard.locked or not wizard.locked_by_id):
        holds = wizard.acquire(user)
    form_class = STEP_FORMS[step]
    status = 200
    if request.method == "POST" and not holds:
        messages.error(request, _("Nothing was saved: the wizard is being edited by "
                                  "someone else."))
        status = 409
    try:
        if request.method == "POST" and holds:
            form = form_class(wizard, user, data=request.POST)
            if form.is_valid():
                with transaction.atomic():
                    form.save()
                    wizard.complete(step)
                messages.success(request, _("Step saved: %(step)s.") % {
                    "step": WizardStep(step).label})
                if wizard.completed_at and step == STEPS[-1]:
                    return redirect("journal_setup_step", wizard.institution_id, step)
                return redirect("journal_setup_step", wizard.institution_id,
                                wizard.current_step)
        else:
            form = form_class(wizard, user)
    except ValidationError as error:
        # The department has not entered what the step needs.
        messages.error(request, " ".join(error.messages))
        form = None
    lock_holder = None
    if wizard.locked and wizard.locked_by_id and not holds:
        lock_holder = wizard.locked_by
    return TemplateResponse(request, "journal/setup/step.html", {
        "wizard": wizard,
        "institution": wizard.institution,
        "step": step,
        "step_label": WizardStep(step).label,
        "steps": [(s, s.label, wizard.is_done(s), wizard.may_open(s)) for s in STEPS],
        "form": form,
        "holds": holds,
        "lock_holder": lock_holder,
        "lock_holder_name": lock_holder and display_name(lock_holder),
        "stale": wizard.is_stale(),
        "step_template": f"journal/setup/step_{step}.html",
    }, status=status)


def display_name(user):
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()

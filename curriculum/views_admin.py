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
from django.views.decorators.http import require_POST, require_safe

from portal.ids import id_or_404
from records.models import Institution

from . import actions, planning
from .forms import STEP_FORMS
from .models import STEPS, CurriculumLine, SetupWizard, Tariffication, WizardStep
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
    return TemplateResponse(request, "curriculum/setup/index.html", {
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
    return TemplateResponse(request, "curriculum/setup/step.html", {
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
        "step_template": f"curriculum/setup/step_{step}.html",
    }, status=status)


def display_name(user):
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


# The curriculum plan (R-CUR-2) and the tariffication (R-CUR-3), read in the admin.


def chosen_year(request, perm):
    """The year of ``?year=`` among those the user may open under ``perm`` (404 for
    any other), or the current one; PermissionDenied when there is none."""
    years = planning.planning_years(request.user, perm)
    if not request.user.has_perm(perm):
        raise PermissionDenied
    raw = request.GET.get("year") or request.POST.get("year")
    if raw:
        year = get_object_or_404(years, pk=id_or_404(raw))
    else:
        year = planning.default_year(years)
    if year is None:
        raise Http404
    return year, years


@answers_403
@require_safe
def curriculum_plan(request):
    year, years = chosen_year(request, "curriculum.view_curriculumline")
    columns, rows = planning.curriculum_plan(year)
    return TemplateResponse(request, "curriculum/admin/curriculum_plan.html", {
        "year": year,
        "years": years,
        "columns": columns,
        "rows": rows,
        "over": [c for c in columns if c.over_limit],
        "can_edit": request.user.has_perm("curriculum.change_curriculumline",
                                          CurriculumLine(institution_id=year.institution_id)),
    })


@answers_403
def tariffication(request):
    year, years = chosen_year(request, "curriculum.view_tariffication")
    user = request.user
    probe = Tariffication(institution_id=year.institution_id)
    may_approve = user.has_perm("curriculum.approve_tariffication", probe)
    may_start = user.has_perm("curriculum.add_tariffication", probe)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("approve", "new_version") or not (
                may_approve if action == "approve" else may_start):
            raise PermissionDenied
        try:
            if action == "approve":
                version = actions.approve_tariffication(year, user)
                messages.success(request, _("Version %(version)s of the tariffication is "
                                            "approved.") % {"version": version.version})
            else:
                version = actions.start_tariffication_version(year, user)
                messages.success(request, _("Version %(version)s is started: the teaching "
                                            "load may be changed again.")
                                 % {"version": version.version})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('journal_load:index')}?year={year.pk}")
    assignments = list(planning.year_assignments(year).visible_to(user))
    versions = list(Tariffication.objects.visible_to(user).filter(academic_year=year)
                    .select_related("approved_by").order_by("-version"))
    latest = versions[0] if versions else None
    approved = next((v for v in versions if v.approved_at), None)
    comparison = planning.compare_with_plan(year, assignments)
    return TemplateResponse(request, "curriculum/admin/tariffication.html", {
        "year": year,
        "years": years,
        "assignments": assignments,
        "totals": planning.teacher_totals(assignments),
        "comparison": comparison,
        "mismatches": sum(1 for row in comparison if row.status != "ok"),
        "versions": versions,
        "latest": latest,
        "locked": bool(latest and latest.approved_at),
        "approved": approved,
        "approved_totals": planning.snapshot_totals(approved.snapshot) if approved else [],
        "approved_by": approved and approved.approved_by and display_name(approved.approved_by),
        "may_approve": may_approve and not (latest and latest.approved_at),
        "may_start": may_start and bool(latest and latest.approved_at),
    })

"""Admin views of records beyond Wagtail's generic ones."""

import base64
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curriculum.models import SchoolClass
from portal.access import today
from portal.exports import xlsx_response
from portal.pdf import render_pdf

from . import department, imports
from .actions import SUSPEND_ACCESS, restore_access, suspend_access, withdraw_consent
from .credentials import issue_logins
from .forms import (
    DepartmentMemberForm,
    DepartmentRolesForm,
    ImportForm,
    importable_institutions,
)
from .logins import can_manage_login, login_reach
from .models import (
    Consent,
    Institution,
    Parent,
    Person,
    Pupil,
    RoleAssignment,
    Staff,
    active_assignment,
)


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


def issue_credentials(request, class_pk):
    """R-PPL-5: logins for a class, and the sheet to hand out, in one step. The
    passwords are in the PDF and nowhere else. The page's script sends the form itself,
    saves the PDF and reloads the page, which then counts who still has no login
    (portal/static/portal/issue_credentials.js); without it the browser downloads the
    PDF as usual."""
    school_class = get_object_or_404(
        SchoolClass.objects.visible_to(request.user).select_related("institution"),
        pk=class_pk,
    )
    if not request.user.has_perm("records.issue_credentials", school_class):
        raise PermissionDenied
    if request.method == "POST":
        sheet = issue_logins(school_class, request.user, renew=bool(request.POST.get("renew")))
        if not sheet:
            messages.info(request, _("Everyone in this class already has a login."))
            return redirect(request.path)
        issued = sum(1 for _record, _username, password in sheet if password)
        if not issued:
            messages.info(request, _(
                "Nobody got a new login or password: these people also have records in "
                "another school or work at a school, so their logins are not issued here."))
            return redirect(request.path)
        pdf = render_pdf("records/credentials_sheet.html", {
            "school_class": school_class,
            "sheet": sheet,
            "portal_url": request.build_absolute_uri("/"),
        })
        messages.success(request, ngettext(
            "%(count)s login issued: hand out the sheet (PDF).",
            "%(count)s logins issued: hand out the sheet (PDF).", issued) % {"count": issued})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="logins-{school_class.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    pupils = Pupil.objects.of_class(school_class).current()
    parents = Parent.objects.filter(children__in=pupils).distinct()
    return TemplateResponse(request, "records/issue_credentials.html", {
        "school_class": school_class,
        "pupils_total": pupils.count(),
        "pupils_without": pupils.filter(person__user__isnull=True).count(),
        "parents_total": parents.count(),
        "parents_without": parents.filter(person__user__isnull=True).count(),
    })


IMPORT_SESSION_KEY = "records_import"


def import_pupils(request):
    """R-PPL-7: upload, preview, then apply all or nothing."""
    if not importable_institutions(request.user):
        raise PermissionDenied
    context = {"headers": imports.headers()}
    if request.method == "POST" and "apply" in request.POST:
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored or "order_number" not in stored:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("records_import")
        institution = get_object_or_404(
            Institution.objects.filter(pk__in=[i.pk for i in importable_institutions(
                request.user)]), pk=stored["institution"])
        content = base64.b64decode(stored["content"])
        plan = imports.build_plan(content, stored["filename"], institution)
        if plan.errors:
            context.update(form=ImportForm(user=request.user), plan=plan)
            return TemplateResponse(request, "records/import.html", context)
        try:
            imports.apply_plan(plan, institution, request.user, stored["order_number"],
                               datetime.date.fromisoformat(stored["order_date"]))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("records_import")
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, _("Imported: %(created)s new pupils, %(updated)s updated.")
                         % {"created": plan.created, "updated": plan.updated})
        return redirect("records_pupil:index")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            institution = form.cleaned_data["institution"]
            try:
                plan = imports.build_plan(content, upload.name, institution)
            except imports.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "institution": institution.pk, "filename": upload.name,
                    "content": base64.b64encode(content).decode("ascii"),
                    "order_number": form.cleaned_data["order_number"].strip(),
                    "order_date": form.cleaned_data["order_date"].isoformat(),
                }
                context["plan"] = plan
    else:
        form = ImportForm(user=request.user)
    context["form"] = form
    return TemplateResponse(request, "records/import.html", context)


def import_template(request):
    if not importable_institutions(request.user):
        raise PermissionDenied
    return xlsx_response(imports.template_rows(), "pupils-template")


def access_suspension(request, person_pk):
    """R-PD-6: suspend a person's login with a reason, or restore it."""
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("user"), pk=person_pk
    )
    if not request.user.has_perm(SUSPEND_ACCESS, person):
        raise PermissionDenied
    if person.user is None:
        raise Http404
    error = ""
    # A school suspends only a login wholly its own (records.logins): otherwise it
    # would lock the person out of another school, or undo that school's suspension.
    manageable = can_manage_login(request.user, person, SUSPEND_ACCESS)
    if request.method == "POST" and not manageable:
        raise PermissionDenied
    if request.method == "POST":
        if person.user.is_active:
            reason = request.POST.get("reason", "").strip()
            if reason:
                suspend_access(person, request.user, reason)
                messages.success(request, _("Access suspended."))
                return redirect(request.path)
            error = _("Give the reason: it is kept with the suspension.")
        else:
            restore_access(person, request.user)
            messages.success(request, _("Access restored."))
            return redirect(request.path)
    return TemplateResponse(request, "records/access_suspension.html", {
        "person": person, "login": person.user, "error": error, "manageable": manageable,
    })


def _manages_department(user):
    if not user.has_perm(department.MANAGE):
        raise PermissionDenied


def department_staff(request):
    """R-DEP-3: the department's own staff with their roles and logins, and a new member."""
    _manages_department(request.user)
    form = DepartmentMemberForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, username, password = department.add_member(
                request.user, surname=data["surname"], name=data["name"],
                patronymic=data["patronymic"], email=data["email"], roles=data["roles"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            issued = {"person": person, "username": username, "password": password}
            form = DepartmentMemberForm()
    day = today()
    people = list(department.members())
    roles = {}
    for assignment in RoleAssignment.objects.filter(
            active_assignment(day), person__in=people, institution__isnull=True):
        roles.setdefault(assignment.person_id, []).append(assignment.get_role_display())
    # A login with site powers is a superuser's to change (records.logins): listed, not
    # linked.
    reach = login_reach(people)
    return TemplateResponse(request, "records/department_staff.html", {
        "form": form, "issued": issued,
        "members": [(person, roles.get(person.pk, []), can_manage_login(
            request.user, person, department.MANAGE, reach=reach[person.pk]))
            for person in people],
    })


def department_member(request, person_pk):
    _manages_department(request.user)
    person = get_object_or_404(department.members(), pk=person_pk)
    if not can_manage_login(request.user, person, department.MANAGE):
        raise PermissionDenied
    form = DepartmentRolesForm(request.POST if "roles_form" in request.POST else None,
                               initial={"roles": sorted(department.current_roles(person))})
    issued = None
    if request.method == "POST" and "new_password" in request.POST:
        username, password = department.new_password(request.user, person)
        issued = {"person": person, "username": username, "password": password}
    elif request.method == "POST" and form.is_valid():
        department.set_roles(request.user, person, form.cleaned_data["roles"])
        messages.success(request, _("The roles of %(person)s are saved.") % {"person": person})
        return redirect(request.path)
    history = RoleAssignment.objects.filter(person=person).order_by("-valid_from", "role")
    return TemplateResponse(request, "records/department_member.html", {
        "person": person, "form": form, "issued": issued, "history": history,
    })

"""Portfolio pages of the portal (R-RES-2, R-RES-3). Every row is fetched through
``visible_to`` (a row the user may not see is 404) and every change goes through
``portfolio.actions``, which checks the keeping rights again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curriculum.models import SchoolClass
from portal.access import access, permission
from portal.uploads import file_response
from records.models import Institution, Pupil, Staff

from . import actions
from .forms import (
    AchievementFilter,
    AchievementForm,
    MaterialForm,
    ParticipantForm,
    PortfolioForm,
    ProjectAchievementForm,
    ProjectForm,
    ProjectMaterialForm,
)
from .models import (
    Achievement,
    AchievementFile,
    Level,
    Material,
    Portfolio,
    Project,
    ProjectAchievement,
    ProjectMaterial,
    ProjectParticipant,
)
from .rules import (
    VIEW_PORTFOLIO,
    VIEW_PROJECT,
    can_change_project,
    can_keep,
    is_owner,
    is_parent_of_owner,
)

PAGE_SIZE = 20


def _portfolio(user, pk):
    return get_object_or_404(
        Portfolio.objects.visible_to(user).select_related(
            "person", "institution", "pupil__school_class", "staff"), pk=pk)


def _kept_portfolio(user, pk):
    """A portfolio the user keeps; one they only read is 403, one they do not see 404."""
    portfolio = _portfolio(user, pk)
    if not can_keep(user, portfolio):
        raise PermissionDenied
    return portfolio


@login_required
def mine(request):
    """«Портфолио» in the menu: a pupil's own, or a teacher's own."""
    context = access(request.user)
    own = sorted(context.own_pupil_ids)
    if own:
        return redirect("portfolio:pupil", pupil_pk=own[0])
    staff = (Staff.objects.current().filter(person_id=context.person_id)
             .select_related("person").order_by("pk").first()
             if context.person_id else None)
    if staff is not None:
        portfolio, _created = Portfolio.objects.get_or_create(
            person_id=staff.person_id, institution_id=staff.institution_id,
            defaults={"staff": staff})
        return redirect("portfolio:detail", pk=portfolio.pk)
    if context.child_pupil_ids:
        return redirect("portfolio:children")
    raise Http404


@login_required
def children(request):
    """A parent's portfolios: one per child."""
    pupils = (Pupil.objects.filter(pk__in=access(request.user).child_pupil_ids)
              .select_related("person", "institution", "school_class")
              .order_by("person__search_name", "pk"))
    if not pupils:
        raise Http404
    return render(request, "portfolio/children.html", {"pupils": pupils})


@login_required
def pupil_portfolio(request, pupil_pk):
    """The portfolio of a pupil, made on first visit by someone who keeps it."""
    user = request.user
    pupil = get_object_or_404(Pupil.objects.visible_to(user).select_related("person"),
                              pk=pupil_pk)
    portfolio = Portfolio.objects.visible_to(user).filter(pupil=pupil).first()
    if portfolio is None:
        portfolio = Portfolio(person=pupil.person, institution_id=pupil.institution_id,
                              pupil=pupil)
        if not can_keep(user, portfolio) or Portfolio.objects.filter(pupil=pupil).exists():
            raise Http404
        portfolio.save()
    return redirect("portfolio:detail", pk=portfolio.pk)


@login_required
def detail(request, pk):
    user = request.user
    portfolio = _portfolio(user, pk)
    limited = (not is_owner(user, portfolio)
               and permission(VIEW_PORTFOLIO).is_limited_for(user, portfolio))
    achievements = (Achievement.objects.visible_to(user).filter(portfolio=portfolio)
                    .select_related("public_approved_by__person")
                    .prefetch_related("files"))
    materials = (Material.objects.visible_to(user).filter(portfolio=portfolio)
                 .select_related("public_approved_by__person"))
    participations = []
    if portfolio.pupil_id and is_parent_of_owner(user, portfolio):
        participations = (ProjectParticipant.objects.filter(pupil_id=portfolio.pupil_id)
                          .select_related("project"))
    return render(request, "portfolio/detail.html", {
        "portfolio": portfolio,
        "limited": limited,
        "achievements": achievements,
        "materials": materials,
        "can_keep": can_keep(user, portfolio),
        "is_parent": is_parent_of_owner(user, portfolio),
        "minor": portfolio.owner_is_minor(),
        "participations": participations,
    })


def public_portfolio(request, pk):
    """Anyone's view: the owner's name and school and the public items, nothing of the
    records (R-PD-5: no birth date, no class, no portrait)."""
    portfolio = get_object_or_404(Portfolio.objects.public().select_related(
        "person", "institution"), pk=pk)
    return render(request, "portfolio/public.html", {
        "portfolio": portfolio,
        "achievements": Achievement.objects.public().filter(portfolio=portfolio)
        .prefetch_related("files"),
        "materials": Material.objects.public().filter(portfolio=portfolio),
    })


@login_required
def edit_portfolio(request, pk):
    portfolio = _kept_portfolio(request.user, pk)
    form = PortfolioForm(request.POST or None, request.FILES or None, instance=portfolio)
    if request.method == "POST" and form.is_valid():
        actions.save_portfolio(form.save(commit=False), request.user)
        messages.success(request, _("The portfolio is saved."))
        return redirect(portfolio)
    return render(request, "portfolio/form.html", {
        "form": form, "portfolio": portfolio, "title": _("About me and portrait")})


# Achievements and materials ------------------------------------------------------------

ITEMS = {
    "achievement": (Achievement, AchievementForm),
    "material": (Material, MaterialForm),
}


def _item(user, kind, pk):
    model, _form = ITEMS[kind]
    item = get_object_or_404(model.objects.visible_to(user).select_related(
        "portfolio__person", "portfolio__pupil"), pk=pk)
    return item


def _kept_item(user, kind, pk):
    item = _item(user, kind, pk)
    if not can_keep(user, item.portfolio):
        raise PermissionDenied
    return item


def _save_item_form(request, form, item):
    item = form.save(commit=False)
    wanted = form.cleaned_data.get("make_public")
    public = None
    if wanted != (item.public or item.awaits_approval):
        public = bool(wanted)
    actions.save_item(item, request.user, public=public,
                      changed_content=bool(form.changed_data))
    proof = form.cleaned_data.get("proof")
    if proof:
        actions.add_proof(item, proof, request.user)
    if public and not item.public:
        messages.info(request, _("Saved. A parent approves making it public."))
    else:
        messages.success(request, _("Saved."))
    return redirect(item.portfolio)


@login_required
def item_add(request, pk, kind):
    portfolio = _kept_portfolio(request.user, pk)
    model, form_class = ITEMS[kind]
    item = model(portfolio=portfolio)
    form = form_class(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        return _save_item_form(request, form, item)
    return render(request, "portfolio/form.html", {
        "form": form, "portfolio": portfolio,
        "title": _("New achievement") if kind == "achievement" else _("New material")})


@login_required
def item_edit(request, pk, kind):
    item = _kept_item(request.user, kind, pk)
    _model, form_class = ITEMS[kind]
    form = form_class(request.POST or None, request.FILES or None, instance=item,
                      initial={"make_public": item.public or item.awaits_approval})
    if request.method == "POST" and form.is_valid():
        return _save_item_form(request, form, item)
    return render(request, "portfolio/form.html", {
        "form": form, "portfolio": item.portfolio, "item": item, "kind": kind,
        "title": str(item)})


@login_required
def item_delete(request, pk, kind):
    item = _kept_item(request.user, kind, pk)
    if request.method == "POST":
        portfolio = item.portfolio
        actions.delete_item(item, request.user)
        messages.success(request, _("Deleted."))
        return redirect(portfolio)
    return render(request, "portfolio/confirm_delete.html", {
        "item": item, "portfolio": item.portfolio})


@login_required
@require_POST
def item_approve(request, pk, kind):
    item = _item(request.user, kind, pk)
    actions.approve_public(item, request.user)
    messages.success(request, _("Approved: it is public now."))
    return redirect(item.portfolio)


@login_required
@require_POST
def proof_delete(request, pk):
    proof = get_object_or_404(AchievementFile.objects.visible_to(request.user).select_related(
        "achievement__portfolio"), pk=pk)
    actions.delete_proof(proof, request.user)
    messages.success(request, _("Deleted."))
    return redirect("portfolio:achievement_edit", pk=proof.achievement_id)


def achievement(request, pk):
    """One achievement (a search hit's address, for visitors too): its portfolio if the
    user reads it, else the owner's public page."""
    item = _item(request.user, "achievement", pk)
    if request.user.is_authenticated and Portfolio.objects.visible_to(request.user).filter(
            pk=item.portfolio_id).exists():
        return redirect(item.portfolio)
    return redirect("portfolio:public", pk=item.portfolio_id)


# The class teacher's list ---------------------------------------------------------------


@login_required
def class_portfolios(request, class_pk):
    user = request.user
    school_class = get_object_or_404(SchoolClass.objects.visible_to(user), pk=class_pk)
    pupils = (Pupil.objects.visible_to(user).current().filter(school_class=school_class)
              .select_related("person").order_by("person__search_name", "pk"))
    portfolios = {
        p.pupil_id: p for p in Portfolio.objects.visible_to(user).filter(
            pupil__school_class=school_class).annotate(
            achievement_count=Count("achievements", distinct=True),
            public_count=Count("achievements", filter=Q(achievements__public=True),
                               distinct=True),
            waiting_count=Count("achievements", filter=Q(
                achievements__public=False, achievements__public_requested_at__isnull=False),
                distinct=True))
    }
    rows = [(pupil, portfolios.get(pupil.pk)) for pupil in pupils]
    if not rows:
        raise Http404
    return render(request, "portfolio/class.html", {"school_class": school_class,
                                                    "rows": rows})


# Projects ------------------------------------------------------------------------------


def projects(request):
    rows = (Project.objects.visible_to(request.user)
            .select_related("institution", "leader__person")
            .annotate(participant_count=Count("participants", distinct=True))
            .order_by("institution__short_name", "title", "pk"))
    school = request.GET.get("school", "")
    if school.isdigit() and len(school) < 10:
        rows = rows.filter(institution_id=int(school))
    can_add = request.user.is_authenticated and request.user.has_perm("portfolio.add_project")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portfolio/projects.html", {"page": page, "can_add": can_add})


def _project(user, pk):
    return get_object_or_404(Project.objects.visible_to(user).select_related(
        "institution", "leader__person"), pk=pk)


def project_detail(request, pk):
    user = request.user
    project = _project(user, pk)
    # A visitor who reads the project only because it is public sees the public page:
    # minor participants named only with a parent's consent.
    full = user.is_authenticated and (
        can_change_project(user, project)
        or permission(VIEW_PROJECT).filter(Project.objects.filter(pk=project.pk), user).exists())
    limited = full and permission(VIEW_PROJECT).is_limited_for(user, project) \
        and not can_change_project(user, project)
    participants = list(project.participants.select_related("person", "pupil__school_class"))
    named = participants if full and not limited else [p for p in participants
                                                       if p.name_public]
    return render(request, "portfolio/project.html", {
        "project": project,
        "full": full and not limited,
        "participants": named,
        "unnamed": len(participants) - len(named),
        "materials": ProjectMaterial.objects.filter(project=project)
        if not limited else ProjectMaterial.objects.none(),
        "achievements": ProjectAchievement.objects.filter(project=project),
        "can_change": user.is_authenticated and can_change_project(user, project),
    })


@login_required
def project_add(request):
    user = request.user
    context = access(user)
    staff = (Staff.objects.current().filter(person_id=context.person_id)
             .order_by("pk").first() if context.person_id else None)
    if staff is None or not user.has_perm("portfolio.add_project"):
        raise PermissionDenied
    project = Project(institution_id=staff.institution_id, leader=staff)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        actions.save_project(form.save(commit=False), user)
        return redirect(project)
    return render(request, "portfolio/form.html", {"form": form, "title": _("New project")})


def _changed_project(user, pk):
    project = _project(user, pk)
    if not can_change_project(user, project):
        raise PermissionDenied
    return project


@login_required
def project_edit(request, pk):
    project = _changed_project(request.user, pk)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        actions.save_project(form.save(commit=False), request.user)
        messages.success(request, _("Saved."))
        return redirect(project)
    return render(request, "portfolio/form.html", {
        "form": form, "project": project, "title": str(project)})


PARTS = {
    "participant": (ProjectParticipant, ParticipantForm),
    "material": (ProjectMaterial, ProjectMaterialForm),
    "achievement": (ProjectAchievement, ProjectAchievementForm),
}


@login_required
def project_part_add(request, pk, part):
    user = request.user
    if part not in PARTS:
        raise Http404
    project = _changed_project(user, pk)
    model, form_class = PARTS[part]
    extra = {"user": user, "project": project} if part == "participant" else {}
    form = form_class(request.POST or None, request.FILES or None,
                      instance=model(project=project), **extra)
    if request.method == "POST" and form.is_valid():
        actions.change_project_part(project, user, form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect(project)
    titles = {"participant": _("New participant"), "material": _("New material"),
              "achievement": _("New achievement")}
    return render(request, "portfolio/form.html", {
        "form": form, "project": project, "title": titles[part]})


@login_required
@require_POST
def project_part_delete(request, pk, part, part_pk):
    if part not in PARTS:
        raise Http404
    project = _changed_project(request.user, pk)
    model, _form = PARTS[part]
    row = get_object_or_404(model._base_manager, project=project, pk=part_pk)
    actions.change_project_part(project, request.user, row, delete=True)
    messages.success(request, _("Deleted."))
    return redirect(project)


@login_required
@require_POST
def participant_name(request, pk):
    """A parent allows (or stops) naming their child on the public project page."""
    participant = get_object_or_404(
        ProjectParticipant.objects.filter(pupil_id__in=access(request.user).child_pupil_ids)
        .select_related("project", "pupil"), pk=pk)
    actions.set_participant_name_public(participant, request.user,
                                        request.POST.get("allowed") == "1")
    messages.success(request, _("Saved."))
    return redirect("portfolio:pupil", pupil_pk=participant.pupil_id)


# A school's achievements ----------------------------------------------------------------


def school_achievements(request, institution_pk):
    """The public achievements of a school's pupils and teachers, by level and year."""
    institution = get_object_or_404(Institution, pk=institution_pk)
    rows = Achievement.objects.public().filter(portfolio__institution=institution)
    years = sorted({d.year for d in rows.dates("date", "year")}, reverse=True)
    filters = AchievementFilter(request.GET or None, years=years)
    if filters.is_valid():
        if filters.cleaned_data["level"]:
            rows = rows.filter(level=filters.cleaned_data["level"])
        if filters.cleaned_data["year"]:
            rows = rows.filter(date__year=filters.cleaned_data["year"])
    rows = rows.select_related("portfolio__person").order_by("-date", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portfolio/school_achievements.html", {
        "institution": institution, "page": page, "filters": filters,
        "levels": Level, "query": query.urlencode()})


# Files ---------------------------------------------------------------------------------

FILE_FIELDS = [
    (Portfolio, "portrait", VIEW_PORTFOLIO),
    (AchievementFile, "file", VIEW_PORTFOLIO),
    (Material, "file", "portfolio.view_material"),
    (ProjectMaterial, "file", VIEW_PROJECT),
]


def file(request, name):
    """A file of a portfolio or a project: a public item's to anyone, a private one to
    those who read it in full (not the department's limited reading). 404 otherwise."""
    user = request.user
    for model, field, perm in FILE_FIELDS:
        row = model.objects.visible_to(user).filter(**{field: name}).first()
        if row is None:
            continue
        if not getattr(row, "is_public", False) or model is Portfolio:
            holder = row if model is Portfolio else (
                row.achievement.portfolio if model is AchievementFile else
                row.portfolio if model is Material else row.project)
            owner = model is not ProjectMaterial and is_owner(user, holder)
            if not user.is_authenticated or (
                    not owner and permission(perm).is_limited_for(user, holder)):
                raise Http404
        try:
            return file_response(getattr(row, field))
        except FileNotFoundError:
            raise Http404 from None
    raise Http404

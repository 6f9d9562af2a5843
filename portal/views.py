from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from curriculum.models import SchoolClass, TeachingAssignment
from records.models import Institution, Pupil

from .access import Role, access


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("portal/favicon.svg"), permanent=True)


def superusers_only(request, *args, **kwargs):
    """Wagtail's site history report, for superusers; anyone else gets 403."""
    from wagtail.admin.views.reports.audit_logging import LogEntriesView

    if not request.user.is_superuser:
        raise PermissionDenied
    results = request.path.rstrip("/").endswith("results")
    return LogEntriesView.as_view(results_only=results)(request, *args, **kwargs)


@login_required
def start(request):
    """Each role lands on its own start page."""
    user = request.user
    context = access(user)
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return redirect("dashboard")
    if context.child_pupil_ids:
        return redirect("records:family")
    if context.own_pupil_ids:
        return redirect("records:me")
    messages.info(request, _("Your login has no role in any school yet. "
                             "Ask your school administrator to assign one."))
    return redirect("/")


@login_required
def dashboard(request):
    user = request.user
    if not (user.is_superuser or user.has_perm("wagtailadmin.access_admin")):
        raise PermissionDenied
    context = access(user)
    institutions = Institution.objects.visible_to(user).order_by("short_name")
    # Counts per school in two grouped queries: a join of classes and pupils per school
    # would multiply rows for a department user looking at the whole city.
    class_counts = dict(
        SchoolClass.objects.current().filter(institution__in=institutions)
        .values_list("institution").annotate(n=Count("pk")).order_by()
    )
    pupil_counts = dict(
        Pupil.objects.current().filter(institution__in=institutions)
        .values_list("institution").annotate(n=Count("pk")).order_by()
    )
    roles_by_school = {
        i: sorted(Role(r).label for r in roles) for i, roles in context.school_roles.items()
    }
    schools = [
        {
            "institution": i,
            "roles": roles_by_school.get(i.pk, []),
            "class_count": class_counts.get(i.pk, 0),
            "pupil_count": pupil_counts.get(i.pk, 0),
        }
        for i in institutions
    ]
    led_classes = (
        SchoolClass.objects.filter(pk__in=context.led_class_ids)
        .select_related("institution")
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__left_on__isnull=True)))
    )
    teaching = (
        TeachingAssignment.objects.visible_to(user)
        .filter(teacher__person_id=context.person_id)
        .select_related("school_class", "subject", "institution")
    )
    return render(request, "portal/dashboard.html", {
        "schools": schools,
        "department_roles": sorted(Role(r).label for r in context.department_roles),
        "led_classes": led_classes,
        "teaching": teaching,
        "has_children": bool(context.child_pupil_ids),
        "pupil_total": Pupil.objects.visible_to(user).current().count(),
    })

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum.audience import sees_any_section
from messaging.addressbook import may_use_mail

from .access import Role, access


def navigation(request):
    """Links of the site navigation, only those the user may open."""
    user = getattr(request, "user", None)
    items = [{"url": "/", "label": _("Home")},
             # The link catalog (R-RES-1) is for everyone, visitors too.
             {"url": reverse("links:catalog"), "label": _("Useful links")}]
    if user is None or not user.is_authenticated:
        return {"nav_items": items}
    context = access(user)
    works_in_admin = user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    if works_in_admin:
        items.append({"url": reverse("dashboard"), "label": _("Dashboard")})
    if context.child_pupil_ids:
        items.append({"url": reverse("records:family"), "label": _("My children")})
    if context.own_pupil_ids:
        items.append({"url": reverse("records:me"), "label": _("My page")})
    # The diary: a pupil's own, a parent's children's (R-DRY-1).
    diary_pupil_ids = context.own_pupil_ids | context.child_pupil_ids
    if diary_pupil_ids:
        items.append({"url": reverse("journal:diary_index"), "label": _("Diary")})
    # Portfolios (R-RES-2): a pupil's own, a parent's children's, a teacher's own.
    if context.own_pupil_ids or context.child_pupil_ids or context.all_roles & {
            Role.CLASS_TEACHER, Role.SUBJECT_TEACHER}:
        items.append({"url": reverse("portfolio:mine"), "label": _("Portfolio")})
    # The timetable: staff and the department read lessons; pupils and parents their
    # class's (no query here: the roles and the family are already read).
    if context.child_pupil_ids or context.own_pupil_ids or user.has_perm(
            "schedule.view_lesson"):
        items.append({"url": reverse("schedule:index"), "label": _("Timetable")})
    # The journal: its teachers, class teachers and the school's leadership (R-JRN-5).
    if user.has_perm("journal.view_journal"):
        items.append({"url": reverse("journal:index"), "label": _("Journal")})
    # Internal mail (R-MAIL-1): anyone with a role; the count of unread messages is
    # read with the user's row (portal/backends.py), no query here.
    if may_use_mail(user):
        items.append({"url": reverse("messaging:inbox"), "label": _("Mail"),
                      "count": getattr(user, "unread_mail", 0)})
    # The forum (R-FRM-1): for those who read any section (no query: forum/audience.py).
    if sees_any_section(user):
        items.append({"url": reverse("forum:index"), "label": _("Forum")})
    # Personal data requests (R-PD-4): anyone the school knows asks about their data.
    if context.person_id is not None:
        items.append({"url": reverse("subject_requests:mine"), "label": _("Data requests")})
    # Generated documents (R-DOC-1): those who issue them and read their register.
    if user.has_perm("documents.view_issueddocument"):
        items.append({"url": reverse("documents:issued"), "label": _("Issued documents")})
    # The reports (R-REP-1, R-DEP-2): the school's leadership, class teachers and the
    # department; the builder (R-REP-3) for every member of staff.
    if any(user.has_perm(perm) for perm in ("reports.view_progress", "reports.view_contingent",
                                            "reports.view_completeness", "reports.view_school",
                                            "reports.view_visits", "reports.view_monitor",
                                            "stateforms.view_statreport",
                                            "reports.build_report")):
        items.append({"url": reverse("reports:index"), "label": _("Reports")})
    if works_in_admin:
        items.append({"url": reverse("wagtailadmin_home"), "label": _("Administration")})
    # Pages link a pupil's diary only for those who may open it.
    return {"nav_items": items, "diary_pupil_ids": diary_pupil_ids}

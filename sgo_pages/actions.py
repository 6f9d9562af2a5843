"""Named changes of the portal's pages: a school's site created with the school, the
department's, and the editorial groups kept in step with the role assignments.

A school's site is its page (with a news index), a document collection, two Django
groups — «Редакторы: СОШ № 1» (Role.EDITOR there: add and edit pages, no publishing)
and «Администраторы: СОШ № 1» (Role.ADMIN there: publish too) — with Wagtail page
permissions on the school page (so on its whole tree, and on nothing else) and
document permissions on the collection, and a moderation workflow whose one task the
administrators approve. The department's site is the same for the city's news and the
department page, with the department-wide editors and the department administrators.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from portal.access import Role, today

from .models import DepartmentPage, EditorialGroup, HomePage, SchoolPage

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
ADMIN_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]
# The roles whose holders are kept in the editorial groups, and the group each fills.
GROUP_ROLES = (Role.EDITOR, Role.ADMIN, Role.DEPT_ADMIN)


def _permissions(app_label, codenames):
    return list(Permission.objects.filter(content_type__app_label=app_label,
                                          codename__in=codenames))


def _group(name, institution, role):
    base, n = name, 1
    while Group.objects.filter(name=name).exists():
        n += 1
        name = f"{base} ({n})"
    group = Group.objects.create(name=name)
    EditorialGroup.objects.create(group=group, institution=institution, role=role)
    return group


def _give(group, pages, collection, page_codenames):
    page_permissions = _permissions("wagtailcore", page_codenames)
    GroupPagePermission.objects.bulk_create([
        GroupPagePermission(group=group, page=page, permission=permission)
        for page in pages for permission in page_permissions])
    GroupCollectionPermission.objects.bulk_create([
        GroupCollectionPermission(group=group, collection=collection, permission=permission)
        for permission in _permissions("wagtaildocs", DOCUMENT_PERMISSIONS)])


def _workflow(name, approvers, pages):
    workflow = Workflow.objects.create(name=name)
    task = GroupApprovalTask.objects.create(name=name)
    task.groups.set([approvers])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.bulk_create([WorkflowPage(workflow=workflow, page=p) for p in pages])
    return workflow


def _add(parent, page):
    page.live = True
    page.first_published_at = page.last_published_at = timezone.now()
    return parent.add_child(instance=page)


@transaction.atomic
def create_school_site(institution):
    """The school's page, news index, collection, groups and workflow; the page if it
    exists already. None without a home page to hang it under."""
    from announcements.models import AnnouncementIndexPage

    existing = SchoolPage.objects.filter(institution=institution).first()
    if existing is not None:
        return existing
    home = HomePage.objects.first()
    if home is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        name = institution.short_name or institution.name
        page = _add(home, SchoolPage(title=name, slug=f"school-{institution.pk}",
                                     institution=institution, intro=institution.name))
        _add(page, AnnouncementIndexPage(title=_("News and events"), slug="news"))
        collection = Collection.get_first_root_node().add_child(name=name)
        SchoolPage.objects.filter(pk=page.pk).update(collection=collection)
        page.collection = collection
        editors = _group(_("Editors: %(school)s") % {"school": name}, institution, Role.EDITOR)
        admins = _group(_("Administrators: %(school)s") % {"school": name}, institution,
                        Role.ADMIN)
        _give(editors, [page], collection, EDITOR_PAGE_PERMISSIONS)
        _give(admins, [page], collection, ADMIN_PAGE_PERMISSIONS)
        _workflow(_("Approval: %(school)s") % {"school": name}, admins, [page])
    return page


@transaction.atomic
def create_city_site(department=None):
    """The city's news index and the department page under the home page, with the
    department-wide editors' and administrators' groups and workflow; both pages if
    they exist already."""
    from announcements.models import AnnouncementIndexPage

    home = HomePage.objects.first()
    if home is None:
        return None
    existing = DepartmentPage.objects.first()
    if existing is not None:
        return existing, news_of(home)
    with translation.override(settings.LANGUAGE_CODE):
        name = department.short_name if department else _("Education department")
        news = news_of(home) or _add(home, AnnouncementIndexPage(title=_("City news"),
                                                                 slug="news"))
        page = _add(home, DepartmentPage(title=department.name if department else name,
                                         slug="department", department=department))
        _add(page, AnnouncementIndexPage(title=_("News of the department"), slug="news"))
        collection = Collection.get_first_root_node().add_child(name=name)
        editors = _group(_("Editors: %(school)s") % {"school": name}, None, Role.EDITOR)
        admins = _group(_("Administrators: %(school)s") % {"school": name}, None,
                        Role.DEPT_ADMIN)
        _give(editors, [news, page], collection, EDITOR_PAGE_PERMISSIONS)
        _give(admins, [news, page], collection, ADMIN_PAGE_PERMISSIONS)
        _workflow(_("Approval: %(school)s") % {"school": name}, admins, [news, page])
    return page, news


def news_of(page):
    from announcements.models import AnnouncementIndexPage

    return AnnouncementIndexPage.objects.child_of(page).first()


def sync_editorial_groups(user):
    """Puts ``user`` in the editorial groups their role assignments valid today give,
    and out of the others; groups not managed here are left as they are."""
    from records.models import RoleAssignment, active_assignment

    if user is None or not user.pk:
        return
    held = set(RoleAssignment.objects.filter(
        active_assignment(today()), person__user=user, role__in=GROUP_ROLES)
        .values_list("role", "institution_id"))
    wanted = set()
    if held:
        condition = Q()
        for role, institution_id in held:
            condition |= Q(role=role, institution_id=institution_id)
        wanted = set(EditorialGroup.objects.filter(condition).values_list("group_id", flat=True))
    current = set(user.groups.filter(editorial__isnull=False).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))

"""R-TEN-4: a school's site is created with the school — its page, news index,
document collection, editors' and administrators' groups with page permissions on the
school's tree only, and the moderation workflow its administrators approve — and who is
in the groups follows the role assignments."""

import pytest
from wagtail.models import GroupPagePermission, WorkflowPage

from announcements.models import AnnouncementIndexPage
from portal.access import Role
from records.factories import InstitutionFactory, PersonFactory, RoleAssignmentFactory
from records.models import User
from sgo_pages.models import EditorialGroup, HomePage, SchoolPage

pytestmark = pytest.mark.django_db


def test_a_new_school_gets_its_site():
    institution = InstitutionFactory(short_name="Школа № 777")
    page = SchoolPage.objects.get(institution=institution)
    assert page.get_parent().specific_class is HomePage and page.live
    assert AnnouncementIndexPage.objects.child_of(page).exists()
    assert page.collection is not None and page.collection.name == "Школа № 777"
    groups = {g.role: g.group for g in EditorialGroup.objects.filter(institution=institution)}
    assert set(groups) == {Role.EDITOR, Role.ADMIN}
    assert groups[Role.EDITOR].name == "Редакторы: Школа № 777"
    assert groups[Role.ADMIN].name == "Администраторы: Школа № 777"
    editors = set(GroupPagePermission.objects.filter(group=groups[Role.EDITOR])
                  .values_list("page", "permission__codename"))
    assert editors == {(page.pk, "add_page"), (page.pk, "change_page")}
    admins = set(GroupPagePermission.objects.filter(group=groups[Role.ADMIN])
                 .values_list("permission__codename", flat=True))
    assert "publish_page" in admins
    workflow = WorkflowPage.objects.get(page=page).workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [groups[Role.ADMIN]]


def test_the_groups_follow_the_role_assignments():
    institution = InstitutionFactory()
    person = PersonFactory()
    person.user = User.objects.create(username="new.editor")
    person.save()
    user = person.user
    assignment = RoleAssignmentFactory(person=person, institution=institution,
                                       role=Role.EDITOR)
    editors = EditorialGroup.objects.get(institution=institution, role=Role.EDITOR).group
    assert list(user.groups.all()) == [editors]
    assignment.role = Role.ADMIN
    assignment.save()
    admins = EditorialGroup.objects.get(institution=institution, role=Role.ADMIN).group
    assert list(user.groups.all()) == [admins]
    assignment.delete()
    assert not user.groups.exists()


def test_the_demo_editors_are_in_their_groups(demo_user):
    assert {g.name for g in demo_user("school1.editor").groups.all()} == {"Редакторы: СОШ № 1"}
    assert {g.name for g in demo_user("school1.admin").groups.all()} == {
        "Администраторы: СОШ № 1"}
    assert {g.name for g in demo_user("city.editor").groups.all()} == {
        "Редакторы: Управление образования"}
    assert not demo_user("school1.parent").groups.exists()

"""R-FRM-1, R-PD-5: a user's forum profile shows only what the viewer may see of them —
their name, their roles (a pupil's and a parent's school only to its own people, a
class only to those who may read that pupil's record: a parent never learns another
child's class), and the number of their posts the viewer can read. A profile of
someone whose posts the viewer cannot read is 404."""

import pytest
from django.urls import reverse

from forum import actions
from forum.models import Post
from records.models import Pupil

pytestmark = pytest.mark.django_db


def profile(client, target):
    return client.get(reverse("forum:profile", args=[target.pk]))


def test_a_parent_never_learns_another_childs_class(client_for, user, sections):
    pupil = user("school1.pupil")
    own = Pupil.objects.current().get(person__user=pupil)
    # The pupil writes in the school's forum, which other families of the school read.
    actions.start_topic(sections["school1"], pupil, title="Вопрос", text="Когда ярмарка?")
    school1_class = str(own.school_class)
    # Their own parent, their class teacher and the administration see the class.
    for username in ("school1.parent", "school1.classteacher", "school1.admin"):
        html = profile(client_for(username), pupil).content.decode()
        assert f"СОШ № 1, {school1_class}" in html, username
    # Another parent of the school sees the pupil's school, never the class.
    other = user("forum.parent1")
    other_client = client_for("school1.parent")
    other_client.force_login(other)
    response = profile(other_client, pupil)
    assert response.status_code == 200
    roles = response.context["profile"].roles
    assert any("СОШ № 1" in role for role in roles)
    assert not any(school1_class in role for role in roles)
    assert school1_class not in response.content.decode().split("data-roles>")[1].split(
        "</dd>")[0]


def test_a_parents_children_are_named_to_nobody_and_classes_to_their_readers(
        client_for, user):
    parent = user("school1.parent")
    children = Pupil.objects.filter(guardianships__parent__person__user=parent)
    classes = {str(child.school_class) for child in children}
    # The parent wrote in the city's forum: school2.parent reads that.
    response = profile(client_for("school2.parent"), parent)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Родитель" in html
    assert "СОШ № 1" not in html.split("data-roles>")[1].split("</dd>")[0]
    for name in classes:
        assert name not in html.split("data-roles>")[1].split("</dd>")[0]
    # Their class teacher sees the class of the child in 5А.
    roles = profile(client_for("school1.classteacher"), parent).context["profile"].roles
    assert any("5А" in role for role in roles)


def test_staff_roles_are_shown(client_for, user):
    roles = profile(client_for("school2.parent"), user("school1.teacher")).context[
        "profile"].roles
    assert any("СОШ № 1" in role for role in roles)


def test_the_post_count_is_of_posts_the_viewer_reads(client_for, user, sections):
    parent = user("school1.parent")
    own = profile(client_for("school1.parent"), parent).context["profile"]
    assert own.post_count == Post.objects.filter(author=parent).count()
    seen = profile(client_for("school2.parent"), parent).context["profile"]
    assert seen.post_count == Post.objects.filter(
        author=parent, topic__section=sections["city"]).count()
    assert all(post.topic.section == sections["city"] for post in seen.latest)


def test_a_profile_without_a_readable_post_is_404(client_for, user):
    # school1.medic wrote nothing; school2.teacher wrote in school 2's staff room only.
    assert profile(client_for("school1.parent"), user("school1.medic")).status_code == 404
    assert profile(client_for("school1.parent"), user("school2.teacher")).status_code == 404
    assert profile(client_for("school2.admin"), user("school2.teacher")).status_code == 200
    # One's own profile is there.
    assert profile(client_for("school1.medic"), user("school1.medic")).status_code == 200


def test_a_hidden_posts_author_is_not_found_through_it(client_for, user, lunch):
    banned = lunch.section.bans.get().user
    # The banned parent's only post is the hidden one: only moderators find them.
    assert profile(client_for("school2.parent"), banned).status_code == 404
    assert profile(client_for("school1.parent"), banned).status_code == 404
    response = profile(client_for("school1.admin"), banned)
    assert response.context["profile"].post_count == 1

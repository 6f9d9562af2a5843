"""R-MAIL-1, R-PD-5: who may write to whom, per role (messaging/addressbook.py).

- A parent: the teachers of each child (the load of the child's class, the teacher of
  the child's own subgroup, not of the other one), the class teacher and the
  administration of each child's school; with children in two schools, both schools'
  teachers of those children, nobody else (no other family, no other class's teacher,
  no colleague of them, nobody who left or whose login is inactive).
- A pupil: their teachers and class teacher.
- A teacher: the pupils and parents of the classes they teach, and their colleagues.
- The administration: everyone in its school, and the department.
- The department: the schools' administrations.
"""

from messaging.addressbook import address_book, may_use_mail


def ids(*people):
    return {getattr(p, "user", p).pk for p in people}


def test_a_parent_of_two_children_in_two_schools_sees_both_schools_teachers_of_them(world):
    book = address_book(world.parent)
    assert book.user_ids == ids(
        world.maths_a1, world.class_teacher_a1, world.director_a, world.group1_teacher,
        world.teacher_b1, world.director_b)


def test_a_parent_is_offered_nobody_else(world):
    book = address_book(world.parent)
    for outsider in (world.teacher_a2, world.teacher_b2, world.secretary_a,
                     world.group2_teacher, world.left_a1, world.inactive_a1,
                     world.other_parent, world.classmate_parent, world.classmate,
                     world.child_a, world.department):
        assert getattr(outsider, "user", outsider).pk not in book


def test_the_parents_groups_name_the_schools_and_the_subjects(world):
    book = address_book(world.parent)
    labels = {g.label for g in book.groups}
    assert f"Teachers, {world.a.short_name}" in labels or \
        f"Учителя, {world.a.short_name}" in labels
    notes = {c.user_id: c.note for g in book.groups for c in g.contacts}
    assert "Математика" in notes[world.maths_a1.user.pk]


def test_a_pupil_writes_to_their_teachers_and_class_teacher(world):
    book = address_book(world.child_a.user)
    assert book.user_ids == ids(world.maths_a1, world.class_teacher_a1, world.group1_teacher,
                                world.director_a)


def test_a_teacher_writes_to_the_families_of_their_classes_and_to_colleagues(world):
    book = address_book(world.maths_a1.user)
    families = ids(world.child_a, world.parent, world.classmate, world.classmate_parent)
    colleagues = ids(world.teacher_a2, world.class_teacher_a1, world.director_a,
                     world.secretary_a, world.group1_teacher, world.group2_teacher,
                     world.inactive_a1) - {world.inactive_a1.user.pk}
    assert book.user_ids == families | colleagues
    # A whole class at once: its parents are one group.
    group = book.by_key[f"parents-{world.a1.pk}"]
    assert group.user_ids == ids(world.parent, world.classmate_parent)
    assert book.by_key[f"pupils-{world.a1.pk}"].user_ids == ids(world.child_a, world.classmate)


def test_a_class_teacher_writes_to_the_families_of_their_class(world):
    book = address_book(world.class_teacher_a1.user)
    assert ids(world.parent, world.classmate_parent) <= book.user_ids
    assert world.other_parent.pk not in book


def test_a_teacher_of_another_class_does_not_reach_this_family(world):
    book = address_book(world.teacher_a2.user)
    assert world.parent.pk not in book
    assert world.other_parent.pk in book
    assert not ids(world.teacher_b1, world.director_b) & book.user_ids


def test_the_administration_writes_to_everyone_in_its_school_and_the_department(world):
    book = address_book(world.director_a.user)
    assert ids(world.parent, world.other_parent, world.classmate_parent, world.child_a,
               world.other_child, world.teacher_a2, world.secretary_a,
               world.department) <= book.user_ids
    assert not ids(world.teacher_b1, world.director_b) & book.user_ids


def test_the_department_writes_to_the_schools_administrations(world):
    book = address_book(world.department)
    assert ids(world.director_a, world.director_b) <= book.user_ids
    assert not ids(world.maths_a1, world.parent, world.child_a) & book.user_ids


def test_a_user_without_a_role_has_no_mail(world, demo_user):
    assert not may_use_mail(demo_user("admin")) or not address_book(demo_user("admin"))
    assert may_use_mail(world.parent)
    world.parent.is_active = False
    assert not address_book(world.parent)


def test_the_demo_parent_cannot_address_school2_teacher(demo_user):
    book = address_book(demo_user("school1.parent"))
    assert demo_user("school1.teacher").pk in book
    assert demo_user("school1.classteacher").pk in book
    assert demo_user("school2.teacher").pk not in book
    assert demo_user("school2.admin").pk not in book


def test_the_address_book_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from tests.messaging.conftest import pupil_in

    for user in (world.parent, world.maths_a1.user, world.director_a.user, world.department):
        user = type(user).objects.get(pk=user.pk)
        with django_assert_max_num_queries(12):
            address_book(user)
    for _ in range(5):
        pupil_in(world.a1, with_login=True)
    with django_assert_max_num_queries(12):
        address_book(type(world.parent).objects.get(pk=world.maths_a1.user.pk))

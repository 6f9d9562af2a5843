import pytest

pytestmark = pytest.mark.django_db


def test_the_department_sees_every_school_with_its_counts(client_for):
    response = client_for("dept").get("/dashboard/")
    rows = {s["institution"].short_name: (s["class_count"], s["pupil_count"])
            for s in response.context["schools"]}
    assert rows == {"СОШ № 1": (10, 250), "СОШ № 2": (10, 250)}


def test_a_teacher_sees_only_their_school_and_their_roles(client_for):
    response = client_for("school1.teacher").get("/dashboard/")
    schools = response.context["schools"]
    assert [s["institution"].short_name for s in schools] == ["СОШ № 1"]
    assert schools[0]["roles"] == ["Учитель-предметник"]
    taught = {str(t.school_class) for t in response.context["teaching"]}
    assert len(taught) >= 2


def test_parents_and_pupils_have_no_dashboard(client_for):
    assert client_for("school1.parent").get("/dashboard/").status_code == 403

"""The department pages: the tree with counts, create, rename or move, delete."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from people.models import Department
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

LIST = "/people/departments/"


@pytest.fixture
def tree():
    works = DepartmentFactory(name="Works")
    ironmaking = DepartmentFactory(name="Ironmaking", parent=works)
    furnace = DepartmentFactory(name="Blast furnace", parent=ironmaking)
    return {"works": works, "ironmaking": ironmaking, "furnace": furnace}


def test_tree_is_indented_and_counts_employees(officer_client, tree):
    EmployeeFactory.create_batch(2, department=tree["furnace"])
    response = officer_client.get(LIST)
    rows = {d.path: d for d in response.context["departments"]}
    assert rows["Works/Ironmaking/Blast furnace"].employee_count == 2
    assert rows["Works"].employee_count == 0
    text = response.content.decode()
    assert 'data-depth="2" title="Works/Ironmaking/Blast furnace">Blast furnace<' in text
    assert f"{reverse('department_create')}?parent={tree['works'].pk}" in text


def test_create_top_level_and_sub_department(officer_client, tree, safety_officer):
    response = officer_client.post(reverse("department_create"), {"name": "Safety", "parent": ""})
    assert response["Location"] == LIST
    response = officer_client.post(
        reverse("department_create"), {"name": "Gas team", "parent": tree["ironmaking"].pk}
    )
    assert Department.objects.filter(path="Works/Ironmaking/Gas team").exists()
    assert AuditEntry.objects.filter(action="department.created").count() == 2


def test_add_sub_department_link_preselects_the_parent(officer_client, tree):
    response = officer_client.get(reverse("department_create"), {"parent": tree["works"].pk})
    assert response.context["form"]["parent"].value() == str(tree["works"].pk)


@pytest.mark.parametrize(
    ("name", "message"),
    [("Ironmaking", "already exists"), ("A/B", "may not contain"), ("  ", "required")],
)
def test_create_errors_are_shown_on_the_name(officer_client, tree, name, message):
    before = Department.objects.count()
    response = officer_client.post(
        reverse("department_create"), {"name": name, "parent": tree["works"].pk}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["name"][0]
    assert Department.objects.count() == before


def test_rename_renames_sub_departments(officer_client, tree):
    response = officer_client.post(
        reverse("department_edit", args=[tree["ironmaking"].pk]),
        {"name": "Iron", "parent": tree["works"].pk},
    )
    assert response.status_code == 302
    tree["furnace"].refresh_from_db()
    assert tree["furnace"].path == "Works/Iron/Blast furnace"


def test_moving_under_own_sub_department_is_refused(officer_client, tree):
    response = officer_client.post(
        reverse("department_edit", args=[tree["works"].pk]),
        {"name": "Works", "parent": tree["furnace"].pk},
    )
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.context["form"].errors["parent"][0]
    tree["works"].refresh_from_db()
    assert tree["works"].parent is None


def test_edit_form_shows_current_values(officer_client, tree):
    form = officer_client.get(reverse("department_edit", args=[tree["furnace"].pk])).context["form"]
    assert form["name"].value() == "Blast furnace"
    assert form["parent"].value() == tree["ironmaking"].pk


def test_delete_asks_first(officer_client, tree):
    response = officer_client.get(reverse("department_delete", args=[tree["furnace"].pk]))
    assert "Delete the department “Works/Ironmaking/Blast furnace”?" in response.content.decode()
    assert Department.objects.filter(pk=tree["furnace"].pk).exists()


def test_delete_refuses_a_department_in_use(officer_client, tree):
    EmployeeFactory(department=tree["furnace"])
    for department, reason in (
        (tree["ironmaking"], "sub-departments"),
        (tree["furnace"], "employees"),
    ):
        response = officer_client.post(reverse("department_delete", args=[department.pk]))
        assert response.status_code == 200
        assert f"still has {reason}" in response.content.decode()
        assert Department.objects.filter(pk=department.pk).exists()


def test_delete_an_empty_department(officer_client, tree):
    response = officer_client.post(reverse("department_delete", args=[tree["furnace"].pk]))
    assert response["Location"] == LIST
    assert not Department.objects.filter(pk=tree["furnace"].pk).exists()
    assert AuditEntry.objects.filter(action="department.deleted").exists()

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from core.roles import Role
from people import services
from people.models import Department, Employee
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


def test_department_create_builds_path_and_audits(safety_officer):
    works = services.department_create(actor=safety_officer.user, name="Works")
    plant = services.department_create(actor=safety_officer.user, name=" Ironmaking ", parent=works)
    assert plant.path == "Works/Ironmaking"
    entry = AuditEntry.objects.get(action="department.created", target_id=str(plant.pk))
    assert entry.actor == safety_officer.user
    assert entry.after["path"] == "Works/Ironmaking"


@pytest.mark.parametrize("name", ["", "   ", "A/B", "x" * 101])
def test_department_create_refuses_bad_names(name):
    with pytest.raises(ValidationError) as error:
        services.department_create(actor=None, name=name)
    assert "name" in error.value.message_dict
    assert not Department.objects.exists()


def test_department_create_refuses_duplicate_sibling():
    services.department_create(actor=None, name="Works")
    with pytest.raises(ValidationError):
        services.department_create(actor=None, name="Works")
    assert Department.objects.count() == 1


def test_department_rename_moves_whole_subtree():
    works = services.department_create(actor=None, name="Works")
    plant = services.department_create(actor=None, name="Ironmaking", parent=works)
    team = services.department_create(actor=None, name="Blast furnace", parent=plant)
    services.department_update(actor=None, department=works, name="Steel works", parent=None)
    team.refresh_from_db()
    assert team.path == "Steel works/Ironmaking/Blast furnace"
    entry = AuditEntry.objects.get(action="department.updated")
    assert entry.before == {"name": "Works", "path": "Works"}


def test_department_cannot_move_under_itself():
    works = services.department_create(actor=None, name="Works")
    plant = services.department_create(actor=None, name="Ironmaking", parent=works)
    with pytest.raises(ValidationError) as error:
        services.department_update(actor=None, department=works, name="Works", parent=plant)
    assert "parent" in error.value.message_dict
    works.refresh_from_db()
    assert works.parent is None


def test_department_delete_refuses_non_empty(trainee):
    with pytest.raises(ValidationError):
        services.department_delete(actor=None, department=trainee.department)
    parent = services.department_create(actor=None, name="Top")
    services.department_create(actor=None, name="Child", parent=parent)
    with pytest.raises(ValidationError):
        services.department_delete(actor=None, department=parent)
    empty = services.department_create(actor=None, name="Empty")
    services.department_delete(actor=None, department=empty)
    assert not Department.objects.filter(pk=empty.pk).exists()


def test_department_ensure_path_creates_missing_parents():
    team = services.department_ensure_path(actor=None, path="Works / Ironmaking/Blast furnace")
    assert team.path == "Works/Ironmaking/Blast furnace"
    again = services.department_ensure_path(actor=None, path="Works/Ironmaking/Blast furnace")
    assert again.pk == team.pk
    assert Department.objects.count() == 3


def test_employee_create_with_login_roles_and_audit(safety_officer, department):
    employee = services.employee_create(
        actor=safety_officer.user,
        employee_no="20001",
        name="李娜",
        department=department,
        position="Crew captain",
        phone="139 1234 5678",
        national_id=VALID_ID.lower(),
        roles=["instructor", "trainee"],
        password="Initial-1",
    )
    assert employee.user.username == "20001"
    assert employee.user.check_password("Initial-1")
    assert employee.must_change_password
    assert employee.phone == "13912345678"
    assert employee.national_id == VALID_ID
    assert employee.birth_date.isoformat() == "1949-12-31"
    assert services.employee_roles(employee) == [Role.TRAINEE, Role.INSTRUCTOR]
    entry = AuditEntry.objects.get(action="employee.created")
    assert entry.after["roles"] == ["trainee", "instructor"]
    assert entry.after["national_id"] == "110***********002X"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("employee_no", {"employee_no": ""}),
        ("name", {"name": "  "}),
        ("phone", {"phone": "12345"}),
        ("national_id", {"national_id": "110105194912310021"}),
        ("national_id", {"national_id": "110105194913310021"}),
        ("roles", {"roles": ["boss"]}),
        ("password", {"password": "abc"}),
    ],
)
def test_employee_create_refuses_bad_input(department, field, kwargs):
    arguments = {
        "actor": None,
        "employee_no": "30001",
        "name": "王强",
        "department": department,
        "password": "Initial-1",
        **kwargs,
    }
    with pytest.raises(ValidationError) as error:
        services.employee_create(**arguments)
    assert field in error.value.message_dict
    assert not Employee.objects.filter(employee_no="30001").exists()
    assert not AuditEntry.objects.filter(action="employee.created").exists()


def test_employee_create_refuses_taken_number_and_username(trainee, department):
    with pytest.raises(ValidationError) as error:
        services.employee_create(
            actor=None, employee_no=trainee.employee_no, name="X", department=department
        )
    assert "employee_no" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.employee_create(
            actor=None,
            employee_no="NEW1",
            name="X",
            department=department,
            username=trainee.user.username,
        )
    assert "username" in error.value.message_dict


def test_employee_without_password_cannot_sign_in(department):
    employee = services.employee_create(
        actor=None, employee_no="40001", name="赵六", department=department
    )
    assert not employee.user.has_usable_password()
    assert not employee.must_change_password


def test_role_change_is_audited_with_before_and_after(safety_officer, trainee):
    services.employee_set_roles(
        actor=safety_officer.user, employee=trainee, roles=["trainee", "safety_officer"]
    )
    entry = AuditEntry.objects.get(action="employee.roles_changed")
    assert entry.actor == safety_officer.user
    assert entry.before == {"roles": ["trainee"]}
    assert entry.after == {"roles": ["trainee", "safety_officer"]}
    assert set(trainee.user.groups.values_list("name", flat=True)) == {"trainee", "safety_officer"}


def test_employee_update_changes_fields_and_records_only_the_difference(trainee):
    other = DepartmentFactory(name="Engineering Department")
    services.employee_update(actor=None, employee=trainee, position="Welder", department=other)
    trainee.refresh_from_db()
    assert trainee.position == "Welder"
    assert trainee.department == other
    entry = AuditEntry.objects.get(action="employee.updated")
    assert set(entry.after) == {"position", "department"}


def test_employee_update_without_changes_writes_no_audit(trainee):
    services.employee_update(actor=None, employee=trainee, name=trainee.name)
    assert not AuditEntry.objects.exists()


def test_employee_update_refuses_taken_number(trainee):
    other = EmployeeFactory()
    with pytest.raises(ValidationError):
        services.employee_update(actor=None, employee=trainee, employee_no=other.employee_no)


def test_deactivate_blocks_sign_in_and_keeps_record(trainee, client):
    services.employee_deactivate(actor=None, employee=trainee)
    trainee.refresh_from_db()
    assert not trainee.user.is_active
    assert AuditEntry.objects.get(action="employee.updated").after == {"active": False}


def test_password_changed_clears_mark(department):
    employee = services.employee_create(
        actor=None, employee_no="50001", name="周七", department=department, password="Initial-1"
    )
    services.user_password_changed(user=employee.user)
    employee.refresh_from_db()
    assert not employee.must_change_password


def test_password_reset_sets_mark_and_audits_without_the_password(safety_officer, trainee):
    services.employee_password_reset(
        actor=safety_officer.user, employee=trainee, password="Fresh-pass-1"
    )
    trainee.refresh_from_db()
    trainee.user.refresh_from_db()
    assert trainee.user.check_password("Fresh-pass-1")
    assert trainee.must_change_password
    entry = AuditEntry.objects.get(action="employee.password_reset")
    assert entry.before is None and entry.after is None


def test_password_reset_refuses_short_password(trainee):
    with pytest.raises(ValidationError):
        services.employee_password_reset(actor=None, employee=trainee, password="abc")

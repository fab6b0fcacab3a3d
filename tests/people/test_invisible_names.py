"""Issue 11, finding 9: names that show nothing, or that hide zero-width or bidirectional
characters to look like someone else, are cleaned or refused wherever a person's or a
department's name is written: the service, the API, the pages and the roster import."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.roles import Role
from people import services
from people.models import Department, Employee
from people.names import is_invisible_only, normalize_name

pytestmark = pytest.mark.django_db

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner, joiner
    "\u200e\u200f",  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e",  # embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064",  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069",  # isolates
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\u180e\U000e0041",  # Mongolian vowel separator, a tag character (both Cf)
    "\u3164\u2800",  # Hangul filler, blank Braille: letters that draw as nothing
    "\u0301\u034f",  # combining marks on nothing
    " \u3000\u00a0\t",  # every kind of space
]
LOOKALIKES = [
    ("张\u200b伟", "张伟"),
    ("\u202e张伟", "张伟"),
    ("张伟\u2066\u2069", "张伟"),
    ("Li\u00adNa", "LiNa"),
    ("\ufeffWang  Qiang ", "Wang Qiang"),
    ("Wang\u3000\u3000Qiang", "Wang Qiang"),
    ("Jose\u0301", "José"),  # NFC: one precomposed character
]


@pytest.mark.parametrize("value", INVISIBLE)
def test_invisible_only_is_nothing(value):
    assert normalize_name(value) == ""
    assert is_invisible_only(value) == bool(value.strip())


@pytest.mark.parametrize(("value", "clean"), LOOKALIKES)
def test_hidden_characters_are_removed_and_the_rest_is_nfc(value, clean):
    assert normalize_name(value) == clean
    assert unicodedata.is_normalized("NFC", normalize_name(value))


def test_ordinary_names_are_kept():
    for name in ("李明", "O'Brien-Smith", "Müller", "阿卜杜拉·买买提", "Zhang Wei 2"):
        assert normalize_name(name) == name


# Service -----------------------------------------------------------------------------------


def make(department, name, employee_no="N1"):
    return services.employee_create(
        actor=None, employee_no=employee_no, name=name, department=department, password="Abc-123456"
    )


@pytest.mark.parametrize("value", [v for v in INVISIBLE if v.strip()])
def test_service_refuses_an_invisible_name(department, value):
    with pytest.raises(services.ValidationError) as refused:
        make(department, value)
    assert "no visible characters" in refused.value.message_dict["name"][0]
    assert not Employee.objects.exists()


def test_service_stores_the_clean_name_and_the_login_name(department):
    employee = make(department, "张\u200b伟\u202e")
    employee.refresh_from_db()
    assert employee.name == "张伟" and employee.user.first_name == "张伟"
    services.employee_update(actor=None, employee=employee, name="  张\u2060伟  ")
    employee.refresh_from_db()
    assert employee.name == "张伟"
    with pytest.raises(services.ValidationError):
        services.employee_update(actor=None, employee=employee, name="\u200b\u200b")
    employee.refresh_from_db()
    assert employee.name == "张伟"


def test_departments_are_cleaned_and_invisible_ones_refused(department):
    created = services.department_create(actor=None, name="Hull\u200b shop", parent=None)
    assert (created.name, created.path) == ("Hull shop", "Hull shop")
    with pytest.raises(services.ValidationError) as refused:
        services.department_create(actor=None, name="\u200b\u2066", parent=department)
    assert "no visible characters" in refused.value.message_dict["name"][0]
    # A look-alike of an existing department is the same department.
    with pytest.raises(services.ValidationError) as taken:
        services.department_create(actor=None, name="Hull\u200b\u200b shop", parent=None)
    assert "already exists" in taken.value.message_dict["name"][0]
    assert services.department_ensure_path(
        actor=None, path="Hull shop/\u200b/Crew\u00ad 1"
    ).path == ("Hull shop/Crew 1")


# API ---------------------------------------------------------------------------------------


def test_api_refuses_an_invisible_name_and_cleans_a_lookalike(officer_api, department):
    body = {"employee_no": "N9", "name": "\u200b\u200d\u2064", "department": department.pk}
    refused = officer_api.post("/api/v1/employees/", body, format="json")
    assert refused.status_code == 400
    assert "no visible characters" in refused.json()["name"][0]
    body["name"] = "李\u200b娜"
    created = officer_api.post("/api/v1/employees/", body, format="json")
    assert created.status_code == 201 and created.json()["name"] == "李娜"
    url = f"/api/v1/employees/{created.json()['id']}/"
    patched = officer_api.patch(url, {"name": "\u202e\u2066"}, format="json")
    assert patched.status_code == 400 and "name" in patched.json()
    assert Employee.objects.get(employee_no="N9").name == "李娜"


def test_api_departments(officer_api):
    refused = officer_api.post("/api/v1/departments/", {"name": "\ufeff\u200b"}, format="json")
    assert refused.status_code == 400 and "no visible characters" in refused.json()["name"][0]
    created = officer_api.post("/api/v1/departments/", {"name": "Rolling\u200e"}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "Rolling"


# Pages -------------------------------------------------------------------------------------


def create_data(department, **changes) -> dict:
    data = {
        "employee_no": "N100",
        "name": "新员工",
        "department": department.pk,
        "position": "Welder",
        "phone": "",
        "national_id": "",
        "roles": [Role.TRAINEE],
        "username": "",
        "password": "Start-2026",
    }
    data.update(changes)
    return data


def test_the_employee_form_shows_the_refusal(officer_client, department):
    response = officer_client.post(
        reverse("employee_create"), create_data(department, name="\u200b\u200b\u200b")
    )
    assert response.status_code == 200
    assert "no visible characters" in response.context["form"].errors["name"][0]
    assert not Employee.objects.filter(employee_no="N100").exists()
    response = officer_client.post(
        reverse("employee_create"), create_data(department, name="王\u200d强")
    )
    assert response.status_code == 302
    assert Employee.objects.get(employee_no="N100").name == "王强"


def test_the_department_form_shows_the_refusal(officer_client):
    before = Department.objects.count()
    response = officer_client.post(reverse("department_create"), {"name": "\u2060", "parent": ""})
    assert response.status_code == 200
    assert "no visible characters" in response.context["form"].errors["name"][0]
    assert Department.objects.count() == before


# Roster import -----------------------------------------------------------------------------


def roster(*rows):
    header = ["Employee number", "Name", "Department", "Initial password"]
    return build_xlsx(sheet_title="Roster", header=header, rows=list(rows))


def test_the_roster_refuses_invisible_names_and_departments(officer_api):
    departments = Department.objects.count()
    data = roster(
        ["R1", "\u200b\u200b", "Works", "Start-2026"],
        ["R2", "孙\u200b丽", "\u200b", "Start-2026"],
        ["R3", "周杰", "Works/\u2066\u2069/Crew", "Start-2026"],
        ["R4", "吴\u202e刚", "Works\u200b/Crew 2", "Start-2026"],
    )
    upload = SimpleUploadedFile("roster.xlsx", data, content_type=XLSX_CONTENT_TYPE)
    response = officer_api.post("/api/v1/employees/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    errors = [(e["row"], e["column"], e["message"]) for e in response.json()["errors"]]
    assert errors == [
        (2, "Name", "The name has no visible characters."),
        (3, "Department", "The department has no visible characters."),
        (
            4,
            "Department",
            "Part 2 of the department path has no visible characters.",
        ),
    ]
    assert not Employee.objects.filter(employee_no__startswith="R").exists()
    assert Department.objects.count() == departments


def test_the_roster_stores_clean_names(officer_client):
    data = roster(["R4", "吴\u202e刚", "Works\u200b/Crew\u00a0 2", "Start-2026"])
    upload = SimpleUploadedFile("roster.xlsx", data, content_type=XLSX_CONTENT_TYPE)
    response = officer_client.post(reverse("employee_import"), {"file": upload})
    assert response.status_code == 302
    employee = Employee.objects.select_related("department", "user").get(employee_no="R4")
    assert employee.name == "吴刚" and employee.user.first_name == "吴刚"
    assert employee.department.path == "Works/Crew 2"
    assert set(
        Department.objects.filter(path__startswith="Works").values_list("path", flat=True)
    ) == {
        "Works",
        "Works/Crew 2",
    }
    # Importing the look-alike again changes nothing: it is the same name.
    again = roster(["R4", "吴\u200b刚", "Works/Crew 2", ""])
    result = services.roster_import(actor=None, data=again)
    assert (result.errors, result.updated, result.unchanged) == ([], 0, 1)

"""Attendance report pages: a training's attendance, its workbook and rules; a session's
sign-in sheet and the import of a marked sheet. Wiring, permissions and errors."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attendance.models import AttendancePolicy, AttendanceRecord, Method, ProxyCheck, Status
from attendance.services import RollCallEntry, roll_call
from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.roles import Role
from tests.courses.factories import (
    EnrollmentFactory,
    SessionFactory,
    TrainingFactory,
    at,
    bulk_trainees,
)
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=10)
HEADER = ["No.", "Employee number", "Name", "Department", "Status", "Reason"]


def client_for(employee) -> Client:
    client = Client()
    client.force_login(employee.user)
    return client


@pytest.fixture
def training(trainee, instructor):
    """Two classes held, taught by ``instructor``; the trainee 李明 and 彭建军 enrolled."""
    training = TrainingFactory(
        title="Safety production knowledge training", starts_on=DAY, ends_on=DAY
    )
    training.instructors.add(instructor)
    trainee.employee_no = "20001"
    trainee.save()
    EnrollmentFactory(training=training, employee=trainee)
    EnrollmentFactory(
        training=training, employee=EmployeeFactory(employee_no="20002", name="彭建军")
    )
    SessionFactory(
        training=training,
        topic="Laws and regulations",
        starts_at=at(DAY, 8, 30),
        ends_at=at(DAY, 11, 30),
        instructor=instructor,
    )
    SessionFactory(
        training=training,
        topic="Accident cases",
        starts_at=at(DAY, 14),
        ends_at=at(DAY, 17),
        instructor=instructor,
    )
    return training


@pytest.fixture
def session(training):
    return training.sessions.order_by("starts_at").first()


@pytest.fixture
def other_instructor_client():
    return client_for(EmployeeFactory(roles=[Role.INSTRUCTOR], name="另一位老师"))


def mark_all(training, status=Status.PRESENT):
    for session in training.sessions.all():
        roll_call(
            actor=None,
            session=session,
            entries=[RollCallEntry(e.employee, status) for e in training.enrollments.all()],
        )


# The training's attendance page --------------------------------------------------------------


def test_attendance_page_permissions(
    training,
    client,
    trainee_client,
    officer_client,
    hr_client,
    instructor_client,
    other_instructor_client,
):
    url = reverse("training_attendance", args=[training.pk])

    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert trainee_client.get(url).status_code == 403  # enrolled: sees the training, not this
    outsider = client_for(EmployeeFactory(roles=[Role.TRAINEE]))
    assert outsider.get(url).status_code == 404
    assert other_instructor_client.get(url).status_code == 404
    for staff in (officer_client, hr_client, instructor_client):
        assert staff.get(url).status_code == 200


def test_attendance_page_shows_trainees_departments_and_the_full_attendance_list(
    training, officer_client
):
    mark_all(training)
    second = training.sessions.order_by("starts_at").last()
    peng = training.enrollments.get(employee__employee_no="20002").employee
    roll_call(actor=None, session=second, entries=[RollCallEntry(peng, Status.ABSENT)])

    response = officer_client.get(reverse("training_attendance", args=[training.pk]))

    page = response.content.decode()
    assert "李明" in page and "彭建军" in page
    full = response.context["full_attendance"]
    assert [t.employee.name for t in full] == ["李明"]
    assert "Full attendance: 1 trainee" in page
    assert "50.0%" in page and "100.0%" in page
    assert reverse("training_attendance_xlsx", args=[training.pk]) in page
    assert reverse("training_attendance_policy", args=[training.pk]) in page
    for session in training.sessions.all():
        assert reverse("session_sign_in_sheet_pdf", args=[session.pk]) in page
        assert reverse("session_attendance_import", args=[session.pk]) in page


def test_hr_sees_the_figures_without_the_session_tools(training, hr_client):
    response = hr_client.get(reverse("training_attendance", args=[training.pk]))

    page = response.content.decode()
    assert "李明" in page
    session = training.sessions.first()
    assert reverse("session_sign_in_sheet_pdf", args=[session.pk]) not in page
    assert reverse("training_attendance_policy", args=[training.pk]) not in page


def test_attendance_page_in_chinese(training, officer_client):
    officer_client.cookies["django_language"] = "zh-hans"
    response = officer_client.get(
        reverse("training_attendance", args=[training.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_attendance_page_costs_the_same_queries_for_10_and_1000_trainees(
    training, officer_client, instructor_client
):
    url = reverse("training_attendance", args=[training.pk])
    department = DepartmentFactory(name="Crew 7")

    def queries(client):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(count, prefix):
        employees = bulk_trainees(count, department, training, prefix=prefix)
        AttendanceRecord.objects.bulk_create(
            AttendanceRecord(
                session=session,
                employee=employee,
                status=Status.PRESENT if i % 7 else Status.LATE,
                method=Method.ROLL_CALL,
                recorded_at=timezone.now(),
            )
            for session in training.sessions.all()
            for i, employee in enumerate(employees)
        )

    add(10, "A")
    few = queries(officer_client), queries(instructor_client)
    add(990, "B")
    assert (queries(officer_client), queries(instructor_client)) == few


def test_trainee_table_is_paged_for_htmx(training, officer_client):
    bulk_trainees(150, DepartmentFactory(name="Crew 8"), training, prefix="P")
    url = reverse("training_attendance", args=[training.pk])

    response = officer_client.get(url, {"page": 2}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and "Page 2 of 2" in page


def test_attendance_workbook_download(training, officer_client, hr_client, trainee_client):
    url = reverse("training_attendance_xlsx", args=[training.pk])
    assert trainee_client.get(url).status_code == 403

    for client in (officer_client, hr_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"].startswith("attachment")
        assert response.content[:2] == b"PK"


# The rules --------------------------------------------------------------------------------


def policy_url(training):
    return reverse("training_attendance_policy", args=[training.pk])


def test_policy_page_is_for_the_safety_officer(
    training, client, trainee_client, hr_client, instructor_client, officer_client
):
    url = policy_url(training)
    assert client.get(url).status_code == 302
    for refused in (trainee_client, hr_client, instructor_client):
        assert refused.get(url).status_code == 403
    assert officer_client.get(url).status_code == 200


def test_policy_page_of_a_training_a_trainee_may_not_see_is_a_404(training):
    # 403 would tell an outsider that the training exists.
    outsider = Client()
    outsider.force_login(EmployeeFactory(roles=[Role.TRAINEE]).user)
    assert outsider.get(policy_url(training)).status_code == 404
    assert outsider.post(policy_url(training), {}).status_code == 404


def test_policy_form_shows_errors_and_saves_nothing(training, officer_client):
    response = officer_client.post(
        policy_url(training),
        {
            "allowed_networks": "10.8.0.0/16\nthe canteen",
            "proxy_check": ProxyCheck.DEVICE,
            "proxy_window_minutes": "30",
        },
    )
    assert response.status_code == 200
    assert "Not a network: the canteen." in response.context["form"].errors["allowed_networks"]

    response = officer_client.post(
        policy_url(training),
        {"proxy_check": "telepathy", "proxy_window_minutes": "-5"},
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"proxy_check", "proxy_window_minutes"}
    assert not AttendancePolicy.objects.exists()


def test_policy_form_saves(training, officer_client):
    response = officer_client.post(
        policy_url(training),
        {
            "allowed_networks": "10.8.0.0/16",
            "proxy_check": ProxyCheck.DEVICE_OR_IP,
            "proxy_window_minutes": "20",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("training_attendance", args=[training.pk])
    policy = AttendancePolicy.objects.get(training=training)
    assert policy.excused_counts_as_attended is False  # the box was left unticked
    assert (policy.allowed_networks, policy.proxy_check, policy.proxy_window_minutes) == (
        "10.8.0.0/16",
        ProxyCheck.DEVICE_OR_IP,
        20,
    )
    page = officer_client.get(policy_url(training)).content.decode()
    assert "10.8.0.0/16" in page


# The session's sign-in sheet ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["session_sign_in_sheet_pdf", "session_sign_in_sheet_xlsx"])
def test_sign_in_sheet_is_for_those_who_run_the_session(
    name, session, client, trainee_client, hr_client, other_instructor_client
):
    url = reverse(name, args=[session.pk])
    assert client.get(url).status_code == 302
    for refused in (trainee_client, hr_client, other_instructor_client):
        assert refused.get(url).status_code == 404


def test_sign_in_sheet_pdf_download(session, instructor_client, officer_client):
    for client in (instructor_client, officer_client):
        response = client.get(reverse("session_sign_in_sheet_pdf", args=[session.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "李明" in text and "彭建军" in text


def test_sign_in_sheet_xlsx_download(session, instructor_client):
    response = instructor_client.get(reverse("session_sign_in_sheet_xlsx", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment")


# Importing a marked sheet --------------------------------------------------------------------


def import_url(session):
    return reverse("session_attendance_import", args=[session.pk])


def upload(rows, name="marked.xlsx") -> SimpleUploadedFile:
    content = build_xlsx(sheet_title="Sign-in sheet", header=HEADER, rows=rows)
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


GOOD = [[1, "20001", "李明", "", "出勤", ""], [2, "20002", "彭建军", "", "请假", "病假"]]


def test_import_page_permissions(
    session, client, trainee_client, hr_client, other_instructor_client, instructor_client
):
    url = import_url(session)
    assert client.get(url).status_code == 302
    for refused in (trainee_client, hr_client, other_instructor_client):
        assert refused.get(url).status_code == 404
        assert refused.post(url, {"file": upload(GOOD)}).status_code == 404
    assert not AttendanceRecord.objects.exists()
    page = instructor_client.get(url).content.decode()
    assert reverse("session_sign_in_sheet_xlsx", args=[session.pk]) in page


def test_import_a_good_sheet(session, instructor_client, instructor):
    response = instructor_client.post(import_url(session), {"file": upload(GOOD)})

    assert response.status_code == 302
    assert response["Location"] == reverse("training_attendance", args=[session.training_id])
    records = AttendanceRecord.objects.filter(session=session)
    assert {(r.employee.employee_no, r.status, r.reason) for r in records} == {
        ("20001", Status.PRESENT, ""),
        ("20002", Status.EXCUSED, "病假"),
    }
    assert {(r.method, r.recorded_by_id) for r in records} == {(Method.IMPORT, instructor.user_id)}
    page = instructor_client.get(response["Location"]).content.decode()
    assert "Attendance imported: 2 updated, 0 unchanged." in page


def test_import_with_errors_lists_them_and_writes_nothing(session, instructor_client):
    rows = [*GOOD, [3, "29999", "", "", "present", ""], [4, "20001", "", "", "maybe", ""]]

    response = instructor_client.post(import_url(session), {"file": upload(rows)})

    assert response.status_code == 200
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(4, "Employee number"), (5, "Employee number"), (5, "Status")]
    page = response.content.decode()
    assert "No employee has the number 29999." in page
    assert "Nothing was written." in page
    assert not AttendanceRecord.objects.exists()


def test_import_dry_run_writes_nothing(session, instructor_client):
    response = instructor_client.post(
        import_url(session), {"file": upload(GOOD), "dry_run": "on"}, follow=True
    )

    assert response.redirect_chain[-1][0] == import_url(session)
    assert "Check passed. The import would update 2" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_import_of_a_file_that_is_not_xlsx(session, officer_client):
    bad = SimpleUploadedFile("marked.xlsx", b"20001,present\n", content_type=XLSX_CONTENT_TYPE)

    response = officer_client.post(import_url(session), {"file": bad})

    assert response.status_code == 200
    assert "The file is not an Excel .xlsx workbook." in response.content.decode()


def test_import_without_a_file_is_a_form_error(session, officer_client):
    response = officer_client.post(import_url(session), {})
    assert response.context["form"].errors["file"]


def test_import_of_a_file_over_the_upload_limit(session, officer_client, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    big = SimpleUploadedFile("marked.xlsx", b"x" * 5000)

    response = officer_client.post(import_url(session), {"file": big})

    assert response.status_code == 200
    assert "larger than" in response.context["form"].errors["file"][0]
    assert not AttendanceRecord.objects.exists()

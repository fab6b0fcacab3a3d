from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from attendance.models import AttendanceRecord, Method, Status
from attendance.selectors import training_attendance
from core.models import AuditEntry
from core.roles import Role
from courses.models import (
    Enrollment,
    Material,
    MaterialProgress,
    MaterialVersion,
    Questionnaire,
    Response,
    Session,
    Training,
)
from courses.selectors.questionnaires import questionnaire_summary
from people.demo import DEMO_PASSWORD
from people.models import Department, Employee

User = get_user_model()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    # pytest-django runs with DEBUG off, where the command refuses without --force.
    settings.DEBUG = True


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def role_count(role: str) -> int:
    return User.objects.filter(groups__name=role).count()


def counts() -> dict[str, int]:
    return {
        "employees": Employee.objects.count(),
        "departments": Department.objects.count(),
        "audit": AuditEntry.objects.count(),
        "users": User.objects.count(),
        "trainings": Training.objects.count(),
        "sessions": Session.objects.count(),
        "materials": MaterialVersion.objects.count(),
        "progress": MaterialProgress.objects.count(),
        "responses": Response.objects.count(),
        "attendance": AttendanceRecord.objects.count(),
        "attendance rates": list(
            Enrollment.objects.order_by("pk").values_list("attendance_rate", flat=True)
        ),
    }


def test_seed_demo_creates_the_company_and_its_people():
    seed()

    assert role_count(Role.TRAINEE) == 39
    assert role_count(Role.INSTRUCTOR) == 3
    assert role_count(Role.SAFETY_OFFICER) == 1
    assert role_count(Role.HR) == 1
    assert User.objects.filter(is_superuser=True).count() == 1
    assert Employee.objects.count() == 44
    assert Department.objects.filter(
        path="Changsha Harbour Construction Co./Berthing Project Department/Crew 1"
    ).exists()
    assert not Employee.objects.filter(must_change_password=True).exists()
    # Written through the services, so the audit log has every employee and department.
    assert AuditEntry.objects.filter(action="employee.created").count() == 44
    assert AuditEntry.objects.filter(action="department.created").count() == (
        Department.objects.count()
    )


def test_seed_demo_a_second_run_changes_nothing():
    seed()
    first = counts()
    passwords = dict(User.objects.values_list("username", "password"))

    output = seed()

    assert counts() == first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "nothing created" in output


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("officer", Role.SAFETY_OFFICER),
        ("hr", Role.HR),
        ("instructor1", Role.INSTRUCTOR),
        ("instructor2", Role.INSTRUCTOR),
        ("instructor3", Role.INSTRUCTOR),
        ("trainee", Role.TRAINEE),
        ("20002", Role.TRAINEE),
        ("20039", Role.TRAINEE),
    ],
)
def test_printed_logins_sign_in_with_the_demo_password(username, role):
    output = seed()

    assert username in output
    assert DEMO_PASSWORD in output
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert user.groups.filter(name=role).exists()


def test_admin_login_is_a_superuser_without_employee_record():
    output = seed()

    admin = authenticate(username="admin", password=DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.is_staff
    assert not Employee.objects.filter(user=admin).exists()
    assert "admin" in output


def test_reset_passwords_restores_the_demo_password():
    seed()
    officer = User.objects.get(username="officer")
    officer.set_password("Another-pass-77")
    officer.save(update_fields=["password"])

    seed("--reset-passwords")

    assert authenticate(username="officer", password=DEMO_PASSWORD) is not None


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not User.objects.exists()

    seed("--force")
    assert role_count(Role.TRAINEE) == 39


def test_seed_demo_tells_the_story_of_the_training():
    seed()
    training = Training.objects.get(title="Safety production knowledge training")
    assert (training.starts_on.month, training.starts_on.day, training.ends_on.day) == (1, 16, 18)
    assert training.enrollments.count() == 39
    assert training.sessions.count() == 5
    assert training.audience.count() == 2
    # Real PDF handouts in every module.
    materials = Material.objects.filter(module__course=training.course)
    assert materials.count() == 6
    for material in materials:
        assert material.current_version.content_type == "application/pdf"
        with material.current_version.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert MaterialProgress.objects.filter(enrollment__training=training).exists()
    questionnaire = Questionnaire.objects.get(training=training)
    summary = questionnaire_summary(questionnaire)
    assert (summary.issued, summary.returned) == (27, 27)


def test_seed_demo_calls_the_roll_at_every_class():
    output = seed()
    training = Training.objects.get(title="Safety production knowledge training")
    records = AttendanceRecord.objects.filter(session__training=training)

    # Every trainee has a record at each of the five classes.
    assert records.count() == 39 * 5
    assert "195 attendance records" in output
    by_status = {status: records.filter(status=status).count() for status in Status.values}
    assert by_status[Status.PRESENT] > 150
    assert 5 <= by_status[Status.LATE] <= 15
    assert 1 <= by_status[Status.ABSENT] <= 10
    excused = records.filter(status=Status.EXCUSED)
    assert excused.exists() and all(record.reason for record in excused)
    # Self sign-in with the time of signing in (late ones after the start), roll call for
    # the missing, and one class from an imported paper sheet.
    late = records.filter(status=Status.LATE, method=Method.SELF_SIGN_IN)
    assert late.exists()
    assert all(r.signed_in_at > r.session.starts_at for r in late.select_related("session"))
    assert {Method.SELF_SIGN_IN, Method.ROLL_CALL, Method.IMPORT} <= set(
        records.values_list("method", flat=True)
    )

    summary = training_attendance(training)
    full = summary.full_attendance_list
    assert 0 < len(full) < 39
    assert len(full) == 33
    # The rates reached the training rate.
    assert not training.enrollments.filter(attendance_rate__isnull=True).exists()
    assert training.enrollments.filter(attendance_rate__lt=100).count() == 39 - len(full)


def test_seed_demo_attendance_a_second_run_changes_nothing():
    seed()
    first = counts()
    recorded = list(AttendanceRecord.objects.order_by("pk").values_list("status", "recorded_at"))

    seed()

    assert counts() == first
    assert (
        list(AttendanceRecord.objects.order_by("pk").values_list("status", "recorded_at"))
        == recorded
    )

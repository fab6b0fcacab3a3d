import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, Method, ProxySignInAttempt, Status
from attendance.selectors import session_board, training_attendance
from attendance.services import (
    RollCallEntry,
    SignInRefused,
    policy_update,
    roll_call,
    roll_call_remaining_absent,
    sign_in,
    window_open,
)
from core.errors import Forbidden
from core.models import AuditEntry
from courses.models import Enrollment
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(trainee):
    """A session that started five minutes ago, with the trainee enrolled."""
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=trainee)
    return SessionFactory(
        training=training,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )


def current_code(window, moment=None):
    return codes.short_code(window, codes.slot_at(window, moment or timezone.now()))


def test_sign_in_with_the_current_code_is_present(session, trainee):
    window = window_open(actor=None, session=session)
    result = sign_in(session=session, employee=trainee, code=current_code(window), device="d1")
    assert result.created
    assert (result.record.status, result.record.method) == (Status.PRESENT, Method.SELF_SIGN_IN)
    again = sign_in(session=session, employee=trainee, code="000000")
    assert not again.created and again.record.pk == result.record.pk


def test_sign_in_after_the_late_threshold_is_late(session, trainee):
    window = window_open(actor=None, session=session, late_after_minutes=2)
    record = sign_in(session=session, employee=trainee, code=current_code(window)).record
    assert record.status == Status.LATE


def test_qr_token_signs_in(session, trainee):
    window = window_open(actor=None, session=session)
    token = codes.qr_token(window, codes.slot_at(window, timezone.now()))
    assert sign_in(session=session, employee=trainee, token=token).created


def test_code_of_the_previous_window_after_grace_is_refused(session, trainee):
    window = window_open(actor=None, session=session)
    old = timezone.now() - datetime.timedelta(seconds=window.rotation_seconds * 3)
    with pytest.raises(SignInRefused, match="expired"):
        sign_in(session=session, employee=trainee, code=current_code(window, old))
    assert not AttendanceRecord.objects.exists()


def test_previous_code_is_accepted_within_grace(session, trainee):
    window = window_open(actor=None, session=session, grace_seconds=5)
    slot = codes.slot_at(window, timezone.now())
    just_after = codes.slot_start(window, slot) + datetime.timedelta(seconds=2)
    previous = codes.short_code(window, slot - 1)
    assert codes.check_short_code(window, previous, just_after).state == codes.CodeState.VALID
    later = codes.slot_start(window, slot) + datetime.timedelta(seconds=8)
    assert codes.check_short_code(window, previous, later).state == codes.CodeState.EXPIRED


def test_code_of_another_session_is_refused(session, trainee):
    window_open(actor=None, session=session)
    other = SessionFactory(
        training=TrainingFactory(), starts_at=session.starts_at, ends_at=session.ends_at
    )
    other_window = window_open(actor=None, session=other)
    with pytest.raises(SignInRefused, match="another session"):
        sign_in(session=session, employee=trainee, code=current_code(other_window))


def test_made_up_and_forged_codes_are_refused(session, trainee):
    window = window_open(actor=None, session=session)
    made_up = "123456" if current_code(window) != "123456" else "654321"
    with pytest.raises(SignInRefused, match="not valid"):
        sign_in(session=session, employee=trainee, code=made_up)
    slot = codes.slot_at(window, timezone.now())
    with pytest.raises(SignInRefused, match="not valid"):
        sign_in(session=session, employee=trainee, token=f"{slot}-AAAAAAAAAAAAAAAAAAAAAA")
    assert not AttendanceRecord.objects.exists()


def test_before_the_window_opens_and_after_it_closes(session, trainee):
    now = timezone.now()
    window = window_open(
        actor=None,
        session=session,
        opens_at=now + datetime.timedelta(minutes=10),
        closes_at=now + datetime.timedelta(minutes=40),
    )
    with pytest.raises(SignInRefused, match="not opened"):
        sign_in(session=session, employee=trainee, code=current_code(window))
    window_open(
        actor=None,
        session=session,
        opens_at=now - datetime.timedelta(minutes=40),
        closes_at=now - datetime.timedelta(minutes=10),
    )
    with pytest.raises(SignInRefused, match="closed"):
        sign_in(session=session, employee=trainee, code=current_code(window))
    assert not AttendanceRecord.objects.exists()


def test_trainee_not_enrolled_is_refused(session):
    window = window_open(actor=None, session=session)
    outsider = EmployeeFactory()
    with pytest.raises(Forbidden):
        sign_in(session=session, employee=outsider, code=current_code(window))
    assert not AttendanceRecord.objects.exists()


def test_second_trainee_on_the_same_device_is_refused_and_reported(session, trainee):
    window = window_open(actor=None, session=session)
    friend = EnrollmentFactory(training=session.training).employee
    sign_in(session=session, employee=trainee, code=current_code(window), device="phone-1")
    with pytest.raises(SignInRefused, match="someone else"):
        sign_in(session=session, employee=friend, code=current_code(window), device="phone-1")
    attempt = ProxySignInAttempt.objects.get()
    assert (attempt.employee, attempt.first_employee) == (friend, trainee)
    assert not AttendanceRecord.objects.filter(employee=friend).exists()


def test_networks_restriction(session, trainee, safety_officer):
    policy_update(
        actor=safety_officer.user,
        training=session.training,
        excused_counts_as_attended=True,
        allowed_networks="10.8.0.0/16",
        proxy_check="device",
        proxy_window_minutes=30,
    )
    window = window_open(actor=None, session=session)
    with pytest.raises(SignInRefused, match="network"):
        sign_in(session=session, employee=trainee, code=current_code(window), client_ip="8.8.8.8")
    assert sign_in(
        session=session, employee=trainee, code=current_code(window), client_ip="10.8.3.4"
    ).created
    with pytest.raises(ValidationError):
        policy_update(
            actor=None,
            training=session.training,
            excused_counts_as_attended=True,
            allowed_networks="not a net",
            proxy_check="device",
            proxy_window_minutes=30,
        )


def test_roll_call_and_correction_after_the_session_is_audited(session, trainee, instructor):
    roll_call(actor=instructor.user, session=session, entries=[RollCallEntry(trainee, "present")])
    assert AttendanceRecord.objects.get().method == Method.ROLL_CALL
    session.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    session.starts_at = session.ends_at - datetime.timedelta(hours=1)
    session.save()
    roll_call(
        actor=instructor.user,
        session=session,
        entries=[RollCallEntry(trainee, "excused", "Sick leave")],
    )
    record = AttendanceRecord.objects.get()
    assert (record.status, record.method, record.reason) == ("excused", "correction", "Sick leave")
    entry = AuditEntry.objects.get(action="attendance.corrected")
    assert entry.before["status"] == "present" and entry.after["status"] == "excused"


def test_roll_call_refuses_bad_entries_and_writes_nothing(session, trainee):
    outsider = EmployeeFactory(name="外人")
    with pytest.raises(ValidationError) as error:
        roll_call(
            actor=None,
            session=session,
            entries=[RollCallEntry(trainee, "present"), RollCallEntry(outsider, "present")],
        )
    assert "外人" in str(error.value)
    with pytest.raises(ValidationError):
        roll_call(actor=None, session=session, entries=[RollCallEntry(trainee, "excused")])
    assert not AttendanceRecord.objects.exists()


def test_remaining_absent_and_board(session, trainee):
    others = [EnrollmentFactory(training=session.training).employee for _ in range(2)]
    roll_call(actor=None, session=session, entries=[RollCallEntry(trainee, "late")])
    assert session_board(session).counts["missing"] == 2
    roll_call_remaining_absent(actor=None, session=session)
    board = session_board(session)
    assert (board.enrolled, board.signed_in, board.counts["absent"]) == (3, 1, 2)
    assert {row.employee_id for row in board.rows if row.status == "absent"} == {
        o.pk for o in others
    }


def test_rates_hours_and_full_attendance(trainee):
    """Three held sessions of 2 h, 3 h and 1.5 h and one not yet held.

    A: present, late, present -> 3/3, 6.5 h, full. B: present, excused, absent -> with
    excused counting 2/3 = 66.7%, 2 h, not full. C: no records -> 0/3.
    """
    now = timezone.now()
    training = TrainingFactory()
    day = now - datetime.timedelta(days=1)
    lengths = [2, 3, 1.5]
    sessions = [
        SessionFactory(
            training=training,
            starts_at=day + datetime.timedelta(hours=4 * i),
            ends_at=day + datetime.timedelta(hours=4 * i + length),
        )
        for i, length in enumerate(lengths)
    ]
    SessionFactory(
        training=training,
        starts_at=now + datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=1, hours=2),
    )
    a, b, c = (EnrollmentFactory(training=training).employee for _ in range(3))
    for session, (sa, sb) in zip(
        sessions, [("present", "present"), ("late", "excused"), ("present", "absent")], strict=True
    ):
        roll_call(
            actor=None,
            session=session,
            entries=[RollCallEntry(a, sa), RollCallEntry(b, sb, "Family matter")],
        )
    summary = {t.employee.pk: t for t in training_attendance(training).trainees}
    assert (summary[a.pk].rate, summary[a.pk].hours, summary[a.pk].full_attendance) == (
        Decimal("100.0"),
        Decimal("6.50"),
        True,
    )
    assert (summary[a.pk].late, summary[b.pk].excused, summary[b.pk].absent) == (1, 1, 1)
    assert (summary[b.pk].rate, summary[b.pk].hours) == (Decimal("66.7"), Decimal("2.00"))
    assert summary[c.pk].rate == Decimal("0.0")
    # The rates reach the training for its training rate.
    assert Enrollment.objects.get(training=training, employee=a).attendance_rate == Decimal("100")
    assert Enrollment.objects.get(training=training, employee=b).attendance_rate == Decimal("66.7")
    policy_update(
        actor=None,
        training=training,
        excused_counts_as_attended=False,
        allowed_networks="",
        proxy_check="off",
        proxy_window_minutes=0,
    )
    summary = {t.employee.pk: t for t in training_attendance(training).trainees}
    assert summary[b.pk].rate == Decimal("33.3")
    assert Enrollment.objects.get(training=training, employee=b).attendance_rate == Decimal("33.3")

"""Every write to attendance: opening and closing self sign-in, signing in, roll call and
corrections. Each change is broadcast to the session's live board once it commits, and the
trainee's attendance rate is reported to the training (courses) for the training rate."""

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import codes
from attendance.models import (
    AttendancePolicy,
    AttendanceRecord,
    Method,
    ProxyCheck,
    ProxySignInAttempt,
    SignInWindow,
    Status,
)
from attendance.selectors import board_row, policy_for, training_attendance
from core.audit import audit_record
from core.errors import Forbidden, ServiceError
from core.live import broadcast_on_commit, group_name
from courses.models import Enrollment, Session, Training
from courses.services.trainings import enrollment_record_attendance
from people.models import Employee


def session_group(session_id: int) -> str:
    """The Channels group of a session's live pages (board, projector, roll-call sheet)."""
    return group_name("attendance", "session", session_id)


class SignInRefused(ServiceError):
    """A self sign-in the rules refuse; the message says why and nothing is recorded. A bad
    code is 400; the subclasses below answer 409 and 403."""

    status_code = 400


class SignInNotOpen(SignInRefused):
    """Before the window opens or after it closes."""

    status_code = 409


class SignInNotAllowedHere(SignInRefused):
    """From outside the allowed networks, or a device that just signed in someone else."""

    status_code = 403


# Sign-in windows -------------------------------------------------------------------------------


@transaction.atomic
def window_open(
    *,
    actor,
    session: Session,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    late_after_minutes: int = 10,
    rotation_seconds: int | None = None,
    grace_seconds: int | None = None,
) -> SignInWindow:
    """Open self sign-in for a session: by default from 15 minutes before the start until
    30 minutes after it, or from now when that has passed. Opening again replaces the times
    and keeps the secret, so codes on screen stay valid."""
    now = timezone.now()
    opens_at = opens_at or min(now, session.starts_at - datetime.timedelta(minutes=15))
    closes_at = closes_at or max(
        session.starts_at + datetime.timedelta(minutes=30), now + datetime.timedelta(minutes=15)
    )
    rotation = rotation_seconds or settings.SIGN_IN_CODE_SECONDS
    grace = settings.SIGN_IN_GRACE_SECONDS if grace_seconds is None else grace_seconds
    errors = {}
    if closes_at <= opens_at:
        errors["closes_at"] = [_("The window closes before it opens.")]
    if closes_at > session.ends_at + datetime.timedelta(hours=12):
        errors["closes_at"] = [_("Sign-in closes at most 12 hours after the session ends.")]
    if not 5 <= rotation <= 300:
        errors["rotation_seconds"] = [_("The code changes every 5 to 300 seconds.")]
    if not 0 <= grace <= rotation:
        errors["grace_seconds"] = [_("The grace time is between 0 and the rotation time.")]
    if not 0 <= late_after_minutes <= 240:
        errors["late_after_minutes"] = [_("Late after 0 to 240 minutes.")]
    if errors:
        raise ValidationError(errors)
    window, _created = SignInWindow.objects.update_or_create(
        session=session,
        defaults={
            "opens_at": opens_at,
            "closes_at": closes_at,
            "late_after_minutes": late_after_minutes,
            "rotation_seconds": rotation,
            "grace_seconds": grace,
            "opened_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )
    audit_record(
        actor=actor,
        action="attendance.window_opened",
        target=session,
        after={"opens_at": opens_at, "closes_at": closes_at, "late_after": late_after_minutes},
    )
    broadcast_on_commit(
        session_group(session.pk),
        "window.changed",
        {"opens_at": opens_at, "closes_at": closes_at},
    )
    return window


@transaction.atomic
def window_close(*, actor, session: Session) -> SignInWindow | None:
    """Stop self sign-in now; records stay as they are."""
    window = SignInWindow.objects.select_for_update().filter(session=session).first()
    if window is None:
        return None
    now = timezone.now()
    if window.closes_at > now:
        window.closes_at = max(now, window.opens_at + datetime.timedelta(seconds=1))
        window.save(update_fields=["closes_at"])
        audit_record(actor=actor, action="attendance.window_closed", target=session)
        broadcast_on_commit(
            session_group(session.pk),
            "window.changed",
            {"opens_at": window.opens_at, "closes_at": window.closes_at},
        )
    return window


# Self sign-in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    record: AttendanceRecord
    created: bool


def _address_allowed(policy: AttendancePolicy, client_ip: str | None) -> bool:
    networks = [line.strip() for line in policy.allowed_networks.splitlines() if line.strip()]
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(client_ip or "")
    except ValueError:
        return False
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def _proxy_suspect(
    *, policy: AttendancePolicy, session: Session, employee: Employee, device: str, client_ip
) -> AttendanceRecord | None:
    """The record of another trainee signed in from this device (or address) within the
    policy's window, if any."""
    if policy.proxy_check == ProxyCheck.OFF or not (device or client_ip):
        return None
    since = timezone.now() - datetime.timedelta(minutes=policy.proxy_window_minutes)
    others = AttendanceRecord.objects.filter(
        session=session, method=Method.SELF_SIGN_IN, signed_in_at__gte=since
    ).exclude(employee=employee)
    same_device = others.filter(device=device) if device else others.none()
    suspect = same_device.select_related("employee").first()
    if suspect is None and policy.proxy_check == ProxyCheck.DEVICE_OR_IP and client_ip:
        suspect = others.filter(client_ip=client_ip).select_related("employee").first()
    return suspect


def _verify(window: SignInWindow, *, code: str | None, token: str | None, at) -> None:
    check = (
        codes.check_qr_token(window, token, at)
        if token
        else codes.check_short_code(window, code or "", at)
    )
    if check.state == codes.CodeState.VALID:
        return
    if check.state == codes.CodeState.EXPIRED:
        raise SignInRefused(_("This code has expired. Use the code now on the screen."))
    if code and _belongs_to_another_session(window, code, at):
        raise SignInRefused(_("This code belongs to another session."))
    raise SignInRefused(_("This code is not valid for this session."))


def _belongs_to_another_session(window: SignInWindow, code: str, at) -> bool:
    others = SignInWindow.objects.filter(opens_at__lte=at, closes_at__gte=at).exclude(pk=window.pk)
    return any(
        codes.check_short_code(other, code, at).state != codes.CodeState.INVALID
        for other in others[:50]
    )


def sign_in(
    *,
    session: Session,
    employee: Employee,
    code: str | None = None,
    token: str | None = None,
    client_ip: str | None = None,
    device: str = "",
    at: datetime.datetime | None = None,
) -> SignInResult:
    """A trainee signs in with the code on the screen (typed) or the QR token (scanned).

    ``at`` is when the code was read: the moment of the scan, kept across a login in
    between, so a trainee who had to sign in to the site first is not refused a code that
    was valid when they scanned it. Present until the window's late threshold after the
    start, late after it. Refuses, recording nothing: a trainee not enrolled; before the
    window opens or after it closes; an expired, forged or other session's code; an address
    outside the allowed networks; a second trainee from the same device (or address) within
    the policy's minutes, which is reported to the instructor. Signing in again returns the
    first record unchanged; two at once store one (a unique constraint).
    """
    now = timezone.now()
    at = min(at or now, now)
    if not Enrollment.objects.filter(training_id=session.training_id, employee=employee).exists():
        raise Forbidden(_("You are not enrolled in this training."))
    existing = AttendanceRecord.objects.filter(session=session, employee=employee).first()
    if existing is not None:
        return SignInResult(existing, False)
    window = SignInWindow.objects.filter(session=session).first()
    if window is None or at < window.opens_at:
        raise SignInNotOpen(_("Sign-in for this session has not opened yet."))
    if at > window.closes_at:
        raise SignInNotOpen(_("Sign-in for this session has closed."))
    _verify(window, code=code, token=token, at=at)
    policy = policy_for(session.training)
    if not _address_allowed(policy, client_ip):
        raise SignInNotAllowedHere(_("Sign-in is only possible from the training site's network."))
    suspect = _proxy_suspect(
        policy=policy, session=session, employee=employee, device=device, client_ip=client_ip
    )
    if suspect is not None:
        # Kept although the sign-in is refused: the instructor is told about it.
        with transaction.atomic():
            _report_proxy_attempt(session, employee, suspect, client_ip, device)
        raise SignInNotAllowedHere(
            _("This device has just signed in someone else. Ask the instructor to call your name.")
        )
    late_from = session.starts_at + datetime.timedelta(minutes=window.late_after_minutes)
    status = Status.LATE if at > late_from else Status.PRESENT
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = AttendanceRecord.objects.create(
                    session=session,
                    employee=employee,
                    status=status,
                    method=Method.SELF_SIGN_IN,
                    recorded_by=employee.user,
                    recorded_at=now,
                    signed_in_at=at,
                    client_ip=client_ip or None,
                    device=device[:64],
                )
        except IntegrityError:
            # Signed in by a concurrent request a moment ago: that first record stands.
            first = AttendanceRecord.objects.get(session=session, employee=employee)
            return SignInResult(first, False)
        _after_change(session, [record])
    return SignInResult(record, True)


def _report_proxy_attempt(session, employee, suspect, client_ip, device) -> None:
    attempt = ProxySignInAttempt.objects.create(
        session=session,
        employee=employee,
        first_employee=suspect.employee,
        client_ip=client_ip or None,
        device=device[:64],
    )
    broadcast_on_commit(
        session_group(session.pk),
        "proxy.refused",
        {
            "employee": employee.name,
            "first_employee": suspect.employee.name,
            "at": attempt.at,
        },
    )


# Roll call and corrections -----------------------------------------------------------------------


@dataclass(frozen=True)
class RollCallEntry:
    employee: Employee
    status: str
    reason: str = ""


def _clean_entry(entry: RollCallEntry, enrolled_ids: set[int]) -> str | None:
    if entry.employee.pk not in enrolled_ids:
        return _("%(name)s is not enrolled in this training.") % {"name": entry.employee.name}
    if entry.status not in Status.values:
        return _("“%(status)s” is not a status.") % {"status": entry.status}
    if entry.status == Status.EXCUSED and not entry.reason.strip():
        return _("An excused absence of %(name)s needs a reason.") % {"name": entry.employee.name}
    return None


@transaction.atomic
def roll_call(
    *, actor, session: Session, entries: list[RollCallEntry], method: str = Method.ROLL_CALL
) -> list[AttendanceRecord]:
    """Set the status of each listed trainee, all or nothing. Refuses a trainee not enrolled,
    an unknown status and an excused absence without a reason. A change to an existing record
    is audited with before and after; after the session has ended it is a correction."""
    enrolled_ids = set(
        Enrollment.objects.filter(training_id=session.training_id).values_list(
            "employee_id", flat=True
        )
    )
    problems = [p for p in (_clean_entry(e, enrolled_ids) for e in entries) if p]
    if problems:
        raise ValidationError({"entries": problems})
    now = timezone.now()
    ended = session.ends_at <= now
    existing = {
        r.employee_id: r
        for r in AttendanceRecord.objects.select_for_update().filter(
            session=session, employee_id__in=[e.employee.pk for e in entries]
        )
    }
    changed = []
    for entry in entries:
        reason = entry.reason.strip()[:300] if entry.status == Status.EXCUSED else ""
        record = existing.get(entry.employee.pk)
        recorded_by = actor if actor is not None and actor.is_authenticated else None
        if record is None:
            try:
                with transaction.atomic():
                    record = AttendanceRecord.objects.create(
                        session=session,
                        employee=entry.employee,
                        status=entry.status,
                        reason=reason,
                        method=method,
                        recorded_by=recorded_by,
                        recorded_at=now,
                    )
            except IntegrityError:
                # A concurrent sign-in created it a moment ago; update it below.
                record = AttendanceRecord.objects.select_for_update().get(
                    session=session, employee=entry.employee
                )
            else:
                changed.append(record)
                continue
        if (record.status, record.reason) == (entry.status, reason):
            continue
        before = {"status": record.status, "reason": record.reason, "method": record.method}
        record.status, record.reason = entry.status, reason
        record.method = Method.CORRECTION if ended and method == Method.ROLL_CALL else method
        record.recorded_by, record.recorded_at = recorded_by, now
        record.save(update_fields=["status", "reason", "method", "recorded_by", "recorded_at"])
        audit_record(
            actor=actor,
            action="attendance.corrected" if ended else "attendance.changed",
            target=record,
            before=before,
            after={"status": record.status, "reason": record.reason, "method": record.method},
        )
        changed.append(record)
    if changed:
        _after_change(session, changed)
    return changed


@transaction.atomic
def roll_call_remaining_absent(*, actor, session: Session) -> list[AttendanceRecord]:
    """Mark every enrolled trainee without a record absent."""
    recorded = AttendanceRecord.objects.filter(session=session).values("employee_id")
    missing = Employee.objects.filter(enrollments__training_id=session.training_id).exclude(
        pk__in=recorded
    )
    return roll_call(
        actor=actor,
        session=session,
        entries=[RollCallEntry(employee, Status.ABSENT) for employee in missing],
    )


# After every change ------------------------------------------------------------------------------


def _after_change(session: Session, records: list[AttendanceRecord]) -> None:
    """Broadcast the changed rows to the live pages and report the trainees' new attendance
    rates to the training, both once the transaction commits (the rates in it)."""
    employees = {
        e.pk: e
        for e in Employee.objects.filter(pk__in=[r.employee_id for r in records]).select_related(
            "department"
        )
    }
    rows = [board_row(record, employees[record.employee_id]) for record in records]
    counts = dict(
        AttendanceRecord.objects.filter(session=session)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    enrolled = Enrollment.objects.filter(training_id=session.training_id).count()
    signed_in = counts.get(Status.PRESENT, 0) + counts.get(Status.LATE, 0)
    broadcast_on_commit(
        session_group(session.pk),
        "attendance.changed",
        {
            "rows": [row.__dict__ for row in rows],
            "counts": {
                **{status: counts.get(status, 0) for status in Status.values},
                "missing": enrolled - sum(counts.values()),
            },
            "enrolled": enrolled,
            "signed_in": signed_in,
        },
    )
    attendance_sync_rates(training=session.training, employee_ids=list(employees))


@transaction.atomic
def attendance_sync_rates(*, training: Training, employee_ids: list[int] | None = None) -> None:
    """Report attendance rates to the training's enrolments (for the training rate): for the
    given trainees, or all of them."""
    summary = training_attendance(training, employee_ids=employee_ids)
    rates = {t.employee.pk: t.rate for t in summary.trainees}
    enrollment_record_attendance(training=training, rates=rates)


@transaction.atomic
def policy_update(
    *,
    actor,
    training: Training,
    excused_counts_as_attended: bool,
    allowed_networks: str,
    proxy_check: str,
    proxy_window_minutes: int,
) -> AttendancePolicy:
    """Set how the training counts attendance and where trainees may sign in."""
    bad = []
    for line in allowed_networks.splitlines():
        if line.strip():
            try:
                ipaddress.ip_network(line.strip(), strict=False)
            except ValueError:
                bad.append(line.strip())
    if bad:
        raise ValidationError({"allowed_networks": [_("Not a network: %s.") % ", ".join(bad)]})
    if proxy_check not in ProxyCheck.values:
        raise ValidationError({"proxy_check": [_("Unknown choice.")]})
    policy, _created = AttendancePolicy.objects.update_or_create(
        training=training,
        defaults={
            "excused_counts_as_attended": excused_counts_as_attended,
            "allowed_networks": allowed_networks.strip(),
            "proxy_check": proxy_check,
            "proxy_window_minutes": max(0, min(proxy_window_minutes, 24 * 60)),
        },
    )
    audit_record(
        actor=actor,
        action="attendance.policy_set",
        target=training,
        after={
            "excused_counts_as_attended": excused_counts_as_attended,
            "proxy_check": proxy_check,
            "allowed_networks": policy.allowed_networks,
        },
    )
    attendance_sync_rates(training=training)
    return policy

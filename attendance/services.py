"""Every write to attendance: opening and closing self sign-in, signing in, roll call and
corrections. Each change is broadcast to the session's live board once it commits, and the
trainee's attendance rate is reported to the training (courses) for the training rate."""

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendance import codes
from attendance.devices import device_key
from attendance.models import (
    AttendancePolicy,
    AttendanceRecord,
    Method,
    ProxyCheck,
    ProxySignInAttempt,
    SignInFailure,
    SignInFailureScope,
    SignInWindow,
    Status,
)
from attendance.selectors import (
    board_row,
    policy_for,
    sign_in_lock_payload,
    training_attendance,
)
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
    """A self sign-in the rules refuse; the message says why and no attendance is recorded.
    A bad code is 400; the subclasses below answer 409, 403 and 429. ``code`` names the
    reason for API clients (``invalid_code``, ``code_expired``, ``other_session_code``,
    ``sign_in_not_open``, ``network_not_allowed``, ``proxy_suspected``, ``sign_in_locked``)."""

    status_code = 400
    default_code = "invalid_code"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.code = code or self.default_code


class SignInNotOpen(SignInRefused):
    """Before the window opens or after it closes."""

    status_code = 409
    default_code = "sign_in_not_open"


class SignInNotAllowedHere(SignInRefused):
    """From outside the allowed networks, or a device that just signed in someone else."""

    status_code = 403
    default_code = "network_not_allowed"


class SignInLocked(SignInRefused):
    """Too many wrong codes: the trainee, or everyone at the network address, is locked out
    of this session's self sign-in (the right code too) while its window lasts; the
    instructor can still call their names."""

    status_code = 429
    default_code = "sign_in_locked"

    def __init__(self, message: str, *, scope: str, retry_after: int | None = None):
        super().__init__(message)
        self.scope = scope
        # Seconds until the session's window closes, for the API's Retry-After header.
        self.retry_after = retry_after


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


def _normalised_ip(client_ip: str | None) -> str | None:
    """The caller's address as stored, or None when it is not an address (``core.http``
    answers "unknown" without one); an IPv4 address seen through IPv6 as plain IPv4."""
    try:
        address = ipaddress.ip_address((client_ip or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _address_key(client_ip: str | None) -> str | None:
    """What the per-address limit counts: the IPv4 address, or the /64 network of an IPv6
    one (a single client commonly holds a whole /64, so counting addresses would not stop
    it)."""
    if client_ip is None:
        return None
    address = ipaddress.ip_address(client_ip)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


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
    policy's window, if any. ``device`` is ``attendance.devices.device_key``'s answer, the
    same for the page and the API."""
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


def _code_check(window: SignInWindow, *, code: str | None, token: str | None, at):
    if token:
        return codes.check_qr_token(window, token, at)
    return codes.check_short_code(window, code or "", at)


def _belongs_to_another_session(window: SignInWindow, code: str, at) -> bool:
    others = SignInWindow.objects.filter(opens_at__lte=at, closes_at__gte=at).exclude(pk=window.pk)
    return any(
        codes.check_short_code(other, code, at).state != codes.CodeState.INVALID
        for other in others[:50]
    )


# Wrong codes: counted per trainee and per address, locked at the limit ----------------------


def _failure_limit(scope: str) -> int:
    if scope == SignInFailureScope.TRAINEE:
        return max(1, settings.SIGN_IN_FAILURE_LIMIT)
    return max(1, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)


def _failure_keys(employee: Employee, address_key: str | None) -> list[tuple[str, str]]:
    keys = [(SignInFailureScope.TRAINEE, str(employee.pk))]
    if address_key is not None:
        keys.append((SignInFailureScope.ADDRESS, address_key))
    return keys


def _seconds_left(window: SignInWindow) -> int:
    return max(0, int((window.closes_at - timezone.now()).total_seconds()) + 1)


def _locked(scope: str, window: SignInWindow) -> SignInLocked:
    if scope == SignInFailureScope.TRAINEE:
        message = _(
            "Too many wrong codes: self sign-in to this session is locked for you. Ask the "
            "instructor to call your name."
        )
    else:
        message = _(
            "Too many wrong codes from this network address: self sign-in to this session is "
            "locked from here. Ask the instructor to call your name."
        )
    return SignInLocked(message, scope=scope, retry_after=_seconds_left(window))


def _lock_in_force(
    window: SignInWindow, employee: Employee, address_key: str | None
) -> SignInLocked | None:
    """The lock that refuses this trainee or address, if there is one (the trainee's first)."""
    wanted = Q(pk__in=[])
    for scope, key in _failure_keys(employee, address_key):
        wanted |= Q(scope=scope, key=key)
    scopes = set(
        SignInFailure.objects.filter(
            wanted, session_id=window.session_id, locked_at__isnull=False
        ).values_list("scope", flat=True)
    )
    for scope in (SignInFailureScope.TRAINEE, SignInFailureScope.ADDRESS):
        if scope in scopes:
            return _locked(scope, window)
    return None


def _failure_count_one(
    *, session: Session, scope: str, key: str, employee: Employee, client_ip, now
) -> SignInFailure:
    """Raise the count of one key by one and return its row as it now stands. The UPDATE
    holds the row until the transaction ends, so concurrent wrong codes (any worker) are
    counted one after another and the count read back is exact."""
    rows = SignInFailure.objects.filter(session=session, scope=scope, key=key)
    changes = {"failures": F("failures") + 1, "last_failed_at": now, "employee": employee}
    if client_ip is not None:
        changes["client_ip"] = client_ip
    if not rows.update(**changes):
        try:
            with transaction.atomic():
                return SignInFailure.objects.create(
                    session=session,
                    scope=scope,
                    key=key,
                    employee=employee,
                    client_ip=client_ip,
                    failures=1,
                    first_failed_at=now,
                    last_failed_at=now,
                )
        except IntegrityError:
            # Created by a concurrent wrong code a moment ago: count this one on it.
            rows.update(**changes)
    return rows.select_related("employee").get()


@transaction.atomic
def _failure_record(
    *, window: SignInWindow, employee: Employee, client_ip, address_key: str | None
) -> tuple[SignInLocked | None, int]:
    """Count a wrong code against the trainee and the address. Returns the lock this wrong
    code brought about (if any) and how many wrong codes the trainee has left. A lock is
    set once (``locked_at`` still empty), audited and sent to the session's live pages as
    a suspected proxy."""
    now = timezone.now()
    session = window.session
    lock = None
    left = 0
    for scope, key in _failure_keys(employee, address_key):
        row = _failure_count_one(
            session=session, scope=scope, key=key, employee=employee, client_ip=client_ip, now=now
        )
        limit = _failure_limit(scope)
        if scope == SignInFailureScope.TRAINEE:
            left = max(0, limit - row.failures)
        if row.failures < limit:
            continue
        lock = lock or _locked(scope, window)
        if SignInFailure.objects.filter(pk=row.pk, locked_at__isnull=True).update(locked_at=now):
            row.locked_at = now
            _report_lock(session, row, limit)
    return lock, left


def _report_lock(session: Session, row: SignInFailure, limit: int) -> None:
    employee = row.employee
    audit_record(
        actor=employee.user if employee is not None else None,
        action="attendance.sign_in_locked",
        target=session,
        after={
            "scope": row.scope,
            "employee": employee.pk if employee is not None else None,
            "employee_no": employee.employee_no if employee is not None else "",
            "name": employee.name if employee is not None else "",
            "client_ip": row.client_ip,
            "failures": row.failures,
            "limit": limit,
        },
        note=_("Locked out of self sign-in after too many wrong codes: a suspected proxy."),
    )
    broadcast_on_commit(session_group(session.pk), "sign_in.locked", sign_in_lock_payload(row))


# Signing in ---------------------------------------------------------------------------------


def sign_in(
    *,
    session: Session,
    employee: Employee,
    code: str | None = None,
    token: str | None = None,
    client_ip: str | None = None,
    device: str = "",
    user_agent: str = "",
    at: datetime.datetime | None = None,
) -> SignInResult:
    """A trainee signs in with the code on the screen (typed) or the QR token (scanned).

    ``at`` is when the code was read: the moment of the scan, kept across a login in
    between, so a trainee who had to sign in to the site first is not refused a code that
    was valid when they scanned it. Present until the window's late threshold after the
    start, late after it. ``device`` is the id the client presents (the page's cookie, an
    app's ``X-Device-Id``) and ``user_agent`` its user agent; together with ``client_ip``
    they make the device the proxy rule compares (``attendance.devices.device_key``), so
    the page and the API apply the same rule.

    Refuses, recording no attendance: a trainee not enrolled; before the window opens or
    after it closes; a trainee or address locked out after too many wrong codes (even with
    the right code, until the window closes); an expired, forged or other session's code;
    an address outside the allowed networks; a second trainee from the same device (or
    address) within the policy's minutes, which is reported to the instructor.

    A wrong code (not a merely expired one) is counted against the trainee and the address
    even though the sign-in is refused; at ``SIGN_IN_FAILURE_LIMIT`` for the trainee or
    ``SIGN_IN_ADDRESS_FAILURE_LIMIT`` for the address the lock is set, audited and shown
    live to the instructor. So this function is not one transaction: a refusal keeps its
    count. Signing in again returns the first record unchanged; two at once store one (a
    unique constraint).
    """
    now = timezone.now()
    at = min(at or now, now)
    client_ip = _normalised_ip(client_ip)
    device = device_key(device_id=device, client_ip=client_ip, user_agent=user_agent)
    if not Enrollment.objects.filter(training_id=session.training_id, employee=employee).exists():
        raise Forbidden(_("You are not enrolled in this training."))
    existing = AttendanceRecord.objects.filter(session=session, employee=employee).first()
    if existing is not None:
        return SignInResult(existing, False)
    window = SignInWindow.objects.filter(session=session).select_related("session").first()
    if window is None or at < window.opens_at:
        raise SignInNotOpen(_("Sign-in for this session has not opened yet."))
    if at > window.closes_at:
        raise SignInNotOpen(_("Sign-in for this session has closed."))
    address_key = _address_key(client_ip)
    lock = _lock_in_force(window, employee, address_key)
    if lock is not None:
        raise lock
    check = _code_check(window, code=code, token=token, at=at)
    if check.state == codes.CodeState.EXPIRED:
        # Seen on the screen a moment ago: slow, not guessing; not counted.
        raise SignInRefused(
            _("This code has expired. Use the code now on the screen."), code="code_expired"
        )
    if check.state == codes.CodeState.INVALID:
        lock, left = _failure_record(
            window=window, employee=employee, client_ip=client_ip, address_key=address_key
        )
        if lock is not None:
            raise lock
        warning = ngettext(
            "%(count)d more wrong code locks your self sign-in to this session.",
            "%(count)d more wrong codes lock your self sign-in to this session.",
            left,
        ) % {"count": left}
        # gettext outside the f-string: makemessages cannot find a call inside one.
        if code and not token and _belongs_to_another_session(window, code, at):
            refusal = _("This code belongs to another session.")
            raise SignInRefused(f"{refusal} {warning}", code="other_session_code")
        refusal = _("This code is not valid for this session.")
        raise SignInRefused(f"{refusal} {warning}")
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
            _("This device has just signed in someone else. Ask the instructor to call your name."),
            code="proxy_suspected",
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
                    client_ip=client_ip,
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

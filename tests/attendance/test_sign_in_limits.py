"""Guessing sign-in codes (issue 11, finding 6): wrong codes are counted per trainee and per
network address in the database; at the limit the trainee (or the address) is locked out of
the session's self sign-in for its window, even with the right code; the lock is audited and
sent live to the instructor's board as a suspected proxy. Through the service and the API."""

import datetime
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from attendance import codes
from attendance.consumers import SessionBoardConsumer
from attendance.models import AttendanceRecord, SignInFailure, SignInFailureScope
from attendance.services import SignInLocked, SignInRefused, sign_in, window_open
from core.models import AuditEntry
from tests.attendance.test_consumers import (  # noqa: F401  (a fixture)
    BOARD_ROUTE,
    board_path,
    own_channel_layer,
    receive_event,
)
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory
from tests.live import live_socket

pytestmark = pytest.mark.django_db

PHONE = "10.8.0.21"
LOCK_ACTION = "attendance.sign_in_locked"


def make_session(instructor=None, *, trainees=()):
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    for trainee in trainees:
        EnrollmentFactory(training=training, employee=trainee)
    return SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )


@pytest.fixture
def session(trainee, instructor):
    return make_session(instructor, trainees=[trainee])


@pytest.fixture
def window(session):
    return window_open(actor=None, session=session)


def current_code(window) -> str:
    return codes.short_code(window, codes.slot_at(window, timezone.now()))


def wrong_code(window) -> str:
    """A code that is neither valid nor recently shown (an expired code is not a guess)."""
    now = timezone.now()
    for candidate in range(1_000_000):
        text = f"{candidate:06d}"
        if codes.check_short_code(window, text, now).state == codes.CodeState.INVALID:
            return text
    raise AssertionError("no wrong code")


def enrol(session, count: int, prefix: str = "T") -> list:
    people = [EmployeeFactory(name=f"{prefix}{index}") for index in range(count)]
    for person in people:
        EnrollmentFactory(training=session.training, employee=person)
    return people


# The service ------------------------------------------------------------------------------------


def test_wrong_codes_lock_the_trainee_then_even_the_right_code_is_refused(session, window, trainee):
    bad = wrong_code(window)
    for attempt in range(1, 5):
        with pytest.raises(SignInRefused) as refused:
            sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
        assert not isinstance(refused.value, SignInLocked)
        assert "This code is not valid for this session." in refused.value.message
        assert f"{5 - attempt} more wrong code" in refused.value.message
    with pytest.raises(SignInLocked) as locked:
        sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
    assert locked.value.status_code == 429 and locked.value.code == "sign_in_locked"
    assert "Too many wrong codes" in locked.value.message
    assert "locked for you" in locked.value.message
    with pytest.raises(SignInLocked):
        sign_in(session=session, employee=trainee, code=current_code(window), client_ip=PHONE)
    # The right code from another device and address changes nothing: the trainee is locked.
    with pytest.raises(SignInLocked):
        sign_in(
            session=session,
            employee=trainee,
            code=current_code(window),
            client_ip="10.9.9.9",
            device="another-phone-0001",
        )
    assert not AttendanceRecord.objects.exists()

    row = SignInFailure.objects.get(scope=SignInFailureScope.TRAINEE)
    assert (row.employee, row.failures, row.client_ip) == (trainee, 5, PHONE)
    assert row.locked_at is not None
    entry = AuditEntry.objects.get(action=LOCK_ACTION)
    assert entry.actor == trainee.user
    assert entry.target_id == str(session.pk)
    assert entry.after["scope"] == "trainee"
    assert entry.after["employee"] == trainee.pk
    assert entry.after["failures"] == 5
    assert entry.after["client_ip"] == PHONE


def test_the_limit_is_a_setting(settings, session, window, trainee):
    settings.SIGN_IN_FAILURE_LIMIT = 2
    bad = wrong_code(window)
    with pytest.raises(SignInRefused, match="1 more wrong code locks"):
        sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
    with pytest.raises(SignInLocked):
        sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)


def test_a_forged_qr_token_counts_as_a_wrong_code(settings, session, window, trainee):
    settings.SIGN_IN_FAILURE_LIMIT = 3
    slot = codes.slot_at(window, timezone.now())
    for _attempt in range(2):
        with pytest.raises(SignInRefused, match="not valid"):
            sign_in(session=session, employee=trainee, token=f"{slot}-forged", client_ip=PHONE)
    with pytest.raises(SignInLocked):
        sign_in(session=session, employee=trainee, token=f"{slot}-forged", client_ip=PHONE)


def test_an_expired_code_is_not_counted(session, window, trainee):
    """A code that was on the screen a moment ago is slowness, not guessing."""
    old = codes.short_code(window, codes.slot_at(window, timezone.now()) - 3)
    for _attempt in range(8):
        with pytest.raises(SignInRefused, match="expired") as refused:
            sign_in(session=session, employee=trainee, code=old, client_ip=PHONE)
        assert refused.value.code == "code_expired"
    assert not SignInFailure.objects.exists()
    assert sign_in(session=session, employee=trainee, code=current_code(window)).created


def test_another_trainee_is_not_locked_by_the_first_ones_failures(session, window, trainee):
    (neighbour,) = enrol(session, 1)
    bad = wrong_code(window)
    for _attempt in range(5):
        with pytest.raises(SignInRefused):
            sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
    # Same classroom network (the address is under its own limit), another phone.
    result = sign_in(
        session=session,
        employee=neighbour,
        code=current_code(window),
        client_ip=PHONE,
        device="neighbours-phone-01",
    )
    assert result.created


def test_a_lock_holds_for_that_session_only(session, window, trainee, instructor):
    other = make_session(instructor, trainees=[trainee])
    other_window = window_open(actor=None, session=other)
    bad = wrong_code(window)
    for _attempt in range(5):
        with pytest.raises(SignInRefused):
            sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
    result = sign_in(
        session=other, employee=trainee, code=current_code(other_window), client_ip=PHONE
    )
    assert result.created


def test_the_address_limit_catches_a_spray_over_many_trainee_accounts(settings, session, window):
    """Someone with many colleagues' passwords tries two codes for each from one laptop: no
    trainee reaches their own limit, the address does, and then nobody signs in from it."""
    assert settings.SIGN_IN_ADDRESS_FAILURE_LIMIT == 20
    accounts = enrol(session, 11, prefix="Account ")
    bad = wrong_code(window)
    refusals = []
    for account in accounts[:10]:
        for _attempt in range(2):
            with pytest.raises(SignInRefused) as refused:
                sign_in(session=session, employee=account, code=bad, client_ip=PHONE)
            refusals.append(refused.value)
    assert not any(isinstance(r, SignInLocked) for r in refusals[:19])
    assert isinstance(refusals[19], SignInLocked)
    assert "from this network address" in refusals[19].message
    # An eleventh account with the right code, from that address: refused.
    with pytest.raises(SignInLocked, match="from this network address"):
        sign_in(session=session, employee=accounts[10], code=current_code(window), client_ip=PHONE)
    # From another address it works: only that address is locked.
    assert sign_in(
        session=session, employee=accounts[10], code=current_code(window), client_ip="10.8.0.99"
    ).created
    address = SignInFailure.objects.get(scope=SignInFailureScope.ADDRESS)
    assert (address.key, address.failures) == (PHONE, 20)
    assert address.locked_at is not None
    assert not SignInFailure.objects.filter(
        scope=SignInFailureScope.TRAINEE, locked_at__isnull=False
    ).exists()
    entry = AuditEntry.objects.get(action=LOCK_ACTION)
    assert entry.after["scope"] == "address" and entry.after["client_ip"] == PHONE


def test_an_ipv6_client_is_counted_by_its_network(settings, session, window):
    """One client usually holds a whole /64: changing the last bits starts no fresh count."""
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    accounts = enrol(session, 4)
    bad = wrong_code(window)
    for index, account in enumerate(accounts[:3]):
        with pytest.raises(SignInRefused) as refused:
            sign_in(session=session, employee=account, code=bad, client_ip=f"2001:db8:1:2::{index}")
    assert isinstance(refused.value, SignInLocked)
    with pytest.raises(SignInLocked):
        sign_in(
            session=session,
            employee=accounts[3],
            code=current_code(window),
            client_ip="2001:db8:1:2:ffff::1",
        )


def test_counts_live_in_the_database_not_the_cache(session, window, trainee):
    """Several workers share the count, and it holds with Redis down: the cache (here an
    unreachable Redis) plays no part."""
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    bad = wrong_code(window)
    with override_settings(CACHES=unreachable):
        for _attempt in range(4):
            with pytest.raises(SignInRefused):
                sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
        with pytest.raises(SignInLocked):
            sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
    assert SignInFailure.objects.get(scope=SignInFailureScope.TRAINEE).failures == 5


def test_after_the_window_closes_it_says_so(monkeypatch, session, window, trainee):
    bad = wrong_code(window)
    for _attempt in range(5):
        with pytest.raises(SignInRefused):
            sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
    later = window.closes_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(SignInRefused, match="has closed"):
        sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_codes_lock_once(trainee, instructor):
    """Sixteen wrong codes at once (as from several workers): every one is counted, and the
    lock is set, audited and announced exactly once."""
    session = make_session(instructor, trainees=[trainee])
    window = window_open(actor=None, session=session)
    bad = wrong_code(window)
    start = threading.Barrier(16)
    outcomes = []

    def guess():
        try:
            start.wait()
            sign_in(session=session, employee=trainee, code=bad, client_ip=PHONE)
        except SignInRefused as refusal:
            outcomes.append(type(refusal).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=guess) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 16
    row = SignInFailure.objects.get(scope=SignInFailureScope.TRAINEE)
    assert row.locked_at is not None
    # Counted one after another: the 1st to 4th are told the code is wrong, from the 5th on
    # (or once the lock is seen) they are locked out.
    assert row.failures >= 5
    assert outcomes.count("SignInRefused") == 4
    assert outcomes.count("SignInLocked") == 12
    assert AuditEntry.objects.filter(action=LOCK_ACTION).count() == 1


# The instructor's live board --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_the_instructors_board_hears_of_the_lock_live(instructor, trainee):
    session = await sync_to_async(make_session)(instructor, trainees=[trainee])
    user = await sync_to_async(lambda: instructor.user)()
    window = await sync_to_async(window_open)(actor=None, session=session)
    bad = await sync_to_async(wrong_code)(window)
    async with live_socket(
        SessionBoardConsumer.as_asgi(), board_path(session), user, BOARD_ROUTE
    ) as socket:
        assert (await receive_event(socket, "attendance.board"))["sign_in_locks"] == []
        for _attempt in range(4):
            with pytest.raises(SignInRefused):
                await sync_to_async(sign_in)(
                    session=session, employee=trainee, code=bad, client_ip=PHONE
                )
        with pytest.raises(SignInLocked):
            await sync_to_async(sign_in)(
                session=session, employee=trainee, code=bad, client_ip=PHONE
            )
        locked = await receive_event(socket, "sign_in.locked")
        assert locked["scope"] == "trainee"
        assert (locked["employee"], locked["employee_no"]) == (trainee.name, trainee.employee_no)
        assert (locked["failures"], locked["client_ip"]) == (5, PHONE)
        assert locked["at"]
    # A page that connects later gets the lock in the board it starts from.
    async with live_socket(
        SessionBoardConsumer.as_asgi(), board_path(session), user, BOARD_ROUTE
    ) as socket:
        board = await receive_event(socket, "attendance.board")
        assert [lock["employee"] for lock in board["sign_in_locks"]] == [trainee.name]


# The API ----------------------------------------------------------------------------------------


def api_for(employee) -> APIClient:
    client = APIClient()
    client.force_authenticate(employee.user)
    return client


def test_api_wrong_codes_until_locked_then_429(session, window, trainee):
    api = api_for(trainee)
    url = f"/api/v1/sessions/{session.pk}/sign-in/"
    bad = wrong_code(window)
    for _attempt in range(4):
        response = api.post(url, {"code": bad}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_code"
        assert "not valid" in response.json()["detail"]
    response = api.post(url, {"code": bad}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "sign_in_locked"
    assert "Too many wrong codes" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= (window.closes_at - timezone.now()).seconds + 2
    # The right code is refused for the rest of the window.
    response = api.post(url, {"code": current_code(window)}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "sign_in_locked"
    assert not AttendanceRecord.objects.exists()
    assert AuditEntry.objects.filter(action=LOCK_ACTION, actor=trainee.user).count() == 1


def test_api_a_different_trainee_is_not_locked(session, window, trainee):
    (neighbour,) = enrol(session, 1)
    url = f"/api/v1/sessions/{session.pk}/sign-in/"
    bad = wrong_code(window)
    for _attempt in range(5):
        api_for(trainee).post(url, {"code": bad}, format="json", HTTP_X_DEVICE_ID="phone-a")
    response = api_for(neighbour).post(
        url, {"code": current_code(window)}, format="json", HTTP_X_DEVICE_ID="phone-b"
    )
    assert response.status_code == 201


def test_api_spray_over_many_accounts_locks_the_address(settings, session, window):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    accounts = enrol(session, 4)
    url = f"/api/v1/sessions/{session.pk}/sign-in/"
    bad = wrong_code(window)
    statuses = []
    for account in accounts[:3]:
        for _attempt in range(2):
            response = api_for(account).post(
                url, {"code": bad}, format="json", REMOTE_ADDR="192.0.2.7"
            )
            statuses.append(response.status_code)
    assert statuses == [400, 400, 400, 400, 400, 429]
    response = api_for(accounts[3]).post(
        url, {"code": current_code(window)}, format="json", REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 429
    assert "from this network address" in response.json()["detail"]
    response = api_for(accounts[3]).post(
        url, {"code": current_code(window)}, format="json", REMOTE_ADDR="192.0.2.8"
    )
    assert response.status_code == 201


def test_api_refusals_carry_a_code(session, trainee):
    url = f"/api/v1/sessions/{session.pk}/sign-in/"
    response = api_for(trainee).post(url, {"code": "123456"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "sign_in_not_open"

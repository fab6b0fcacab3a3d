"""Live attendance pages over websockets: the board and roll-call sheet of a session, and the
projector that shows the rotating code.

Only users who may run the session connect (``session_get_for_runner``): anonymous visitors
are refused with 4401, anyone else with 4403. Trainees never connect, so the code never
reaches them. Nothing a consumer holds is needed by another worker: the board comes from the
database on connect, changes arrive through the channel layer, and the projector's code is
computed from the window's secret and the clock (``attendance.codes``).
"""

import asyncio
import contextlib
import json
import logging
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from attendance import qr
from attendance.selectors import (
    board_counts_payload,
    session_board,
    session_get_for_runner,
    sign_in_lock_payload,
    window_for,
)
from attendance.services import session_group
from core.errors import NotFound
from core.live import LiveGroupConsumer
from courses.models import Session

logger = logging.getLogger(__name__)

# Wake this long after a code changes, so the new slot is the current one everywhere.
ROTATION_MARGIN_SECONDS = 0.05
# With no window, or a closed one, look again this often (an edit wakes the projector
# at once through "window.changed"; this only bounds how stale a missed event can leave it).
IDLE_RECHECK_SECONDS = 60.0
# After a failed look-up (the database restarting, say), try again this soon.
RETRY_SECONDS = 5.0
# A page may ask for the whole board again at most this often.
REFRESH_INTERVAL_SECONDS = 2.0


def _runnable_session(user, session_id: int) -> Session | None:
    try:
        return session_get_for_runner(user=user, session_id=session_id)
    except NotFound:
        return None


def board_snapshot(session: Session) -> dict:
    """The whole board as a live event carries it: every enrolled trainee's row, the figures,
    the latest refused proxy sign-ins and who is locked out after too many wrong codes."""
    board = session_board(session)
    return {
        "rows": [row.__dict__ for row in board.rows],
        "proxy_attempts": [
            {
                "employee": attempt.employee.name,
                "first_employee": attempt.first_employee.name,
                "at": attempt.at,
            }
            for attempt in board.proxy_attempts
        ],
        "sign_in_locks": [sign_in_lock_payload(lock) for lock in board.sign_in_locks],
        **board_counts_payload(board),
    }


def site_url(scope, path: str) -> str:
    """``path`` as an absolute URL on the host the websocket was opened on (the projector
    page's own host), https behind a TLS proxy as Django's ``SECURE_PROXY_SSL_HEADER`` says."""
    headers = {name.decode("latin-1").lower(): value for name, value in scope.get("headers", [])}
    host = headers.get("host", b"").decode("latin-1")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    secure = scope.get("scheme") in ("wss", "https")
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, expected = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower()
        forwarded = headers.get(header, b"").decode("latin-1").split(",")[0].strip()
        secure = secure or forwarded == expected
    return f"{'https' if secure else 'http'}://{host}{path}"


class SessionBoardConsumer(LiveGroupConsumer):
    """``ws/attendance/sessions/<id>/``: the live board and roll-call sheet. Sends the whole
    board on connect (so a page that reconnects catches up), then relays the session's events:
    ``attendance.changed``, ``window.changed``, ``proxy.refused`` and ``sign_in.locked``."""

    session: Session

    @classmethod
    async def encode_json(cls, content) -> str:
        return json.dumps(content, cls=DjangoJSONEncoder)

    async def get_groups(self) -> list[str] | None:
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        session = await database_sync_to_async(_runnable_session)(self.scope["user"], session_id)
        if session is None:
            return None
        self.session = session
        return [session_group(session.pk)]

    _last_refresh: float = 0.0

    async def connect(self):
        await super().connect()
        if self.groups_joined:
            await self.accepted()

    async def accepted(self) -> None:
        await self.send_board()

    async def send_board(self) -> None:
        self._last_refresh = time.monotonic()
        snapshot = await database_sync_to_async(board_snapshot)(self.session)
        await self.send_json({"event": "attendance.board", "data": snapshot})

    async def receive_json(self, content, **kwargs):
        """``{"action": "refresh"}``: the page's figures disagree with the last event's (the
        channel layer drops events for a socket that falls behind); send the whole board
        again, at most every ``REFRESH_INTERVAL_SECONDS``. Anything else is ignored."""
        if not isinstance(content, dict) or content.get("action") != "refresh":
            return
        if time.monotonic() - self._last_refresh < REFRESH_INTERVAL_SECONDS:
            return
        await self.send_board()


class SessionProjectorConsumer(SessionBoardConsumer):
    """``ws/attendance/sessions/<id>/projector/``: the board, plus the current code pushed on
    connect and at every rotation as ``{"event": "code", "data": {...}}`` (see
    ``attendance.qr.projector_code``). The timer is a task of this connection: started on
    connect, cancelled on disconnect; an edit of the window wakes it at once."""

    _ticker: asyncio.Task | None = None
    _wake: asyncio.Event

    async def accepted(self) -> None:
        await super().accepted()
        self._wake = asyncio.Event()
        self._ticker = asyncio.create_task(self._push_codes())

    async def disconnect(self, code):
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await super().disconnect(code)

    async def live_event(self, message):
        await super().live_event(message)
        if message["event"] == "window.changed" and self._ticker is not None:
            self._wake.set()

    def _current_code(self) -> tuple[dict, float | None]:
        window = window_for(self.session)
        now = timezone.now()

        def sign_in_url(token: str) -> str:
            path = reverse(
                "session_sign_in_qr", kwargs={"session_id": self.session.pk, "token": token}
            )
            return site_url(self.scope, path)

        data = qr.projector_code(window, now=now, sign_in_url=sign_in_url)
        return data, qr.seconds_until_change(window, now=now)

    async def _push_codes(self) -> None:
        while True:
            try:
                data, next_change = await database_sync_to_async(self._current_code)()
            except Exception:
                # The page keeps its last code (it greys out once expired); try again soon.
                logger.exception("Projector code for session %s failed", self.session.pk)
                delay = RETRY_SECONDS
            else:
                await self.send_json({"event": "code", "data": data})
                delay = (
                    IDLE_RECHECK_SECONDS
                    if next_change is None
                    else min(next_change + ROTATION_MARGIN_SECONDS, IDLE_RECHECK_SECONDS)
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            self._wake.clear()

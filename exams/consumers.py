"""Live pages of exams: the proctor board (safety officer) and a candidate's attempt page.

Both relay events that ``exams.live`` broadcasts; neither keeps state another worker needs.
"""

import json
import time

from channels.db import database_sync_to_async
from django.core.serializers.json import DjangoJSONEncoder

from core.errors import NotFound
from core.live import LiveGroupConsumer
from exams import live
from exams.models import Attempt, Exam
from exams.selectors.exams import attempt_get_for_user, exam_get_for_user, user_manages_exams
from exams.selectors.proctor import proctor_board

# A page may ask for the whole board again at most this often.
REFRESH_INTERVAL_SECONDS = 2.0
# What the board adds to a start or a close from the attempt itself (the events carry the
# state a candidate's page may see; the number and the score are for the board only).
ATTEMPT_DETAILS = ("number", "score", "max_score", "passed")


def attempt_details(attempt_id: int) -> dict:
    return Attempt.objects.filter(pk=attempt_id).values(*ATTEMPT_DETAILS).first() or {}


class ProctorBoardConsumer(LiveGroupConsumer):
    """``ws/exams/<id>/proctor/``: the safety officer's board of one exam. Sends the whole
    board on connect (``proctor.board``, so a page that reconnects catches up) and again on
    ``{"action": "refresh"}`` (at most every ``REFRESH_INTERVAL_SECONDS``); then relays
    ``attempt.started``, ``answer.saved``, ``attempt.closed``, ``attempt.deadline`` and
    ``exam.closed``. A start and a close also carry the attempt's number and score."""

    exam: Exam
    _last_refresh: float = 0.0

    @classmethod
    async def encode_json(cls, content) -> str:
        return json.dumps(content, cls=DjangoJSONEncoder)

    async def get_groups(self):
        exam_id = int(self.scope["url_route"]["kwargs"]["exam_id"])
        exam = await database_sync_to_async(self._exam_to_watch)(exam_id)
        if exam is None:
            return None
        self.exam = exam
        return [live.proctor_group(exam_id)]

    def _exam_to_watch(self, exam_id: int) -> Exam | None:
        user = self.scope["user"]
        if not user_manages_exams(user):
            return None
        try:
            return exam_get_for_user(user=user, exam_id=exam_id)
        except NotFound:
            return None

    async def connect(self):
        await super().connect()
        if self.groups_joined:
            await self.send_board()

    def _board(self) -> dict:
        # Fresh: the exam may have been closed early since the connection opened.
        self.exam.refresh_from_db(fields=["closes_at", "closed_early_at"])
        return proctor_board(self.exam).payload()

    async def send_board(self) -> None:
        self._last_refresh = time.monotonic()
        board = await database_sync_to_async(self._board)()
        await self.send_json({"event": "proctor.board", "data": board})

    async def receive_json(self, content, **kwargs):
        """``{"action": "refresh"}``: the page missed an event (an answer of an attempt it
        does not know, a reopened attempt); anything else is ignored."""
        if not isinstance(content, dict) or content.get("action") != "refresh":
            return
        if time.monotonic() - self._last_refresh < REFRESH_INTERVAL_SECONDS:
            return
        await self.send_board()

    async def live_event(self, message):
        if message["event"] in ("attempt.started", "attempt.closed"):
            details = await database_sync_to_async(attempt_details)(message["data"]["attempt"])
            message = {**message, "data": {**message["data"], **details}}
        await self.send_json({"event": message["event"], "data": message["data"]})


class AttemptConsumer(LiveGroupConsumer):
    """A candidate's own attempt: deadline changes (extra time) and the close, with the
    server's time so the page's countdown never trusts the device clock."""

    async def get_groups(self):
        attempt_id = int(self.scope["url_route"]["kwargs"]["attempt_id"])
        allowed = await database_sync_to_async(self._is_own)(attempt_id)
        return [live.attempt_group(attempt_id)] if allowed else None

    def _is_own(self, attempt_id: int) -> bool:
        user = self.scope["user"]
        try:
            attempt = attempt_get_for_user(user=user, attempt_id=attempt_id)
        except NotFound:
            return False
        return attempt.employee.user_id == user.pk

"""Live pages of exams: the proctor board (safety officer) and a candidate's attempt page.

Both relay events that ``exams.live`` broadcasts; neither keeps state another worker needs.
"""

from channels.db import database_sync_to_async

from core.errors import NotFound
from core.live import LiveGroupConsumer
from exams import live
from exams.selectors.exams import attempt_get_for_user, exam_get_for_user, user_manages_exams


class ProctorBoardConsumer(LiveGroupConsumer):
    """The safety officer's board of one exam."""

    async def get_groups(self):
        exam_id = int(self.scope["url_route"]["kwargs"]["exam_id"])
        allowed = await database_sync_to_async(self._may_watch)(exam_id)
        return [live.proctor_group(exam_id)] if allowed else None

    def _may_watch(self, exam_id: int) -> bool:
        user = self.scope["user"]
        if not user_manages_exams(user):
            return False
        try:
            exam_get_for_user(user=user, exam_id=exam_id)
        except NotFound:
            return False
        return True


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

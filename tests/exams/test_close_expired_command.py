"""``manage.py close_expired_attempts`` goes on with the rest when one attempt fails to close
(issue 11, finding 4): the others are closed, the failure is logged and counted, and the
command exits non-zero so cron reports it."""

import datetime
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from exams.models import Attempt, AttemptStatus
from exams.services import attempts as service
from exams.services.attempts import attempt_start
from tests.exams.factories import make_exam, make_paper, make_questions
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_attempts():
    start = timezone.now() - datetime.timedelta(hours=1)
    people = [EmployeeFactory(roles=["trainee"]) for _ in range(3)]
    exam = make_exam(candidates=people, now=start, paper=make_paper(questions=make_questions(2)))
    return [attempt_start(employee=person, exam=exam, now=start).attempt for person in people]


def test_one_failing_attempt_does_not_stop_the_others(expired_attempts, monkeypatch, caplog):
    failing = expired_attempts[0]
    close = service.attempt_close

    def close_or_fail(*, attempt_id, reason, now):
        if attempt_id == failing.pk:
            raise RuntimeError("disk full")
        return close(attempt_id=attempt_id, reason=reason, now=now)

    monkeypatch.setattr(service, "attempt_close", close_or_fail)
    out = StringIO()
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError) as error:
        call_command("close_expired_attempts", stdout=out)

    assert "1 expired attempt(s) could not be closed" in str(error.value)
    assert "Closed 2 expired attempt(s)." in out.getvalue()
    statuses = dict(Attempt.objects.values_list("pk", "status"))
    assert statuses == {
        expired_attempts[0].pk: AttemptStatus.IN_PROGRESS,  # left for the next run
        expired_attempts[1].pk: AttemptStatus.GRADED,
        expired_attempts[2].pk: AttemptStatus.GRADED,
    }
    assert any(f"Expired attempt {failing.pk}" in r.getMessage() for r in caplog.records)

    # The next run closes it, and says nothing more is wrong.
    monkeypatch.setattr(service, "attempt_close", close)
    out = StringIO()
    call_command("close_expired_attempts", stdout=out)
    assert "Closed 1 expired attempt(s)." in out.getvalue()
    assert set(Attempt.objects.values_list("status", flat=True)) == {AttemptStatus.GRADED}


def test_a_run_with_nothing_to_close_is_quiet(expired_attempts):
    call_command("close_expired_attempts", stdout=StringIO())
    out = StringIO()
    call_command("close_expired_attempts", stdout=out)
    assert out.getvalue() == ""

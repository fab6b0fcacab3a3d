"""An online exam in a real browser, with the websockets live.

A trainee on a phone whose clock is an hour fast finds the exam under "My exams", reads the
page before the start and starts. The countdown shows the server's half hour, not the
phone's. They answer two questions and wait for "Saved", reload the page: the answers and the
timer are still there. They answer the rest (one question per screen, previous / next), hand
in after the confirmation that counts the unanswered questions, and read their result with
the review.

The ASGI live server (HTTP and websockets in one) comes from the sign-in flow's test module.
Only the people, the questions and the exam are made in Python; every step the trainee takes
goes through the real pages and the answer API.
"""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from core.roles import Role
from exams.models import Answer, Attempt, AttemptStatus
from exams.services.attempts import attempt_start
from exams.services.proctoring import attempts_extend
from exams.services.questions import question_create
from tests.browser.test_sign_in_flow import (  # noqa: F401 (fixtures)
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    asgi_live_server,
    contexts,
    log_in,
    role_groups,
)
from tests.exams.factories import category, every_type_inputs, make_exam, make_paper
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

EXAM_TITLE = "Fire and height safety theory exam"


def in_own_thread(function):
    """Run ``function`` in a thread of its own, on this thread's database connection.
    Playwright's event loop runs in the test thread, where a service's broadcast
    (``async_to_sync``) may not run."""
    connection = connections["default"]
    outcome = {}

    def run():
        connections["default"] = connection
        try:
            outcome["value"] = function()
        except BaseException as error:  # re-raised in the test thread
            outcome["error"] = error

    connection.inc_thread_sharing()
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=30)
    finally:
        connection.dec_thread_sharing()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _seconds(countdown: str) -> int:
    """ "29:41" or "1:02:03" as seconds."""
    parts = [int(part) for part in countdown.strip().split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


@pytest.fixture
def exam_for_trainee(role_groups):  # noqa: F811
    return _exam_for_trainee()


def _exam_for_trainee(**exam_fields):
    department = DepartmentFactory(name="Hull workshop")
    trainee = EmployeeFactory(
        roles=[Role.TRAINEE], employee_no="T301", name="Liu Wei", department=department
    )
    bank = category("Fire and height")
    # Single, multiple, true/false and fill in the blank: graded as soon as it is handed in.
    questions = [
        question_create(actor=None, category=bank, data=data) for data in every_type_inputs()[:4]
    ]
    exam = make_exam(
        title=EXAM_TITLE,
        paper=make_paper(questions=questions, points=5),
        candidates=[trainee],
        duration_minutes=30,
        pass_score=Decimal(15),
        **exam_fields,
    )
    return trainee, exam


def test_trainee_takes_the_exam_on_a_phone(
    asgi_live_server,  # noqa: F811
    contexts,  # noqa: F811
    exam_for_trainee,
    artifacts_dir,
):
    from playwright.sync_api import expect

    base = asgi_live_server.url
    trainee, exam = exam_for_trainee
    phone_context = contexts(PHONE_VIEWPORT)
    # The phone's clock is an hour fast: the countdown must not care.
    phone_context.clock.set_system_time(timezone.now() + datetime.timedelta(hours=1))
    phone = phone_context.new_page()
    log_in(phone, base, "T301")

    # My exams -> the page before the start -> start. -------------------------------------
    phone.get_by_role("link", name="My exams").click()
    card = phone.locator(f"#exam-{exam.pk}")
    expect(card).to_contain_text("Open")
    card.get_by_role("link", name="Start the exam").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(EXAM_TITLE)
    expect(phone.locator("#question-count")).to_have_text("4")
    expect(phone.locator("#total-points")).to_have_text("20")
    phone.get_by_role("button", name="Start the exam").click()

    save_state = phone.locator("[data-save-state]")
    countdown = phone.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^(30:00|29:\d\d)$"))
    expect(phone.get_by_text("Question 1 of 4")).to_be_visible()
    expect(phone.get_by_text("Question 2 of 4")).to_be_hidden()  # one per screen on a phone
    attempt = Attempt.objects.get(exam=exam, employee=trainee)

    # Two answers, each saved. ---------------------------------------------------------------
    phone.get_by_label("119").check()
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(save_state).to_have_text("Saved")
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Question 2 of 4")).to_be_visible()
    phone.get_by_label("Carbon dioxide").check()
    phone.get_by_label("Dry powder").check()
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(phone.locator(".exam-progress")).to_contain_text("2 of 4 answered")
    phone.screenshot(path=str(artifacts_dir / "exam-1-phone-answering.png"), full_page=True)
    assert Answer.objects.filter(attempt=attempt).exclude(selected=[]).count() == 2

    # Reload: the answers and the timer are kept. ---------------------------------------------
    before = _seconds(countdown.inner_text())
    phone.reload()
    expect(phone.get_by_label("119")).to_be_checked()
    phone.locator("[data-nav]").nth(1).click()  # the navigator's question 2
    expect(phone.get_by_label("Carbon dioxide")).to_be_checked()
    expect(phone.get_by_label("Dry powder")).to_be_checked()
    expect(phone.get_by_label("Water")).not_to_be_checked()
    expect(phone.locator(".exam-progress")).to_contain_text("2 of 4 answered")
    after = _seconds(countdown.inner_text())
    assert before - 30 <= after <= before, (before, after)
    assert 25 * 60 < after <= 30 * 60

    # The rest, then hand in. ------------------------------------------------------------------
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Question 3 of 4")).to_be_visible()
    phone.get_by_label("True").check()
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label("Blank 1").fill("2")
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(phone.locator(".exam-progress")).to_contain_text("4 of 4 answered")

    phone.locator(".exam-question.current").get_by_role("link", name="Hand in").click()
    dialog = phone.locator("#hand-in-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-unanswered-count]")).to_have_text("0")
    phone.screenshot(path=str(artifacts_dir / "exam-2-phone-hand-in.png"))
    dialog.get_by_role("button", name="Hand in now").click()

    # The result, with the review. -------------------------------------------------------------
    expect(phone.locator("#result-score")).to_have_text("20 of 20")
    expect(phone.locator("#result-passed")).to_have_text("Passed")
    expect(phone.locator("#review .review-question")).to_have_count(4)
    phone.screenshot(path=str(artifacts_dir / "exam-3-phone-result.png"), full_page=True)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal(20)
    assert attempt.passed


def test_on_a_pc_answers_wait_out_a_lost_network_and_extra_time_arrives_live(
    asgi_live_server,  # noqa: F811
    contexts,  # noqa: F811
    role_groups,  # noqa: F811
    artifacts_dir,
):
    """All questions on one page beside the navigator. The network drops: the answer is
    kept and sent when it returns. The safety officer gives ten minutes more: the countdown
    moves at once, without a reload."""
    from playwright.sync_api import expect

    base = asgi_live_server.url
    trainee, exam = _exam_for_trainee()
    officer = EmployeeFactory(roles=[Role.SAFETY_OFFICER])
    attempt = in_own_thread(lambda: attempt_start(employee=trainee, exam=exam)).attempt
    pc_context = contexts(DESKTOP_VIEWPORT)
    pc = pc_context.new_page()
    log_in(pc, base, "T301")
    pc.goto(f"{base}/attempts/{attempt.pk}/")
    expect(pc.locator(".exam-question")).to_have_count(4)
    for number in range(1, 5):
        expect(pc.get_by_text(f"Question {number} of 4")).to_be_visible()
    expect(pc.locator("#exam")).to_have_attribute("data-live", "open")
    save_state = pc.locator("[data-save-state]")
    countdown = pc.locator("[data-countdown]")

    # Extra time, pushed through the websocket.
    ends_at = pc.locator("[data-deadline-text]")
    first_end = ends_at.inner_text()
    before = _seconds(countdown.inner_text())
    in_own_thread(
        lambda: attempts_extend(
            actor=officer.user, exam=exam, minutes=10, reason="Power cut in the hall"
        )
    )
    expect(pc.locator("[data-notice]")).to_contain_text("The deadline changed")
    expect(ends_at).not_to_have_text(first_end)
    expect(ends_at).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$"))
    after = _seconds(countdown.inner_text())
    assert before + 9 * 60 < after <= before + 10 * 60, (before, after)

    # The network drops while answering; the answer waits on the device.
    pc_context.set_offline(True)
    pc.get_by_label("119").check()
    pc.locator("#q-2").get_by_label("Flag to check again").check()
    expect(save_state).to_have_attribute("data-state", "offline")
    expect(save_state).to_have_text("Offline, will retry")
    expect(pc.locator("[data-nav]").nth(1)).to_have_class(re.compile(r"\bflagged\b"))
    assert not Answer.objects.filter(attempt=attempt).exclude(selected=[]).exists()
    pc.screenshot(path=str(artifacts_dir / "exam-4-pc-offline.png"), full_page=True)

    pc_context.set_offline(False)
    expect(save_state).to_have_attribute("data-state", "saved")
    answers = {
        a.attempt_question.position: a for a in attempt.answers.select_related("attempt_question")
    }
    assert answers[0].selected and answers[1].flagged


def test_when_time_is_up_the_page_shows_the_result(
    asgi_live_server,  # noqa: F811
    contexts,  # noqa: F811
    role_groups,  # noqa: F811
    settings,
):
    """The exam closes a few seconds after the start: the countdown reaches zero, the page
    says so, sends nothing more, and shows the result once the server has closed the
    attempt with the answer given in time."""
    from playwright.sync_api import expect

    settings.EXAM_SAVE_GRACE_SECONDS = 1
    base = asgi_live_server.url
    trainee, exam = _exam_for_trainee(closes_at=timezone.now() + datetime.timedelta(seconds=20))
    phone = contexts(PHONE_VIEWPORT).new_page()
    log_in(phone, base, "T301")
    phone.goto(f"{base}/exams/{exam.pk}/")
    phone.get_by_role("button", name="Start the exam").click()
    phone.get_by_label("119").check()
    expect(phone.locator("[data-save-state]")).to_have_attribute("data-state", "saved")

    expect(phone.locator("[data-notice]")).to_contain_text("Time is up", timeout=25_000)
    expect(phone.get_by_label("120")).to_be_disabled()
    expect(phone.locator("#result-status")).to_have_text("Graded", timeout=15_000)
    expect(phone.locator("#result-score")).to_have_text("5 of 20")
    attempt = Attempt.objects.get(exam=exam, employee=trainee)
    assert attempt.close_reason == "deadline" and attempt.score == Decimal(5)

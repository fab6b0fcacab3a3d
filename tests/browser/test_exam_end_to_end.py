"""An exam from the start to HR's performance sheet, in real Chromium with live websockets.

Three people, three browser contexts. The safety officer opens the proctor board before the
trainee starts. The trainee, on a phone, starts the exam, answers two questions, reloads
(answers and timer kept), answers the rest and hands in. The board, never reloaded, follows
each step: in progress, 2 of 4 answered, 4 of 4, graded with the score. Then HR opens the
ranking and downloads the performance sheet; openpyxl reads it and the trainee is first,
ahead of a colleague who sat the exam earlier with fewer points, and a third who did not sit.

Only the people, the questions, the exam and the colleague's attempt are made in Python;
every step of the three users goes through the real pages, the answer API and the sockets.
The ASGI live server and the browser contexts come from the sign-in flow's test module,
``in_own_thread`` (services that broadcast, called from the test thread) from the exam
taking flow.
"""

import io
import re
from decimal import Decimal

import pytest

from core.roles import Role
from exams.models import Attempt, AttemptStatus, ExamResult
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.questions import question_create
from tests.browser.test_exam_taking_flow import EXAM_TITLE, _seconds, in_own_thread
from tests.browser.test_sign_in_flow import (  # noqa: F401 (fixtures)
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    asgi_live_server,
    contexts,
    log_in,
    role_groups,
)
from tests.exams.factories import (
    category,
    every_type_inputs,
    make_exam,
    make_paper,
    save_by_bank_ids,
)
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

PERFORMANCE_HEADER = [
    "Employee number",
    "Name",
    "Department",
    "Score",
    "Rank",
    "Passed",
    "Attendance rate (%)",
    "Full attendance",
    "Reward",
    "Performance points",
]


def _exam_for_three():
    """The exam of the taking flow (single, multiple, true/false and a blank, 5 points
    each, pass at 15, 30 minutes), sat by three trainees of one workshop."""
    department = DepartmentFactory(name="Hull workshop")
    trainee, colleague, absentee = (
        EmployeeFactory(roles=[Role.TRAINEE], employee_no=number, name=name, department=department)
        for number, name in [("T301", "Liu Wei"), ("T302", "Zhang Min"), ("T303", "Chen Jie")]
    )
    bank = category("Fire and height")
    questions = [
        question_create(actor=None, category=bank, data=data) for data in every_type_inputs()[:4]
    ]
    exam = make_exam(
        title=EXAM_TITLE,
        paper=make_paper(questions=questions, points=5),
        candidates=[trainee, colleague, absentee],
        duration_minutes=30,
        pass_score=Decimal(15),
    )
    return exam, trainee, colleague, absentee


def _sits_with_one_right(exam, candidate) -> Attempt:
    """The candidate answers only the single-choice question, rightly, and hands in: 5 of
    20, failed. Through the services, in a thread of their own (they broadcast)."""

    def sit():
        attempt = attempt_start(employee=candidate, exam=exam).attempt
        first = attempt.questions.select_related("version").get(position=0)
        right = [o.pk for o in first.version.options.all() if o.correct]
        save_by_bank_ids(
            user=candidate.user,
            attempt_id=attempt.pk,
            question_id=first.question_id_shown,
            selected=right,
        )
        return attempt_submit(attempt=attempt)

    return in_own_thread(sit)


def test_trainee_sits_the_exam_the_board_follows_live_and_hr_gets_the_rank(
    asgi_live_server,  # noqa: F811
    contexts,  # noqa: F811
    role_groups,  # noqa: F811
    artifacts_dir,
):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    base = asgi_live_server.url
    exam, trainee, colleague, absentee = _exam_for_three()
    department = trainee.department
    earlier = _sits_with_one_right(exam, colleague)
    assert (earlier.status, earlier.score, earlier.passed) == (
        AttemptStatus.GRADED,
        Decimal(5),
        False,
    )
    EmployeeFactory(roles=[Role.SAFETY_OFFICER], employee_no="S100", name="Safety Officer")
    EmployeeFactory(roles=[Role.HR], employee_no="H100", name="HR Officer")

    # The safety officer's board, before the trainee starts. ------------------------------
    board = contexts(DESKTOP_VIEWPORT).new_page()
    log_in(board, base, "S100")
    board.goto(f"{base}/exam-admin/{exam.pk}/proctor/")
    expect(board.get_by_role("heading", level=1)).to_contain_text(EXAM_TITLE)
    expect(board.locator("[data-connection]")).to_have_text("Live")
    row = board.locator(f'tr[data-employee="{trainee.pk}"]')
    expect(row).to_have_attribute("data-state", "not_started")
    expect(row.locator('[data-cell="state"]')).to_have_text("Not started")
    expect(
        board.locator(f'tr[data-employee="{colleague.pk}"] [data-cell="score"]')
    ).to_contain_text("5 of 20")
    expect(board.locator(f'tr[data-employee="{absentee.pk}"]')).to_have_attribute(
        "data-state", "not_started"
    )

    # The trainee starts on a phone: the board shows it at once. --------------------------
    phone = contexts(PHONE_VIEWPORT).new_page()
    log_in(phone, base, "T301")
    phone.get_by_role("link", name="My exams").click()
    phone.locator(f"#exam-{exam.pk}").get_by_role("link", name="Start the exam").click()
    expect(phone.locator("#question-count")).to_have_text("4")
    phone.get_by_role("button", name="Start the exam").click()
    save_state = phone.locator("[data-save-state]")
    countdown = phone.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^(30:00|29:\d\d)$"))
    expect(phone.get_by_text("Question 1 of 4")).to_be_visible()

    expect(row).to_have_attribute("data-state", "in_progress")
    expect(row.locator('[data-cell="state"]')).to_have_text("In progress")
    expect(row.locator('[data-cell="answered"]')).to_have_text("0 of 4")
    expect(row.locator('[data-cell="time"]')).to_have_text(re.compile(r"^(30:00|29:\d\d)$"))
    expect(row.locator('[data-cell="attempt"]')).to_have_text("1")

    # Two answers, each saved; the board counts them. --------------------------------------
    phone.get_by_label("119").check()
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(row.locator('[data-cell="answered"]')).to_have_text("1 of 4")
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label("Carbon dioxide").check()
    phone.get_by_label("Dry powder").check()
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(save_state).to_have_text("Saved")
    expect(phone.locator(".exam-progress")).to_contain_text("2 of 4 answered")
    expect(row.locator('[data-cell="answered"]')).to_have_text("2 of 4")
    board.screenshot(path=str(artifacts_dir / "exam-e2e-1-board-2-of-4.png"), full_page=True)

    # Reload: the answers and the timer are kept; the board does not move. -----------------
    before = _seconds(countdown.inner_text())
    phone.reload()
    expect(phone.get_by_label("119")).to_be_checked()
    phone.locator("[data-nav]").nth(1).click()
    expect(phone.get_by_label("Carbon dioxide")).to_be_checked()
    expect(phone.get_by_label("Dry powder")).to_be_checked()
    expect(phone.get_by_label("Water")).not_to_be_checked()
    expect(phone.locator(".exam-progress")).to_contain_text("2 of 4 answered")
    after = _seconds(countdown.inner_text())
    assert before - 30 <= after <= before, (before, after)
    expect(row.locator('[data-cell="answered"]')).to_have_text("2 of 4")
    expect(row).to_have_attribute("data-state", "in_progress")

    # The rest: 4 of 4 on the board. --------------------------------------------------------
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Question 3 of 4")).to_be_visible()
    phone.get_by_label("True").check()
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(row.locator('[data-cell="answered"]')).to_have_text("3 of 4")
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label("Blank 1").fill("2")
    expect(save_state).to_have_attribute("data-state", "saved")
    expect(phone.locator(".exam-progress")).to_contain_text("4 of 4 answered")
    expect(row.locator('[data-cell="answered"]')).to_have_text("4 of 4")

    # Hand in: the board shows it graded, with the score. -----------------------------------
    phone.locator(".exam-question.current").get_by_role("link", name="Hand in").click()
    dialog = phone.locator("#hand-in-dialog")
    expect(dialog.locator("[data-unanswered-count]")).to_have_text("0")
    dialog.get_by_role("button", name="Hand in now").click()
    expect(phone.locator("#result-score")).to_have_text("20 of 20")
    expect(phone.locator("#result-passed")).to_have_text("Passed")

    expect(row).to_have_attribute("data-state", "graded")
    expect(row.locator('[data-cell="state"]')).to_have_text("Graded")
    expect(row.locator('[data-cell="answered"]')).to_have_text("")
    expect(row.locator('[data-cell="time"]')).to_have_text(re.compile(r"^Handed in at \d\d:\d\d$"))
    expect(row.locator('[data-cell="score"]')).to_have_text(re.compile(r"^20 of 20\s+passed$"))
    expect(board.locator('[data-count="graded"]').first).to_have_text("2")
    expect(board.locator('[data-count="not_started"]').first).to_have_text("1")
    board.screenshot(path=str(artifacts_dir / "exam-e2e-2-board-graded.png"), full_page=True)

    attempt = Attempt.objects.get(exam=exam, employee=trainee)
    assert (attempt.status, attempt.score, attempt.passed) == (
        AttemptStatus.GRADED,
        Decimal(20),
        True,
    )
    assert ExamResult.objects.filter(exam=exam).count() == 2

    # HR: the ranking, then the performance sheet. ------------------------------------------
    hr = contexts(DESKTOP_VIEWPORT).new_page()
    log_in(hr, base, "H100")
    hr.get_by_role("link", name="Exam results").click()
    hr.get_by_role("row", name=re.compile(EXAM_TITLE)).get_by_role("link", name="Ranking").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Ranking")
    ranking = hr.locator("#ranking-results tbody tr")
    expect(ranking).to_have_count(2)
    expect(ranking.nth(0)).to_contain_text("T301")
    expect(ranking.nth(0).locator("td").first).to_have_text("1")
    expect(ranking.nth(1)).to_contain_text("T302")
    expect(ranking.nth(1).locator("td").first).to_have_text("2")
    hr.screenshot(path=str(artifacts_dir / "exam-e2e-3-ranking.png"), full_page=True)

    with hr.expect_download() as download_info:
        hr.get_by_role("link", name="Download performance sheet (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.suggested_filename.startswith(EXAM_TITLE)
    sheet = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True).active
    rows = [list(cells) for cells in sheet.iter_rows(values_only=True)]
    assert rows[0] == PERFORMANCE_HEADER
    by_number = {r[0]: dict(zip(PERFORMANCE_HEADER, r, strict=True)) for r in rows[1:]}
    assert set(by_number) == {"T301", "T302", "T303"}
    mine = by_number["T301"]
    assert (mine["Name"], mine["Score"], mine["Rank"], mine["Passed"]) == (
        "Liu Wei",
        20,
        1,
        "Yes",
    )
    assert mine["Department"] == department.path
    assert (by_number["T302"]["Score"], by_number["T302"]["Rank"]) == (5, 2)
    assert by_number["T302"]["Passed"] == "No"
    assert by_number["T303"]["Rank"] is None and by_number["T303"]["Passed"] == "Did not sit"
    # Ranked rows first, best first.
    assert [r[0] for r in rows[1:]] == ["T301", "T302", "T303"]

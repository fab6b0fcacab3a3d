"""The question bank and a random paper in a real browser: the safety officer imports an
Excel bank with one bad row, reads the error, fixes the file, checks it (dry run) and
imports it, builds a random paper from two categories in the paper builder, saves it and
previews it as a candidate sees it (no key) and as the answer sheet.

Only the safety officer is made with a factory; every step goes through the real pages.
"""

import re

import pytest
from openpyxl import Workbook

from core.roles import Role
from exams.models import Paper, Question, QuestionCategory
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.browser

HEADER = ["Type", "Category", "Stem", "A", "B", "C", "D", "Answer", "Difficulty", "Explanation"]
FIRE = "Fire safety"
ELECTRICAL = "Electrical safety/Low voltage"

ROWS = [
    [
        "single",
        FIRE,
        "Which number reports a fire in China?",
        "110",
        "119",
        "120",
        "",
        "B",
        1,
        "119 is the fire emergency number.",
    ],
    [
        "multiple",
        FIRE,
        "Which extinguishers suit an electrical fire?",
        "Carbon dioxide",
        "Dry powder",
        "Water",
        "Foam",
        "AB",
        3,
        "Water and foam conduct electricity.",
    ],
    [
        "true_false",
        FIRE,
        "A fire door may be wedged open during a shift.",
        "",
        "",
        "",
        "",
        "F",
        1,
        "Fire doors must close by themselves.",
    ],
    [
        "single",
        FIRE,
        "What is the first thing to do when you discover a small fire?",
        "Raise the alarm",
        "Open the windows",
        "Take the lift down",
        "",
        "A",
        2,
        "Alarm first, then fight it if it is safe.",
    ],
    [
        "single",
        ELECTRICAL,
        "Who may work on a low-voltage switchboard?",
        "Any worker",
        "A certified electrician",
        "A welder",
        "",
        "B",
        2,
        "Electrical work needs a special-operation certificate.",
    ],
    [
        "fill_blank",
        ELECTRICAL,
        "The safe voltage for portable lamps in a wet place is ___ V.",
        "",
        "",
        "",
        "",
        "12",
        3,
        "GB 3805: 12 V in wet, confined places.",
    ],
    [
        "true_false",
        ELECTRICAL,
        "A switch being worked on is locked out and tagged.",
        "",
        "",
        "",
        "",
        "T",
        1,
        "Lockout-tagout prevents an unexpected start.",
    ],
    [
        "single",
        ELECTRICAL,
        "What colour is the protective earth conductor?",
        "Blue",
        "Green and yellow",
        "Brown",
        "",
        "B",
        1,
        "Green-yellow is the protective conductor.",
    ],
]
# Row 6 of the sheet (the fifth question): the answer names an option the row does not have.
BAD_ROW = 4
BAD_SHEET_ROW = BAD_ROW + 2
EXPLANATIONS = [row[9] for row in ROWS]


def bank_file(path, rows) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Questions"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def test_officer_imports_a_bank_and_previews_a_random_paper(
    live_server, phone_page, artifacts_dir, tmp_path
):
    from playwright.sync_api import expect

    page = phone_page
    officer = EmployeeFactory(roles=[Role.SAFETY_OFFICER], name="赵安全")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(officer.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # A bank whose fifth question names option E of three: nothing is written, the row is named.
    bad_rows = [list(row) for row in ROWS]
    bad_rows[BAD_ROW][7] = "E"
    page.goto(f"{live_server.url}/bank/import/")
    page.get_by_label("Question file").set_input_files(bank_file(tmp_path / "bank.xlsx", bad_rows))
    page.get_by_role("button", name="Check the file").click()
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("Nothing was written")
    bad_row = errors.locator("tbody tr")
    expect(bad_row).to_have_count(1)
    expect(bad_row.locator("td").nth(0)).to_have_text(str(BAD_SHEET_ROW))
    expect(bad_row.locator("td").nth(1)).to_have_text("Answer")
    page.screenshot(path=str(artifacts_dir / "bank-import-errors.png"), full_page=True)
    assert not Question.objects.exists()

    # The fixed file: the check (a dry run) lists what would be created, then the import.
    fixed = bank_file(tmp_path / "bank-fixed.xlsx", ROWS)
    page.get_by_label("Question file").set_input_files(fixed)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("8 questions would be created.")).to_be_visible()
    expect(page.locator(".import-errors")).to_have_count(0)
    assert not Question.objects.exists()
    page.get_by_role("button", name="Import 8 questions").click()
    expect(page.locator(".messages")).to_contain_text("8 questions were imported")
    assert Question.objects.count() == 8
    fire = QuestionCategory.objects.get(path=FIRE)
    electrical = QuestionCategory.objects.get(path="Electrical safety")

    # A random paper from two categories: 3 fire questions at 2 points, 3 electrical at 4.
    page.goto(f"{live_server.url}/papers/new/")
    page.get_by_label("Title").fill("Monthly safety quiz")
    page.get_by_role("button", name="Add draw rule").click()
    page.locator("select[name='rule-0-category']").select_option(str(fire.pk))
    page.locator("input[name='rule-0-count']").fill("3")
    page.locator("input[name='rule-0-points']").fill("2")
    # Too many for the bank: the rule's own line and the figures warn at once.
    page.get_by_role("button", name="Add draw rule").click()
    page.locator("select[name='rule-1-category']").select_option(str(electrical.pk))
    page.locator("input[name='rule-1-count']").fill("5")
    page.locator("input[name='rule-1-points']").fill("4")
    page.locator("input[name='rule-1-points']").press("Tab")
    expect(page.locator("#rule-2-figure")).to_contain_text(
        "Rule 2 asks for 5 questions but only 4 can be drawn"
    )
    expect(page.locator("#paper-figures .alert.warning")).to_be_visible()
    page.locator("input[name='rule-1-count']").fill("3")
    page.locator("input[name='rule-1-count']").press("Tab")
    expect(page.locator("[data-figure='total-points']")).to_have_text("18")
    expect(page.locator("[data-figure='question-count']")).to_have_text("6")
    expect(page.locator("#rule-1-figure")).to_contain_text(
        "4 questions match this rule; it can surely draw 4."
    )
    expect(page.locator("#rule-2-figure")).to_contain_text(
        "4 questions match this rule; it can surely draw 4."
    )
    expect(page.locator("#paper-figures .alert.warning")).to_have_count(0)
    # A fixed question found in the bank is added, moves the figures, and is removed again.
    page.get_by_label("Stem contains").fill("switchboard")
    results = page.locator("#bank-results tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("button", name="Add").click()
    expect(page.locator(".paper-item")).to_contain_text(
        "Who may work on a low-voltage switchboard?"
    )
    expect(page.locator("[data-figure='total-points']")).to_have_text("19")
    expect(page.locator("[data-figure='question-count']")).to_have_text("7")
    expect(page.locator("#bank-results")).to_contain_text("On the paper")
    page.get_by_role("button", name="Remove question 1").click()
    expect(page.locator(".paper-item")).to_have_count(0)
    expect(page.locator("[data-figure='total-points']")).to_have_text("18")
    # The builder fits a phone: nothing pushes the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=str(artifacts_dir / "paper-builder.png"), full_page=True)
    page.get_by_role("button", name="Save paper").click()
    expect(page).to_have_url(re.compile(r"/papers/$"))
    expect(page.locator(".messages")).to_contain_text("Monthly safety quiz")
    paper = Paper.objects.get(title="Monthly safety quiz")
    assert [(r.category_id, r.count) for r in paper.rules.order_by("position")] == [
        (fire.pk, 3),
        (electrical.pk, 3),
    ]

    # Preview: six questions as the candidate sees them, no key on the page.
    row = page.locator("tbody tr", has_text="Monthly safety quiz")
    expect(row.locator("td").nth(1)).to_have_text("6")
    expect(row.locator("td").nth(2)).to_have_text("18")
    row.get_by_role("link", name="Preview").click()
    expect(page).to_have_url(re.compile(rf"/papers/{paper.pk}/preview/"))
    questions = page.locator(".paper-question")
    expect(questions).to_have_count(6)
    expect(page.get_by_text("6 questions, 18 points in all.")).to_be_visible()
    html = page.content()
    for explanation in EXPLANATIONS:
        assert explanation not in html
    assert 'class="correct-option"' not in html
    assert 'class="answer-key"' not in html
    page.screenshot(path=str(artifacts_dir / "paper-preview-candidate.png"), full_page=True)

    # The answer sheet of the same sample shows the key and the explanations.
    shown = questions.locator(".stem").all_inner_texts()
    page.get_by_role("link", name="Answer sheet", exact=True).click()
    expect(page.locator(".answer-key").first).to_be_visible()
    assert page.locator(".paper-question .stem").all_inner_texts() == shown
    expect(
        page.locator(".paper-question .answer-key").filter(has_text="Explanation")
    ).to_have_count(6)
    page.screenshot(path=str(artifacts_dir / "paper-preview-key.png"), full_page=True)

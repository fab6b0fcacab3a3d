"""The safety officer's roster flow in a real browser: sign in, import a roster with a bad
row, fix it, import it, find the new employee, then switch the pages to Chinese."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.roles import Role
from people.models import Employee
from people.roster import COLUMNS
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.browser

# The Employees navigation label in Chinese; checked once the catalog is compiled.
EXPECTED_ZH_NAV = "员工"
ZH_CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"

GOOD_ROW = [
    "B2001",
    "孙立新",
    "Steel Works/Ironmaking/Blast furnace 2",
    "Furnace operator",
    "13912345678",
    "trainee",
    "Start-2026",
    "",
]
BAD_PHONE_ROW = [
    "B2002",
    "周海",
    "Steel Works/Ironmaking/Blast furnace 2",
    "Gas worker",
    "12345",
    "trainee",
    "Start-2026",
    "",
]


def roster_file(rows: list[list[str]]) -> dict:
    content = build_xlsx(
        sheet_title="Roster", header=[str(title) for title in COLUMNS.values()], rows=rows
    )
    return {"name": "roster.xlsx", "mimeType": XLSX_CONTENT_TYPE, "buffer": content}


def test_officer_imports_roster_finds_employee_and_switches_to_chinese(
    live_server, phone_page, artifacts_dir
):
    from playwright.sync_api import expect

    page = phone_page
    officer = EmployeeFactory(roles=[Role.SAFETY_OFFICER], name="赵安全")

    # Sign in on the login page with the real password.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(officer.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # Import a roster whose second employee (row 3) has a bad phone number.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Import roster"
    ).click()
    expect(page).to_have_url(re.compile(r"/people/employees/import/$"))
    page.get_by_label("Roster file (.xlsx)").set_input_files(roster_file([GOOD_ROW, BAD_PHONE_ROW]))
    page.get_by_role("button", name="Upload and import").click()
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("Nothing was written")
    bad_row = errors.locator("tbody tr")
    expect(bad_row).to_have_count(1)
    expect(bad_row.locator("td").nth(0)).to_have_text("3")
    expect(bad_row.locator("td").nth(1)).to_have_text("Phone")
    expect(bad_row.locator("td").nth(2)).to_contain_text("12345")
    page.screenshot(path=str(artifacts_dir / "roster-import-errors.png"), full_page=True)
    assert not Employee.objects.filter(employee_no__in=["B2001", "B2002"]).exists()

    # Fix the phone number and import again.
    fixed_row = [*BAD_PHONE_ROW[:4], "13700001111", *BAD_PHONE_ROW[5:]]
    page.get_by_label("Roster file (.xlsx)").set_input_files(roster_file([GOOD_ROW, fixed_row]))
    page.get_by_role("button", name="Upload and import").click()
    expect(page).to_have_url(re.compile(r"/people/employees/$"))
    expect(page.locator(".messages")).to_contain_text(
        "Roster imported: 2 created, 0 updated, 0 unchanged."
    )

    # Search the list (htmx swaps the results and updates the address).
    page.get_by_label("Search").fill("孙立新")
    expect(page).to_have_url(re.compile(r"q=%E5%AD%99"))
    results = page.locator("#employee-results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("B2001")
    expect(results.first).to_contain_text("Steel Works/Ironmaking/Blast furnace 2")
    # At phone width the table scrolls inside its box; the page itself does not.
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= page.viewport_size["width"]
    page.screenshot(path=str(artifacts_dir / "employee-search.png"), full_page=True)

    # Switch the pages to Chinese.
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".language-switch button[value='zh-hans']")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".language-switch button[value='en']")).to_have_attribute(
        "aria-pressed", "false"
    )
    # The search survives the switch: set_language returns to the address htmx pushed.
    expect(page.locator("#employee-results tbody tr")).to_have_count(1)
    if ZH_CATALOG.exists():
        expect(page.locator(".site-nav")).to_contain_text(EXPECTED_ZH_NAV)
    page.screenshot(path=str(artifacts_dir / "employees-zh-hans.png"), full_page=True)

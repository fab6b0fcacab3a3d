"""A whole training in a real browser, driven through the pages only.

The safety officer signs in, creates a course with its instructor, adds a module and uploads
a PDF, schedules a training for a department of three, adds two sessions, and creates and
issues the default questionnaire. A trainee of that department signs in on a phone, finds
the training, downloads the material and answers the questionnaire. The safety officer then
reads a feedback rate of 1 of 3 and sees the opening in the self-study progress table.

Only the people (a safety officer, an instructor, three trainees) are made with factories;
every step a user takes goes through the real pages.
"""

import datetime
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from core.pdf import text_document
from core.roles import Role
from courses.models import Enrollment, MaterialProgress, Questionnaire
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.browser

DESKTOP_VIEWPORT = {"width": 1280, "height": 900}

COURSE_TITLE = "Blast furnace gas safety"
MODULE_TITLE = "Gas poisoning and rescue"
MATERIAL_TITLE = "Gas safety handbook"
PDF_NAME = "gas-safety-handbook.pdf"
TRAINING_TITLE = "Blast furnace gas safety, spring class"
DEPARTMENT_NAME = "Blast furnace workshop"
TEMPLATE_TITLE = "Training effectiveness survey"
OPINION = "More practice with the gas detector, please."


@pytest.fixture
def migration_data(transactional_db):
    """The role groups and the default questionnaire template come from data migrations,
    and a live-server test before this one may have flushed them: make sure they exist."""
    for name in Role.values:
        Group.objects.get_or_create(name=name)
    migration = importlib.import_module("courses.migrations.0002_default_questionnaire")
    migration.create_default_template(django_apps, None)  # idempotent


@pytest.fixture
def desktop_page(chromium):
    """A fresh browser context (no cookies) showing a desktop-sized page in English."""
    context = chromium.new_context(viewport=DESKTOP_VIEWPORT, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def people(migration_data):
    department = DepartmentFactory(name=DEPARTMENT_NAME)
    trainees = [
        EmployeeFactory(
            roles=[Role.TRAINEE],
            employee_no=f"G10{n}",
            name=name,
            department=department,
            position="Gas worker",
        )
        for n, name in enumerate(["彭建军", "Liu Wei", "Zhang Min"], start=1)
    ]
    return {
        "officer": EmployeeFactory(roles=[Role.SAFETY_OFFICER], name="Zhao An"),
        "instructor": EmployeeFactory(roles=[Role.INSTRUCTOR], name="Wang Laoshi"),
        "department": department,
        "trainees": trainees,
    }


@pytest.fixture
def pdf_file(tmp_path):
    content = text_document(
        title=MATERIAL_TITLE,
        sections=[
            ("Hazards", ["Blast furnace gas is colourless, odourless and poisonous."]),
            ("Rescue", ["Never enter a gas area without a breathing apparatus."]),
        ],
    )
    path = tmp_path / PDF_NAME
    path.write_bytes(content)
    return path


def sign_in(page, base_url: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def field(scope, label: str):
    """The form field labelled exactly ``label`` (Django adds a colon to its labels)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))


def nav_link(page, name: str):
    return page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=name, exact=True
    )


def test_officer_runs_a_training_and_a_trainee_studies_and_answers(
    live_server, people, desktop_page, phone_page, pdf_file, artifacts_dir
):
    from playwright.sync_api import expect

    base = live_server.url
    officer = desktop_page
    instructor = people["instructor"]
    trainee = people["trainees"][0]
    first_day = timezone.localdate() + datetime.timedelta(days=1)
    last_day = first_day + datetime.timedelta(days=1)
    messages = officer.locator(".messages")

    # 1. The safety officer signs in and creates a course with the instructor. ------------
    sign_in(officer, base, people["officer"].user.username)
    nav_link(officer, "Courses").click()
    expect(officer).to_have_url(re.compile(r"/courses/$"))
    officer.get_by_role("link", name="New course").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("New course")
    officer.get_by_label("Title").fill(COURSE_TITLE)
    officer.get_by_label("Description").fill("Gas hazards of the blast furnace area.")
    officer.get_by_label("Hours").fill("16")
    officer.get_by_role("group", name="Instructors").get_by_label(
        re.compile(rf"^\s*{re.escape(instructor.name)} · ")
    ).check()
    officer.get_by_role("button", name="Create course").click()

    expect(officer).to_have_url(re.compile(r"/courses/\d+/$"))
    expect(officer.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    expect(messages).to_contain_text(f"Course “{COURSE_TITLE}” was created.")
    expect(officer.locator(".page-head .subtitle")).to_contain_text(instructor.name)

    # A module, then a real PDF as its material.
    new_module = officer.locator("#new-module")
    new_module.get_by_label("Title").fill(MODULE_TITLE)
    new_module.get_by_role("button", name="Add module").click()
    expect(messages).to_contain_text(f"Module “{MODULE_TITLE}” was added.")
    module_card = officer.locator("section.card[id^='module-']")
    expect(module_card).to_have_count(1)
    expect(module_card.get_by_role("heading", level=2)).to_have_text(f"1. {MODULE_TITLE}")

    module_id = module_card.get_attribute("id").removeprefix("module-")
    module_card.get_by_role("link", name="Add material").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Add material")
    expect(field(officer, "Module")).to_have_value(module_id)  # preselected by ?module=
    officer.get_by_label("Title").fill(MATERIAL_TITLE)
    officer.get_by_label("Kind").select_option(label="Manual")
    field(officer, "File").set_input_files(str(pdf_file))
    officer.get_by_role("button", name="Upload").click()

    expect(officer).to_have_url(re.compile(r"/courses/\d+/#module-\d+$"))
    expect(messages).to_contain_text(f"Material “{MATERIAL_TITLE}” was added.")
    material_row = officer.locator("tr[id^='material-']")
    expect(material_row).to_have_count(1)
    expect(material_row).to_contain_text(MATERIAL_TITLE)
    expect(material_row).to_contain_text(PDF_NAME)
    expect(material_row).to_contain_text("Version 1")
    officer.screenshot(path=str(artifacts_dir / "training-flow-1-course.png"), full_page=True)

    # 2. A training for the department, with two sessions. -------------------------------
    nav_link(officer, "Trainings").click()
    officer.get_by_role("link", name="New training").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("New training")
    field(officer, "Course").select_option(label=COURSE_TITLE)
    officer.get_by_label("Title").fill(TRAINING_TITLE)
    officer.get_by_label("First day").fill(first_day.isoformat())
    officer.get_by_label("Last day").fill(last_day.isoformat())
    officer.get_by_label("Location").fill("Training room 2")
    officer.get_by_role("group", name="Instructors").get_by_label(
        re.compile(rf"^\s*{re.escape(instructor.name)} · ")
    ).check()
    officer.get_by_label("Enrol departments").select_option(label=DEPARTMENT_NAME)
    officer.get_by_role("button", name="Create training").click()

    expect(officer).to_have_url(re.compile(r"/trainings/\d+/$"))
    expect(officer.get_by_role("heading", level=1)).to_have_text(TRAINING_TITLE)
    expect(messages).to_contain_text(f"Training “{TRAINING_TITLE}” was created.")
    expect(officer.locator("#trainee-list h2")).to_have_text("3 trainees")
    expect(officer.locator("#timetable")).to_contain_text("No session is scheduled yet.")
    training_url = officer.url

    sessions = [
        ("Gas hazards and detectors", first_day, "09:00", "11:30"),
        ("Rescue drill with breathing apparatus", last_day, "14:00", "16:00"),
    ]
    for topic, day, starts, ends in sessions:
        officer.get_by_role("link", name="Add session").click()
        expect(officer.get_by_role("heading", level=1)).to_have_text("New session")
        officer.get_by_label("Topic").fill(topic)
        officer.get_by_label("Starts at").fill(f"{day.isoformat()}T{starts}")
        officer.get_by_label("Ends at").fill(f"{day.isoformat()}T{ends}")
        field(officer, "Instructor").select_option(label=instructor.name)
        officer.get_by_role("button", name="Add session").click()
        expect(officer).to_have_url(training_url)
        expect(messages).to_contain_text("The session was added to the timetable.")

    timetable_rows = officer.locator("#timetable tbody tr")
    expect(timetable_rows).to_have_count(2)
    for row, (topic, day, starts, ends) in zip(timetable_rows.all(), sessions, strict=True):
        expect(row).to_contain_text(topic)
        expect(row).to_contain_text(day.isoformat())
        expect(row).to_contain_text(f"{starts}–{ends}")
        expect(row).to_contain_text(instructor.name)
    officer.screenshot(path=str(artifacts_dir / "training-flow-2-training.png"), full_page=True)

    # 3. The default questionnaire, created and issued from the training's page. ----------
    officer.get_by_role("link", name="Questionnaires", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        f"Questionnaires: {TRAINING_TITLE}"
    )
    expect(officer.get_by_text("This training has no questionnaire yet.")).to_be_visible()
    expect(officer.get_by_label(TEMPLATE_TITLE)).to_be_checked()
    officer.get_by_role("button", name="Create questionnaire").click()

    expect(officer).to_have_url(re.compile(r"/questionnaires/\d+/edit/$"))
    expect(messages).to_contain_text(f"Questionnaire “{TEMPLATE_TITLE}” was created.")
    expect(officer.locator(".page-head .subtitle")).to_contain_text("Draft: not issued yet")
    expect(officer.locator("#questions ol.q-list > li")).to_have_count(5)
    issue = officer.locator("#issue")
    expect(issue).to_contain_text("Issue it to the 3 trainees enrolled in the training")
    issue.get_by_role("button", name="Issue to trainees").click()

    expect(officer).to_have_url(re.compile(r"/trainings/\d+/questionnaires/$"))
    expect(messages).to_contain_text("The questionnaire was issued to 3 more trainees.")
    questionnaire_row = officer.locator("table.data tbody tr")
    expect(questionnaire_row).to_have_count(1)
    expect(questionnaire_row.locator("td").nth(1)).to_have_text("Open")
    expect(questionnaire_row.locator("td").nth(3)).to_have_text("3")  # issued
    expect(questionnaire_row.locator("td").nth(4)).to_have_text("0")  # returned
    questionnaires_url = officer.url

    # 4. A trainee of the department, on a phone. ---------------------------------------
    phone = phone_page
    sign_in(phone, base, trainee.user.username)
    my_trainings = phone.locator("#my-trainings")
    expect(my_trainings.locator("li.card")).to_have_count(1)
    card = my_trainings.locator("li.card")
    expect(card.get_by_role("heading", level=3)).to_have_text(TRAINING_TITLE)
    expect(card.locator("ul.timetable li")).to_have_count(2)
    expect(card.locator("ul.timetable")).to_contain_text(sessions[0][0])
    expect(card.locator("ul.timetable")).to_contain_text(sessions[1][0])
    expect(my_trainings.locator(".alert")).to_contain_text(TEMPLATE_TITLE)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=str(artifacts_dir / "training-flow-3-trainee-home.png"), full_page=True)

    # My trainings -> the training -> Study materials.
    nav_link(phone, "My trainings").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My trainings")
    phone.get_by_role("link", name=TRAINING_TITLE).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TRAINING_TITLE)
    expect(phone.locator("#timetable tbody tr")).to_have_count(2)
    expect(phone.locator("#my-status")).to_contain_text(TEMPLATE_TITLE)
    phone.get_by_role("link", name="Study materials").click()
    expect(phone).to_have_url(re.compile(r"/trainings/\d+/study/$"))
    expect(phone.locator("#study-summary")).to_contain_text("You opened 0 of 1 material.")
    material_item = phone.locator("#study li[id^='material-']")
    expect(material_item).to_contain_text(MATERIAL_TITLE)
    expect(material_item.locator("[id^='progress-']")).to_contain_text("Not opened yet")

    with phone.expect_download() as download_info:
        material_item.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == PDF_NAME
    downloaded = download.path().read_bytes()
    assert downloaded == pdf_file.read_bytes()
    assert downloaded.startswith(b"%PDF-")

    enrollment = Enrollment.objects.get(training__title=TRAINING_TITLE, employee=trainee)
    progress = MaterialProgress.objects.get(enrollment=enrollment)
    assert progress.material.title == MATERIAL_TITLE
    assert progress.times_opened == 1
    phone.reload()
    expect(phone.locator("#study-summary")).to_contain_text("You opened 1 of 1 material.")
    expect(material_item.locator("[id^='progress-']")).to_contain_text("Opened once, last on")
    phone.screenshot(path=str(artifacts_dir / "training-flow-4-trainee-study.png"), full_page=True)

    # Answer the questionnaire: rating buttons, a choice, options and an opinion.
    nav_link(phone, "Questionnaires").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My questionnaires")
    phone.get_by_role("link", name="Answer now").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TEMPLATE_TITLE)

    def question(text: str):
        return phone.get_by_role("group", name=re.compile(re.escape(text)))

    useful = question("The content was useful for my work")
    useful.locator("label", has_text=re.compile(r"^4$")).click()
    expect(useful.get_by_role("radio", name="4", exact=True)).to_be_checked()
    clear = question("The instructor explained clearly")
    clear.locator("label", has_text=re.compile(r"^5$")).click()
    expect(clear.get_by_role("radio", name="5", exact=True)).to_be_checked()
    question("The time was enough").get_by_label("About right").check()
    helped = question("Which parts helped you most?")
    helped.get_by_label("Accident case analysis").check()
    helped.get_by_label("Emergency rescue").check()
    phone.get_by_label("What should change?").fill(OPINION)
    phone.screenshot(path=str(artifacts_dir / "training-flow-5-trainee-answer.png"), full_page=True)
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone).to_have_url(re.compile(r"/questionnaires/\d+/answer/\?thanks=1$"))
    thanks = phone.locator("#thanks")
    expect(thanks.get_by_role("heading", level=2)).to_have_text("Thank you for your feedback!")
    phone.screenshot(path=str(artifacts_dir / "training-flow-6-trainee-thanks.png"), full_page=True)
    questionnaire = Questionnaire.objects.get(training__title=TRAINING_TITLE)
    assert questionnaire.recipients.filter(employee=trainee, responded_at__isnull=False).exists()

    # 5. The safety officer reads the feedback and the self-study progress. -------------
    officer.goto(questionnaires_url)
    expect(questionnaire_row.locator("td").nth(3)).to_have_text("3")  # issued
    expect(questionnaire_row.locator("td").nth(4)).to_have_text("1")  # returned
    expect(questionnaire_row.locator("td").nth(5)).to_have_text("33.3%")
    questionnaire_row.get_by_role("link", name="Results").click()

    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Results: {TEMPLATE_TITLE}")
    feedback = officer.locator("#feedback")
    expect(feedback.locator("#feedback-sentence")).to_have_text("1 of 3 returned, 33.3%")
    expect(feedback).to_contain_text("2 trainees have not answered yet")
    expect(officer.locator(".q-opinions")).to_contain_text(OPINION)
    useful_result = officer.locator("section.card", has_text="The content was useful for my work")
    expect(useful_result).to_contain_text("Average 4")
    officer.screenshot(path=str(artifacts_dir / "training-flow-7-results.png"), full_page=True)

    officer.goto(training_url)
    officer.get_by_role("link", name="Self-study progress").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Self-study progress")
    summary_row = officer.locator("section.card table tbody tr")
    expect(summary_row).to_have_count(1)
    expect(summary_row).to_contain_text(MATERIAL_TITLE)
    expect(summary_row.locator("td").nth(3)).to_contain_text("1 of 3")
    progress_rows = officer.locator("#progress-results tbody tr")
    expect(progress_rows).to_have_count(3)
    trainee_row = progress_rows.filter(has_text=trainee.employee_no)
    expect(trainee_row.locator("td").nth(4)).to_have_text("1 of 1")  # opened
    expect(trainee_row.locator("td").nth(5)).to_contain_text("once")
    for other in people["trainees"][1:]:
        other_row = progress_rows.filter(has_text=other.employee_no)
        expect(other_row.locator("td").nth(4)).to_have_text("0 of 1")
    officer.screenshot(path=str(artifacts_dir / "training-flow-8-progress.png"), full_page=True)

"""The safety officer's question-bank pages: the browser with its tree, search and exports,
categories, the editor with its live check, detail and history, delete or retire, and the
two-step import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from PIL import Image

from exams.models import Question, QuestionCategory, QuestionVersion
from exams.services.questions import question_versions_mark_used, questions_bulk_create
from tests.exams.factories import category, make_question, single_input

pytestmark = pytest.mark.django_db

LIST = "/bank/"
NEW = "/bank/questions/new/"
VALIDATE = "/bank/questions/validate/"
IMPORT = "/bank/import/"
CATEGORIES = "/bank/categories/"


def single_post(category_pk: int, stem: str = "Which number reports a fire?", **extra) -> dict:
    """The editor's fields for a single-choice question with B correct."""
    data = {
        "type": "single",
        "category": category_pk,
        "stem": stem,
        "option_a": "110",
        "option_b": "119",
        "option_c": "120",
        "correct_b": "on",
        "explanation": "119 is the fire number.",
        "difficulty": "2",
        "tags": "fire, emergency",
        "is_active": "on",
    }
    data.update(extra)
    return data


def png_upload(name: str = "stem.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Who may open the pages ----------------------------------------------------------------------


def _urls() -> list[str]:
    question = make_question("Fire safety/Extinguishers")
    empty = category("Empty")
    return [
        LIST,
        reverse("question_export_xlsx"),
        reverse("question_export_xml"),
        CATEGORIES,
        reverse("question_category_edit", args=[empty.pk]),
        reverse("question_category_delete", args=[empty.pk]),
        NEW,
        reverse("question_detail", args=[question.pk]),
        reverse("question_edit", args=[question.pk]),
        reverse("question_delete", args=[question.pk]),
        IMPORT,
        reverse("question_import_template"),
    ]


def test_every_page_opens_for_the_safety_officer(officer_client):
    for url in _urls():
        response = officer_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role_client", ["trainee_client", "instructor_client", "hr_client"])
def test_other_roles_get_403(request, role_client):
    client = request.getfixturevalue(role_client)
    for url in _urls():
        assert client.get(url).status_code == 403, url
    assert client.post(VALIDATE, {"type": "single"}).status_code == 403
    assert client.get(reverse("question_image", args=[1])).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_the_officer_sees_the_bank_in_the_navigation(officer_client, trainee_client):
    assert f'href="{LIST}"' in officer_client.get("/").content.decode()
    assert f'href="{LIST}"' not in trainee_client.get("/").content.decode()


# The bank browser ----------------------------------------------------------------------------


def test_rows_show_what_the_officer_needs(officer_client):
    question = make_question("Fire safety/Extinguishers", tags=["fire", "night shift"])
    response = officer_client.get(LIST)
    text = response.content.decode()
    assert [q.pk for q in response.context["page"]] == [question.pk]
    assert "Fire safety/Extinguishers" in text
    assert question.current_version.stem in text
    assert '<span class="tag">night shift</span>' in text
    assert "Single choice" in text
    assert reverse("question_create") in text
    assert reverse("question_import") in text
    assert reverse("question_import_template") in text
    # The tree with its counts (with sub-categories).
    assert [node.total_count for node in response.context["tree"]] == [1, 1]


def test_search_by_text_tag_type_difficulty_and_state(officer_client):
    fire = make_question("Fire", data=single_input("Where is the hydrant?", tags=["hydrant"]))
    make_question("Fire", data=single_input("Who calls 119?", difficulty=5))
    retired = make_question("Fire", data=single_input("Old question"))
    Question.objects.filter(pk=retired.pk).update(retired_at="2024-01-01T00:00Z", is_active=False)

    def ids(**query) -> list[int]:
        return [q.pk for q in officer_client.get(LIST, query).context["page"]]

    assert ids(q="HYDRANT") == [fire.pk]
    assert ids(tag="hydrant") == [fire.pk]
    assert len(ids(difficulty="5")) == 1
    assert ids(type="multiple") == []
    assert ids(state="retired") == [retired.pk]
    assert len(ids(state="all")) == 3
    assert len(ids()) == 2


def test_category_filter_with_and_without_sub_categories(officer_client):
    top = make_question("Electrical")
    low = make_question("Electrical/Low voltage")
    electrical = QuestionCategory.objects.get(path="Electrical")

    def ids(**query) -> set[int]:
        return {q.pk for q in officer_client.get(LIST, query).context["page"]}

    assert ids(category=electrical.pk) == {top.pk, low.pk}
    # A submitted form without the box ticked: only the category itself.
    assert ids(category=electrical.pk, searched="1") == {top.pk}
    assert ids(category=electrical.pk, searched="1", sub="on") == {top.pk, low.pk}
    # A category that no longer exists is ignored, not a 500.
    assert ids(category="999999") == {top.pk, low.pk}


def test_htmx_gets_the_results_with_the_tree_out_of_band(officer_client):
    make_question("Fire")
    fire = QuestionCategory.objects.get(path="Fire")
    response = officer_client.get(LIST, {"category": fire.pk}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "<html" not in text
    assert 'id="category-tree" hx-swap-oob="innerHTML"' in text
    assert f'id="bank-filter-category" value="{fire.pk}" hx-swap-oob="true"' in text
    assert response["Vary"].count("HX-Request") == 1


def test_paging_keeps_the_filters(officer_client):
    data = [(category("Fire"), single_input(f"Question {n}?")) for n in range(30)]
    with transaction.atomic():
        questions_bulk_create(actor=None, items=data, audit_action="question.imported")
    response = officer_client.get(LIST, {"q": "Question", "page": "2"})
    assert len(response.context["page"]) == 5
    assert "q=Question&amp;page=1" in response.content.decode()


def _bulk(count: int, path: str = "Fire safety/Extinguishers") -> None:
    target = category(path)
    with transaction.atomic():
        questions_bulk_create(
            actor=None,
            items=[(target, single_input(f"Bulk question {path} {n}?")) for n in range(count)],
            audit_action="question.imported",
        )


def test_the_bank_page_costs_the_same_queries_for_10_and_1000_questions(officer_client):
    officer_client.get(LIST)  # session and first-use caches warmed
    _bulk(10)
    with CaptureQueriesContext(connection) as ten:
        assert officer_client.get(LIST).status_code == 200
    _bulk(990, "Electrical safety/Low voltage")
    assert Question.objects.count() == 1000
    with CaptureQueriesContext(connection) as thousand:
        response = officer_client.get(LIST)
    assert response.context["page"].paginator.count == 1000
    assert len(thousand.captured_queries) == len(ten.captured_queries)
    # The same for the htmx partial, with a filter.
    query = {"q": "Bulk", "tag": "", "searched": "1", "sub": "on"}
    with CaptureQueriesContext(connection) as partial:
        officer_client.get(LIST, query, headers={"HX-Request": "true"})
    assert len(partial.captured_queries) <= len(thousand.captured_queries) + 1


# Exports -------------------------------------------------------------------------------------


def test_export_to_excel_follows_the_filters(officer_client):
    make_question("Fire", data=single_input("Fire question?"))
    make_question("Gas", data=single_input("Gas question?"))
    gas = QuestionCategory.objects.get(path="Gas")
    response = officer_client.get(reverse("question_export_xlsx"), {"category": gas.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    stems = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert stems == ["Gas question?"]


def test_export_to_moodle_xml(officer_client):
    make_question("Fire", data=single_input("Fire question?"))
    response = officer_client.get(reverse("question_export_xml"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"<quiz" in response.content
    assert b"Fire question?" in response.content


def test_template_download(officer_client):
    response = officer_client.get(reverse("question_import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(response.content)).active.max_row >= 6


# Categories ----------------------------------------------------------------------------------


def test_create_rename_move_and_delete_a_category(officer_client):
    response = officer_client.post(CATEGORIES, {"name": "Fire safety", "parent": ""})
    assert response.status_code == 302
    fire = QuestionCategory.objects.get(path="Fire safety")
    officer_client.post(CATEGORIES, {"name": "Hydrants", "parent": fire.pk})
    hydrants = QuestionCategory.objects.get(path="Fire safety/Hydrants")

    officer_client.post(
        reverse("question_category_edit", args=[fire.pk]), {"name": "Fire", "parent": ""}
    )
    hydrants.refresh_from_db()
    assert hydrants.path == "Fire/Hydrants"

    electrical = category("Electrical")
    officer_client.post(
        reverse("question_category_edit", args=[hydrants.pk]),
        {"name": "Hydrants", "parent": electrical.pk},
    )
    hydrants.refresh_from_db()
    assert hydrants.path == "Electrical/Hydrants"

    response = officer_client.post(reverse("question_category_delete", args=[hydrants.pk]))
    assert response.status_code == 302
    assert not QuestionCategory.objects.filter(pk=hydrants.pk).exists()


def test_category_refusals_are_shown_on_the_form(officer_client):
    fire = category("Fire")
    response = officer_client.post(CATEGORIES, {"name": "Fire", "parent": ""})
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors)
    response = officer_client.post(CATEGORIES, {"name": "A/B", "parent": ""})
    assert response.context["form"].errors["name"]
    child = category("Fire/Hydrants")
    response = officer_client.post(
        reverse("question_category_edit", args=[fire.pk]), {"name": "Fire", "parent": child.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]

    make_question("Fire/Hydrants")
    response = officer_client.post(reverse("question_category_delete", args=[child.pk]))
    assert response.status_code == 200
    assert "still has questions" in response.content.decode()
    assert QuestionCategory.objects.filter(pk=child.pk).exists()


# The editor ----------------------------------------------------------------------------------


def test_create_a_single_choice_question(officer_client, safety_officer):
    fire = category("Fire")
    response = officer_client.post(NEW, single_post(fire.pk))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("question_detail", args=[question.pk])
    version = question.current_version
    assert version.stem == "Which number reports a fire?"
    assert [(o.text, o.correct) for o in version.options.all()] == [
        ("110", False),
        ("119", True),
        ("120", False),
    ]
    assert question.tag_list == ["fire", "emergency"]
    assert question.difficulty == 2
    assert question.created_by == safety_officer.user


def test_each_type_reads_only_its_own_fields(officer_client):
    fire = category("Fire")
    # Leftovers of the other types' sections (hidden by the page's script) are ignored.
    common = {"option_a": "x", "correct_a": "on", "blanks": "x", "true_false": "true"}
    for fields in (
        {"type": "fill_blank", "blanks": "119\n120；one two zero\n", "numeric_tolerance": "0.5"},
        {"type": "true_false", "true_false": "false", "blanks": ""},
        {"type": "short_answer", "reference_answer": "Pull, aim, squeeze, sweep."},
    ):
        data = {**common, "category": fire.pk, "difficulty": "3", "stem": fields["type"], **fields}
        assert officer_client.post(NEW, data).status_code == 302
    blank, truth, essay = (q.current_version for q in Question.objects.order_by("id"))
    assert blank.blanks == [["119"], ["120", "one two zero"]]
    assert str(blank.numeric_tolerance) == "0.5000"
    assert not blank.options.exists()
    assert [(o.text, o.correct) for o in truth.options.all()] == [
        ("True", False),
        ("False", True),
    ]
    assert not Question.objects.get(current_version=truth).is_active  # box not ticked
    assert essay.reference_answer == "Pull, aim, squeeze, sweep."
    assert not essay.options.exists() and essay.blanks == []


@pytest.mark.parametrize(
    "change",
    [
        {"stem": "   "},
        {"correct_a": "on"},  # two correct options in a single choice
        {"option_b": "", "correct_b": ""},  # an empty option between two others
        {"numeric_tolerance": "abc", "type": "fill_blank"},
        {"type": "bogus"},
        {"difficulty": "9"},
        {"category": "999999"},
        {"tags": "x" * 41},
    ],
)
def test_bad_input_reshows_the_form_with_errors(officer_client, change):
    fire = category("Fire")
    response = officer_client.post(NEW, single_post(fire.pk, **change))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Please correct the errors below." in response.content.decode()
    assert not Question.objects.exists()


def test_a_duplicate_is_refused_on_the_stem(officer_client):
    fire = category("Fire")
    officer_client.post(NEW, single_post(fire.pk))
    response = officer_client.post(NEW, single_post(fire.pk))
    assert response.status_code == 200
    assert "already has this stem" in str(response.context["form"].errors["stem"])
    assert Question.objects.count() == 1


def test_editor_starts_with_the_current_content(officer_client):
    question = make_question("Fire", data=single_input("Stem?", correct=2, tags=["a", "b"]))
    form = officer_client.get(reverse("question_edit", args=[question.pk])).context["form"]
    assert form.initial["stem"] == "Stem?"
    assert form.initial["option_c"] == "Option C"
    assert form.initial["correct_c"] is True
    assert form.initial["tags"] == "a, b"
    assert "remove_image" not in form.fields


def test_editing_an_unused_question_changes_it_in_place(officer_client):
    fire = category("Fire")
    officer_client.post(NEW, single_post(fire.pk))
    question = Question.objects.get()
    response = officer_client.post(
        reverse("question_edit", args=[question.pk]),
        single_post(fire.pk, stem="Which number reports a fire in China?"),
        follow=True,
    )
    question.refresh_from_db()
    assert question.versions.count() == 1
    assert question.current_version.stem == "Which number reports a fire in China?"
    assert f"Question #{question.pk} was saved." in messages_of(response)


def test_editing_a_used_question_makes_a_new_version(officer_client):
    fire = category("Fire")
    officer_client.post(NEW, single_post(fire.pk))
    question = Question.objects.get()
    first = question.current_version
    question_versions_mark_used(version_ids=[first.pk])

    response = officer_client.post(
        reverse("question_edit", args=[question.pk]),
        single_post(fire.pk, correct_b="", correct_c="on"),
        follow=True,
    )
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert [o.correct for o in question.current_version.options.all()] == [False, False, True]
    first.refresh_from_db()
    assert [o.correct for o in first.options.all()] == [False, True, False]
    assert "Question was shown in an attempt: saved as version 2." in messages_of(response)

    detail = response.content.decode()
    assert "Yes, first on" in detail
    assert "Not yet" in detail


def test_image_upload_view_and_remove(officer_client):
    fire = category("Fire")
    officer_client.post(NEW, {**single_post(fire.pk), "image": png_upload()})
    question = Question.objects.get()
    version = question.current_version
    assert version.image
    response = officer_client.get(reverse("question_image", args=[version.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    edit_url = reverse("question_edit", args=[question.pk])
    assert "remove_image" in officer_client.get(edit_url).context["form"].fields

    officer_client.post(edit_url, single_post(fire.pk, remove_image="on"))
    question.refresh_from_db()
    assert not question.current_version.image
    assert officer_client.get(reverse("question_image", args=[version.pk])).status_code == 404


def test_a_file_that_is_not_a_picture_is_refused_on_the_image_field(officer_client):
    fire = category("Fire")
    svg = SimpleUploadedFile("stem.svg", b"<svg onload='alert(1)'/>", content_type="image/svg")
    response = officer_client.post(NEW, {**single_post(fire.pk), "image": svg})
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not Question.objects.exists()


def test_editing_a_retired_question_is_refused(officer_client):
    question = make_question("Fire")
    Question.objects.filter(pk=question.pk).update(retired_at="2024-01-01T00:00Z")
    url = reverse("question_edit", args=[question.pk])
    assert "retired" in officer_client.get(url).content.decode()
    response = officer_client.post(url, single_post(question.category_id))
    assert response.status_code == 200
    assert "cannot be edited" in response.content.decode()


def test_unknown_question_is_404(officer_client):
    for name in ("question_detail", "question_edit", "question_delete", "question_image"):
        assert officer_client.get(reverse(name, args=[999999])).status_code == 404


# Live check ----------------------------------------------------------------------------------


def test_live_check_names_two_correct_options_in_a_single_choice(officer_client):
    fire = category("Fire")
    response = officer_client.post(
        VALIDATE, single_post(fire.pk, correct_a="on"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text
    assert "exactly one correct option; this one has 2" in text
    assert not Question.objects.exists()


def test_live_check_reports_unreadable_fields_once_and_passes_a_good_question(officer_client):
    fire = category("Fire")
    text = officer_client.post(
        VALIDATE, {"type": "fill_blank", "stem": "", "numeric_tolerance": "abc"}
    ).content.decode()
    assert "The stem is empty." in text
    assert "needs at least one blank" in text
    assert "Enter a number." in text
    assert "This field is required." in text  # the category

    text = officer_client.post(VALIDATE, single_post(fire.pk)).content.decode()
    assert "The question looks right." in text


def test_live_check_refuses_get(officer_client):
    assert officer_client.get(VALIDATE).status_code == 405


def test_the_editor_posts_to_the_live_check(officer_client):
    category("Fire")
    text = officer_client.get(NEW).content.decode()
    assert f'hx-post="{VALIDATE}"' in text
    assert 'hx-trigger="input delay:400ms"' in text
    assert 'id="question-check"' in text


# Detail and delete ---------------------------------------------------------------------------


def test_detail_shows_the_key_explanation_and_history(officer_client, safety_officer):
    fire = category("Fire")
    officer_client.post(NEW, single_post(fire.pk))
    question = Question.objects.get()
    response = officer_client.get(reverse("question_detail", args=[question.pk]))
    text = response.content.decode()
    assert "119 is the fire number." in text
    assert '119 <span class="status ok">correct</span>' in text
    assert [v.number for v in response.context["history"]] == [1]
    assert safety_officer.user.get_username() in text  # who wrote the version


def test_deleting_an_unused_question_deletes_it(officer_client):
    question = make_question("Fire")
    url = reverse("question_delete", args=[question.pk])
    assert "Delete question" in officer_client.get(url).content.decode()
    response = officer_client.post(url, follow=True)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert f"Question #{question.pk} was deleted." in messages_of(response)


def test_deleting_a_used_question_retires_it(officer_client):
    question = make_question("Fire")
    question_versions_mark_used(version_ids=[question.current_version_id])
    response = officer_client.post(reverse("question_delete", args=[question.pk]), follow=True)
    question.refresh_from_db()
    assert question.is_retired and not question.is_active
    assert QuestionVersion.objects.filter(question=question).exists()
    assert "it was retired, not deleted" in messages_of(response)[0]


# Import --------------------------------------------------------------------------------------

HEADER = ["Type", "Category", "Stem", "A", "B", "C", "D", "Answer", "Difficulty", "Explanation"]
GOOD_ROWS = [
    ["single", "Fire/Calls", "Which number reports a fire?", "110", "119", "120", "", "B", 1, ""],
    ["multiple", "Electrical", "Which extinguishers suit?", "CO2", "Powder", "Water", "", "AB", 3],
    ["true_false", "Work at height", "Hook high, work low.", "", "", "", "", "T", 2, "Yes."],
]


def workbook(rows: list[list], name: str = "bank.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_import_page_links_the_template(officer_client):
    text = officer_client.get(IMPORT).content.decode()
    assert reverse("question_import_template") in text
    assert 'enctype="multipart/form-data"' in text


def test_import_dry_run_then_confirm(officer_client, safety_officer):
    make_question("Fire/Calls", data=single_input("Already in the bank?"))
    options = [f"Option {letter}" for letter in "ABCD"]
    rows = [*GOOD_ROWS, ["single", "Fire/Calls", "Already in the bank?", *options, "A", 3]]

    response = officer_client.post(IMPORT, {"file": workbook(rows), "format": ""})

    assert response.status_code == 200
    assert Question.objects.count() == 1  # the dry run wrote nothing
    text = response.content.decode()
    result = response.context["result"]
    assert not result.errors
    assert len(response.context["preview"]) == 3
    assert "Which extinguishers suit?" in text
    assert len(result.duplicates) == 1
    assert "Electrical" in text and "Work at height" in text  # categories to create
    assert "Import 3 questions" in text
    token = response.context["confirm"]["token"].value()

    response = officer_client.post(IMPORT, {"token": token}, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert Question.objects.count() == 4
    assert QuestionCategory.objects.filter(path="Work at height").exists()
    assert any("3 questions were imported" in m for m in messages_of(response))
    # The kept file is gone: confirming again writes nothing more.
    response = officer_client.post(IMPORT, {"token": token})
    assert "Please upload it again." in response.content.decode()
    assert Question.objects.count() == 4


def test_import_with_a_bad_row_shows_the_errors_and_writes_nothing(officer_client):
    rows = [*GOOD_ROWS[:2], ["single", "Fire", "Two answers?", "a", "b", "c", "", "AC", 2]]
    response = officer_client.post(IMPORT, {"file": workbook(rows)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was written." in text
    errors = response.context["result"].errors
    assert [error.row for error in errors] == [4]
    assert '<td class="num">4</td>' in text
    assert response.context["confirm"] is None
    assert "Import 2 questions" not in text
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


def test_import_refuses_a_file_that_is_not_xlsx_but_named_so(officer_client):
    bogus = SimpleUploadedFile("bank.xlsx", b"not a workbook")
    response = officer_client.post(IMPORT, {"file": bogus})
    assert response.status_code == 200
    assert response.context["confirm"] is None or response.context["result"].errors
    assert not Question.objects.exists()


def test_import_without_a_file_reshows_the_form(officer_client):
    response = officer_client.post(IMPORT, {"format": "xlsx"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_another_user_cannot_confirm_the_officers_upload(officer_client, admin_user, client):
    response = officer_client.post(IMPORT, {"file": workbook(GOOD_ROWS)})
    token = response.context["confirm"]["token"].value()
    client.force_login(admin_user)
    response = client.post(IMPORT, {"token": token})
    assert response.status_code == 200
    assert "Please upload it again." in response.content.decode()
    assert not Question.objects.exists()


def test_a_made_up_token_is_refused(officer_client):
    response = officer_client.post(IMPORT, {"token": "made-up"})
    assert response.status_code == 200
    assert "Please upload it again." in response.content.decode()


MOODLE_WITH_MATCHING = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Gas</text></category></question>
  <question type="truefalse">
    <name><text>Gas smell</text></name>
    <questiontext format="html"><text>Open the windows when you smell gas.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="matching">
    <name><text>Match the signs</text></name>
    <questiontext format="html"><text>Match them.</text></questiontext>
  </question>
</quiz>
"""


def test_unsupported_items_wait_for_the_officers_confirmation(officer_client):
    upload = SimpleUploadedFile("moodle-export.xml", MOODLE_WITH_MATCHING)
    response = officer_client.post(IMPORT, {"file": upload, "format": "moodle_xml"})
    text = response.content.decode()
    assert "Match the signs" in text
    assert "Skip them and import the rest" in text
    token = response.context["confirm"]["token"].value()

    response = officer_client.post(IMPORT, {"token": token})
    assert response.status_code == 200
    assert response.context["confirm"].errors["confirm_unsupported"]
    assert not Question.objects.exists()

    response = officer_client.post(IMPORT, {"token": token, "confirm_unsupported": "on"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.category.path == "Gas"
    assert question.type == "true_false"


def test_the_format_select_overrides_the_file_name(officer_client):
    gift = b"::Exits:: Fire exits may be locked during a shift. {FALSE}\n"
    response = officer_client.post(
        IMPORT, {"file": SimpleUploadedFile("bank.dat", gift), "format": ""}
    )
    assert response.context["result"].errors  # the file name says nothing
    assert response.context["confirm"] is None
    response = officer_client.post(
        IMPORT, {"file": SimpleUploadedFile("bank.dat", gift), "format": "gift"}
    )
    assert not response.context["result"].errors
    assert [row["stem"] for row in response.context["preview"]] == [
        "Fire exits may be locked during a shift."
    ]


def test_an_oversized_upload_is_refused_on_the_file_field(officer_client, settings):
    settings.MAX_UPLOAD_SIZE = 100
    response = officer_client.post(IMPORT, {"file": workbook(GOOD_ROWS)})
    assert response.status_code == 200
    assert "it was not stored" in str(response.context["form"].errors["file"])
    assert response.context["result"] is None

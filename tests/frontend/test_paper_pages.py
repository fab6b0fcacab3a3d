"""The paper pages: the list, the builder (fixed questions, draw rules, live figures, plain
form round trips), the preview as the candidate sees it and as the answer sheet, the PDFs."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from exams.models import Paper, PaperItem, PaperRule, Question
from exams.selectors.papers import RuleSpec
from exams.services.papers import ItemSpec, paper_create
from tests.exams.factories import category, every_type_inputs, make_question, make_questions

pytestmark = pytest.mark.django_db

LIST = reverse("paper_list")
NEW = reverse("paper_create")

# What only the answer sheet may show, taken from every_type_inputs().
KEY_TEXTS = [
    "119 is the fire emergency number.",  # an explanation
    "Water and foam conduct electricity.",
    "2 / two",  # a blank's accepted answers
    "Permit, isolate, ventilate, test the air, attendant outside.",  # a reference answer
    'class="correct-option"',
    "(correct)",
]


def rule_fields(number: int, *, category_id, count, points="2", subcategories=True, **extra):
    fields = {
        f"rule-{number}-category": category_id,
        f"rule-{number}-count": count,
        f"rule-{number}-points": points,
        f"rule-{number}-difficulty": extra.get("difficulty", ""),
        f"rule-{number}-question_type": extra.get("question_type", ""),
    }
    if subcategories:
        fields[f"rule-{number}-include_subcategories"] = "on"
    return fields


@pytest.fixture
def every_type_paper(safety_officer):
    questions = [make_question("Mixed", data=data) for data in every_type_inputs()]
    return paper_create(
        actor=safety_officer.user,
        title="Safety knowledge — fixed",
        items=[ItemSpec(question, Decimal(2)) for question in questions],
    )


@pytest.fixture
def random_paper(safety_officer):
    make_questions(6, "Fire safety")
    make_questions(4, "Electrical safety/Low voltage")
    return paper_create(
        actor=safety_officer.user,
        title="Random paper",
        rules=[
            RuleSpec(category=category("Fire safety"), count=3, points=Decimal(2)),
            RuleSpec(category=category("Electrical safety"), count=2, points=Decimal("2.5")),
        ],
    )


# Access ---------------------------------------------------------------------------------------


def _urls(paper) -> list[tuple[str, str]]:
    return [
        ("get", LIST),
        ("get", NEW),
        ("get", reverse("paper_edit", args=[paper.pk])),
        ("get", reverse("paper_delete", args=[paper.pk])),
        ("get", reverse("paper_preview", args=[paper.pk])),
        ("get", reverse("paper_preview_pdf", args=[paper.pk])),
        ("post", reverse("paper_builder_search")),
        ("post", reverse("paper_builder_figures")),
    ]


def test_pages_render_for_the_safety_officer(officer_client, random_paper):
    for method, url in _urls(random_paper):
        response = getattr(officer_client, method)(url)
        assert response.status_code == 200, url


def test_pages_render_for_an_admin(superuser_client, random_paper):
    assert superuser_client.get(LIST).status_code == 200


@pytest.mark.parametrize("client_fixture", ["trainee_client", "instructor_client", "hr_client"])
def test_other_roles_get_403(request, client_fixture, random_paper):
    client = request.getfixturevalue(client_fixture)
    for method, url in [
        *_urls(random_paper),
        ("post", NEW),
        ("post", reverse("paper_delete", args=[random_paper.pk])),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    assert Paper.objects.filter(pk=random_paper.pk).exists()


def test_anonymous_is_sent_to_sign_in(client, random_paper):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_shows_count_total_and_links(officer_client, random_paper, every_type_paper):
    text = officer_client.get(LIST).content.decode()
    assert "Random paper" in text
    assert "Safety knowledge — fixed" in text
    summaries = {s.paper.title: s for s in officer_client.get(LIST).context["summaries"]}
    assert summaries["Random paper"].question_count == 5
    assert summaries["Random paper"].total_text == "11"
    assert summaries["Safety knowledge — fixed"].total_text == "10"
    for name in ("paper_edit", "paper_preview", "paper_delete"):
        assert reverse(name, args=[random_paper.pk]) in text
    assert f'href="{NEW}"' in text


# Building a paper ----------------------------------------------------------------------------


def test_create_a_fixed_paper_through_the_form(officer_client, safety_officer):
    first, _second, third = make_questions(3, "Fire safety")
    response = officer_client.post(
        NEW,
        {
            "title": "Fire safety basics",
            "description": "For new staff",
            "item-0-question": third.pk,
            "item-0-points": "2",
            "item-1-question": first.pk,
            "item-1-points": "3.5",
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    paper = Paper.objects.get()
    assert paper.title == "Fire safety basics"
    assert paper.description == "For new staff"
    items = list(paper.items.order_by("position"))
    assert [(i.question_id, i.points) for i in items] == [
        (third.pk, Decimal("2")),
        (first.pk, Decimal("3.5")),
    ]
    assert AuditEntry.objects.filter(action="paper.created").count() == 1
    assert "Fire safety basics" in officer_client.get(LIST).content.decode()


def test_create_a_random_paper_through_the_form(officer_client):
    make_questions(5, "Fire safety")
    make_questions(3, "Electrical safety/Low voltage")
    make_questions(2, "Electrical safety")
    fire, electrical = category("Fire safety"), category("Electrical safety")
    response = officer_client.post(
        NEW,
        {
            "title": "Random paper",
            **rule_fields(0, category_id=fire.pk, count="4", points="2"),
            **rule_fields(1, category_id=electrical.pk, count="5", points="1.5", difficulty="3"),
            "action": "save",
        },
    )
    assert response.status_code == 302, response.context["builder"].rule_errors
    paper = Paper.objects.get()
    rules = list(paper.rules.order_by("position"))
    assert [(r.category_id, r.count, r.points, r.include_subcategories) for r in rules] == [
        (fire.pk, 4, Decimal(2), True),
        (electrical.pk, 5, Decimal("1.5"), True),
    ]
    assert rules[1].difficulty == 3
    assert rules[0].difficulty is None
    assert rules[0].question_type == ""


def test_a_rule_asking_more_than_the_bank_holds_is_refused(officer_client):
    make_questions(20, "Fire safety")
    response = officer_client.post(
        NEW,
        {
            "title": "Too many",
            **rule_fields(0, category_id=category("Fire safety").pk, count="30"),
            "action": "save",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rule 1 asks for 30 questions" in text
    assert "only 20 can be drawn" in text
    assert "The paper was not saved" in text
    assert not Paper.objects.exists()
    assert not PaperRule.objects.exists()
    # What was typed is shown again.
    assert 'name="rule-0-count" value="30"' in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"item-0-points": "abc"}, "Enter a number."),
        ({"item-0-points": "0"}, "points must be above 0"),
        ({"item-0-question": "999999"}, "no longer in the bank"),
        ({"item-0-question": "x"}, "Enter a whole number."),
        ({"title": ""}, "A paper needs a title."),
        ({"rule-0-count": "0"}, "draw at least one question"),
        ({"rule-0-count": "many"}, "Enter a whole number."),
        ({"rule-0-points": "abc"}, "Enter a number."),
        ({"rule-0-category": "999999"}, "Select a valid choice"),
        ({"rule-0-category": ""}, "This field is required."),
        ({"rule-0-difficulty": "9"}, "Select a valid choice"),
        ({"rule-0-question_type": "essay"}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_the_form_again(officer_client, fields, message):
    question = make_question("Fire safety")
    make_questions(3, "Fire safety")
    data = {
        "title": "Paper",
        "item-0-question": question.pk,
        "item-0-points": "2",
        **rule_fields(0, category_id=category("Fire safety").pk, count="2"),
        "action": "save",
        **fields,
    }
    response = officer_client.post(NEW, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Paper.objects.exists()


def test_nothing_at_all_is_refused(officer_client):
    response = officer_client.post(NEW, {"title": "Empty", "action": "save"})
    assert response.status_code == 200
    assert "at least one question or one draw rule" in response.content.decode()
    assert not Paper.objects.exists()


def test_edit_shows_the_paper_and_saves_changes(officer_client, random_paper):
    url = reverse("paper_edit", args=[random_paper.pk])
    text = officer_client.get(url).content.decode()
    assert 'value="Random paper"' in text
    assert 'name="rule-1-points" value="2.5"' in text
    assert 'name="rule-0-count" value="3"' in text
    question = Question.objects.filter(category__path="Fire safety").first()
    response = officer_client.post(
        url,
        {
            "title": "Random paper, revised",
            "item-0-question": question.pk,
            "item-0-points": "4",
            **rule_fields(0, category_id=category("Electrical safety").pk, count="4"),
            "action": "save",
        },
    )
    assert response.status_code == 302
    random_paper.refresh_from_db()
    assert random_paper.title == "Random paper, revised"
    assert list(random_paper.items.values_list("question_id", "points")) == [
        (question.pk, Decimal(4))
    ]
    assert list(random_paper.rules.values_list("count", flat=True)) == [4]


def test_htmx_save_redirects_through_htmx(officer_client):
    question = make_question()
    response = officer_client.post(
        NEW,
        {"title": "Paper", "item-0-question": question.pk, "item-0-points": "1", "action": "save"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == LIST
    assert Paper.objects.count() == 1


# The builder's buttons without JavaScript ---------------------------------------------------


def test_add_rule_posts_back_with_one_more_empty_row(officer_client):
    make_questions(2, "Fire safety")
    response = officer_client.post(NEW, {"title": "Draft", "action": "rule_add"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="rule-0-category"' in text
    assert 'name="rule-0-include_subcategories" id="id_rule-0-include_subcategories" checked' in (
        text
    )
    assert "This field is required." not in text  # a new row is not an error yet
    response = officer_client.post(
        NEW,
        {"title": "Draft", **rule_fields(0, category_id="", count=""), "action": "rule_add"},
    )
    text = response.content.decode()
    assert 'name="rule-1-category"' in text
    assert 'value="Draft"' in text
    assert not Paper.objects.exists()


def test_remove_rule(officer_client):
    fire = category("Fire safety")
    response = officer_client.post(
        NEW,
        {
            **rule_fields(0, category_id=fire.pk, count="1"),
            **rule_fields(1, category_id=fire.pk, count="7"),
            "action": "rule_remove:0",
        },
    )
    text = response.content.decode()
    assert 'name="rule-0-count" value="7"' in text
    assert 'name="rule-1-count"' not in text


def test_add_move_and_remove_fixed_questions(officer_client):
    first, second = make_questions(2, "Fire safety")
    response = officer_client.post(NEW, {"action": f"item_add:{first.pk}"})
    text = response.content.decode()
    assert f'name="item-0-question" value="{first.pk}"' in text
    data = {
        "item-0-question": first.pk,
        "item-0-points": "3",
        "item-1-question": second.pk,
        "item-1-points": "1",
    }
    # Adding a question twice only says so.
    response = officer_client.post(NEW, {**data, "action": f"item_add:{first.pk}"})
    assert "already on the paper" in response.content.decode()
    response = officer_client.post(NEW, {**data, "action": "item_down:0"})
    text = response.content.decode()
    assert f'name="item-0-question" value="{second.pk}"' in text
    assert f'name="item-1-question" value="{first.pk}"' in text
    assert 'name="item-1-points" value="3"' in text
    response = officer_client.post(NEW, {**data, "action": "item_up:1"})
    assert f'name="item-0-question" value="{second.pk}"' in response.content.decode()
    response = officer_client.post(NEW, {**data, "action": "item_remove:0"})
    text = response.content.decode()
    assert f'name="item-0-question" value="{second.pk}"' in text
    assert 'name="item-1-question"' not in text
    # Nonsense actions only show the page again.
    for action in ("item_up:0", "item_down:9", "item_remove:x", "rule_remove:5", "frobnicate"):
        assert officer_client.post(NEW, {**data, "action": action}).status_code == 200
    assert not Paper.objects.exists()


def test_search_button_and_htmx_search(officer_client):
    make_question("Fire safety", stem="Which number reports a fire?")
    make_question("Electrical safety", stem="Who may repair a switchboard?")
    response = officer_client.post(NEW, {"search-text": "switchboard", "action": "search"})
    text = response.content.decode()
    assert "Who may repair a switchboard?" in text
    assert "Which number reports a fire?" not in text
    response = officer_client.post(
        reverse("paper_builder_search"),
        {"search-category": category("Fire safety").pk},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert "Which number reports a fire?" in text
    assert "switchboard" not in text
    assert 'value="item_add:' in text
    assert "<html" not in text
    # Bad search input is ignored, never a 500.
    response = officer_client.post(
        reverse("paper_builder_search"), {"search-category": "abc", "search-difficulty": "77"}
    )
    assert response.status_code == 200


def test_search_marks_questions_already_on_the_paper(officer_client):
    question = make_question("Fire safety", stem="Which number reports a fire?")
    response = officer_client.post(
        reverse("paper_builder_search"),
        {"item-0-question": question.pk, "item-0-points": "1"},
    )
    text = response.content.decode()
    assert "On the paper" in text
    assert f'value="item_add:{question.pk}"' not in text


def test_live_figures(officer_client):
    make_questions(20, "Fire safety")
    question = make_question("Electrical safety")
    fire = category("Fire safety")
    response = officer_client.post(
        reverse("paper_builder_figures"),
        {
            "item-0-question": question.pk,
            "item-0-points": "4",
            **rule_fields(0, category_id=fire.pk, count="10", points="2"),
            **rule_fields(1, category_id=fire.pk, count="15", points="1"),
            **rule_fields(2, category_id="", count=""),
        },
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    figures = response.context["figures"]
    assert figures.total_points == "39"
    assert figures.question_count == 26
    # The first rule may take any 10 of the 20: the second can surely draw only the rest.
    assert [(f.check.pool_size, f.check.available) for f in figures.rules[:2]] == [
        (20, 20),
        (20, 10),
    ]
    assert figures.rules[2].check is None
    assert re.search(r'data-figure="total-points">39<', text)
    # The rule rows' own figures are swapped out of band.
    assert 'id="rule-1-figure" hx-swap-oob="true"' in text
    assert 'id="rule-3-figure" hx-swap-oob="true"' in text
    assert "asks for" in text and "can be drawn" in text


def test_live_figures_warn_about_a_short_rule(officer_client):
    make_questions(20, "Fire safety")
    response = officer_client.post(
        reverse("paper_builder_figures"),
        rule_fields(0, category_id=category("Fire safety").pk, count="30"),
    )
    text = response.content.decode()
    assert "Rule 1 asks for 30 questions of “Fire safety” but only 20 can be drawn." in text
    assert 'class="alert warning"' in text


def test_builder_page_shows_figures_and_pool_per_rule(officer_client, random_paper):
    text = officer_client.get(reverse("paper_edit", args=[random_paper.pk])).content.decode()
    assert re.search(r'data-figure="total-points">11<', text)
    assert re.search(r'data-figure="question-count">5<', text)
    assert "6 questions match this rule; it can surely draw 6." in text
    assert "4 questions match this rule; it can surely draw 4." in text


# Delete --------------------------------------------------------------------------------------


def test_delete_asks_then_deletes(officer_client, random_paper):
    url = reverse("paper_delete", args=[random_paper.pk])
    assert "Random paper" in officer_client.get(url).content.decode()
    assert Paper.objects.filter(pk=random_paper.pk).exists()
    response = officer_client.post(url)
    assert response["Location"] == LIST
    assert not Paper.objects.filter(pk=random_paper.pk).exists()
    assert Question.objects.count() == 10
    assert officer_client.post(url).status_code == 404


# Preview -------------------------------------------------------------------------------------


def test_candidate_view_holds_no_key(officer_client, every_type_paper):
    url = reverse("paper_preview", args=[every_type_paper.pk])
    text = officer_client.get(url, {"view": "candidate"}).content.decode()
    assert "Which number reports a fire in China?" in text
    assert "Describe the steps before entering a confined space." in text
    assert "Carbon dioxide" in text
    assert re.search(r'option-letter">B\.</span> 119', text)
    assert 'class="blank-line"' in text
    assert "(2 points, Single choice)" in text
    for secret in KEY_TEXTS:
        assert secret not in text, secret
    assert 'class="answer-key"' not in text


def test_answer_sheet_shows_the_key(officer_client, every_type_paper):
    url = reverse("paper_preview", args=[every_type_paper.pk])
    text = officer_client.get(url, {"view": "key"}).content.decode()
    for secret in KEY_TEXTS:
        assert secret in text, secret
    assert re.search(r'class="correct-option"><span class="option-letter">B\.</span> 119', text)
    assert "<dd>AB</dd>" in text  # the multiple-choice key


def test_a_sample_is_the_same_in_both_views_and_another_sample_can_be_drawn(
    officer_client, random_paper
):
    url = reverse("paper_preview", args=[random_paper.pk])
    candidate = officer_client.get(url, {"view": "candidate", "sample": "42"})
    key = officer_client.get(url, {"view": "key", "sample": "42"})

    def stems(response):
        return [q.stem for q in response.context["questions"]]

    assert len(stems(candidate)) == 5
    assert stems(candidate) == stems(key)
    text = candidate.content.decode()
    assert "Draw another sample" in text
    assert "?view=key&amp;sample=42" in text
    assert (
        f"{reverse('paper_preview_pdf', args=[random_paper.pk])}?view=candidate&amp;sample=42"
        in (text)
    )
    assert "5 questions, 11 points in all." in text
    # A bad sample number is replaced by a fresh one.
    assert officer_client.get(url, {"sample": "-1"}).status_code == 200
    assert officer_client.get(url, {"sample": "x" * 50}).status_code == 200


def test_a_fixed_paper_offers_no_other_sample(officer_client, every_type_paper):
    url = reverse("paper_preview", args=[every_type_paper.pk])
    assert "Draw another sample" not in officer_client.get(url).content.decode()


@pytest.mark.parametrize("view", ["candidate", "key"])
def test_pdf_endpoints(officer_client, every_type_paper, view):
    url = reverse("paper_preview_pdf", args=[every_type_paper.pk])
    response = officer_client.get(url, {"view": view, "sample": "7"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


def test_a_paper_that_can_no_longer_be_drawn_says_so(officer_client, random_paper):
    # Switch off electrical questions until the rule asking for two cannot be met.
    Question.objects.filter(category__path__startswith="Electrical").exclude(
        pk=Question.objects.filter(category__path__startswith="Electrical").first().pk
    ).update(is_active=False)
    url = reverse("paper_preview", args=[random_paper.pk])
    response = officer_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This paper cannot be drawn now" in text
    assert "Electrical safety" in text
    response = officer_client.get(reverse("paper_preview_pdf", args=[random_paper.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(url)
    assert "A rule can no longer be drawn" in officer_client.get(LIST).content.decode()


def test_unknown_paper_is_404(officer_client):
    for name in ("paper_edit", "paper_preview", "paper_preview_pdf", "paper_delete"):
        assert officer_client.get(reverse(name, args=[999999])).status_code == 404


def test_items_of_a_saved_paper_keep_their_order(officer_client, every_type_paper):
    items = list(PaperItem.objects.filter(paper=every_type_paper).order_by("position"))
    url = reverse("paper_preview", args=[every_type_paper.pk])
    shown = [q.stem for q in officer_client.get(url).context["questions"]]
    assert shown == [item.question.current_version.stem for item in items]


def test_a_stem_picture_is_shown_through_the_bank_picture_page(officer_client, every_type_paper):
    item = every_type_paper.items.order_by("position").first()
    version = item.question.current_version
    type(version).objects.filter(pk=version.pk).update(image="questions/2026/01/exit.png")
    text = officer_client.get(reverse("paper_preview", args=[every_type_paper.pk])).content
    assert reverse("question_image", args=[version.pk]).encode() in text

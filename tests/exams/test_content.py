from decimal import Decimal

import pytest

from exams.content import (
    OptionInput,
    QuestionInput,
    blank_matches,
    clean_input,
    clean_tags,
    fingerprint,
    normalize_text,
    parse_number,
    question_input_errors,
    tags_to_field,
)
from tests.exams.factories import every_type_inputs, single_input


def test_every_type_example_is_valid():
    for data in every_type_inputs():
        assert question_input_errors(data) == {}, data.type


def test_unknown_type_is_named():
    errors = question_input_errors(QuestionInput(type="matching", stem="x"))
    assert "matching" in errors["type"][0]


def test_empty_stem_is_refused():
    errors = question_input_errors(single_input(stem="   "))
    assert errors["stem"] == ["The stem is empty."]


def test_single_choice_needs_exactly_one_correct_option():
    data = single_input()
    data.options[1].correct = True
    assert "exactly one correct" in question_input_errors(data)["options"][0]
    data.options[0].correct = data.options[1].correct = False
    assert "exactly one correct" in question_input_errors(data)["options"][0]


def test_multiple_choice_needs_two_options_and_one_correct():
    data = QuestionInput(type="multiple", stem="Pick", options=[OptionInput("only", True)])
    assert any("at least two" in m for m in question_input_errors(data)["options"])
    data = QuestionInput(type="multiple", stem="Pick", options=[OptionInput("a"), OptionInput("b")])
    assert any("at least one correct" in m for m in question_input_errors(data)["options"])


def test_true_false_has_exactly_two_options():
    three = QuestionInput(
        type="true_false",
        stem="Sure?",
        options=[OptionInput("True", True), OptionInput("False"), OptionInput("Maybe")],
    )
    assert any("exactly two" in m for m in question_input_errors(three)["options"])


def test_empty_and_duplicate_options_are_refused():
    data = QuestionInput(
        type="single",
        stem="Pick",
        options=[OptionInput("Water", True), OptionInput(" water "), OptionInput("")],
    )
    messages = question_input_errors(data)["options"]
    assert any("empty" in m for m in messages)
    assert any("repeat" in m for m in messages)


def test_full_width_options_count_as_duplicates():
    data = QuestionInput(
        type="single", stem="Pick", options=[OptionInput("ABC", True), OptionInput("ＡＢＣ")]
    )
    assert any("repeat" in m for m in question_input_errors(data)["options"])


def test_more_than_eight_options_is_refused():
    data = single_input(options=8)
    data.options.append(OptionInput("Ninth"))
    assert any("at most 8" in m for m in question_input_errors(data)["options"])


def test_fill_blank_needs_an_accepted_answer_per_blank():
    data = QuestionInput(type="fill_blank", stem="___ and ___", blanks=[["a"], ["  "]])
    assert question_input_errors(data)["blanks"] == ["Blank 2 has no accepted answer."]
    assert "blanks" in question_input_errors(QuestionInput(type="fill_blank", stem="x"))


def test_options_on_short_answer_and_blanks_on_choice_are_refused():
    data = QuestionInput(type="short_answer", stem="Explain", options=[OptionInput("a")])
    assert "options" in question_input_errors(data)
    data = single_input(blanks=[["x"]])
    assert "blanks" in question_input_errors(data)


def test_difficulty_outside_one_to_five_is_refused():
    assert "difficulty" in question_input_errors(single_input(difficulty=6))
    assert "difficulty" in question_input_errors(single_input(difficulty=0))


def test_tags_with_commas_are_refused_and_clean_tags_drops_repeats():
    assert "tags" in question_input_errors(single_input(tags=["a,b"]))
    assert clean_tags([" fire ", "Fire", "", "first  aid"]) == ["fire", "first aid"]
    assert tags_to_field(["fire", "first aid"]) == ",fire,first aid,"
    assert tags_to_field([]) == ""


def test_negative_tolerance_and_tolerance_on_other_types_are_refused():
    data = QuestionInput(
        type="fill_blank", stem="x", blanks=[["1"]], numeric_tolerance=Decimal("-1")
    )
    assert "numeric_tolerance" in question_input_errors(data)
    assert "numeric_tolerance" in question_input_errors(
        single_input(numeric_tolerance=Decimal("1"))
    )


def test_normalize_text_folds_case_width_and_spaces():
    assert normalize_text("  ＣＯ２  Extinguisher ") == "co2 extinguisher"
    assert normalize_text("Ｈｅｌｌｏ\u3000World") == "hello world"


@pytest.mark.parametrize(
    "answer, accepted, tolerance, expected",
    [
        ("119", ["119"], None, True),
        (" １１９ ", ["119"], None, True),
        ("CO2", ["co2"], None, True),
        ("two", ["2", "Two"], None, True),
        ("", ["2"], None, False),
        ("3", ["2"], None, False),
        ("2.04", ["2"], Decimal("0.05"), True),
        ("2.06", ["2"], Decimal("0.05"), False),
        ("１２.５", ["12.5"], Decimal("0"), True),
        ("abc", ["2"], Decimal("1"), False),
    ],
)
def test_blank_matching(answer, accepted, tolerance, expected):
    assert blank_matches(answer, accepted, tolerance) is expected


def test_parse_number_refuses_infinity_and_text():
    assert parse_number("1,000") == Decimal("1000")
    assert parse_number("Infinity") is None
    assert parse_number("NaN") is None
    assert parse_number("ten") is None


def test_fingerprint_ignores_case_width_and_explanation_but_not_options():
    first = single_input("Which number?")
    second = single_input("  WHICH  number? ")
    second.explanation = "Different explanation"
    assert fingerprint(first) == fingerprint(second)
    second.options[0].text = "Something else"
    assert fingerprint(first) != fingerprint(second)


def test_clean_input_strips_texts():
    data = QuestionInput(
        type="fill_blank", stem="  x  ", blanks=[[" a ", " "]], explanation=" e ", tags=[" t "]
    )
    cleaned = clean_input(data)
    assert (cleaned.stem, cleaned.blanks, cleaned.explanation, cleaned.tags) == (
        "x",
        [["a"]],
        "e",
        ["t"],
    )

"""Validation messages quote at most a short excerpt of a bad value (a bank of 50,000 rows
with kilobyte-long repeated options must not answer with hundreds of megabytes)."""

from exams.content import OptionInput, QuestionInput, question_input_errors


def test_repeated_options_and_bad_tags_are_quoted_short():
    long = "Shut the valve " * 60  # 900 characters
    data = QuestionInput(
        type="single",
        stem="Which step comes first?",
        options=[OptionInput(long, True), OptionInput(long), OptionInput("Call the foreman")],
        tags=["fire, " + "x" * 40],
    )
    errors = question_input_errors(data)
    options = " ".join(errors["options"])
    assert "Options repeat" in options and "…" in options
    assert len(options) < 200
    assert all(len(message) < 200 for message in errors["tags"])

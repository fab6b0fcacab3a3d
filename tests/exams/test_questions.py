import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import AuditEntry
from exams.content import OptionInput, QuestionInput
from exams.models import Question, QuestionOption, QuestionVersion
from exams.selectors.bank import category_tree, question_history, question_search
from exams.services.categories import (
    categories_ensure_paths,
    category_create,
    category_delete,
    category_update,
)
from exams.services.questions import (
    question_create,
    question_delete,
    question_input_from_version,
    question_update,
    question_versions_mark_used,
)
from tests.exams.factories import category, every_type_inputs, make_question, single_input

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    stream = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(stream, "PNG")
    return SimpleUploadedFile("sign.png", stream.getvalue(), content_type="image/png")


def test_create_stores_version_one_with_options_and_audit(safety_officer):
    question = question_create(
        actor=safety_officer.user,
        category=category("Fire safety"),
        data=every_type_inputs()[0],
    )
    version = question.current_version
    assert (version.number, version.type, question.type) == (1, "single", "single")
    assert [(o.text, o.correct) for o in version.options.all()] == [
        ("110", False),
        ("119", True),
        ("120", False),
    ]
    assert question.tag_list == ["fire", "emergency"]
    entry = AuditEntry.objects.get(action="question.created")
    assert entry.actor == safety_officer.user and entry.after["stem"].startswith("Which number")


def test_invalid_content_writes_nothing():
    data = single_input()
    data.options[1].correct = True
    with pytest.raises(ValidationError) as error:
        question_create(actor=None, category=category(), data=data)
    assert "options" in error.value.message_dict
    assert not Question.objects.exists() and not QuestionVersion.objects.exists()


def test_duplicate_in_same_category_is_refused_but_allowed_elsewhere():
    make_question("Fire safety", data=single_input("Same stem?"))
    with pytest.raises(ValidationError, match="already has this stem"):
        make_question("Fire safety", data=single_input(" same STEM? "))
    make_question("Electrical safety", data=single_input("Same stem?"))
    assert Question.objects.count() == 2


def test_editing_unused_question_changes_version_in_place():
    question = make_question()
    data = single_input("Edited stem?", correct=2)
    result = question_update(actor=None, question=question, category=question.category, data=data)
    assert result.new_version is False
    question.refresh_from_db()
    assert question.versions.count() == 1
    assert question.current_version.stem == "Edited stem?"
    assert [o.correct for o in question.current_version.options.all()] == [
        False,
        False,
        True,
        False,
    ]


def test_editing_used_question_makes_a_new_version_and_keeps_the_old(safety_officer):
    question = make_question(data=single_input("Original?"))
    first = question.current_version
    question_versions_mark_used(version_ids=[first.pk])
    result = question_update(
        actor=safety_officer.user,
        question=question,
        category=question.category,
        data=single_input("Corrected?", correct=1),
    )
    assert result.new_version is True
    question.refresh_from_db()
    assert question.current_version.number == 2
    first.refresh_from_db()
    assert first.stem == "Original?" and first.options.get(position=0).correct is True
    history = question_history(question=question)
    assert [v.number for v in history] == [2, 1]
    assert AuditEntry.objects.filter(action="question.versioned").count() == 1


def test_metadata_edit_of_used_question_makes_no_new_version():
    question = make_question(data=single_input("Original?"))
    question_versions_mark_used(version_ids=[question.current_version_id])
    data = single_input("Original?", difficulty=5, tags=["fire"])
    result = question_update(
        actor=None, question=question, category=category("Other"), data=data, is_active=False
    )
    assert result.new_version is False
    question.refresh_from_db()
    assert (question.difficulty, question.tag_list, question.is_active) == (5, ["fire"], False)
    assert question.category.path == "Other"
    assert question.versions.count() == 1


def test_mark_used_keeps_first_time():
    question = make_question()
    assert question_versions_mark_used(version_ids=[question.current_version_id]) == 1
    assert question_versions_mark_used(version_ids=[question.current_version_id]) == 0


def test_delete_unused_question_deletes_it():
    question = make_question()
    assert question_delete(actor=None, question=question) is True
    assert not Question.objects.exists()
    assert not QuestionOption.objects.exists()


def test_delete_used_question_retires_it_and_it_cannot_be_edited():
    question = make_question()
    question_versions_mark_used(version_ids=[question.current_version_id])
    assert question_delete(actor=None, question=question) is False
    question.refresh_from_db()
    assert question.is_retired and not question.is_active
    assert AuditEntry.objects.filter(action="question.retired").exists()
    with pytest.raises(ValidationError, match="retired"):
        question_update(
            actor=None, question=question, category=question.category, data=single_input()
        )
    assert question_search(state="active").count() == 0
    assert question_search(state="retired").count() == 1


def test_image_is_checked_by_content():
    question = make_question()
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        question_update(
            actor=None,
            question=question,
            category=question.category,
            data=single_input(),
            image=fake,
        )
    assert "image" in error.value.message_dict
    question_update(
        actor=None, question=question, category=question.category, data=single_input(), image=_png()
    )
    question.refresh_from_db()
    assert question.current_version.image.name.endswith(".png")


def test_input_from_version_writes_the_same_question_again():
    for data in every_type_inputs():
        question = question_create(actor=None, category=category("Mixed"), data=data)
        again = question_input_from_version(question, question.current_version)
        assert (again.type, again.stem, again.explanation, again.difficulty) == (
            data.type,
            data.stem,
            data.explanation,
            data.difficulty,
        )
        assert [(o.text, o.correct) for o in again.options] == [
            (o.text, o.correct) for o in data.options
        ]
        assert again.blanks == data.blanks


def test_category_tree_counts_active_questions_with_sub_categories():
    make_question("Fire safety/Extinguishers")
    make_question("Fire safety/Evacuation")
    make_question("Fire safety", is_active=False)
    counts = {node.category.path: (node.own_count, node.total_count) for node in category_tree()}
    assert counts == {
        "Fire safety": (0, 2),
        "Fire safety/Evacuation": (1, 1),
        "Fire safety/Extinguishers": (1, 1),
    }


def test_search_filters():
    make_question(
        "Fire safety", data=single_input("Which extinguisher?", tags=["fire"], difficulty=2)
    )
    make_question(
        "Electrical safety",
        data=QuestionInput(
            type="true_false",
            stem="36 V is safe?",
            options=[OptionInput("True", True), OptionInput("False")],
        ),
    )
    fire = category("Fire safety")
    assert question_search(category=fire).count() == 1
    assert question_search(text="extinguisher").count() == 1
    assert question_search(tag="fire").count() == 1
    assert question_search(tag="fir").count() == 0
    assert question_search(type="true_false").count() == 1
    assert question_search(difficulty=2).count() == 1


def test_category_rename_moves_sub_categories_and_refuses_cycles():
    parent = category_create(actor=None, name="Fire")
    child = category_create(actor=None, name="Extinguishers", parent=parent)
    category_update(actor=None, category=parent, name="Fire safety", parent=None)
    child.refresh_from_db()
    assert child.path == "Fire safety/Extinguishers"
    with pytest.raises(ValidationError):
        category_update(actor=None, category=parent, name="Fire safety", parent=child)
    with pytest.raises(ValidationError):
        category_create(actor=None, name="a/b")


def test_category_delete_refuses_non_empty():
    make_question("Fire safety")
    with pytest.raises(ValidationError, match="still has questions"):
        category_delete(actor=None, category=category("Fire safety"))


def test_ensure_paths_creates_missing_parents_once():
    found = categories_ensure_paths(actor=None, paths=["A / B / C", "A/B", "D"])
    assert found["A / B / C"].path == "A/B/C"
    assert found["A/B"].pk == found["A / B / C"].parent_id
    again = categories_ensure_paths(actor=None, paths=["A/B/C"])
    assert again["A/B/C"].pk == found["A / B / C"].pk
    with pytest.raises(ValidationError):
        categories_ensure_paths(actor=None, paths=[" / "])


def test_tags_longer_than_the_column_are_refused():
    from exams.content import question_input_errors

    data = single_input(tags=[f"{n:02d}" + "t" * 37 for n in range(20)])
    assert "tags" in question_input_errors(data)


def test_category_full_name_is_limited():
    parent = top = None
    for depth in range(4):
        parent = category_create(actor=None, name=f"{depth}" + "n" * 99, parent=parent)
        top = top or parent
    with pytest.raises(ValidationError, match="full name"):
        category_create(actor=None, name="n" * 100, parent=parent)
    other = category_create(actor=None, name="x" * 100)
    # Moving the chain under another category would make its deepest path 504 long.
    with pytest.raises(ValidationError, match="full name"):
        category_update(actor=None, category=top, name=top.name, parent=other)

"""Questionnaire pages: who may open which, and the main flows (draft, issue, answer, read
the results, the trainee's list)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.excel import XLSX_CONTENT_TYPE
from core.roles import Role
from courses.models import Question, QuestionKind, Questionnaire, QuestionnaireRecipient, Response
from courses.selectors.questionnaires import questionnaire_default_template
from courses.services.questionnaires import response_submit
from tests.courses.test_questionnaire_support import (
    full_answers,
    make_questionnaire,
    make_trainees,
    make_training,
    question_of,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def client_for(employee) -> Client:
    """A client of its own: ``officer_client`` and ``trainee_client`` share pytest-django's
    ``client``, so one test cannot use both."""
    client = Client()
    client.force_login(employee.user)
    return client


@pytest.fixture
def setup(trainee):
    others = make_trainees(2)
    training = make_training(trainees=[trainee, *others])
    questionnaire = make_questionnaire(training)
    draft = make_questionnaire(training, issue=False)
    (outsider,) = make_trainees(1)
    return {
        "training": training,
        "questionnaire": questionnaire,
        "draft": draft,
        "others": others,
        "outsider": outsider,
    }


def urls(setup) -> dict[str, str]:
    questionnaire, draft = setup["questionnaire"], setup["draft"]
    question = question_of(draft, QuestionKind.RATING)
    return {
        "training_questionnaires": reverse("training_questionnaires", args=[setup["training"].pk]),
        "questionnaire_edit": reverse("questionnaire_edit", args=[draft.pk]),
        "questionnaire_question_edit": reverse("questionnaire_question_edit", args=[question.pk]),
        "questionnaire_delete": reverse("questionnaire_delete", args=[draft.pk]),
        "questionnaire_results": reverse("questionnaire_results", args=[questionnaire.pk]),
        "questionnaire_results_xlsx": reverse(
            "questionnaire_results_xlsx", args=[questionnaire.pk]
        ),
        "questionnaire_answer": reverse("questionnaire_answer", args=[questionnaire.pk]),
        "my_questionnaires": reverse("my_questionnaires"),
    }


OFFICER_ONLY = ["questionnaire_edit", "questionnaire_question_edit", "questionnaire_delete"]
OFFICER_AND_HR = ["training_questionnaires", "questionnaire_results", "questionnaire_results_xlsx"]


# Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", OFFICER_ONLY + OFFICER_AND_HR + ["questionnaire_answer", "my_questionnaires"]
)
def test_anonymous_visitor_is_sent_to_login(client, setup, name):
    url = urls(setup)[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", OFFICER_ONLY)
def test_officer_pages_refuse_other_roles(
    hr_client, trainee_client, instructor_client, setup, name
):
    for client in (hr_client, trainee_client, instructor_client):
        assert client.get(urls(setup)[name]).status_code == 403


@pytest.mark.parametrize("name", OFFICER_AND_HR)
def test_result_pages_for_officer_and_hr_only(
    officer_client, hr_client, trainee, instructor_client, setup, name
):
    url = urls(setup)[name]
    assert officer_client.get(url).status_code == 200
    assert hr_client.get(url).status_code == 200
    assert client_for(trainee).get(url).status_code == 403
    # The training's list is a 404 for an instructor who does not teach it (may not see it).
    expected = 404 if name == "training_questionnaires" else 403
    assert instructor_client.get(url).status_code == expected


@pytest.mark.parametrize("name", OFFICER_ONLY + OFFICER_AND_HR)
def test_officer_and_admin_open_the_pages(officer_client, superuser_client, setup, name):
    url = urls(setup)[name]
    assert officer_client.get(url).status_code == 200
    assert superuser_client.get(url).status_code == 200


def test_hr_reads_the_list_but_cannot_create(hr_client, setup):
    url = urls(setup)["training_questionnaires"]
    text = hr_client.get(url).content.decode()
    assert "New questionnaire" not in text
    assert hr_client.post(url, {"source": "blank", "title": "X"}).status_code == 403


def test_a_trainee_not_a_recipient_gets_404(setup):
    url = urls(setup)["questionnaire_answer"]
    assert client_for(setup["outsider"]).get(url).status_code == 404
    draft_url = reverse("questionnaire_answer", args=[setup["draft"].pk])
    assert client_for(setup["others"][0]).get(draft_url).status_code == 404


def test_my_questionnaires_is_for_trainees(hr_client, trainee_client, setup):
    assert hr_client.get(reverse("my_questionnaires")).status_code == 403
    assert trainee_client.get(reverse("my_questionnaires")).status_code == 200


# The training's list and drafting ----------------------------------------------------------------


def test_list_shows_the_figures(officer_client, setup):
    response_submit(
        questionnaire=setup["questionnaire"],
        employee=setup["others"][0],
        answers=full_answers(setup["questionnaire"]),
    )
    response = officer_client.get(urls(setup)["training_questionnaires"])
    rows = {q.pk: q for q in response.context["questionnaires"]}
    issued = rows[setup["questionnaire"].pk]
    assert (issued.issued_count, issued.returned_count, str(issued.feedback_rate)) == (
        3,
        1,
        "33.3",
    )
    text = response.content.decode()
    assert "33.3%" in text and "Draft" in text and "Open" in text


def test_create_from_the_default_template(officer_client, setup):
    template = questionnaire_default_template()
    response = officer_client.post(
        urls(setup)["training_questionnaires"],
        {"source": str(template.pk), "title": "", "anonymous": "on"},
    )
    created = Questionnaire.objects.filter(training=setup["training"]).latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaire_edit", args=[created.pk])
    assert created.title == template.title and created.anonymous
    assert created.questions.count() == 5


def test_create_blank_needs_a_title(officer_client, setup):
    before = Questionnaire.objects.count()
    response = officer_client.post(
        urls(setup)["training_questionnaires"], {"source": "blank", "title": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert Questionnaire.objects.count() == before


def test_edit_page_adds_moves_edits_and_removes_questions(officer_client, setup):
    draft = setup["draft"]
    added = officer_client.post(
        reverse("questionnaire_question_add", args=[draft.pk]),
        {
            "kind": "single",
            "text": "Would you recommend it?",
            "choices": "Yes\nNo\n",
            "required": "on",
        },
    )
    assert added.status_code == 302
    question = draft.questions.get(text="Would you recommend it?")
    assert list(question.choices.values_list("text", flat=True)) == ["Yes", "No"]

    # htmx moves it up and gets the list back in place.
    moved = officer_client.post(
        reverse("questionnaire_question_move", args=[question.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200
    assert moved.content.decode().lstrip().startswith('<div id="questions">')
    question.refresh_from_db()
    assert question.position == 5

    edited = officer_client.post(
        reverse("questionnaire_question_edit", args=[question.pk]),
        {"kind": "single", "text": "Recommend it?", "choices": "Yes\nNo\nMaybe"},
    )
    assert edited.status_code == 302
    question.refresh_from_db()
    assert question.text == "Recommend it?" and not question.required
    assert question.choices.count() == 3

    removed = officer_client.post(reverse("questionnaire_question_delete", args=[question.pk]))
    assert removed.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_bad_question_is_shown_on_the_form(officer_client, setup):
    draft = setup["draft"]
    response = officer_client.post(
        reverse("questionnaire_question_add", args=[draft.pk]),
        {"kind": "single", "text": "Pace", "choices": "Only one"},
    )
    assert response.status_code == 200
    assert response.context["question_form"].errors["choices"]
    assert draft.questions.count() == 5


def test_issue_from_the_edit_page(officer_client, setup):
    draft = setup["draft"]
    page = officer_client.get(reverse("questionnaire_edit", args=[draft.pk])).content.decode()
    assert "Issue to trainees" in page
    closes = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = officer_client.post(
        reverse("questionnaire_issue", args=[draft.pk]), {"closes_at": closes}
    )
    assert response.status_code == 302
    assert response["Location"] == urls(setup)["training_questionnaires"]
    draft.refresh_from_db()
    assert draft.issued_at is not None and draft.closes_at is not None
    assert draft.recipients.count() == 3
    # Issuing again reaches nobody new and duplicates nobody.
    officer_client.post(reverse("questionnaire_issue", args=[draft.pk]), {})
    assert draft.recipients.count() == 3


def test_issue_to_ticked_trainees(officer_client, setup, trainee):
    draft = setup["draft"]
    officer_client.post(
        reverse("questionnaire_issue", args=[draft.pk]), {"employees": [trainee.pk]}
    )
    assert list(draft.recipients.values_list("employee_id", flat=True)) == [trainee.pk]


def test_editing_after_issue_is_refused(officer_client, setup):
    questionnaire = setup["questionnaire"]
    question = question_of(questionnaire, QuestionKind.RATING)
    page = officer_client.get(reverse("questionnaire_edit", args=[questionnaire.pk]))
    assert "can no longer change" in page.content.decode()
    assert "Add a question" not in page.content.decode()
    response = officer_client.post(
        reverse("questionnaire_question_delete", args=[question.pk]), follow=True
    )
    assert "already issued" in response.content.decode()
    added = officer_client.post(
        reverse("questionnaire_question_add", args=[questionnaire.pk]),
        {"kind": "text", "text": "Late question"},
        follow=True,
    )
    assert "already issued" in added.content.decode()
    assert questionnaire.questions.count() == 5


def test_close_and_delete(officer_client, setup):
    questionnaire = setup["questionnaire"]
    officer_client.post(reverse("questionnaire_close", args=[questionnaire.pk]))
    questionnaire.refresh_from_db()
    assert questionnaire.closes_at <= timezone.now()
    draft = setup["draft"]
    response = officer_client.post(reverse("questionnaire_delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Questionnaire.objects.filter(pk=draft.pk).exists()


# Answering -----------------------------------------------------------------------------------


def form_data(questionnaire, **overrides) -> dict:
    data = {}
    for answer in full_answers(questionnaire):
        key = f"question_{answer.question}"
        if answer.rating is not None:
            data[key] = str(answer.rating)
        elif answer.choices:
            data[key] = [str(pk) for pk in answer.choices]
        else:
            data[key] = answer.text
    data.update(overrides)
    return data


def test_answer_form_renders_ratings_as_radio_buttons(trainee_client, setup):
    response = trainee_client.get(urls(setup)["questionnaire_answer"])
    assert response.status_code == 200
    text = response.content.decode()
    rating = question_of(setup["questionnaire"], QuestionKind.RATING)
    for value in range(1, 6):
        assert f'name="question_{rating.pk}" value="{value}"' in text
    assert 'type="radio"' in text and 'type="checkbox"' in text and "<textarea" in text
    assert "Send my answers" in text


def test_answer_then_thanks_then_already_answered(trainee_client, trainee, setup):
    questionnaire = setup["questionnaire"]
    url = urls(setup)["questionnaire_answer"]
    response = trainee_client.post(url, form_data(questionnaire))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?thanks=1"
    assert (
        "Thank you for your feedback" in trainee_client.get(response["Location"]).content.decode()
    )
    assert Response.objects.get(questionnaire=questionnaire).respondent == trainee

    again = trainee_client.get(url).content.decode()
    assert "You have already answered" in again and "Send my answers" not in again
    second = trainee_client.post(url, form_data(questionnaire))
    assert second.status_code == 409
    assert "You have already answered" in second.content.decode()
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1


def test_errors_are_shown_on_the_form(trainee_client, setup):
    questionnaire = setup["questionnaire"]
    single = question_of(questionnaire, QuestionKind.SINGLE)
    data = form_data(questionnaire)
    del data[f"question_{single.pk}"]
    response = trainee_client.post(urls(setup)["questionnaire_answer"], data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"question_{single.pk}": ["“The time was enough” needs an answer."]
    }
    assert "needs an answer" in response.content.decode()
    assert not Response.objects.exists()
    # What was filled in stays filled in.
    rating = question_of(questionnaire, QuestionKind.RATING)
    assert response.context["form"][f"question_{rating.pk}"].value() == "4"


def test_a_closed_questionnaire_shows_it(trainee_client, setup):
    questionnaire = setup["questionnaire"]
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = urls(setup)["questionnaire_answer"]
    assert "This questionnaire is closed" in trainee_client.get(url).content.decode()
    assert trainee_client.post(url, form_data(questionnaire)).status_code == 409
    assert not Response.objects.exists()


def test_my_questionnaires_lists_what_is_still_open(trainee_client, trainee, setup):
    questionnaire = setup["questionnaire"]
    text = trainee_client.get(reverse("my_questionnaires")).content.decode()
    assert reverse("questionnaire_answer", args=[questionnaire.pk]) in text
    response_submit(
        questionnaire=questionnaire, employee=trainee, answers=full_answers(questionnaire)
    )
    response = trainee_client.get(reverse("my_questionnaires"))
    assert response.context["questionnaires"] == []
    assert "Nothing to answer right now" in response.content.decode()


# Results -------------------------------------------------------------------------------------


def test_results_page_one_of_27_returned():
    trainees = make_trainees(27)
    questionnaire = make_questionnaire(make_training(trainees=trainees))
    response_submit(
        questionnaire=questionnaire,
        employee=trainees[0],
        answers=full_answers(questionnaire, text="More case studies from the shipyard"),
    )
    officer = client_for(EmployeeFactory(roles=[Role.SAFETY_OFFICER]))
    response = officer.get(reverse("questionnaire_results", args=[questionnaire.pk]))
    text = response.content.decode()
    assert "1 of 27 returned, 3.7%" in text
    assert "Average 4.00 of 5" in text
    assert "More case studies from the shipyard" in text
    assert "26 trainees have not answered yet" in text
    assert reverse("questionnaire_results_xlsx", args=[questionnaire.pk]) in text
    assert '<rect width="100.0" height="1"/>' in text  # the bar of rating 4


def test_anonymous_results_name_nobody(officer_client, setup, trainee):
    questionnaire = make_questionnaire(setup["training"], anonymous=True)
    response_submit(
        questionnaire=questionnaire,
        employee=trainee,
        answers=full_answers(questionnaire, text="Anonymous opinion"),
    )
    assert QuestionnaireRecipient.objects.filter(
        questionnaire=questionnaire, employee=trainee, responded_at__isnull=False
    ).exists()
    text = officer_client.get(reverse("questionnaire_results", args=[questionnaire.pk])).content
    text = text.decode()
    assert "Anonymous opinion" in text
    # The answered trainee is not listed anywhere; the two still waiting are.
    assert trainee.name not in text
    assert setup["others"][0].name in text


def test_results_export(hr_client, setup):
    response = hr_client.get(urls(setup)["questionnaire_results_xlsx"])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")


def test_pages_render_in_chinese(officer_client, setup):
    officer_client.post(
        "/i18n/setlang/", {"language": "zh-hans"}, headers={"Referer": "http://testserver/"}
    )
    for name in ("training_questionnaires", "questionnaire_edit", "questionnaire_results"):
        response = officer_client.get(urls(setup)[name])
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in response.content.decode()

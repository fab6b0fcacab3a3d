"""Questionnaires API: wiring, permissions per endpoint and role, and errors."""

import pytest
from rest_framework.test import APIClient

from core.excel import XLSX_CONTENT_TYPE
from courses.models import Answer, QuestionKind, Questionnaire, Response
from courses.selectors.questionnaires import questionnaire_default_template
from courses.services.questionnaires import response_submit
from tests.courses.test_questionnaire_support import (
    answers_as_json,
    full_answers,
    make_questionnaire,
    make_trainees,
    make_training,
    question_of,
)

pytestmark = pytest.mark.django_db


def api_for(employee) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=employee.user)
    return client


@pytest.fixture
def setup(trainee):
    """A training with the ``trainee`` fixture and two more, a questionnaire issued to all
    of them, and a trainee of another training."""
    others = make_trainees(2)
    training = make_training(trainees=[trainee, *others])
    questionnaire = make_questionnaire(training)
    (outsider,) = make_trainees(1)
    make_training(trainees=[outsider], title="Another training")
    return {
        "training": training,
        "questionnaire": questionnaire,
        "others": others,
        "outsider": outsider,
    }


def answer_body(questionnaire, **kwargs) -> dict:
    return {"answers": answers_as_json(full_answers(questionnaire, **kwargs))}


# The training's questionnaires -----------------------------------------------------------------


def test_list_for_the_officer_has_the_figures(officer_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    body = officer_api.get(url).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["title"] == "Training effectiveness survey"
    assert (item["issued"], item["returned"], item["feedback_rate"]) == (3, 0, 0.0)


def test_list_for_hr(hr_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    assert hr_api.get(url).json()["count"] == 1


def test_list_for_a_trainee_shows_only_theirs_without_figures(trainee_api, setup):
    make_questionnaire(setup["training"], issue=False)  # a draft: not theirs to see
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    body = trainee_api.get(url).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["answered"] is False and item["is_open"] is True
    assert "issued" not in item and "returned" not in item and "questions" not in item


def test_list_permissions(anon_api, instructor_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    assert anon_api.get(url).status_code == 401
    # An instructor who does not teach the training may not see it: 404, not 403.
    assert instructor_api.get(url).status_code == 404
    assert api_for(setup["outsider"]).get(url).status_code == 404


def test_create_from_the_default_template(officer_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    response = officer_api.post(
        url,
        {
            "template": questionnaire_default_template().pk,
            "title": "Feedback: January training",
            "anonymous": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Feedback: January training" and body["anonymous"] is True
    assert [q["kind"] for q in body["questions"]] == [
        "rating",
        "rating",
        "single",
        "multiple",
        "text",
    ]
    assert [c["text"] for c in body["questions"][2]["choices"]] == [
        "Too short",
        "About right",
        "Too long",
    ]


def test_create_blank_with_questions(officer_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    response = officer_api.post(
        url,
        {
            "title": "Quick",
            "questions": [
                {"kind": "rating", "text": "Useful?"},
                {"kind": "single", "text": "Pace", "required": False, "choices": ["Slow", "Fine"]},
            ],
        },
        format="json",
    )
    assert response.status_code == 201
    assert [q["text"] for q in response.json()["questions"]] == ["Useful?", "Pace"]


def test_create_refuses_bad_input(officer_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    bad = officer_api.post(
        url,
        {"title": "Q", "questions": [{"kind": "single", "text": "Pace", "choices": ["One"]}]},
        format="json",
    )
    assert bad.status_code == 400 and "choices" in bad.json()
    not_template = officer_api.post(url, {"template": setup["questionnaire"].pk}, format="json")
    assert not_template.status_code == 400 and "template" in not_template.json()
    assert Questionnaire.objects.filter(training=setup["training"]).count() == 1


def test_create_permissions(anon_api, hr_api, trainee_api, setup):
    url = f"/api/v1/trainings/{setup['training'].pk}/questionnaires/"
    assert anon_api.post(url, {"title": "T"}, format="json").status_code == 401
    assert hr_api.post(url, {"title": "T"}, format="json").status_code == 403
    assert trainee_api.post(url, {"title": "T"}, format="json").status_code == 403


# One questionnaire ---------------------------------------------------------------------------


def test_detail_for_the_officer_and_hr(officer_api, hr_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/"
    for client in (officer_api, hr_api):
        body = client.get(url).json()
        assert body["issued"] == 3 and len(body["questions"]) == 5


def test_detail_for_a_recipient_reveals_no_answers(trainee_api, trainee, setup):
    questionnaire = setup["questionnaire"]
    for other in setup["others"]:
        response_submit(
            questionnaire=questionnaire,
            employee=other,
            answers=full_answers(questionnaire, text="Secret opinion"),
        )
    response = trainee_api.get(f"/api/v1/questionnaires/{questionnaire.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is False and len(body["questions"]) == 5
    assert "issued" not in body and "returned" not in body
    assert "Secret opinion" not in response.content.decode()


def test_detail_permissions(anon_api, instructor_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/"
    assert anon_api.get(url).status_code == 401
    assert instructor_api.get(url).status_code == 403
    assert api_for(setup["outsider"]).get(url).status_code == 404


def test_patch_and_delete_before_issue(officer_api, setup):
    draft = make_questionnaire(setup["training"], issue=False)
    url = f"/api/v1/questionnaires/{draft.pk}/"
    response = officer_api.patch(url, {"title": "Renamed", "anonymous": True}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed" and response.json()["anonymous"] is True
    assert officer_api.delete(url).status_code == 204
    assert not Questionnaire.objects.filter(pk=draft.pk).exists()


def test_patch_after_issue_is_a_conflict(officer_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/"
    response = officer_api.patch(url, {"title": "Renamed"}, format="json")
    assert response.status_code == 409
    assert "already issued" in response.json()["detail"]


def test_patch_and_delete_permissions(hr_api, trainee_api, anon_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/"
    assert anon_api.patch(url, {"title": "X"}, format="json").status_code == 401
    for client in (hr_api, trainee_api):
        assert client.patch(url, {"title": "X"}, format="json").status_code == 403
        assert client.delete(url).status_code == 403


def test_edit_questions_through_the_api(officer_api, setup):
    draft = make_questionnaire(setup["training"], issue=False)
    base = f"/api/v1/questionnaires/{draft.pk}/questions/"
    added = officer_api.post(
        base, {"kind": "multiple", "text": "Topics", "choices": ["A", "B"]}, format="json"
    )
    assert added.status_code == 201
    question_id = added.json()["id"]
    patched = officer_api.patch(
        f"{base}{question_id}/", {"text": "Topics you liked"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["text"] == "Topics you liked"
    order = list(draft.questions.order_by("-position").values_list("pk", flat=True))
    reordered = officer_api.post(f"{base}order/", {"order": order}, format="json")
    assert [q["id"] for q in reordered.json()] == order
    assert officer_api.delete(f"{base}{question_id}/").status_code == 204
    assert draft.questions.count() == 5
    # A question of another questionnaire is not found through this one.
    foreign = question_of(setup["questionnaire"], QuestionKind.RATING)
    assert officer_api.delete(f"{base}{foreign.pk}/").status_code == 404


def test_editing_questions_after_issue_is_a_conflict(officer_api, setup):
    questionnaire = setup["questionnaire"]
    base = f"/api/v1/questionnaires/{questionnaire.pk}/questions/"
    question = question_of(questionnaire, QuestionKind.RATING)
    assert officer_api.post(base, {"kind": "text", "text": "New"}, format="json").status_code == 409
    assert officer_api.delete(f"{base}{question.pk}/").status_code == 409
    assert questionnaire.questions.count() == 5


def test_question_endpoints_permissions(hr_api, trainee_api, setup):
    base = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/questions/"
    for client in (hr_api, trainee_api):
        assert client.post(base, {"kind": "text", "text": "X"}, format="json").status_code == 403


# Issue ---------------------------------------------------------------------------------------


def test_issue_and_issue_again(officer_api, setup):
    draft = make_questionnaire(setup["training"], issue=False)
    url = f"/api/v1/questionnaires/{draft.pk}/issue/"
    first = officer_api.post(url, {}, format="json")
    assert first.status_code == 200
    assert (first.json()["added"], first.json()["issued"]) == (3, 3)
    again = officer_api.post(url, {}, format="json")
    assert (again.json()["added"], again.json()["issued"]) == (0, 3)


def test_issue_to_someone_outside_the_training_is_refused(officer_api, setup):
    draft = make_questionnaire(setup["training"], issue=False)
    response = officer_api.post(
        f"/api/v1/questionnaires/{draft.pk}/issue/",
        {"employees": [setup["outsider"].pk]},
        format="json",
    )
    assert response.status_code == 400 and "employees" in response.json()


def test_issue_permissions(anon_api, hr_api, trainee_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/issue/"
    assert anon_api.post(url, {}, format="json").status_code == 401
    assert hr_api.post(url, {}, format="json").status_code == 403
    assert trainee_api.post(url, {}, format="json").status_code == 403


# Responses -----------------------------------------------------------------------------------


def test_answer_once_then_conflict(trainee_api, trainee, setup):
    questionnaire = setup["questionnaire"]
    url = f"/api/v1/questionnaires/{questionnaire.pk}/responses/"
    first = trainee_api.post(url, answer_body(questionnaire, rating=5), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["questionnaire"] == questionnaire.pk
    second = trainee_api.post(url, answer_body(questionnaire, rating=1), format="json")
    assert second.status_code == 409
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    assert set(Answer.objects.exclude(rating=None).values_list("rating", flat=True)) == {5}
    detail = trainee_api.get(f"/api/v1/questionnaires/{questionnaire.pk}/").json()
    assert detail["answered"] is True


def test_answer_to_a_question_of_another_questionnaire_is_400(trainee_api, setup):
    questionnaire = setup["questionnaire"]
    other = make_questionnaire(setup["training"])
    foreign = question_of(other, QuestionKind.RATING)
    body = answer_body(questionnaire)
    body["answers"].append({"question": foreign.pk, "rating": 3})
    response = trainee_api.post(
        f"/api/v1/questionnaires/{questionnaire.pk}/responses/", body, format="json"
    )
    assert response.status_code == 400
    assert str(foreign.pk) in response.json()["answers"][0]
    assert not Response.objects.exists()


def test_rating_out_of_range_and_missing_answer_are_400(trainee_api, setup):
    questionnaire = setup["questionnaire"]
    url = f"/api/v1/questionnaires/{questionnaire.pk}/responses/"
    rating = question_of(questionnaire, QuestionKind.RATING)
    body = answer_body(questionnaire)
    body["answers"][0]["rating"] = 7
    response = trainee_api.post(url, body, format="json")
    assert response.status_code == 400
    assert f"question_{rating.pk}" in response.json()
    missing = trainee_api.post(url, {"answers": []}, format="json")
    assert missing.status_code == 400
    assert len(missing.json()) == 3  # the three required questions
    malformed = trainee_api.post(url, {"answers": [{"rating": 3}]}, format="json")
    assert malformed.status_code == 400
    assert not Response.objects.exists()


def test_response_permissions(anon_api, hr_api, officer_api, setup):
    questionnaire = setup["questionnaire"]
    url = f"/api/v1/questionnaires/{questionnaire.pk}/responses/"
    body = answer_body(questionnaire)
    assert anon_api.post(url, body, format="json").status_code == 401
    assert hr_api.post(url, body, format="json").status_code == 403
    assert officer_api.post(url, body, format="json").status_code == 403
    assert api_for(setup["outsider"]).post(url, body, format="json").status_code == 404
    assert not Response.objects.exists()


# Results -------------------------------------------------------------------------------------


def test_summary(officer_api, hr_api, trainee_api, setup):
    questionnaire = setup["questionnaire"]
    url = f"/api/v1/questionnaires/{questionnaire.pk}/responses/"
    trainee_api.post(url, answer_body(questionnaire, rating=5), format="json")
    for client in (officer_api, hr_api):
        response = client.get(f"/api/v1/questionnaires/{questionnaire.pk}/summary/")
        assert response.status_code == 200
        body = response.json()
        assert (body["issued"], body["returned"], body["feedback_rate"]) == (3, 1, 33.3)
        first = body["questions"][0]
        assert first["average"] == 5.0
        assert [d["count"] for d in first["distribution"]] == [0, 0, 0, 0, 1]
        assert body["questions"][4]["texts"] == ["More practice, please."]


def test_summary_permissions(anon_api, trainee_api, instructor_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/summary/"
    assert anon_api.get(url).status_code == 401
    assert trainee_api.get(url).status_code == 403
    assert instructor_api.get(url).status_code == 403


def test_results_xlsx(officer_api, hr_api, trainee_api, anon_api, setup):
    url = f"/api/v1/questionnaires/{setup['questionnaire'].pk}/results.xlsx"
    for client in (officer_api, hr_api):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content[:2] == b"PK"
    assert trainee_api.get(url).status_code == 403
    assert anon_api.get(url).status_code == 401


def test_templates(officer_api, hr_api, trainee_api, anon_api):
    response = officer_api.get("/api/v1/questionnaire-templates/")
    assert response.status_code == 200
    titles = [t["title"] for t in response.json()["results"]]
    assert "Training effectiveness survey" in titles
    assert hr_api.get("/api/v1/questionnaire-templates/").status_code == 403
    assert trainee_api.get("/api/v1/questionnaire-templates/").status_code == 403
    assert anon_api.get("/api/v1/questionnaire-templates/").status_code == 401


def test_schema_lists_the_questionnaire_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/trainings/{training_id}/questionnaires/",
        "/api/v1/questionnaires/{id}/responses/",
        "/api/v1/questionnaires/{id}/summary/",
    ):
        assert path in schema

"""Questionnaire pages. Other pages link to training_questionnaires, questionnaire_answer,
questionnaire_results and my_questionnaires: keep those names."""

from django.urls import path

from frontend.views import questionnaires

urlpatterns = [
    path(
        "trainings/<int:pk>/questionnaires/",
        questionnaires.training_questionnaires,
        name="training_questionnaires",
    ),
    path("questionnaires/mine/", questionnaires.my_questionnaires, name="my_questionnaires"),
    path(
        "questionnaires/<int:pk>/edit/",
        questionnaires.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "questionnaires/<int:pk>/questions/add/",
        questionnaires.questionnaire_question_add,
        name="questionnaire_question_add",
    ),
    path(
        "questionnaires/questions/<int:pk>/edit/",
        questionnaires.questionnaire_question_edit,
        name="questionnaire_question_edit",
    ),
    path(
        "questionnaires/questions/<int:pk>/move/",
        questionnaires.questionnaire_question_move,
        name="questionnaire_question_move",
    ),
    path(
        "questionnaires/questions/<int:pk>/delete/",
        questionnaires.questionnaire_question_delete,
        name="questionnaire_question_delete",
    ),
    path(
        "questionnaires/<int:pk>/issue/",
        questionnaires.questionnaire_issue,
        name="questionnaire_issue",
    ),
    path(
        "questionnaires/<int:pk>/close/",
        questionnaires.questionnaire_close,
        name="questionnaire_close",
    ),
    path(
        "questionnaires/<int:pk>/delete/",
        questionnaires.questionnaire_delete,
        name="questionnaire_delete",
    ),
    path(
        "questionnaires/<int:pk>/answer/",
        questionnaires.questionnaire_answer,
        name="questionnaire_answer",
    ),
    path(
        "questionnaires/<int:pk>/results/",
        questionnaires.questionnaire_results,
        name="questionnaire_results",
    ),
    path(
        "questionnaires/<int:pk>/results.xlsx",
        questionnaires.questionnaire_results_xlsx_page,
        name="questionnaire_results_xlsx",
    ),
]

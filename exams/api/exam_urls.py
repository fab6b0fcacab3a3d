"""URLs of the exam API: exams and their actions, attempts, answers. Rankings and statistics
have their own URL module."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from exams.api import attempts, exams

router = SimpleRouter()
router.register("exams", exams.ExamViewSet, basename="exam")

urlpatterns = [
    path("attempts/<int:attempt_id>/", attempts.AttemptView.as_view(), name="attempt-detail"),
    path(
        "attempts/<int:attempt_id>/answers/<str:question_id>/",
        attempts.AnswerSaveView.as_view(),
        name="attempt-answer",
    ),
    path("attempts/<int:attempt_id>/submit/", attempts.SubmitView.as_view(), name="attempt-submit"),
    path("attempts/<int:attempt_id>/reopen/", attempts.ReopenView.as_view(), name="attempt-reopen"),
    path("answers/<int:answer_id>/grade/", attempts.AnswerGradeView.as_view(), name="answer-grade"),
    *router.urls,
]

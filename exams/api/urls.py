from django.urls import path
from rest_framework.routers import SimpleRouter

from exams.api import bank, papers

router = SimpleRouter()
router.register("question-categories", bank.CategoryViewSet, basename="question-category")
router.register("questions", bank.QuestionViewSet, basename="question")
router.register("papers", papers.PaperViewSet, basename="paper")

urlpatterns = [
    path(
        "questions/import/template.xlsx",
        bank.QuestionTemplateView.as_view(),
        name="question-import-template",
    ),
    *router.urls,
]

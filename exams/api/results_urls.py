from django.urls import path

from exams.api import results

urlpatterns = [
    path("exams/<int:exam_id>/ranking/", results.RankingView.as_view(), name="api-exam-ranking"),
    path(
        "exams/<int:exam_id>/ranking.xlsx",
        results.PerformanceSheetView.as_view(),
        name="api-exam-performance-sheet",
    ),
    path(
        "exams/<int:exam_id>/reward-list/",
        results.RewardListView.as_view(),
        name="api-exam-reward-list",
    ),
    path(
        "exams/<int:exam_id>/statistics/",
        results.StatisticsView.as_view(),
        name="api-exam-statistics",
    ),
]

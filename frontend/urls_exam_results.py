from django.urls import path

from frontend.views import exam_results as views

urlpatterns = [
    path("results/", views.exam_results_index, name="exam_results_index"),
    path("exams/<int:pk>/ranking/", views.exam_ranking_page, name="exam_ranking"),
    path(
        "exams/<int:pk>/performance.xlsx",
        views.exam_performance_sheet,
        name="exam_performance_sheet",
    ),
    path("exams/<int:pk>/statistics/", views.exam_statistics_page, name="exam_statistics"),
]

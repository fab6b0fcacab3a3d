"""The live proctor board of an exam (safety officer): the board, extra time and closing the
exam early. The board updates over ``ws/exams/<id>/proctor/`` (``exams.consumers``)."""

from django.urls import path

from frontend.views import proctor as views

urlpatterns = [
    path("exam-admin/<int:pk>/proctor/", views.proctor_board_page, name="proctor_board"),
    path("exam-admin/<int:pk>/proctor/extend/", views.proctor_extend, name="proctor_extend"),
    path(
        "exam-admin/<int:pk>/proctor/close/",
        views.proctor_close_early,
        name="proctor_close_early",
    ),
]

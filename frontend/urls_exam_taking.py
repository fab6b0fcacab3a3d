"""The trainee's exam pages: my exams, the page before the start, the exam, handing in and
the result. The exam page saves answers through the API (/api/v1/attempts/<id>/answers/)."""

from django.urls import path

from frontend.views import exam_taking

urlpatterns = [
    path("exams/", exam_taking.my_exams, name="my_exams"),
    path("exams/<int:pk>/", exam_taking.exam_intro, name="exam_intro"),
    path("attempts/<int:pk>/", exam_taking.attempt_take, name="attempt_take"),
    path("attempts/<int:pk>/clock/", exam_taking.attempt_clock, name="attempt_clock"),
    path("attempts/<int:pk>/hand-in/", exam_taking.attempt_hand_in, name="attempt_hand_in"),
    path("attempts/<int:pk>/result/", exam_taking.attempt_result, name="attempt_result"),
    path(
        "attempts/<int:pk>/questions/<str:question_id>/image/",
        exam_taking.attempt_question_image,
        name="attempt_question_image",
    ),
]

from django.urls import path

from attendance.api import views

urlpatterns = [
    path(
        "sessions/<int:session_id>/sign-in-window/",
        views.SignInWindowView.as_view(),
        name="api-sign-in-window",
    ),
    path("sessions/<int:session_id>/sign-in/", views.SignInView.as_view(), name="api-sign-in"),
    path(
        "sessions/<int:session_id>/roll-call/", views.RollCallView.as_view(), name="api-roll-call"
    ),
    path("sessions/<int:session_id>/attendance/", views.BoardView.as_view(), name="api-board"),
    path(
        "trainings/<int:training_id>/attendance/",
        views.TrainingAttendanceView.as_view(),
        name="api-training-attendance",
    ),
    path(
        "trainings/<int:training_id>/attendance-policy/",
        views.PolicyView.as_view(),
        name="api-attendance-policy",
    ),
]

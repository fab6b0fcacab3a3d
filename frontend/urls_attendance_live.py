"""Live attendance pages: a session's hub, projector and roll-call sheet for the people who
run it, and the trainee's sign-in by QR code or typed code. The projector's QR code points
at ``session_sign_in_qr`` by name."""

from django.urls import path

from frontend.views import attendance_live as views

urlpatterns = [
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path(
        "sessions/<int:pk>/attendance/close/",
        views.session_window_close,
        name="session_window_close",
    ),
    path("sessions/<int:pk>/projector/", views.session_projector, name="session_projector"),
    path("sessions/<int:pk>/roll-call/", views.session_roll_call, name="session_roll_call"),
    path(
        "sessions/<int:pk>/roll-call/mark/",
        views.session_roll_call_mark,
        name="session_roll_call_mark",
    ),
    path(
        "sessions/<int:pk>/roll-call/remaining-absent/",
        views.session_roll_call_remaining_absent,
        name="session_roll_call_remaining_absent",
    ),
    path("sign-in/", views.session_sign_in, name="session_sign_in"),
    path("sign-in/<int:session_id>/", views.session_sign_in, name="session_sign_in"),
    path(
        "sign-in/<int:session_id>/<str:token>/",
        views.session_sign_in_qr,
        name="session_sign_in_qr",
    ),
]

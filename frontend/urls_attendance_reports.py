from django.urls import path

from frontend.views import attendance_reports as views

urlpatterns = [
    path("trainings/<int:pk>/attendance/", views.training_attendance, name="training_attendance"),
    path(
        "trainings/<int:pk>/attendance.xlsx",
        views.training_attendance_xlsx,
        name="training_attendance_xlsx",
    ),
    path(
        "trainings/<int:pk>/attendance/policy/",
        views.training_attendance_policy,
        name="training_attendance_policy",
    ),
    path(
        "sessions/<int:pk>/sign-in-sheet.pdf",
        views.session_sign_in_sheet_pdf,
        name="session_sign_in_sheet_pdf",
    ),
    path(
        "sessions/<int:pk>/sign-in-sheet.xlsx",
        views.session_sign_in_sheet_xlsx,
        name="session_sign_in_sheet_xlsx",
    ),
    path(
        "sessions/<int:pk>/attendance/import/",
        views.session_attendance_import,
        name="session_attendance_import",
    ),
]

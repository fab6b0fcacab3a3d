"""The safety officer's exam pages (list, create, edit, delete, overrides, attempts with
reopening, practical scores, key corrections) and the grading queue, which instructors also
use for the exams of trainings they teach. The proctor board is in ``urls_proctor``."""

from django.urls import path

from frontend.views import exam_admin, exam_grading

urlpatterns = [
    path("exam-admin/", exam_admin.exam_admin_list, name="exam_admin_list"),
    path("exam-admin/new/", exam_admin.exam_admin_create, name="exam_admin_create"),
    path("exam-admin/<int:pk>/edit/", exam_admin.exam_admin_edit, name="exam_admin_edit"),
    path("exam-admin/<int:pk>/delete/", exam_admin.exam_admin_delete, name="exam_admin_delete"),
    path(
        "exam-admin/<int:pk>/overrides/",
        exam_admin.exam_admin_overrides,
        name="exam_admin_overrides",
    ),
    path(
        "exam-admin/<int:pk>/overrides/<int:override_id>/delete/",
        exam_admin.exam_admin_override_delete,
        name="exam_admin_override_delete",
    ),
    path(
        "exam-admin/<int:pk>/attempts/",
        exam_admin.exam_admin_attempts,
        name="exam_admin_attempts",
    ),
    path(
        "exam-admin/attempts/<int:attempt_id>/",
        exam_admin.exam_admin_attempt,
        name="exam_admin_attempt",
    ),
    path(
        "exam-admin/attempts/<int:attempt_id>/reopen/",
        exam_admin.exam_admin_attempt_reopen,
        name="exam_admin_attempt_reopen",
    ),
    path(
        "exam-admin/<int:pk>/practical/",
        exam_admin.exam_admin_practical,
        name="exam_admin_practical",
    ),
    # Grading and key corrections
    path("exam-admin/grading/", exam_grading.exam_grading_index, name="exam_grading_index"),
    path("exam-admin/<int:pk>/grading/", exam_grading.exam_grading, name="exam_grading"),
    path(
        "exam-admin/<int:pk>/grading/answers/<int:answer_id>/",
        exam_grading.exam_grading_answer,
        name="exam_grading_answer",
    ),
    path(
        "exam-admin/<int:pk>/questions/",
        exam_grading.exam_admin_questions,
        name="exam_admin_questions",
    ),
    path(
        "exam-admin/<int:pk>/questions/<int:version_id>/correct-key/",
        exam_grading.exam_key_correct,
        name="exam_key_correct",
    ),
]

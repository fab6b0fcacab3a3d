"""Course content, downloads, self-study and the progress table. Other pages link to
``course_detail``, ``training_study`` and ``training_progress`` by these names."""

from django.urls import path

from frontend.views import study

urlpatterns = [
    path("courses/<int:pk>/", study.course_detail, name="course_detail"),
    path("courses/<int:pk>/modules/new/", study.course_module_create, name="course_module_create"),
    path(
        "courses/<int:pk>/materials/new/",
        study.course_material_create,
        name="course_material_create",
    ),
    path("modules/<int:pk>/edit/", study.module_edit, name="module_edit"),
    path("modules/<int:pk>/move/", study.module_move, name="module_move"),
    path("modules/<int:pk>/delete/", study.module_delete, name="module_delete"),
    path("materials/<int:pk>/edit/", study.material_edit, name="material_edit"),
    path(
        "materials/<int:pk>/versions/new/",
        study.material_version_create,
        name="material_version_create",
    ),
    path("materials/<int:pk>/delete/", study.material_delete, name="material_delete"),
    path("materials/<int:pk>/download/", study.material_download, name="material_download"),
    path("materials/<int:pk>/stream/", study.material_stream, name="material_stream"),
    path("trainings/<int:pk>/study/", study.training_study, name="training_study"),
    path(
        "trainings/<int:pk>/study/modules/<int:module_pk>/done/",
        study.training_module_done,
        name="training_module_done",
    ),
    path("trainings/<int:pk>/progress/", study.training_progress, name="training_progress"),
    path(
        "trainings/<int:pk>/progress.xlsx",
        study.training_progress_xlsx,
        name="training_progress_xlsx",
    ),
]

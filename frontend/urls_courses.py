from django.urls import path

from frontend.views import courses, trainings

urlpatterns = [
    path("courses/", courses.course_list, name="course_list"),
    path("courses/new/", courses.course_create, name="course_create"),
    path("courses/<int:pk>/edit/", courses.course_edit, name="course_edit"),
    path("trainings/", trainings.training_list, name="training_list"),
    path("trainings/new/", trainings.training_create, name="training_create"),
    path("trainings/<int:pk>/", trainings.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", trainings.training_edit, name="training_edit"),
    path("trainings/<int:pk>/enrol/", trainings.training_enrol, name="training_enrol"),
    path(
        "trainings/<int:pk>/trainees/<int:employee_pk>/remove/",
        trainings.training_unenrol,
        name="training_unenrol",
    ),
    path("trainings/<int:pk>/audience/", trainings.training_audience, name="training_audience"),
    path(
        "trainings/<int:pk>/enrolment.xlsx",
        trainings.training_enrollment_xlsx,
        name="training_enrollment_xlsx",
    ),
    path("trainings/<int:pk>/sessions/new/", trainings.session_create, name="session_create"),
    path(
        "trainings/<int:pk>/sessions/<int:session_pk>/edit/",
        trainings.session_edit,
        name="session_edit",
    ),
    path(
        "trainings/<int:pk>/sessions/<int:session_pk>/delete/",
        trainings.session_delete,
        name="session_delete",
    ),
]

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import Conflict
from core.models import AuditEntry
from courses.models import Enrollment, Session
from courses.selectors import trainings as selectors
from courses.services import trainings as services
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    TrainingFactory,
    at,
    bulk_trainees,
)
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 1, 16)


@pytest.fixture
def course():
    return CourseFactory(title="Safety production knowledge")


def test_training_create_enrols_people_and_departments(course, safety_officer, instructor):
    crew = DepartmentFactory(name="Crew 1")
    team = DepartmentFactory(name="Team A", parent=crew)
    in_crew = EmployeeFactory(department=crew)
    in_team = EmployeeFactory(department=team)
    inactive = EmployeeFactory(department=crew)
    inactive.user.is_active = False
    inactive.user.save()
    single = EmployeeFactory()
    training = services.training_create(
        actor=safety_officer.user,
        course=course,
        title="Safety production knowledge training",
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=2),
        instructors=[instructor],
        trainees=[single, in_crew],
        departments=[crew],
    )
    enrolled = dict(training.enrollments.values_list("employee_id", "source"))
    assert enrolled == {single.pk: "individual", in_crew.pk: "individual", in_team.pk: "department"}
    assert list(training.departments.all()) == [crew]
    assert AuditEntry.objects.filter(action="training.created").exists()


def test_training_refuses_last_day_before_first(course):
    with pytest.raises(ValidationError) as error:
        services.training_create(
            actor=None, course=course, title="X", starts_on=DAY, ends_on=DAY - datetime.timedelta(1)
        )
    assert "ends_on" in error.value.message_dict


def test_instructors_must_hold_the_role(course, trainee):
    with pytest.raises(ValidationError) as error:
        services.training_create(
            actor=None, course=course, title="X", starts_on=DAY, ends_on=DAY, instructors=[trainee]
        )
    assert "instructors" in error.value.message_dict


def test_enrolling_twice_never_duplicates(course):
    training = TrainingFactory(course=course)
    person = EmployeeFactory(position="Crew captain")
    assert services.training_enroll(actor=None, training=training, employees=[person]) == 1
    assert services.training_enroll(actor=None, training=training, employees=[person]) == 0
    assert services.training_enroll(actor=None, training=training, positions=["Crew captain"]) == 0
    assert Enrollment.objects.filter(training=training, employee=person).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(training=training, employee=person)


def test_enrol_by_position():
    training = TrainingFactory()
    captains = EmployeeFactory.create_batch(2, position="Crew captain")
    EmployeeFactory(position="Welder")
    assert (
        services.training_enroll(actor=None, training=training, positions=[" Crew captain "]) == 2
    )
    assert set(training.enrollments.values_list("employee_id", flat=True)) == {
        c.pk for c in captains
    }


def test_unenrol_is_audited():
    enrollment = EnrollmentFactory()
    services.enrollment_remove(
        actor=None, training=enrollment.training, employee=enrollment.employee
    )
    assert not Enrollment.objects.exists()
    assert (
        AuditEntry.objects.get(action="training.unenrolled").before["name"]
        == enrollment.employee.name
    )


def test_delete_only_before_start():
    future = TrainingFactory()
    services.training_delete(actor=None, training=future)
    started = TrainingFactory(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 1, 3)
    )
    with pytest.raises(Conflict):
        services.training_delete(actor=None, training=started)


# Sessions ----------------------------------------------------------------------------------


def test_session_ending_before_it_starts_is_refused():
    training = TrainingFactory(starts_on=DAY, ends_on=DAY)
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=None, training=training, starts_at=at(DAY, 10), ends_at=at(DAY, 9)
        )
    assert "ends_at" in error.value.message_dict
    assert not Session.objects.exists()


def test_database_refuses_a_session_ending_before_it_starts():
    training = TrainingFactory(starts_on=DAY, ends_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(training=training, starts_at=at(DAY, 10), ends_at=at(DAY, 9))


def test_instructor_clash_is_refused_with_a_clear_message(instructor):
    one = TrainingFactory(starts_on=DAY, ends_on=DAY)
    other = TrainingFactory(starts_on=DAY, ends_on=DAY)
    services.session_create(
        actor=None,
        training=one,
        starts_at=at(DAY, 9),
        ends_at=at(DAY, 11),
        instructor=instructor,
        topic="Laws and regulations",
    )
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=None,
            training=other,
            starts_at=at(DAY, 10),
            ends_at=at(DAY, 12),
            instructor=instructor,
        )
    message = error.value.message_dict["starts_at"][0]
    assert instructor.name in message and "Laws and regulations" in message
    # Back to back is not a clash.
    services.session_create(
        actor=None,
        training=other,
        starts_at=at(DAY, 11),
        ends_at=at(DAY, 12),
        instructor=instructor,
    )


def test_trainee_clash_is_refused():
    person = EmployeeFactory(name="张三")
    one = EnrollmentFactory(
        employee=person, training__starts_on=DAY, training__ends_on=DAY
    ).training
    other = EnrollmentFactory(
        employee=person, training__starts_on=DAY, training__ends_on=DAY
    ).training
    services.session_create(actor=None, training=one, starts_at=at(DAY, 9), ends_at=at(DAY, 11))
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=None, training=other, starts_at=at(DAY, 10), ends_at=at(DAY, 12)
        )
    assert "张三" in error.value.message_dict["starts_at"][0]


def test_rescheduling_does_not_clash_with_itself(instructor):
    training = TrainingFactory(starts_on=DAY, ends_on=DAY)
    session = services.session_create(
        actor=None,
        training=training,
        starts_at=at(DAY, 9),
        ends_at=at(DAY, 11),
        instructor=instructor,
    )
    services.session_update(
        actor=None,
        session=session,
        starts_at=at(DAY, 10),
        ends_at=at(DAY, 12),
        instructor=instructor,
    )
    session.refresh_from_db()
    assert session.starts_at == at(DAY, 10)
    assert AuditEntry.objects.filter(action="session.updated").exists()


# The training rate ---------------------------------------------------------------------------


def test_training_rate_matches_a_hand_computed_case():
    """Required: the safety managers and crew captains of the project department.

    Crew 1: captain A (attended 100%, trained), captain B (75% < 80%, not trained),
            safety manager C (90%, trained), welder D (not required, trained anyway).
    Crew 2: captain E (enrolled, attendance unknown), safety manager F (never enrolled).
    Required 5, trained 2 -> 40.0%. Crew 1: 2 of 3 = 66.7%; Crew 2: 0 of 2.
    Crew captain: 1 of 3 = 33.3%; Safety manager: 1 of 2 = 50.0%.
    """
    project = DepartmentFactory(name="Berthing Project Department")
    crew1 = DepartmentFactory(name="Crew 1", parent=project)
    crew2 = DepartmentFactory(name="Crew 2", parent=project)
    training = TrainingFactory()
    services.training_set_audience(
        actor=None,
        training=training,
        rules=[(project, "Crew captain"), (project, "Safety manager")],
    )
    people = {
        "A": (crew1, "Crew captain", Decimal(100)),
        "B": (crew1, "Crew captain", Decimal(75)),
        "C": (crew1, "Safety manager", Decimal(90)),
        "D": (crew1, "Welder", Decimal(100)),
        "E": (crew2, "Crew captain", None),
        "F": (crew2, "Safety manager", "not enrolled"),
    }
    rates = {}
    for name, (department, position, rate) in people.items():
        employee = EmployeeFactory(name=name, department=department, position=position)
        if rate != "not enrolled":
            EnrollmentFactory(training=training, employee=employee)
            rates[employee.pk] = rate
    services.enrollment_record_attendance(training=training, rates=rates)

    result = selectors.training_rate(training)
    assert (result.overall.required, result.overall.trained, result.overall.rate) == (
        5,
        2,
        Decimal("40.0"),
    )
    by_department = {r.label: (r.required, r.trained, r.rate) for r in result.by_department}
    assert by_department == {
        "Berthing Project Department/Crew 1": (3, 2, Decimal("66.7")),
        "Berthing Project Department/Crew 2": (2, 0, Decimal("0.0")),
    }
    by_position = {r.label: (r.required, r.trained, r.rate) for r in result.by_position}
    assert by_position == {
        "Crew captain": (3, 1, Decimal("33.3")),
        "Safety manager": (2, 1, Decimal("50.0")),
    }


def test_exam_is_part_of_the_completion_rule():
    training = TrainingFactory()
    passed, failed = EnrollmentFactory(training=training), EnrollmentFactory(training=training)
    services.enrollment_record_attendance(
        training=training,
        rates={passed.employee_id: Decimal(100), failed.employee_id: Decimal(100)},
    )
    assert selectors.training_rate(training).overall.trained == 2
    services.training_set_requires_exam(training=training, requires_exam=True)
    services.enrollment_record_exam(
        training=training, passed={passed.employee_id: True, failed.employee_id: False}
    )
    assert selectors.training_rate(training).overall.trained == 1


def test_completion_rate_is_per_training():
    training = TrainingFactory(completion_attendance_rate=Decimal(60))
    enrollment = EnrollmentFactory(training=training)
    services.enrollment_record_attendance(
        training=training, rates={enrollment.employee_id: Decimal(60)}
    )
    assert selectors.training_rate(training).overall.rate == Decimal("100.0")


def test_without_audience_the_enrolled_are_required():
    training = TrainingFactory()
    EnrollmentFactory.create_batch(4, training=training)
    rate = selectors.training_rate(training)
    assert (rate.overall.required, rate.overall.trained, rate.audience_defined) == (4, 0, False)


def test_audience_rule_needs_department_or_position():
    with pytest.raises(ValidationError):
        services.training_set_audience(actor=None, training=TrainingFactory(), rules=[(None, " ")])


def test_training_rate_costs_the_same_queries_for_10_and_1000():
    training = TrainingFactory()
    department = DepartmentFactory(name="Crew 9")
    services.training_set_audience(actor=None, training=training, rules=[(department, "")])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.training_rate(training)
        return len(captured)

    EmployeeFactory.create_batch(10, department=department)
    few = queries()
    bulk_trainees(990, department, training)
    assert queries() == few


def test_training_visibility_per_role(trainee, instructor, safety_officer, hr):
    mine = EnrollmentFactory(employee=trainee).training
    taught = TrainingFactory()
    taught.instructors.add(instructor)
    other = TrainingFactory()
    assert set(selectors.training_list_for_user(trainee.user)) == {mine}
    assert set(selectors.training_list_for_user(instructor.user)) == {taught}
    assert set(selectors.training_list_for_user(safety_officer.user)) == {mine, taught, other}
    assert set(selectors.training_list_for_user(hr.user)) == {mine, taught, other}
    from core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.training_get_for_user(user=trainee.user, training_id=other.pk)

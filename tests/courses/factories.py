"""Factories for courses and trainings, shared by the courses tests."""

import datetime

import factory
from django.utils import timezone

from courses.models import Course, Enrollment, Module, Session, Training


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Safety production knowledge {n}")
    hours = 20


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Safety production knowledge training {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda t: t.starts_on + datetime.timedelta(days=2))
    location = "Training room 1"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    training = factory.SubFactory(TrainingFactory)
    employee = factory.SubFactory("tests.factories.EmployeeFactory")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    topic = factory.Sequence(lambda n: f"Topic {n}")
    starts_at = factory.LazyAttribute(lambda s: at(s.training.starts_on, 9))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))


def bulk_trainees(count: int, department, training, prefix: str = "B") -> list:
    """``count`` employees with logins, enrolled in ``training``, inserted in a few queries
    (for query-count tests with a thousand trainees)."""
    from django.contrib.auth import get_user_model

    from people.models import Employee

    User = get_user_model()
    User.objects.bulk_create(User(username=f"{prefix}-user-{i}") for i in range(count))
    users = User.objects.filter(username__startswith=f"{prefix}-user-").order_by("id")
    Employee.objects.bulk_create(
        Employee(user=u, employee_no=f"{prefix}{i:05d}", name=f"Bulk {i}", department=department)
        for i, u in enumerate(users)
    )
    employees = list(Employee.objects.filter(employee_no__startswith=prefix).order_by("id"))
    Enrollment.objects.bulk_create(Enrollment(training=training, employee=e) for e in employees)
    return employees

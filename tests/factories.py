"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import Role
from people.models import Department, Employee

PASSWORD = "Pass-word-2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("path",)

    name = factory.Sequence(lambda n: f"Department {n}")
    parent = None
    path = factory.LazyAttribute(lambda d: f"{d.parent.path}/{d.name}" if d.parent else d.name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EmployeeFactory(factory.django.DjangoModelFactory):
    """An employee with a login; ``roles=[...]`` sets the groups (default trainee)."""

    class Meta:
        model = Employee
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..employee_no"))
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"Trainee {n}")
    department = factory.SubFactory(DepartmentFactory)
    position = "Operator"
    phone = "13800138000"

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create:
            names = [Role.TRAINEE] if extracted is None else list(extracted)
            obj.user.groups.set(Group.objects.filter(name__in=names))

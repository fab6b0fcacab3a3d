"""Reads of departments and employees, shared by the API and the pages."""

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet

from core.roles import Role
from people.models import PATH_SEPARATOR, Department, Employee


def employee_list(
    *,
    search: str = "",
    department: Department | None = None,
    include_subdepartments: bool = True,
    position: str = "",
    role: str = "",
    active: bool | None = None,
) -> QuerySet[Employee]:
    """Employees with their department, user and role groups loaded, so a page of any length
    costs the same few queries. ``search`` matches employee number, name, phone or position;
    ``department`` includes its sub-departments unless told otherwise."""
    employees = Employee.objects.select_related("department", "user").prefetch_related(
        Prefetch("user__groups", queryset=Group.objects.filter(name__in=Role.values))
    )
    if search:
        search = search.strip()
        employees = employees.filter(
            Q(employee_no__icontains=search)
            | Q(name__icontains=search)
            | Q(phone__icontains=search)
            | Q(position__icontains=search)
        )
    if department is not None:
        if include_subdepartments:
            employees = employees.filter(
                Q(department=department)
                | Q(department__path__startswith=department.path + PATH_SEPARATOR)
            )
        else:
            employees = employees.filter(department=department)
    if position:
        employees = employees.filter(position=position)
    if role:
        employees = employees.filter(user__groups__name=role)
    if active is not None:
        employees = employees.filter(user__is_active=active)
    return employees.order_by("employee_no")


def employee_role_names(employee: Employee) -> list[str]:
    """Role names in ``Role`` order; uses prefetched groups when present."""
    names = {group.name for group in employee.user.groups.all()}
    return [role for role in Role.values if role in names]


def employee_for_user(user) -> Employee | None:
    """The caller's employee record, or None (an admin without one)."""
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("department").filter(user=user).first()


def department_list(*, search: str = "") -> QuerySet[Department]:
    """Departments in tree order (by full name) with how many employees each holds directly."""
    departments = Department.objects.annotate(
        employee_count=Count("employees", filter=Q(employees__user__is_active=True))
    )
    if search:
        departments = departments.filter(path__icontains=search.strip())
    return departments.order_by("path")


def position_names() -> list[str]:
    """Every position held by someone, for filter menus."""
    return list(
        Employee.objects.exclude(position="")
        .order_by("position")
        .values_list("position", flat=True)
        .distinct()
    )

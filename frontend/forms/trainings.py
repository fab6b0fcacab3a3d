"""Forms of the course and training pages: courses, trainings, enrolment, audience, sessions."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import Role
from courses.models import Course
from people.models import Department, Employee
from people.selectors import position_names

_INDENT = "\u00a0" * 3


class DepartmentsField(forms.ModelMultipleChoiceField):
    """Several departments, in tree order, indented by depth."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=Department.objects.order_by("path"), **kwargs)
        self.widget.attrs.setdefault("size", 8)

    def label_from_instance(self, obj: Department) -> str:
        return f"{_INDENT * obj.depth}{obj.name}"


class InstructorsField(forms.ModelMultipleChoiceField):
    """Employees holding the instructor role, as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=instructor_choices(), **kwargs)

    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.name} · {obj.department.name}"


def instructor_choices():
    return (
        Employee.objects.filter(user__groups__name=Role.INSTRUCTOR, user__is_active=True)
        .select_related("department")
        .order_by("name")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=10000, decimal_places=1, initial=0
    )
    instructors = InstructorsField(
        label=_("Instructors"),
        help_text=_("They manage the course's materials."),
    )
    is_active = forms.BooleanField(
        label=pgettext_lazy("course", "Active"),
        required=False,
        initial=True,
        help_text=_("An inactive course cannot be chosen for new trainings."),
    )


class TrainingForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(is_active=True).order_by("title")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    instructors = InstructorsField(label=_("Instructors"))
    completion_attendance_rate = forms.DecimalField(
        label=_("Attendance needed to count as trained (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=80,
    )


class TrainingCreateForm(TrainingForm):
    departments = DepartmentsField(
        label=_("Enrol departments"),
        help_text=_("Their current members, sub-departments included, are enrolled."),
    )


_NUMBER_SEPARATORS = re.compile(r"[\s,，;；、]+")


class EnrolForm(forms.Form):
    employee_numbers = forms.CharField(
        label=_("Employee numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One by one: employee numbers separated by spaces, commas or new lines."),
    )
    departments = DepartmentsField(
        label=_("Departments"),
        help_text=_("Their current members, sub-departments included."),
    )
    positions = forms.MultipleChoiceField(
        label=_("Positions"),
        required=False,
        help_text=_("Everyone who holds one of these positions."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["positions"].choices = [(p, p) for p in position_names()]
        self.fields["positions"].widget.attrs["size"] = 6

    def clean_employee_numbers(self) -> list[Employee]:
        numbers = [n for n in _NUMBER_SEPARATORS.split(self.cleaned_data["employee_numbers"]) if n]
        employees = list(Employee.objects.filter(employee_no__in=numbers))
        unknown = sorted(set(numbers) - {e.employee_no for e in employees})
        if unknown:
            raise forms.ValidationError(
                _("Unknown employee number: %(numbers)s."), params={"numbers": ", ".join(unknown)}
            )
        return employees

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("employee_numbers") or data.get("departments") or data.get("positions")
        ):
            raise forms.ValidationError(_("Give employee numbers, departments or positions."))
        return data


class AudienceRuleForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("path"),
        empty_label=_("Any department"),
    )
    position = forms.ChoiceField(label=_("Position"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: f"{_INDENT * d.depth}{d.name}"
        self.fields["position"].choices = [("", _("Any position"))] + [
            (p, p) for p in position_names()
        ]


AudienceFormSet = forms.formset_factory(AudienceRuleForm, extra=2)


class SessionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    instructor = forms.ModelChoiceField(
        label=_("Instructor"), required=False, queryset=instructor_choices()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].label_from_instance = lambda e: e.name

"""Forms of the people pages: employees, departments, roster import and the audit filter."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import Role
from core.selectors import audit_action_names
from core.uploads import check_upload_size
from frontend.forms.common import add_service_error  # noqa: F401
from people.models import Department

# Three no-break spaces per level: ordinary spaces would be collapsed inside <option>.
_INDENT = "\u00a0" * 3


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments in tree order, each indented by its depth."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Department.objects.order_by("path"), **kwargs)

    def label_from_instance(self, obj: Department) -> str:
        return f"{_INDENT * obj.depth}{obj.name}"


class RoleCheckboxes(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            choices=Role.choices, widget=forms.CheckboxSelectMultiple, label=_("Roles"), **kwargs
        )


# Employees ---------------------------------------------------------------------------------


class EmployeeFilterForm(forms.Form):
    """The employees list's search and filters, read from the query string."""

    ACTIVE_CHOICES = [("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Employee number, name, phone or position"),
                "autocomplete": "off",
            }
        ),
    )
    department = DepartmentChoiceField(
        label=_("Department"), required=False, empty_label=_("All departments")
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def selector_arguments(self) -> dict:
        """The valid filters as keyword arguments of ``people.selectors.employee_list``;
        an invalid filter (a department that no longer exists) is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        active = {"yes": True, "no": False}.get(data.get("active") or "")
        return {
            "search": data.get("q", ""),
            "department": data.get("department"),
            "role": data.get("role", ""),
            "active": active,
        }


class EmployeeForm(forms.Form):
    """The fields an employee's record shares between creating and editing."""

    employee_no = forms.CharField(label=_("Employee number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    department = DepartmentChoiceField(label=_("Department"), empty_label=_("Choose a department"))
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    national_id = forms.CharField(
        label=_("National ID"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    roles = RoleCheckboxes()


class EmployeeCreateForm(EmployeeForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        help_text=_("Leave blank to use the employee number."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "The employee must change it at the first sign-in. Without one, the account "
            "cannot sign in until a password is set."
        ),
    )

    field_order = [
        "employee_no",
        "name",
        "department",
        "position",
        "phone",
        "national_id",
        "roles",
        "username",
        "password",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].initial = [Role.TRAINEE]


class EmployeeEditForm(EmployeeForm):
    """Editing never shows the stored national ID: a blank field keeps it."""

    clear_national_id = forms.BooleanField(label=_("Remove the national ID"), required=False)
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive employee cannot sign in; the record and its history stay."),
    )

    def __init__(self, *args, national_id_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        national_id = self.fields["national_id"]
        if national_id_masked:
            national_id.help_text = _(
                "On file: %(masked)s. Leave blank to keep it, or type a new one."
            ) % {"masked": national_id_masked}
        else:
            national_id.help_text = _("None on file.")
            del self.fields["clear_national_id"]

    def national_id_argument(self) -> str | None:
        """What ``employee_update`` should do with the national ID: None keeps it."""
        if self.cleaned_data.get("clear_national_id"):
            return ""
        return self.cleaned_data.get("national_id") or None


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): nothing is written"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload, settings.ROSTER_MAX_UPLOAD_SIZE)
        return upload


# Departments -------------------------------------------------------------------------------


class DepartmentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("department", "Name"), max_length=100)
    parent = DepartmentChoiceField(
        label=_("Parent department"), required=False, empty_label=_("(top level)")
    )


# Audit log ---------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    target = forms.CharField(label=_("Target"), required=False, max_length=300)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each group ("employee.") first, then its actions, so one choice covers a family.
        names = audit_action_names()
        choices = [("", _("All actions"))]
        for prefix in sorted({name.split(".")[0] + "." for name in names if "." in name}):
            choices.append((prefix, _("%(prefix)s* (all)") % {"prefix": prefix}))
            choices += [(name, name) for name in names if name.startswith(prefix)]
        choices += [(name, name) for name in names if "." not in name]
        self.fields["action"].choices = choices

    def selector_arguments(self) -> dict:
        """The valid filters as keyword arguments of ``core.selectors.audit_entry_list``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "action": data.get("action", ""),
            "actor_username": (data.get("actor") or "").strip(),
            "target": (data.get("target") or "").strip(),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

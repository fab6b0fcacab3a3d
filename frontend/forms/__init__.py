"""Forms of the web pages, one module per area."""

from frontend.forms.common import add_refused_upload_error, add_service_error
from frontend.forms.people import (
    AuditFilterForm,
    DepartmentChoiceField,
    DepartmentForm,
    EmployeeCreateForm,
    EmployeeEditForm,
    EmployeeFilterForm,
    EmployeeForm,
    PasswordResetForm,
    RoleCheckboxes,
    RosterImportForm,
)

__all__ = [
    "AuditFilterForm",
    "DepartmentChoiceField",
    "DepartmentForm",
    "EmployeeCreateForm",
    "EmployeeEditForm",
    "EmployeeFilterForm",
    "EmployeeForm",
    "PasswordResetForm",
    "RoleCheckboxes",
    "RosterImportForm",
    "add_refused_upload_error",
    "add_service_error",
]

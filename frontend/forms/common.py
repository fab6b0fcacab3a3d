"""What every page's forms share. Forms read and shape input; every rule is checked by the
services, and a service's refusal is put back on the form by ``add_service_error``."""

from django import forms
from django.core.exceptions import ValidationError

from core.errors import ServiceError
from core.uploads import refused_upload_error


def add_service_error(form: forms.Form, error: ValidationError | ServiceError) -> None:
    """Show a service's refusal on the form: errors about a field the form shows go on that
    field, everything else at the top of the form."""
    if isinstance(error, ServiceError):
        form.add_error(None, error.message)
        return
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def add_refused_upload_error(request, form: forms.Form, field: str = "file") -> bool:
    """Put a refusal by the upload size limit (the file was dropped while it arrived) on the
    form's file field, instead of "no file was submitted". True when there was one."""
    error = refused_upload_error(request, field)
    if error is None:
        return False
    form.errors.pop(field, None)
    form.add_error(field, error)
    return True

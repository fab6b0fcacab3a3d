"""What every app's API shares: pagination, role permissions and the error handler."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ServiceError
from core.roles import has_role


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def role_permission(*roles: str, read_only_roles: tuple[str, ...] = ()) -> type[BasePermission]:
    """A DRF permission class that admits users holding one of ``roles``; users holding one of
    ``read_only_roles`` may only read. Anonymous callers get 401, others 403."""

    class HasRole(BasePermission):
        def has_permission(self, request, view):
            user = request.user
            if not user or not user.is_authenticated:
                return False
            if has_role(user, *roles):
                return True
            return request.method in SAFE_METHODS and has_role(user, *read_only_roles)

    HasRole.__name__ = f"HasRole_{'_'.join(roles)}"
    return HasRole


def validation_error_detail(error: DjangoValidationError) -> dict | list:
    """Django's ValidationError as the API's 400 body: ``{"field": ["message"]}`` or
    ``{"detail": "message"}``."""
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    messages = [str(m) for m in error.messages]
    return {"detail": messages[0] if len(messages) == 1 else messages}


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError as 400 and ServiceError by its status."""
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ServiceError):
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)

"""What every app's API shares: pagination, role permissions and the error handler (the
answer to OPTIONS is in ``core.metadata``, the schema's error answers in ``core.schema``)."""

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, UnreadablePostError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import ServiceError
from core.parsers import too_deep
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


logger = logging.getLogger(__name__)


def unreadable_request_message(exc: Exception) -> str:
    """Why Django refused to read the request, in the caller's words."""
    if isinstance(exc, RequestDataTooBig):
        return _("The request is larger than %(limit)s, the most accepted.") % {
            "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return _("The request holds too many fields or files.")
    return _("The request could not be read.")


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError as 400 and ServiceError by its status.

    Input that got past the parsers and serializers and failed only further down is a 400 too,
    never a 500: a request Django refuses to read (too many fields, a broken upload, a body
    sent after the client left), a value the database refuses (PostgreSQL's DataError: a NUL
    character, a number or text out of the column's range; SQLite's OverflowError for an
    integer past 64 bits) and input nested so deep that handling it ran out of stack."""
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ServiceError):
        set_rollback()
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, SuspiciousOperation | BadRequest | UnreadablePostError):
        set_rollback()
        return Response({"detail": unreadable_request_message(exc)}, status=400)
    if isinstance(exc, RecursionError):
        # A view with parsers of its own (DRF's token view) decoding deeply nested JSON.
        set_rollback()
        return Response({"detail": too_deep().detail}, status=400)
    if isinstance(exc, DataError | OverflowError):
        # A 400 for the caller; logged, since a value a serializer let through is worth a look.
        logger.warning("Refused a value the database cannot store: %r", exc)
        set_rollback()
        return Response(
            {"detail": _("The request holds a value that cannot be stored.")}, status=400
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)

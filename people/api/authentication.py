"""The API's authentication (settings ``DEFAULT_AUTHENTICATION_CLASSES``): DRF's token and
session authentication, plus the forced password change.

A caller whose password was set by someone else (``people.password_change``) is
authenticated and then refused with 403 ``{"detail": ..., "code": "password_change_required"}``
on every view, present and future, unless the view sets ``password_change_allowed = True``
(the token endpoint, ``GET /api/v1/me/`` and the password change itself). Checking here rather
than in permission classes matters: most views name their own permission classes, which
replace the default ones, while every view but the public verification (which authenticates
nobody) uses these.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from people.password_change import password_change_required, session_password_change_required

PASSWORD_CHANGE_REQUIRED = "password_change_required"


class PasswordChangeRequired(exceptions.PermissionDenied):
    default_detail = _(
        "Your password was set by someone else: choose your own password first "
        "(POST /api/v1/me/password/ with old_password and new_password)."
    )
    default_code = PASSWORD_CHANGE_REQUIRED

    def __init__(self):
        super().__init__({"detail": self.default_detail, "code": self.default_code})


def _allowed(request) -> bool:
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "password_change_allowed", False))


class PasswordChangeAwareTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the employee record comes in the same query."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__employee").get(key=key)
        except model.DoesNotExist as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not _allowed(request) and password_change_required(result[0]):
            raise PasswordChangeRequired()
        return result


class PasswordChangeAwareSessionAuthentication(SessionAuthentication):
    """The browser pages' session (with its CSRF check); the answer is kept in the session,
    so the check costs no query per call."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if (
            result is not None
            and not _allowed(request)
            and session_password_change_required(request._request)
        ):
            raise PasswordChangeRequired()
        return result


class PasswordChangeAwareSessionScheme(SessionScheme):
    """The OpenAPI schema names the session as drf-spectacular does for DRF's own class."""

    target_class = "people.api.authentication.PasswordChangeAwareSessionAuthentication"

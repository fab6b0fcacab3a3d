"""Who may open a page. Anonymous visitors are sent to the login page; a signed-in user
without the role gets 403, so a missing right is never mistaken for a missing sign-in."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.roles import has_role


def role_required(*roles: str) -> Callable:
    """Admit users holding one of ``roles`` (an admin holds every role)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator

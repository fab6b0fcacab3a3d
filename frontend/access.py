"""Who may open a page. Anonymous visitors are sent to the login page; a signed-in user
without the role gets 403, so a missing right is never mistaken for a missing sign-in; a
training the user may not see is a 404 first, so that a 403 never tells it exists."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import NotFound
from core.roles import has_role
from courses.selectors.trainings import training_get_for_user


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


def training_role_required(*roles: str) -> Callable:
    """``role_required`` for the pages of one training (its id is the view's ``pk``): a
    training the user may not see is a 404 before the role is checked, as in the API."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                training_get_for_user(user=request.user, training_id=kwargs["pk"])
            except NotFound as error:
                raise Http404(error.message) from error
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator

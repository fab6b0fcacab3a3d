from django.shortcuts import redirect
from django.urls import reverse

from people.models import Employee


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user whose password was set by someone else (a roster import, an
    officer) to the password change page until they choose their own. The API is left alone:
    tokens are for integrations."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/api/", "/static/", "/i18n/"))
        ):
            allowed = {reverse("password_change"), reverse("logout")}
            if (
                request.path not in allowed
                and Employee.objects.filter(user=user, must_change_password=True).exists()
            ):
                return redirect(f"{reverse('password_change')}?required=1")
        return self.get_response(request)

"""Sign-in, sign-out and password change, on Django's auth views.

The templates live under frontend/accounts/, not registration/: the admin app ships its own
registration/password_change_*.html and comes first in INSTALLED_APPS.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from people import login_limits
from people.password_change import password_change_required, session_remember_password_change
from people.services import user_password_changed


class LoginView(auth_views.LoginView):
    """Django's login page with limits on failed attempts per address and user name, and per
    address alone (password spraying: many user names from one address).

    Once a limit is reached the page answers 429 without looking at the password, so a
    right guess inside the blocked window gains nothing.
    """

    template_name = "frontend/accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        client_ip = login_limits.client_address(request)
        if login_limits.login_address_blocked(client_ip=client_ip):
            return self.blocked_response(username, per_address=True)
        if login_limits.login_blocked(client_ip=client_ip, username=username):
            return self.blocked_response(username)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        login_limits.login_failures_clear(
            client_ip=login_limits.client_address(self.request),
            username=self.request.POST.get("username", ""),
        )
        response = super().form_valid(form)
        # Asked once here, so the API's check costs nothing per call (people.password_change).
        session_remember_password_change(
            self.request, required=password_change_required(form.get_user())
        )
        return response

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        # An empty field is a slip, not a guess: no password was checked.
        if username and self.request.POST.get("password"):
            login_limits.login_failure_record(
                client_ip=login_limits.client_address(self.request), username=username
            )
        return super().form_invalid(form)

    def blocked_response(self, username: str, per_address: bool = False):
        # An unbound form: rendering a bound one would validate it and check the password.
        form = self.get_form_class()(self.request, initial={"username": username})
        context = self.get_context_data(
            form=form,
            blocked_message=login_limits.blocked_message(per_address=per_address),
        )
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return response


class LogoutView(auth_views.LogoutView):
    """Sign out by POST only (Django refuses GET), then back to the login page."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; clears the "must change password" mark that sends users
    here after an officer or a roster import set their password, and deletes the user's API
    tokens (``people.services.user_password_changed``)."""

    template_name = "frontend/accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["required"] = self.request.GET.get("required") == "1"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user)
        session_remember_password_change(self.request, required=False)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "frontend/accounts/password_change_done.html"

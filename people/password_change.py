"""Who must choose their own password before doing anything else.

An officer's reset and a roster import set passwords that someone else knows (an import often
gives many people the same one), and mark the employee ``must_change_password``. Until the
employee picks a password of their own, the pages send them to the change form
(``people.middleware``), the API answers 403 (``people.api.authentication``) and the live
pages refuse their websockets (``core.live``).

The mark only turns on together with a password set by someone else, which also ends every
session signed in with the old password (Django checks the password hash on each request), so
a session can remember the answer it got at sign-in instead of asking the database on every
API call; the change views forget it when the password changes.
"""

from people.models import Employee

SESSION_KEY = "people.password_change_required"


def password_change_required(user) -> bool:
    """True when ``user`` signed in with a password set by someone else. Uses the employee
    record already loaded with the user (the token lookup joins it) when there is one."""
    if user is None or not user.is_authenticated:
        return False
    try:
        employee = user.employee
    except Employee.DoesNotExist:
        return False  # an admin account without an employee record
    return employee.must_change_password


def session_password_change_required(request) -> bool:
    """``password_change_required`` for the user of this session, asked once per session.

    A remembered "must change" is checked again each time (the user can do nothing else
    meanwhile, so the query costs nothing that matters), so it can never outlive the change.
    """
    session = getattr(request, "session", None)
    if session is None:
        return password_change_required(request.user)
    remembered = session.get(SESSION_KEY)
    if remembered is False:
        return False
    required = password_change_required(request.user)
    if remembered is not required:
        session[SESSION_KEY] = required
    return required


def session_remember_password_change(request, *, required: bool) -> None:
    """Store the answer in the session at sign-in and after a change."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = required

"""Live attendance pages.

For the people who run a session (the safety officer, the session's instructor, the
training's instructors; anyone else gets 404): the session's attendance hub (open and close
self sign-in, the live board), the projector (code, QR code, countdown and board) and the
roll-call sheet. They update over the session's websocket (``attendance.consumers``).

For trainees: signing in by scanning the QR code, which works for a visitor not yet signed in
to the site (the scan is remembered and honoured after the login for five minutes; before the
login the page shows nothing about the session), and by typing the six-digit code when the
camera fails. What counts as the same device, wrong-code limits and locks are the
attendance service's rules, the same as through the API.
"""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance import services as attendance_services
from attendance.devices import DEVICE_COOKIE, device_id_is_issued, device_id_new
from attendance.models import ATTENDED, AttendanceRecord, Method, SignInWindow, Status
from attendance.qr import projector_code
from attendance.selectors import (
    board_row,
    session_board,
    session_get_for_runner,
    session_get_for_trainee,
    window_for,
    window_is_open,
)
from core.errors import NotFound, ServiceError
from core.http import client_ip
from courses.models import Session
from frontend.forms import add_service_error
from frontend.forms.attendance_live import (
    RollCallMarkForm,
    SignInCodeForm,
    WindowForm,
    sessions_open_for_sign_in,
)
from frontend.responses import render_page_or_partial
from people.selectors import employee_for_user

TEMPLATES = "frontend/attendance/live/"

# A scan remembered across the login in between: {session_id, token, scanned_at}.
SIGN_IN_CLAIM = "attendance_sign_in_claim"
CLAIM_MAX_AGE = datetime.timedelta(minutes=5)
# Longer than any QR token the projector shows; a longer one is not remembered.
CLAIM_TOKEN_MAX_LENGTH = 100

# A long-lived random id of the trainee's browser (``DEVICE_COOKIE``), for the proxy rule.
DEVICE_COOKIE_MAX_AGE = 5 * 365 * 24 * 60 * 60


# Shared by the runner's pages ------------------------------------------------------------------


def _session_to_run(request, pk: int) -> Session:
    try:
        return session_get_for_runner(user=request.user, session_id=pk)
    except NotFound as error:
        raise Http404 from error


def _when(moment: datetime.datetime | None) -> str:
    """A time in the server's zone: "08:45" today, "2026-01-16 08:45" on another day."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def _labels() -> dict:
    """Status and method names and the texts of the page's script, in the reader's
    language."""
    return {
        "status": {value: str(label) for value, label in Status.choices},
        "method": {value: str(label) for value, label in Method.choices},
        "text": {
            "live": _("Live"),
            "reconnecting": _("Connection lost, reconnecting…"),
            "refused": _("This page may no longer show the session. Reload it."),
            "not-recorded": _("Not recorded yet"),
            "proxy": _("%(employee)s was refused: this device had just signed in %(first)s."),
            "locked-trainee": _(
                "%(employee)s (%(employee_no)s) is locked out after %(failures)s wrong codes: "
                "a suspected proxy."
            ),
            "locked-address": _(
                "Network address %(address)s is locked out after %(failures)s wrong codes "
                "(last tried for %(employee)s): a suspected proxy."
            ),
            "next-code": _("Next code in %(seconds)s s"),
            "waiting": _("Waiting for the next code…"),
            "no-window": _("Self sign-in has not been opened for this session."),
            "opens-at": _("Sign-in opens at %(time)s."),
            "open-until": _("Sign-in open until %(time)s"),
            "closed": _("Sign-in is closed."),
        },
    }


def _live_context(session: Session, *, ws_path: str) -> dict:
    board = session_board(session)
    window = window_for(session)
    return {
        "session": session,
        "board": board,
        "window": window,
        "window_open": window_is_open(window),
        "window_upcoming": window is not None and timezone.now() < window.opens_at,
        "ws_path": ws_path,
        "labels": _labels(),
        "time_zone": timezone.get_current_timezone_name(),
    }


def _board_ws_path(session: Session) -> str:
    return f"/ws/attendance/sessions/{session.pk}/"


def _window_initial(window: SignInWindow | None) -> dict:
    """The current window's times while it is open or ahead; after it closed the form starts
    empty, so opening again takes fresh defaults (from now) rather than the old times."""
    if window is None or window.closes_at <= timezone.now():
        return {"late_after_minutes": window.late_after_minutes if window else 10}
    return {
        "opens_at": timezone.localtime(window.opens_at),
        "closes_at": timezone.localtime(window.closes_at),
        "late_after_minutes": window.late_after_minutes,
    }


# The instructor's hub --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk: int):
    """A session's attendance: open or re-time self sign-in, links to the projector and the
    roll-call sheet, and the live board. An htmx GET returns the window's status only."""
    session = _session_to_run(request, pk)
    window = window_for(session)
    form = WindowForm(request.POST or None, initial=_window_initial(window))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            window = attendance_services.window_open(
                actor=request.user,
                session=session,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                late_after_minutes=data["late_after_minutes"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Self sign-in is open from %(opens)s to %(closes)s.")
                % {"opens": _when(window.opens_at), "closes": _when(window.closes_at)},
            )
            return redirect("session_attendance", pk=session.pk)
    context = _live_context(session, ws_path=_board_ws_path(session))
    context["form"] = form
    return render_page_or_partial(
        request,
        page=TEMPLATES + "session.html",
        partial=TEMPLATES + "_window_status.html",
        context=context,
    )


@login_required
@require_POST
def session_window_close(request, pk: int):
    session = _session_to_run(request, pk)
    window = attendance_services.window_close(actor=request.user, session=session)
    if window is None:
        messages.info(request, _("Self sign-in was not open for this session."))
    else:
        messages.success(request, _("Self sign-in is closed. The records stay as they are."))
    return redirect("session_attendance", pk=session.pk)


# The projector ------------------------------------------------------------------------------


def _svg_data_uri(svg: str | None) -> str:
    return f"data:image/svg+xml;charset=utf-8,{quote(svg)}" if svg else ""


@login_required
@require_GET
@never_cache
def session_projector(request, pk: int):
    """Full screen for the projector: the code and QR code (changing every rotation), the
    countdown to the next code, signed in against enrolled, who is late and who is missing.
    The first code is in the page; the websocket pushes the next ones."""
    session = _session_to_run(request, pk)
    context = _live_context(session, ws_path=_board_ws_path(session) + "projector/")

    def sign_in_url(token: str) -> str:
        return request.build_absolute_uri(
            reverse("session_sign_in_qr", kwargs={"session_id": session.pk, "token": token})
        )

    code = projector_code(context["window"], now=timezone.now(), sign_in_url=sign_in_url)
    context.update(
        code=code,
        qr_src=_svg_data_uri(code["qr_svg"]),
        sign_in_page=request.build_absolute_uri(reverse("session_sign_in")),
    )
    return render(request, TEMPLATES + "projector.html", context)


# The roll-call sheet ------------------------------------------------------------------------


def _row_choices() -> dict:
    """What a roll-call row shows its status and method with."""
    return {"statuses": Status.choices, "methods": Method.choices}


@login_required
@require_GET
def session_roll_call(request, pk: int):
    """Every enrolled trainee by department, one tap per status, saved at once."""
    session = _session_to_run(request, pk)
    context = _live_context(session, ws_path=_board_ws_path(session))
    context.update(_row_choices())
    return render(request, TEMPLATES + "roll_call.html", context)


def _error_text(error: ValidationError | ServiceError) -> str:
    if isinstance(error, ServiceError):
        return error.message
    return " ".join(error.messages)


@login_required
@require_POST
def session_roll_call_mark(request, pk: int):
    """One tap: set a trainee's status through ``attendance.services.roll_call``. For htmx the
    answer is the trainee's updated row, or the row as it was with the refusal (422);
    without script, back to the sheet with a message."""
    session = _session_to_run(request, pk)
    form = RollCallMarkForm(request.POST)
    error = None
    employee = None
    if form.is_valid():
        data = form.cleaned_data
        employee = data["employee"]
        entry = attendance_services.RollCallEntry(employee, data["status"], data["reason"])
        try:
            attendance_services.roll_call(actor=request.user, session=session, entries=[entry])
        except (ValidationError, ServiceError) as refusal:
            error = _error_text(refusal)
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("session_roll_call", pk=session.pk)
    if employee is None:
        return HttpResponse(
            format_html('<p class="alert error" role="alert">{}</p>', error), status=422
        )
    record = AttendanceRecord.objects.filter(session=session, employee=employee).first()
    context = {
        "session": session,
        "row": board_row(record, employee),
        "error": error,
        **_row_choices(),
    }
    return render(request, TEMPLATES + "_roll_call_row.html", context, status=422 if error else 200)


@login_required
@require_POST
def session_roll_call_remaining_absent(request, pk: int):
    """Everyone enrolled without a record yet is marked absent."""
    session = _session_to_run(request, pk)
    try:
        changed = attendance_services.roll_call_remaining_absent(
            actor=request.user, session=session
        )
    except (ValidationError, ServiceError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d trainee was marked absent.",
                "%(count)d trainees were marked absent.",
                len(changed),
            )
            % {"count": len(changed)},
        )
    return redirect("session_roll_call", pk=session.pk)


# Trainees sign in -----------------------------------------------------------------------------


def _device(request) -> tuple[str, bool]:
    """This browser's device id, and whether it is new (to be set as a cookie)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if device_id_is_issued(value):
        return value, False
    return device_id_new(), True


def _remember_device(request, response, device: str, new: bool):
    if new:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _flash_result(request, result: attendance_services.SignInResult) -> None:
    """A new sign-in shows itself on the page it leads to ("Signed in: present"); signing in
    again says the first record stands."""
    if not result.created:
        messages.info(request, _already_recorded_message(result.record))


def _already_recorded_message(record: AttendanceRecord) -> str:
    if record.status in ATTENDED:
        return _("Already signed in at %(time)s") % {
            "time": _when(record.signed_in_at or record.recorded_at)
        }
    return _("Your attendance is already recorded: %(status)s.") % {
        "status": record.get_status_display()
    }


def _sign_in_context(session: Session | None, employee) -> dict:
    record = (
        AttendanceRecord.objects.filter(session=session, employee=employee).first()
        if session is not None and employee is not None
        else None
    )
    return {
        "session": session,
        "record": record,
        "attended": record is not None and record.status in ATTENDED,
        "record_time": _when(record.signed_in_at or record.recorded_at) if record else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def session_sign_in(request, session_id: int | None = None):
    """Type the six-digit code on the screen. With a session in the URL (a session of the
    trainee's), for that session; without, the trainee picks one of theirs whose sign-in is
    open now. Shows the trainee's record once there is one."""
    employee = employee_for_user(request.user)
    sessions = None
    session = None
    if session_id is not None:
        try:
            session = session_get_for_trainee(user=request.user, session_id=session_id)
        except NotFound as error:
            raise Http404 from error
    else:
        sessions = sessions_open_for_sign_in(employee)
    initial = {}
    if sessions is not None:
        open_now = list(sessions[:2])
        if len(open_now) == 1:
            initial["session"] = open_now[0]
    device, new_device = _device(request)
    form = SignInCodeForm(request.POST or None, sessions=sessions, initial=initial)
    if request.method == "POST" and form.is_valid():
        target = session or form.cleaned_data["session"]
        try:
            result = attendance_services.sign_in(
                session=target,
                employee=employee,
                code=form.cleaned_data["code"],
                client_ip=client_ip(request),
                device=device,
                user_agent=request.headers.get("User-Agent", ""),
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            _flash_result(request, result)
            response = redirect("session_sign_in", session_id=target.pk)
            return _remember_device(request, response, device, new_device)
    context = _sign_in_context(session, employee)
    context.update(form=form, choosing=sessions is not None, no_session_open=False)
    if sessions is not None:
        context["no_session_open"] = not form.fields["session"].queryset.exists()
    response = render(request, TEMPLATES + "sign_in.html", context)
    return _remember_device(request, response, device, new_device)


def _claimed_scan_time(request, session: Session, token: str, now) -> datetime.datetime:
    """When this QR code was scanned: the remembered scan (of this session and token, at most
    five minutes ago) of a visitor who had to sign in to the site first; else now."""
    claim = request.session.pop(SIGN_IN_CLAIM, None)
    if not isinstance(claim, dict):
        return now
    if claim.get("session_id") != session.pk or claim.get("token") != token:
        return now
    scanned_at = parse_datetime(str(claim.get("scanned_at", "")))
    if scanned_at is None or not datetime.timedelta(0) <= now - scanned_at <= CLAIM_MAX_AGE:
        return now
    return scanned_at


@require_GET
@never_cache
def session_sign_in_qr(request, session_id: int, token: str):
    """The QR code's target. A visitor not signed in to the site is asked to log in first,
    and the page tells them nothing about the session (not even whether it exists): the scan
    is remembered in their session (which survives the login) and the login page sends them
    back here. Signed in: the sign-in is made, as of the remembered scan when there is one,
    and the trainee sees the result; the service checks the code as of that moment."""
    now = timezone.now()
    device, new_device = _device(request)
    if not request.user.is_authenticated:
        if len(token) <= CLAIM_TOKEN_MAX_LENGTH:
            request.session[SIGN_IN_CLAIM] = {
                "session_id": session_id,
                "token": token,
                "scanned_at": now.isoformat(),
            }
        messages.info(
            request,
            _(
                "Sign in to your account to finish signing in to the class. The code you "
                "scanned stays valid for 5 minutes."
            ),
        )
        response = redirect_to_login(request.get_full_path())
        return _remember_device(request, response, device, new_device)

    session = Session.objects.select_related("training").filter(pk=session_id).first()
    if session is None:
        raise Http404
    employee = employee_for_user(request.user)
    if employee is None:
        raise Http404
    at = _claimed_scan_time(request, session, token, now)
    try:
        result = attendance_services.sign_in(
            session=session,
            employee=employee,
            token=token,
            client_ip=client_ip(request),
            device=device,
            user_agent=request.headers.get("User-Agent", ""),
            at=at,
        )
    except (ValidationError, ServiceError) as error:
        try:
            session_get_for_trainee(user=request.user, session_id=session.pk)
        except NotFound:
            enrolled = False
        else:
            enrolled = True
        context = {
            **_sign_in_context(session if enrolled else None, employee),
            "refusal": _error_text(error),
            "scanned": True,
            "form": SignInCodeForm(sessions=None) if enrolled else None,
        }
        response = render(request, TEMPLATES + "sign_in.html", context)
        return _remember_device(request, response, device, new_device)
    _flash_result(request, result)
    response = redirect("session_sign_in", session_id=session.pk)
    return _remember_device(request, response, device, new_device)

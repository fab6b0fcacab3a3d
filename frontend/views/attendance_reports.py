"""Attendance reports: a training's attendance (per trainee, per department and the
full-attendance list that HR's reward list uses) with its workbook and policy; per session
the printable sign-in sheet, its workbook and the import of the marked sheet."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from attendance import exports, imports, pdf
from attendance import selectors as attendance_selectors
from attendance.models import Status
from attendance.selectors import (
    TraineeAttendance,
    policy_for,
    session_get_for_runner,
    sessions_run_by,
)
from attendance.services import policy_update
from core.errors import NotFound, ServiceError
from core.http import attachment_response
from core.roles import Role, has_role
from courses.models import Session, Training
from courses.selectors.trainings import training_get_for_user, user_teaches_training
from frontend.forms import add_refused_upload_error, add_service_error
from frontend.forms.attendance_reports import AttendancePolicyForm, MarkedSheetImportForm
from frontend.responses import render_page_or_partial, xlsx_attachment

TRAINEES_PER_PAGE = 100

# How a status looks in the tables: the class of ``.status``.
STATUS_CLASSES = {
    Status.PRESENT: "ok",
    Status.LATE: "",
    Status.ABSENT: "off",
    Status.EXCUSED: "",
}


def _training_or_404(request, pk: int) -> Training:
    try:
        return training_get_for_user(user=request.user, training_id=pk)
    except NotFound as error:
        raise Http404 from error


def _attendance_training(request, pk: int) -> Training:
    """The training, for the safety officer, HR and the people teaching it; another
    training is a 404, and a trainee of this one gets 403."""
    training = _training_or_404(request, pk)
    if not (
        has_role(request.user, Role.SAFETY_OFFICER, Role.HR)
        or user_teaches_training(request.user, training)
    ):
        raise PermissionDenied
    return training


def _session_for_runner(request, pk: int) -> Session:
    try:
        return session_get_for_runner(user=request.user, session_id=pk)
    except NotFound as error:
        raise Http404 from error


@dataclass
class StatusCell:
    status: str | None
    label: str
    css: str


@dataclass
class TraineeRow:
    trainee: TraineeAttendance
    cells: list[StatusCell]


@dataclass
class SessionRow:
    session: Session
    number: int
    held: bool
    runnable: bool
    counts: dict[str, int]


def _cell(status: str | None) -> StatusCell:
    if status is None:
        return StatusCell(None, "—", "")
    return StatusCell(status, str(Status(status).label), STATUS_CLASSES[status])


def _tables(summary, runnable: set[int]) -> tuple[list[TraineeRow], list[SessionRow]]:
    """Each trainee's status per session (a held session without a record is absent, as
    the totals count it) and each session's counts."""
    held = {session.pk for session in summary.sessions_held}
    counts = {session.pk: dict.fromkeys(Status.values, 0) for session in summary.sessions}
    trainee_rows = []
    for trainee in summary.trainees:
        cells = []
        for session in summary.sessions:
            status = trainee.statuses.get(session.pk)
            if status is None and session.pk in held:
                status = Status.ABSENT
            if status is not None:
                counts[session.pk][status] += 1
            cells.append(_cell(status))
        trainee_rows.append(TraineeRow(trainee, cells))
    session_rows = [
        SessionRow(
            session=session,
            number=number,
            held=session.pk in held,
            runnable=session.pk in runnable,
            counts=counts[session.pk],
        )
        for number, session in enumerate(summary.sessions, start=1)
    ]
    return trainee_rows, session_rows


@login_required
@require_GET
def training_attendance(request, pk: int):
    """Per trainee: sessions attended, late, absent, excused, rate, hours and full
    attendance; per department; the full-attendance list; per session the sign-in sheet
    and the import of a marked sheet (for those who run the session). The same number of
    queries for ten trainees or a thousand."""
    training = _attendance_training(request, pk)
    summary = attendance_selectors.training_attendance(training)
    runnable = set(
        sessions_run_by(request.user).filter(training=training).values_list("pk", flat=True)
    )
    trainee_rows, session_rows = _tables(summary, runnable)
    page = Paginator(trainee_rows, TRAINEES_PER_PAGE).get_page(request.GET.get("page"))
    rates = [t.rate for t in summary.trainees if t.rate is not None]
    context = {
        "training": training,
        "summary": summary,
        "sessions": session_rows,
        "page": page,
        "full_attendance": summary.full_attendance_list,
        "mean_rate": sum(rates) / len(rates) if rates else None,
        "policy": policy_for(training),
        "manages": has_role(request.user, Role.SAFETY_OFFICER),
    }
    return render_page_or_partial(
        request,
        page="frontend/attendance/reports/training.html",
        partial="frontend/attendance/reports/_trainee_rows.html",
        context=context,
    )


@login_required
@require_GET
def training_attendance_xlsx(request, pk: int):
    training = _attendance_training(request, pk)
    return xlsx_attachment(
        exports.attendance_xlsx(training), f"training-{training.pk}-attendance.xlsx"
    )


@login_required
def training_attendance_policy(request, pk: int):
    """The safety officer sets how the training counts attendance and where trainees may
    sign in themselves. A training the caller may not see is a 404 (before the role check,
    so a trainee cannot tell which trainings exist); others who see it get 403."""
    training = _training_or_404(request, pk)
    if not has_role(request.user, Role.SAFETY_OFFICER):
        raise PermissionDenied
    policy = policy_for(training)
    form = AttendancePolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "excused_counts_as_attended": policy.excused_counts_as_attended,
            "allowed_networks": policy.allowed_networks,
            "proxy_check": policy.proxy_check,
            "proxy_window_minutes": policy.proxy_window_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_update(actor=request.user, training=training, **form.cleaned_data)
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The attendance rules were saved."))
            return redirect("training_attendance", pk=training.pk)
    return render(
        request,
        "frontend/attendance/reports/policy.html",
        {"training": training, "form": form},
    )


def _sheet_filename(session: Session, extension: str) -> str:
    start = timezone.localtime(session.starts_at)
    return f"sign-in-sheet-{start:%Y%m%d-%H%M}-{session.pk}.{extension}"


@login_required
@require_GET
def session_sign_in_sheet_pdf(request, pk: int):
    """The printable sign-in sheet, for those who run the session."""
    session = _session_for_runner(request, pk)
    return attachment_response(
        pdf.sign_in_sheet_pdf(session),
        filename=_sheet_filename(session, "pdf"),
        content_type="application/pdf",
    )


@login_required
@require_GET
def session_sign_in_sheet_xlsx(request, pk: int):
    """The workbook to mark and import, for those who run the session."""
    session = _session_for_runner(request, pk)
    return xlsx_attachment(imports.sign_in_sheet_xlsx(session), _sheet_filename(session, "xlsx"))


@login_required
def session_attendance_import(request, pk: int):
    """Upload a marked sign-in sheet: every row is checked first and, with any error,
    nothing is written and the page lists each bad row; ``dry_run`` checks and counts
    without writing."""
    session = _session_for_runner(request, pk)
    if request.method == "POST":
        form = MarkedSheetImportForm(request.POST, request.FILES)
    else:
        form = MarkedSheetImportForm()
    result = None
    refused = request.method == "POST" and add_refused_upload_error(request, form)
    if request.method == "POST" and not refused and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.attendance_import(
            actor=request.user,
            session=session,
            data=upload.read(),
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
        )
        if not result.errors:
            counts = {"updated": result.updated, "unchanged": result.unchanged}
            if result.dry_run:
                messages.info(
                    request,
                    _(
                        "Check passed. The import would update %(updated)d and leave "
                        "%(unchanged)d trainees unchanged. Nothing was written."
                    )
                    % counts,
                )
                return redirect("session_attendance_import", pk=session.pk)
            messages.success(
                request,
                _("Attendance imported: %(updated)d updated, %(unchanged)d unchanged.") % counts,
            )
            return redirect("training_attendance", pk=session.training_id)
    return render(
        request,
        "frontend/attendance/reports/import.html",
        {
            "session": session,
            "training": session.training,
            "facts": exports.session_facts(session),
            "form": form,
            "result": result,
        },
    )

"""The live proctor board of an exam, for the safety officer: every candidate's state (not
started, in progress with answered k of n and the time left, submitted, graded with the
score), extra time for one candidate or everyone in progress, and closing the exam early.

The page is complete without its script (a reload shows the truth); ``proctor.js`` keeps it
live over ``ws/exams/<id>/proctor/`` (``exams.consumers.ProctorBoardConsumer``). Extra time
reaches the candidates' pages through the attempt's group, broadcast by the service.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotFound, ServiceError
from core.roles import Role
from exams.models import Exam
from exams.selectors.exams import exam_get_for_user
from exams.selectors.proctor import ProctorBoard, ProctorRow, ProctorState, proctor_board
from exams.services.proctoring import attempts_extend, exam_close_early
from frontend.access import role_required
from frontend.forms import add_service_error
from people.models import Employee

TEMPLATES = "frontend/exams/proctor/"


# Forms: they shape input; the services decide (minutes from 1 to 1440, a reason, the exam
# not closed yet) and their refusals are put back on the form.


class ExtendForm(forms.Form):
    """Extra minutes for one candidate (their attempt in progress and any later one) or for
    everyone with an attempt in progress."""

    employee = forms.TypedChoiceField(
        label=gettext_lazy("Who"), required=False, coerce=int, empty_value=None
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Extra minutes"),
        initial=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)

    def __init__(self, *args, rows: list[ProctorRow], **kwargs):
        super().__init__(*args, auto_id="extend_%s", **kwargs)
        choices: list[tuple] = [("", _("Everyone with an attempt in progress"))]
        choices += [
            (row.employee_id, f"{row.name} ({row.employee_no}) · {row.state_label}") for row in rows
        ]
        self.fields["employee"].choices = choices


class CloseEarlyForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Close the exam now for everyone: attempts in progress are handed in with their "
            "answers and nobody may start."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args, **kwargs):
        # Ids of its own: the extra-time form on the same page has a reason too.
        super().__init__(*args, auto_id="close_%s", **kwargs)


# Shared ----------------------------------------------------------------------------------


def _exam(request, pk: int) -> Exam:
    try:
        return exam_get_for_user(user=request.user, exam_id=pk)
    except NotFound as error:
        raise Http404 from error


def _labels() -> dict:
    """The state names and the texts of the page's script, in the reader's language."""
    return {
        "state": {state: str(label) for state, label in ProctorState.LABELS.items()},
        "text": {
            "live": _("Live"),
            "reconnecting": _("Connection lost, reconnecting…"),
            "refused": _("This page may no longer show the exam. Reload it."),
            "answered": _("%(answered)s of %(questions)s"),
            "time-up": _("Time up, closing…"),
            "submitted-at": _("Handed in at %(time)s"),
            "score": _("%(score)s of %(max)s"),
            "passed": _("passed"),
            "failed": _("failed"),
            "exam-closed": _("The exam was closed early at %(time)s."),
        },
    }


def _render(
    request,
    exam: Exam,
    board: ProctorBoard,
    *,
    extend_form: ExtendForm | None = None,
    close_form: CloseEarlyForm | None = None,
):
    if extend_form is None:
        chosen = request.GET.get("extend", "")
        known = {str(row.employee_id) for row in board.rows}
        extend_form = ExtendForm(
            rows=board.rows, initial={"employee": chosen if chosen in known else ""}
        )
    context = {
        "exam": exam,
        "board": board,
        "counts": board.counts,
        "extend_form": extend_form,
        "close_form": close_form or CloseEarlyForm(),
        "board_payload": board.payload(),
        "labels": _labels(),
        "ws_path": f"/ws/exams/{exam.pk}/proctor/",
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, TEMPLATES + "board.html", context)


# Pages -----------------------------------------------------------------------------------


@role_required(Role.SAFETY_OFFICER)
@require_GET
@never_cache
def proctor_board_page(request, pk: int):
    """Every candidate's state, counts at the top, the actions below; ``?extend=<employee>``
    picks that candidate in the extra-time form."""
    exam = _exam(request, pk)
    return _render(request, exam, proctor_board(exam))


@role_required(Role.SAFETY_OFFICER)
@require_POST
def proctor_extend(request, pk: int):
    exam = _exam(request, pk)
    board = proctor_board(exam)
    form = ExtendForm(request.POST, rows=board.rows)
    if form.is_valid():
        data = form.cleaned_data
        employee = None
        if data["employee"] is not None:
            employee = Employee.objects.filter(pk=data["employee"]).first()
        try:
            if data["employee"] is not None and employee is None:
                raise NotFound(_("This candidate no longer exists."))
            moved = attempts_extend(
                actor=request.user,
                exam=exam,
                minutes=data["minutes"],
                reason=data["reason"],
                employee=employee,
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _extended_message(employee, data["minutes"], moved))
            return redirect("proctor_board", pk=exam.pk)
    return _render(request, exam, board, extend_form=form)


def _extended_message(employee: Employee | None, minutes: int, moved: int) -> str:
    if employee is not None:
        if moved:
            return _("%(name)s has %(minutes)d more minutes.") % {
                "name": employee.name,
                "minutes": minutes,
            }
        return _(
            "%(name)s has no attempt in progress; their next attempt gets %(minutes)d more minutes."
        ) % {"name": employee.name, "minutes": minutes}
    if not moved:
        return _("No attempt is in progress: nobody was given extra time.")
    return ngettext(
        "%(count)d attempt in progress has %(minutes)d more minutes.",
        "%(count)d attempts in progress have %(minutes)d more minutes.",
        moved,
    ) % {"count": moved, "minutes": minutes}


@role_required(Role.SAFETY_OFFICER)
@require_POST
def proctor_close_early(request, pk: int):
    exam = _exam(request, pk)
    form = CloseEarlyForm(request.POST)
    if form.is_valid():
        try:
            closed = exam_close_early(
                actor=request.user, exam=exam, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The exam is closed; %(count)d attempt in progress was handed in.",
                    "The exam is closed; %(count)d attempts in progress were handed in.",
                    closed,
                )
                % {"count": closed},
            )
            return redirect("proctor_board", pk=exam.pk)
    exam.refresh_from_db()
    return _render(request, exam, proctor_board(exam), close_form=form)

"""API of one attempt: reading it (resume, result, review), saving an answer, submitting,
reopening; and grading one open answer.

The answer save is the hot path of an exam (every candidate, every few seconds): it checks
the body's size and shape before anything else, reads nothing itself and leaves the one read
and the one conditional update to ``answer_save``. With token authentication a save costs
three queries, with a session four.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import role_permission
from core.errors import NotFound
from core.parsers import JSONParser
from core.roles import Role, has_role
from exams.api.attempt_payloads import attempt_payload, submit_payload
from exams.api.exam_serializers import GradeSerializer, ReopenSerializer, decimal, when
from exams.content import MAX_BLANKS
from exams.models import MAX_OPTIONS, Answer, Attempt, QuestionType
from exams.selectors.exams import (
    attempt_get_for_user,
    results_visible,
    review_visible,
    user_manages_exams,
    user_may_grade,
)
from exams.services.attempts import (
    MAX_TEXT_LENGTH,
    answer_save,
    attempt_close_if_expired,
    attempt_submit,
)
from exams.services.grading import answer_grade
from exams.services.proctoring import attempt_reopen

# The largest legitimate save (twenty blanks of a thousand characters, JSON-escaped) stays
# well under this; anything bigger is refused before the body is parsed.
MAX_SAVE_BYTES = 256 * 1024
SAVE_FIELDS = frozenset({"selected", "text", "blanks", "flagged", "sequence"})


def _own(attempt: Attempt, user) -> bool:
    return attempt.employee.user_id == user.pk


class AttemptView(APIView):
    """The caller's own attempt (the safety officer and HR: any; instructors: attempts of
    exams they grade, without the candidate when grading is anonymous). An attempt whose
    time is up is closed first, with its answers. The candidate sees the score and pass once
    the exam's visibility rule allows, and the key and explanations only when review is
    allowed too; before that their answers only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, attempt_id: int):
        attempt = attempt_get_for_user(user=request.user, attempt_id=attempt_id)
        attempt = attempt_close_if_expired(attempt=attempt)
        if _own(attempt, request.user):
            body = attempt_payload(
                attempt,
                show_results=results_visible(attempt),
                with_key=review_visible(attempt),
            )
        else:
            # A grader who is neither safety officer nor HR must not learn whose answers
            # they grade anonymously by reading the attempt.
            named = has_role(request.user, Role.SAFETY_OFFICER, Role.HR)
            body = attempt_payload(
                attempt,
                show_results=True,
                with_key=user_manages_exams(request.user),
                with_candidate=named or not attempt.exam.anonymous_grading,
            )
        return Response(body)


class SaveShape(serializers.Serializer):
    """For the schema only: the view checks the body by hand, cheaply."""

    selected = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The option identifiers this attempt shows (random per attempt).",
    )
    text = serializers.CharField(required=False, allow_blank=True)
    blanks = serializers.ListField(child=serializers.CharField(), required=False)
    flagged = serializers.BooleanField(required=False)
    sequence = serializers.IntegerField(required=False)


class SavedShape(serializers.Serializer):
    saved = serializers.BooleanField(help_text="False: a newer save was already stored.")
    sequence = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    answered = serializers.BooleanField()


def _refuse(field: str, message: str):
    raise serializers.ValidationError({field: [message]})


def _checked_body(request) -> dict:
    """The save's body, refused (400) when too big, not an object, with a field the client
    may not send (a score, a deadline, a status…) or with too many items: before any
    query."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_SAVE_BYTES + 1
    if length > MAX_SAVE_BYTES:
        _refuse("detail", _("The answer is too large."))
    body = request.data
    if not isinstance(body, dict):
        _refuse("detail", _("Send the answer as a JSON object."))
    unknown = sorted(set(body) - SAVE_FIELDS)
    if unknown:
        _refuse(
            unknown[0],
            _("Only selected, text, blanks, flagged and sequence may be sent."),
        )
    for name, most in (("selected", MAX_OPTIONS), ("blanks", MAX_BLANKS)):
        value = body.get(name)
        if value is not None and (not isinstance(value, list) or len(value) > most):
            _refuse(name, _("At most %d items.") % most)
    text = body.get("text")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH):
        _refuse("text", _("An answer takes at most %d characters.") % MAX_TEXT_LENGTH)
    if body.get("flagged") is not None and not isinstance(body["flagged"], bool):
        _refuse("flagged", _("true or false."))
    return body


class AnswerSaveView(APIView):
    """Save the answer to one question of the caller's own attempt, named by the identifier
    the attempt shows for it: ``{selected: [option identifiers]}``, ``{text}`` or ``{blanks:
    [...]}``, with ``flagged`` and ``sequence`` (a number
    the page raises with every change: an older save arriving late is ignored, ``saved``
    false). Another person's attempt is a 404; after submitting, or after the deadline plus
    the grace for network lag, 409; an option of another question, or an oversized answer,
    400. No other field is accepted (a score, a deadline, a status: 400). The time is the
    server's; nothing the client's clock says is used."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=SaveShape,
        responses={
            200: SavedShape,
            400: OpenApiResponse(description="Bad answer."),
            404: OpenApiResponse(description="Not the caller's attempt."),
            409: OpenApiResponse(description="Submitted, or time is up."),
        },
    )
    def put(self, request, attempt_id: int, question_id: str):
        body = _checked_body(request)
        result = answer_save(
            user=request.user,
            attempt_id=attempt_id,
            question=question_id,
            selected=body.get("selected"),
            text=body.get("text"),
            blanks=body.get("blanks"),
            flagged=body.get("flagged"),
            sequence=body.get("sequence"),
        )
        return Response(
            {
                "saved": result.saved,
                "sequence": result.sequence,
                "saved_at": when(result.saved_at),
                "answered": result.answered,
            }
        )


class SubmitView(APIView):
    """Hand in the caller's own attempt. Idempotent: submitting again (or twice at once)
    returns the same result, graded once. ``score`` and ``passed`` are null until the exam's
    visibility rule shows them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, attempt_id: int):
        attempt = attempt_get_for_user(user=request.user, attempt_id=attempt_id)
        if not _own(attempt, request.user):
            raise PermissionDenied(_("Only the candidate hands in an attempt."))
        attempt = attempt_submit(attempt=attempt)
        return Response(submit_payload(attempt, show_results=results_visible(attempt)))


class ReopenView(APIView):
    """Let a candidate continue a closed attempt for ``minutes`` more, with a reason (the
    safety officer)."""

    permission_classes = [role_permission(Role.SAFETY_OFFICER)]

    @extend_schema(request=ReopenSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, attempt_id: int):
        attempt = attempt_get_for_user(user=request.user, attempt_id=attempt_id)
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attempt = attempt_reopen(
            actor=request.user,
            attempt=attempt,
            reason=body.validated_data["reason"],
            minutes=body.validated_data["minutes"],
        )
        return Response(
            attempt_payload(
                attempt,
                show_results=True,
                with_key=False,
                with_questions=False,
                with_candidate=True,
            )
        )


class AnswerGradeView(APIView):
    """Grade one open answer (or change its grade): the safety officer, and instructors of
    the exam's training. Answers of other exams, and answers that are not open answers, are
    404."""

    permission_classes = [role_permission(Role.SAFETY_OFFICER, Role.INSTRUCTOR)]

    @extend_schema(request=GradeSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request, answer_id: int):
        answer = (
            Answer.objects.select_related("attempt__exam")
            .filter(pk=answer_id, attempt_question__version__type=QuestionType.SHORT_ANSWER)
            .first()
        )
        if answer is None or not (
            has_role(request.user, Role.SAFETY_OFFICER)
            or user_may_grade(request.user, answer.attempt.exam)
        ):
            raise NotFound(_("Answer not found."))
        body = GradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer = answer_grade(
            actor=request.user,
            answer=answer,
            score=body.validated_data["score"],
            comment=body.validated_data["comment"],
        )
        return Response(
            {
                "id": answer.pk,
                "score": decimal(answer.score),
                "comment": answer.grader_comment,
                "needs_grading": answer.needs_grading,
                "graded_at": when(answer.graded_at),
            }
        )

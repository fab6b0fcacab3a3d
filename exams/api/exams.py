"""API of exams: the exams themselves, starting an attempt and the list of attempts, per-person
overrides, extra time, closing early, the open-answer grading queue, key corrections and
practical-exam scores.

Who sees what: the safety officer and HR every exam, an instructor the exams of trainings
they teach, a trainee the exams they may sit (with their own eligibility, and none of the
settings about other people, rewards or grading). Writes are the safety officer's; the
services do them.
"""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import role_permission
from core.errors import NotFound
from core.roles import Role, has_role
from courses.models import Training
from courses.selectors.trainings import teaching_filter
from exams.api.attempt_payloads import attempt_code, attempt_payload
from exams.api.exam_serializers import (
    AttemptRowSerializer,
    CandidateExamSerializer,
    ClosedSerializer,
    EligibilitySerializer,
    ExamSerializer,
    ExtendedSerializer,
    ExtendSerializer,
    GradingItemSerializer,
    GradingQuerySerializer,
    KeyCorrectedSerializer,
    KeyCorrectionSerializer,
    OverrideSerializer,
    PracticalScoreSerializer,
    ReasonSerializer,
    decimal,
    practical_rows,
    when,
)
from exams.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Exam,
    ExamOverride,
    QuestionVersion,
)
from exams.selectors.exams import (
    Eligibility,
    exam_candidates,
    exam_eligibility,
    exam_get_for_user,
    exam_list_for_user,
    exams_for_candidate,
    user_may_grade,
)
from exams.selectors.grading import grading_answers
from exams.services.attempts import (
    attempt_close_if_expired,
    attempt_start,
    attempts_close_expired,
    save_grace,
)
from exams.services.exams import (
    exam_create,
    exam_delete,
    exam_update,
    override_delete,
    override_set,
)
from exams.services.grading import practical_scores_set, question_key_correct
from exams.services.proctoring import attempts_extend, exam_close_early
from people.models import Employee

Officers = role_permission(Role.SAFETY_OFFICER)
Graders = role_permission(Role.SAFETY_OFFICER, Role.INSTRUCTOR)
OFFICER_ACTIONS = {
    "create",
    "update",
    "partial_update",
    "destroy",
    "extend",
    "close",
    "overrides",
    "override",
    "correct_key",
    "practical_scores",
}


def _employee(user) -> Employee | None:
    return getattr(user, "employee", None) if user.is_authenticated else None


def _candidate(exam: Exam, employee_id) -> Employee:
    """An employee who sits the exam; anyone else is a 400 on ``employee``."""
    employee = exam_candidates(exam).filter(pk=employee_id).first()
    if employee is None:
        raise serializers.ValidationError({"employee": [_("This person does not sit the exam.")]})
    return employee


def candidate_eligibility(exam: Exam, employee: Employee) -> Eligibility:
    """The candidate's eligibility; an attempt left in progress past its deadline is closed
    first (this is one of the candidate's "next requests"), so the answer is current."""
    eligibility = exam_eligibility(exam=exam, employee=employee)
    stale = eligibility.in_progress
    if stale is not None and timezone.now() > stale.deadline + save_grace():
        attempt_close_if_expired(attempt=stale)
        eligibility = exam_eligibility(exam=exam, employee=employee)
    return eligibility


class ExamViewSet(viewsets.GenericViewSet):
    """Exams. Everyone signed in reads the exams they may see (a trainee: the exams they may
    sit, with ``eligibility``); the safety officer writes. PUT sends the whole exam, PATCH
    only what changes. An exam someone has started cannot be deleted (400)."""

    serializer_class = ExamSerializer
    queryset = Exam.objects.none()  # for the schema; the methods read the selectors
    lookup_value_regex = r"\d+"

    def get_permissions(self):
        if self.action in OFFICER_ACTIONS:
            return [Officers()]
        if self.action == "grading":
            return [Graders()]
        return [IsAuthenticated()]

    def _exam(self, pk) -> Exam:
        return exam_get_for_user(user=self.request.user, exam_id=int(pk))

    def _body(self, exams: list[Exam]) -> list[dict]:
        """Each exam as the caller may see it: whole for the safety officer, HR and the
        training's instructors; the candidate's view otherwise; with the caller's own
        eligibility where they sit it."""
        user = self.request.user
        employee = _employee(user)
        everything = has_role(user, Role.SAFETY_OFFICER, Role.HR)
        taught: set[int] = set()
        if not everything and employee is not None and has_role(user, Role.INSTRUCTOR):
            taught = set(
                Training.objects.filter(teaching_filter(employee.pk)).values_list("pk", flat=True)
            )
        sits: set[int] = set()
        if employee is not None and has_role(user, Role.TRAINEE):
            sits = set(
                exams_for_candidate(employee)
                .filter(pk__in=[exam.pk for exam in exams])
                .values_list("pk", flat=True)
            )
        eligibility = {
            exam.pk: candidate_eligibility(exam, employee) for exam in exams if exam.pk in sits
        }
        body = []
        for exam in exams:
            if everything or exam.training_id in taught:
                data = ExamSerializer(exam).data
                if exam.pk in eligibility:
                    data["eligibility"] = EligibilitySerializer(eligibility[exam.pk]).data
            else:
                data = CandidateExamSerializer(exam, context={"eligibility": eligibility}).data
            body.append(data)
        return body

    @extend_schema(responses=ExamSerializer(many=True))
    def list(self, request):
        exams = exam_list_for_user(request.user).prefetch_related("departments", "people")
        page = self.paginate_queryset(exams)
        return self.get_paginated_response(self._body(page))

    def retrieve(self, request, pk=None):
        return Response(self._body([self._exam(pk)])[0])

    @extend_schema(responses={201: ExamSerializer})
    def create(self, request):
        body = ExamSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        exam = exam_create(actor=request.user, spec=body.spec())
        return Response(ExamSerializer(exam).data, status=status.HTTP_201_CREATED)

    def _update(self, request, pk, *, partial: bool):
        exam = self._exam(pk)
        body = ExamSerializer(exam, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        exam = exam_update(actor=request.user, exam=exam, spec=body.spec(exam))
        return Response(ExamSerializer(exam).data)

    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        exam_delete(actor=request.user, exam=self._exam(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Attempts ------------------------------------------------------------------------------

    @extend_schema(
        methods=["POST"],
        request=None,
        responses={
            201: OpenApiResponse(description="A new attempt with its questions."),
            200: OpenApiResponse(description="The attempt already in progress."),
            409: OpenApiResponse(description="The candidate may not start now; why."),
        },
        description="Start an attempt (trainees). The deadline is the server's: the earlier "
        "of now + duration (+ extra time) and the close time. An attempt in progress is "
        "returned instead (200), with the answers saved so far.",
    )
    @extend_schema(methods=["GET"], responses=AttemptRowSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def attempts(self, request, pk=None):
        if request.method == "POST":
            return self._start(request, pk)
        if not has_role(request.user, Role.SAFETY_OFFICER, Role.HR):
            raise PermissionDenied
        exam = self._exam(pk)
        now = timezone.now()
        # Reading results closes the attempts whose time is up, so the list is current.
        attempts_close_expired(exam=exam, now=now)
        attempts = Attempt.objects.filter(exam=exam).select_related("employee__department")
        state = request.query_params.get("status")
        if state in AttemptStatus.values:
            attempts = attempts.filter(status=state)
        page = self.paginate_queryset(attempts.order_by("employee__employee_no", "number"))
        return self.get_paginated_response(AttemptRowSerializer(page, many=True).data)

    def _start(self, request, pk):
        if not has_role(request.user, Role.TRAINEE):
            raise PermissionDenied
        exam = self._exam(pk)
        employee = _employee(request.user)
        if employee is None:
            raise NotFound(_("Exam not found."))
        result = attempt_start(employee=employee, exam=exam)
        return Response(
            attempt_payload(result.attempt, show_results=False, with_key=False),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    # Overrides, extra time, closing ---------------------------------------------------------

    @extend_schema(responses=OverrideSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not paged
    def overrides(self, request, pk=None):
        exam = self._exam(pk)
        overrides = ExamOverride.objects.filter(exam=exam).order_by("employee_id")
        return Response(OverrideSerializer(overrides, many=True).data)

    @extend_schema(methods=["PUT"], request=OverrideSerializer, responses=OverrideSerializer)
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["put", "delete"], url_path=r"overrides/(?P<employee_id>\d+)")
    def override(self, request, pk=None, employee_id=None):
        """Other terms for one candidate (extra minutes per attempt, extra attempts, other
        dates), with a reason; DELETE takes them back."""
        exam = self._exam(pk)
        employee = get_object_or_404(Employee, pk=employee_id)
        if request.method == "DELETE":
            override = ExamOverride.objects.filter(exam=exam, employee=employee).first()
            if override is None:
                raise NotFound(_("This candidate has no override."))
            override_delete(actor=request.user, override=override)
            return Response(status=status.HTTP_204_NO_CONTENT)
        employee = _candidate(exam, employee.pk)
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        override = override_set(
            actor=request.user,
            exam=exam,
            employee=employee,
            reason=data["reason"],
            extra_minutes=data["extra_minutes"],
            extra_attempts=data["extra_attempts"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
        )
        return Response(OverrideSerializer(override).data)

    @extend_schema(request=ExtendSerializer, responses=ExtendedSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extra time for one candidate or for everyone with an attempt in progress; their
        countdowns move at once."""
        exam = self._exam(pk)
        body = ExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        employee = data.get("employee")
        if employee is not None:
            employee = _candidate(exam, employee.pk)
        moved = attempts_extend(
            actor=request.user,
            exam=exam,
            minutes=data["minutes"],
            reason=data["reason"],
            employee=employee,
        )
        return Response({"extended": moved})

    @extend_schema(request=ReasonSerializer, responses=ClosedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the exam now for everyone: attempts in progress close with their answers."""
        exam = self._exam(pk)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closed = exam_close_early(
            actor=request.user, exam=exam, reason=body.validated_data["reason"]
        )
        exam.refresh_from_db(fields=["closed_early_at"])
        return Response({"closed_early_at": when(exam.closed_early_at), "attempts_closed": closed})

    # Grading ------------------------------------------------------------------------------

    @extend_schema(parameters=[GradingQuerySerializer], responses=GradingItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def grading(self, request, pk=None):
        """The open answers to grade (the safety officer; instructors of the training), one
        question at a time with ``?question=``; ``questions`` counts what each question still
        awaits. Anonymous unless the exam says otherwise: an attempt code, no name."""
        exam = self._exam(pk)
        if not user_may_grade(request.user, exam):
            raise PermissionDenied
        query = GradingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        answers = grading_answers(
            exam=exam,
            state=query.validated_data["state"],
            question_id=query.validated_data.get("question"),
        )
        answers = answers.select_related("attempt_question__version", "attempt__employee").order_by(
            "attempt_question__question_id_shown", "pk"
        )
        page = self.paginate_queryset(answers)
        response = self.get_paginated_response(
            [self._grading_item(answer, anonymous=exam.anonymous_grading) for answer in page]
        )
        pending = (
            grading_answers(exam=exam, state="pending")
            .values("attempt_question__question_id_shown")
            .annotate(pending=Count("pk"))
            .order_by("attempt_question__question_id_shown")
        )
        response.data["questions"] = [
            {"question": row["attempt_question__question_id_shown"], "pending": row["pending"]}
            for row in pending
        ]
        return response

    @staticmethod
    def _grading_item(answer: Answer, *, anonymous: bool) -> dict:
        aq = answer.attempt_question
        data = {
            "id": answer.pk,
            "attempt": attempt_code(answer.attempt_id),
            "question": aq.question_id_shown,
            "version": aq.version_id,
            "stem": aq.version.stem,
            "reference_answer": aq.version.reference_answer,
            "points": decimal(aq.points),
            "text": answer.text,
            "needs_grading": answer.needs_grading,
            "score": decimal(answer.score),
            "comment": answer.grader_comment,
            "graded_at": when(answer.graded_at),
        }
        if not anonymous:
            employee = answer.attempt.employee
            data.update(employee=employee.pk, employee_no=employee.employee_no, name=employee.name)
        return data

    @extend_schema(request=KeyCorrectionSerializer, responses=KeyCorrectedSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"questions/(?P<version_id>\d+)/correct-key",
        url_name="correct-key",
    )
    def correct_key(self, request, pk=None, version_id=None):
        """Correct the key of a question version shown in this exam and regrade every closed
        attempt that showed it (audit-logged)."""
        exam = self._exam(pk)
        if not AttemptQuestion.objects.filter(attempt__exam=exam, version_id=version_id).exists():
            raise NotFound(_("No attempt of this exam showed that question."))
        body = KeyCorrectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        correction = question_key_correct(
            actor=request.user,
            version=QuestionVersion.objects.get(pk=version_id),
            reason=data["reason"],
            correct_positions=data.get("correct_positions"),
            blanks=data.get("blanks"),
        )
        return Response(
            {
                "version": correction.version.pk,
                "answers_changed": correction.answers_changed,
                "attempts_changed": correction.attempts_changed,
            }
        )

    @extend_schema(
        request=PracticalScoreSerializer(many=True), responses=PracticalScoreSerializer(many=True)
    )
    @action(detail=True, methods=["put"], url_path="practical-scores", pagination_class=None)
    def practical_scores(self, request, pk=None):
        """Enter practical-exam scores ``[{employee, score}]``, all or nothing."""
        exam = self._exam(pk)
        body = PracticalScoreSerializer(data=request.data, many=True, max_length=10_000)
        body.is_valid(raise_exception=True)
        saved = practical_scores_set(
            actor=request.user, exam=exam, scores=practical_rows(body.validated_data)
        )
        return Response(
            [
                {
                    "employee": record.employee_id,
                    "score": decimal(record.score),
                    "passed": record.passed,
                }
                for record in saved
            ]
        )

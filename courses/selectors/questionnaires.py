"""Reads of questionnaires: who may see which, what a trainee still has to answer, and the
results (feedback rate, per-question figures, free-text opinions) in a fixed number of
queries whatever the number of responses."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import Role, has_role
from courses.models import (
    Answer,
    Question,
    QuestionChoice,
    QuestionKind,
    Questionnaire,
    QuestionnaireRecipient,
    Response,
    Training,
)
from people.models import Employee

# The title the data migration gives the default template.
DEFAULT_TEMPLATE_TITLE = "Training effectiveness survey"
RATINGS = (1, 2, 3, 4, 5)


def _employee_id(user) -> int | None:
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    return employee.pk if employee is not None else None


def user_manages_questionnaires(user) -> bool:
    """The safety officer (or admin) drafts, issues and deletes questionnaires."""
    return has_role(user, Role.SAFETY_OFFICER)


def user_reads_questionnaire_results(user) -> bool:
    """The safety officer and HR read results and export them."""
    return has_role(user, Role.SAFETY_OFFICER, Role.HR)


def _count_of(model) -> Coalesce:
    """How many ``model`` rows belong to the questionnaire, as a subquery: counting through
    joins would multiply recipients by responses by questions."""
    rows = (
        model.objects.filter(questionnaire=OuterRef("pk"))
        .order_by()
        .values("questionnaire")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_counts(questionnaires: QuerySet[Questionnaire]) -> QuerySet[Questionnaire]:
    return questionnaires.annotate(
        issued_count=_count_of(QuestionnaireRecipient),
        returned_count=_count_of(Response),
        question_count=_count_of(Question),
    )


def questions_prefetch() -> Prefetch:
    """The questions in order with their options, for whoever shows or answers them."""
    return Prefetch(
        "questions",
        queryset=Question.objects.order_by("position", "id").prefetch_related(
            Prefetch("choices", queryset=QuestionChoice.objects.order_by("position", "id"))
        ),
    )


def questionnaire_list_for_user(user, *, training: Training) -> QuerySet[Questionnaire]:
    """A training's questionnaires for the user: all of them for the safety officer and HR,
    those issued to them for a trainee, none for anyone else. Each carries
    ``issued_count``, ``returned_count`` and ``question_count``."""
    questionnaires = _with_counts(
        Questionnaire.objects.filter(training=training, is_template=False).select_related(
            "training"
        )
    ).order_by("created_at", "id")
    if user_reads_questionnaire_results(user):
        return questionnaires
    employee_id = _employee_id(user)
    if has_role(user, Role.TRAINEE) and employee_id is not None:
        return questionnaires.filter(
            pk__in=QuestionnaireRecipient.objects.filter(employee_id=employee_id).values(
                "questionnaire"
            )
        )
    return questionnaires.none()


def questionnaire_get_for_user(*, user, questionnaire_id: int) -> Questionnaire:
    """The questionnaire if the user may see it, with its questions and options loaded: any
    for the safety officer, any but templates for HR, one issued to them for a trainee.
    Otherwise NotFound, whether it exists or not."""
    questionnaires = _with_counts(
        Questionnaire.objects.select_related("training").prefetch_related(questions_prefetch())
    )
    if not user_manages_questionnaires(user):
        if has_role(user, Role.HR):
            questionnaires = questionnaires.filter(is_template=False)
        else:
            employee_id = _employee_id(user)
            if employee_id is None or not has_role(user, Role.TRAINEE):
                raise NotFound(_("Questionnaire not found."))
            questionnaires = questionnaires.filter(
                pk__in=QuestionnaireRecipient.objects.filter(employee_id=employee_id).values(
                    "questionnaire"
                )
            )
    questionnaire = questionnaires.filter(pk=questionnaire_id).first()
    if questionnaire is None:
        raise NotFound(_("Questionnaire not found."))
    return questionnaire


def questionnaire_recipient_for(
    *, employee: Employee | None, questionnaire_id: int
) -> QuestionnaireRecipient:
    """The employee's receipt of the questionnaire (which says whether they answered), with
    the questionnaire, its training and its questions loaded. NotFound when it was not issued
    to them, whether it exists or not."""
    recipient = None
    if employee is not None:
        recipient = (
            QuestionnaireRecipient.objects.select_related("questionnaire__training")
            .filter(employee_id=employee.pk, questionnaire_id=questionnaire_id)
            .first()
        )
    if recipient is None:
        raise NotFound(_("Questionnaire not found."))
    prefetch_related_objects([recipient.questionnaire], questions_prefetch())
    return recipient


def questionnaire_ids_answered_by(employee: Employee | None, questionnaire_ids) -> set[int]:
    """Which of the questionnaires the employee has answered."""
    if employee is None:
        return set()
    return set(
        QuestionnaireRecipient.objects.filter(
            employee=employee, questionnaire_id__in=list(questionnaire_ids)
        )
        .exclude(responded_at=None)
        .values_list("questionnaire_id", flat=True)
    )


def questionnaire_is_open(questionnaire: Questionnaire) -> bool:
    """Issued and not past its closing time."""
    return questionnaire.issued_at is not None and (
        questionnaire.closes_at is None or questionnaire.closes_at > timezone.now()
    )


def questionnaires_open_for_employee(employee: Employee) -> QuerySet[Questionnaire]:
    """What the employee still has to answer: issued to them, not answered, not closed;
    oldest first, with the training loaded."""
    now = timezone.now()
    return (
        Questionnaire.objects.filter(
            is_template=False,
            issued_at__isnull=False,
            recipients__employee=employee,
            recipients__responded_at__isnull=True,
        )
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("training")
        .order_by("issued_at", "id")
    )


def questionnaire_template_list() -> QuerySet[Questionnaire]:
    """The templates to copy, newest first, with their questions and options loaded."""
    return (
        _with_counts(Questionnaire.objects.filter(is_template=True))
        .prefetch_related(questions_prefetch())
        .order_by("-created_at", "id")
    )


def questionnaire_default_template() -> Questionnaire | None:
    """The template the data migration created, unless someone removed it."""
    return (
        Questionnaire.objects.filter(is_template=True, title=DEFAULT_TEMPLATE_TITLE)
        .order_by("id")
        .first()
    )


def questionnaire_recipient_list(questionnaire: Questionnaire) -> QuerySet[QuestionnaireRecipient]:
    """Who received it and whether they answered (never what), by employee number."""
    return questionnaire.recipients.select_related("employee__department").order_by(
        "employee__employee_no"
    )


# Results -------------------------------------------------------------------------------------


def percentage(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with one decimal (half up); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class OptionCount:
    """How often a rating or an option was chosen, and the share of the question's answers."""

    value: int
    label: str
    count: int
    percent: Decimal | None


@dataclass
class QuestionResult:
    id: int
    position: int
    kind: str
    text: str
    required: bool
    answered: int = 0
    average: Decimal | None = None
    distribution: list[OptionCount] = field(default_factory=list)
    choices: list[OptionCount] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class QuestionnaireSummary:
    """The feedback figures: issued (recipients), returned (responses), the feedback rate
    (returned / issued, percent with one decimal, None before issue) and per question."""

    issued: int
    returned: int
    feedback_rate: Decimal | None
    questions: list[QuestionResult]


def questionnaire_summary(questionnaire: Questionnaire) -> QuestionnaireSummary:
    """Issued, returned and feedback rate, and per question: rating average and distribution
    1 to 5, option counts with percentages (of those who answered the question; for multiple
    choice they may add up to more than 100), and every free-text opinion without who wrote
    it. Eight queries whatever the number of responses."""
    issued = QuestionnaireRecipient.objects.filter(questionnaire=questionnaire).count()
    returned = Response.objects.filter(questionnaire=questionnaire).count()
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("choices", queryset=QuestionChoice.objects.order_by("position", "id"))
        )
    )
    answers = Answer.objects.filter(response__questionnaire=questionnaire)
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("question_id", "n")
    )
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, rating, count in (
        answers.filter(rating__isnull=False)
        .values("question_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("question_id", "rating", "n")
    ):
        ratings[question_id][rating] = count
    picked = dict(
        Answer.choices.through.objects.filter(answer__response__questionnaire=questionnaire)
        .values("questionchoice_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("questionchoice_id", "n")
    )
    texts: dict[int, list[str]] = defaultdict(list)
    # An anonymous questionnaire's opinions in text order, never in the order they came in.
    text_order = ("text", "id") if questionnaire.anonymous else ("response_id", "id")
    for question_id, text in (
        answers.exclude(text="").order_by(*text_order).values_list("question_id", "text")
    ):
        texts[question_id].append(text)
    results = []
    for question in questions:
        result = QuestionResult(
            id=question.pk,
            position=question.position,
            kind=question.kind,
            text=question.text,
            required=question.required,
            answered=answered.get(question.pk, 0),
        )
        if question.kind == QuestionKind.RATING:
            counts = ratings.get(question.pk, {})
            total = sum(counts.values())
            result.distribution = [
                OptionCount(
                    value=value,
                    label=str(value),
                    count=counts.get(value, 0),
                    percent=percentage(counts.get(value, 0), total),
                )
                for value in RATINGS
            ]
            if total:
                result.average = (
                    Decimal(sum(value * n for value, n in counts.items())) / Decimal(total)
                ).quantize(Decimal("0.01"), ROUND_HALF_UP)
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            result.choices = [
                OptionCount(
                    value=choice.pk,
                    label=choice.text,
                    count=picked.get(choice.pk, 0),
                    percent=percentage(picked.get(choice.pk, 0), result.answered),
                )
                for choice in question.choices.all()
            ]
        else:
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return QuestionnaireSummary(
        issued=issued,
        returned=returned,
        feedback_rate=percentage(returned, issued),
        questions=results,
    )


@dataclass
class ResponseRow:
    """One returned questionnaire for the export: ``respondent`` is None when anonymous;
    ``values`` holds one entry per question, in question order (None when not answered)."""

    number: int
    respondent: Employee | None
    submitted_at: object
    values: list


def questionnaire_response_rows(
    questionnaire: Questionnaire,
) -> tuple[list[Question], list[ResponseRow]]:
    """The questions in order and one row per response: a rating as its number, options as
    their texts joined by "; ", free text as written. For an anonymous questionnaire neither
    who answered nor when is given, and rows are sorted by their content. Four queries."""
    questions = list(questionnaire.questions.order_by("position", "id"))
    responses = (
        Response.objects.filter(questionnaire=questionnaire)
        .select_related("respondent__department")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.prefetch_related(
                    Prefetch("choices", queryset=QuestionChoice.objects.order_by("position", "id"))
                ),
            )
        )
    )
    if not questionnaire.anonymous:
        responses = responses.order_by("respondent__employee_no", "pk")
    rows = []
    for response in responses:
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        values = []
        for question in questions:
            answer = by_question.get(question.pk)
            if answer is None:
                values.append(None)
            elif question.kind == QuestionKind.RATING:
                values.append(answer.rating)
            elif question.kind == QuestionKind.TEXT:
                values.append(answer.text)
            else:
                values.append("; ".join(choice.text for choice in answer.choices.all()))
        rows.append(
            ResponseRow(
                number=0,
                respondent=None if questionnaire.anonymous else response.respondent,
                submitted_at=None if questionnaire.anonymous else response.submitted_at,
                values=values,
            )
        )
    if questionnaire.anonymous:
        # By content, never by submission order, which could be matched with who answered when.
        rows.sort(key=lambda row: [("" if v is None else str(v)) for v in row.values])
    for number, row in enumerate(rows, start=1):
        row.number = number
    return questions, rows


def questionnaire_issue_candidates(questionnaire: Questionnaire) -> QuerySet[Employee]:
    """The training's trainees who have not received the questionnaire yet, by number."""
    if questionnaire.training_id is None:
        return Employee.objects.none()
    received = QuestionnaireRecipient.objects.filter(
        questionnaire=questionnaire, employee_id=OuterRef("pk")
    )
    return (
        Employee.objects.filter(enrollments__training_id=questionnaire.training_id)
        .exclude(Exists(received))
        .order_by("employee_no")
    )


def question_get_for_user(*, user, question_id: int) -> Question:
    """A question of a training's questionnaire, for the safety officer; otherwise
    NotFound, whether it exists or not."""
    question = None
    if user_manages_questionnaires(user):
        question = (
            Question.objects.select_related("questionnaire")
            .filter(pk=question_id, questionnaire__training__isnull=False)
            .first()
        )
    if question is None:
        raise NotFound(_("Question not found."))
    return question

"""Questionnaires API: draft and issue (safety officer), answer (trainee recipient), read the
results (safety officer and HR). Thin: each view validates the body, calls a service or a
selector of ``courses`` and serializes the answer.

A trainee sees only questionnaires issued to them, and of those only the questions: never
anyone's answers or the figures.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import role_permission
from core.errors import NotFound
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.roles import Role
from courses.api.access import TrainingVisibleFirst
from courses.models import QuestionKind, Questionnaire
from courses.questionnaire_exports import questionnaire_results_xlsx
from courses.selectors import questionnaires as selectors
from courses.selectors.trainings import training_get_for_user
from courses.services import questionnaires as services
from people.models import Employee

Managers = role_permission(Role.SAFETY_OFFICER)
# Everyone with a part in questionnaires may read; only the safety officer writes.
Readers = role_permission(Role.SAFETY_OFFICER, read_only_roles=(Role.HR, Role.TRAINEE))
ResultReaders = role_permission(Role.SAFETY_OFFICER, read_only_roles=(Role.HR,))
Respondents = role_permission(Role.TRAINEE)


def _employee(user) -> Employee | None:
    return getattr(user, "employee", None)


# Serializers ---------------------------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, read_only=True)
    text = serializers.CharField(read_only=True)
    required = serializers.BooleanField(read_only=True)
    choices = ChoiceSerializer(many=True, read_only=True, source="choices.all")


class QuestionWriteSerializer(serializers.Serializer):
    """A question to add: ``choices`` are option texts, for single and multiple choice."""

    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=500)
    required = serializers.BooleanField(default=True)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )

    def draft(self) -> services.QuestionDraft:
        return services.QuestionDraft(**self.validated_data)


class QuestionPatchSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False)
    text = serializers.CharField(max_length=500, required=False)
    required = serializers.BooleanField(required=False)
    choices = serializers.ListField(child=serializers.CharField(max_length=300), required=False)


class QuestionOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField())


class QuestionnaireListSerializer(serializers.Serializer):
    """A questionnaire in a list, with its figures (safety officer and HR)."""

    id = serializers.IntegerField()
    training = serializers.IntegerField(source="training_id", allow_null=True)
    title = serializers.CharField()
    anonymous = serializers.BooleanField()
    is_template = serializers.BooleanField()
    issued_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    question_count = serializers.IntegerField()
    issued = serializers.IntegerField(source="issued_count")
    returned = serializers.IntegerField(source="returned_count")
    feedback_rate = serializers.SerializerMethodField()

    def get_feedback_rate(self, questionnaire) -> float | None:
        rate = selectors.percentage(questionnaire.returned_count, questionnaire.issued_count)
        return None if rate is None else float(rate)


class QuestionnaireSerializer(QuestionnaireListSerializer):
    """A questionnaire with its questions (safety officer and HR)."""

    introduction = serializers.CharField()
    questions = QuestionSerializer(many=True, source="questions.all")


class QuestionnaireReceivedSerializer(serializers.Serializer):
    """A questionnaire issued to the caller, in a list: whether it is open and whether they
    answered. No figures, no one's answers."""

    id = serializers.IntegerField()
    training = serializers.IntegerField(source="training_id")
    training_title = serializers.CharField(source="training.title")
    title = serializers.CharField()
    introduction = serializers.CharField()
    anonymous = serializers.BooleanField()
    issued_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    is_open = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()

    def get_is_open(self, questionnaire) -> bool:
        return selectors.questionnaire_is_open(questionnaire)

    def get_answered(self, questionnaire) -> bool:
        return questionnaire.pk in self.context.get("answered", set())


class QuestionnaireForRecipientSerializer(QuestionnaireReceivedSerializer):
    """What a trainee sees of one questionnaire: its questions and options."""

    questions = QuestionSerializer(many=True, source="questions.all")


class QuestionnaireCreateSerializer(serializers.Serializer):
    template = serializers.PrimaryKeyRelatedField(
        queryset=Questionnaire.objects.filter(is_template=True), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    introduction = serializers.CharField(required=False, allow_blank=True)
    anonymous = serializers.BooleanField(default=False)
    questions = QuestionWriteSerializer(many=True, required=False, default=list)


class QuestionnairePatchSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    introduction = serializers.CharField(required=False, allow_blank=True)
    anonymous = serializers.BooleanField(required=False)


class IssueSerializer(serializers.Serializer):
    """Without ``employees``: every enrolled trainee who has not received it yet."""

    employees = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), many=True, required=False
    )
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


class IssueResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    issued = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    """One answer: ``rating`` (1-5) for a rating, ``choices`` (option ids) for single or
    multiple choice, ``text`` for free text."""

    question = serializers.IntegerField()
    rating = serializers.IntegerField(required=False, allow_null=True)
    choices = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class ResponseSubmitSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True)

    def answer_inputs(self) -> list[services.AnswerInput]:
        return [
            services.AnswerInput(
                question=answer["question"],
                rating=answer.get("rating"),
                choices=tuple(answer.get("choices") or ()),
                text=answer.get("text") or "",
            )
            for answer in self.validated_data["answers"]
        ]


class ResponseCreatedSerializer(serializers.Serializer):
    questionnaire = serializers.IntegerField(source="questionnaire_id")
    submitted_at = serializers.DateTimeField(allow_null=True)


class OptionCountSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True
    )


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    required = serializers.BooleanField()
    answered = serializers.IntegerField()
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    distribution = OptionCountSerializer(many=True)
    choices = OptionCountSerializer(many=True)
    texts = serializers.ListField(child=serializers.CharField())


class SummarySerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    returned = serializers.IntegerField()
    feedback_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    questions = QuestionResultSerializer(many=True)


# What a questionnaire looks like to the caller: with its figures for the safety officer and
# HR, with the caller's own state for a trainee it was issued to.
QuestionnaireForCaller = PolymorphicProxySerializer(
    component_name="QuestionnaireForCaller",
    serializers=[QuestionnaireSerializer, QuestionnaireForRecipientSerializer],
    resource_type_field_name=None,
)
QuestionnaireListItemForCaller = PolymorphicProxySerializer(
    component_name="QuestionnaireListItemForCaller",
    serializers=[QuestionnaireListSerializer, QuestionnaireReceivedSerializer],
    resource_type_field_name=None,
    many=True,
)


# Views ---------------------------------------------------------------------------------------


def _detail(request, questionnaire: Questionnaire) -> dict:
    """The questionnaire as the caller may see it."""
    if selectors.user_reads_questionnaire_results(request.user):
        return QuestionnaireSerializer(questionnaire).data
    answered = selectors.questionnaire_ids_answered_by(_employee(request.user), [questionnaire.pk])
    return QuestionnaireForRecipientSerializer(questionnaire, context={"answered": answered}).data


def _reload(request, questionnaire_id: int) -> Questionnaire:
    return selectors.questionnaire_get_for_user(
        user=request.user, questionnaire_id=questionnaire_id
    )


class TrainingQuestionnaireListView(TrainingVisibleFirst, generics.GenericAPIView):
    """A training's questionnaires: all for the safety officer and HR (with issued, returned
    and feedback rate), those issued to them for a trainee. POST (safety officer) drafts one,
    optionally copied from ``template``."""

    permission_classes = [Readers]
    serializer_class = QuestionnaireCreateSerializer
    queryset = Questionnaire.objects.none()  # for the schema; reads go through the selector

    @extend_schema(responses=QuestionnaireListItemForCaller)
    def get(self, request, training_id: int):
        training = training_get_for_user(user=request.user, training_id=training_id)
        questionnaires = selectors.questionnaire_list_for_user(request.user, training=training)
        page = self.paginate_queryset(questionnaires)
        if selectors.user_reads_questionnaire_results(request.user):
            data = QuestionnaireListSerializer(page, many=True).data
        else:
            answered = selectors.questionnaire_ids_answered_by(
                _employee(request.user), [q.pk for q in page]
            )
            data = QuestionnaireReceivedSerializer(
                page, many=True, context={"answered": answered}
            ).data
        return self.get_paginated_response(data)

    @extend_schema(request=QuestionnaireCreateSerializer, responses={201: QuestionnaireSerializer})
    def post(self, request, training_id: int):
        training = training_get_for_user(user=request.user, training_id=training_id)
        body = QuestionnaireCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        questionnaire = services.questionnaire_create(
            actor=request.user,
            training=training,
            title=data["title"],
            introduction=data.get("introduction"),
            anonymous=data["anonymous"],
            template=data.get("template"),
            questions=[services.QuestionDraft(**question) for question in data["questions"]],
        )
        return Response(
            _detail(request, _reload(request, questionnaire.pk)), status=status.HTTP_201_CREATED
        )


class QuestionnaireDetailView(APIView):
    """One questionnaire. A trainee it was issued to may read its questions; the safety
    officer changes the title, introduction or anonymity before issue, or deletes it while
    nobody has answered."""

    permission_classes = [Readers]

    @extend_schema(responses=QuestionnaireForCaller)
    def get(self, request, pk: int):
        return Response(_detail(request, _reload(request, pk)))

    @extend_schema(request=QuestionnairePatchSerializer, responses=QuestionnaireSerializer)
    def patch(self, request, pk: int):
        questionnaire = _reload(request, pk)
        body = QuestionnairePatchSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.questionnaire_update(
            actor=request.user, questionnaire=questionnaire, **body.validated_data
        )
        return Response(_detail(request, _reload(request, pk)))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.questionnaire_delete(actor=request.user, questionnaire=_reload(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionListView(APIView):
    """Add a question at the end (safety officer, before issue)."""

    permission_classes = [Managers]

    @extend_schema(request=QuestionWriteSerializer, responses={201: QuestionSerializer})
    def post(self, request, pk: int):
        questionnaire = _reload(request, pk)
        body = QuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.question_add(
            actor=request.user, questionnaire=questionnaire, **body.validated_data
        )
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


def _question(request, pk: int, question_id: int):
    question = _reload(request, pk).questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("Question not found."))
    return question


class QuestionDetailView(APIView):
    """Change or remove one question (safety officer, before issue)."""

    permission_classes = [Managers]

    @extend_schema(request=QuestionPatchSerializer, responses=QuestionSerializer)
    def patch(self, request, pk: int, question_id: int):
        question = _question(request, pk, question_id)
        body = QuestionPatchSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        question = services.question_update(
            actor=request.user, question=question, **body.validated_data
        )
        return Response(QuestionSerializer(question).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, question_id: int):
        services.question_delete(actor=request.user, question=_question(request, pk, question_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionOrderView(APIView):
    """Put the questions in the given order of ids (safety officer, before issue)."""

    permission_classes = [Managers]

    @extend_schema(request=QuestionOrderSerializer, responses=QuestionSerializer(many=True))
    def post(self, request, pk: int):
        questionnaire = _reload(request, pk)
        body = QuestionOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.questions_reorder(
            actor=request.user, questionnaire=questionnaire, order=body.validated_data["order"]
        )
        return Response(QuestionSerializer(_reload(request, pk).questions.all(), many=True).data)


class IssueView(APIView):
    """Issue to the training's trainees (or ``employees`` among them); again, to those
    enrolled since. Returns how many were added and how many hold it now."""

    permission_classes = [Managers]

    @extend_schema(request=IssueSerializer, responses=IssueResultSerializer)
    def post(self, request, pk: int):
        questionnaire = _reload(request, pk)
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = services.questionnaire_issue(
            actor=request.user,
            questionnaire=questionnaire,
            employees=body.validated_data.get("employees"),
            closes_at=body.validated_data.get("closes_at"),
        )
        questionnaire = _reload(request, pk)
        return Response(
            IssueResultSerializer(
                {
                    "added": added,
                    "issued": questionnaire.issued_count,
                    "issued_at": questionnaire.issued_at,
                    "closes_at": questionnaire.closes_at,
                }
            ).data
        )


class CloseView(APIView):
    """Stop answering now (safety officer)."""

    permission_classes = [Managers]

    @extend_schema(request=None, responses=QuestionnaireSerializer)
    def post(self, request, pk: int):
        services.questionnaire_close(actor=request.user, questionnaire=_reload(request, pk))
        return Response(_detail(request, _reload(request, pk)))


class ResponseCreateView(APIView):
    """Answer a questionnaire issued to you, once: 201; a second time 409 and the first
    answer stays. 400 names each bad answer (keys ``question_<id>``, or ``answers`` for an
    answer to a question of another questionnaire); 404 when it was not issued to you."""

    permission_classes = [Respondents]

    @extend_schema(request=ResponseSubmitSerializer, responses={201: ResponseCreatedSerializer})
    def post(self, request, pk: int):
        questionnaire = _reload(request, pk)
        employee = _employee(request.user)
        if employee is None:
            raise NotFound(_("Questionnaire not found."))
        body = ResponseSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        response = services.response_submit(
            questionnaire=questionnaire, employee=employee, answers=body.answer_inputs()
        )
        return Response(ResponseCreatedSerializer(response).data, status=status.HTTP_201_CREATED)


class SummaryView(APIView):
    """Issued, returned, feedback rate (percent, one decimal; null before issue) and the
    figures and opinions per question (safety officer and HR)."""

    permission_classes = [ResultReaders]

    @extend_schema(responses=SummarySerializer)
    def get(self, request, pk: int):
        questionnaire = _reload(request, pk)
        return Response(SummarySerializer(selectors.questionnaire_summary(questionnaire)).data)


class ResultsXlsxView(APIView):
    """The results as an Excel workbook (safety officer and HR)."""

    permission_classes = [ResultReaders]

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): bytes})
    def get(self, request, pk: int):
        questionnaire = _reload(request, pk)
        questions, rows = selectors.questionnaire_response_rows(questionnaire)
        content = questionnaire_results_xlsx(
            questionnaire=questionnaire,
            summary=selectors.questionnaire_summary(questionnaire),
            questions=questions,
            rows=rows,
        )
        return attachment_response(
            content,
            filename=f"questionnaire-{questionnaire.pk}-results.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


class TemplateListView(generics.ListAPIView):
    """The templates a questionnaire can be copied from (safety officer)."""

    permission_classes = [Managers]
    serializer_class = QuestionnaireSerializer

    def get_queryset(self):
        return selectors.questionnaire_template_list()


urlpatterns = [
    path(
        "trainings/<int:training_id>/questionnaires/",
        TrainingQuestionnaireListView.as_view(),
        name="api-training-questionnaires",
    ),
    path("questionnaires/<int:pk>/", QuestionnaireDetailView.as_view(), name="api-questionnaire"),
    path(
        "questionnaires/<int:pk>/questions/",
        QuestionListView.as_view(),
        name="api-questionnaire-questions",
    ),
    path(
        "questionnaires/<int:pk>/questions/order/",
        QuestionOrderView.as_view(),
        name="api-questionnaire-question-order",
    ),
    path(
        "questionnaires/<int:pk>/questions/<int:question_id>/",
        QuestionDetailView.as_view(),
        name="api-questionnaire-question",
    ),
    path("questionnaires/<int:pk>/issue/", IssueView.as_view(), name="api-questionnaire-issue"),
    path("questionnaires/<int:pk>/close/", CloseView.as_view(), name="api-questionnaire-close"),
    path(
        "questionnaires/<int:pk>/responses/",
        ResponseCreateView.as_view(),
        name="api-questionnaire-responses",
    ),
    path(
        "questionnaires/<int:pk>/summary/", SummaryView.as_view(), name="api-questionnaire-summary"
    ),
    path(
        "questionnaires/<int:pk>/results.xlsx",
        ResultsXlsxView.as_view(),
        name="api-questionnaire-results-xlsx",
    ),
    path(
        "questionnaire-templates/",
        TemplateListView.as_view(),
        name="api-questionnaire-templates",
    ),
]

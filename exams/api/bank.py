"""API of the question bank: the category tree, questions (with their history and a stem
picture), import and export.

Safety officers and admins only: every answer here carries the key.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.parsers import FormParser, MultiPartParser
from core.uploads import check_upload_size
from exams.api.base import BankManagers, FileAnswers, check_refused_upload, query_data
from exams.api.serializers import (
    BankQuestionSerializer,
    BankQuestionWriteSerializer,
    CategorySerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    QuestionExportSerializer,
    QuestionFilterSerializer,
    QuestionImageSerializer,
    QuestionUpdatedSerializer,
    QuestionVersionSerializer,
)
from exams.formats import excel, moodle
from exams.models import Question, QuestionCategory
from exams.selectors.bank import (
    CategoryNode,
    category_tree,
    question_get,
    question_history,
    question_search,
    questions_for_export,
)
from exams.services import imports
from exams.services.categories import category_create, category_delete, category_update
from exams.services.questions import (
    question_create,
    question_delete,
    question_input_from_version,
    question_update,
)

MOODLE_XML_CONTENT_TYPE = "application/xml"


# Categories ---------------------------------------------------------------------------------


class CategoryFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="part of the full name"
    )
    parent = serializers.RegexField(
        r"^(\d+|none)$", required=False, help_text='a category id, or "none" for the top level'
    )


class CategoryViewSet(viewsets.GenericViewSet):
    """The bank's category tree, in tree order (by full name), with question counts.
    Writes go through ``exams.services.categories``: a category with sub-categories,
    questions or a paper rule drawing from it cannot be deleted (400)."""

    serializer_class = CategorySerializer
    permission_classes = [BankManagers]
    queryset = QuestionCategory.objects.none()  # for the schema; the methods read the selectors
    lookup_value_regex = r"\d+"

    @staticmethod
    def _node(category_id) -> CategoryNode:
        for node in category_tree():
            if node.category.pk == int(category_id):
                return node
        raise Http404

    @extend_schema(parameters=[CategoryFilterSerializer])
    def list(self, request):
        filters = CategoryFilterSerializer(data=query_data(request))
        filters.is_valid(raise_exception=True)
        search = filters.validated_data.get("search", "").strip().casefold()
        parent = filters.validated_data.get("parent")
        nodes = [
            node
            for node in category_tree()
            if (not search or search in node.category.path.casefold())
            and (
                parent is None
                or (parent == "none" and node.category.parent_id is None)
                or (parent.isdigit() and node.category.parent_id == int(parent))
            )
        ]
        page = self.paginate_queryset(nodes)
        return self.get_paginated_response(CategorySerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(CategorySerializer(self._node(pk)).data)

    @extend_schema(responses={201: CategorySerializer})
    def create(self, request):
        body = CategorySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category = category_create(
            actor=request.user,
            name=body.validated_data["name"],
            parent=body.validated_data.get("parent"),
        )
        return Response(
            CategorySerializer(self._node(category.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial: bool):
        category = get_object_or_404(QuestionCategory, pk=pk)
        body = CategorySerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category_update(
            actor=request.user,
            category=category,
            name=data.get("name", category.name),
            parent=data.get("parent", category.parent),
        )
        return Response(CategorySerializer(self._node(category.pk)).data)

    def destroy(self, request, pk=None):
        category_delete(actor=request.user, category=get_object_or_404(QuestionCategory, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# Questions ----------------------------------------------------------------------------------


class QuestionViewSet(FileAnswers, viewsets.GenericViewSet):
    """Questions of the bank with their current version's content and key.

    Writes go through ``exams.services.questions``. POST and PUT send the whole question
    (an absent optional field is empty; ``is_active`` keeps its value); PATCH only the
    fields that change. Editing a question already shown in an attempt makes a new version
    (``new_version: true`` in the answer). DELETE answers 204 when the question was deleted;
    a question shown in an attempt or on a paper is retired instead (kept for them, never
    drawn again) and the answer is 200 with the question, ``retired: true``.
    """

    serializer_class = BankQuestionSerializer
    permission_classes = [BankManagers]
    queryset = Question.objects.none()  # for the schema; the methods read the selectors
    lookup_value_regex = r"\d+"
    file_actions = frozenset({"export"})

    @staticmethod
    def _question(question_id) -> Question:
        question = question_get(question_id=int(question_id))
        if question is None:
            raise Http404
        return question

    @extend_schema(parameters=[QuestionFilterSerializer])
    def list(self, request):
        filters = QuestionFilterSerializer(data=query_data(request))
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(question_search(**filters.search_arguments()))
        return self.get_paginated_response(BankQuestionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(BankQuestionSerializer(self._question(pk)).data)

    @extend_schema(request=BankQuestionWriteSerializer, responses={201: BankQuestionSerializer})
    def create(self, request):
        body = BankQuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = question_create(
            actor=request.user,
            category=body.validated_data["category"],
            data=body.question_input(),
            is_active=body.validated_data.get("is_active", True),
        )
        return Response(
            BankQuestionSerializer(self._question(question.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=BankQuestionWriteSerializer, responses=QuestionUpdatedSerializer)
    def update(self, request, pk=None):
        return self._update(request, pk, patch=False)

    @extend_schema(request=BankQuestionWriteSerializer, responses=QuestionUpdatedSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, pk, patch=True)

    def _update(self, request, pk, *, patch: bool):
        question = self._question(pk)
        body = BankQuestionWriteSerializer(data=request.data, patch=patch)
        body.is_valid(raise_exception=True)
        base = question_input_from_version(question, question.current_version) if patch else None
        result = question_update(
            actor=request.user,
            question=question,
            category=body.validated_data.get("category", question.category),
            data=body.question_input(base),
            is_active=body.validated_data.get("is_active", question.is_active),
        )
        return self._updated(result)

    def _updated(self, result) -> Response:
        data = BankQuestionSerializer(self._question(result.question.pk)).data
        data["new_version"] = result.new_version
        return Response(data)

    @extend_schema(responses={204: None, 200: BankQuestionSerializer})
    def destroy(self, request, pk=None):
        question = self._question(pk)
        if question_delete(actor=request.user, question=question):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(BankQuestionSerializer(self._question(pk)).data)

    @extend_schema(responses=QuestionVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every version of the question, newest first, each with its options and key."""
        question = self._question(pk)
        page = self.paginate_queryset(question_history(question=question))
        context = {"current_version_id": question.current_version_id}
        return self.get_paginated_response(
            QuestionVersionSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        methods=["PUT"],
        request={"multipart/form-data": QuestionImageSerializer},
        responses=QuestionUpdatedSerializer,
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: QuestionUpdatedSerializer})
    @action(
        detail=True,
        methods=["put", "delete"],
        url_path="image",
        parser_classes=[MultiPartParser, FormParser],
    )
    def image(self, request, pk=None):
        """PUT (multipart ``file``: PNG, JPEG, GIF or WebP) sets the stem's picture, DELETE
        removes it; like any change of content, on a question already shown in an attempt
        this makes a new version."""
        question = self._question(pk)
        content = question_input_from_version(question, question.current_version)
        picture = None
        if request.method == "PUT":
            check_refused_upload(request)
            body = QuestionImageSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            picture = body.validated_data["file"]
        result = question_update(
            actor=request.user,
            question=question,
            category=question.category,
            data=content,
            image=picture,
            remove_image=picture is None,
            is_active=question.is_active,
        )
        return self._updated(result)

    @extend_schema(
        parameters=[QuestionExportSerializer],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            (200, MOODLE_XML_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The questions matching the list's filters as an Excel workbook (re-importable) or
        a Moodle XML file."""
        filters = QuestionExportSerializer(data=query_data(request))
        filters.is_valid(raise_exception=True)
        # questions_for_export adds its own prefetch; the search's would clash with it.
        found = question_search(**filters.search_arguments()).prefetch_related(None)
        questions = questions_for_export(questions=found)
        if filters.validated_data["format"] == "moodle_xml":
            return attachment_response(
                moodle.questions_to_moodle_xml(questions),
                filename="questions.xml",
                content_type=MOODLE_XML_CONTENT_TYPE,
            )
        return attachment_response(
            excel.questions_to_xlsx(questions),
            filename="questions.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            201: ImportResultSerializer,
            400: ImportResultSerializer,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_questions(self, request):
        """Import an Excel workbook, a Moodle XML or a GIFT file, all or nothing: 201 when
        imported, 200 for a dry run (``to_create`` previews it), 400 with nothing written
        when a row is wrong (``errors`` name row, field and reason) or when the file holds
        question types the bank does not have (``unsupported``; send again with
        ``confirm_unsupported`` to skip them)."""
        check_refused_upload(request)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        options = upload.validated_data
        result = imports.questions_import(
            actor=request.user,
            data=read_upload(options["file"]),
            filename=options["file"].name or "",
            format=options.get("format") or "",
            dry_run=options["dry_run"],
            confirm_unsupported=options["confirm_unsupported"],
        )
        if result.errors or result.needs_confirmation:
            answer = status.HTTP_400_BAD_REQUEST
        else:
            answer = status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED
        return Response(result.as_dict(), status=answer)


def read_upload(upload) -> bytes:
    """The upload's bytes, refusing an empty file and one over the import size limit."""
    try:
        check_upload_size(upload, imports.MAX_FILE_SIZE)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"file": error.messages}) from error
    return upload.read()


class QuestionTemplateView(FileAnswers, APIView):
    """The Excel import template: the header row and an example of each question type."""

    permission_classes = [BankManagers]

    @extend_schema(
        operation_id="v1_questions_import_template_retrieve",
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request):
        return attachment_response(
            excel.template_xlsx(),
            filename="questions-template.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

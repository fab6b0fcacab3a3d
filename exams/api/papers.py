"""API of papers: fixed items and draw rules, with each rule's pool, and a preview of a
draw as a candidate sees it or as the answer sheet, on screen or as a PDF.

Safety officers and admins only: papers and their previews can show the key.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import Conflict
from core.http import attachment_response
from exams.api.base import BankManagers, FileAnswers, query_data
from exams.api.serializers import KeyQuerySerializer, PaperSerializer, PreviewSerializer
from exams.models import Paper
from exams.pdf import paper_pdf
from exams.selectors.papers import DrawnQuestion, PaperNotDrawable, paper_draw, paper_summary
from exams.services.papers import ItemSpec, paper_create, paper_delete, paper_update


class PaperFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="part of the title"
    )


def draw(paper: Paper) -> list[DrawnQuestion]:
    """A sample draw of the paper; a rule that can no longer be met is a 409."""
    try:
        return paper_draw(paper=paper)
    except PaperNotDrawable as error:
        raise Conflict(
            _(
                "The paper cannot be drawn: the rule on “%s” no longer finds enough active "
                "questions (some were retired or switched off). Change the rule or the bank."
            )
            % error
        ) from error


def with_key(request) -> bool:
    query = KeyQuerySerializer(data=query_data(request))
    query.is_valid(raise_exception=True)
    return query.validated_data["key"]


class PaperViewSet(FileAnswers, viewsets.GenericViewSet):
    """Papers. POST and PUT send the whole paper; PATCH only what changes (``items`` and
    ``rules`` are each replaced whole when sent). The service refuses a rule asking for more
    questions than its pool holds (400, on ``rules``). A paper an exam uses cannot be
    deleted (400)."""

    serializer_class = PaperSerializer
    permission_classes = [BankManagers]
    queryset = Paper.objects.none()  # for the schema; the methods read the selectors
    lookup_value_regex = r"\d+"
    file_actions = frozenset({"pdf"})

    @staticmethod
    def _paper(paper_id) -> Paper:
        return get_object_or_404(Paper, pk=paper_id)

    @staticmethod
    def _body(paper: Paper) -> dict:
        return PaperSerializer(paper_summary(paper=paper)).data

    @extend_schema(parameters=[PaperFilterSerializer])
    def list(self, request):
        filters = PaperFilterSerializer(data=query_data(request))
        filters.is_valid(raise_exception=True)
        papers = Paper.objects.order_by("-updated_at", "id")
        search = filters.validated_data.get("search", "").strip()
        if search:
            papers = papers.filter(title__icontains=search)
        page = self.paginate_queryset(papers)
        return self.get_paginated_response([self._body(paper) for paper in page])

    def retrieve(self, request, pk=None):
        return Response(self._body(self._paper(pk)))

    @extend_schema(responses={201: PaperSerializer})
    def create(self, request):
        body = PaperSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        paper = paper_create(
            actor=request.user,
            title=data["title"],
            description=data.get("description", ""),
            items=data.get("items", []),
            rules=data.get("rules", []),
        )
        return Response(self._body(paper), status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        return self._update(request, pk, patch=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, patch=True)

    def _update(self, request, pk, *, patch: bool):
        paper = self._paper(pk)
        body = PaperSerializer(data=request.data, patch=patch)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if patch:
            current = paper_summary(paper=paper)
            items = [ItemSpec(question=i.question, points=i.points) for i in current.items]
            rules = [check.rule for check in current.rules]
        else:
            items, rules = [], []
        paper = paper_update(
            actor=request.user,
            paper=paper,
            title=data.get("title", paper.title),
            description=data.get("description", paper.description),
            items=data.get("items", items),
            rules=data.get("rules", rules),
        )
        return Response(self._body(paper))

    def destroy(self, request, pk=None):
        paper_delete(actor=request.user, paper=self._paper(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[KeyQuerySerializer], responses=PreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """A sample draw of the paper as a candidate sees it (``key=0``: no correct flags,
        accepted answers or explanations) or as the answer sheet (``key=1``). Each call
        draws the random rules again. 409 when a rule can no longer be met."""
        key = with_key(request)
        questions = draw(self._paper(pk))
        return Response(PreviewSerializer(questions, context={"with_key": key}).data)

    @extend_schema(
        parameters=[KeyQuerySerializer],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """A sample draw printed: the candidate's copy (``key=0``) or the answer sheet
        (``key=1``). 409 when a rule can no longer be met."""
        key = with_key(request)
        paper = self._paper(pk)
        content = paper_pdf(paper=paper, questions=draw(paper), with_key=key)
        name = f"paper-{paper.pk}-key.pdf" if key else f"paper-{paper.pk}.pdf"
        return attachment_response(content, filename=name, content_type="application/pdf")

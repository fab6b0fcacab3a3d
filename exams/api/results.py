"""API of an exam's results for the safety officer and HR: the ranking (overall or of one
department), the performance sheet, the reward list and the statistics.

Read only. Trainees get 403 (never another candidate's score), anonymous callers 401; an
instructor may read the statistics of the exams of trainings they teach, nothing else.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination, role_permission
from core.excel import XLSX_CONTENT_TYPE
from core.http import attachment_response
from core.roles import Role
from exams.api.base import FileAnswers, query_data
from exams.exports import performance_sheet_filename, performance_sheet_xlsx
from exams.models import Exam, ExamResult
from exams.selectors.results import (
    REWARD_RULE,
    TIE_RULE,
    exam_get_for_results,
    exam_ranking,
    full_attendance_ids,
    ranking_top,
    reward_list,
    reward_reason,
    top_scorer_ids,
)
from exams.selectors.statistics import ExamStatistics, exam_statistics
from people.models import Department

ResultReaders = role_permission(Role.SAFETY_OFFICER, Role.HR)
StatisticsReaders = role_permission(Role.SAFETY_OFFICER, Role.HR, Role.INSTRUCTOR)


def _number(value) -> float | None:
    return None if value is None else float(value)


class RankingQuerySerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        help_text="rank only this department's candidates among themselves",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="only the first N, not paginated"
    )


def ranking_row(result: ExamResult, *, top: set[int], full: set[int]) -> dict:
    top_scorer, full_attendance = result.employee_id in top, result.employee_id in full
    return {
        "rank": result.rank,
        "employee": result.employee_id,
        "employee_no": result.employee.employee_no,
        "name": result.employee.name,
        "department": result.department.path,
        "department_id": result.department_id,
        "score": _number(result.score),
        "passed": result.passed,
        "duration_seconds": result.duration_seconds,
        "submitted_at": serializers.DateTimeField().to_representation(result.submitted_at),
        "full_attendance": full_attendance,
        "reward": top_scorer or full_attendance,
        "reward_reason": reward_reason(top_scorer=top_scorer, full_attendance=full_attendance),
    }


def _exam(request, exam_id: int, *, statistics: bool = False) -> Exam:
    return exam_get_for_results(user=request.user, exam_id=exam_id, statistics=statistics)


class RankingView(APIView):
    """The exam's ranking, best first: ``rank`` under the tie rule (score, then the shorter
    time taken, then the earlier submission; rows equal on all three share a rank).
    Paginated (``page``, ``page_size``), or the first ``limit`` rows. ``department`` ranks
    that department's candidates among themselves. ``reward`` marks the reward list (top N
    by overall rank, ties at the Nth place included, or full attendance in the training)."""

    permission_classes = [ResultReaders]
    pagination_class = Pagination

    @extend_schema(parameters=[RankingQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request, exam_id: int):
        exam = _exam(request, exam_id)
        query = RankingQuerySerializer(data=query_data(request))
        query.is_valid(raise_exception=True)
        department = query.validated_data.get("department")
        department_id = department.pk if department else None
        top = top_scorer_ids(exam=exam)
        full = full_attendance_ids(exam=exam)
        limit = query.validated_data.get("limit")
        if limit is not None:
            first = ranking_top(exam=exam, limit=limit, department_id=department_id)
            rows = [ranking_row(r, top=top, full=full) for r in first]
            return Response({"results": rows, "tie_rule": str(TIE_RULE)})
        results = exam_ranking(exam=exam, department_id=department_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(results, request, view=self)
        response = paginator.get_paginated_response(
            [ranking_row(r, top=top, full=full) for r in page]
        )
        response.data["tie_rule"] = str(TIE_RULE)
        return response


class PerformanceSheetView(FileAnswers, APIView):
    """HR's performance sheet of the exam (xlsx): employee number, name, department, score,
    rank, passed, attendance rate, full attendance, reward and performance points, one row
    per candidate (those who did not sit too)."""

    permission_classes = [ResultReaders]

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request, exam_id: int):
        exam = _exam(request, exam_id)
        return attachment_response(
            performance_sheet_xlsx(exam=exam),
            filename=performance_sheet_filename(exam),
            content_type=XLSX_CONTENT_TYPE,
        )


class RewardListView(APIView):
    """Who gets a material reward and why: the top N scorers (``top_n``, ties at the Nth
    place included) and everyone with full attendance in the training."""

    permission_classes = [ResultReaders]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, exam_id: int):
        exam = _exam(request, exam_id)
        rows = reward_list(exam=exam)
        return Response(
            {
                "top_n": exam.reward_top_n,
                "rule": str(REWARD_RULE % {"n": exam.reward_top_n}),
                "results": [
                    {
                        "employee": row.employee.pk,
                        "employee_no": row.employee.employee_no,
                        "name": row.employee.name,
                        "department": row.employee.department.path,
                        "rank": row.rank,
                        "score": _number(row.score),
                        "top_scorer": row.top_scorer,
                        "full_attendance": row.full_attendance,
                        "reason": row.reason,
                    }
                    for row in rows
                ],
            }
        )


def statistics_payload(figures: ExamStatistics) -> dict:
    return {
        "eligible": figures.eligible,
        "sat": figures.sat,
        "graded": figures.graded,
        "participation_rate": figures.participation_rate,
        "passed": figures.passed,
        "pass_rate": figures.pass_rate,
        "mean_score": figures.mean_score,
        "median_score": figures.median_score,
        "std_dev": figures.std_dev,
        "std_dev_kind": "population",
        "max_score": figures.max_score,
        "pass_score": figures.pass_score,
        "histogram": [{"from": b.start, "to": b.end, "count": b.count} for b in figures.histogram],
        "discrimination_method": "upper_lower_27",
        "discrimination_group_size": figures.group_size,
        "items": [
            {
                "question": item.question,
                "stem": item.stem,
                "category": item.category,
                "type": item.type,
                "points": item.points,
                "answered": item.answered,
                "facility": item.facility,
                "discrimination": item.discrimination,
                "wrong_rate": item.wrong_rate,
                "flags": item.flags,
            }
            for item in figures.items
        ],
        "cronbach_alpha": figures.cronbach_alpha,
        "alpha_items": figures.alpha_items,
        "alpha_note": figures.alpha_note,
        "weak_areas": [
            {
                "category": area.category,
                "answers": area.answers,
                "wrong": area.wrong,
                "wrong_rate": area.wrong_rate,
                "questions": [
                    {"question": q.question, "stem": q.stem, "wrong_rate": q.wrong_rate}
                    for q in area.questions
                ],
            }
            for area in figures.weak_areas
        ],
    }


class StatisticsView(APIView):
    """The exam's figures: eligible, sat, participation ("reference") rate and pass rate (in
    percent), mean, median and population standard deviation of the scores, a histogram in
    ten bins of the maximum score; per question the facility index and the discrimination
    index (upper-lower 27 % groups); Cronbach's alpha; weak knowledge areas (categories by
    share of wrong answers, worst first)."""

    permission_classes = [StatisticsReaders]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, exam_id: int):
        exam = _exam(request, exam_id, statistics=True)
        return Response(statistics_payload(exam_statistics(exam=exam)))

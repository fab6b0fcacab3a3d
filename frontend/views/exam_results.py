"""Exam results for the safety officer and HR: an index of exams, each exam's ranking
(overall or by department) with the reward list and the performance sheet, and its
statistics with server-drawn charts. Instructors may open the statistics of the exams of
trainings they teach."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from core.errors import Forbidden, NotFound
from core.roles import Role
from exams import charts
from exams.exports import performance_sheet_filename, performance_sheet_xlsx
from exams.models import Exam, ExamResult
from exams.selectors.results import (
    REWARD_REASONS,
    REWARD_RULE,
    TIE_RULE,
    exam_get_for_results,
    exam_ranking,
    exams_with_results,
    full_attendance_ids,
    ranking_attendance,
    reward_list,
    reward_reason,
    top_scorer_ids,
)
from exams.selectors.statistics import (
    EASY_ABOVE,
    GROUP_SHARE,
    HARD_BELOW,
    LOW_DISCRIMINATION_BELOW,
    exam_statistics,
)
from frontend.access import role_required
from frontend.responses import render_page_or_partial, xlsx_attachment

EXAMS_PER_PAGE = 50
RESULTS_PER_PAGE = 100


@dataclass
class RankingRow:
    result: ExamResult
    top_scorer: bool
    full_attendance: bool

    @property
    def reward_label(self) -> str:
        reason = reward_reason(top_scorer=self.top_scorer, full_attendance=self.full_attendance)
        return str(REWARD_REASONS[reason]) if reason else ""

    @property
    def duration(self) -> str:
        minutes, seconds = divmod(self.result.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


def _exam(request, pk: int, *, statistics: bool = False) -> Exam:
    try:
        return exam_get_for_results(user=request.user, exam_id=pk, statistics=statistics)
    except NotFound as error:
        raise Http404 from error
    except Forbidden as error:
        raise PermissionDenied from error


@role_required(Role.SAFETY_OFFICER, Role.HR)
@require_GET
def exam_results_index(request):
    """Every exam, newest first, with how many have a result and links to its ranking and
    statistics."""
    page = Paginator(exams_with_results(), EXAMS_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        page="frontend/exams/results/index.html",
        partial="frontend/exams/results/_exam_rows.html",
        context={"page": page},
    )


@login_required
@require_GET
def exam_ranking_page(request, pk: int):
    """The ranking, overall or by department (``?by=department``), top N marked, each row
    with its reward; the reward list and the performance sheet download."""
    exam = _exam(request, pk)
    by_department = request.GET.get("by") == "department"
    attendance = ranking_attendance(exam)
    top = top_scorer_ids(exam=exam)
    full = full_attendance_ids(exam=exam, attendance=attendance)
    page = Paginator(exam_ranking(exam=exam, by_department=by_department), RESULTS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    rows = [RankingRow(r, r.employee_id in top, r.employee_id in full) for r in page.object_list]
    context = {
        "exam": exam,
        "by_department": by_department,
        "page": page,
        "rows": rows,
        "rewards": reward_list(exam=exam, attendance=attendance),
        "tie_rule": TIE_RULE,
        "reward_rule": REWARD_RULE % {"n": exam.reward_top_n},
    }
    return render_page_or_partial(
        request,
        page="frontend/exams/results/ranking.html",
        partial="frontend/exams/results/_ranking_rows.html",
        context=context,
    )


@login_required
@require_GET
def exam_performance_sheet(request, pk: int):
    """HR's performance sheet (xlsx), the same workbook as the API's ``ranking.xlsx``."""
    exam = _exam(request, pk)
    return xlsx_attachment(performance_sheet_xlsx(exam=exam), performance_sheet_filename(exam))


@login_required
@require_GET
def exam_statistics_page(request, pk: int):
    """Figures, the score histogram and facility bars (SVG drawn on the server), the item
    table with poor items flagged, Cronbach's alpha and the weak knowledge areas."""
    exam = _exam(request, pk, statistics=True)
    figures = exam_statistics(exam=exam)
    context = {
        "exam": exam,
        "figures": figures,
        # The chart functions escape every text they draw.
        "histogram_svg": mark_safe(
            charts.score_histogram_svg(
                figures.histogram, pass_score=figures.pass_score, max_score=figures.max_score
            )
        ),
        "facility_svg": mark_safe(charts.facility_bars_svg(figures.items)),
        "group_percent": round(GROUP_SHARE * 100),
        "hard_below": HARD_BELOW,
        "easy_above": EASY_ABOVE,
        "low_discrimination_below": LOW_DISCRIMINATION_BELOW,
    }
    return render(request, "frontend/exams/results/statistics.html", context)

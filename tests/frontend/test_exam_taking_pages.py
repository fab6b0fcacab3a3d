"""The trainee's exam pages: my exams, the page before the start, the exam, handing in and
the result; who may open them, and that no page gives the key away before it may."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage

from core.roles import Role
from exams.content import OptionInput, QuestionInput
from exams.models import Attempt, AttemptStatus, CloseReason, ResultsVisible
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.proctoring import attempts_extend, exam_close_early
from exams.services.questions import question_create
from tests.courses.factories import EnrollmentFactory, TrainingFactory
from tests.exams.factories import (
    answer_everything_right,
    category,
    make_exam,
    make_paper,
    make_questions,
    save_by_bank_ids,
    single_input,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _client(employee) -> Client:
    client = Client()
    client.force_login(employee.user)
    return client


def _text(response) -> str:
    return response.content.decode()


def _card(html: str, exam) -> str:
    match = re.search(
        rf'<li class="card exam-card" id="exam-{exam.pk}".*?</li>\s*(?=<li|</ul>)', html, re.S
    )
    assert match, f"no card for {exam.title}"
    return match.group(0)


def _objective_paper():
    """Two single-choice questions, 2 points each: graded as soon as it is handed in."""
    return make_paper(questions=make_questions(2, path="Objective"))


def _handed_in(trainee, **exam_fields):
    exam_fields.setdefault("pass_score", Decimal(3))
    exam = make_exam(candidates=[trainee], paper=_objective_paper(), **exam_fields)
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    answer_everything_right(attempt, trainee.user)
    return exam, attempt_submit(attempt=attempt)


# My exams --------------------------------------------------------------------------------------


def test_my_exams_shows_each_state(trainee, trainee_client):
    now = timezone.now()
    upcoming = make_exam(
        candidates=[trainee],
        title="Upcoming",
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=3),
    )
    open_exam = make_exam(candidates=[trainee], title="Open now", max_attempts=2)
    running = make_exam(candidates=[trainee], title="Running")
    attempt_start(employee=trainee, exam=running)
    waiting = make_exam(candidates=[trainee], title="Waiting for a grader")
    attempt = attempt_start(employee=trainee, exam=waiting).attempt
    answer_everything_right(attempt, trainee.user)  # the short answer goes to the queue
    attempt_submit(attempt=attempt)
    graded, _attempt = _handed_in(trainee, title="Graded and shown")
    secret, _attempt = _handed_in(
        trainee, title="Graded, never shown", results_visible=ResultsVisible.NEVER
    )
    missed = make_exam(
        candidates=[trainee],
        title="Missed",
        opens_at=now - datetime.timedelta(hours=3),
        closes_at=now - datetime.timedelta(hours=1),
    )
    make_exam(candidates=[EmployeeFactory()], title="Somebody else's")

    html = _text(trainee_client.get(reverse("my_exams")))

    assert "Somebody else" not in html
    states = dict(re.findall(r'id="exam-(\d+)" data-state="(\w+)"', html))
    assert states == {
        str(upcoming.pk): "upcoming",
        str(open_exam.pk): "open",
        str(running.pk): "in_progress",
        str(waiting.pk): "submitted",
        str(graded.pk): "graded",
        str(secret.pk): "graded",
        str(missed.pk): "missed",
    }
    assert "Opens at" in _card(html, upcoming)
    assert "0 of 2 used" in _card(html, open_exam) and "Start the exam" in _card(html, open_exam)
    assert "Time left" in _card(html, running) and "Resume the exam" in _card(html, running)
    assert "awaiting grading" in _card(html, waiting)
    assert "Score: 4 of 4" in _card(html, graded) and "Passed" in _card(html, graded)
    assert "Score" not in _card(html, secret) and "not shown yet" in _card(html, secret)
    assert "closed before you sat it" in _card(html, missed)


def test_my_exams_for_someone_without_exams(trainee_client):
    html = _text(trainee_client.get(reverse("my_exams")))
    assert "No exams for you right now" in html


def test_home_points_to_the_exams_open_now(trainee, trainee_client):
    exam = make_exam(candidates=[trainee], title="Gas safety exam")
    now = timezone.now()
    make_exam(
        candidates=[trainee],
        title="Next week's exam",
        opens_at=now + datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(days=7, hours=2),
    )
    html = _text(trainee_client.get(reverse("home")))
    alert = re.search(r'id="exams-to-sit".*?</div>', html, re.S).group(0)
    assert reverse("exam_intro", args=[exam.pk]) in alert
    assert "Next week" not in alert


def test_navigation_links_my_exams_for_trainees(trainee_client, officer_client):
    assert 'href="/exams/"' in _text(trainee_client.get(reverse("home")))
    assert ">My exams<" not in _text(officer_client.get(reverse("home")))


# Before the start -------------------------------------------------------------------------------


def test_intro_shows_the_figures_and_a_start_button(trainee, trainee_client):
    exam = make_exam(candidates=[trainee], duration_minutes=45, max_attempts=2)
    html = _text(trainee_client.get(reverse("exam_intro", args=[exam.pk])))
    assert re.search(r'id="question-count">5<', html)
    assert re.search(r'id="total-points">10<', html)
    assert "45 minutes" in html
    assert "0 of 2 used, 2 left" in html
    assert "Start the exam" in html and 'id="exam-start"' in html


def test_intro_explains_why_the_trainee_may_not_start(trainee, trainee_client):
    now = timezone.now()
    later = make_exam(
        candidates=[trainee],
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1, hours=2),
    )
    html = _text(trainee_client.get(reverse("exam_intro", args=[later.pk])))
    assert "This exam is not open yet." in html and "The exam opens at" in html
    assert 'id="exam-start"' not in html

    training = TrainingFactory()
    EnrollmentFactory(training=training, employee=trainee)
    strict = make_exam(training=training, min_attendance_rate=Decimal(80))
    html = _text(trainee_client.get(reverse("exam_intro", args=[strict.pk])))
    assert "You cannot start this exam now" in html
    assert "at least 80% is needed to sit this exam" in html
    assert 'id="exam-start"' not in html

    used, _attempt = _handed_in(trainee)
    html = _text(trainee_client.get(reverse("exam_intro", args=[used.pk])))
    assert "You have used all 1 of your attempts." in html
    assert "Attempt 1" in html  # the past attempt, with its result link
    assert reverse("attempt_result", args=[_attempt.pk]) in html


def test_start_creates_the_attempt_and_resumes_it(trainee, trainee_client):
    exam = make_exam(candidates=[trainee])
    url = reverse("exam_intro", args=[exam.pk])
    response = trainee_client.post(url)
    attempt = Attempt.objects.get(exam=exam, employee=trainee)
    assert response.status_code == 302
    assert response["Location"] == reverse("attempt_take", args=[attempt.pk])

    again = trainee_client.post(url)
    assert again["Location"] == reverse("attempt_take", args=[attempt.pk])
    assert Attempt.objects.filter(exam=exam).count() == 1
    html = _text(trainee_client.get(url))
    assert "Your attempt is in progress" in html and "Resume the exam" in html


def test_start_refused_is_shown_as_a_message(trainee, trainee_client):
    now = timezone.now()
    later = make_exam(
        candidates=[trainee],
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=2),
    )
    response = trainee_client.post(reverse("exam_intro", args=[later.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("exam_intro", args=[later.pk])
    assert re.search(r'class="message error">The exam opens at', _text(response))
    assert not Attempt.objects.exists()


def test_someone_who_may_not_sit_gets_404(trainee, safety_officer):
    exam = make_exam(candidates=[trainee])
    outsider = _client(EmployeeFactory(roles=[Role.TRAINEE]))
    url = reverse("exam_intro", args=[exam.pk])
    assert outsider.get(url).status_code == 404
    assert outsider.post(url).status_code == 404
    # The safety officer sees every exam elsewhere, but is no candidate of this one.
    assert _client(safety_officer).post(url).status_code == 404
    assert outsider.get(reverse("exam_intro", args=[exam.pk + 1000])).status_code == 404
    assert not Attempt.objects.exists()


# The exam page ----------------------------------------------------------------------------------


def test_exam_page_shows_the_questions_with_the_stored_answers(trainee, trainee_client):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    rows = {aq.version.type: aq for aq in attempt.questions.select_related("version")}
    single = rows["single"]
    chosen = single.option_order[1]
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=single.question_id_shown,
        selected=[chosen],
        flagged=True,
        sequence=7,
    )
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=rows["fill_blank"].question_id_shown,
        blanks=["about two"],
        sequence=8,
    )
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=rows["short_answer"].question_id_shown,
        text="Permit & test <air>",
        sequence=9,
    )
    html = _text(trainee_client.get(reverse("attempt_take", args=[attempt.pk])))

    assert html.count('class="exam-question"') == 5
    assert f'value="{single.option_key_of()[chosen]}" checked' in html
    assert 'value="about two"' in html
    assert "Permit &amp; test &lt;air&gt;</textarea>" in html
    assert re.search(rf'data-nav="{single.key}" class="nav-item answered flagged"', html)
    assert 'data-sequence="9"' in html  # the page's sequences start above the stored ones
    assert f'data-save-url="/api/v1/attempts/{attempt.pk}/answers/"' in html
    assert f'data-ws-path="/ws/attempts/{attempt.pk}/"' in html
    assert "3</span> of 5 answered" in html
    deadline = re.search(r'data-deadline="([^"]+)"', html).group(1)
    server_now = re.search(r'data-server-now="([^"]+)"', html).group(1)
    assert datetime.datetime.fromisoformat(deadline) == attempt.deadline
    assert abs(datetime.datetime.fromisoformat(server_now) - timezone.now()) < datetime.timedelta(
        seconds=5
    )
    assert "Cache-Control" in trainee_client.get(reverse("attempt_take", args=[attempt.pk]))


def test_options_are_shown_in_the_attempts_order(trainee, trainee_client):
    exam = make_exam(candidates=[trainee], shuffle_options=True)
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    multiple = attempt.questions.get(version__type="multiple")
    html = _text(trainee_client.get(reverse("attempt_take", args=[attempt.pk])))
    section = re.search(rf'data-question="{multiple.key}".*?</section>', html, re.S).group(0)
    shown = re.findall(r'type="checkbox" name="q\w+" value="(\w+)"', section)
    assert shown == multiple.option_keys


def test_a_stem_picture_is_served_from_the_attempt(trainee, trainee_client):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    picture = SimpleUploadedFile("valve.png", buffer.getvalue(), content_type="image/png")
    question = question_create(
        actor=None, category=category("Pictures"), data=single_input(), image=picture
    )
    exam = make_exam(candidates=[trainee], paper=make_paper(questions=[question]))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    url = reverse("attempt_question_image", args=[attempt.pk, attempt.questions.get().key])
    assert f'src="{url}"' in _text(trainee_client.get(reverse("attempt_take", args=[attempt.pk])))
    response = trainee_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == buffer.getvalue()
    assert "/media/" not in _text(trainee_client.get(reverse("attempt_take", args=[attempt.pk])))
    # The bank's id does not open it.
    by_bank_id = reverse("attempt_question_image", args=[attempt.pk, str(question.pk)])
    assert trainee_client.get(by_bank_id).status_code == 404


def test_clock_gives_the_deadline_and_the_servers_time(trainee, trainee_client, safety_officer):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    attempts_extend(actor=safety_officer.user, exam=exam, minutes=10, reason="Power cut")
    data = trainee_client.get(reverse("attempt_clock", args=[attempt.pk])).json()
    attempt.refresh_from_db()
    assert set(data) == {"status", "deadline", "server_time"}
    assert data["status"] == "in_progress"
    assert datetime.datetime.fromisoformat(data["deadline"]) == attempt.deadline


def test_an_expired_attempt_is_closed_and_the_page_goes_to_the_result(trainee, trainee_client):
    exam = make_exam(candidates=[trainee])
    started = timezone.now() - datetime.timedelta(minutes=40)  # 30 minutes allowed
    attempt = attempt_start(employee=trainee, exam=exam, now=started).attempt
    response = trainee_client.get(reverse("attempt_take", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status != AttemptStatus.IN_PROGRESS
    assert attempt.close_reason == CloseReason.DEADLINE
    html = _text(trainee_client.get(response["Location"]))
    assert "The time ran out" in html


def test_within_the_grace_the_result_page_waits_for_the_close(trainee, trainee_client):
    exam = make_exam(candidates=[trainee])
    started = timezone.now() - datetime.timedelta(minutes=30, seconds=5)
    attempt = attempt_start(employee=trainee, exam=exam, now=started).attempt
    html = _text(trainee_client.get(reverse("attempt_result", args=[attempt.pk])))
    assert "Your answers are being handed in" in html
    assert 'http-equiv="refresh"' in html
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS  # saves in flight may still land


def test_result_of_an_attempt_in_progress_is_the_exam_page(trainee, trainee_client):
    attempt = attempt_start(employee=trainee, exam=make_exam(candidates=[trainee])).attempt
    response = trainee_client.get(reverse("attempt_result", args=[attempt.pk]))
    assert response["Location"] == reverse("attempt_take", args=[attempt.pk])


def test_another_persons_attempt_is_404(trainee, safety_officer):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    question = attempt.questions.first().key
    urls = [
        reverse("attempt_take", args=[attempt.pk]),
        reverse("attempt_hand_in", args=[attempt.pk]),
        reverse("attempt_clock", args=[attempt.pk]),
        reverse("attempt_result", args=[attempt.pk]),
        reverse("attempt_question_image", args=[attempt.pk, question]),
    ]
    for client in (_client(EmployeeFactory(roles=[Role.TRAINEE])), _client(safety_officer)):
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("attempt_hand_in", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("my_exams"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Handing in ------------------------------------------------------------------------------------


def test_hand_in_counts_unanswered_then_submits_once(trainee, trainee_client):
    exam = make_exam(candidates=[trainee], paper=_objective_paper())
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    first = attempt.questions.first()
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=first.question_id_shown,
        selected=[first.option_order[0]],
    )
    url = reverse("attempt_hand_in", args=[attempt.pk])
    html = _text(trainee_client.get(url))
    assert re.search(r'id="unanswered-count">1<', html)
    response = trainee_client.post(url)
    assert response["Location"] == reverse("attempt_result", args=[attempt.pk])
    assert trainee_client.post(url)["Location"] == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert trainee_client.get(reverse("attempt_take", args=[attempt.pk]))["Location"] == (
        reverse("attempt_result", args=[attempt.pk])
    )


# The result ------------------------------------------------------------------------------------


def test_result_shown_immediately(trainee, trainee_client):
    _exam, attempt = _handed_in(trainee)
    html = _text(trainee_client.get(reverse("attempt_result", args=[attempt.pk])))
    assert re.search(r'id="result-score">4 of 4<', html)
    assert "Passed" in html and "Time taken" in html
    assert f'data-attempt-done="{attempt.pk}"' in html  # the page clears the device's copy


def test_result_after_close_waits_for_the_close(trainee, trainee_client, safety_officer):
    exam, attempt = _handed_in(trainee, results_visible=ResultsVisible.AFTER_CLOSE)
    url = reverse("attempt_result", args=[attempt.pk])
    html = _text(trainee_client.get(url))
    assert "Results will be shown after the exam closes" in html
    assert 'id="result-score"' not in html and "Passed" not in html and "Time taken" not in html
    exam_close_early(actor=safety_officer.user, exam=exam, reason="Everyone has finished")
    html = _text(trainee_client.get(url))
    assert re.search(r'id="result-score">4 of 4<', html)


def test_result_never_shown(trainee, trainee_client):
    _exam, attempt = _handed_in(trainee, results_visible=ResultsVisible.NEVER)
    html = _text(trainee_client.get(reverse("attempt_result", args=[attempt.pk])))
    assert "not published" in html
    assert 'id="result-score"' not in html and "Passed" not in html
    assert 'id="review"' not in html


def test_result_awaiting_grading(trainee, trainee_client):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    answer_everything_right(attempt, trainee.user)
    attempt_submit(attempt=attempt)
    html = _text(trainee_client.get(reverse("attempt_result", args=[attempt.pk])))
    assert "graded by hand" in html
    assert 'id="result-score"' not in html and 'id="review"' not in html


def test_review_shows_the_key_only_when_the_exam_allows_it(trainee, trainee_client):
    _exam, attempt = _handed_in(trainee, review_visible=True)
    html = _text(trainee_client.get(reverse("attempt_result", args=[attempt.pk])))
    assert 'id="review"' in html
    assert "Because the regulation says so." in html  # the explanation
    assert html.count("right answer") == 2 and html.count('class="tag">your answer<') == 2

    other = EmployeeFactory(roles=[Role.TRAINEE])
    _exam, hidden = _handed_in(other, review_visible=False)
    html = _text(_client(other).get(reverse("attempt_result", args=[hidden.pk])))
    assert re.search(r'id="result-score">4 of 4<', html)
    assert 'id="review"' not in html
    assert "Because the regulation says so." not in html and "right answer" not in html


# Nothing of the key before results are visible ---------------------------------------------------

SECRETS = [
    "EXPLANATION-SINGLE-Q7F3",
    "EXPLANATION-MULTIPLE-Q7F3",
    "EXPLANATION-TRUEFALSE-Q7F3",
    "ACCEPTED-BLANK-Q7F3",
    "ALSO-ACCEPTED-Q7F3",
    "EXPLANATION-BLANK-Q7F3",
    "REFERENCE-ANSWER-Q7F3",
]


def _paper_with_distinctive_key():
    bank = category("Distinctive key")
    inputs = [
        QuestionInput(
            type="single",
            stem="Which valve isolates the gas line?",
            options=[OptionInput("Ball valve"), OptionInput("Gate valve", True)],
            explanation=SECRETS[0],
        ),
        QuestionInput(
            type="multiple",
            stem="Which are permits?",
            options=[
                OptionInput("Hot work", True),
                OptionInput("Lunch"),
                OptionInput("Confined space", True),
            ],
            explanation=SECRETS[1],
        ),
        QuestionInput(
            type="true_false",
            stem="Gas is heavier than air.",
            options=[OptionInput("True"), OptionInput("False", True)],
            explanation=SECRETS[2],
        ),
        QuestionInput(
            type="fill_blank",
            stem="The alarm level is ___.",
            blanks=[[SECRETS[3], SECRETS[4]]],
            explanation=SECRETS[5],
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe a gas rescue.",
            reference_answer=SECRETS[6],
        ),
    ]
    questions = [question_create(actor=None, category=bank, data=data) for data in inputs]
    return make_paper(questions=questions)


def _assert_no_key(body: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{secret} leaked on {where}"
    assert not re.search(r"correct|right answer|key-tag|review", body, re.I), where


def _option_markup(html: str) -> set[str]:
    """The option inputs with their ids and names taken out: a correct option must look
    exactly like a wrong one."""
    inputs = re.findall(r'<label class="exam-option">(<input [^>]*>)', html)
    assert inputs
    return {re.sub(r'(value|name)="[^"]*"', "", tag) for tag in inputs}


@pytest.mark.parametrize(
    "rule", [ResultsVisible.AFTER_CLOSE, ResultsVisible.NEVER, ResultsVisible.IMMEDIATELY]
)
def test_no_trainee_page_reveals_the_key_before_results_are_visible(trainee, trainee_client, rule):
    exam = make_exam(
        candidates=[trainee],
        paper=_paper_with_distinctive_key(),
        results_visible=rule,
        # With results shown at once, the review is what must stay hidden.
        review_visible=rule != ResultsVisible.IMMEDIATELY,
    )
    intro = reverse("exam_intro", args=[exam.pk])
    pages = {"home": reverse("home"), "my exams": reverse("my_exams"), "intro": intro}
    for where, url in pages.items():
        _assert_no_key(_text(trainee_client.get(url)), where)

    attempt_url = trainee_client.post(intro)["Location"]
    attempt = Attempt.objects.get(exam=exam, employee=trainee)
    html = _text(trainee_client.get(attempt_url))
    _assert_no_key(html, "the exam page")
    assert len(_option_markup(html)) == 2  # radio and checkbox, nothing else differs

    # Answered (not with the key's words: the candidate's own text is shown back) and
    # flagged: still nothing.
    for aq in attempt.questions.select_related("version"):
        qtype = aq.version.type
        save_by_bank_ids(
            user=trainee.user,
            attempt_id=attempt.pk,
            question_id=aq.question_id_shown,
            selected=[aq.option_order[-1]]
            if qtype in ("single", "multiple", "true_false")
            else None,
            blanks=["my guess"] if qtype == "fill_blank" else None,
            text="my own words" if qtype == "short_answer" else None,
            flagged=True,
        )
    during = {
        "the exam page after answering": attempt_url,
        "hand in": reverse("attempt_hand_in", args=[attempt.pk]),
        "clock": reverse("attempt_clock", args=[attempt.pk]),
        "my exams during the attempt": reverse("my_exams"),
        "intro during the attempt": intro,
    }
    for where, url in during.items():
        _assert_no_key(_text(trainee_client.get(url)), where)
    assert len(_option_markup(_text(trainee_client.get(attempt_url)))) == 4  # checked or not

    trainee_client.post(reverse("attempt_hand_in", args=[attempt.pk]))
    after = {
        "result": reverse("attempt_result", args=[attempt.pk]),
        "my exams after": reverse("my_exams"),
        "intro after": intro,
    }
    for where, url in after.items():
        _assert_no_key(_text(trainee_client.get(url)), where)

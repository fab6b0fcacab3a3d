"""Nothing of the key reaches a trainee during an attempt, by any road: one attempt, start to
finish, with every HTML page, every JSON answer and every websocket message the trainee
receives kept and read whole.

The exam shows results only after it closes, so nothing may be shown at any point of the
attempt, not even once the open answer is graded. Questions carry distinctive explanations
(EXPLAIN-ZX81…), accepted blank answers (ACCEPT-QV47…) and a reference answer (REFERENCE-KP93)
so a leak cannot hide behind a common word. Checked in everything received:

- none of these strings;
- no ``correct``: not as a JSON key or value, not in a page at all (attributes, JSON blobs,
  text); no field or attribute named for a key, accepted answer, reference answer or
  explanation; the options of a JSON answer have an id and a text, nothing else;
- the options of a question are marked up alike, right or wrong (each option's element with
  its text, letter and ids blanked must be the same for every option answered alike);
- no score or pass (the results wait for the close) and nothing of another candidate;
- no id of the bank: questions and options are named by the attempt's own random
  identifiers in every JSON body (``id``, ``selected``) and every page (the inputs' names and
  values, ``data-question``, ``data-nav``, picture links); the trainee's websocket messages
  name no question at all.

The checks have teeth: the same strings and marks are found in the safety officer's view of
the same attempt, and in the trainee's own review once the exam is closed.

Like tests/exams/test_proctor.py, the database work of this async test runs through
``database_sync_to_async`` (the test is transactional, the channel layer real)."""

import datetime
import json
import re
from decimal import Decimal
from html import escape

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone
from rest_framework.test import APIClient

from core.roles import Role
from exams.consumers import AttemptConsumer
from exams.content import OptionInput, QuestionInput
from exams.models import Answer, AttemptQuestion, AttemptStatus, Exam, QuestionOption
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.grading import answer_grade
from exams.services.papers import ItemSpec, paper_create
from exams.services.proctoring import attempts_extend
from exams.services.questions import question_create
from tests.exams.factories import answer_everything_right, category, make_exam
from tests.exams.test_proctor import ATTEMPT_ROUTE, own_channel_layer  # noqa: F401 (fixture)
from tests.factories import EmployeeFactory
from tests.live import live_socket

pytestmark = pytest.mark.django_db(transaction=True)

EXPLANATIONS = [
    "EXPLAIN-ZX81-SINGLE",
    "EXPLAIN-ZX81-MULTIPLE",
    "EXPLAIN-ZX81-TRUE-FALSE",
    "EXPLAIN-ZX81-BLANK",
    "EXPLAIN-ZX81-SHORT",
]
ACCEPTED = ["ACCEPT-QV47-ONE", "ACCEPT-QV47-ALSO", "ACCEPT-QV47-TWO"]
REFERENCE = "REFERENCE-KP93 permit, isolate, ventilate"
SECRETS = [*EXPLANATIONS, *ACCEPTED, REFERENCE]
# Any part of one of them, in case a page shortens or reformats a text.
SECRET_MARKS = ["ZX81", "QV47", "KP93"]
# Fields that would carry the key, in JSON or as an attribute.
KEY_WORDS = re.compile(
    r"correct|accepted|reference|explanation|answer[_-]?key|right[_-]answer|solution",
    re.IGNORECASE,
)
RIVAL_NAME, RIVAL_NO = "Rival Wu Ranked", "RX-5501"


def _paper():
    bank = category("Leak everywhere")
    inputs = [
        QuestionInput(
            type="single",
            stem="Which number reports a fire?",
            options=[
                OptionInput("Option Kilo"),
                OptionInput("Option Lima", True),
                OptionInput("Option Mike"),
            ],
            explanation=EXPLANATIONS[0],
        ),
        QuestionInput(
            type="multiple",
            stem="Which extinguishers suit an electrical fire?",
            options=[
                OptionInput("Option November", True),
                OptionInput("Option Oscar", True),
                OptionInput("Option Papa"),
                OptionInput("Option Quebec"),
            ],
            explanation=EXPLANATIONS[1],
        ),
        QuestionInput(
            type="true_false",
            stem="High hook, low use.",
            options=[OptionInput("True", True), OptionInput("False")],
            explanation=EXPLANATIONS[2],
        ),
        QuestionInput(
            type="fill_blank",
            stem="The gas is ___ and the detector reads ___.",
            blanks=[ACCEPTED[:2], ACCEPTED[2:]],
            explanation=EXPLANATIONS[3],
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe the permit to work.",
            reference_answer=REFERENCE,
            explanation=EXPLANATIONS[4],
        ),
    ]
    questions = [question_create(actor=None, category=bank, data=data) for data in inputs]
    return paper_create(
        actor=None, title="Leak everywhere", items=[ItemSpec(q, Decimal(2)) for q in questions]
    )


# What the trainee receives --------------------------------------------------------------------


class Received:
    """The trainee's browser: one session for the pages and the API, keeping every body."""

    def __init__(self, client: APIClient):
        self.client = client
        self.html: list[tuple[str, str, dict]] = []  # with the options chosen at the time
        self.json: list[tuple[str, object]] = []
        self.socket: list[dict] = []
        self.chosen: dict[str, set[int]] = {}  # option ids by question type, as saved

    def page(self, method: str, url: str, *, expected: int = 200) -> str:
        response = getattr(self.client, method)(url, follow=True)
        where = f"{method} {url} -> {response.request['PATH_INFO']}"
        assert response.status_code == expected, (where, response.status_code)
        body = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            self.json.append((where, json.loads(body)))
        else:
            assert response["Content-Type"].startswith("text/html"), where
            self.html.append((where, body, dict(self.chosen)))
        return body

    def api(self, method: str, url: str, body=None, *, expected=(200, 201)):
        response = getattr(self.client, method)(url, body, format="json")
        where = f"{method} {url}"
        assert response.status_code in expected, (where, response.status_code, response.content)
        data = response.json()
        self.json.append((where, data))
        return data


def _json_keys(value) -> set[str]:
    if isinstance(value, dict):
        keys = set(value)
        for item in value.values():
            keys |= _json_keys(item)
        return keys
    if isinstance(value, list):
        keys = set()
        for item in value:
            keys |= _json_keys(item)
        return keys
    return set()


def _option_lists(value) -> list[list[dict]]:
    """Every ``options`` list in a JSON body."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "options" and isinstance(item, list):
                found.append(item)
            found += _option_lists(item)
    elif isinstance(value, list):
        for item in value:
            found += _option_lists(item)
    return found


def json_leaks(where: str, data) -> list[str]:
    problems = []
    text = json.dumps(data, ensure_ascii=False)
    problems += [f"{where}: {secret!r}" for secret in SECRET_MARKS if secret in text]
    if "correct" in text.lower():
        problems.append(f"{where}: the word 'correct'")
    problems += [f"{where}: key {key!r}" for key in _json_keys(data) if KEY_WORDS.search(key)]
    for options in _option_lists(data):
        for option in options:
            if set(option) != {"id", "text"}:
                problems.append(f"{where}: an option carries {sorted(option)}")
    problems += [f"{where}: {rival!r}" for rival in (RIVAL_NAME, RIVAL_NO) if rival in text]
    return problems


TAG = re.compile(r"<[a-zA-Z][^>]*>")
JSON_BLOB = re.compile(r"<script[^>]*application/json[^>]*>(.*?)</script>", re.DOTALL)


def html_leaks(where: str, body: str) -> list[str]:
    problems = [f"{where}: {secret!r}" for secret in SECRET_MARKS if secret in body]
    # Not even in the text: no trainee page has a reason to say it.
    if "correct" in body.lower():
        problems.append(f"{where}: the word 'correct'")
    for tag in TAG.findall(body):
        if KEY_WORDS.search(tag):
            problems.append(f"{where}: tag {tag[:120]!r}")
    for blob in JSON_BLOB.findall(body):
        problems += json_leaks(f"{where} (JSON in the page)", json.loads(blob))
    problems += [
        f"{where}: {t!r} of another candidate" for t in (RIVAL_NAME, RIVAL_NO) if t in body
    ]
    return problems


# Option markup --------------------------------------------------------------------------------

CONTAINER = re.compile(r"<(label|li|tr|option)[\s>]")


def option_markup(body: str, text: str) -> list[str]:
    """The element (label, li, tr, option) around each place ``text`` is shown as an option,
    with the text, the option letter, numbers (ids) and the candidate's own choice marks
    blanked, so options differ only by what else marks them."""
    shown = escape(text)
    found = []
    # The whole text of its node, or after the option's letter ("B. True").
    for match in re.finditer(rf"(?:>\s*|\b[A-H]\.\s+){re.escape(shown)}(?=\s*<)", body):
        opened = list(CONTAINER.finditer(body, 0, match.start()))
        if not opened:
            continue
        start, tag = opened[-1].start(), opened[-1].group(1)
        end = body.find(f"</{tag}>", match.end())
        if end < 0:
            continue
        markup = body[start : end + len(tag) + 3]
        markup = markup.replace(shown, "TEXT")
        markup = re.sub(r"\b[A-H]\.", "X.", markup)
        markup = re.sub(r"\b[0-9a-f]{8}\b", "ID", markup)  # the attempt's identifiers
        markup = re.sub(r"\d+", "N", markup)
        markup = re.sub(r"\s+", " ", markup)
        found.append(markup)
    return found


def markup_leaks(where: str, body: str, options: list[tuple[str, bool, bool]]) -> list[str]:
    """``options``: (text, correct, chosen) of one question. Options answered alike (both
    chosen or both not) must look alike, whether right or wrong."""
    problems = []
    for chosen in (True, False):
        alike = [(text, correct) for text, correct, picked in options if picked == chosen]
        shapes = {(text, correct): set(option_markup(body, text)) for text, correct in alike}
        right = set().union(*(s for (_, c), s in shapes.items() if c))
        wrong = set().union(*(s for (_, c), s in shapes.items() if not c))
        if right and wrong and right != wrong:
            problems.append(f"{where}: right options look like {right}, wrong ones like {wrong}")
    return problems


# The attempt -----------------------------------------------------------------------------------


@pytest.fixture
def setting(trainee, safety_officer):
    rival = EmployeeFactory(roles=[Role.TRAINEE], name=RIVAL_NAME, employee_no=RIVAL_NO)
    exam = make_exam(
        candidates=[trainee, rival],
        paper=_paper(),
        results_visible="after_close",
        shuffle_questions=True,
        shuffle_options=True,
        pass_score=Decimal(5),
    )
    # The rival sits first, all right, and is graded.
    attempt = attempt_start(employee=rival, exam=exam).attempt
    answer_everything_right(attempt, rival.user)
    attempt = attempt_submit(attempt=attempt)
    answer_grade(
        actor=safety_officer.user,
        answer=Answer.objects.get(attempt=attempt, needs_grading=True),
        score=Decimal(2),
    )
    client = APIClient()
    client.force_login(trainee.user)
    return exam, Received(client)


def _before_the_start(seen: Received, exam) -> dict:
    seen.page("get", "/")
    seen.page("get", "/exams/")
    seen.page("get", f"/exams/{exam.pk}/")
    seen.api("get", "/api/v1/exams/")
    seen.api("get", f"/api/v1/exams/{exam.pk}/")
    return seen.api("post", f"/api/v1/exams/{exam.pk}/attempts/", expected=(201,))


def _correct_by_shown_id(attempt_id: int) -> dict[str, bool]:
    """The attempt's option identifiers -> whether the option is right (from the database)."""
    correct = dict(QuestionOption.objects.values_list("pk", "correct"))
    return {
        key: correct[pk]
        for aq in AttemptQuestion.objects.filter(attempt_id=attempt_id)
        for pk, key in zip(aq.option_order, aq.option_keys, strict=True)
    }


def _options(started: dict) -> dict[str, list[tuple[str, str, bool]]]:
    """By question type: (option id shown, text, correct) in the order shown. The test knows
    the key from the database; the trainee's answers never said it."""
    correct = _correct_by_shown_id(started["id"])
    return {
        q["type"]: [(o["id"], o["text"], correct[o["id"]]) for o in q["options"]]
        for q in started["questions"]
    }


def _answering(seen: Received, exam, started: dict) -> None:
    """Resume twice, read everything, answer every question (wrongly or half right), refuse
    bad saves: as the exam page does."""
    attempt = started["id"]
    seen.api("post", f"/api/v1/exams/{exam.pk}/attempts/", expected=(200,))
    seen.page("post", f"/exams/{exam.pk}/")  # resume through the page: the exam page
    seen.page("get", f"/attempts/{attempt}/")
    seen.page("get", f"/attempts/{attempt}/clock/")
    seen.api("get", f"/api/v1/attempts/{attempt}/")

    by_type = {q["type"]: q for q in started["questions"]}
    options = _options(started)
    wrong = {kind: [o for o in opts if not o[2]] for kind, opts in options.items()}
    right = {kind: [o for o in opts if o[2]] for kind, opts in options.items()}
    chosen = {
        "single": {wrong["single"][0][0]},
        "multiple": {right["multiple"][0][0], wrong["multiple"][0][0]},
        "true_false": {wrong["true_false"][0][0]},
    }
    seen.chosen = chosen
    url = f"/api/v1/attempts/{attempt}/answers/"
    for sequence, (kind, body) in enumerate(
        (
            ("single", {"selected": [right["single"][0][0]]}),  # changed below
            ("single", {"selected": sorted(chosen["single"])}),
            ("multiple", {"selected": sorted(chosen["multiple"])}),
            ("true_false", {"selected": sorted(chosen["true_false"])}),
            ("fill_blank", {"blanks": ["a guess", ""]}),
            ("short_answer", {"text": "Ask for a permit first.", "flagged": True}),
        ),
        start=1,
    ):
        saved = seen.api("put", f"{url}{by_type[kind]['id']}/", {**body, "sequence": sequence})
        assert saved["saved"] is True
    # Refused saves: their messages must not help either.
    seen.api(
        "put",
        f"{url}{by_type['single']['id']}/",
        {"selected": [options["multiple"][0][0]]},
        expected=(400,),
    )
    seen.api(
        "put", f"{url}{by_type['fill_blank']['id']}/", {"blanks": ["a", "b", "c"]}, expected=(400,)
    )
    seen.api("put", f"{url}{by_type['short_answer']['id']}/", {"score": 99}, expected=(400,))
    # An older save arriving late: ignored, and says nothing.
    late = seen.api("put", f"{url}{by_type['single']['id']}/", {"selected": [], "sequence": 1})
    assert late["saved"] is False

    seen.page("get", f"/attempts/{attempt}/")  # answered
    seen.page("get", f"/attempts/{attempt}/clock/")
    seen.api("get", f"/api/v1/attempts/{attempt}/")
    seen.page("get", "/")
    seen.page("get", "/exams/")
    seen.page("get", f"/exams/{exam.pk}/")
    seen.page("get", f"/attempts/{attempt}/hand-in/")


def _after_extra_time(seen: Received, attempt: int) -> None:
    seen.page("get", f"/attempts/{attempt}/")
    seen.page("get", f"/attempts/{attempt}/clock/")


def _handing_in(seen: Received, exam, started: dict) -> None:
    attempt = started["id"]
    submitted = seen.api("post", f"/api/v1/attempts/{attempt}/submit/")
    assert submitted["status"] == AttemptStatus.SUBMITTED  # the short answer awaits a grader
    seen.page("post", f"/attempts/{attempt}/hand-in/")  # again, through the page: the result
    seen.api("post", f"/api/v1/attempts/{attempt}/submit/")
    question = started["questions"][0]["id"]
    seen.api(
        "put", f"/api/v1/attempts/{attempt}/answers/{question}/", {"flagged": True}, expected=(409,)
    )
    _result_reads(seen, exam, attempt)


def _result_reads(seen: Received, exam, attempt: int) -> None:
    seen.api("get", f"/api/v1/attempts/{attempt}/")
    seen.page("get", f"/attempts/{attempt}/")  # closed: the result
    seen.page("get", f"/attempts/{attempt}/result/")
    seen.page("get", f"/attempts/{attempt}/clock/")
    seen.page("get", f"/attempts/{attempt}/hand-in/")
    seen.page("get", "/")
    seen.page("get", "/exams/")
    seen.page("get", f"/exams/{exam.pk}/")
    seen.api("get", "/api/v1/exams/")
    seen.api("get", f"/api/v1/exams/{exam.pk}/")


def _grade_the_open_answer(officer, attempt: int) -> None:
    answer = Answer.objects.get(attempt_id=attempt, needs_grading=True)
    graded = answer_grade(actor=officer.user, answer=answer, score=Decimal(1), comment="Fine")
    assert graded.attempt.status == AttemptStatus.GRADED


async def _drain(socket, into: list) -> None:
    while not await socket.receive_nothing(timeout=0.3):
        into.append(await socket.receive_json_from())


def _marked(options: list[tuple[int, str, bool]], chosen: set[int]) -> list[tuple]:
    return [(text, correct, pk in chosen) for pk, text, correct in options]


def _values(value, key: str) -> list:
    """Every value of ``key`` in a JSON body."""
    if isinstance(value, dict):
        found = [value[key]] if key in value else []
        return found + [v for item in value.values() for v in _values(item, key)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item, key)]
    return []


# Where a page names a question or an option of the attempt.
SHOWN_IDS = re.compile(
    r'data-question="([^"]*)"|data-nav="([^"]*)"|name="q([^"]*)"'
    r'|type="(?:radio|checkbox)"[^>]*value="([^"]*)"|id="q([^"-]+)-(?:blank|text)'
    r'|/questions/([^/"]*)/image/'
)


def _shown_ids(attempt_id: int) -> tuple[set[str], set[str]]:
    """(the attempt's identifiers, the bank's ids of its questions, versions and options)."""
    shown, bank = set(), set()
    for aq in AttemptQuestion.objects.filter(attempt_id=attempt_id).select_related("version"):
        shown |= {aq.key, *aq.option_keys}
        bank |= {aq.question_id_shown, aq.version_id, aq.version.question_id, *aq.option_order}
    return shown, {str(pk) for pk in bank}


def id_leaks(where: str, data, shown: set[str]) -> list[str]:
    """Questions, options and choices of a JSON body named by anything but the attempt's
    identifiers."""
    problems = []
    for questions in _values(data, "questions"):
        for item in questions if isinstance(questions, list) else []:
            names = [item.get("id"), *(o.get("id") for o in item.get("options", []))]
            names += (item.get("answer") or {}).get("selected", [])
            problems += [f"{where}: {n!r} is no identifier shown" for n in names if n not in shown]
    return problems


def _leaks(seen: Received, started: dict) -> list[str]:
    problems = []
    options = _options(started)
    identifiers, bank = _shown_ids(started["id"])
    for where, body, chosen in seen.html:
        problems += html_leaks(where, body)
        for match in SHOWN_IDS.finditer(body):
            name = next(group for group in match.groups() if group is not None)
            if name not in identifiers:
                problems.append(f"{where}: {match.group(0)!r} names no identifier shown")
        if any(f'id="{part}"' in body for part in ("result-score", "result-passed", "review")):
            problems.append(f"{where}: a result or a review")
        for kind, shown in options.items():
            problems += markup_leaks(where, body, _marked(shown, chosen.get(kind, set())))
    for where, data in seen.json:
        problems += json_leaks(where, data)
        problems += id_leaks(where, data, identifiers)
        # (A refused field comes back as a list of messages under its name.)
        values = [v for key in ("score", "passed") for v in _values(data, key)]
        shown = [v for v in values if v is not None and not isinstance(v, list)]
        if shown:
            problems.append(f"{where}: a score or pass {shown}")
    for index, message in enumerate(seen.socket):
        problems += json_leaks(f"websocket message {index} {message.get('event')}", message)
        if "question" in _json_keys(message):
            problems.append(f"websocket message {index} names a question")
    assert bank and identifiers.isdisjoint(bank)
    return problems


async def test_no_page_answer_or_message_to_the_trainee_carries_the_key(
    setting,
    trainee,
    safety_officer,
    own_channel_layer,  # noqa: F811
):
    exam, seen = setting
    sync = database_sync_to_async
    started = await sync(_before_the_start)(seen, exam)
    attempt = started["id"]
    user = await sync(lambda: trainee.user)()
    async with live_socket(
        AttemptConsumer.as_asgi(), f"/ws/attempts/{attempt}/", user, ATTEMPT_ROUTE
    ) as socket:
        await sync(_answering)(seen, exam, started)
        moved = await sync(attempts_extend)(
            actor=safety_officer.user, exam=exam, minutes=10, reason="Power cut", employee=trainee
        )
        assert moved == 1
        seen.socket.append(await socket.receive_json_from(timeout=3))
        await sync(_after_extra_time)(seen, attempt)
        await sync(_handing_in)(seen, exam, started)
        await _drain(socket, seen.socket)
        await sync(_grade_the_open_answer)(safety_officer, attempt)
        await _drain(socket, seen.socket)
        # Graded now: the score still waits for the close, so does the key.
        await sync(_result_reads)(seen, exam, attempt)
        await _drain(socket, seen.socket)

    events = [message["event"] for message in seen.socket]
    assert {"attempt.deadline", "attempt.closed"} <= set(events), events
    assert len(seen.html) >= 20 and len(seen.json) >= 25
    result = await sync(lambda: seen.api("get", f"/api/v1/attempts/{attempt}/"))()
    assert result["status"] == "graded" and result["score"] is None

    problems = await sync(_leaks)(seen, started)
    assert not problems, "\n".join(problems)
    # The option check looked at the options: every one is found on the exam page.
    exam_pages = [
        body for where, body, _ in seen.html if where.endswith(f"-> /attempts/{attempt}/")
    ]
    assert len(exam_pages) == 4
    for _, text, _ in (o for shown in (await sync(_options)(started)).values() for o in shown):
        assert all(len(option_markup(body, text)) == 1 for body in exam_pages), text

    # The checks have teeth. ----------------------------------------------------------------
    officer = APIClient()
    await sync(officer.force_login)(safety_officer.user)
    teeth = Received(officer)
    await sync(teeth.api)("get", f"/api/v1/attempts/{attempt}/")
    await sync(teeth.page)("get", f"/exam-admin/attempts/{attempt}/")
    (_, officer_json), (_, officer_page, _) = teeth.json[0], teeth.html[0]
    officer_text = json.dumps(officer_json, ensure_ascii=False)
    for secret in SECRETS:
        assert secret in officer_text, secret
        assert escape(secret) in officer_page, secret
    assert any("'correct'" in p for p in json_leaks("officer", officer_json))
    assert html_leaks("officer page", officer_page)

    # Once the exam closes, the trainee's own review shows the key, marked.
    closed = timezone.now() - datetime.timedelta(seconds=1)
    await sync(lambda: Exam.objects.filter(pk=exam.pk).update(closes_at=closed))()
    after = Received(seen.client)
    review = await sync(after.page)("get", f"/attempts/{attempt}/result/")
    detail = await sync(after.api)("get", f"/api/v1/attempts/{attempt}/")
    assert detail["score"] is not None
    for secret in SECRETS:
        assert escape(secret) in review, secret
    assert json_leaks("review JSON", detail)
    options = (await sync(_options)(started))["single"]
    assert markup_leaks("review page", review, _marked(options, seen.chosen["single"]))


def test_markup_check_finds_options_on_the_exam_page():
    """The option check reads the exam page's own markup (and would not pass by finding
    nothing)."""
    page = (
        '<label class="exam-option"><input type="radio" name="q7" value="31">'
        '<span class="option-letter">A.</span>'
        '<span class="option-text">Option Kilo</span></label>\n'
        '<label class="exam-option"><input type="radio" name="q7" value="32">'
        '<span class="option-letter">B.</span>'
        '<span class="option-text">Option Lima</span></label>'
    )
    assert option_markup(page, "Option Kilo") == option_markup(page, "Option Lima") != []
    leaky = page.replace('value="32"', 'value="32" data-k="1"')
    options = [("Option Kilo", False, False), ("Option Lima", True, False)]
    assert not markup_leaks("page", page, options)
    assert markup_leaks("leaky page", leaky, options)

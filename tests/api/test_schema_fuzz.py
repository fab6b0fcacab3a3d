"""Schema fuzzing: every operation the OpenAPI schema documents, as the safety officer and as
a trainee (token auth), against the demo company. Any 5xx, and any answer the schema does not
describe (status code, content type, body), fails; the failures of every operation are listed
together, each with a curl command that reproduces it.

Slow (about a minute per role), so it runs only when asked, once in CI (on PostgreSQL):

    RUN_SCHEMA_FUZZ=1 .venv/bin/pytest -n 0 -m schema_fuzz tests/api/test_schema_fuzz.py

Bounded and repeatable: a fixed seed, a fixed number of examples per operation and mode
(``FUZZ_EXAMPLES`` overrides it), no shrinking. Each example runs in a transaction rolled back
afterwards, so every request meets the seeded data as it was and no operation's writes steer
the next one. Operations that would lock the caller out (changing a password, deactivating
or demoting oneself) are left out.
"""

import os
import re
from dataclasses import dataclass
from io import StringIO

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import checks
from schemathesis.errors import FailureGroup, SerializationNotPossible
from schemathesis.generation import GenerationMode

from certificates.models import Certificate, CertificateType
from config.wsgi import application
from courses.models import Course, Material, Module, Questionnaire, Session, Training
from courses.models.questionnaires import Question as QuestionnaireQuestion
from exams.models import (
    Answer,
    Attempt,
    Exam,
    Paper,
    Question,
    QuestionCategory,
    QuestionVersion,
)
from people.models import Department, Employee

pytestmark = [
    pytest.mark.schema_fuzz,
    pytest.mark.skipif(
        os.environ.get("RUN_SCHEMA_FUZZ") != "1",
        reason="schema fuzzing runs only with RUN_SCHEMA_FUZZ=1 (about two minutes)",
    ),
    pytest.mark.django_db,
]

SEED = 2026
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))  # per operation and mode
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
# Operations that would lock the caller out for the rest of the run: a password set (by
# oneself or by the officer: the account then must change it before anything else) and
# signing out. Writes to one's own employee record are refused case by case (``locks_out``).
EXCLUDED = [
    re.compile(r"/password/$"),
    re.compile(r"/logout/$"),
]

# The model a path parameter names, by the path segment before it (``/papers/{id}/``) or by
# its own name (``{training_pk}``), so that the fuzzer also asks for objects that exist.
SEGMENT_MODELS = {
    "answers": Answer,
    "attempts": Attempt,
    "certificate-types": CertificateType,
    "certificates": Certificate,
    "courses": Course,
    "departments": Department,
    "employees": Employee,
    "exams": Exam,
    "materials": Material,
    "modules": Module,
    "papers": Paper,
    "question-categories": QuestionCategory,
    "questionnaires": Questionnaire,
    "questions": Question,
    "sessions": Session,
    "trainings": Training,
}
NAME_MODELS = {
    "employee_id": Employee,
    "version_id": QuestionVersion,
}
REAL_IDS_PER_MODEL = 6
# Operations that must answer 2xx at least once (of about 160: 117 and 23 when written).
MIN_ANSWERED = {"officer": 90, "trainee": 15}


@dataclass
class Caller:
    username: str
    employee_id: int | None
    token: str


@pytest.fixture
def demo_company(db, settings, tmp_path):
    """The demo company (people, the January training with materials, roll calls and a
    questionnaire, the question bank, papers, the exam taken, certificates)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off unless forced
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    settings.DEBUG = False


@pytest.fixture
def wsgi_calls_share_the_test_transaction():
    """Requests go through the real WSGI handler, whose request signals would close the
    test's database connection (and its transaction); Django's test client unhooks the
    same handler while it runs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def caller(username: str) -> Caller:
    user = get_user_model().objects.get(username=username)
    token, _created = Token.objects.get_or_create(user=user)
    employee = getattr(user, "employee", None)
    return Caller(username, employee.pk if employee else None, token.key)


def path_models(path: str) -> dict[str, type]:
    """The model behind each of the path's parameters, where known."""
    models = {}
    segments = path.strip("/").split("/")
    for index, segment in enumerate(segments):
        match = re.fullmatch(r"\{(\w+)\}", segment)
        if not match:
            continue
        name = match.group(1)
        before = segments[index - 1] if index else ""
        if name in NAME_MODELS:
            models[name] = NAME_MODELS[name]
        elif before == "questions" and "questionnaires" in segments[: index - 1]:
            models[name] = QuestionnaireQuestion
        elif before == "answers" and name == "question_id":
            continue  # an attempt's question: its id is the attempt's own
        elif before in SEGMENT_MODELS:
            models[name] = SEGMENT_MODELS[before]
        else:
            stem = re.sub(r"_(id|pk)$", "", name)
            model = SEGMENT_MODELS.get(f"{stem}s")
            if model is not None:
                models[name] = model
    return models


def real_path_parameters(path: str) -> list[dict]:
    """Path parameters naming objects of the demo data: for a nested path, a child with its
    own parent (a session with its training), so the request reaches the view's logic."""
    models = path_models(path)
    if not models:
        return []
    *parents, (child_name, child_model) = models.items()
    combos = []
    for obj in child_model.objects.order_by("pk")[:REAL_IDS_PER_MODEL]:
        values = {child_name: obj.pk}
        for name, model in parents:
            fk = next(
                (
                    f.attname
                    for f in child_model._meta.concrete_fields
                    if f.is_relation and f.related_model is model
                ),
                None,
            )
            parent = getattr(obj, fk) if fk else model.objects.order_by("pk").first()
            values[name] = parent if isinstance(parent, int) else getattr(parent, "pk", 0)
        combos.append(values)
    return combos


def locks_out(case, who: Caller) -> bool:
    """A write to the caller's own employee record: deactivating or demoting oneself."""
    return (
        case.method.upper() in {"PUT", "PATCH", "DELETE"}
        and case.path == "/api/v1/employees/{id}/"
        and str(case.path_parameters.get("id")) == str(who.employee_id)
    )


def strategies(operation) -> list[tuple[str, st.SearchStrategy]]:
    """Schema-valid cases: for objects that exist where the path names some, else with
    generated parameters; then schema-invalid cases where there is input to get wrong."""
    found = []
    positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    real = real_path_parameters(operation.path)
    if real:

        def with_real_ids(pair):
            case, values = pair
            case.path_parameters = {**(case.path_parameters or {}), **values}
            return case

        # Generated ids would mostly meet nothing (404): the invalid cases below try those.
        found.append(
            ("existing objects", st.tuples(positive, st.sampled_from(real)).map(with_real_ids))
        )
    else:
        found.append(("positive", positive))
    has_input = any(
        len(part) for part in (operation.path_parameters, operation.query, operation.body)
    )
    if has_input:
        found.append(("negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)))
    return found


def fuzz(who: Caller) -> tuple[list[str], set[str]]:
    """Every operation of the schema as ``who``: the failures found, described, and the
    operations that answered 2xx at least once."""
    config = schemathesis.Config.from_dict({"seed": SEED})
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)
    headers = {"Authorization": f"Token {who.token}"}
    failures = []
    answered = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        if any(pattern.search(operation.path) for pattern in EXCLUDED):
            continue
        for label, strategy in strategies(operation):

            @seed(SEED)
            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case):
                if locks_out(case, who):
                    hypothesis.reject()
                with transaction.atomic():
                    try:
                        response = case.call(headers=headers)
                        if response.status_code < 300:
                            answered.add(case.operation.label)
                        case.validate_response(response, checks=CHECKS)
                    except SerializationNotPossible:
                        hypothesis.reject()
                    finally:
                        transaction.set_rollback(True)

            try:
                run()
            except (FailureGroup, Exception) as error:  # names the check and the request
                failures.append(f"{operation.label} ({label}, as {who.username}):\n{error}")
    return failures, answered


@pytest.mark.parametrize("username", ["officer", "trainee"])
def test_the_api_answers_as_its_schema_says(
    username, demo_company, wsgi_calls_share_the_test_transaction
):
    failures, answered = fuzz(caller(username))
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
    # The run proves little if the caller was refused everywhere (a broken token, a forced
    # password change): enough operations must have done their work at least once.
    assert len(answered) >= MIN_ANSWERED[username], sorted(answered)

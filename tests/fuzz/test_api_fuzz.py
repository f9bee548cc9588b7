"""The API under generated input: schemathesis reads the live OpenAPI document and sends
every operation requests built from it (valid ones, and ones that break the schema), as a
province admin, a class teacher and a gate officer, through the WSGI app in this process (so
in the test's database transaction). No answer may be a server error, and an answer with a
documented status must match its documented schema.

The run is derandomized (the same cases every run) with no deadline, so CI is stable; a new
endpoint is fuzzed without a test of its own.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from apps.access.services import api_token_create

CASES_PER_OPERATION = 8
# The province admin sees everything; a class teacher little; a gate officer's token is what a
# gate terminal sends.
PERSONAS = ("province", "teacher_a1", "gate_a")

# Not fuzzed, and why:
EXCLUDED = {
    # revoking a token by a generated id revokes the very tokens this run authenticates with
    ("DELETE", "/api/v1/tokens/{token_id}"),
}


def _settings():
    return settings(max_examples=CASES_PER_OPERATION, deadline=None, derandomize=True,
                    database=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


def _known_ids(world) -> dict:
    """Path parameters of rows in the test province: a generated id rarely names a row, so
    some cases of an operation whose path parameters are all here use these."""
    return {"person_id": world.persons["a1_student"].pk, "school_id": world.schools["a"].pk,
            "class_id": world.classes["a_c1"].pk, "bureau_id": world.bureaus["jinshui"].pk,
            "code": "410105"}


def _strategy(operation, known):
    """Valid requests, requests that break the schema, and valid ones on known rows."""
    names = [p.name for p in operation.iter_parameters() if p.location == "path"]
    fixed = {} if any(name not in known for name in names) else {n: known[n] for n in names}
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if names and fixed:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))
    return st.one_of(strategies)


def _fuzz(operation, headers, sent, known) -> None:
    @_settings()
    @given(case=_strategy(operation, known))
    def run(case):
        sent.append(1)
        case.call_and_validate(headers=headers,
                               checks=[not_a_server_error, response_schema_conformance])

    run()


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, keeping the test's database connection open between requests (a
    request closes a connection inside a transaction; Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
def test_it_answers_generated_requests_without_server_errors_as_documented(world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures, sent = [], []
    for username in PERSONAS:
        _token, raw = api_token_create(user=world.users[username], name="fuzz", permissions=None)
        headers = {"Authorization": f"Bearer {raw}"}
        for operation in operations:
            if (operation.method.upper(), operation.path) in EXCLUDED:
                continue
            try:
                _fuzz(operation, headers, sent, _known_ids(world))
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 (listed, all)
                failures.append(f"{username} {operation.method.upper()} {operation.path}: "
                                f"{failure}")
    print(f"fuzz: {len(sent)} cases")  # noqa: T201 (the run's size, with -s)
    assert len(sent) >= 1000
    assert not failures, "\n\n".join(failures)

"""The service against its own OpenAPI description: schemathesis generates requests for every
operation, sends them in-process as a logged-in coordinator, and checks that no answer is a
server error and that each one's status, content type and body are the ones the description
declares. On SQLite and PostgreSQL."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from refuge.accounts import Role
from refuge.api import create_app
from refuge.api.deps import CSRF_COOKIE, SESSION_COOKIE

from .support import FAST, Operation

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Logging out would leave every later request unauthenticated, testing far less.
SKIPPED = {"DELETE /session"}
# Per operation: enough to reach each parameter's edge cases, few enough for both databases in
# well under a minute.
EXAMPLES = 12

# schemathesis's own pytest integration (`from_fixture` + `parametrize`) does not run under this
# suite's pytest 9; the same strategies and checks are driven here with hypothesis directly.


def test_every_operation_answers_as_its_description_says(operation: Operation) -> None:
    staff = operation.staff(Role.COORDINATOR)
    cookies = {name: staff.client.cookies[name] for name in (SESSION_COOKIE, CSRF_COOKIE)}
    # Plain-HTTP cookies: schemathesis talks to the app as http://localhost.
    app = create_app(operation.refuge, policy=FAST, clock=operation.clock, secure_cookies=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: dict[str, str] = {}
    tested = []
    for result in schema.get_all_operations():
        api_operation = result.ok()
        if api_operation.label in SKIPPED:
            continue
        tested.append(api_operation.label)

        @given(case=api_operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_as_described(case: schemathesis.Case) -> None:
            headers = {"X-CSRF-Token": staff.csrf, **(case.headers or {})}
            case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

        try:
            answers_as_described()
        except Exception as exc:  # noqa: BLE001 - collected so every operation is reported
            failures[api_operation.label] = f"{type(exc).__name__}: {exc}"
    assert len(tested) >= 20, tested
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())

"""Errors are problem details with a stable code, no personal data and no traces; every answer
carries the security headers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from refuge.accounts import Role

from .support import Operation

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def test_a_domain_error_is_a_problem_document_with_its_code(operation: Operation) -> None:
    officer = operation.staff(Role.CASE_OFFICER)
    answer = officer.post(
        f"/cases/{operation.cases['a1']}/transitions",
        json={"to": "approved", "expected_version": 0},
        headers={"X-CSRF-Token": officer.csrf},
    )
    assert answer.status_code == 403  # a case officer does not approve
    coordinator = operation.staff(Role.COORDINATOR)
    illegal = coordinator.post(
        f"/cases/{operation.cases['a1']}/transitions",
        json={"to": "approved", "expected_version": 0},
    )
    assert illegal.status_code == 409
    assert illegal.headers["content-type"] == "application/problem+json"
    body = illegal.json()
    assert set(body) == PROBLEM_KEYS
    assert body["code"] == "illegal_transition"
    assert body["type"] == "urn:refuge:problem:illegal_transition"
    assert body["status"] == 409


def test_a_stale_version_is_a_conflict_not_an_overwrite(operation: Operation) -> None:
    url = f"/cases/{operation.cases['b1']}/transitions"
    officer = operation.staff(Role.CASE_OFFICER)
    first = officer.post(url, json={"to": "screened_eligible"}, headers={"If-Match": '"0"'})
    assert first.status_code == 200
    second = officer.post(
        url, json={"to": "screened_ineligible", "reason": "late"}, headers={"If-Match": '"0"'}
    )
    assert second.status_code == 409
    assert second.json()["code"] == "stale_object"
    no_version = officer.post(url, json={"to": "screened_ineligible", "reason": "late"})
    assert no_version.status_code == 422
    assert officer.get(f"/cases/{operation.cases['b1']}").json()["stage"] == "screened_eligible"


def test_validation_errors_say_where_but_never_echo_what_was_sent(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    answer = coordinator.post(
        "/users", json={"username": "x", "password": "P1234567-secret", "role": "king"}
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_input"
    assert {tuple(e["loc"]) for e in body["errors"]} >= {("body", "username"), ("body", "role")}
    assert "P1234567-secret" not in answer.text
    assert "king" not in answer.text


def test_unknown_routes_and_methods_are_problems_too(operation: Operation) -> None:
    client = operation.client()
    missing = client.get("/no/such/thing")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    wrong_method = client.put("/applicant/status")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "POST"
    # A path served by two routes allows the methods of both.
    assert client.put("/users").headers["allow"] == "GET, POST"
    assert client.delete("/cases/RF-000000000").headers["allow"] == "GET"


def test_an_unexpected_failure_shows_no_trace(operation: Operation) -> None:
    app: FastAPI = operation.app

    def explode() -> None:
        raise RuntimeError("Synth Alpha P1234567 exploded")

    app.add_api_route("/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/explode")
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"
    assert "P1234567" not in answer.text
    assert "Traceback" not in answer.text


def test_security_headers_on_every_answer_and_hsts_over_https_only(operation: Operation) -> None:
    secure = operation.client().get("/openapi.json")
    with TestClient(operation.app, base_url="http://testserver") as plain_client:
        plain = plain_client.post("/applicant/status", json={})
    for answer in (secure, plain):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
    assert secure.headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in plain.headers


def test_the_openapi_description_lists_every_resource(operation: Operation) -> None:
    paths = operation.client().get("/openapi.json").json()["paths"]
    for path in (
        "/session",
        "/tokens",
        "/users",
        "/organisations",
        "/programs",
        "/cases",
        "/cases/{number}/transitions",
        "/households/{household_id}",
        "/flights",
        "/audit/events",
        "/audit/verify",
        "/reports/summary",
        "/applicant/status",
    ):
        assert path in paths, path


def test_the_openapi_description_documents_errors_as_problems(operation: Operation) -> None:
    spec = operation.client().get("/openapi.json").json()
    responses = spec["paths"]["/cases/{number}"]["get"]["responses"]
    assert {"200", "401", "404", "422"} <= set(responses)
    assert "application/problem+json" in responses["404"]["content"]
    assert "Problem" in spec["components"]["schemas"]

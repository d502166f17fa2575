"""Program files are data: code-like strings in them are compared or shown as written, never
run, and YAML tags that would build objects are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from refuge.domain import InvalidConfiguration
from refuge.eligibility import Outcome, load_program, screen

from .builders import facts as make_facts

PAYLOAD = "__import__('os').system('touch {marker}')"


def _program(tmp_path: Path, value: str, text: str) -> str:
    return (
        'code: probe\nname: "{name}"\nversion: "1"\nrules:\n  - id: probe\n'
        f"    when: {{fact: referral, op: eq, value: {value}}}\n"
        f"    pass: {text}\n    fail: {text}\n"
    )


def test_a_code_like_value_is_compared_as_text_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = PAYLOAD.format(marker=marker)
    program = load_program(Path("probe.yaml"), _program(tmp_path, f'"{payload}"', "plain"))

    decision = screen(make_facts("probe", referral="ngo"), program)

    assert decision.outcome is Outcome.INELIGIBLE
    assert not marker.exists()
    matched = screen(make_facts("probe", referral=payload), program)
    assert matched.outcome is Outcome.ELIGIBLE  # equal text is just equal text
    assert not marker.exists()


def test_rule_texts_are_read_out_as_written_not_formatted(tmp_path: Path) -> None:
    text = "'{facts.case.number} {0.__class__} %(x)s'"
    program = load_program(Path("probe.yaml"), _program(tmp_path, "ngo", text))

    decision = screen(make_facts("probe", referral="ngo"), program)

    assert decision.read_out() == "Eligible: {facts.case.number} {0.__class__} %(x)s"
    assert program.name == "{name}"


def test_a_yaml_tag_that_would_run_code_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    value = f"!!python/object/apply:os.system ['touch {marker}']"

    with pytest.raises(InvalidConfiguration, match="probe.yaml, line 6: could not determine"):
        load_program(Path("probe.yaml"), _program(tmp_path, value, "plain"))
    assert not marker.exists()


def test_a_fact_name_that_looks_like_code_is_an_unknown_fact(tmp_path: Path) -> None:
    text = _program(tmp_path, "ngo", "plain").replace("fact: referral", "fact: __class__")

    with pytest.raises(InvalidConfiguration, match="unknown fact '__class__'"):
        load_program(Path("probe.yaml"), text)

"""Program files: every shipped file loads, and a broken file is refused with the file, the line
and the place inside it named."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from refuge.domain import InvalidConfiguration
from refuge.eligibility import (
    FACTS,
    OPERATORS,
    RuleEffect,
    load_program,
    load_programs,
    shipped_programs,
)

SHIPPED = {"siv", "citizens", "partner-tcn", "humanitarian-p", "resettlement-partner"}

GOOD = """\
code: demo
name: A demonstration program
version: "1"
rules:
  - id: at-risk
    when:
      all:
        - {fact: threat_level, op: ge, value: 3}
        - {fact: siv.step, op: ge, value: com-approved}
    pass: Threat assessed.
    fail: No threat assessed.
"""


def _load(tmp_path: Path, text: str, name: str = "demo.yaml") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    load_program(path)


def _problem(tmp_path: Path, text: str, name: str = "demo.yaml") -> str:
    with pytest.raises(InvalidConfiguration) as caught:
        _load(tmp_path, text, name)
    message = caught.value.message
    assert name in message
    return message


def test_every_shipped_program_loads_with_a_version_and_a_digest() -> None:
    programs = shipped_programs()

    assert set(programs) == SHIPPED
    for code, program in programs.items():
        assert program.code == code
        assert program.version
        assert len(program.digest) == 64
        assert program.version_label == f"{program.version}@{program.digest[:12]}"
        assert program.rules
        assert all(rule.pass_text and rule.fail_text for rule in program.rules)


def test_every_shipped_program_checks_documents_apart_from_requirements() -> None:
    for program in shipped_programs().values():
        effects = {rule.effect for rule in program.rules}
        assert effects == {RuleEffect.REQUIRE, RuleEffect.DOCUMENT}, program.code


def test_the_humanitarian_path_has_a_quota_and_the_store_form_carries_it() -> None:
    program = shipped_programs()["humanitarian-p"]

    assert program.quota is not None
    stored = program.to_domain(precedence=6)
    assert stored.quota == program.quota.limit
    assert stored.version == program.version_label
    assert stored.precedence == 6


def test_a_good_file_loads(tmp_path: Path) -> None:
    _load(tmp_path, GOOD)


def test_comments_and_layout_do_not_change_the_digest_but_content_does(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    first = load_program(path, GOOD)
    reformatted = load_program(path, "# a comment\n" + GOOD.replace("version:", "version:  "))
    changed = load_program(path, GOOD.replace("value: 3", "value: 4"))

    assert reformatted.digest == first.digest
    assert changed.digest != first.digest
    assert changed.version == first.version  # edited without bumping: the digest still tells


def test_a_missing_field_is_named_with_its_place(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("    fail: No threat assessed.\n", ""))

    assert "line 5" in message
    assert "rules[0]" in message
    assert "missing field 'fail'" in message


def test_an_unknown_fact_is_named_with_its_line_and_path(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("fact: threat_level", "fact: threat_levle"))

    assert "line 8" in message
    assert "rules[0].when.all[0].fact" in message
    assert "unknown fact 'threat_levle'" in message


def test_an_operator_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("op: ge, value: 3", "op: gte, value: 3"))

    assert "line 8, at rules[0].when.all[0].op" in message
    assert "unknown operator 'gte'; threat_level takes one of: eq, ne, lt, le, gt, ge" in message


def test_an_operator_that_does_not_fit_the_fact_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{fact: threat_level, op: ge, value: 3}", "{fact: referral, op: ge, value: ngo}"
    )

    message = _problem(tmp_path, text)

    assert "rules[0].when.all[0].op" in message
    assert "does not apply to referral (text fact)" in message


def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("value: 3", 'value: "high"'))

    assert "rules[0].when.all[0].value" in message
    assert "threat_level is a number" in message


def test_a_yaml_yes_does_not_pass_for_a_number_or_a_word(tmp_path: Path) -> None:
    number = _problem(tmp_path, GOOD.replace("value: 3", "value: yes"))
    word = _problem(tmp_path, GOOD.replace("value: com-approved", "value: no"))

    assert "threat_level is a number" in number
    assert "quote words" in word


def test_a_value_outside_an_ordered_fact_is_refused_with_the_choices(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("com-approved", "com-approvd"))

    assert "rules[0].when.all[1].value" in message
    assert "com-applied, com-approved, i360-filed" in message


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("    pass:", "    effects: require\n    pass:"))

    assert "line 10, at rules[0].effects: unknown field 'effects'" in message


def test_a_condition_of_no_known_shape_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("{fact: threat_level, op: ge, value: 3}", "{either: [1, 2]}")

    message = _problem(tmp_path, text)

    assert "rules[0].when.all[0]" in message
    assert "a condition is a mapping with one of" in message


def test_a_member_fact_outside_a_member_condition_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "fact: threat_level, op: ge, value: 3", "fact: member.age, op: lt, value: 18"
    )

    message = _problem(tmp_path, text)

    assert "rules[0].when.all[0].fact" in message
    assert "inside any_member, every_member or count_members" in message


def test_member_conditions_cannot_nest(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{fact: threat_level, op: ge, value: 3}",
        "{any_member: {every_member: {fact: member.age, op: lt, value: 18}}}",
    )

    message = _problem(tmp_path, text)

    assert "rules[0].when.all[0].any_member" in message
    assert "cannot be nested" in message


def test_a_document_kind_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("{fact: threat_level, op: ge, value: 3}", "{has_document: {kind: licence}}")

    message = _problem(tmp_path, text)

    assert "rules[0].when.all[0].has_document.kind" in message


def test_a_rule_id_used_twice_is_refused(tmp_path: Path) -> None:
    rule = GOOD[GOOD.index("  - id:") :]
    message = _problem(tmp_path, GOOD + rule)

    assert "line 12, at rules[1].id: rule id 'at-risk' used twice" in message


def test_the_code_must_match_the_file_name(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD, name="other.yaml")

    assert "code 'demo' must match the file name other.yaml" in message


def test_an_unquoted_version_is_refused_because_yaml_would_change_it(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace('version: "1"', "version: 1.10"))

    assert "line 3, at version: version must be quoted text" in message


def test_broken_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("    pass: Threat assessed.", "    pass: [unclosed"))

    assert "demo.yaml, line 11: expected" in message


def test_a_key_written_twice_is_refused_rather_than_silently_overwritten(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("    fail:", "    pass: Again.\n    fail:"))

    assert "demo.yaml, line 11: key 'pass' appears twice" in message


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    message = _problem(tmp_path, "- just\n- a list\n")

    assert "must hold a mapping" in message


def test_a_directory_load_reports_every_broken_file(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(GOOD.replace("op: ge", "op: gte"), encoding="utf-8")
    (tmp_path / "second.yaml").write_text(GOOD.replace("code: demo", "code: second"))
    (tmp_path / "third.yaml").write_text(GOOD.replace("code: demo", "code: third").replace(
        "fact: siv.step", "fact: siv.stage"))  # fmt: skip

    with pytest.raises(InvalidConfiguration) as caught:
        load_programs(tmp_path)

    assert "demo.yaml" in caught.value.message
    assert "third.yaml" in caught.value.message
    assert "second.yaml" not in caught.value.message


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfiguration, match="no program files"):
        load_programs(tmp_path)


def test_the_reference_for_program_authors_names_every_fact_and_operator() -> None:
    reference = (resources.files("refuge.eligibility") / "programs" / "README.md").read_text(
        "utf-8"
    )

    for name in FACTS:
        assert f"`{name}`" in reference, name
    for operators in OPERATORS.values():
        for op in operators:
            assert op in reference, op

"""Programs as data: the schema of a program file, loading and validating one or a directory of
them, and the compiled form screening runs."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from refuge.domain import InvalidConfiguration, Program
from refuge.eligibility.conditions import Check, Condition
from refuge.eligibility.datafile import DataFile, read_data_file, validation_problems

__all__ = [
    "ProgramDefinition",
    "Quota",
    "QuotaUnit",
    "Rule",
    "RuleEffect",
    "load_program",
    "load_programs",
    "shipped_programs",
]

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Words = Annotated[str, Field(min_length=1, max_length=1000)]


class RuleEffect(enum.StrEnum):
    REQUIRE = "require"  # failing it makes the case ineligible
    DOCUMENT = "document"  # failing it leaves the case waiting for documents


class QuotaUnit(enum.StrEnum):
    PEOPLE = "people"
    HOUSEHOLDS = "households"


class Quota(BaseModel):
    """At most `limit` people or households admitted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: Annotated[int, Field(ge=0, strict=True)]
    unit: QuotaUnit = QuotaUnit.HOUSEHOLDS

    def amount(self, household_size: int) -> int:
        return household_size if self.unit is QuotaUnit.PEOPLE else 1


class _RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Code
    effect: RuleEffect = RuleEffect.REQUIRE
    when: Condition
    pass_text: Words = Field(alias="pass")
    fail_text: Words = Field(alias="fail")


class _ProgramFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    name: Words
    version: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._+-]+$")]
    description: str = ""
    quota: Quota | None = None
    rules: list[_RuleSpec] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, value: object) -> object:
        # `version: 1.10` would silently become 1.1; ask for quotes instead.
        if not isinstance(value, str):
            raise ValueError('version must be quoted text, e.g. "2021.3"')
        return value


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a program: its condition and what to say when it passes or fails."""

    id: str
    effect: RuleEffect
    condition: Condition
    pass_text: str
    fail_text: str
    check: Check

    def describe(self) -> str:
        return self.condition.describe()


@dataclass(frozen=True, slots=True)
class ProgramDefinition:
    """A loaded program: what its file says, the file's content digest, and compiled rules.

    `version` is what the file declares; `digest` changes whenever the content does, so a decision
    records both and an edit made without bumping the version still shows."""

    code: str
    name: str
    version: str
    digest: str
    description: str
    quota: Quota | None
    rules: tuple[Rule, ...]
    source: str

    @property
    def version_label(self) -> str:
        return f"{self.version}@{self.digest[:12]}"

    def to_domain(self, precedence: int) -> Program:
        """The program as the case store keeps it."""
        limit = self.quota.limit if self.quota is not None else None
        return Program(self.code, self.name, precedence, limit, self.version_label)


def load_program(path: Path, text: str | None = None) -> ProgramDefinition:
    """Load and validate one program file (or `text` said to come from `path`).

    Raises InvalidConfiguration naming the file, the line and the path inside the file of each
    problem: a missing or unknown field, an unknown fact, an operator that does not apply, a value
    of the wrong type, a rule id used twice, a file name that does not match the code."""
    source = read_data_file(path, text)
    try:
        spec = _ProgramFile.model_validate(source.data)
    except ValidationError as exc:
        raise source.fail(validation_problems(source, exc)) from exc
    problems = _problems(source, spec, path)
    if problems:
        raise source.fail(problems)
    rules = tuple(
        Rule(r.id, r.effect, r.when, r.pass_text, r.fail_text, r.when.compile()) for r in spec.rules
    )
    return ProgramDefinition(
        spec.code, spec.name, spec.version, source.digest, spec.description, spec.quota, rules,
        source.name,
    )  # fmt: skip


def _problems(source: DataFile, spec: _ProgramFile, path: Path) -> list[str]:
    problems = []
    if path.suffix in (".yaml", ".yml") and path.stem != spec.code:
        problems.append(
            source.problem(("code",), f"code {spec.code!r} must match the file name {path.name}")
        )
    seen: set[str] = set()
    for i, rule in enumerate(spec.rules):
        if rule.id in seen:
            problems.append(source.problem(("rules", i, "id"), f"rule id {rule.id!r} used twice"))
        seen.add(rule.id)
        for loc, message in rule.when.scope_problems(("rules", i, "when"), False):
            problems.append(source.problem(loc, message))
    return problems


def load_programs(directory: Path) -> Mapping[str, ProgramDefinition]:
    """Every `*.yaml` program file in `directory`, by code. All files are checked before failing,
    so one run reports every broken file."""
    loaded: dict[str, ProgramDefinition] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            program = load_program(path)
        except InvalidConfiguration as exc:
            problems.append(exc.message)
            continue
        loaded[program.code] = program
    if problems:
        raise InvalidConfiguration("; ".join(problems))
    if not loaded:
        raise InvalidConfiguration(f"{directory}: no program files (*.yaml) found")
    return MappingProxyType(loaded)


def shipped_programs() -> Mapping[str, ProgramDefinition]:
    """The programs that ship with Refuge, from the package's `programs/` directory."""
    with resources.as_file(resources.files("refuge.eligibility") / "programs") as directory:
        return load_programs(directory)

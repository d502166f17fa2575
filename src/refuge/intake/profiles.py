"""Column mapping profiles: per organisation, which of its columns hold which Refuge field, as
YAML files; and, for a file no profile maps, a proposed mapping from its headers (English, Dari,
Pashto, Russian) and HXL hashtags, with a confidence per column, that can be saved as a profile.

A profile file looks like this::

    organisation: kabul-ngo            # the organisation's code, or "*" for every one
    name: staff-list                   # unique among the organisation's profiles
    columns:                           # header text or HXL hashtag -> Refuge field
      First name: given_name
      "#contact+phone": phone
    date_order: day_first              # optional: day_first or month_first
    full_name_order: family_first      # optional: how a full name column is written
    phone_region: AF                   # optional: region of numbers written without +country
    phone_fallback_regions: [AF, PK, IR]  # optional: where else such numbers may be from
    values:                            # optional: the organisation's own words
      sex: {Mrs: F}
      relationship: {HH: principal}
    sheets: [Staff]                    # optional: only these sheets of a workbook
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

import phonenumbers
import yaml

from refuge.domain.errors import InvalidConfiguration, InvalidInput
from refuge.domain.people import Relationship, Sex
from refuge.intake.dates import DateOrder
from refuge.intake.fields import MULTI_COLUMN_FIELDS, IntakeField
from refuge.intake.names import NameOrder
from refuge.intake.normalised import lookup_key
from refuge.intake.phones import DEFAULT_FALLBACK_REGIONS, DEFAULT_REGION
from refuge.intake.sources import Column, Header

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "SHARED",
    "ColumnMapping",
    "MappingProposal",
    "Profile",
    "ProposedColumn",
    "find_profile",
    "load_profile",
    "load_profiles",
    "propose_mapping",
    "save_profile",
    "shared_profiles",
]

DEFAULT_MIN_CONFIDENCE: Final = 0.75
_Bad = Callable[[str, str], InvalidConfiguration]  # (key, problem) -> the error to raise
_CODE: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # as refuge.domain.Organisation
SHARED: Final = "*"  # the organisation of a profile every organisation may use
_KEYS: Final = frozenset(
    {"organisation", "name", "description", "columns", "date_order", "phone_region",
     "phone_fallback_regions", "full_name_order", "values", "sheets"}
)  # fmt: skip
_VALUE_KINDS: Final = {
    "sex": {s.value for s in Sex},
    "relationship": {r.value for r in Relationship},
}
_CONTAINED: Final = 0.8
_CONTAINED_SHORT: Final = 0.75
_FUZZY: Final = 0.9
_FUZZY_CUTOFF: Final = 0.84
_HXL_EXACT: Final = 1.0
_HXL_SUBSET: Final = 0.9
_RENAMED_FULL: Final = 0.7


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """A mapping resolved against one sheet's header: which column indices hold which field,
    and how to read their values."""

    header: Header
    columns: Mapping[IntakeField, tuple[int, ...]]
    profile: str | None = None  # None: a proposal from the headers
    date_order: DateOrder | None = None
    phone_region: str = DEFAULT_REGION
    phone_fallback_regions: tuple[str, ...] = DEFAULT_FALLBACK_REGIONS
    name_order: NameOrder = NameOrder.GIVEN_FIRST
    sex_words: Mapping[str, str] = field(default_factory=dict)
    relationship_words: Mapping[str, str] = field(default_factory=dict)
    # (field, column index, column label) for every mapped column, worked out once per sheet
    # rather than once per row.
    plan: tuple[tuple[IntakeField, int, str], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        labels = self.header.columns
        plan = tuple(
            (target, index, labels[index].label if index < len(labels) else "")
            for target, indices in self.columns.items()
            for index in indices
        )
        object.__setattr__(self, "plan", plan)


@dataclass(frozen=True, slots=True)
class Profile:
    organisation: str
    name: str
    columns: tuple[tuple[str, IntakeField], ...]
    date_order: DateOrder | None = None
    phone_region: str = DEFAULT_REGION
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    phone_fallback_regions: tuple[str, ...] = DEFAULT_FALLBACK_REGIONS
    full_name_order: NameOrder = NameOrder.GIVEN_FIRST
    sheets: tuple[str, ...] | None = None
    description: str = ""

    def applies_to(self, header: Header) -> bool:
        """Every column the profile names is in the header (and the sheet is one of its own)."""
        if self.sheets is not None and header.sheet is not None and header.sheet not in self.sheets:
            return False
        return all(_find(source, header) is not None for source, _ in self.columns)

    def resolve(self, header: Header) -> ColumnMapping:
        """The mapping for `header`; InvalidInput naming the first column the header lacks."""
        found: dict[IntakeField, list[int]] = {}
        for source, target in self.columns:
            column = _find(source, header)
            if column is None:
                sheet = f", sheet {header.sheet}" if header.sheet else ""
                raise InvalidInput(
                    f"file {header.file}{sheet}: column {source!r} of profile {self.name} "
                    f"is not in the header"
                )
            found.setdefault(target, []).append(column.index)
        return ColumnMapping(
            header,
            {target: tuple(indices) for target, indices in found.items()},
            profile=self.name,
            date_order=self.date_order,
            phone_region=self.phone_region,
            phone_fallback_regions=self.phone_fallback_regions,
            name_order=self.full_name_order,
            sex_words=_keyed(self.values.get("sex", {})),
            relationship_words=_keyed(self.values.get("relationship", {})),
        )


def _keyed(words: Mapping[str, str]) -> dict[str, str]:
    return {lookup_key(word): meaning for word, meaning in words.items()}


def _find(source: str, header: Header) -> Column | None:
    if source.lstrip().startswith("#"):
        wanted = _hxl_parts(source)
        return next(
            (c for c in header.columns if c.tag and _hxl_parts(c.tag) == wanted),
            None,
        )
    key = lookup_key(source)
    return next((c for c in header.columns if c.name and lookup_key(c.name) == key), None)


def _hxl_parts(tag: str) -> tuple[str, frozenset[str]]:
    hashtag, *attributes = re.sub(r"\s+", "", tag).lower().split("+")
    return hashtag, frozenset(attribute for attribute in attributes if attribute)


def find_profile(header: Header, profiles: Iterable[Profile]) -> Profile | None:
    """The profile that maps the most columns of `header`, among those that apply to it."""
    applying = [profile for profile in profiles if profile.applies_to(header)]
    if not applying:
        return None
    return max(applying, key=lambda profile: len(profile.columns))


# Loading and saving ---------------------------------------------------------------------------


def load_profile(path: Path) -> Profile:
    """Read and check a profile file; InvalidConfiguration names the file and the key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidConfiguration(f"profile file {path.name}: cannot be read") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidConfiguration(f"profile file {path.name}: not valid YAML{where}") from exc
    return profile_from_mapping(data, path.name)


def profile_from_mapping(data: object, file: str) -> Profile:
    def bad(key: str, problem: str) -> InvalidConfiguration:
        return InvalidConfiguration(f"profile file {file}, key {key}: {problem}")

    if not isinstance(data, dict):
        raise InvalidConfiguration(f"profile file {file}: expected a mapping at the top")
    for key in data:
        if key not in _KEYS:
            raise bad(str(key), f"unknown key (known: {', '.join(sorted(_KEYS))})")
    organisation = data.get("organisation")
    if not isinstance(organisation, str) or not (
        organisation == SHARED or _CODE.match(organisation)
    ):
        raise bad(
            "organisation", 'an organisation code (lower-case letters, digits, - or _) or "*"'
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad("name", "a non-empty profile name")
    columns = _columns(data.get("columns"), bad)
    order_text = data.get("date_order")
    try:
        date_order = DateOrder(order_text) if order_text is not None else None
    except ValueError as exc:
        raise bad("date_order", "day_first or month_first") from exc
    region = data.get("phone_region", DEFAULT_REGION)
    if not isinstance(region, str) or region not in phonenumbers.SUPPORTED_REGIONS:
        raise bad("phone_region", "a two-letter region code phonenumbers knows (e.g. AF)")
    fallbacks = data.get("phone_fallback_regions", list(DEFAULT_FALLBACK_REGIONS))
    if not isinstance(fallbacks, list) or not all(
        isinstance(r, str) and r in phonenumbers.SUPPORTED_REGIONS for r in fallbacks
    ):
        raise bad("phone_fallback_regions", "a list of region codes phonenumbers knows")
    values = _values(data.get("values", {}), bad)
    try:
        name_order = NameOrder(data.get("full_name_order", NameOrder.GIVEN_FIRST.value))
    except ValueError as exc:
        raise bad("full_name_order", "given_first or family_first") from exc
    sheets = data.get("sheets")
    if sheets is not None and (
        not isinstance(sheets, list) or not all(isinstance(s, str) for s in sheets)
    ):
        raise bad("sheets", "a list of sheet names")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise bad("description", "text")
    return Profile(
        organisation,
        name.strip(),
        columns,
        date_order=date_order,
        phone_region=region,
        values=values,
        phone_fallback_regions=tuple(fallbacks),
        full_name_order=name_order,
        sheets=tuple(sheets) if sheets is not None else None,
        description=description,
    )


def _columns(raw: object, bad: _Bad) -> tuple[tuple[str, IntakeField], ...]:
    if not isinstance(raw, dict) or not raw:
        raise bad("columns", "a mapping of column headers or HXL hashtags to Refuge fields")
    columns: list[tuple[str, IntakeField]] = []
    seen: dict[IntakeField, str] = {}
    for source, target in raw.items():
        if not isinstance(source, str) or not source.strip():
            raise bad(f"columns.{source}", "a column header or HXL hashtag")
        try:
            refuge_field = IntakeField(target)
        except ValueError as exc:
            known = ", ".join(f.value for f in IntakeField)
            raise bad(f"columns.{source}", f"unknown field {target!r} (known: {known})") from exc
        if refuge_field in seen and refuge_field not in MULTI_COLUMN_FIELDS:
            raise bad(
                f"columns.{source}", f"field {refuge_field} is mapped from {seen[refuge_field]!r}"
            )
        seen[refuge_field] = source
        columns.append((source, refuge_field))
    return tuple(columns)


def _values(raw: object, bad: _Bad) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise bad("values", "a mapping with sex and relationship word lists")
    values: dict[str, dict[str, str]] = {}
    for kind, words in raw.items():
        if kind not in _VALUE_KINDS:
            raise bad(f"values.{kind}", "only sex and relationship take words")
        if not isinstance(words, dict):
            raise bad(f"values.{kind}", "a mapping of words to values")
        for word, meaning in words.items():
            if str(meaning) not in _VALUE_KINDS[kind]:
                allowed = ", ".join(sorted(_VALUE_KINDS[kind]))
                raise bad(f"values.{kind}.{word}", f"not one of {allowed}")
        values[kind] = {str(word): str(meaning) for word, meaning in words.items()}
    return values


def load_profiles(directory: Path, *, organisation: str | None = None) -> list[Profile]:
    """Every profile file (*.yaml, *.yml) in `directory`; with `organisation`, only its own and
    the shared ones."""
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    profiles = [load_profile(path) for path in paths]
    return [p for p in profiles if organisation is None or p.organisation in (organisation, SHARED)]


def shared_profiles() -> list[Profile]:
    """The profiles Refuge ships for every organisation (its own list template)."""
    directory = resources.files("refuge.intake").joinpath("data").joinpath("profiles")
    profiles = []
    for entry in sorted(directory.iterdir(), key=lambda item: item.name):
        if entry.name.endswith((".yaml", ".yml")):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            profiles.append(profile_from_mapping(data, entry.name))
    return profiles


def save_profile(profile: Profile, path: Path) -> Path:
    """Write `profile` as YAML that `load_profile` reads back to an equal profile."""
    data: dict[str, object] = {
        "organisation": profile.organisation,
        "name": profile.name,
    }
    if profile.description:
        data["description"] = profile.description
    data["columns"] = {source: target.value for source, target in profile.columns}
    if profile.date_order is not None:
        data["date_order"] = profile.date_order.value
    if profile.phone_region != DEFAULT_REGION:
        data["phone_region"] = profile.phone_region
    if profile.full_name_order is not NameOrder.GIVEN_FIRST:
        data["full_name_order"] = profile.full_name_order.value
    if profile.phone_fallback_regions != DEFAULT_FALLBACK_REGIONS:
        data["phone_fallback_regions"] = list(profile.phone_fallback_regions)
    if profile.values:
        data["values"] = {kind: dict(words) for kind, words in profile.values.items()}
    if profile.sheets is not None:
        data["sheets"] = list(profile.sheets)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return path


# Proposals ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposedColumn:
    """What a column looks like it holds, how sure the guess is (0 to 1) and why."""

    column: Column
    field: IntakeField | None
    confidence: float
    basis: str


@dataclass(frozen=True, slots=True)
class MappingProposal:
    """A guess at each column's field, and at how the list writes dates and full names when its
    headers say ("DOB (MM/DD/YYYY)", "Фамилия Имя")."""

    header: Header
    columns: tuple[ProposedColumn, ...]
    date_order: DateOrder | None = None
    name_order: NameOrder = NameOrder.GIVEN_FIRST

    def mapping(self, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> ColumnMapping:
        found: dict[IntakeField, list[int]] = {}
        for proposed in self.columns:
            if proposed.field is not None and proposed.confidence >= min_confidence:
                found.setdefault(proposed.field, []).append(proposed.column.index)
        return ColumnMapping(
            self.header,
            {target: tuple(indices) for target, indices in found.items()},
            date_order=self.date_order,
            name_order=self.name_order,
        )

    def to_profile(
        self,
        organisation: str,
        name: str,
        *,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        date_order: DateOrder | None = None,
    ) -> Profile:
        """The proposal as a profile to save; columns below `min_confidence` are left out.
        `date_order` overrides the one the headers suggested."""
        columns: list[tuple[str, IntakeField]] = []
        for proposed in self.columns:
            if proposed.field is None or proposed.confidence < min_confidence:
                continue
            column = proposed.column
            source = column.tag if column.tag and proposed.basis.startswith("HXL") else column.name
            if source:
                columns.append((source, proposed.field))
        profile = Profile(
            organisation,
            name,
            tuple(columns),
            date_order=date_order or self.date_order,
            full_name_order=self.name_order,
        )
        # Through the same checks as a profile read from a file.
        return profile_from_mapping(_as_mapping(profile), f"{name}.yaml")

    def render(self) -> str:
        lines = []
        for proposed in self.columns:
            target = proposed.field.value if proposed.field else "(not mapped)"
            lines.append(
                f"{proposed.column.letter:>3}  {proposed.column.label:<30.30}  {target:<20}  "
                f"{proposed.confidence:4.2f}  {proposed.basis}"
            )
        return "\n".join(lines)


def _as_mapping(profile: Profile) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": profile.organisation,
        "name": profile.name,
        "columns": {source: target.value for source, target in profile.columns},
    }
    if profile.date_order is not None:
        data["date_order"] = profile.date_order.value
    if profile.full_name_order is not NameOrder.GIVEN_FIRST:
        data["full_name_order"] = profile.full_name_order.value
    return data


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    headers: dict[str, IntakeField]
    hxl: tuple[tuple[tuple[str, frozenset[str]], IntakeField], ...]
    family_first: frozenset[str]


_HEADERS: Final = "headers.yaml"


@cache
def _vocabulary() -> _Vocabulary:
    text = resources.files("refuge.intake").joinpath("data").joinpath(_HEADERS).read_text("utf-8")
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise InvalidConfiguration(f"data file {_HEADERS}: expected a mapping of fields")
    headers: dict[str, IntakeField] = {}
    hxl: list[tuple[tuple[str, frozenset[str]], IntakeField]] = []
    family_first: set[str] = set()
    for key, entry in loaded.items():
        try:
            target = IntakeField(key)
        except ValueError as exc:
            raise InvalidConfiguration(f"data file {_HEADERS}, key {key}: unknown field") from exc
        if not isinstance(entry, dict):
            raise InvalidConfiguration(f"data file {_HEADERS}, key {key}: expected a mapping")
        for word in entry.get("family_first", []):
            family_first.add(lookup_key(str(word)))
        for word in [*entry.get("headers", []), *entry.get("family_first", [])]:
            word_key = lookup_key(str(word))
            if headers.get(word_key, target) is not target:
                raise InvalidConfiguration(
                    f"data file {_HEADERS}, key {key}.headers: {word!r} is also under "
                    f"{headers[word_key]}"
                )
            headers[word_key] = target
        for tag in entry.get("hxl", []):
            hxl.append((_hxl_parts(str(tag)), target))
    return _Vocabulary(headers, tuple(hxl), frozenset(family_first))


def propose_mapping(header: Header) -> MappingProposal:
    """Guess each column's field from its HXL hashtag, else its header text.

    A field that takes one column goes to the column that looks most like it; the others that
    looked like it are left unmapped, with the reason.
    """
    guesses = [_guess(column) for column in header.columns]
    best: dict[IntakeField, ProposedColumn] = {}
    for guess in guesses:
        if guess.field is None or guess.field in MULTI_COLUMN_FIELDS:
            continue
        held = best.get(guess.field)
        if held is None or guess.confidence > held.confidence:
            best[guess.field] = guess
    resolved: list[ProposedColumn] = []
    for guess in guesses:
        target = guess.field
        if target is not None and target not in MULTI_COLUMN_FIELDS and best[target] is not guess:
            winner = best[target].column
            guess = ProposedColumn(
                guess.column, None, 0.0, f"looks like {target}, as column {winner.letter} does"
            )
        resolved.append(guess)
    fields = {guess.field for guess in resolved}
    if (
        IntakeField.FULL_NAME in fields
        and IntakeField.FAMILY_NAME in fields
        and IntakeField.GIVEN_NAME not in fields
    ):
        # "Name" beside "Surname" is the given name, not the whole name.
        resolved = [
            ProposedColumn(
                guess.column,
                IntakeField.GIVEN_NAME,
                min(guess.confidence, _RENAMED_FULL),
                "name column beside a family name column",
            )
            if guess.field is IntakeField.FULL_NAME
            else guess
            for guess in resolved
        ]
    return MappingProposal(
        header, tuple(resolved), _date_order_said(resolved), _name_order_said(resolved)
    )


_MONTH_FIRST_HINTS: Final = ("mm dd", "m d y")
_DAY_FIRST_HINTS: Final = ("dd mm", "d m y")


def _date_order_said(columns: list[ProposedColumn]) -> DateOrder | None:
    """The order a date of birth header spells out: "DOB (MM/DD/YYYY)" is month first."""
    for proposed in columns:
        if proposed.field is IntakeField.DATE_OF_BIRTH:
            key = lookup_key(proposed.column.name)
            if any(hint in key for hint in _MONTH_FIRST_HINTS):
                return DateOrder.MONTH_FIRST
            if any(hint in key for hint in _DAY_FIRST_HINTS):
                return DateOrder.DAY_FIRST
    return None


def _name_order_said(columns: list[ProposedColumn]) -> NameOrder:
    family_first = _vocabulary().family_first
    for proposed in columns:
        if proposed.field is IntakeField.FULL_NAME and (
            lookup_key(proposed.column.name) in family_first
        ):
            return NameOrder.FAMILY_FIRST
    return NameOrder.GIVEN_FIRST


def _guess(column: Column) -> ProposedColumn:
    vocabulary = _vocabulary()
    if column.tag:
        hashtag, attributes = _hxl_parts(column.tag)
        matches = [
            (len(rule_attributes), rule_attributes == attributes, target)
            for (rule_hashtag, rule_attributes), target in vocabulary.hxl
            if rule_hashtag == hashtag and rule_attributes <= attributes
        ]
        if matches:
            size, exact, target = max(matches, key=lambda match: (match[0], match[1]))
            confidence = _HXL_EXACT if exact else _HXL_SUBSET
            return ProposedColumn(column, target, confidence, f"HXL hashtag {column.tag}")
    key = lookup_key(column.name)
    if not key:
        return ProposedColumn(column, None, 0.0, "no header")
    if key in vocabulary.headers:
        return ProposedColumn(column, vocabulary.headers[key], 1.0, "known header")
    padded = f" {key} "
    contained = [word for word in vocabulary.headers if len(word) >= 3 and f" {word} " in padded]
    if contained:
        word = max(contained, key=len)
        # A short word ("dob", "tel") inside a longer header says less than a long one.
        confidence = _CONTAINED if len(word) >= 5 else _CONTAINED_SHORT
        return ProposedColumn(
            column, vocabulary.headers[word], confidence, "header contains a known header"
        )
    close = difflib.get_close_matches(key, list(vocabulary.headers), n=1, cutoff=_FUZZY_CUTOFF)
    if close:
        ratio = difflib.SequenceMatcher(None, key, close[0]).ratio()
        return ProposedColumn(
            column,
            vocabulary.headers[close[0]],
            round(ratio * _FUZZY, 2),
            "header spelled like a known header",
        )
    return ProposedColumn(column, None, 0.0, "header not recognised")

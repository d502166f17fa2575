"""Reading eligibility data files (programs, order of precedence): safe YAML only, a digest of
the content, and errors that name the file, the line and the path inside it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from refuge.domain import InvalidConfiguration

__all__ = ["DataFile", "read_data_file", "validation_problems"]

Location = Sequence[str | int]


@dataclass(frozen=True, slots=True)
class DataFile:
    """A parsed file: its data, the YAML node tree (for line numbers) and a content digest."""

    name: str
    data: Any
    root: yaml.Node | None
    digest: str

    def problem(self, loc: Location, message: str) -> str:
        path, line = locate(self.root, loc)
        where = f", line {line}" if line is not None else ""
        at = f", at {path}" if path else ""
        return f"{self.name}{where}{at}: {message}"

    def fail(self, problems: Iterable[str]) -> InvalidConfiguration:
        found = list(problems)
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        return InvalidConfiguration("; ".join(found[:5]) + more)


def read_data_file(path: Path, text: str | None = None) -> DataFile:
    """Parse `path` (or `text` said to come from it) with the safe YAML loader.

    The digest is of the content, not the bytes: comments and layout do not change it, so a
    decision's recorded digest changes only when what the file says changes."""
    name = str(path)
    try:
        source = path.read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidConfiguration(f"{name}: cannot read the file ({type(exc).__name__})") from exc
    try:
        # safe_load builds plain data only: a `!!python/...` tag is refused, never run.
        data = yaml.safe_load(source)
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InvalidConfiguration(f"{name}{where}: {problem}") from exc
    if not isinstance(data, dict):
        raise InvalidConfiguration(f"{name}: the file must hold a mapping of fields")
    repeated = list(_repeated_keys(root))
    if repeated:
        # YAML keeps the last of two equal keys without a word; a second `when:` would silently
        # replace the first.
        raise InvalidConfiguration(
            "; ".join(f"{name}, line {line}: key {key!r} appears twice" for key, line in repeated)
        )
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return DataFile(name, data, root, digest)


def validation_problems(source: DataFile, exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        message = error["msg"].removeprefix("Value error, ")
        last = error["loc"][-1] if error["loc"] else ""
        if error["type"] == "missing":
            message = f"missing field {last!r}"
        elif error["type"] == "extra_forbidden":
            message = f"unknown field {last!r}"
        problems.append(source.problem(error["loc"], message))
    return problems


def locate(root: yaml.Node | None, loc: Location) -> tuple[str, int | None]:
    """Follow a validation location through the YAML nodes: the readable path and its line.

    Location parts that are not in the file (pydantic's names for the variants of a union) are
    skipped, so the path reads as the file is written: `rules[2].when.all[0].op`."""
    node, path, line = root, "", root.start_mark.line + 1 if root is not None else None
    for part in loc:
        step = _child(node, part)
        if step is None:
            continue
        node = step
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        line = node.start_mark.line + 1
    return path, line


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                found: yaml.Node = value
                return found
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        items: list[yaml.Node] = node.value
        return items[part] if 0 <= part < len(items) else None
    return None


def _repeated_keys(node: yaml.Node | None) -> Iterable[tuple[str, int]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key.value, key.start_mark.line + 1
                seen.add(key.value)
            yield from _repeated_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _repeated_keys(item)

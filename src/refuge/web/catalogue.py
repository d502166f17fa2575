"""The applicant pages' words in English, Dari and Pashto, as data files (`catalogues/*.yaml`),
with each language's `lang` tag and writing direction. Checked when loaded: every catalogue has
exactly the English one's keys, so a page never falls back to a key or to another language."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import yaml

from refuge.domain import InvalidConfiguration

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Catalogue", "catalogue", "choose_language"]

LANGUAGES = ("en", "fa", "ps")  # English, Dari, Pashto: the files in catalogues/
DEFAULT_LANGUAGE = "en"
_FOLDER = Path(__file__).with_name("catalogues")


@dataclass(frozen=True, slots=True)
class Catalogue:
    code: str  # the file's name, and what `?lang=` takes
    language: str  # the language's own name for itself
    lang: str  # BCP 47 tag for the page's `lang` attribute
    direction: Literal["ltr", "rtl"]
    messages: Mapping[str, str]

    def __call__(self, key: str) -> str:
        return self.messages[key]


def catalogue(code: str) -> Catalogue:
    """The catalogue of `code`, or the default language's for any code not in LANGUAGES."""
    return _catalogues()[code if code in LANGUAGES else DEFAULT_LANGUAGE]


def choose_language(asked: str | None, accept_language: str | None) -> str:
    """The language asked for (`?lang=`), else the browser's first one we have, else English."""
    if asked in LANGUAGES:
        return asked
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        primary = tag.split("-", 1)[0]
        # Dari is tagged fa-AF, or prs (ISO 639-3) by some systems; Pashto ps or pbt/pbu.
        code = {"prs": "fa", "pbt": "ps", "pbu": "ps"}.get(primary, primary)
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


@functools.cache
def _catalogues() -> dict[str, Catalogue]:
    loaded = {code: _load(code) for code in LANGUAGES}
    expected = set(loaded[DEFAULT_LANGUAGE].messages)
    for code, found in loaded.items():
        keys = set(found.messages)
        if keys != expected:
            missing = ", ".join(sorted(expected - keys)) or "none"
            extra = ", ".join(sorted(keys - expected)) or "none"
            raise InvalidConfiguration(
                f"catalogue {code}.yaml: keys missing ({missing}), keys unknown ({extra})"
            )
    return loaded


def _load(code: str) -> Catalogue:
    name = f"{code}.yaml"
    text = (_FOLDER / name).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("messages"), dict):
        raise InvalidConfiguration(f"catalogue {name}: needs language, lang, direction, messages")
    direction = data.get("direction")
    if direction not in ("ltr", "rtl"):
        raise InvalidConfiguration(f"catalogue {name}: direction must be ltr or rtl")
    messages = {str(key): str(value).strip() for key, value in data["messages"].items()}
    return Catalogue(
        code=code,
        language=str(data.get("language", code)),
        lang=str(data.get("lang", code)),
        direction=direction,
        messages=MappingProxyType(messages),
    )

"""Names for synthetic people, taken from the `names-dataset` package: the extraction of Afghan
names (each paired with its Perso-Arabic spelling) and other nationals' names, the small JSON
cache of that extraction, and weighted draws from it.

The dataset lists Latin and Perso-Arabic spellings as unrelated entries. They are paired here by
a consonant skeleton both scripts reduce to (tables below), then, among the Latin entries sharing
an Arabic entry's skeleton, by closeness of spelling and popularity. Nothing here knows about
`refuge.matching`: the truth must not lean toward the matcher it is used to score.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import json
import math
import os
import random
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from refuge.domain import InvalidConfiguration, Sex

__all__ = [
    "DEFAULT_CACHE_DIR",
    "NAME_SOURCES",
    "AfghanName",
    "NameBook",
    "WeightedPool",
    "load_name_book",
]

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "refuge"

# Bump when the extraction below changes, so an old cache file is not reused.
EXTRACTION_FORMAT = 10

# Nationality (alpha-3) -> the dataset country (alpha-2) its names are drawn from. The dataset
# has no lists for Belarus, Ukraine, Kyrgyzstan, Tajikistan or Uzbekistan: those draw from the
# nearest neighbour it covers (Slavic, Kazakh, Azerbaijani, Turkmen names in Latin letters).
NAME_SOURCES: Mapping[str, str] = {
    "USA": "US",
    "GBR": "GB",
    "CAN": "CA",
    "DEU": "DE",
    "TUR": "TR",
    "RUS": "RU",
    "BLR": "RU",
    "UKR": "RU",
    "KAZ": "KZ",
    "KGZ": "KZ",
    "TJK": "AZ",
    "UZB": "TM",
    "IND": "IN",
    "PHL": "PH",
    "GEO": "GE",
}

# Family names of these nationals take a feminine ending for women (Ivanov / Ivanova).
FEMININE_FAMILY_ENDINGS: frozenset[str] = frozenset(
    {"RUS", "BLR", "UKR", "KAZ", "KGZ", "TJK", "UZB"}
)

_KEEP_AFGHAN_GIVEN = {Sex.MALE: 700, Sex.FEMALE: 350}
_KEEP_AFGHAN_FAMILY = 900
_KEEP_FOREIGN_GIVEN = 250
_KEEP_FOREIGN_FAMILY = 400

# Consonant skeleton of Perso-Arabic letters (Dari and Pashto). Letters that write vowels or
# may (alef, waw, ye, ain, hamza) vanish, as they do in the Latin skeleton below.
ARABIC_SKELETON: Mapping[str, str] = {
    "ب": "B", "پ": "P", "ت": "T", "ط": "T", "ټ": "T", "ث": "S", "س": "S", "ص": "S",
    "څ": "S", "ج": "J", "چ": "C", "ح": "H", "ه": "H", "خ": "X", "د": "D", "ډ": "D",
    "ذ": "Z", "ز": "Z", "ض": "Z", "ظ": "Z", "ژ": "Z", "ځ": "Z", "ږ": "Z", "ر": "R",
    "ړ": "R", "ش": "$", "ښ": "$", "غ": "G", "گ": "G", "ګ": "G", "ف": "F", "ق": "K",
    "ک": "K", "ل": "L", "م": "M", "ن": "N", "ڼ": "N", "ة": "H", "ى": "", "ي": "", "ك": "K",
    "ا": "", "آ": "", "ع": "", "ء": "", "ئ": "", "و": "", "ی": "", "ې": "", "ۍ": "",
    " ": "",
}  # fmt: skip

# Letters kept, beside the consonant skeleton, to compare spellings across scripts: the long
# vowels Perso-Arabic writes (waw, ye). Alef is dropped on both sides: Latin "a" may or may not be
# one, and short vowels are not written in Perso-Arabic at all.
ARABIC_VOWELS: Mapping[str, str] = {"و": "u", "ی": "i", "ې": "i", "ۍ": "i"}
LATIN_VOWELS: Sequence[tuple[str, str]] = (
    ("ee", "i"), ("ei", "i"), ("ie", "i"), ("ey", "i"), ("y", "i"), ("oo", "u"), ("ou", "u"),
    ("w", "u"), ("v", "u"), ("o", "u"),
)  # fmt: skip
# A name's first letter says more: an initial alef or ain is a Latin initial vowel.
ARABIC_INITIALS: Mapping[str, str] = {"ا": "a", "آ": "a", "ع": "a", "ی": "i", "و": "u"}

LATIN_DIGRAPHS: Sequence[tuple[str, str]] = (
    ("kh", "X"), ("gh", "G"), ("sh", "$"), ("ch", "C"), ("zh", "Z"), ("ph", "F"), ("th", "T"),
    ("dh", "Z"),
)  # fmt: skip
LATIN_SKELETON: Mapping[str, str] = {
    "b": "B", "p": "P", "t": "T", "s": "S", "j": "J", "h": "H", "d": "D", "z": "Z", "r": "R",
    "g": "G", "f": "F", "q": "K", "k": "K", "c": "K", "l": "L", "m": "M", "n": "N", "x": "X",
}  # fmt: skip

# Entries of the dataset (it comes from social-network profiles) that are titles, places,
# ethnonyms, pen-name words or fragments rather than names a Tazkira would carry.
NOT_GIVEN_NAMES: frozenset[str] = frozenset(
    {
        "haji", "khan", "afghan", "afgan", "afg", "tanha", "engineer", "eng", "doctor", "dr",
        "mullah", "mulla", "qari", "malang", "bacha", "sta", "kabul", "afghanistan", "pashtun",
        "pashtoon", "tajik", "hazara", "uzbek", "dokhtar", "dokhtark", "shab", "jan", "gul",
        "agha", "aqa", "shah", "mir", "sayed", "sayyid", "syed", "said", "zabi", "ustad",
        "ostad", "kaka", "lala", "bibi", "baba", "sahib", "sahil", "eshwa", "shahzada",
        "dokhter", "pranses", "behtarin", "khanm", "khanum", "nafas", "hezb", "hizb",
        "mazullah", "maazallah", "hajji", "haaji", "hajee",
    }
)  # fmt: skip
NOT_FAMILY_NAMES: frozenset[str] = frozenset(
    {
        "afghan", "afgan", "afg", "afghanistan", "tanha", "ullah", "ulla", "jan", "kabul",
        "pashtun", "pashtoon", "tajik", "hazara", "uzbek", "naz", "ishq", "eshq", "intizar",
        "entezar", "antzar", "mohammad", "muhammad", "ahmad", "ali", "khan", "gul", "haji",
        "engineer", "doctor", "sta", "zoy", "zoi", "bacha", "yar", "shah", "mir", "hastam",
        "nafas", "gak",
    }
)  # fmt: skip
NOT_NAMES_ARABIC: frozenset[str] = frozenset(
    {
        "حاجی", "خان", "افغان", "تنها", "مهندس", "داکتر", "ملا", "قاری", "بچه", "ستا", "شب",
        "دخترک", "افغانستان", "کابل", "پشتون", "تاجیک", "هزاره", "ازبک", "عشق", "ناز", "انتظار",
        "جان", "گل", "آغا", "شاه", "میر", "سید", "استاد", "کاکا", "بی بی", "معاذالله", "حزب",
        "حذب",
    }
)  # fmt: skip
NOT_FOREIGN_NAMES: frozenset[str] = frozenset(
    {"kz", "astana", "almaty", "gio", "mj", "jm", "aj", "md", "mr", "dr", "baby", "mama"}
)

# Dataset countries whose family names come in masculine and feminine forms.
_SLAVIC_STYLE_SOURCES = frozenset({"RU", "KZ", "TM"})

_LATIN_NAME = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]{2,})?$")
_LATIN_WORD = re.compile(r"^[A-Z][a-z]{2,}$")
_REPEAT = re.compile(r"(.)\1+")
# "-ullah" (God) closes many names and is spelt every way in both scripts: one symbol for it.
_LATIN_ULLAH = re.compile(r"([a-z])(?:[aeiou]llah|[aeiou]lla|[aeiou]lah|[aeiou]llha)$")
_ARABIC_ULLAH = re.compile(r"(?:\s?ا?لله|\s?اله)$")

T = TypeVar("T")


class WeightedPool(Generic[T]):
    """Items drawn with fixed weights (popularity), by cumulative weight for speed."""

    __slots__ = ("_cumulative", "items")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise InvalidConfiguration("a name pool needs items, one weight each")
        self.items = tuple(items)
        total = 0.0
        cumulative: list[float] = []
        for weight in weights:
            total += weight
            cumulative.append(total)
        self._cumulative = cumulative

    def draw(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self._cumulative, k=1)[0]

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class AfghanName:
    """One Afghan name: its most used Latin spelling, its Perso-Arabic spelling, and the other
    spellings of it the dataset holds."""

    latin: str
    arabic: str
    latin_variants: tuple[str, ...] = ()
    arabic_variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ForeignNames:
    given_male: WeightedPool[str]
    given_female: WeightedPool[str]
    family: WeightedPool[str]


@dataclass(frozen=True, slots=True)
class NameBook:
    """Everything the generator draws names from."""

    afghan_given: Mapping[Sex, WeightedPool[AfghanName]]
    afghan_family: WeightedPool[AfghanName]
    foreign: Mapping[str, ForeignNames]  # by dataset country, alpha-2
    dataset_version: str

    def foreign_for(self, nationality: str) -> ForeignNames:
        source = NAME_SOURCES.get(nationality)
        if source is None or source not in self.foreign:
            raise InvalidConfiguration(f"no name source for nationality {nationality}")
        return self.foreign[source]


def _zipf(count: int) -> list[float]:
    # Ranks in the dataset are ordinal only; a Zipf-like fall-off gives common names their
    # weight without letting the first few swamp the rest.
    return [1.0 / (index + 8) ** 0.9 for index in range(count)]


def load_name_book(cache_dir: Path | None = None) -> NameBook:
    """The name book, from the cache file if present, otherwise extracted and cached."""
    directory = cache_dir if cache_dir is not None else DEFAULT_CACHE_DIR
    version = importlib.metadata.version("names-dataset")
    path = directory / f"names-{version}-x{EXTRACTION_FORMAT}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raw = extract_names()
        raw["names_dataset"] = version
        _write_atomically(path, json.dumps(raw, ensure_ascii=False, separators=(",", ":")))
    except (OSError, ValueError) as exc:
        raise InvalidConfiguration(f"name cache {path} is unreadable") from exc
    return _book_from(raw, version, path)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _book_from(raw: Mapping[str, Any], version: str, path: Path) -> NameBook:
    try:
        afghan = raw["afghan"]
        given: dict[Sex, WeightedPool[AfghanName]] = {}
        for sex in (Sex.MALE, Sex.FEMALE):
            rows = [row for row in afghan["given"] if row["sex"] == sex.value]
            given[sex] = WeightedPool([_afghan(row) for row in rows], _zipf(len(rows)))
        family_rows = afghan["family"]
        family = WeightedPool([_afghan(row) for row in family_rows], _zipf(len(family_rows)))
        foreign = {
            country: ForeignNames(
                WeightedPool(lists["given_m"], _zipf(len(lists["given_m"]))),
                WeightedPool(lists["given_f"], _zipf(len(lists["given_f"]))),
                WeightedPool(lists["family"], _zipf(len(lists["family"]))),
            )
            for country, lists in raw["countries"].items()
        }
    except (KeyError, TypeError) as exc:
        raise InvalidConfiguration(f"name cache {path} has an unexpected layout") from exc
    return NameBook(given, family, foreign, version)


def _afghan(row: Mapping[str, Any]) -> AfghanName:
    return AfghanName(
        row["latin"], row["arabic"], tuple(row["latin_variants"]), tuple(row["arabic_variants"])
    )


# --- extraction ---------------------------------------------------------------------------------


def extract_names() -> dict[str, Any]:
    """Load the whole dataset (slow: ~13 s, ~2 GB) and keep the little the generator needs."""
    from names_dataset import NameDataset  # imported here: loading it is the slow part

    dataset = NameDataset()
    first: Mapping[str, Mapping[str, Any]] = dataset.first_names
    last: Mapping[str, Mapping[str, Any]] = dataset.last_names
    afghan_given = _pair_afghan(first, given=True)
    afghan_family = _pair_afghan(last, given=False)
    countries = {
        source: _foreign(first, last, source) for source in sorted(set(NAME_SOURCES.values()))
    }
    del dataset
    return {
        "format": EXTRACTION_FORMAT,
        "afghan": {"given": afghan_given, "family": afghan_family},
        "countries": countries,
    }


def arabic_skeleton(name: str) -> str:
    letters = "".join(ARABIC_SKELETON[char] for char in name)
    return _REPEAT.sub(r"\1", letters).rstrip("H")


def latin_skeleton(name: str) -> str:
    text = name.lower().replace(" ", "")
    for digraph, letter in LATIN_DIGRAPHS:
        text = text.replace(digraph, letter)
    letters = "".join(LATIN_SKELETON.get(char, "") if char.islower() else char for char in text)
    return _REPEAT.sub(r"\1", letters).rstrip("H")


def _arabic_key(name: str) -> str:
    """Consonants and written long vowels, for comparing with `_latin_key`."""
    letters = _ARABIC_ULLAH.sub("@", name).replace(" ", "")
    out = [ARABIC_INITIALS.get(letters[0], ARABIC_SKELETON.get(letters[0], letters[0]).lower())]
    for char in letters[1:]:
        out.append(ARABIC_VOWELS.get(char, ARABIC_SKELETON.get(char, char).lower()))
    return _REPEAT.sub(r"\1", "".join(out)).rstrip("h")


def _latin_key(name: str) -> str:
    text = _LATIN_ULLAH.sub(r"\1@", name.lower().replace(" ", ""))
    initial = ""
    if text[0] in "aeiou":
        initial, text = "a", text.lstrip("aeiou")
    for digraph, letter in LATIN_DIGRAPHS:
        text = text.replace(digraph, letter)
    for spelling, vowel in LATIN_VOWELS:
        text = text.replace(spelling, vowel)
    kept = [
        char if char in "iu" or not char.islower() else LATIN_SKELETON.get(char, "")
        for char in text
    ]
    return _REPEAT.sub(r"\1", initial + "".join(kept).lower()).rstrip("h")


def _key_ending(key: str) -> str:
    return key[-1:] if key[-1:] in ("i", "u") else "consonant"


def _ending(name: str) -> str:
    last = name.lower().rstrip("h")[-1:]
    if last in ("i", "y", "e"):
        return "i"
    return last if last in ("a", "o", "u") else "consonant"


def _is_arabic_name(name: str) -> bool:
    letters = name.replace(" ", "")
    return (
        len(letters) >= 2
        and name.count(" ") <= 1
        and not name.startswith(" ")
        and not name.endswith(" ")
        and all(char in ARABIC_SKELETON for char in name)
    )


def _afghan_rank(info: Mapping[str, Any]) -> int | None:
    rank = info["rank"].get("AF")
    return int(rank) if rank is not None else None


def _sex_of(*genders: Mapping[str, float]) -> Sex | None:
    present = [g for g in genders if g]
    if not present:
        return None
    male = sum(g.get("M", 0.0) for g in present) / len(present)
    female = sum(g.get("F", 0.0) for g in present) / len(present)
    # Profile data over-represents men; a name 60 % female is a woman's name.
    if female >= 0.6:
        return Sex.FEMALE
    if male >= 0.8:
        return Sex.MALE
    return None


def _stop_forms(words: Iterable[str]) -> frozenset[str]:
    return frozenset(_orthographic(word) for word in words)


def _pair_sex(*genders: Mapping[str, float]) -> Sex | None:
    """The sex both spellings agree on; one spelling's noisy figure does not veto the other."""
    decided = {sex for sex in (_sex_of(g) for g in genders) if sex is not None}
    return decided.pop() if len(decided) == 1 else None


def _pair_afghan(table: Mapping[str, Mapping[str, Any]], *, given: bool) -> list[dict[str, Any]]:
    stop = NOT_GIVEN_NAMES if given else NOT_FAMILY_NAMES
    stop_arabic = _stop_forms(NOT_NAMES_ARABIC)
    latin: dict[str, int] = {}
    arabic_groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, info in table.items():
        rank = _afghan_rank(info)
        if rank is None:
            continue
        if _LATIN_NAME.match(name) and _voiced(name) and len(name.split(" ")[0]) >= 3:
            if not any(word.lower() in stop for word in name.split(" ")):
                latin[name] = rank
        elif _is_arabic_name(name) and not any(
            _orthographic(word) in stop_arabic for word in (name, *name.split(" "))
        ):
            arabic_groups[_orthographic(name)].append((rank, name))
    by_skeleton: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, rank in latin.items():
        by_skeleton[latin_skeleton(name)].append((rank, name))
    for bucket in by_skeleton.values():
        bucket.sort()

    # Every plausible (Arabic, Latin) pair, best first; each side is used once.
    candidates: list[tuple[float, int, str, str]] = []
    representatives: dict[str, tuple[int, str, list[str]]] = {}
    for group in arabic_groups.values():
        group.sort()
        rank, name = group[0]
        representatives[name] = (rank, name, [other for _, other in group[1:]])
        skeleton = arabic_skeleton(name)
        if len(skeleton) < 2:
            continue
        key = _arabic_key(name)
        for lat_rank, lat in by_skeleton.get(skeleton, ()):
            if lat_rank > 8000:
                continue
            score = difflib.SequenceMatcher(None, key, _latin_key(lat)).ratio()
            score -= 0.04 * math.log10(lat_rank) + (0.05 if " " in lat and " " not in name else 0)
            if _key_ending(key) != _key_ending(_latin_key(lat)):
                score -= 0.15
            if score >= 0.8:
                candidates.append((score, -(rank + lat_rank), name, lat))
    candidates.sort(reverse=True)

    used_arabic: set[str] = set()
    used_latin: set[str] = set()
    rows: list[dict[str, Any]] = []
    for _, _, name, lat in candidates:
        if name in used_arabic or lat in used_latin:
            continue
        sex: Sex | None = None
        if given:
            sex = _pair_sex(table[lat]["gender"], table[name]["gender"])
            if sex is None:
                continue
        used_arabic.add(name)
        used_latin.add(lat)
        rank, _, arabic_variants = representatives[name]
        rows.append(
            {
                "latin": lat,
                "arabic": name,
                "sex": sex.value if sex else "",
                "rank": min(rank, latin[lat]),
                "latin_variants": [],
                "arabic_variants": arabic_variants,
            }
        )
    rows = _merge_spellings(rows, latin)
    for row in rows:
        found = _latin_variants(row["latin"], by_skeleton, used_latin)
        row["latin_variants"] = list(dict.fromkeys(row["latin_variants"] + found))[:6]
    rows.sort(key=lambda row: (row["rank"], row["latin"]))
    if given:
        kept: list[dict[str, Any]] = []
        for sex, keep in _KEEP_AFGHAN_GIVEN.items():
            kept += [row for row in rows if row["sex"] == sex.value][:keep]
        rows = kept
    else:
        rows = rows[:_KEEP_AFGHAN_FAMILY]
    for row in rows:
        del row["rank"]
    return rows


def _merge_spellings(rows: list[dict[str, Any]], latin: Mapping[str, int]) -> list[dict[str, Any]]:
    """One row per name: rows that read the same in both scripts (Rahmatullah / Rahmat Ullah,
    each paired with its own misspelt Arabic entry) become spellings of the most popular one."""
    groups: dict[tuple[object, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = (
            _latin_key(row["latin"]),
            _ending(row["latin"]),
            arabic_skeleton(row["arabic"]),
            # Najib / Najiba: the feminine form is another name (but -ullah ends in he too).
            row["arabic"].endswith("ه") and not _ARABIC_ULLAH.search(row["arabic"]),
            row["sex"],
        )
        groups[key].append(row)
    merged: list[dict[str, Any]] = []
    for group in groups.values():
        best_arabic = min(group, key=lambda row: row["rank"])
        best_latin = min(group, key=lambda row: latin[row["latin"]])
        head = dict(best_arabic, latin=best_latin["latin"])
        head["latin_variants"] = [r["latin"] for r in group if r["latin"] != head["latin"]]
        head["arabic_variants"] = list(
            dict.fromkeys(
                [r["arabic"] for r in group if r["arabic"] != head["arabic"]]
                + [v for r in group for v in r["arabic_variants"]]
            )
        )
        merged.append(head)
    return merged


def _voiced(name: str) -> bool:
    # Profile spellings without vowels ("Hmdrd") are shorthand, not a spelling anyone is given.
    letters = name.replace(" ", "").lower()
    return len(letters) >= 3 and sum(c in "aeiouy" for c in letters) / len(letters) >= 0.25


def _orthographic(name: str) -> str:
    # Arabic-keyboard letters and the space inside compounds (Najib ullah) are spelling, not name.
    return (
        name.replace("ي", "ی")
        .replace("ى", "ی")
        .replace("ك", "ک")
        .replace("ة", "ه")
        .replace(" ", "")
    )


def _latin_variants(
    canonical: str,
    by_skeleton: Mapping[str, list[tuple[int, str]]],
    used: set[str],
) -> list[str]:
    key = _latin_key(canonical)
    ending = _ending(canonical)
    found: list[str] = []
    for rank, other in by_skeleton.get(latin_skeleton(canonical), ()):
        if other in used or rank > 12000 or _ending(other) != ending:
            continue
        close = difflib.SequenceMatcher(None, key, _latin_key(other)).ratio()
        if close >= 0.8 and other[0].lower() in _same_initials(canonical[0].lower()):
            found.append(other)
        if len(found) == 6:
            break
    return found


def _same_initials(initial: str) -> str:
    # Vowel-initial names change their first vowel across spellings (Obaid / Ubaid, Ehsan / Ihsan).
    return "aeiou" if initial in "aeiou" else initial


def _foreign(
    first: Mapping[str, Mapping[str, Any]], last: Mapping[str, Mapping[str, Any]], country: str
) -> dict[str, list[str]]:
    def ranked(table: Mapping[str, Mapping[str, Any]]) -> Iterable[tuple[int, str]]:
        for name, info in table.items():
            rank = info["rank"].get(country)
            if rank is None or not _LATIN_WORD.match(name):
                continue
            if name.lower() in NOT_FOREIGN_NAMES:
                continue
            yield int(rank), name

    male: list[str] = []
    female: list[str] = []
    for _, name in sorted(ranked(first)):
        sex = _sex_of(first[name]["gender"])
        if sex is Sex.MALE and len(male) < _KEEP_FOREIGN_GIVEN:
            male.append(name)
        elif sex is Sex.FEMALE and len(female) < _KEEP_FOREIGN_GIVEN:
            female.append(name)
    family: list[str] = []
    given = set(male) | set(female)  # profile surnames that are first names are misfiled
    feminine = re.compile(r"(ova|eva|ina|yna|aya|owa|ewa)$")
    for _, name in sorted(ranked(last)):
        if country in _SLAVIC_STYLE_SOURCES and feminine.search(name) or name in given:
            continue  # the masculine form is kept; women get the feminine one when drawn
        family.append(name)
        if len(family) == _KEEP_FOREIGN_FAMILY:
            break
    if not (male and female and family):
        raise InvalidConfiguration(f"names-dataset has too few names for country {country}")
    return {"given_m": male, "given_f": female, "family": family}

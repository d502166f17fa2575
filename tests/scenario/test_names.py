"""Names drawn from names-dataset: Afghan names in both scripts, paired honestly, without the
profile junk, cached once in a small file."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from refuge.domain import InvalidConfiguration, Script, Sex, script_of
from refuge.scenario import DEFAULT_CACHE_DIR, generate
from refuge.scenario import names as names_module
from refuge.scenario.names import NameBook, arabic_skeleton, latin_skeleton, load_name_book


def test_the_extraction_is_cached_as_a_small_file_keyed_by_the_dataset_version(
    name_book: NameBook,
) -> None:
    cached = list(DEFAULT_CACHE_DIR.glob(f"names-{name_book.dataset_version}-x*.json"))
    assert len(cached) == 1
    assert cached[0].stat().st_size < 2_000_000


def test_a_cache_directory_with_the_file_is_used_without_loading_the_dataset(
    name_book: NameBook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in DEFAULT_CACHE_DIR.glob(f"names-{name_book.dataset_version}-x*.json"):
        shutil.copy(path, tmp_path / path.name)

    def refuse() -> None:
        raise AssertionError("the full dataset was loaded")

    monkeypatch.setattr(names_module, "extract_names", refuse)
    book = load_name_book(tmp_path)
    assert len(book.afghan_family) == len(name_book.afghan_family)
    assert generate(50, seed=1, cache_dir=tmp_path).people == 50


def test_a_damaged_cache_file_is_reported_by_its_path(
    name_book: NameBook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in DEFAULT_CACHE_DIR.glob(f"names-{name_book.dataset_version}-x*.json"):
        (tmp_path / path.name).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(names_module, "extract_names", lambda: {})
    with pytest.raises(InvalidConfiguration, match="name cache .* is unreadable"):
        load_name_book(tmp_path)


def test_afghan_names_have_a_latin_and_a_perso_arabic_spelling(name_book: NameBook) -> None:
    pools = [name_book.afghan_family, *name_book.afghan_given.values()]
    for pool in pools:
        assert len(pool) >= 100
        for name in pool.items:
            assert script_of(name.latin) is Script.LATIN, name
            assert script_of(name.arabic) is Script.ARABIC, name
            assert len(name.latin.replace(" ", "")) >= 3
            assert not any(char.isdigit() for char in name.latin + name.arabic)
            assert all(script_of(v) is Script.LATIN for v in name.latin_variants)


def test_well_known_names_are_paired_with_their_own_spelling(name_book: NameBook) -> None:
    given = {n.latin: n.arabic for pool in name_book.afghan_given.values() for n in pool.items}
    family = {n.latin: n.arabic for n in name_book.afghan_family.items}
    for latin, arabic in {"Farhad": "فرهاد", "Ajmal": "اجمل", "Haroon": "هارون"}.items():
        assert given[latin] == arabic
    for latin, arabic in {"Ahmadi": "احمدی", "Mohammadi": "محمدی", "Karimi": "کریمی"}.items():
        assert family[latin] == arabic


def test_given_names_are_split_by_sex_and_junk_entries_are_left_out(
    name_book: NameBook,
) -> None:
    men = {n.latin for n in name_book.afghan_given[Sex.MALE].items}
    women = {n.latin for n in name_book.afghan_given[Sex.FEMALE].items}
    assert {"Farhad", "Jawid"} <= men
    assert {"Shabnam", "Nilofar"} <= women
    assert not men & women
    for junk in ("Afghan", "Haji", "Khan", "Tanha"):
        assert junk not in men | women
    assert "Afghan" not in {n.latin for n in name_book.afghan_family.items}


def test_variants_come_from_the_dataset_and_keep_the_name(name_book: NameBook) -> None:
    jawid = next(n for n in name_book.afghan_given[Sex.MALE].items if n.latin == "Jawid")
    assert {"Javid", "Jawed"} & set(jawid.latin_variants)


def test_both_scripts_reduce_to_the_same_consonant_skeleton() -> None:
    assert arabic_skeleton("نجیب الله") == latin_skeleton("Najibullah")
    assert arabic_skeleton("فرشته") == latin_skeleton("Fereshta")
    assert arabic_skeleton("خلیل") == latin_skeleton("Khalil")


def test_other_nationals_get_names_of_their_own_country_and_russian_women_feminine_surnames(
    name_book: NameBook,
) -> None:
    scenario = generate(3000, seed=2)
    russian_women = [
        m.person
        for t in scenario.truths
        for m in t.members
        if m.nationality in ("RUS", "BLR", "UKR") and m.person.sex is Sex.FEMALE
    ]
    assert russian_women
    assert all(
        p.name.family.endswith(("a", "aya")) or not p.name.family.endswith(("ov", "ev", "in"))
        for p in russian_women
    )
    us = name_book.foreign_for("USA")
    drawn = {us.family.draw(random.Random(i)) for i in range(50)}
    assert drawn & {"Smith", "Johnson", "Garcia", "Williams", "Brown", "Lopez", "Martinez"}


def test_the_cache_file_is_json_with_the_extraction_format(name_book: NameBook) -> None:
    path = next(DEFAULT_CACHE_DIR.glob(f"names-{name_book.dataset_version}-x*.json"))
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == names_module.EXTRACTION_FORMAT
    assert set(raw["countries"]) >= {"US", "GB", "RU", "KZ"}

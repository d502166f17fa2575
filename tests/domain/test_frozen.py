"""The quicker constructor of frozen dataclasses: the same objects, arguments and errors as the
constructor dataclass writes, still frozen."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field

import pytest

from refuge.domain import InvalidInput, PartialDate, PersonName, Script
from refuge.domain.frozen import quick_init


@dataclass(frozen=True, slots=True)
class Plain:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count below zero")


@quick_init
@dataclass(frozen=True, slots=True)
class Quick(Plain):
    """The same class, made with the quicker constructor."""


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), (("a", 2), {}), (("a",), {"tags": ("x",)}), ((), {"name": "a", "count": 3})],
)
def test_the_quicker_constructor_takes_the_same_arguments_to_the_same_values(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    quick, plain = Quick(*args, **kwargs), Plain(*args, **kwargs)  # type: ignore[arg-type]

    assert dataclasses.astuple(quick) == dataclasses.astuple(plain)
    assert quick == Quick(*args, **kwargs)  # type: ignore[arg-type]
    assert hash(quick) == hash(Quick(*args, **kwargs))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(quick)) == quick  # noqa: S301 - our own bytes
    assert str(inspect.signature(Quick)) == str(inspect.signature(Plain))


def test_the_quicker_constructor_refuses_what_the_written_one_refuses() -> None:
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick("a", 1, (), 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick("a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="count below zero"):  # __post_init__ still runs
        Quick("a", -1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quick("a").count = 2  # type: ignore[misc]


def test_the_domain_types_given_it_still_check_and_fill_in_their_values() -> None:
    # PartialDate and PersonName check their values in __post_init__, and PersonName fills in
    # a Latin name's romanised form: the quicker constructor must leave both in place.
    with pytest.raises(InvalidInput, match="needs a year"):
        PartialDate(None, 3)
    name = PersonName("Ahmad", "Karimi")
    assert (name.script, name.given_romanised, name.family_romanised) == (
        Script.LATIN,
        "Ahmad",
        "Karimi",
    )


def test_classes_it_cannot_make_are_refused_when_decorated() -> None:
    @dataclass(frozen=True, slots=True)
    class Factory:
        items: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class KeywordOnly:
        name: str = field(kw_only=True)

    @dataclass(slots=True)
    class Thawed:
        name: str

    @dataclass(frozen=True)
    class Unslotted:
        name: str

    for cls in (Factory, KeywordOnly, Thawed, Unslotted):
        with pytest.raises(TypeError, match="quick_init"):
            quick_init(cls)

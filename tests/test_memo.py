"""data.memo.StateMemo: values made once per data state and key, and forgotten when the data changes."""

from __future__ import annotations

import pytest

from data.memo import StateMemo

FILE_V1, FILE_V2 = ("shop.duckdb", "v1"), ("shop.duckdb", "v2")


class Maker:
    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, key: str):
        def make() -> object:
            self.made.append(key)
            return object()
        return make


@pytest.mark.parametrize(("asks", "made"), [
    ([("a", FILE_V1), ("a", FILE_V1)], ["a"]),
    ([("a", FILE_V1), ("b", FILE_V1), ("a", FILE_V1)], ["a", "b"]),
    ([("a", FILE_V1), ("a", FILE_V2), ("a", FILE_V1)], ["a", "a", "a"]),
    ([("a", None), ("a", None)], ["a", "a"]),
    ([("a", FILE_V1), ("b", FILE_V1), ("c", FILE_V1), ("a", FILE_V1)], ["a", "b", "c", "a"]),
    ([("a", FILE_V1), ("b", FILE_V1), ("a", FILE_V1), ("c", FILE_V1), ("a", FILE_V1)], ["a", "b", "c"]),
], ids=["same key and state: made once", "another key beside it", "a write in between: made again",
        "no state: never kept", "over the size: the least recently used goes", "a use keeps it recent"])
def test_values_are_made_once_per_state_and_key(asks, made):
    memo, maker = StateMemo(2), Maker()
    for key, state in asks:
        memo.get(key, maker(key), state)
    assert maker.made == made


def test_a_new_state_forgets_the_old_ones_values():
    memo, maker = StateMemo(3), Maker()
    first = memo.get("a", maker("a"), FILE_V1)
    memo.get("b", maker("b"), FILE_V2)
    assert set(memo.values()) == {"b"}
    assert memo.get("a", maker("a"), FILE_V2) is not first
    memo.clear()
    assert memo.values() == {}

"""Values kept in memory for the latest state of the data, to be made once and reused.

A state is a database and its ``data_version`` (every write changes it): a value made from the
data in one state is reused only when asked for with that same state and key. Asking with
another state forgets the older state's values first, so a write never serves stale data and
never leaves old values holding memory. Used for the order side the in-memory ``compute``
reuses (``data.decisions``) and for the period's input a what-if replay reuses
(``data.whatif``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class StateMemo:
    """Up to ``size`` values of one data state, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any], state: tuple | None) -> Any:
        """The value kept for ``key`` in ``state``, else ``make()`` (kept). Without a
        ``state`` nothing is kept: ``make()``. Two threads asking at once may both make it."""
        if state is None:
            return make()
        with self._lock:
            for stale in [k for k in self._values if k[0] != state]:
                del self._values[stale]
            if (state, key) in self._values:
                self._values.move_to_end((state, key))
                return self._values[(state, key)]
        value = make()
        with self._lock:
            self._values[(state, key)] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value

    def values(self) -> dict:
        """What is kept now, by key (for tests: which values are reused)."""
        with self._lock:
            return {key: value for (_state, key), value in self._values.items()}

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

"""pytest-xdist's ``loadfile`` scheduling (one test module at a time to whichever worker runs low,
in collection order) with one exception: the solo modules (tests/conftest.py) run first, one at a
time on one worker, and no other work is handed out until they are done. Their tests measure how
the app behaves under load, so another worker's tests must not load the machine meanwhile."""

from __future__ import annotations

from collections.abc import Iterable

from xdist.scheduler import LoadFileScheduling


class SoloFirstScheduling(LoadFileScheduling):
    def __init__(self, config, log, solo_modules: Iterable[str]) -> None:
        super().__init__(config, log)
        self.solo_modules = set(solo_modules)
        # the collection's order (tests/conftest.py puts slow modules first), not xdist's default
        # of the module with the most tests first
        config.option.loadscopereorder = False

    def _solo_running(self) -> bool:
        return any(not all(tests.values()) for work in self.assigned_work.values()
                   for module, tests in work.items() if module in self.solo_modules)

    def _assign_work_unit(self, node) -> None:
        """A solo module (with the module after it) to the first worker asking while no other test
        is pending anywhere; nothing to anyone while one runs; otherwise the next module."""
        self.assigned_work.setdefault(node, {})
        if self._solo_running():
            return
        solo = next((module for module in self.workqueue if module in self.solo_modules), None)
        if solo is not None:
            if any(self._pending_of(work) for work in self.assigned_work.values()):
                return
            self.workqueue.move_to_end(solo, last=False)
            super()._assign_work_unit(node)
            if self.workqueue:  # its successor too: a worker runs a test once it knows the next one
                super()._assign_work_unit(node)
            return
        super()._assign_work_unit(node)

    def _reschedule(self, node) -> None:
        self.assigned_work.setdefault(node, {})
        super()._reschedule(node)

    def mark_test_complete(self, node, item_index: int, duration: float = 0) -> None:
        solo_was_running = self._solo_running()
        super().mark_test_complete(node, item_index, duration)
        if solo_was_running and not self._solo_running():  # every worker gets work again
            for other in self.nodes:
                if other is not node:
                    self._reschedule(other)

"""pytest-xdist's ``loadfile`` scheduling (one test module at a time to whichever worker runs low,
in collection order) with one exception: a solo module (tests/conftest.py) runs first, on one
worker, and while it runs one other worker (the rest wait) takes modules from the end of the
queue only. The collection order puts the browser and ``slow`` modules first, so the end holds the
quick in-process tests: the solo module's tests measure how the app behaves under load, and another
browser test (its own server and Chromium) or the Spark job would add load of their own, while
the quick tests use the core the server leaves idle.

Not ``--dist loadgroup`` with ``xdist_group`` marks: pytest-xdist 3.8 tags a grouped test by
assigning ``item._nodeid``, which pytest 9.2's ``nodeid`` no longer reads, so every test became its
own group and modules (with their module-scoped fixtures) were split across workers."""

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

    def _runs_solo(self, work) -> bool:
        return any(module in self.solo_modules and not all(tests.values()) for module, tests in work.items())

    def _solo_running(self) -> bool:
        return any(self._runs_solo(work) for work in self.assigned_work.values())

    def _assign_work_unit(self, node) -> None:
        """A solo module (with the module after it) to the first worker asking while no other test
        is pending anywhere; while one runs, the last module of the queue to one worker at most;
        otherwise the next."""
        self.assigned_work.setdefault(node, {})
        if self._solo_running():
            if any(other is not node and self._pending_of(work) and not self._runs_solo(work)
                   for other, work in self.assigned_work.items()):
                return  # one worker beside the solo module at most
            last = next((module for module in reversed(self.workqueue) if module not in self.solo_modules), None)
            if last is not None:
                self.workqueue.move_to_end(last, last=False)
                super()._assign_work_unit(node)
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
        super().mark_test_complete(node, item_index, duration)
        for other in self.nodes:  # a worker left without work while a solo module ran gets some now
            if other is not node:
                self._reschedule(other)

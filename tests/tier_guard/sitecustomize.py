"""The fast tier's guard: refuse to import WeasyPrint or Playwright in a run that deselected the
tests marked ``pdf`` or ``browser``.

conftest.py installs :class:`TierGuard` in the test process when no selected test carries the
marker, and puts this folder first on ``PYTHONPATH`` so that every ``python`` the tests start
installs it too (Python imports ``sitecustomize`` at start-up). Forked PDF workers inherit it.
Every refused import is also appended to the file named by ``BRIEFGEN_TEST_TIER_RECORD``, so the
test that caused it fails even when the code under test catches the ImportError.

Only ``sys`` and ``os`` are imported here: tests that check what briefgen imports at start-up
must see the same modules with and without the guard. (Type checkers read the names under
``TYPE_CHECKING``; Python never imports them.)
"""

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.abc import Loader, MetaPathFinder
    from importlib.machinery import ModuleSpec
    from types import ModuleType
else:
    Loader = MetaPathFinder = object

BLOCKED_VARIABLE = "BRIEFGEN_TEST_TIER_BLOCKED"
"""``module:marker`` pairs, comma-separated: ``weasyprint:pdf,playwright:browser``."""
RECORD_VARIABLE = "BRIEFGEN_TEST_TIER_RECORD"


class TierGuard(MetaPathFinder):
    """A meta path finder for the blocked top-level modules: it finds them as usual (so looking a
    library up without importing it, as ``importlib.util.find_spec`` does, still works) but hands
    out a loader that records the import and refuses it."""

    def __init__(self, blocked: dict[str, str], record: str) -> None:
        self.blocked = blocked
        self.record = record

    def find_spec(self, fullname: str, path: "Sequence[str] | None", target: "ModuleType | None" = None
                  ) -> "ModuleSpec | None":
        marker = self.blocked.get(fullname.partition(".")[0])
        if marker is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                spec.loader = RefusingLoader(fullname, marker, self.record)
                return spec
        return None


class RefusingLoader(Loader):
    """Loads nothing: records the import and raises ImportError naming the marker to add."""

    def __init__(self, fullname: str, marker: str, record: str) -> None:
        self.fullname = fullname
        self.marker = marker
        self.record = record

    def create_module(self, spec: "ModuleSpec") -> None:
        return None

    def exec_module(self, module: "ModuleType") -> None:
        if self.record:
            with open(self.record, "a", encoding="utf-8") as record:
                record.write(f"{self.fullname}\t{self.marker}\t{os.getpid()}\n")
        raise ImportError(f"{self.fullname} was imported in a run without the tests marked '{self.marker}': "
                          f"mark the test that needs it @pytest.mark.{self.marker}")


def blocked_modules(setting: str) -> dict[str, str]:
    pairs = (item.partition(":") for item in setting.split(",") if item)
    return {module: marker for module, _, marker in pairs}


def install(blocked: dict[str, str], record: str) -> TierGuard:
    guard = TierGuard(blocked, record)
    sys.meta_path.insert(0, guard)
    return guard


if os.environ.get(BLOCKED_VARIABLE):
    install(blocked_modules(os.environ[BLOCKED_VARIABLE]), os.environ.get(RECORD_VARIABLE, ""))

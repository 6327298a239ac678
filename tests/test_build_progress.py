"""The build's progress bar: the rate and the time left, as the bar shows them."""

from __future__ import annotations

import io

import pytest

from briefgen.commands.progress import describe_rate, progress_bar


@pytest.mark.parametrize(("done", "total", "seconds", "expected"), [
    pytest.param(0, 6000, 5.0, "", id="nothing-done-yet"),
    pytest.param(250, 6000, 100.0, "2.5 editions/s, about 38:20 left", id="minutes-left"),
    pytest.param(100, 6000, 400.0, "4.0 s an edition, about 6:33:20 left", id="slow-editions-and-hours-left"),
    pytest.param(1, 2, 1.0, "1.0 editions/s, about 0:01 left", id="one-second-left"),
    pytest.param(40, 40, 8.0, "5.0 editions/s", id="finished"),
])
def test_rate_and_time_left(done: int, total: int, seconds: float, expected: str) -> None:
    assert describe_rate(done, total, seconds) == expected


def test_no_bar_means_no_callback() -> None:
    with progress_bar(False) as update:
        assert update is None


def test_the_bar_shows_the_rate_and_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console
    from rich.progress import Progress

    clock = iter([100.0, 104.0, 108.0])
    monkeypatch.setattr("briefgen.commands.progress.monotonic", lambda: next(clock))
    shown: list[str] = []

    def record(progress: Progress) -> None:
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(progress.get_renderable())
        shown.append(console.export_text())

    monkeypatch.setattr(Progress, "refresh", record)
    with progress_bar(True) as update:
        assert update is not None
        update(0, 10)
        update(1, 10)
        update(2, 10)
    assert "building editions" in shown[0] and "0/10" in shown[0] and "left" not in shown[0]
    assert "2/10" in shown[-1] and "4.0 s an edition, about 0:32 left" in shown[-1], shown[-1]

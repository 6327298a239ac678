"""The place rows of the benchmark (benchmarks/bench_places.py, bench.py --place-rows): which
builds they start, with which options, and how they judge the cluster's files. Every command is
faked (no process, no timing): what is asserted is the wiring, never a speed."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench  # noqa: E402
import bench_places  # noqa: E402


class FakeBuilds:
    """Stands in for ``bench.run``: records each command and writes the files its output folder
    would hold (one per edition and format, plus the index), ``cluster_bytes`` in a cluster's."""

    def __init__(self, cluster_bytes: bytes = b"same") -> None:
        self.commands: list[list[str]] = []
        self.cluster_bytes = cluster_bytes

    def __call__(self, command: Sequence[str], cwd: Path, measured: bench.Measured, *, env: object = None,
                 prepare: Any = None, expect: str = "", is_sampled: bool = False) -> str:
        if prepare is not None:
            prepare()
        command = list(command)
        self.commands.append(command)
        output = Path(command[command.index("-o") + 1])
        output.mkdir(parents=True, exist_ok=True)
        rows = sum(1 for _ in (cwd / "briefs/data/places.csv").open()) - 1
        content = self.cluster_bytes if "--scheduler" in command else b"same"
        for number in range(1, rows + 1):
            (output / f"places--press--p{number:05}.pdf").write_bytes(content)
        (output / "index.json").write_bytes(b"{}")
        measured.times.append(2.0 if "--scheduler" in command else 1.0)
        measured.peak_rss.append(100 * 1024 * 1024)
        editions = rows * 2
        return f"{editions} edition(s) built" if "--force" in command else f"0 edition(s) built, {editions} up to date"


@contextmanager
def fake_cluster() -> Iterator[SimpleNamespace]:
    yield SimpleNamespace(scheduler_address="tcp://127.0.0.1:9999")


@pytest.fixture
def no_parse_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_places, "parses_per_audience", lambda project: (2, 8))


@pytest.mark.usefixtures("no_parse_count")
def test_the_whole_table_is_built_with_one_job_two_jobs_and_on_the_cluster(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    builds = FakeBuilds()
    monkeypatch.setattr(bench_places, "run", builds)
    monkeypatch.setattr(bench_places, "_cluster_factory", lambda: fake_cluster)
    rows, notes = bench_places.place_rows(tmp_path, 4, 1, 2, 1, ["html", "pdf"])

    force = [command for command in builds.commands if "--force" in command]
    assert [command[command.index("-j") + 1] if "-j" in command else "cluster" for command in force] == \
        ["1", "2", "cluster", "2"]  # 1 job, 2 jobs, the cluster, then the small table for memory
    cluster_command = force[2]
    assert cluster_command[cluster_command.index("--scheduler") + 1] == "tcp://127.0.0.1:9999"
    assert all(command[command.index("-f") + 1:][:3] == ["html", "-f", "pdf"] for command in force)
    assert rows[0].what.startswith("8 place editions (4 rows × 2 audience(s), html+pdf)")
    assert rows[0].ratio == pytest.approx(1.0)
    assert "byte-identical files" in rows[1].what and "LocalCluster" in rows[1].what
    assert rows[1].ratio == pytest.approx(2.0) and rows[1].is_met is False  # 2.0× > 1.25
    assert any("LocalCluster(n_workers=2, processes=True, threads_per_worker=1)" in note for note in notes)
    # the 2-job build is the cold build the rebuilds compare with: no fourth cold build of the table
    assert "of all 8" in rows[3].what and rows[3].other == "1.00 s"


@pytest.mark.usefixtures("no_parse_count")
def test_a_cluster_file_that_differs_fails_the_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(bench_places, "run", FakeBuilds(cluster_bytes=b"other"))
    monkeypatch.setattr(bench_places, "_cluster_factory", lambda: fake_cluster)
    monkeypatch.setattr(bench_places, "interleave", lambda runs, cases: _faster_cluster(runs, cases))
    rows, _ = bench_places.place_rows(tmp_path, 3, 1, 2, 1, ["pdf"], is_dask=True)
    assert "**files differ**" in rows[1].what
    assert rows[1].is_met is False  # even though the cluster was as fast as the local pool


def _faster_cluster(runs: int, cases: dict[str, Any]) -> dict[str, bench.Measured]:
    measured = bench.interleave(runs, cases)
    if "dask" in measured:
        measured["dask"].times = list(measured["j2"].times)
    return measured


@pytest.mark.usefixtures("no_parse_count")
def test_without_distributed_the_cluster_row_is_a_note(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    builds = FakeBuilds()
    monkeypatch.setattr(bench_places, "run", builds)
    monkeypatch.setattr(bench_places, "_cluster_factory", lambda: None)
    rows, notes = bench_places.place_rows(tmp_path, 2, 1, 2, 1, ["pdf"])
    assert not any("--scheduler" in command for command in builds.commands)
    assert not any("LocalCluster" in row.what for row in rows)
    assert "row 7 (Dask): not measured (pip install 'briefgen[dask]')." in notes


def test_same_files_needs_every_reference_file_with_the_same_bytes(tmp_path: Path) -> None:
    made, reference = tmp_path / "made", tmp_path / "reference"
    made.mkdir()
    reference.mkdir()
    assert not bench_places._same_files(made, reference)  # nothing to compare is not a match
    (reference / "a.pdf").write_bytes(b"x")
    assert not bench_places._same_files(made, reference)
    (made / "a.pdf").write_bytes(b"x")
    assert bench_places._same_files(made, reference)
    (made / "a.pdf").write_bytes(b"y")
    assert not bench_places._same_files(made, reference)


@pytest.mark.parametrize(("argv", "audiences"), [
    pytest.param([], 2, id="default-two-audiences"),
    pytest.param(["--place-audiences", "3"], 3, id="knob-passed-through"),
])
def test_bench_passes_the_place_audiences_to_the_place_rows(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                                                            audiences: int) -> None:
    seen: list[tuple[Any, ...]] = []

    def place_rows(*args: Any) -> tuple[list[bench.Row], list[str]]:
        seen.append(args)
        return [], []

    monkeypatch.setattr(bench_places, "place_rows", place_rows)
    monkeypatch.setattr(bench, "dask_rows", lambda args, scratch: ([], []))
    monkeypatch.setattr(bench, "print_table", lambda rows, notes: None)
    monkeypatch.setattr(sys, "argv", ["bench.py", "--only-dask", "--place-rows", "40", *argv])
    bench.main()
    (_, rows, small_rows, passed_audiences, *_rest), = seen
    assert (rows, small_rows, passed_audiences) == (40, 10, audiences)

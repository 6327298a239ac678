"""``briefgen build --scheduler``: the PDFs made on a Dask cluster's workers.

A real ``distributed.LocalCluster`` with two worker processes stands in for a cluster. What it
builds must be byte for byte what the local PDF workers build; a worker killed in the middle of
a build loses no edition; an author's error found on a worker comes back located; a missing
extra or an unreachable scheduler is a clear usage error that writes nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen.build import dask_scheduler
from conftest import FIXTURES_DIR, assert_clean_error, brief_yaml, run_cli, section_md

FORMATS = ["-f", "html", "-f", "pdf", "-f", "handout"]


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The basic fixture project, and what the local PDF workers build of it (made before the
    cluster starts, so no worker is forked from a process running Dask's threads)."""
    project = tmp_path_factory.mktemp("dask") / "basic"
    shutil.copytree(FIXTURES_DIR / "basic", project, ignore=shutil.ignore_patterns("expected"))
    output = project.parent / "local"
    result = run_cli(["build", *FORMATS, "-o", str(output)], cwd=project)
    assert result.exit_code == 0, result.output
    return project, output


@pytest.fixture(scope="module")
def cluster(local_build: tuple[Path, Path]) -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  worker_dashboard_address=None) as running:
        yield running


def built_files(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(output.iterdir()) if path.is_file()}


@pytest.mark.slow
@pytest.mark.pdf
def test_cluster_build_is_byte_for_byte_the_local_build(local_build: tuple[Path, Path], cluster: Any) -> None:
    project, local = local_build
    output = project.parent / "on-cluster"
    result = run_cli(["build", *FORMATS, "-o", str(output), "--scheduler", cluster.scheduler_address], cwd=project)
    assert result.exit_code == 0, result.output
    expected, got = built_files(local), built_files(output)
    assert sorted(got) == sorted(expected)
    assert {name for name in got if name.endswith(".handout.pdf")} == {
        f"basic--{audience}.handout.pdf" for audience in ("community-groups", "county-officials", "press")}
    for name, data in expected.items():
        assert got[name] == data, f"{name} differs from the local build"
    assert not list(output.glob(".*.tmp")), "no temporary file is left behind"


@pytest.mark.slow
@pytest.mark.pdf
def test_a_worker_killed_mid_build_loses_no_edition(local_build: tuple[Path, Path], cluster: Any) -> None:
    from distributed import Client

    project, local = local_build
    output = project.parent / "killed"
    killed: list[str] = []
    with Client(cluster, set_as_default=False) as watcher:
        pids = watcher.run(os.getpid)

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                busy = [address for address, keys in watcher.processing().items()
                        if any(str(key).startswith("briefgen-pdf-") for key in keys)]
                if busy:
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(busy[0])
                    return
                time.sleep(0.01)

        thread = threading.Thread(target=kill_a_busy_worker)
        thread.start()
        try:
            result = run_cli(["build", *FORMATS, "-o", str(output), "--scheduler", cluster.scheduler_address], cwd=project)
        finally:
            thread.join()
        assert killed, "no worker was seen laying out a PDF"
        assert result.exit_code == 0, result.output
        assert built_files(output) == built_files(local)
        watcher.wait_for_workers(2, timeout=60)  # the nanny restarts it, for the next test


@pytest.mark.slow
@pytest.mark.pdf
def test_an_error_found_on_a_worker_comes_back_located(make_project: Any, cluster: Any) -> None:
    long = " ".join(["Counties that join must budget for officer time, training, jail space and legal review."] * 90)
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra=(
            "key_takeaways:\n  - Short one [@gao2021].\n"
            "editions:\n  press:\n    call_to_action: >-\n      " + long + "\n")),
        "briefs/sections/one.md": section_md("One", "Body.\n"),
    })
    result = run_cli(["build", "-f", "handout", "-a", "press", "-a", "county-officials",
                      "--scheduler", cluster.scheduler_address], cwd=project)
    assert_clean_error(result, "briefs/b.yaml:9:", "the handout of b--press takes", "more than one sheet")
    assert (project / "output" / "b--county-officials.handout.pdf").is_file(), "the other edition is built"
    assert not (project / "output" / "b--press.handout.pdf").exists()


@pytest.mark.slow
def test_a_worker_that_cannot_see_the_project_says_so(tmp_path: Path) -> None:
    from briefgen.build.pdf_workers import PdfJob
    from briefgen.errors import SourceLocation

    brief = tmp_path / "briefs" / "b.yaml"
    job = PdfJob("<p>x</p>", tmp_path / "elsewhere", (tmp_path,), SourceLocation(brief, 1), edition="b--press")
    outcome = dask_scheduler.lay_out_on_worker(job)
    assert outcome.data is None
    [problem] = outcome.diagnostics
    assert problem.location == SourceLocation(brief, 1)
    assert "cannot read the project folder" in problem.message and "same path" in problem.hint


def test_without_the_extra_scheduler_names_what_to_install(make_project: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_scheduler, "is_dask_installed", lambda: False)
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Body.\n")})
    result = run_cli(["build", "--scheduler", "tcp://127.0.0.1:8786"], cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == ("briefgen: --scheduler needs Dask's distributed scheduler, which is not installed; "
                                     "install it with pip install 'briefgen[dask]'")
    assert not (project / "output").exists()


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_clear_error_and_writes_nothing(make_project: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(dask_scheduler, "CONNECT_SECONDS", 0.5)
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Body.\n")})
    result = run_cli(["build", "--scheduler", "tcp://127.0.0.1:9"], cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("briefgen: cannot reach the Dask scheduler at tcp://127.0.0.1:9 ("), result.stderr
    assert "dask scheduler" in result.stderr and "nothing was written" in result.stderr
    assert not (project / "output").exists()


@pytest.mark.slow
def test_the_scheduler_can_be_set_for_every_build(make_project: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(dask_scheduler, "CONNECT_SECONDS", 0.5)
    monkeypatch.setenv("BRIEFGEN_SCHEDULER", "tcp://127.0.0.1:9")
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Body.\n")})
    result = run_cli(["build"], cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("briefgen: cannot reach the Dask scheduler at tcp://127.0.0.1:9 ("), result.stderr
    assert "BRIEFGEN_SCHEDULER" in result.stderr and not (project / "output").exists()


@pytest.mark.slow
@pytest.mark.pdf
def test_jobs_in_flight_are_bounded_by_the_window(local_build: tuple[Path, Path], cluster: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    project, local = local_build
    in_flight, most = 0, 0
    real_submit, real_outcome = Client.submit, dask_scheduler.outcome_of

    def submit(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        return real_submit(self, *args, **kwargs)

    def outcome_of(future: Any) -> Any:
        nonlocal in_flight
        in_flight -= 1
        return real_outcome(future)

    monkeypatch.setattr(Client, "submit", submit)
    monkeypatch.setattr(dask_scheduler, "outcome_of", outcome_of)
    monkeypatch.setattr(dask_scheduler, "window", lambda client: 1)
    output = project.parent / "one-at-a-time"
    result = run_cli(["build", *FORMATS, "-o", str(output), "--scheduler", cluster.scheduler_address], cwd=project)
    assert result.exit_code == 0, result.output
    assert most == 1 and in_flight == 0
    assert built_files(output) == built_files(local)

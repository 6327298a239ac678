"""PDFs in worker processes: the same bytes whatever the number of jobs, one failure never stops
the others, Ctrl-C ends everything cleanly, and WeasyPrint (and rich) load only when needed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import briefgen.build.pdf_workers
import briefgen.build.schedule
from briefgen.build.workers import WorkerFailure, WorkerPool
from conftest import FIXTURES_DIR, OUTPUT_INDEX, REPO_ROOT, run_cli


@pytest.fixture(scope="module")
def basic_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The basic fixture built (HTML and PDF) with one job and with two."""
    outputs = {}
    for jobs in (1, 2):
        output = tmp_path_factory.mktemp(f"jobs{jobs}")
        result = run_cli(["build", "-j", str(jobs), "-o", str(output)], cwd=FIXTURES_DIR / "basic")
        assert result.exit_code == 0, result.output
        outputs[jobs] = output
    return outputs


@pytest.mark.pdf
def test_two_jobs_give_the_same_bytes_as_one(basic_pdfs: dict[int, Path]) -> None:
    names = sorted(path.name for path in basic_pdfs[1].iterdir() if path.is_file())
    assert len([name for name in names if name.endswith(".pdf")]) == 3
    assert names == sorted(path.name for path in basic_pdfs[2].iterdir() if path.is_file())
    for name in names:
        assert (basic_pdfs[1] / name).read_bytes() == (basic_pdfs[2] / name).read_bytes(), name


@pytest.mark.pdf
def test_pdf_is_a_real_pdf_with_its_page_count_reported(basic_pdfs: dict[int, Path]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(basic_pdfs[2] / "basic--press.pdf")
    assert len(reader.pages) >= 1
    assert "Costs and payments" in "".join(page.extract_text() for page in reader.pages)


def test_jobs_must_be_positive() -> None:
    result = run_cli(["build", "-j", "0"], cwd=FIXTURES_DIR / "basic")
    assert result.exit_code == 2
    assert "briefgen: --jobs must be 1 or more" in result.stderr


@pytest.mark.pdf
def test_a_pdf_that_fails_does_not_stop_the_other_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = briefgen.build.pdf_workers.render_pdf_job

    def fail_for_press(job: briefgen.build.pdf_workers.PdfJob) -> briefgen.build.pdf_workers.PdfOutcome:
        if "Reporters" in job.html:  # the fixture's press profile is labelled "Reporters"
            raise RuntimeError("renderer crashed")
        return real(job)

    monkeypatch.setattr(briefgen.build.pdf_workers, "render_pdf_job", fail_for_press)  # forked workers inherit it
    result = run_cli(["build", "-j", "2", "-o", str(tmp_path)], cwd=FIXTURES_DIR / "basic")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = next(line for line in result.stderr.splitlines() if "could not make the PDF" in line)
    assert line.startswith("briefs/basic.yaml:1: error: could not make the PDF of basic--press (RuntimeError: renderer crashed")
    built = sorted(path.name for path in tmp_path.iterdir() if path.is_file() and path.name not in OUTPUT_INDEX)
    assert built == [f"basic--{a}.{ext}" for a in ("community-groups", "county-officials") for ext in ("html", "pdf")]
    assert "2 edition(s) built, 1 failed: basic--press" in result.stderr


def _crash_on_two(value: int) -> int:
    if value == 2:
        os._exit(3)
    if value == 3:
        raise ValueError("three is bad")
    return value * 10


def test_a_worker_that_dies_fails_only_its_job() -> None:
    with WorkerPool(2, _crash_on_two) as pool:
        results = dict(pool.map_unordered((n, n) for n in range(1, 7)))
    assert {n: results[n] for n in (1, 4, 5, 6)} == {1: 10, 4: 40, 5: 50, 6: 60}
    assert isinstance(results[2], WorkerFailure) and "exit code 3" in results[2].message
    assert isinstance(results[3], WorkerFailure) and results[3].message.startswith("ValueError: three is bad")


def _children_of(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


@pytest.mark.pdf
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find worker processes")
def test_ctrl_c_ends_the_workers_and_leaves_no_partial_file(tmp_path: Path) -> None:
    project = tmp_path / "example"
    shutil.copytree(REPO_ROOT / "briefs", project / "briefs")
    shutil.copy(REPO_ROOT / "references.bib", project / "references.bib")
    output = project / "output"
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "build", "-j", "2"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        workers = _children_of(process.pid)
    assert len(workers) == 2, "the build should have started two workers"
    while not list(output.glob("*.pdf")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)  # interrupt once the first PDF is written, while the others are being made
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "briefgen: interrupted"
    assert "Traceback" not in stdout + stderr
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text(), "a worker survived"
    assert not [path.name for path in output.iterdir() if path.name.endswith(".tmp")]
    assert len(list(output.glob("*.pdf"))) < 6, "the build was interrupted, not finished"


LAZY_PROBE = """
import sys
from briefgen.cli import app
try:
    app(sys.argv[1:], prog_name="briefgen")
except SystemExit:
    pass
print("LOADED:", " ".join(sorted(m for m in ("weasyprint", "rich", "bibtexparser", "pydantic") if m in sys.modules)))
"""


def _loaded_after(args: list[str], cwd: Path) -> set[str]:
    completed = subprocess.run([sys.executable, "-c", LAZY_PROBE, *args], cwd=cwd, capture_output=True, text=True,
                               timeout=120, check=False)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("LOADED:"))
    return set(line.split()[1:])


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    pytest.param(["--help"], id="help"),
    pytest.param(["build", "--help"], id="build-help"),
    pytest.param(["list"], id="list"),
    pytest.param(["audiences"], id="audiences"),
    pytest.param(["matrix"], id="matrix"),
    pytest.param(["diff", "basic", "press", "county-officials"], id="diff"),
    pytest.param(["build", "-f", "html", "-o", "{tmp}"], id="html-build"),
])
def test_weasyprint_is_never_loaded_without_a_pdf(args: list[str], tmp_path: Path) -> None:
    loaded = _loaded_after([arg.replace("{tmp}", str(tmp_path)) for arg in args], FIXTURES_DIR / "basic")
    assert "weasyprint" not in loaded
    assert "rich" not in loaded, "the progress bar is for terminals only"


@pytest.mark.slow
def test_an_html_rebuild_does_not_load_the_bibtex_parser(tmp_path: Path) -> None:
    args = ["build", "-f", "html", "-o", str(tmp_path)]
    assert "bibtexparser" in _loaded_after(args, FIXTURES_DIR / "basic")
    assert "bibtexparser" not in _loaded_after(args, FIXTURES_DIR / "basic"), "the parsed bibliography is cached"


@pytest.mark.pdf
def test_a_pdf_build_loads_weasyprint_only_in_the_workers(tmp_path: Path) -> None:
    loaded = _loaded_after(["build", "-a", "press", "-o", str(tmp_path)], FIXTURES_DIR / "basic")
    assert "weasyprint" not in loaded
    assert (tmp_path / "basic--press.pdf").is_file()


def test_a_large_html_only_build_is_the_same_with_workers(make_project, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import brief_yaml, section_md

    files = {f"briefs/b{n}.yaml": brief_yaml(["one", "two"], title=f"Brief {n}") for n in range(4)}
    press_only = '::: {audience="press"}\nPress [@doe2019].\n:::\n'
    files["briefs/sections/one.md"] = section_md("One", "Everyone [@gao2021].\n\n" + press_only)
    files["briefs/sections/two.md"] = section_md("Two", "Officials [@moller2020].\n", front="audiences: [county-officials]\n")
    project = make_project(files)
    monkeypatch.setattr(briefgen.build.schedule, "HTML_WORKERS_FROM", 4)
    started: list[int] = []
    real_pool = briefgen.build.schedule.WorkerPool

    def counting_pool(size, run, warm_up=None):  # type: ignore[no-untyped-def]
        started.append(size)
        return real_pool(size, run, warm_up)

    monkeypatch.setattr(briefgen.build.schedule, "WorkerPool", counting_pool)
    outputs = {}
    for jobs in ("1", "2"):
        result = run_cli(["build", "-f", "html", "-j", jobs, "-o", f"out{jobs}"], cwd=project)
        assert result.exit_code == 0, result.output
        assert "12 edition(s) built" in result.output
        outputs[jobs] = {path.name: path.read_bytes() for path in (project / f"out{jobs}").glob("*.html")
                         if path.name not in OUTPUT_INDEX}
    assert started == [2], "only the two-job build starts HTML workers"
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"]) == 12

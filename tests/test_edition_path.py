"""One edition path: ``build``, ``check`` and ``watch`` make an edition by the same stages and get
the same bytes and problems; the page is rendered once for screen and paper; the scheduler
keeps a bounded number of editions between rendering and writing; the PDF, its picture and the
handout are laid out in the PDF workers, which are replaced after a number of editions."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import briefgen.build.edition
import briefgen.build.pdf_workers
import briefgen.build.write
import briefgen.render.handout
from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.build.edition import EditionPages, build_edition, render_pages
from briefgen.build.options import BuildOptions
from briefgen.build.pipeline import build
from briefgen.build.schedule import IN_FLIGHT_PER_WORKER
from briefgen.build.workers import WorkerPool
from briefgen.check.run import CheckOptions, check_project
from briefgen.citations.cite import cite_edition
from briefgen.errors import Diagnostic, Diagnostics
from briefgen.load.project import load_project
from briefgen.render.html import render_html
from briefgen.watch.rebuild import LiveEditions, WatchOptions
from conftest import FIXTURES_DIR, OUTPUT_INDEX, brief_yaml, run_cli, section_md

BASIC = FIXTURES_DIR / "basic"
OFFICIALS = "basic--county-officials"  # the basic fixture's edition with a call to action: it has a handout


def files_in(folder: Path) -> dict[str, bytes]:
    """The edition files in ``folder`` (not the index every build writes beside them)."""
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file() and path.name not in OUTPUT_INDEX}


def located(diagnostics: list[Diagnostic]) -> set[tuple[str, int, str, str]]:
    return {(str(d.location.path.resolve()) if d.location else "", d.location.line if d.location else 0,
             d.severity.name, d.message) for d in diagnostics}


@pytest.fixture(scope="module")
def built_basic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every file of the basic fixture's county-officials edition, from ``briefgen build``."""
    output = tmp_path_factory.mktemp("build")
    result = run_cli(["build", "-a", "county-officials", "-f", "html", "-f", "pdf", "-f", "png", "-f", "handout",
                      "-o", str(output)], cwd=BASIC)
    assert result.exit_code == 0, result.output
    files = files_in(output)
    assert sorted(files) == sorted(f"{OFFICIALS}{suffix}" for suffix in (".html", ".pdf", ".png", ".handout.pdf"))
    return files


@pytest.mark.pdf
def test_the_shared_builder_makes_the_bytes_build_writes(built_basic: dict[str, bytes]) -> None:
    """build_edition runs every stage in this process; build runs the same stages across
    processes (PDF, picture and handout in a worker): the files are the same, byte for byte."""
    project = load_project(BASIC, Diagnostics())
    options = BuildOptions(formats=("html", "pdf", "png", "handout"))
    built = build_edition(project, project.briefs["basic"], project.audiences["county-officials"], MarkdownCache(),
                          options)
    assert built.is_built, built.diagnostics.items
    assert built.files == built_basic
    assert built.report is not None and built.report.pages is not None and built.report.handout_pages == 1


@pytest.mark.pdf
def test_watch_writes_the_bytes_build_writes(built_basic: dict[str, bytes], tmp_path: Path) -> None:
    live = LiveEditions(BASIC, WatchOptions(briefs=("basic",), audiences=("county-officials",),
                                            formats=("html", "pdf", "handout"), output_dir=tmp_path))
    report = live.rebuild()
    assert report.rebuilt == (OFFICIALS,) and report.failed == ()
    watched = files_in(tmp_path)
    assert sorted(watched) == [f"{OFFICIALS}.handout.pdf", f"{OFFICIALS}.html", f"{OFFICIALS}.pdf"]
    for name, data in watched.items():
        assert data == built_basic[name], name


@pytest.mark.pdf
def test_check_counts_the_pages_build_reports(tmp_path: Path) -> None:
    result = build(BASIC, BuildOptions(audiences=("county-officials",), formats=("pdf",), output_dir=tmp_path, jobs=1))
    checked = check_project(BASIC, CheckOptions(briefs=("basic",), audiences=("county-officials",), count_pages=True))
    assert [report.pages for report in result.reports] == [edition.pages for edition in checked.editions]
    assert checked.editions[0].pages is not None and checked.editions[0].pages > 0


def test_check_reports_every_problem_build_reports(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one", "two"]),
        "briefs/sections/one.md": section_md("One", "A claim [@nosuchkey].\n\n![](chart.svg)\n"),
        "briefs/sections/two.md": section_md("Two", "Another [@gao2021].\n"),
        "briefs/sections/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
    })
    built = build(project, BuildOptions(formats=("html",), output_dir=tmp_path))
    assert built.failed, "the unknown key is an error of every edition"
    from_build = located(built.diagnostics.items)
    assert any("nosuchkey" in message for *_, message in from_build)
    from_check = located(check_project(project, CheckOptions()).findings)
    assert from_build <= from_check


def test_the_body_is_rendered_once_for_both_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML edition and the page the PDF is made from come from one rendering of the
    Markdown, and are exactly the pages each would be if rendered alone."""
    project = load_project(BASIC, Diagnostics())
    brief, audience = project.briefs["basic"], project.audiences["press"]
    calls: list[str] = []
    real = briefgen.build.edition.render_body

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("body")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(briefgen.build.edition, "render_body", counting)
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, audience, MarkdownCache(), diagnostics, None)
    table = cite_edition(edition, project, diagnostics)
    pages = render_pages(edition, table, project, BuildOptions(), ("html", "pdf"), diagnostics)
    assert calls == ["body"]
    assert pages.html is not None and pages.job is not None and pages.job.html is not None
    alone = Diagnostics()
    assert pages.html == render_html(edition, table, project, alone)
    assert pages.job.html == render_html(edition, table, project, alone, is_for_pdf=True)
    assert pages.html != pages.job.html, "screen and paper pages differ (fonts, stylesheet, notes)"


@pytest.mark.pdf
def test_at_most_two_editions_per_worker_are_between_rendering_and_writing(
        make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"briefs/b{n}.yaml": brief_yaml(["one"], title=f"Brief {n}") for n in range(3)}
    files["briefs/sections/one.md"] = section_md("One", "Short [@gao2021].\n")
    project = make_project(files)
    in_flight: list[int] = []
    rendered: set[str] = set()
    render, write = briefgen.build.edition.render_pages, briefgen.build.write.write_edition

    def counting_render(*args: object, **kwargs: object) -> EditionPages:
        pages = render(*args, **kwargs)  # type: ignore[arg-type]
        rendered.add(pages.job.edition if pages.job else "")
        in_flight.append(len(rendered))
        return pages

    def counting_write(planned, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        outcome = write(planned, *args, **kwargs)
        rendered.discard(planned.edition.name)
        return outcome

    monkeypatch.setattr(briefgen.build.edition, "render_pages", counting_render)  # build() imports the stages when needed
    monkeypatch.setattr(briefgen.build.write, "write_edition", counting_write)
    result = run_cli(["build", "-f", "pdf", "-j", "2", "-o", "out"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "9 edition(s) built" in result.output
    assert len(in_flight) == 9
    assert max(in_flight) == IN_FLIGHT_PER_WORKER * 2, in_flight
    assert not rendered, "every edition rendered was written"


@pytest.mark.pdf
def test_the_handout_is_laid_out_in_a_pdf_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = tmp_path / "pids"
    real = briefgen.render.handout.lay_out_handout

    def recording(*args: object, **kwargs: object) -> object:
        with pids.open("a") as stream:
            stream.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(briefgen.render.handout, "lay_out_handout", recording)  # forked workers inherit it
    result = run_cli(["build", "-a", "county-officials", "-f", "handout", "-o", str(tmp_path / "out")], cwd=BASIC)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"{OFFICIALS}.handout.pdf").is_file()
    laid_out_in = [int(line) for line in pids.read_text().split()]
    assert len(laid_out_in) == 1 and laid_out_in[0] != os.getpid()


def _pid(_job: int) -> int:
    return os.getpid()


def test_a_worker_is_replaced_after_its_share_of_jobs() -> None:
    with WorkerPool(1, _pid, jobs_per_worker=2) as pool:
        results = dict(pool.map_unordered((n, n) for n in range(5)))
    pids = [results[n] for n in range(5)]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert os.getpid() not in pids


@pytest.mark.pdf
def test_fresh_pdf_workers_make_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "basic"
    shutil.copytree(BASIC, project)
    first = run_cli(["build", "-f", "pdf", "-j", "1", "-o", "long-lived"], cwd=project)
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(briefgen.build.pdf_workers, "JOBS_PER_PDF_WORKER", 1)  # a new worker for every edition
    again = run_cli(["build", "-f", "pdf", "-j", "1", "-o", "fresh"], cwd=project)
    assert again.exit_code == 0, again.output
    assert files_in(project / "fresh") == files_in(project / "long-lived")
    assert len(files_in(project / "fresh")) == 3

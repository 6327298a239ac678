"""Shared test helpers: small projects written to a temporary folder, and the CLI run in-process.

The test tiers (docs/development.md): tests marked ``pdf`` make a PDF with WeasyPrint, ``browser``
ones drive a real Chromium (every test that uses the ``chromium`` fixture is marked here), and
``slow`` ones take half a second of CPU or more (every Hypothesis test is marked here). A run
that deselects the ``pdf`` or ``browser`` tests (``make test-fast``) refuses to import WeasyPrint
or Playwright (tests/tier_guard/): a test that needs one and is not marked fails, naming the
marker to add.

``pytest --update-golden`` rewrites the golden files (tests/golden.py) instead of comparing
against them; review the diff before committing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import typer.main
from typer.testing import CliRunner

from briefgen.build.assemble import MarkdownCache, assemble_edition
from briefgen.citations.cite import cite_edition
from briefgen.citations.resolve import CitationTable
from briefgen.cli import app
from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.audiences import load_audiences
from briefgen.load.bibliography import parse_bibliography
from briefgen.model import Audience, Brief, EditionOverrides, MarkdownText, Project, Section, SectionRef
from briefgen.render.html import render_html
from golden import set_updating

if TYPE_CHECKING:
    from typer._click import Command

pytest_plugins = ("hostile_project", "counting_server")
"""Fixtures of the hostile-input tests (``outside``, ``no_font_subsetting``, ``server``)."""

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES_DIR = TESTS_DIR / "fixtures"
OUTPUT_INDEX = ("index.html", "index.json")
"""The index every build writes into the output folder, beside the editions."""
REPO_ROOT = TESTS_DIR.parent
"""The repository root, which is also the example brief project."""

BUILTIN_AUDIENCES = ("community-groups", "county-officials", "press")
EXAMPLE_BRIEFS = tuple(sorted(path.stem for path in (REPO_ROOT / "briefs").glob("*.yaml")
                              if path.name != "project.yaml" and "\nplaces:" not in path.read_text(encoding="utf-8")))
"""The example briefs that tests build in full (a brief with ``places:`` has an edition per row:
tests build it for a few rows with --where)."""

FIXTURE_BIB = r"""% A small bibliography for tests: one entry per shape the loader must handle.
@techreport{gao2021,
  author      = {{U.S. Government Accountability Office}},
  title       = {Immigration Enforcement: {ICE} Can Further Improve Its 287(g) Program Oversight},
  institution = {U.S. Government Accountability Office},
  type        = {Report},
  number      = {GAO-21-186},
  year        = {2021},
  month       = jan,
  url         = {https://www.gao.gov/products/gao-21-186},
  urldate     = {2026-01-24}
}

@article{moller2020,
  author  = {M{\"o}ller, Anna and Gar\c{c}on, Luc and Mart{\'\i}nez, Rosa and Smith, John},
  title   = {Trust and Reporting: {Evidence} from Three Counties},
  journal = {Journal of Policy \& Practice},
  volume  = {12},
  number  = {3},
  pages   = {10--20},
  year    = {2020},
  doi     = {10.1000/jpp.2020.12.3}
}

@online{countypage,
  author  = {{Example County Sheriff's Office}},
  title   = {Jail Population Dashboard},
  url     = {https://example.org/~sheriff/data%20dashboard?id=7},
  urldate = {2026-01-24}
}

@book{doe2019,
  author    = {Doe, Jane and others},
  title     = {Local Policing and Federal Partnerships},
  publisher = {Example Press},
  address   = {Springfield},
  year      = {2019}
}

@proceedings{conf2018,
  title     = {Proceedings of the Example Policy Conference},
  publisher = {Example Society},
  year      = {2018}
}

@inproceedings{nguyen2018,
  author   = {Nguyen, Mai Thi and Gill, Hannah},
  title    = {Interior Enforcement and Community Trust},
  crossref = {conf2018},
  pages    = {45--60}
}
"""


# --- the --update-golden option, and the test tiers -------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files (tests/fixtures/*/expected/) instead of comparing")


def pytest_configure(config: pytest.Config) -> None:
    set_updating(bool(config.getoption("--update-golden")))


TIER_MODULES = {"weasyprint": "pdf", "playwright": "browser"}
"""The libraries a tier's tests need: a run without that tier's tests must never import them."""
TIER_GUARD_DIR = TESTS_DIR / "tier_guard"
TIER_RECORD = pytest.StashKey[Path]()
"""Where the guard writes each import it refused (only in a guarded run)."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers that follow from what a test is (set before ``-m`` selects): every test that uses
    the session's Chromium is a browser test, and every property test (Hypothesis) is slow."""
    hypothesis = sys.modules.get("hypothesis")  # imported by any module that has a property test
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if hypothesis is not None and hypothesis.is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Guard the run when it selected no test of a tier: importing that tier's library fails."""
    selected = {marker for item in session.items for marker in TIER_MODULES.values() if item.get_closest_marker(marker)}
    blocked = {module: marker for module, marker in TIER_MODULES.items() if marker not in selected}
    if not blocked or not session.items:
        return
    imported = sorted(module for module in blocked if module in sys.modules)
    if imported:
        raise pytest.UsageError(f"{', '.join(imported)} got imported while collecting tests that do not need it: "
                                "import it inside the tests marked " + ", ".join(blocked[m] for m in imported))
    handle, name = tempfile.mkstemp(prefix="briefgen-tier-guard-", suffix=".log")
    os.close(handle)
    record = Path(name)
    session.config.add_cleanup(record.unlink)
    for variable in ("BRIEFGEN_TEST_TIER_BLOCKED", "BRIEFGEN_TEST_TIER_RECORD", "PYTHONPATH"):
        session.config.add_cleanup(restore_variable(variable, os.environ.get(variable)))
    setting = ",".join(f"{module}:{marker}" for module, marker in blocked.items())
    os.environ["BRIEFGEN_TEST_TIER_BLOCKED"] = setting
    os.environ["BRIEFGEN_TEST_TIER_RECORD"] = str(record)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(TIER_GUARD_DIR), *filter(None, [os.environ.get("PYTHONPATH")])])
    spec = importlib.util.spec_from_file_location("briefgen_tier_guard", TIER_GUARD_DIR / "sitecustomize.py")
    assert spec is not None and spec.loader is not None
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)  # installs the guard in this process (forked PDF workers inherit it)
    session.config.stash[TIER_RECORD] = record


def restore_variable(name: str, value: str | None) -> Callable[[], None]:
    def restore() -> None:
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    return restore


def fail_on_tier_imports(item: pytest.Item) -> None:
    record = item.config.stash.get(TIER_RECORD, None)
    if record is None or not record.stat().st_size:
        return
    refused = record.read_text(encoding="utf-8").splitlines()
    record.write_text("", encoding="utf-8")
    markers = sorted({line.split("\t")[1] for line in refused})
    modules = sorted({line.split("\t")[0] for line in refused})
    pytest.fail(f"this test imported {', '.join(modules)} (refused in this run): mark it "
                + " and ".join(f"@pytest.mark.{marker}" for marker in markers), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        fail_on_tier_imports(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        fail_on_tier_imports(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        fail_on_tier_imports(item)


# --- projects -----------------------------------------------------------------------------


ProjectFiles = Mapping[str, "str | bytes | None"]


def without_rule(text: str) -> str:
    """A diagnostic's text without its ``[rule-id]`` (tests/test_rule_ids.py checks those)."""
    return re.sub(r" \[[a-z]+/[a-z0-9-]+\]$", "", text)


def write_project(root: Path, files: ProjectFiles, bib: str | None = FIXTURE_BIB) -> Path:
    """Write ``files`` (relative path → text or bytes) under ``root``.

    ``references.bib`` defaults to :data:`FIXTURE_BIB`; map it to ``None`` to leave it out.
    Text is written byte for byte (no newline translation), so CRLF tests mean what they say.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "briefs").mkdir(exist_ok=True)
    contents: dict[str, str | bytes | None] = {"references.bib": bib, **files}
    for name, content in contents.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """``make_project({"briefs/b.yaml": "...", ...})`` → the project folder (under ``tmp_path``)."""
    counter = 0

    def make(files: ProjectFiles, *, bib: str | None = FIXTURE_BIB, name: str = "") -> Path:
        nonlocal counter
        counter += 1
        return write_project(tmp_path / (name or f"project{counter}"), files, bib)

    return make


def brief_yaml(sections: Sequence[str] = ("one",), title: str = "A Test Brief", extra: str = "") -> str:
    """A minimal brief manifest; ``extra`` is appended verbatim (YAML lines)."""
    lines = [f"title: {title}", "sections:", *(f"  - {section}" for section in sections)]
    return "\n".join(lines) + "\n" + extra


def section_md(title: str, body: str, front: str = "") -> str:
    """A section file: front matter with ``title`` (plus ``front`` lines), then ``body``."""
    return f"---\ntitle: {title}\n{front}---\n{body}"


# --- a real browser ------------------------------------------------------------------


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("BRIEFGEN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def missing_tool(what: str) -> None:
    """Skip on a developer's machine, fail under CI (``CI`` is set)."""
    message = f"{what} is missing: run `make test`, which installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright, one for the whole session (Playwright's sync API
    allows one running instance per thread, so every browser test shares it)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()
    if executable is None:
        missing_tool("Debian's chromium (/usr/bin/chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --- running the CLI ------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@functools.cache
def briefgen_command() -> Command:
    """The app as the click command it runs as, made once per session: ``CliRunner.invoke``
    would rebuild it from every command's signature on each call (~20 ms, thousands of calls)."""
    return typer.main.get_command(app)


def run_cli(args: Sequence[str], cwd: Path) -> CliResult:
    """Run ``briefgen ARGS`` in-process with the working directory set to ``cwd``, as
    ``typer.testing.CliRunner.invoke`` does (its isolated streams and exit codes).

    An exception that escapes the app (rather than a clean exit) is put into ``stderr``
    as a traceback, just as the real console script would print it.
    """
    runner = CliRunner()
    exit_code = 0
    escaped: Exception | None = None
    with contextlib.chdir(cwd), runner.isolation() as (stdout, stderr, _output):
        try:
            briefgen_command().main(args=list(args), prog_name="briefgen")
        except SystemExit as exit_:
            code = 0 if exit_.code is None else exit_.code
            if not isinstance(code, int):
                sys.stdout.write(f"{code}\n")
                code = 1
            exit_code = code
        except Exception as exception:
            escaped = exception
            exit_code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            out, err = stdout.getvalue(), stderr.getvalue()
    text_out = out.decode(runner.charset, "replace").replace("\r\n", "\n")
    text_err = err.decode(runner.charset, "replace").replace("\r\n", "\n")
    if escaped is not None:
        text_err += "".join(traceback.format_exception(escaped))
    return CliResult(exit_code, text_out, text_err)


def run_console(args: Sequence[str], cwd: Path) -> CliResult:
    """Run ``python -m briefgen ARGS`` as a real process."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    completed = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True,
                               text=True, encoding="utf-8", env=env, timeout=120, check=False)
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def assert_clean_error(result: CliResult, prefix: str, *fragments: str) -> str:
    """Exit 1, no traceback, and an error line ``where: error: what`` whose ``where: what``
    starts with ``prefix`` and holds ``fragments``.

    Returns that line without its ``error:``, for further checks.
    """
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    lines = [line.replace(": error: ", ": ", 1) for line in result.stderr.splitlines() if ": error: " in line]
    lines = [line for line in lines if line.startswith(prefix)]
    assert lines, f"no stderr line starts with {prefix!r}:\n{result.stderr}"
    matching = [line for line in lines if all(fragment in line for fragment in fragments)]
    assert matching, f"no line {lines!r} contains all of {fragments!r}"
    return matching[0]


# --- models built in code, for stage tests --------------------------------------------------


def make_section(section_id: str, body: str = "Text.\n", *, title: str = "", audiences: Sequence[str] | None = None,
                 tags: Sequence[str] = (), language: str = "") -> Section:
    name = f"{section_id}.{language}.md" if language else f"{section_id}.md"
    location = SourceLocation(Path("briefs/sections") / name, 1)
    return Section(id=section_id, location=location, title=title or section_id.replace("-", " ").capitalize(),
                   body=MarkdownText(body, location.at_line(4)), audiences=None if audiences is None else tuple(audiences),
                   tags=tuple(tags), language=language)


def make_brief(sections: Sequence[str | SectionRef], *, brief_id: str = "b", summary: str | None = None,
               key_takeaways: Sequence[str] = (), editions: Mapping[str, Mapping[str, object]] | None = None,
               **fields: object) -> Brief:
    """A brief built in code; Markdown fields are plain strings, edition overrides plain mappings."""
    location = SourceLocation(Path(f"briefs/{brief_id}.yaml"), 1)

    def override(key: str, value: object) -> Any:  # the type of the EditionOverrides field it fills
        if key in ("intro", "call_to_action"):
            return MarkdownText(str(value), location.at_line(45))
        if key == "key_takeaways":
            return tuple(MarkdownText(text, location.at_line(50)) for text in value)  # type: ignore[attr-defined]
        return value

    refs = tuple(ref if isinstance(ref, SectionRef) else SectionRef(ref, location.at_line(3 + index))
                 for index, ref in enumerate(sections))
    overrides = {audience_id: EditionOverrides(location=location.at_line(40),
                                               **{key: override(key, value) for key, value in values.items()})
                 for audience_id, values in (editions or {}).items()}
    return Brief(id=brief_id, location=location, title=str(fields.pop("title", "A Brief")), sections=refs,
                 summary=MarkdownText(summary, location.at_line(20)) if summary is not None else None,
                 key_takeaways=tuple(MarkdownText(text, location.at_line(30 + i)) for i, text in enumerate(key_takeaways)),
                 editions=overrides, **fields)  # type: ignore[arg-type]


def builtin_audiences() -> dict[str, Audience]:
    diagnostics = Diagnostics()
    audiences = load_audiences(Path("/nonexistent-audiences"), diagnostics)
    assert diagnostics.items == []
    return audiences


def make_project_model(briefs: Sequence[Brief], sections: Sequence[Section], *, bib: str = FIXTURE_BIB,
                       audiences: Mapping[str, Audience] | None = None) -> Project:
    diagnostics = Diagnostics()
    bibliography = parse_bibliography(bib, SourceLocation(Path("references.bib")), diagnostics)
    assert diagnostics.items == []
    return Project(root=Path.cwd(), briefs={brief.id: brief for brief in briefs},
                   sections={s.id: s for s in sections if not s.language},
                   translations={(s.id, s.language): s for s in sections if s.language},
                   broken_sections=frozenset(), audiences=dict(audiences or builtin_audiences()), bibliography=bibliography)


# --- reading built HTML ------------------------------------------------------------------------


def main_text_numbers(html: str) -> list[int]:
    """The citation numbers in the page body before the Sources list, in reading order."""
    body = html[html.index("<main"):]
    body = body.split('<section class="sources"')[0]
    numbers: list[int] = []
    for first, last in re.findall(r'<a href="#ref-[^"]+">(\d+)</a>(?:–<a href="#ref-[^"]+">(\d+)</a>)?', body):
        numbers.extend(range(int(first), int(last or first) + 1))  # a range [2–5] stands for 2, 3, 4, 5
    return numbers


def first_appearances(numbers: Sequence[int]) -> list[int]:
    seen: list[int] = []
    for number in numbers:
        if number not in seen:
            seen.append(number)
    return seen


def section_titles(html: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<span class="section-title">(.*?)</span>', html)]


def reference_keys(html: str) -> list[str]:
    """The keys of the Sources list, in number order."""
    return re.findall(r'<li id="ref-([^"]+)">', html)


def render_edition(brief: Brief, sections: Sequence[Section], audience: Audience | str, *, bib: str = FIXTURE_BIB
                   ) -> tuple[str, CitationTable, list[str]]:
    """Assemble, cite and render one edition of models built in code: (HTML, citation table, diagnostics)."""
    project = make_project_model([brief], sections, bib=bib)
    chosen = project.audiences[audience] if isinstance(audience, str) else audience
    diagnostics = Diagnostics()
    edition = assemble_edition(project, brief, chosen, MarkdownCache(), diagnostics)
    table = cite_edition(edition, project, diagnostics)
    html = render_html(edition, table, project, diagnostics)
    return html, table, [without_rule(d.format()) for d in diagnostics.items]


def plain_text(html: str) -> str:
    """Text without tags and entities, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def source_entries(html: str) -> dict[str, str]:
    """Sources list: key → the entry's plain text."""
    sources = html[html.index('<ol class="references'):]
    sources = sources[:sources.index("</ol>")]
    return {key: plain_text(body) for key, body in re.findall(r'<li id="ref-([^"]+)">(.*?)</li>', sources, flags=re.S)}

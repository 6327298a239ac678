"""Shared test helpers: small projects written to a temporary folder, and the CLI run in-process.

``pytest --update-golden`` rewrites the golden HTML files under ``tests/golden/`` instead of
comparing against them; review the diff before committing.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
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

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES_DIR = TESTS_DIR / "fixtures"
GOLDEN_DIR = TESTS_DIR / "golden"
REPO_ROOT = TESTS_DIR.parent
"""The repository root, which is also the example brief project."""

BUILTIN_AUDIENCES = ("community-groups", "county-officials", "press")

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


# --- the --update-golden option ---------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


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


def run_cli(args: Sequence[str], cwd: Path) -> CliResult:
    """Run ``briefgen ARGS`` in-process with the working directory set to ``cwd``.

    An exception that escapes the app (rather than a clean exit) is put into ``stderr``
    as a traceback, just as the real console script would print it.
    """
    runner = CliRunner()
    with contextlib.chdir(cwd):
        result = runner.invoke(app, list(args), prog_name="briefgen")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return CliResult(result.exit_code, result.stdout, stderr)


def run_console(args: Sequence[str], cwd: Path) -> CliResult:
    """Run ``python -m briefgen ARGS`` as a real process."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    completed = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True,
                               text=True, encoding="utf-8", env=env, timeout=120, check=False)
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def assert_clean_error(result: CliResult, prefix: str, *fragments: str) -> str:
    """Exit 1, no traceback, and an error line starting with ``prefix`` that holds ``fragments``.

    Returns that line, for further checks.
    """
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
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

    def override(key: str, value: object) -> object:
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

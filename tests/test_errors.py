"""Every author mistake is reported as ``path:line: message; hint`` on stderr, exit 1, no traceback.

The CLI runs with the fixture project as the working directory, so paths are shown relative to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURE_BIB, OUTPUT_INDEX, assert_clean_error, brief_yaml, run_cli, run_console, section_md

ONE = section_md("One", "Plain text [@gao2021].\n")
TWO = section_md("Two", "More text [@doe2019].\n")
BRIEF = brief_yaml(["one", "two"])
BASE = {"briefs/b.yaml": BRIEF, "briefs/sections/one.md": ONE, "briefs/sections/two.md": TWO}

DIAGNOSTIC_LINE = re.compile(r"^(\S+?:(\d+:)? |briefgen: |\d+ edition\(s\) built)")


def build(make_project: Callable[..., Path], files: dict[str, str | bytes | None], bib: str | None = FIXTURE_BIB):
    project = make_project({**BASE, **files}, bib=bib)
    return run_cli(["build", "-f", "html"], cwd=project), project


CASES = [
    # --- citations ---
    pytest.param({"briefs/sections/one.md": section_md("One", "Fine.\n\nCites [@gao2012] here.\n")},
                 "briefs/sections/one.md:6:", ("unknown citation key 'gao2012'", "did you mean 'gao2021'?"),
                 id="unknown-citation-key-in-section"),
    pytest.param({"briefs/b.yaml": "title: T\nsummary: |\n  First line.\n  Cites [@moler2020].\nsections:\n  - one\n"},
                 "briefs/b.yaml:4:", ("unknown citation key 'moler2020'", "did you mean 'moller2020'?"),
                 id="unknown-citation-key-in-summary-block"),
    pytest.param({"briefs/b.yaml": "title: T\nkey_takeaways:\n  - Fine [@gao2021].\n  - Bad [@doe2091].\nsections:\n  - one\n"},
                 "briefs/b.yaml:4:", ("unknown citation key 'doe2091'", "did you mean 'doe2019'?"),
                 id="unknown-citation-key-in-key-takeaway"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\neditions:\n  press:\n    intro: |\n      Hello.\n"
                                   "      Cites [@countypag].\n"},
                 "briefs/b.yaml:8:", ("unknown citation key 'countypag'", "did you mean 'countypage'?"),
                 id="unknown-citation-key-in-edition-intro"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\nnocite:\n  - gao2012\n"},
                 "briefs/b.yaml:", ("unknown key 'gao2012' in nocite", "did you mean 'gao2021'?"),
                 id="unknown-nocite-key"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Fine.\n\nSee [@gao2021 and more.\n")},
                 "briefs/sections/one.md:6:", ("this citation's '[' is never closed",), id="citation-unclosed-bracket"),
    # --- sections ---
    pytest.param({"briefs/b.yaml": brief_yaml(["one", "tow"])},
                 "briefs/b.yaml:4:", ("no section 'tow'", "did you mean 'two'?"), id="missing-section"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\neditions:\n  press:\n    extra_sections:\n      - too\n"},
                 "briefs/b.yaml:7:", ("no section 'too'", "did you mean 'two'?"), id="missing-extra-section"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\n\nBody, but the front matter never ends.\n"},
                 "briefs/sections/one.md:1:", ("the front matter opened here is never closed",),
                 id="front-matter-never-closed"),
    pytest.param({"briefs/sections/one.md": "# One\n\nNo front matter.\n"},
                 "briefs/sections/one.md:1:", ("a section must start with front matter",), id="front-matter-missing"),
    pytest.param({"briefs/sections/one.md": "---\ntags: [a]\n---\nBody.\n"},
                 "briefs/sections/one.md:2:", ("section front matter is missing the required key 'title'",),
                 id="section-title-missing"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Fine.\n\n::: {audience=\"press\"}\nNever closed.\n")},
                 "briefs/sections/one.md:6:", ("this fenced div ('::: {...}') is never closed",), id="fenced-div-never-closed"),
    # --- YAML ---
    pytest.param({"briefs/b.yaml": "title: T\nsubtitle: a: b\nsections:\n  - one\n"},
                 "briefs/b.yaml:2:", ("YAML syntax error",), id="malformed-yaml-manifest"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n - two\n"},
                 "briefs/b.yaml:4:", ("YAML syntax error",), id="malformed-yaml-indentation"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: [a]\naudiences: a: b\n---\nBody.\n"},
                 "briefs/sections/one.md:4:", ("YAML syntax error",), id="malformed-yaml-front-matter"),
    pytest.param({"briefs/audiences/press.yaml": "label: Reporters\ndescription: a: b\n"},
                 "briefs/audiences/press.yaml:2:", ("YAML syntax error",), id="malformed-yaml-audience"),
    pytest.param({"briefs/b.yaml": "title: T\nsubtitel: S\nsections:\n  - one\n"},
                 "briefs/b.yaml:2:", ("unknown key 'subtitel' in brief manifest", "did you mean 'subtitle'?"),
                 id="unknown-key-in-manifest"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\neditions:\n  press:\n    intro: Hi.\n    call_to_acton: Go.\n"},
                 "briefs/b.yaml:7:", ("unknown key 'call_to_acton' in editions.press", "did you mean 'call_to_action'?"),
                 id="unknown-key-in-edition"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n  - id: two\n    audience: [press]\n"},
                 "briefs/b.yaml:5:", ("unknown key 'audience' in a 'sections' entry", "did you mean 'audiences'?"),
                 id="unknown-key-in-section-entry"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntag: [a]\n---\nBody.\n"},
                 "briefs/sections/one.md:3:", ("unknown key 'tag' in section front matter", "did you mean 'tags'?"),
                 id="unknown-key-in-front-matter"),
    pytest.param({"briefs/audiences/press.yaml": "label: Reporters\nlanguge: en\n"},
                 "briefs/audiences/press.yaml:2:", ("unknown key 'languge' in audience profile", "did you mean 'language'?"),
                 id="unknown-key-in-audience"),
    pytest.param({"briefs/b.yaml": "title: T\nsections: \"one, two\"\n"},
                 "briefs/b.yaml:2:", ("'sections' must be a list, not the text 'one, two'",), id="wrong-type-sections"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\nchecked: 2026-02-30\n"},
                 "briefs/b.yaml:4:", ("'checked' must be a date",), id="impossible-date"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\nchecked: last week\n"},
                 "briefs/b.yaml:4:", ("'checked' must be a date like 2026-01-24",), id="date-in-words"),
    pytest.param({"briefs/audiences/press.yaml": "label: Reporters\nmax_pages: many\n"},
                 "briefs/audiences/press.yaml:2:", ("'max_pages' must be a whole number",), id="wrong-type-audience"),
    pytest.param({"briefs/audiences/readers.yaml": "description: New audience without a label\n"},
                 "briefs/audiences/readers.yaml:1:", ("missing the required key 'label'",), id="new-audience-needs-label"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\ntitle: U\n"},
                 "briefs/b.yaml:4:", ("duplicate key 'title' (first set on line 1)",), id="duplicate-yaml-key"),
    pytest.param({"briefs/b.yaml": "subtitle: S\nsections:\n  - one\n"},
                 "briefs/b.yaml:1:", ("missing the required key 'title'",), id="manifest-title-missing"),
    # --- audiences named in content ---
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: [a]\naudiences: [press, county-oficials]\n---\nBody.\n"},
                 "briefs/sections/one.md:4:", ("unknown audience 'county-oficials'", "did you mean 'county-officials'?"),
                 id="unknown-audience-in-front-matter"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n  - id: two\n    audiences: [prees]\n"},
                 "briefs/b.yaml:5:", ("unknown audience 'prees'", "did you mean 'press'?"),
                 id="unknown-audience-in-manifest-entry"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n  - {id: two, audiences: [prees]}\n"},
                 "briefs/b.yaml:4:", ("unknown audience 'prees'", "did you mean 'press'?"),
                 id="unknown-audience-in-one-line-manifest-entry"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\naudiences:\n  - press\n  - comunity-groups\n"},
                 "briefs/b.yaml:6:", ("unknown audience 'comunity-groups'", "did you mean 'community-groups'?"),
                 id="unknown-audience-in-manifest-audiences"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\neditions:\n  pres:\n    intro: Hi.\n"},
                 "briefs/b.yaml:5:", ("unknown audience 'pres'", "did you mean 'press'?"),
                 id="unknown-audience-in-editions"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Fine.\n\n::: {audience=\"county-officials prss\"}\nX\n:::\n")},
                 "briefs/sections/one.md:6:", ("unknown audience 'prss'", "did you mean 'press'?"),
                 id="unknown-audience-in-fenced-div"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Fine.\n\n::: {audience=\"!comunity-groups\"}\nX\n:::\n")},
                 "briefs/sections/one.md:6:", ("unknown audience 'comunity-groups'", "did you mean 'community-groups'?"),
                 id="unknown-audience-in-negated-fenced-div"),
    # --- encoding ---
    pytest.param({"briefs/sections/one.md": b"---\ntitle: One\n---\nFine.\n\nBad \xff byte.\n"},
                 "briefs/sections/one.md:6:", ("not valid UTF-8 (byte 0xff)",), id="invalid-utf8-section"),
    pytest.param({"briefs/b.yaml": b"title: T\nsubtitle: Caf\xe9\nsections:\n  - one\n"},
                 "briefs/b.yaml:2:", ("not valid UTF-8 (byte 0xe9)",), id="invalid-utf8-manifest"),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), CASES)
def test_error_is_located(make_project: Callable[..., Path], files: dict[str, str | bytes | None], prefix: str,
                          fragments: tuple[str, ...]) -> None:
    result, _project = build(make_project, files)
    line = assert_clean_error(result, prefix, *fragments)
    assert "; " in line, "every message carries a hint after '; '"


BIB_CASES = [
    pytest.param(FIXTURE_BIB + "\n@misc{stray,\n  title = {Copy}},\n  year = {2020}\n}\n",
                 f"references.bib:{FIXTURE_BIB.count(chr(10)) + 4}:", ("field 'year' stands outside any entry",),
                 id="bib-field-after-a-stray-brace"),
    pytest.param(FIXTURE_BIB + "\n@misc{broken,\n  title = {Unclosed\n  year = {2020}\n}\n\n@misc{later, title = {L}}\n",
                 f"references.bib:{FIXTURE_BIB.count(chr(10)) + 2}:", ("cannot read this BibTeX entry",),
                 id="bib-syntax-error-at-entry-start"),
    pytest.param(FIXTURE_BIB + "\n@misc{nocomma\n  title = {T},\n}\n",
                 f"references.bib:{FIXTURE_BIB.count(chr(10)) + 2}:", ("cannot read this BibTeX entry",),
                 id="bib-no-comma-after-key"),
    pytest.param(None, "references.bib: ", ("the bibliography file is missing",), id="bib-missing"),
]


@pytest.mark.parametrize(("bib", "prefix", "fragments"), BIB_CASES)
def test_bibliography_error_is_located(make_project: Callable[..., Path], bib: str | None, prefix: str,
                                       fragments: tuple[str, ...]) -> None:
    result, _project = build(make_project, {}, bib=bib)
    assert_clean_error(result, prefix, *fragments)


def test_invalid_utf8_in_bibliography(make_project: Callable[..., Path]) -> None:
    data = (FIXTURE_BIB + "\n@misc{cafe,\n  title = {Caf").encode() + b"\xe9}\n}\n"
    result, _project = build(make_project, {"references.bib": data}, bib=None)
    assert_clean_error(result, f"references.bib:{FIXTURE_BIB.count(chr(10)) + 3}:", "not valid UTF-8")


@pytest.mark.slow
def test_bibliography_syntax_error_prints_only_diagnostics(make_project: Callable[..., Path]) -> None:
    """Nothing but ``path:line: message; hint`` lines (and the summary) reach stderr.

    A real process: in-process, pytest's log capture would hide a library's stray log lines.
    """
    bib = FIXTURE_BIB + "\n@misc{broken,\n  title = {Unclosed\n  year = {2020}\n}\n\n@misc{later, title = {L}}\n"
    project = make_project(BASE, bib=bib)
    result = run_console(["build", "-f", "html"], cwd=project)
    assert_clean_error(result, f"references.bib:{FIXTURE_BIB.count(chr(10)) + 2}:", "cannot read this BibTeX entry")
    stray = [line for line in result.stderr.splitlines() if line.strip() and not DIAGNOSTIC_LINE.match(line)]
    assert stray == [], result.stderr


def test_all_problems_of_a_file_are_reported_together(make_project: Callable[..., Path]) -> None:
    manifest = "title: T\nsubtitel: S\nsections:\n  - one\nsumary: Text.\ncitation_style: numerik\n"
    result, _project = build(make_project, {"briefs/b.yaml": manifest})
    assert_clean_error(result, "briefs/b.yaml:2:", "unknown key 'subtitel'")
    assert_clean_error(result, "briefs/b.yaml:5:", "unknown key 'sumary'", "did you mean 'summary'?")
    assert_clean_error(result, "briefs/b.yaml:6:", "'citation_style' cannot be 'numerik'", "did you mean 'numeric'?")


def test_one_broken_edition_does_not_stop_the_others(make_project: Callable[..., Path], tmp_path: Path) -> None:
    manifest = "title: T\nsections:\n  - one\neditions:\n  press:\n    extra_sections:\n      - broken\n"
    files = {"briefs/b.yaml": manifest, "briefs/sections/broken.md": section_md("Broken", "Cites [@nokey].\n"),
             "briefs/other.yaml": brief_yaml(["two"], title="Other")}
    project = make_project({**BASE, **files})
    output = tmp_path / "out"
    result = run_cli(["build", "-f", "html", "-o", str(output)], cwd=project)
    assert_clean_error(result, "briefs/sections/broken.md:4:", "unknown citation key 'nokey'")
    written = sorted(path.name for path in output.iterdir() if path.is_file() and path.name not in OUTPUT_INDEX)
    assert written == ["b--community-groups.html", "b--county-officials.html",
                       "other--community-groups.html", "other--county-officials.html", "other--press.html"]
    assert "b--press" in result.stderr


def test_one_broken_brief_does_not_stop_the_others(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project({**BASE, "briefs/a.yaml": "title: A\nsections: [one\n"})
    output = tmp_path / "out"
    result = run_cli(["build", "-f", "html", "-o", str(output)], cwd=project)
    assert_clean_error(result, "briefs/a.yaml:", "YAML syntax error")
    written = sorted(path.name for path in output.iterdir() if path.is_file() and path.name not in OUTPUT_INDEX)
    assert written == ["b--community-groups.html", "b--county-officials.html",
                                                              "b--press.html"]


def test_bom_and_crlf_files_just_work(make_project: Callable[..., Path], tmp_path: Path) -> None:
    def windows(text: str) -> bytes:
        return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")

    files = {
        "briefs/b.yaml": windows("title: Windows Brief\nsummary: |\n  Summary [@gao2021].\nsections:\n  - one\n"),
        "briefs/sections/one.md": windows("---\ntitle: Café One\ntags: [a]\n---\nText [@moller2020].\n\n"
                                          "::: {audience=\"press\"}\nPress only.\n:::\n\nAfter.\n"),
        "briefs/audiences/press.yaml": windows("label: Reporters\n"),
    }
    project = make_project(files, bib=None)
    (project / "references.bib").write_bytes(windows(FIXTURE_BIB))
    output = tmp_path / "out"
    result = run_cli(["build", "-f", "html", "-o", str(output)], cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    press = (output / "b--press.html").read_text(encoding="utf-8")
    officials = (output / "b--county-officials.html").read_text(encoding="utf-8")
    assert "Café One" in press and "Reporters" in press
    assert "Press only." in press and "Press only." not in officials
    assert "\ufeff" not in press and "\r" not in press
    assert ":::" not in press and "[@" not in press


def test_an_error_inside_an_unknown_citation_does_not_stop_unrelated_errors(make_project: Callable[..., Path]) -> None:
    files = {"briefs/sections/one.md": section_md("One", "A [@nokey1].\n\nB [@nokey2].\n")}
    result, _project = build(make_project, files)
    assert_clean_error(result, "briefs/sections/one.md:4:", "'nokey1'")
    assert_clean_error(result, "briefs/sections/one.md:6:", "'nokey2'")
    assert result.stderr.count("unknown citation key 'nokey1'") == 1, "reported once, not once per edition"


# --- how paths are shown ---------------------------------------------------------------------------


def test_paths_are_relative_to_the_working_directory(make_project: Callable[..., Path]) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Bad [@nokey].\n")}, name="proj")
    result = run_cli(["build", "-f", "html", "-C", "proj"], cwd=project.parent)
    assert_clean_error(result, "proj/briefs/sections/one.md:4:", "unknown citation key 'nokey'")


def test_paths_outside_the_working_directory_are_absolute(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Bad [@nokey].\n")}, name="proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli(["build", "-f", "html", "-C", str(project)], cwd=elsewhere)
    assert_clean_error(result, f"{project.resolve()}/briefs/sections/one.md:4:", "unknown citation key 'nokey'")


def test_not_a_project_folder(tmp_path: Path) -> None:
    result = run_cli(["build", "-f", "html"], cwd=tmp_path)
    assert "Traceback" not in result.output
    assert result.exit_code == 2  # the command line points at something that is not a project
    assert "not a brief project" in result.stderr

"""Nothing the author writes is silently lost or silently accepted: duplicate YAML keys at any
depth, numbers that are not numbers (``.nan``, ``.inf``, negative grades), blank titles, empty
lists that would leave an edition empty, and Markdown nested deeper than the parser keeps.
Each is an error at its file and line, in ``build`` and in ``check --strict`` alike."""

from __future__ import annotations

import re
import struct
import zlib
from importlib import resources
from pathlib import Path

import pytest

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.yaml_fields import parse_yaml
from briefgen.markdown.parser import MAX_NESTING, parse_markdown
from briefgen.model import MarkdownText
from conftest import brief_yaml, run_cli, section_md, write_project

SECTION = section_md("One", "Body text.\n")
PROFILE = "label: Board\nreading_grade: 8\n"


def _located(output: str, where: str, *fragments: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(where) and all(f in line for f in fragments)]


# (files, path:line, message fragments) — every case is built and checked end to end below.
BROKEN: list = [
    # --- duplicate keys, at any depth, in every kind of YAML file --------------------------------
    pytest.param({"briefs/b.yaml": brief_yaml(extra="editions:\n  press:\n    intro: One.\n  press:\n    intro: Two.\n")},
                 "briefs/b.yaml:7:", ("duplicate key 'press'", "first set on line 5"), id="duplicate-edition"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="editions:\n  press:\n    intro: One.\n    intro: Two.\n")},
                 "briefs/b.yaml:7:", ("duplicate key 'intro'", "first set on line 6"), id="duplicate-key-inside-edition"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - id: one\n    audiences: [press]\n    audiences: [board]\n"},
                 "briefs/b.yaml:5:", ("duplicate key 'audiences'", "first set on line 4"), id="duplicate-key-in-section-entry"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="further_questions:\n  - question: Why?\n    question: How?\n")},
                 "briefs/b.yaml:6:", ("duplicate key 'question'", "first set on line 5"), id="duplicate-key-in-question"),
    pytest.param({"briefs/b.yaml": brief_yaml(title="T\nsubtitle: S\ntitle: U")},
                 "briefs/b.yaml:3:", ("duplicate key 'title'", "first set on line 1"), id="duplicate-top-level-key"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: [a]\ntags: [b]\n---\nBody.\n"},
                 "briefs/sections/one.md:4:", ("duplicate key 'tags'", "first set on line 3"), id="duplicate-front-matter-key"),
    pytest.param({"briefs/audiences/board.yaml": "label: Board\nreading_grade: 8\nmax_pages: 4\nreading_grade: 12\n"},
                 "briefs/audiences/board.yaml:4:", ("duplicate key 'reading_grade'", "first set on line 2"),
                 id="duplicate-profile-key"),
    # --- numbers that are not numbers ----------------------------------------------------------
    *(pytest.param({"briefs/audiences/board.yaml": f"label: Board\nreading_grade: {value}\n"},
                   "briefs/audiences/board.yaml:2:", ("'reading_grade' must be a number from 1 to 20", f"not '{value}'"),
                   id=f"reading-grade-{name}")
      for name, value in (("nan", ".nan"), ("NaN", ".NaN"), ("inf", ".inf"), ("minus-inf", "-.inf"), ("negative", "-3"),
                          ("zero", "0"), ("too-high", "21"), ("text", "hard"))),
    pytest.param({"briefs/audiences/board.yaml": "label: Board\nmax_pages: -2\n"},
                 "briefs/audiences/board.yaml:2:", ("'max_pages' must be a whole number of at least 1",),
                 id="max-pages-negative"),
    pytest.param({"briefs/audiences/board.yaml": "label: Board\nmax_pages: .nan\n"},
                 "briefs/audiences/board.yaml:2:", ("'max_pages' must be a whole number",), id="max-pages-nan"),
    # --- blank text where text is required -------------------------------------------------------
    pytest.param({"briefs/b.yaml": "title: '   '\nsections: [one]\n"},
                 "briefs/b.yaml:1:", ("'title' is blank",), id="blank-title"),
    pytest.param({"briefs/b.yaml": "title:\nsections: [one]\n"},
                 "briefs/b.yaml:1:", ("'title' is empty",), id="empty-title"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: \"  \"\n---\nBody.\n"},
                 "briefs/sections/one.md:2:", ("'title' is blank",), id="blank-section-title"),
    pytest.param({"briefs/audiences/board.yaml": "label: ' '\n"},
                 "briefs/audiences/board.yaml:1:", ("'label' is blank",), id="blank-label"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n  - '  '\n"},
                 "briefs/b.yaml:4:", ("a 'sections' entry must be a mapping",), id="blank-section-id"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="audiences:\n  - press\n  - ' '\n")},
                 "briefs/b.yaml:6:", ("each item of 'audiences' must be a word",), id="blank-audience-id"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="key_takeaways:\n  - ' '\n")},
                 "briefs/b.yaml:5:", ("each item of 'key_takeaways' must be Markdown text",), id="blank-takeaway"),
    *(pytest.param({"briefs/b.yaml": brief_yaml(extra=f"url: {value}\n")}, "briefs/b.yaml:4:",
                   ("'url' must be a web address",), id=f"url-{name}")
      for name, value in (("no-host", "https://"), ("no-scheme", "example.org/b"), ("space", "'https://exa mple.org/'"),
                          ("javascript", "javascript:alert(1)"), ("broken-ipv6", "'https://[::1/'"))),
    # --- empty lists that leave nothing to print ------------------------------------------------
    pytest.param({"briefs/b.yaml": "title: T\nsections: []\n"},
                 "briefs/b.yaml:2:", ("'sections' is an empty list", "no sections"), id="sections-empty-list"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n"},
                 "briefs/b.yaml:2:", ("'sections' is an empty list",), id="sections-null"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="audiences: []\n")},
                 "briefs/b.yaml:4:", ("'audiences' is an empty list", "no edition"), id="audiences-empty-list"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="editions:\n  press:\n    sections: []\n")},
                 "briefs/b.yaml:6:", ("'sections' is an empty list",), id="edition-sections-empty"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - id: one\n    audiences: []\n"},
                 "briefs/b.yaml:4:", ("'audiences' is an empty list", "no audience would read"),
                 id="section-entry-audiences-empty"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\naudiences: []\n---\nBody.\n"},
                 "briefs/sections/one.md:3:", ("'audiences' is an empty list", "no audience would read"),
                 id="front-matter-audiences-empty"),
    # --- Markdown nested deeper than the parser keeps -----------------------------------------------
    pytest.param({"briefs/sections/one.md": section_md("One", "Intro.\n\n" + "".join("  " * i + f"- i{i}\n" for i in range(10)))},
                 "briefs/sections/one.md:15:", ("nested more than 19 levels deep", "would be lost"), id="ten-nested-lists"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Intro.\n\n" + ">" * 20 + " deep\n")},
                 "briefs/sections/one.md:6:", ("nested more than 19 levels deep",), id="twenty-block-quotes"),
    pytest.param({"briefs/sections/one.md": section_md("One", "> - > - > - > - > - > - > - deep\n")},
                 "briefs/sections/one.md:4:", ("nested more than 19 levels deep",), id="lists-in-quotes"),
    pytest.param({"briefs/sections/one.md": section_md(
        "One", "".join("::: {.box}\n" for _ in range(8)) + "- - - - - - deep\n" + ":::\n" * 8)},
                 "briefs/sections/one.md:12:", ("nested more than 19 levels deep",), id="lists-in-divs"),
    pytest.param({"briefs/b.yaml": brief_yaml(extra="summary: |\n" + "".join("  " + "  " * i + f"- s{i}\n" for i in range(10)))},
                 "briefs/b.yaml:14:", ("nested more than 19 levels deep",), id="nested-lists-in-manifest-summary"),
]


def _project(root: Path, files: dict[str, str | bytes]) -> Path:
    base = {"briefs/b.yaml": brief_yaml(), "briefs/sections/one.md": SECTION, "briefs/audiences/board.yaml": PROFILE}
    return write_project(root, {**base, **files})


@pytest.mark.parametrize(("files", "where", "fragments"), BROKEN)
def test_build_refuses_and_check_strict_agrees_at_the_same_line(tmp_path: Path, files: dict[str, str], where: str,
                                                                 fragments: tuple[str, ...]) -> None:
    """``build`` exits 1 with the located error; ``check --strict`` reports the same ``path:line``."""
    root = _project(tmp_path / "p", files)
    built = run_cli(["build", "-f", "html"], cwd=root)
    assert "Traceback" not in built.output, built.output
    assert built.exit_code == 1, built.output
    assert _located(built.stderr, where, *fragments), built.stderr
    checked = run_cli(["check", "--strict"], cwd=root)
    assert "Traceback" not in checked.output, checked.output
    assert checked.exit_code != 0, checked.output
    assert _located(checked.stdout, where, *fragments), checked.stdout


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _error_places(text: str) -> set[str]:
    return {match.group(1) for match in re.finditer(r"^(\S+?:\d+): (?!warning|info)", text, flags=re.MULTILINE)}


@pytest.mark.pdf
@pytest.mark.parametrize("files", [
    pytest.param({"briefs/sections/one.md": section_md("One", "![](missing.png)\n")}, id="missing-image"),
    pytest.param({"briefs/sections/one.md": section_md("One", "See [@nokey].\n")}, id="unknown-citation"),
    pytest.param({"briefs/b.yaml": brief_yaml(("one", "nothere"))}, id="unknown-section"),
    pytest.param({"briefs/sections/one.md": section_md("One", "::: {audience=\"press\"\nX\n:::\n")}, id="bad-div"),
    pytest.param({"briefs/b.yaml": "title: T\nsections: [one]\nchecked: 2026-02-30\n"}, id="impossible-date"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Text.\n\n![](pic.png)\n"), "briefs/sections/pic.png": _png()},
                 id="image-without-alt-in-the-pdf"),
])
def test_every_place_build_refuses_is_flagged_by_check_strict(tmp_path: Path, files: dict[str, str]) -> None:
    """The rule across the board: build exit 1 ⇒ check --strict exit ≠ 0 with the same ``path:line``s."""
    root = _project(tmp_path / "p", files)
    built = run_cli(["build"], cwd=root)  # HTML and PDF: what build refuses in either
    assert "Traceback" not in built.output, built.output
    assert built.exit_code == 1, built.output
    places = _error_places(built.stderr)
    assert places, built.stderr
    checked = run_cli(["check", "--strict"], cwd=root)
    assert checked.exit_code != 0, checked.output
    assert places <= {m.group(1) for m in re.finditer(r"^(\S+?:\d+): ", checked.stdout, flags=re.MULTILINE)}, (
        built.stderr, checked.stdout)


# --- the limits themselves, right at and just past them ---------------------------------------------


def _parse(text: str) -> tuple[str, list[str]]:
    diagnostics = Diagnostics()
    parsed = parse_markdown(MarkdownText(text, SourceLocation(Path("s.md"), 1)), diagnostics)
    from briefgen.markdown.parser import markdown_parser

    html = markdown_parser().renderer.render(list(parsed.tokens), markdown_parser().options, parsed.env)
    return html, [d.format() for d in diagnostics.items]


def test_nine_nested_lists_keep_every_item_and_ten_lose_the_last() -> None:
    assert MAX_NESTING == 20
    nine = "".join("  " * i + f"- item{i}\n" for i in range(9))
    html, problems = _parse(nine)
    assert problems == [] and all(f"item{i}" in html for i in range(9))
    ten = nine + "  " * 9 + "- item9\n"
    html, problems = _parse(ten)
    assert "item9" not in html, "markdown-it drops it: the reason this is an error"
    assert len(problems) == 1 and problems[0].startswith("s.md:10: lists, block quotes and fenced divs are nested more")


@pytest.mark.parametrize("depth", [19, 20, 30])
def test_block_quotes_up_to_nineteen_deep_keep_their_text(depth: int) -> None:
    html, problems = _parse("Intro.\n\n" + ">" * depth + " deep text\n")
    if depth <= MAX_NESTING - 1:
        assert problems == [] and "deep text" in html
    else:
        assert problems == ["s.md:3: lists, block quotes and fenced divs are nested more than 19 levels deep here "
                            "(a list counts 2, a block quote or a div 1), so this text would be lost; "
                            "flatten the structure: fewer lists or quotes inside each other"]


def test_deep_text_after_a_blank_line_is_reported_at_its_own_line() -> None:
    _html, problems = _parse(">" * 20 + "\n" + ">" * 20 + "\n" + ">" * 20 + " lost\n")
    assert [p.split(": ")[0] for p in problems] == ["s.md:3"]


# --- duplicate keys in YAML, as the loader sees them ------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("a:\n  b:\n    c: 1\n    c: 2\n", ["f.yaml:4: duplicate key 'c' (first set on line 3)"], id="deep-mapping"),
    pytest.param("a:\n  - x: 1\n    x: 2\n  - x: 3\n", ["f.yaml:3: duplicate key 'x' (first set on line 2)"],
                 id="in-list-item-only-within-one-item"),
    pytest.param("a: {b: 1, b: 2}\n", ["f.yaml:1: duplicate key 'b' (first set on line 1)"], id="flow-mapping"),
    pytest.param("a: 1\na: 2\na: 3\n", ["f.yaml:2: duplicate key 'a' (first set on line 1)",
                                        "f.yaml:3: duplicate key 'a' (first set on line 1)"], id="three-times"),
    pytest.param("base: &b {x: 1}\nuse:\n  <<: *b\n  x: 2\n", [], id="merge-key-override-is-not-a-duplicate"),
    pytest.param("a: &r [1, *r]\n", [], id="self-referencing-alias-terminates"),
])
def test_duplicate_keys_anywhere_in_a_yaml_file(text: str, expected: list[str]) -> None:
    diagnostics = Diagnostics()
    parse_yaml(text, SourceLocation(Path("f.yaml"), 1), diagnostics)
    assert [d.format().split(";")[0] for d in diagnostics.items] == expected


def test_front_matter_lines_count_from_the_file() -> None:
    diagnostics = Diagnostics()
    parse_yaml("title: A\ntitle: B\n", SourceLocation(Path("s.md"), 2), diagnostics)
    assert [d.format() for d in diagnostics.items] == ["s.md:3: duplicate key 'title' (first set on line 2); keep one of them"]


def test_briefgen_own_yaml_files_have_no_duplicate_keys() -> None:
    package = Path(str(resources.files("briefgen")))
    paths = sorted(package.glob("i18n/*.yaml")) + sorted(package.glob("audiences/*.yaml"))
    assert len(paths) >= 4
    for path in paths:
        diagnostics = Diagnostics()
        assert parse_yaml(path.read_text(encoding="utf-8"), SourceLocation(path, 1), diagnostics) is not None
        assert diagnostics.items == [], path


def test_a_brief_with_a_duplicate_key_has_no_edition(tmp_path: Path) -> None:
    """The error is not only printed: the brief it is in is left out, so no edition is written with half of it."""
    root = _project(tmp_path / "p", {"briefs/b.yaml": brief_yaml(extra="editions:\n  press:\n    intro: A.\n  press:\n"
                                                                      "    intro: B.\n")})
    run_cli(["build", "-f", "html"], cwd=root)
    assert not list((root / "output").glob("b--*.html"))


@pytest.mark.parametrize(("extra", "where", "message"), [
    pytest.param("audiences: [press]\neditions:\n  county-officials:\n    intro: Never printed.\n", "briefs/b.yaml:6:",
                 "'editions.county-officials' is never used: the brief has no edition for 'county-officials'",
                 id="edition-block-for-an-audience-without-edition"),
    pytest.param("  - id: two\n    audiences: [county-officials]\naudiences: [press]\n", "briefs/b.yaml:5:",
                 "section 'two' is listed for 'county-officials', for which the brief has no edition", id="section-entry"),
])
def test_text_for_an_audience_the_brief_has_no_edition_for_is_flagged(tmp_path: Path, extra: str, where: str,
                                                                      message: str) -> None:
    root = _project(tmp_path / "p", {"briefs/b.yaml": brief_yaml(extra=extra),
                                     "briefs/sections/two.md": section_md("Two", "Two.\n")})
    built = run_cli(["build", "-f", "html"], cwd=root)
    assert built.exit_code == 0, built.output
    assert _located(built.stderr, where, "warning: " + message), built.stderr
    checked = run_cli(["check", "--strict"], cwd=root)
    assert checked.exit_code == 1 and _located(checked.stdout, where, "warning: " + message), checked.stdout

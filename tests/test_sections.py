"""Section files (load/sections.py): front matter, body location, translations, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import Diagnostics, SourceLocation
from briefgen.load.sections import load_section, split_front_matter
from briefgen.model import Section


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load(folder: Path, name: str, content: str | bytes) -> tuple[Section | None, list[str]]:
    diagnostics = Diagnostics()
    path = write(folder, name, content)
    section = load_section(path, diagnostics)
    return section, [d.format(root=folder) for d in diagnostics.items]


def test_front_matter_fields_and_body(tmp_path: Path) -> None:
    section, problems = load(tmp_path, "models.md",
                             "---\ntitle: The three models\naudiences: [press, county-officials]\ntags:\n  - basics\n"
                             "  - law\n---\nFirst body line.\n\nSecond paragraph.\n")
    assert problems == []
    assert section is not None
    assert section.id == "models"
    assert section.title == "The three models"
    assert section.audiences == ("press", "county-officials")
    assert section.tags == ("basics", "law")
    assert section.language == ""
    assert section.location == SourceLocation(tmp_path / "models.md", 1)
    assert section.body.text == "First body line.\n\nSecond paragraph.\n"
    assert section.body.location.line == 8, "the body starts on the line after the closing '---'"


@pytest.mark.parametrize(("front", "audiences", "tags"), [
    pytest.param("", None, (), id="no-audiences-means-everyone"),
    pytest.param("tags: [money]\n", None, ("money",), id="tags-only"),
])
def test_optional_front_matter_keys(tmp_path: Path, front: str, audiences: tuple[str, ...] | None,
                                    tags: tuple[str, ...]) -> None:
    section, problems = load(tmp_path, "s.md", f"---\ntitle: S\n{front}---\nBody\n")
    assert problems == []
    assert section is not None
    assert (section.audiences, section.tags) == (audiences, tags)


@pytest.mark.parametrize(("name", "section_id", "language"), [
    pytest.param("models.es.md", "models", "es", id="spanish"),
    pytest.param("models.pt-BR.md", "models", "pt-BR", id="region-tag"),
    pytest.param("key-figures-2025.md", "key-figures-2025", "", id="digits-and-dashes"),
])
def test_id_and_language_come_from_the_file_name(tmp_path: Path, name: str, section_id: str, language: str) -> None:
    section, problems = load(tmp_path, name, "---\ntitle: T\n---\nBody\n")
    assert problems == []
    assert section is not None
    assert (section.id, section.language) == (section_id, language)


def test_dots_close_front_matter_too(tmp_path: Path) -> None:
    section, problems = load(tmp_path, "s.md", "---\ntitle: S\n...\nBody\n")
    assert problems == []
    assert section is not None and section.body.text == "Body\n"


@pytest.mark.parametrize(("content", "bom"), [
    pytest.param("---\r\ntitle: Café\r\ntags: [a]\r\n---\r\nBody line\r\n", False, id="crlf"),
    pytest.param("---\ntitle: Café\ntags: [a]\n---\nBody line\n", True, id="bom"),
    pytest.param("---\r\ntitle: Café\r\ntags: [a]\r\n---\r\nBody line\r\n", True, id="bom-and-crlf"),
    pytest.param("---\rtitle: Café\rtags: [a]\r---\rBody line\r", False, id="old-mac-cr"),
])
def test_bom_and_line_endings_just_work(tmp_path: Path, content: str, bom: bool) -> None:
    data = ("\ufeff" if bom else "").encode("utf-8") + content.encode("utf-8")
    section, problems = load(tmp_path, "s.md", data)
    assert problems == []
    assert section is not None
    assert section.title == "Café"
    assert section.body.text == "Body line\n"
    assert section.body.location.line == 5


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param("# Title\n\nNo front matter.\n",
                 "s.md:1: a section must start with front matter ('---', 'title: ...', '---'); "
                 "add a front matter block with at least a title at the top of the file", id="no-front-matter"),
    pytest.param("---\ntitle: S\n\nBody without the closing line.\n",
                 "s.md:1: the front matter opened here is never closed; "
                 "add a line with '---' after the front matter keys", id="never-closed"),
    pytest.param("---\n---\nBody\n",
                 "s.md:1: the front matter is empty: it has no keys, only comments or blank lines; "
                 "add at least 'title: ...'", id="empty"),
    pytest.param("---\ntags: [a]\n---\nBody\n",
                 "s.md:2: section front matter is missing the required key 'title'; add 'title: ...'", id="no-title"),
    pytest.param("---\ntitle: S\ntag: [a]\n---\nBody\n",
                 "s.md:3: unknown key 'tag' in section front matter; did you mean 'tags'?", id="unknown-key"),
    pytest.param("---\ntitle: S\naudiences: press\n---\nBody\n",
                 "s.md:3: 'audiences' must be a list, not the text 'press'; "
                 "write one item per line under 'audiences:', each starting with '- '", id="audiences-not-a-list"),
    pytest.param("---\ntitle: S\ntitle: T\n---\nBody\n",
                 "s.md:3: duplicate key 'title' (first set on line 2); keep one of them", id="duplicate-key"),
])
def test_front_matter_problems_are_located(tmp_path: Path, content: str, expected: str) -> None:
    _section, problems = load(tmp_path, "s.md", content)
    assert expected in problems, problems


def test_yaml_syntax_error_in_front_matter_is_at_the_file_line(tmp_path: Path) -> None:
    section, problems = load(tmp_path, "s.md", "---\ntitle: S\n\ntags: a: b\n---\nBody\n")
    assert section is None
    assert len(problems) == 1
    assert problems[0].startswith("s.md:4: YAML syntax error")


@pytest.mark.parametrize(("name", "message"), [
    pytest.param("Models.md", "'Models' is not a valid section id", id="upper-case"),
    pytest.param("my_models.md", "'my_models' is not a valid section id", id="underscore"),
    pytest.param("-models.md", "'-models' is not a valid section id", id="leading-dash"),
])
def test_bad_file_names_are_errors(tmp_path: Path, name: str, message: str) -> None:
    section, problems = load(tmp_path, name, "---\ntitle: T\n---\nBody\n")
    assert section is None
    assert len(problems) == 1
    assert problems[0].startswith(f"{name}: ")
    assert message in problems[0]


def test_invalid_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    section, problems = load(tmp_path, "s.md", b"---\ntitle: S\n---\nfine\n\nbad \xe9 byte\n")
    assert section is None
    assert problems == ["s.md:6: not valid UTF-8 (byte 0xe9); save the file as UTF-8 in your editor"]


@pytest.mark.parametrize(("text", "front", "body_line", "body"), [
    pytest.param("---\ntitle: A\n---\nB\n", "title: A", 4, "B\n", id="simple"),
    pytest.param("---   \ntitle: A\n---  \nB", "title: A", 4, "B", id="trailing-spaces-on-fences"),
    pytest.param("---\ntitle: A\nx: |\n  ---not a fence\n---\n", "title: A\nx: |\n  ---not a fence", 6, "",
                 id="indented-dashes-are-not-a-fence"),
])
def test_split_front_matter(text: str, front: str, body_line: int, body: str) -> None:
    diagnostics = Diagnostics()
    assert split_front_matter(text, SourceLocation(Path("s.md")), diagnostics) == (front, body_line, body)
    assert diagnostics.items == []

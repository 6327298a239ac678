"""The project settings file, briefs/project.yaml: every key read and applied, every mistake located."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.build.inputs import edition_files
from briefgen.errors import Diagnostics
from briefgen.load.colours import check_palette, contrast, theme_colours
from briefgen.load.project import load_project
from briefgen.load.settings import load_settings
from briefgen.model import Colour
from briefgen.render.brand import brand_css
from briefgen.render.fonts import theme_faces
from briefgen.scaffold import new_brief
from conftest import brief_yaml, run_cli, section_md, without_rule

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
        '<rect width="40" height="20" fill="#1b4a80"/></svg>\n')
FULL_SETTINGS = """\
# every key
organization: Riverside Budget Office
contact: |
  1 River Road, Riverside
  budget@riverside.example.org
website: https://riverside.example.org
url: https://riverside.example.org/briefs/{brief}/
audiences: [press]
paper: a4
language: es
word_template: brand/reference.docx
logo:
  file: brand/logo.svg
  alt: Riverside Budget Office logo
colors:
  accent: "#7a1f3d"
  box: "#f6eef1"
fonts:
  body: Source Sans 3
  headings: Atkinson Hyperlegible
"""


def word_document() -> bytes:
    """A real, empty Word document (the reference .docx of the Word editions)."""
    import docx

    output = io.BytesIO()
    docx.Document().save(output)
    return output.getvalue()


def project_files(settings: str, **extra: str | bytes) -> dict[str, str | bytes]:
    return {"briefs/project.yaml": settings, "briefs/b.yaml": brief_yaml(), "briefs/brand/logo.svg": LOGO,
            "briefs/brand/reference.docx": word_document(), "briefs/brand/not-word.docx": b"PK\x03\x04 no zip",
            "briefs/sections/one.md": section_md("One", "Text.\n"), **extra}


def load(root: Path) -> tuple[Diagnostics, object]:
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    return diagnostics, project


def messages(diagnostics: Diagnostics, root: Path) -> list[str]:
    return [without_rule(item.format(root)) for item in diagnostics.errors]


def test_every_key_is_read_and_applied(make_project: Callable[..., Path]) -> None:
    root = make_project(project_files(FULL_SETTINGS))
    diagnostics = Diagnostics()
    project = load_project(root, diagnostics)
    assert diagnostics.items == []
    settings = project.settings
    assert settings.location is not None and settings.location.path == root.resolve() / "briefs/project.yaml"
    assert settings.organization == "Riverside Budget Office"
    assert settings.contact.splitlines() == ["1 River Road, Riverside", "budget@riverside.example.org"]
    assert settings.website == "https://riverside.example.org"
    assert settings.paper == "a4" and settings.language == "es"
    assert settings.word_template == root.resolve() / "briefs/brand/reference.docx"
    assert settings.logo is not None
    assert (settings.logo.path, settings.logo.alt, settings.logo.location.line) == (
        root.resolve() / "briefs/brand/logo.svg", "Riverside Budget Office logo", 12)
    assert [(c.name, c.value, c.location.line) for c in settings.colors] == [("accent", "#7a1f3d", 16),
                                                                            ("box", "#f6eef1", 17)]
    assert settings.body_font is not None and settings.body_font.family == "Source Sans 3"
    assert settings.heading_font is not None and settings.heading_font.family == "Atkinson Hyperlegible"
    # applied: the brief takes the organization, its address from the pattern and the audiences
    brief = project.briefs["b"]
    assert brief.organization == "Riverside Budget Office"
    assert brief.url == "https://riverside.example.org/briefs/b/"
    assert brief.audiences == ("press",)
    assert "project" not in project.briefs, "project.yaml is the settings, not a brief"
    # every audience that names no paper or language (built-in ones included) takes the project's
    assert {a.paper for a in project.audiences.values()} == {"a4"}
    assert {a.language for a in project.audiences.values()} == {"es"}


def test_a_briefs_own_keys_win(make_project: Callable[..., Path]) -> None:
    manifest = brief_yaml(extra="organization: Another Office\nurl: https://another.example.org/b\n"
                                "audiences: [county-officials]\n")
    root = make_project(project_files(FULL_SETTINGS, **{"briefs/b.yaml": manifest,
                                                        "briefs/audiences/mine.yaml": "label: Mine\npaper: letter\n"}))
    diagnostics, project = load(root)
    assert diagnostics.items == []
    brief = project.briefs["b"]  # type: ignore[attr-defined]
    assert (brief.organization, brief.url, brief.audiences) == ("Another Office", "https://another.example.org/b",
                                                                ("county-officials",))
    assert project.audiences["mine"].paper == "letter"  # type: ignore[attr-defined]
    assert project.audiences["mine"].language == "es"  # type: ignore[attr-defined]


def test_no_settings_file_gives_the_defaults(make_project: Callable[..., Path]) -> None:
    root = make_project({"briefs/b.yaml": brief_yaml(), "briefs/sections/one.md": section_md("One", "Text.\n")})
    diagnostics, project = load(root)
    assert diagnostics.items == []
    assert project.settings.location is None and project.settings.logo is None  # type: ignore[attr-defined]
    assert project.audiences["press"].paper == "letter"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("settings", "expected"), [
    pytest.param("organisation: X\n", "briefs/project.yaml:1: unknown key 'organisation' in the project settings; "
                 "did you mean 'organization'?", id="unknown-key-did-you-mean"),
    pytest.param("paper: a4\nlogo:\n  file: brand/logo.svg\n  alt: A\n  size: 3\n",
                 "briefs/project.yaml:5: unknown key 'size' in 'logo'; known keys: file, alt", id="unknown-logo-key"),
    pytest.param("paper: a4\npaper: letter\n", "briefs/project.yaml:2: duplicate key 'paper' (first set on line 1)",
                 id="duplicate-key"),
    pytest.param("colors:\n  text: \"#333333\"\n  accent: \"#9ab0c8\"\n",
                 "briefs/project.yaml:3: 'accent' #9ab0c8 on 'paper' #ffffff has a contrast of 2.23:1 (standard theme), "
                 "below the 4.5:1 that WCAG AA asks of text", id="failing-contrast-at-the-colour"),
    pytest.param("colors:\n  box: \"#1b4a80\"\n",
                 "briefs/project.yaml:2: 'text' #1a1a1a on 'box' #1b4a80 has a contrast of", id="failing-background"),
    pytest.param("colors:\n  accent: blue\n", "briefs/project.yaml:2: colour 'accent' must be written '#rrggbb', "
                 "not 'blue'", id="colour-not-hex"),
    pytest.param("logo:\n  file: brand/logo.svg\n",
                 "briefs/project.yaml:1: the logo has no alternative text: PDF/UA (pdf/ua-1) requires it of every image",
                 id="logo-without-alt"),
    pytest.param("logo:\n  file: ../../outside.svg\n  alt: A\n", "briefs/project.yaml:2: '../../outside.svg' is "
                 "outside the project", id="logo-outside-project"),
    pytest.param("logo:\n  file: /etc/logo.svg\n  alt: A\n", "briefs/project.yaml:2: 'logo: file' must be a path "
                 "inside the project, not '/etc/logo.svg'", id="logo-absolute-path"),
    pytest.param("logo:\n  file: brand/missing.png\n  alt: A\n", "briefs/project.yaml:2: 'brand/missing.png' does "
                 "not exist", id="logo-missing"),
    pytest.param("logo:\n  file: brand/reference.docx\n  alt: A\n", "briefs/project.yaml:2: 'logo: file' must be a "
                 "SVG or PNG file", id="logo-wrong-type"),
    pytest.param("logo: brand/logo.svg\n", "briefs/project.yaml:1: 'logo' must be a mapping", id="logo-not-mapping"),
    pytest.param("word_template: brand/logo.svg\n", "briefs/project.yaml:1: 'word_template' must be a DOCX file",
                 id="template-not-docx"),
    pytest.param("word_template: brand/not-word.docx\n", "briefs/project.yaml:1: 'word_template' is not a Word "
                 "document (.docx): it is not a zip archive", id="template-not-a-word-document"),
    pytest.param("url: https://example.org/briefs/\n", "briefs/project.yaml:1: 'url' has no '{brief}'",
                 id="url-without-placeholder"),
    pytest.param("url: ftp://example.org/{brief}\n", "briefs/project.yaml:1: 'url' must be a web address",
                 id="url-not-web"),
    pytest.param("website: riverside\n", "briefs/project.yaml:1: 'website' must be a web address", id="website"),
    pytest.param("paper: a5\n", "briefs/project.yaml:1: 'paper' cannot be 'a5'; choose one of letter, a4", id="paper"),
    pytest.param("language: Spanish\n", "briefs/project.yaml:1: 'Spanish' is not a language tag", id="language"),
    pytest.param("fonts:\n  body: Comic Serif 9\n", "briefs/project.yaml:2: the font 'Comic Serif 9' is not installed; "
                 "install its OFL package: pip install fontpkg-comic-serif-9", id="font-not-installed"),
    pytest.param("fonts:\n  body: Source Sans 4\n", "briefs/project.yaml:2: the font 'Source Sans 4' is not installed; "
                 "install its OFL package: pip install fontpkg-source-sans-4 (did you mean 'Source Sans 3'?)",
                 id="font-did-you-mean"),
    pytest.param("fonts:\n  body: Source Serif 4\n  heading: Source Sans 3\n",
                 "briefs/project.yaml:3: unknown key 'heading' in 'fonts'; did you mean 'headings'?", id="font-key"),
])
def test_each_mistake_is_located(make_project: Callable[..., Path], settings: str, expected: str) -> None:
    root = make_project(project_files(settings))
    diagnostics, _project = load(root)
    found = messages(diagnostics, root)
    assert any(message.startswith(expected) for message in found), found


def test_a_settings_file_that_links_out_of_the_project_is_refused(make_project: Callable[..., Path],
                                                                   tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("organization: X\n", encoding="utf-8")
    root = make_project(project_files("paper: a4\n"))
    (root / "briefs/project.yaml").unlink()
    (root / "briefs/project.yaml").symlink_to(outside)
    diagnostics, project = load(root)
    assert messages(diagnostics, root) == ["briefs/project.yaml: the settings file is outside the project; copy the "
                                           "file into the project and refer to it by a path relative to this file"]
    assert project.settings.organization == ""  # type: ignore[attr-defined]


def test_the_builtin_themes_pass_and_a_dark_accent_passes() -> None:
    diagnostics = Diagnostics()
    assert check_palette((), diagnostics)
    from briefgen.errors import SourceLocation

    assert check_palette((Colour("accent", "#1b4a80", SourceLocation(Path("p.yaml"), 3)),), diagnostics)
    assert diagnostics.items == []
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert theme_colours("large-print")["text"] == "#000"


def test_the_palette_and_fonts_become_css_custom_properties(make_project: Callable[..., Path]) -> None:
    root = make_project(project_files(FULL_SETTINGS))
    settings = load_settings(root.resolve(), Diagnostics())
    css = brand_css(settings, "standard")
    assert re.search(r":root \{ --accent: #7a1f3d; --box: #f6eef1; --font-body: \"Source Sans 3\", serif; "
                     r"--font-head: \"Atkinson Hyperlegible\", sans-serif; \}", css), css
    assert '@top-left { font-family: "Atkinson Hyperlegible", sans-serif; }' in css
    large = brand_css(settings, "large-print")
    assert "--accent: #7a1f3d" in large and "--font-body" not in large, "large print keeps its own face"


def test_the_chosen_families_replace_the_standard_faces() -> None:
    from briefgen.render.fonts import FontChoices

    faces = theme_faces("standard", FontChoices("Source Sans 3", "Atkinson Hyperlegible"))
    families = {face.family for face in faces}
    assert families == {"Source Sans 3", "Atkinson Hyperlegible", "Source Code Pro"}
    assert {(f.weight, f.style) for f in faces if f.family == "Atkinson Hyperlegible"} >= {(700, "normal"), (400, "italic")}


def test_an_edition_reads_the_settings_file_and_the_files_it_names(make_project: Callable[..., Path]) -> None:
    root = make_project(project_files(FULL_SETTINGS)).resolve()
    _diagnostics, project = load(root)
    files = edition_files(project, project.briefs["b"], project.audiences["press"])  # type: ignore[attr-defined]
    assert {root / "briefs/project.yaml", root / "briefs/brand/logo.svg", root / "briefs/brand/reference.docx"} <= set(files)


def test_new_brief_uses_the_project_defaults_and_project_is_not_a_brief_id(make_project: Callable[..., Path]) -> None:
    import datetime as dt

    from briefgen.errors import UsageError

    root = make_project(project_files(FULL_SETTINGS))
    path = new_brief(root, "second", dt.date(2026, 12, 1))
    text = path.read_text(encoding="utf-8")
    assert "# organization: Your organization   # default from briefs/project.yaml: Riverside Budget Office" in text
    assert "(default from briefs/project.yaml: press)" in text
    assert "default from briefs/project.yaml: https://riverside.example.org/briefs/{brief}/" in text
    with pytest.raises(UsageError, match="briefs/project.yaml holds the project settings"):
        new_brief(root, "project", dt.date(2026, 12, 1))


@pytest.mark.slow
def test_init_writes_a_commented_settings_file_that_builds(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "new")], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "new"
    text = (root / "briefs/project.yaml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 20, "every key is shown and explained"
    for key in ("organization", "contact", "website", "url", "audiences", "paper", "language", "logo", "alt",
                "colors", "fonts", "word_template"):
        assert re.search(rf"^#? ?\s*{key}:", text, flags=re.M), key
    diagnostics = Diagnostics()
    assert load_settings(root.resolve(), diagnostics).paper == "letter"
    assert diagnostics.items == []
    # uncommenting the examples gives a valid file too (the logo aside, which needs a file)
    uncommented = re.sub(r"^# ?((?:organization|website|url|language|colors|fonts|  accent|  box|  rule|  body|"
                         r"  headings|contact|  123|  \(555\)):)", r"\1", text, flags=re.M)
    uncommented = re.sub(r"^# ?(  123|  \(555\))", r"\1", uncommented, flags=re.M)
    (root / "briefs/project.yaml").write_text(uncommented, encoding="utf-8")
    diagnostics = Diagnostics()
    settings = load_settings(root.resolve(), diagnostics)
    assert diagnostics.items == [], [d.format() for d in diagnostics.items]
    assert settings.organization == "Your organization" and settings.colors and settings.body_font is not None
    built = run_cli(["build", "-f", "html", "-o", str(tmp_path / "out")], cwd=root)
    assert built.exit_code == 0, built.output
    html = (tmp_path / "out/first-brief--general-public.html").read_text(encoding="utf-8")
    assert "Your organization" in html and "--accent: #1d4e89" in html


@pytest.mark.slow
def test_check_reports_the_settings_files_problems(make_project: Callable[..., Path]) -> None:
    root = make_project(project_files("paper: a4\naudiences: [pres]\n"))
    result = run_cli(["check"], cwd=root)
    assert result.exit_code == 1
    assert re.search(r"briefs/project.yaml:2: error: [^\n]*'pres'", result.output), result.output
    root = make_project(project_files("paper: a4\ncolours:\n  accent: \"#000000\"\n"))
    result = run_cli(["check"], cwd=root)
    assert result.exit_code == 1
    assert "briefs/project.yaml:2: error: unknown key 'colours' in the project settings; did you mean 'colors'?" in (
        result.output), result.output

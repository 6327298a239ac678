"""Audience profiles: every key, built-in overriding, translations, and the tailoring commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, assert_clean_error, brief_yaml, run_cli, section_md

SHARED = section_md("Shared facts", "Everyone reads this [@gao2021].\n\n"
                    "::: {audience=\"county-officials\"}\nOfficials only [@moller2020].\n:::\n\n"
                    "::: {audience=\"!county-officials\"}\nEveryone but officials.\n:::\n")


def build_html(project: Path, *args: str) -> dict[str, str]:
    result = run_cli(["build", "-f", "html", *args], cwd=project)
    assert result.exit_code == 0, result.output
    return {path.stem: path.read_text(encoding="utf-8") for path in (project / "output").glob("*.html")}


def section_titles(html: str) -> list[str]:
    return re.findall(r'<span class="section-title">([^<]*)</span>', html)


def test_builtin_profiles_and_a_project_profile_are_listed(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": SHARED,
        "briefs/audiences/tenants.yaml": "label: Tenant unions\nlanguage: en\nreading_grade: 7\nmax_pages: 2\n",
    })
    result = run_cli(["audiences"], cwd=project)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert set(rows) == {"community-groups", "county-officials", "press", "tenants"}
    assert re.search(r"tenants\s+Tenant unions\s+en\s+7\s+2\s+project", rows["tenants"])
    assert rows["press"].rstrip().endswith("built-in")


def test_project_profile_overrides_a_builtin_key_by_key(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": SHARED,
        "briefs/audiences/press.yaml": "max_pages: 2\npaper: a4\n",
    })
    result = run_cli(["audiences", "show", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    shown = dict(line.split("  # ")[0].split(": ", 1) for line in result.stdout.splitlines()[1:])
    assert shown["max_pages"] == "2" and shown["paper"] == "a4"  # overridden
    assert shown["label"] == "Press" and shown["reading_grade"] == "10"  # kept from the built-in profile
    assert "briefs/audiences/press.yaml" in result.stdout.splitlines()[0]


def test_a_new_profile_needs_a_label(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": SHARED,
                            "briefs/audiences/tenants.yaml": "language: en\n"})
    assert_clean_error(run_cli(["build", "-f", "html"], cwd=project), "briefs/audiences/tenants.yaml:1:", "'label'")


@pytest.mark.parametrize(("profile", "line", "fragment"), [
    pytest.param("label: X\ntheme: huge\n", 2, "'theme' cannot be 'huge'", id="theme"),
    pytest.param("label: X\npaper: a3\n", 2, "'paper' cannot be 'a3'", id="paper"),
    pytest.param("label: X\ncitation_style: chicago\n", 2, "'citation_style' cannot be 'chicago'", id="citation-style"),
    pytest.param("label: X\nlanguage: Spanish\n", 2, "not a language tag", id="language"),
    pytest.param("label: X\nreading_grade: easy\n", 2, "'reading_grade' must be a number", id="reading-grade"),
    pytest.param("label: X\nmax_pages: 0\n", 2, "'max_pages' must be a whole number of at least 1", id="max-pages"),
    pytest.param("label: X\nkey_takeaways_first: maybe\n", 2, "must be true or false", id="key-takeaways-first"),
    pytest.param("label: X\ninclude_tags: core\n", 2, "'include_tags' must be a list", id="include-tags"),
    pytest.param("label: X\nlangauge: es\n", 2, "did you mean 'language'?", id="unknown-key"),
])
def test_profile_values_are_validated_at_their_line(make_project, profile: str, line: int, fragment: str) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": SHARED,
                            "briefs/audiences/x.yaml": profile})
    assert_clean_error(run_cli(["build", "-f", "html"], cwd=project), f"briefs/audiences/x.yaml:{line}:", fragment)


def test_include_and_exclude_tags_choose_sections(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["core", "detail", "untagged"]),
        "briefs/sections/core.md": section_md("Core", "Core text.\n", "tags: [core]\n"),
        "briefs/sections/detail.md": section_md("Detail", "Detail text.\n", "tags: [core, detail]\n"),
        "briefs/sections/untagged.md": section_md("Untagged", "Plain.\n"),
        "briefs/audiences/press.yaml": "include_tags: [core]\nexclude_tags: [detail]\n",
    })
    html = build_html(project)
    assert section_titles(html["b--press"]) == ["Core"]
    assert section_titles(html["b--county-officials"]) == ["Core", "Detail", "Untagged"]


def test_section_audiences_and_manifest_overrides(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one", "two"], extra=(
            "editions:\n"
            "  press:\n"
            "    sections: [two, one]\n"
            "  community-groups:\n"
            "    extra_sections: [help]\n")),
        "briefs/sections/one.md": section_md("One", "One.\n"),
        "briefs/sections/two.md": section_md("Two", "Two.\n", "audiences: [press, community-groups]\n"),
        "briefs/sections/help.md": section_md("Help", "Help.\n"),
    })
    html = build_html(project)
    assert section_titles(html["b--county-officials"]) == ["One"]          # 'two' is not for officials
    assert section_titles(html["b--press"]) == ["Two", "One"]             # reordered for the press
    assert section_titles(html["b--community-groups"]) == ["One", "Two", "Help"]  # one extra section


def test_audience_blocks_differ_per_edition(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": SHARED})
    html = build_html(project)
    assert "Officials only" in html["b--county-officials"] and "Everyone but officials" not in html["b--county-officials"]
    assert "Officials only" not in html["b--press"] and "Everyone but officials" in html["b--press"]
    # citation numbers follow what each edition contains: moller2020 is only cited for officials
    assert 'id="ref-moller2020"' in html["b--county-officials"] and 'id="ref-moller2020"' not in html["b--press"]


def test_unknown_audience_in_a_fenced_div_is_an_error_at_its_line(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "Text.\n\n::: {audience=\"presss\"}\nx\n:::\n")})
    assert_clean_error(run_cli(["build", "-f", "html"], cwd=project), "briefs/sections/one.md:6:",
                       "unknown audience 'presss'", "did you mean 'press'?")


def test_translation_is_chosen_by_language_with_spanish_labels(make_project) -> None:
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one", "two"], extra="checked: 2026-01-24\nsummary: Summary text.\n"
                                    "editions:\n  vecinos:\n    title: ¿Una pregunta?\n    summary: Resumen del informe.\n"),
        "briefs/sections/one.md": section_md("One", "English text.\n"),
        "briefs/sections/one.es.md": section_md("Uno", "Texto en español [@gao2021].\n"),
        "briefs/sections/two.md": section_md("Two", "Only in English.\n"),
        "briefs/audiences/vecinos.yaml": "label: Vecinos\nlanguage: es\n",
    })
    result = run_cli(["build", "-f", "html", "-a", "vecinos"], cwd=project)
    assert result.exit_code == 0, result.output
    # the missing translation is a warning naming the section and the file to add; the text falls back
    assert re.search(r"briefs/sections/two\.md:1: warning: no 'es' translation of section 'two'.*two\.es\.md",
                     result.stderr)
    html = (project / "output" / "b--vecinos.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in html
    assert section_titles(html) == ["Uno", "Two"]
    assert "Texto en español" in html and "Only in English." in html
    assert "¿Una pregunta?" in html and "Resumen del informe." in html
    for label in ("Verificado el 24 de enero de 2026", "Resumen", "Fuentes", "Edición para: Vecinos"):
        assert label in html
    assert '"Página " counter(page) " de " counter(pages)' in html


def test_intro_takeaways_and_call_to_action_in_profile_order(make_project) -> None:
    manifest = brief_yaml(["one"], extra=(
        "summary: The summary.\n"
        "key_takeaways:\n  - The bottom line.\n"
        "editions:\n"
        "  county-officials:\n"
        "    intro: Why you should care.\n"
        "    call_to_action: Decide by June.\n"))
    project = make_project({"briefs/b.yaml": manifest, "briefs/sections/one.md": SHARED,
                            "briefs/audiences/press.yaml": "key_takeaways_first: false\n"})
    html = build_html(project)
    officials, press = (html[name].split("<main", 1)[1] for name in ("b--county-officials", "b--press"))
    assert officials.index("Why this matters to you") < officials.index("Key takeaways") < officials.index("The summary.")
    assert officials.index("Shared facts") < officials.index("What you can do") < officials.index("Decide by June.")
    assert press.index("The summary.") < press.index("Key takeaways")   # bottom line after the summary
    assert "Why this matters to you" not in press and "What you can do" not in press


def test_build_reports_targets(make_project) -> None:
    long_text = "The county decides whether its officers take on federal immigration work. " * 15
    project = make_project({"briefs/b.yaml": brief_yaml(["one", "two"]), "briefs/sections/one.md": SHARED,
                            "briefs/sections/two.md": section_md("Two", long_text),
                            "briefs/audiences/press.yaml": "reading_grade: 1\n"})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    assert re.search(r"b--press: \d+ words, grade [\d.]+ \(target ≤ 1 — above target\)", result.stdout)
    short = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": SHARED})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=short)
    assert re.search(r"b--press: \d+ words, no grade \(under 100 words\)", result.stdout)  # too short to grade


def test_large_print_theme_and_a4_paper(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": SHARED,
                            "briefs/audiences/big.yaml": "label: Big\ntheme: large-print\npaper: a4\n"})
    html = build_html(project, "-a", "big")["b--big"]
    sizes = re.findall(r"--size:\s*(\d+)pt", html)  # the theme's value comes last and wins
    assert '<body class="theme-large-print">' in html and int(sizes[-1]) >= 18
    assert "--leading: 1.5" in html and "size: a4" in html


def test_citation_style_is_accepted_per_profile_and_on_the_command_line(make_project) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": SHARED,
                            "briefs/audiences/press.yaml": "citation_style: numeric\n"})
    html = build_html(project, "--citation-style", "numeric")
    assert '[<a href="#ref-gao2021">1</a>]' in html["b--press"]
    result = run_cli(["build", "--citation-style", "vancouver"], cwd=project)
    assert result.exit_code == 2 and "unknown citation style" in result.stderr


# --- the example project ------------------------------------------------------------


@pytest.mark.slow
def test_matrix_and_diff_on_the_example() -> None:
    result = run_cli(["matrix", "287g-police-ice"], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[1].split()
    assert {"county-officials", "community-groups", "press"} <= set(header)
    assert result.stdout.splitlines()[-1].startswith("words")
    csv_result = run_cli(["matrix", "287g-police-ice", "--format", "csv"], cwd=REPO_ROOT)
    assert csv_result.stdout.splitlines()[0].startswith("section,title,")
    html_result = run_cli(["matrix", "--format", "html"], cwd=REPO_ROOT)
    assert html_result.stdout.startswith("<!DOCTYPE html>")
    diff = run_cli(["diff", "287g-police-ice", "county-officials", "community-groups"], cwd=REPO_ROOT)
    assert diff.exit_code == 0, diff.output
    assert re.search(r"^  A decision-options: only county-officials gets this section", diff.stdout, re.MULTILINE)
    assert re.search(r"^  ~ \S+: read differently", diff.stdout, re.MULTILINE)


@pytest.mark.pdf
def test_spanish_example_edition_pdf_is_spanish(tmp_path: Path) -> None:
    import subprocess

    from pypdf import PdfReader

    result = run_cli(["build", "287g-police-ice", "-a", "community-groups-es", "-o", str(tmp_path)], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "287g-police-ice--community-groups-es.pdf"
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "es"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for label in ("Verificado el 1 de diciembre de 2026", "Puntos clave", "Resumen", "Fuentes", "Página 1 de"):
        assert label in text
    html = (tmp_path / "287g-police-ice--community-groups-es.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in html


def test_the_four_example_editions_differ_in_content() -> None:
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project
    from briefgen.markdown.plain import plain_text
    from briefgen.reports.editions import assemble_editions

    diagnostics = Diagnostics()
    project = load_project(REPO_ROOT, diagnostics)
    ids = ["county-officials", "community-groups", "community-groups-es", "press"]
    editions = assemble_editions(project, project.briefs["287g-police-ice"], [project.audiences[i] for i in ids], diagnostics)
    assert diagnostics.errors == []
    section_lists = {e.audience.id: [s.section.id for s in e.sections] for e in editions}
    texts = {e.audience.id: " ".join(plain_text(s.text.tokens) for s in e.sections) for e in editions}
    # three different section lists: the Spanish edition reads the same sections as the English community one
    assert len({tuple(v) for v in section_lists.values()}) == 3
    assert section_lists["community-groups-es"] == section_lists["community-groups"]
    assert "decision-options" in section_lists["county-officials"]
    assert "where-to-get-help" in section_lists["community-groups"]
    assert len(section_lists["press"]) < len(section_lists["county-officials"])
    assert len(set(texts.values())) == 4, "every edition reads differently"
    assert texts["community-groups"] != texts["county-officials"]
    # the Spanish edition is Spanish, not the English text again
    assert {"de", "la", "que"} <= set(texts["community-groups-es"].split())

"""What a new author meets in the first hour: messages that say the right thing once, and
answers that stay right on a rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md

SPANISH_AUDIENCE = "label: Comunidad\nlanguage: es\nreading_grade: 8\n"
SPANISH_TEXT = ("La policía local puede preguntar por el estatus migratorio de una persona detenida en la cárcel. "
                "Los oficiales reciben formación federal durante cuatro semanas antes de empezar. " * 12)


def _report_line(output: str, edition: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{edition}: "))


def test_a_rebuild_reports_the_same_reading_grade_for_a_spanish_edition(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["uno"], extra="audiences: [comunidad]\n"),
        "briefs/audiences/comunidad.yaml": SPANISH_AUDIENCE,
        "briefs/sections/uno.md": section_md("Uno", SPANISH_TEXT),
    })
    first = run_cli(["build", "-f", "html"], cwd=project)
    assert first.exit_code == 0, first.output
    second = run_cli(["build", "-f", "html"], cwd=project)
    assert second.exit_code == 0, second.output
    assert "up to date" in _report_line(second.stdout, "b--comunidad")
    built_grade = _report_line(first.stdout, "b--comunidad").split("grade ")[1].split(" ")[0]
    cached_grade = _report_line(second.stdout, "b--comunidad").split("grade ")[1].split(" ")[0]
    assert built_grade == cached_grade, (first.stdout, second.stdout)


def test_an_audience_whose_profile_has_errors_is_reported_once_at_its_file(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"], extra="audiences: [lakeview]\n"),
        "briefs/audiences/lakeview.yaml": "label: Lakeview\ncitation_style: harvard\ntheme: lakeview-brand.css\n",
        "briefs/sections/one.md": section_md("One", "Text.\n\n::: {audience=\"lakeview\"}\nOnly for Lakeview.\n:::\n",
                                             front="audiences: [lakeview]\n"),
    })
    for command in (["build", "-f", "html"], ["check"]):
        result = run_cli(command, cwd=project)
        assert result.exit_code == 1, result.output
        assert "unknown audience" not in result.output
        lines = [line for line in result.output.splitlines() if "cannot be used because this profile has errors" in line]
        assert len(lines) == 1, result.output
        assert lines[0].startswith("briefs/audiences/lakeview.yaml: ") and "3 places name it" in lines[0]
        assert "briefs/audiences/lakeview.yaml:2: " in result.output and "'harvard'" in result.output
        assert "briefs/audiences/lakeview.yaml:3: " in result.output and "lakeview-brand.css" in result.output


def test_check_says_which_briefs_it_could_not_read(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]).replace("title:", "titel:"),
        "briefs/sections/one.md": section_md("One", "Text.\n"),
    })
    result = run_cli(["check"], cwd=project)
    assert result.exit_code == 1
    assert "briefs/b.yaml:1: error: unknown key 'titel' in brief manifest; did you mean 'title'?" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "checked 0 editions of 0 briefs: 2 errors, 0 warnings, 0 info (1 brief not checked: briefs/b.yaml has errors)")


def test_matrix_as_html_is_one_table_with_no_markup_printed_as_text(make_project) -> None:  # type: ignore[no-untyped-def]
    from html.parser import HTMLParser

    project = make_project({
        "briefs/b.yaml": brief_yaml(["one", "two"], title="Costs & <risks>"),
        "briefs/sections/one.md": section_md("One", "Text.\n"),
        "briefs/sections/two.md": section_md("Two <b>", "Text.\n", front="audiences: [press]\n"),
    })
    result = run_cli(["matrix", "b", "--format", "html"], cwd=project)
    assert result.exit_code == 0, result.output

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.stray: list[str] = []
            self.rows = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.rows += tag == "tr"
            self.open.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if tag in self.open:
                while self.open.pop() != tag:
                    pass

        def handle_data(self, data: str) -> None:
            if data.strip() and self.open and self.open[-1] in ("tbody", "thead", "table", "tr"):
                self.stray.append(data)

    reader = Reader()
    reader.feed(result.stdout)
    assert reader.stray == [], "text between table rows is shown above the table by browsers"
    assert reader.rows == 1 + 2 + 1, "the header, one row per section, and the words"
    assert "Costs &amp; &lt;risks&gt;" in result.stdout and "Two &lt;b&gt;" in result.stdout


@pytest.mark.parametrize(("line", "fixed"), [
    pytest.param("title: Costs: what a county pays", 'title: "Costs: what a county pays"', id="colon-in-a-title"),
    pytest.param("key_takeaways:\n  - [@gao2021] found costs rose.", '- "[@gao2021] found costs rose."',
                 id="takeaway-starting-with-a-citation"),
    pytest.param("key_takeaways:\n  - @gao2021 found costs rose.", '- "@gao2021 found costs rose."',
                 id="takeaway-starting-with-a-narrative-citation"),
    pytest.param('subtitle: Why it matters: "the short version"', 'subtitle: "Why it matters: \\"the short version\\""',
                 id="colon-and-quotes"),
])
def test_a_yaml_value_that_needs_quotes_gets_a_hint_showing_the_quoted_line(make_project, line: str,  # type: ignore[no-untyped-def]
                                                                              fixed: str) -> None:
    manifest = "title: A brief\n" if not line.startswith("title:") else ""
    manifest += line + "\nsections:\n  - one\n"
    project = make_project({"briefs/b.yaml": manifest, "briefs/sections/one.md": section_md("One", "Text.\n")})
    result = run_cli(["check"], cwd=project)
    assert result.exit_code == 1
    expected_line = manifest.splitlines().index(next(x for x in manifest.splitlines() if x.strip() and x.strip() in line
                                                       and not x.endswith(":"))) + 1
    assert f"briefs/b.yaml:{expected_line}: error: YAML syntax error: " in result.stdout, result.stdout
    assert f"put the value in quotes: {fixed}\n" in result.stdout, result.stdout


def test_audiences_show_prints_yaml_that_loads_back_and_marks_the_projects_keys(make_project) -> None:  # type: ignore[no-untyped-def]
    import yaml

    project = make_project({
        "briefs/b.yaml": brief_yaml(["one"]),
        "briefs/sections/one.md": section_md("One", "Text.\n"),
        "briefs/audiences/press.yaml": "description: 'Reporters: dated figures first, with sources.'\nmax_pages: 4\n",
    })
    result = run_cli(["audiences", "show", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    profile = yaml.safe_load(result.stdout)
    assert profile["description"] == "Reporters: dated figures first, with sources."
    assert profile["max_pages"] == 4 and profile["label"] == "Press" and profile["include_tags"] == []
    lines = {line.split(":", 1)[0]: line for line in result.stdout.splitlines() if not line.startswith("#")}
    assert lines["max_pages"].endswith("# set by the project") and lines["description"].endswith("# set by the project")
    assert lines["label"].endswith("# built in") and lines["exclude_tags"].endswith("# default")
    assert result.stdout.startswith("# press: briefs/audiences/press.yaml over the built-in profile\n")


def _complete(words: str, cwd: Path) -> list[str]:
    """What the bash completion script gets back for the command line ``words`` (Tab at its end)."""
    import os
    import subprocess
    import sys

    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword), "_BRIEFGEN_COMPLETE": "complete_bash"}
    completed = subprocess.run([sys.executable, "-m", "briefgen"], cwd=cwd, env=env, capture_output=True, text=True,
                               timeout=60)
    return completed.stdout.split()


@pytest.mark.slow
@pytest.mark.parametrize(("words", "expected"), [
    pytest.param("briefgen build -f ", ["html", "pdf", "handout", "png", "docx"], id="build-formats"),
    pytest.param("briefgen build -f h", ["html", "handout"], id="build-formats-prefix"),
    pytest.param("briefgen watch -f ", ["html", "pdf"], id="watch-formats"),
    pytest.param("briefgen refs gao", ["gao2021"], id="citation-keys"),
    pytest.param("briefgen refs ", ["countypage", "gao2021", "moller2020", "nguyen2018"], id="all-citation-keys"),
    pytest.param("briefgen check --ignore evid", ["evidence", "evidence/uncited-claim"], id="rule-ids"),
    pytest.param("briefgen check --format j", ["json"], id="check-formats"),
])
def test_shell_completion_offers_formats_keys_and_rule_ids(make_project, words: str,  # type: ignore[no-untyped-def]
                                                           expected: list[str]) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n")})
    offered = _complete(words, project)
    if words.startswith("briefgen refs "):
        bib_keys = sorted(set(_keys_in(project / "references.bib")))
        assert offered == [key for key in bib_keys if key.startswith(words.split()[-1] if not words.endswith(" ") else "")]
        assert set(expected) <= set(offered)
    else:
        assert set(expected) <= set(offered) and all(o.startswith(words.split()[-1]) or words.endswith(" ") for o in offered)


def _keys_in(path: Path) -> list[str]:
    import re

    return re.findall(r"^@\w+\{([^,]+),", path.read_text(encoding="utf-8"), re.MULTILINE)


def test_check_folds_many_uncited_entries_into_one_line_unless_verbose(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n")})
    entries = "".join(f"@misc{{extra{n},\n  title = {{Extra {n}}},\n  author = {{Doe, Jane}},\n  year = {{2020}}\n}}\n"
                      for n in range(40))
    bib = project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + entries, encoding="utf-8")
    result = run_cli(["check"], cwd=project)
    assert result.exit_code == 0, result.output
    unused = [line for line in result.stdout.splitlines() if "[citations/unused-entry]" in line]
    total = len(_keys_in(bib))
    assert unused == [f"references.bib: info: {total} entries are cited by no brief (e.g. 'gao2021', 'moller2020', "
                      f"'countypage'); briefgen check -v lists each with its line [citations/unused-entry]"], unused
    assert result.stdout.splitlines()[-1].endswith(f"{total} info")
    verbose = run_cli(["check", "-v"], cwd=project)
    listed = [line for line in verbose.stdout.splitlines() if "[citations/unused-entry]" in line]
    assert len(listed) == total and all(line.startswith("references.bib:") for line in listed)
    as_json = run_cli(["check", "--format", "json"], cwd=project)
    assert as_json.stdout.count("citations/unused-entry") == total


SPANISH_BRIEF = """title: What it costs
subtitle: Figures for the county
summary: |
  The county pays for the jail.
key_takeaways:
  - The county pays.
sections:
  - uno
audiences: [comunidad]
editions:
  comunidad:
    title: Lo que cuesta
    summary: |
      El condado paga la cárcel.
"""


def test_manifest_text_left_in_english_in_a_spanish_edition_is_a_warning_at_its_line(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project({
        "briefs/b.yaml": SPANISH_BRIEF,
        "briefs/audiences/comunidad.yaml": SPANISH_AUDIENCE,
        "briefs/sections/uno.md": section_md("Uno", "Texto.\n"),
        "briefs/sections/uno.es.md": section_md("Uno", "Texto.\n"),
    })
    result = run_cli(["check"], cwd=project)
    warnings = [line for line in result.stdout.splitlines() if "untranslated" in line]
    assert warnings == [
        "briefs/b.yaml:2: warning: the 'es' edition for 'comunidad' prints 'subtitle' untranslated; "
        "add it in the edition's language under editions.comunidad.subtitle",
        "briefs/b.yaml:5: warning: the 'es' edition for 'comunidad' prints 'key_takeaways' untranslated; "
        "add it in the edition's language under editions.comunidad.key_takeaways",
    ], result.stdout
    assert run_cli(["check", "--strict"], cwd=project).exit_code == 1


def test_watch_says_an_untranslated_warning_once_not_on_every_rebuild(make_project) -> None:  # type: ignore[no-untyped-def]
    from briefgen.watch.rebuild import LiveEditions, WatchOptions

    project = make_project({
        "briefs/b.yaml": SPANISH_BRIEF,
        "briefs/audiences/comunidad.yaml": SPANISH_AUDIENCE,
        "briefs/sections/uno.md": section_md("Uno", "Texto.\n"),
        "briefs/sections/uno.es.md": section_md("Uno", "Texto.\n"),
    })
    live = LiveEditions(project, WatchOptions(output_dir=None))
    first = live.rebuild()
    assert sum("untranslated" in p.message for p in first.problems) == 2
    section = project / "briefs/sections/uno.es.md"
    section.write_text(section_md("Uno", "Texto cambiado.\n"), encoding="utf-8")
    second = live.rebuild([section])
    assert second.rebuilt == ("b--comunidad",)
    assert not any("untranslated" in p.message for p in second.problems), "already said, and the manifest did not change"
    manifest = project / "briefs/b.yaml"
    manifest.write_text(SPANISH_BRIEF.replace("Figures for the county", "Figures for every county"), encoding="utf-8")
    third = live.rebuild([manifest])
    assert sum("untranslated" in p.message for p in third.problems) == 2, "the manifest changed: said again"


PANDOC_SYNTAX = """## Costs of the program {#sec-costs}

Water is H~2~O and 2^10^ is 1024; ~~struck~~ text. It costs $5 to $10 a day.

Energy: $E = mc^2$ here.

Term
: Its definition.

![A chart](chart.png){width=50% #fig-x}

{{< include other.md >}}

See [the costs](#sec-costs).
"""


def test_pandoc_syntax_is_supported_where_cheap_and_warned_about_at_its_line_otherwise(make_project) -> None:  # type: ignore[no-untyped-def]
    import base64

    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", PANDOC_SYNTAX)})
    (project / "briefs/sections/chart.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))
    result = run_cli(["build", "-a", "press", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    page = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert '<h3 id="sec-costs">Costs of the program</h3>' in page and 'href="#sec-costs"' in page
    assert "H<sub>2</sub>O" in page and "2<sup>10</sup>" in page and "<s>struck</s>" in page
    assert "<dl>" in page and "<dt>Term</dt>" in page and "<dd>Its definition.</dd>" in page
    assert 'alt="A chart" style="width:50%;">' in page and "{width" not in page and "#fig-x" not in page
    assert "$5 to $10" in page
    assert '<figure id="fig-x" class="figure">' in page and "Figure\u00a01:</span> A chart</figcaption>" in page
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert warnings == [
        "briefs/sections/one.md:8: warning: TeX math '$E = mc^2$' is not rendered, so it is printed as written; "
        "write it in words or plain characters (x², CO₂), or escape the dollar signs as \\$",
        "briefs/sections/one.md:15: warning: the shortcode '{{< include >}}' is not supported, so it is printed as "
        "written; list the section in the brief's manifest instead; sections are reusable by id",
    ], result.stderr


@pytest.mark.parametrize(("markdown", "fragment"), [
    pytest.param("![x](chart.png){width=wide}", "image width 'wide' is not a length", id="bad-width"),
    pytest.param("![x](chart.png){height=\"1;background:url(x)\"}", "image height '1;background:url(x)' is not a length",
                 id="css-in-a-height"),
    pytest.param("## Title {#1bad}", "'1bad' cannot be a heading id", id="bad-heading-id"),
    pytest.param("## Title {#ok lang=fr}", "the heading attribute 'lang' is not supported", id="heading-key-value"),
])
def test_attributes_briefgen_cannot_honour_are_left_out_with_a_warning(make_project, markdown: str,  # type: ignore[no-untyped-def]
                                                                       fragment: str) -> None:
    import base64

    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", markdown + "\n")})
    (project / "briefs/sections/chart.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))
    result = run_cli(["build", "-a", "press", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    assert f"briefs/sections/one.md:4: warning: {fragment}" in result.stderr, result.stderr
    page = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert "url(x)" not in page and "{" not in page.split("<main")[1].split("</main>")[0]


def test_a_footnote_reference_with_no_definition_is_a_warning_at_its_line(make_project) -> None:  # type: ignore[no-untyped-def]
    body = "Intro.\n\nA claim with a note[^memo] and a real one[^real].\n\n[^real]: The real note.\n\n`[^code]` is code.\n"
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", body)})
    result = run_cli(["check"], cwd=project)
    lines = [line for line in result.stdout.splitlines() if "footnote" in line]
    assert lines == ["briefs/sections/one.md:6: warning: footnote [^memo] has no definition, so it is printed as "
                     "written; add '[^memo]: the note' on a line of its own in this section"], result.stdout


def test_an_installed_briefgen_carries_every_file_it_reads() -> None:
    """`pip install .` (or pipx) copies only the package data pyproject.toml names: every
    template, theme, profile, catalogue and starter file must be among them."""
    import fnmatch
    import tomllib

    from conftest import REPO_ROOT

    package = REPO_ROOT / "src" / "briefgen"
    patterns = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["briefgen"]
    data = [path.relative_to(package).as_posix() for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts]
    assert data, "briefgen ships templates and themes"
    assert [name for name in data if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)] == []


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["refs", "gao2012"], "briefgen: no entry 'gao2012' in references.bib; did you mean 'gao2021'?",
                 id="refs-key"),
    pytest.param(["audiences", "show", "comunity-groups"],
                 "briefgen: no audience 'comunity-groups'; did you mean 'community-groups'?", id="audiences-show"),
])
def test_a_mistyped_key_or_audience_gets_a_did_you_mean(make_project, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n")})
    result = run_cli(args, cwd=project)
    assert result.exit_code == 2 and message in result.stderr, result.output

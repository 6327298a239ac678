"""Audience profiles that extend another: the values they do not set, and the content written
for the profile they extend, come from it; the most specific audience named decides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import brief_yaml, run_cli, section_md

PROFILES = {
    "briefs/audiences/community-groups-es.yaml": "extends: community-groups\nlabel: Grupos comunitarios\nlanguage: es\n",
    "briefs/audiences/community-groups-large-print.yaml": ("extends: community-groups\n"
                                                          "label: Community groups (large print)\ntheme: large-print\n"),
}
SECTION = section_md("One", """Everyone reads this.

::: {audience="community-groups"}
COMMUNITY-TEXT for community groups and the profiles that extend it.
:::

::: {audience="community-groups !community-groups-es"}
ENGLISH-ONLY-TEXT for community groups, not the Spanish profile.
:::

::: {audience="!community-groups"}
OFFICIALS-TEXT for everyone but community groups and their variants.
:::

::: {audience="community-groups-large-print"}
LARGE-PRINT-TEXT for the large-print profile only.
:::
""")
TRANSLATION = section_md("Uno", """Todos leen esto.

::: {audience="community-groups"}
COMMUNITY-TEXT-ES para grupos comunitarios.
:::

::: {audience="!community-groups"}
OFFICIALS-TEXT-ES.
:::
""")
MANIFEST = """\
title: A brief
sections:
  - one
  - id: community-only
    audiences: [community-groups]
audiences: [county-officials, community-groups, community-groups-es, community-groups-large-print]
editions:
  community-groups:
    intro: |
      INTRO-FOR-COMMUNITY, read by the large-print edition too.
    call_to_action: |
      CALL-FOR-COMMUNITY.
  community-groups-es:
    intro: |
      INTRO-EN-ESPANOL.
    title: Un informe
    summary: |
      Resumen.
"""


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({
        **PROFILES,
        "briefs/b.yaml": MANIFEST,
        "briefs/sections/one.md": SECTION,
        "briefs/sections/one.es.md": TRANSLATION,
        "briefs/sections/community-only.md": section_md("Community only", "COMMUNITY-SECTION.\n"),
        "briefs/sections/community-only.es.md": section_md("Solo comunidad", "COMMUNITY-SECTION-ES.\n"),
    })


def _page(project: Path, audience: str) -> str:
    return (project / "output" / f"b--{audience}.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_content_for_a_profile_reaches_the_profiles_that_extend_it(project: Path) -> None:
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    officials, community = _page(project, "county-officials"), _page(project, "community-groups")
    spanish, large = _page(project, "community-groups-es"), _page(project, "community-groups-large-print")
    assert "OFFICIALS-TEXT" in officials and "COMMUNITY" not in officials and "LARGE-PRINT" not in officials
    assert "COMMUNITY-TEXT" in community and "ENGLISH-ONLY-TEXT" in community and "OFFICIALS" not in community
    assert "LARGE-PRINT-TEXT" not in community
    for page in (large,):
        assert "COMMUNITY-TEXT" in page and "ENGLISH-ONLY-TEXT" in page and "LARGE-PRINT-TEXT" in page
        assert "OFFICIALS" not in page and "COMMUNITY-SECTION." in page
        assert "INTRO-FOR-COMMUNITY" in page and "CALL-FOR-COMMUNITY" in page, "editions text is inherited"
    assert "COMMUNITY-TEXT-ES" in spanish and "OFFICIALS" not in spanish and "ENGLISH-ONLY-TEXT" not in spanish
    assert "COMMUNITY-SECTION-ES" in spanish, "a section listed for community groups reaches the Spanish profile"
    assert "INTRO-EN-ESPANOL" in spanish and "INTRO-FOR-COMMUNITY" not in spanish, "its own editions text wins"
    assert "CALL-FOR-COMMUNITY" in spanish, "what it does not set comes from the profile it extends"
    assert 'lang="es"' in spanish and "large-print" in large
    untranslated = [line for line in result.stderr.splitlines() if "untranslated" in line]
    assert untranslated == [
        "briefs/b.yaml:8: warning: the 'es' edition for 'community-groups-es' prints 'call_to_action' untranslated; "
        "add it in the edition's language under editions.community-groups-es.call_to_action",
    ], result.stderr


def test_an_extending_profile_takes_the_values_it_does_not_set(project: Path) -> None:
    shown = run_cli(["audiences", "show", "community-groups-large-print"], cwd=project)
    assert shown.exit_code == 0, shown.output
    assert "reading_grade: 8" in shown.stdout and "theme: large-print" in shown.stdout
    assert "extends: community-groups" in shown.stdout


def test_matrix_and_diff_show_what_each_variant_reads(project: Path) -> None:
    matrix = run_cli(["matrix", "b", "--format", "csv"], cwd=project)
    assert matrix.exit_code == 0, matrix.output
    rows = {line.split(",")[0]: line.split(",") for line in matrix.stdout.splitlines()}
    header = rows["section"]
    community_only = dict(zip(header, rows["community-only"], strict=True))
    assert community_only["community-groups-large-print"] == "yes" and community_only["community-groups-es"] == "yes"
    assert community_only["county-officials"] == "no"
    diff = run_cli(["diff", "b", "community-groups-large-print", "community-groups"], cwd=project)
    assert diff.exit_code == 0, diff.output
    assert "LARGE-PRINT-TEXT" in diff.stdout and "ENGLISH-ONLY" not in diff.stdout


@pytest.mark.parametrize(("profiles", "location", "fragment"), [
    pytest.param({"briefs/audiences/a.yaml": "label: A\nextends: communty-groups\n"}, "briefs/audiences/a.yaml:2",
                 "'a' extends 'communty-groups', which is not an audience; did you mean 'community-groups'?",
                 id="unknown-parent"),
    pytest.param({"briefs/audiences/a.yaml": "label: A\nextends: b\n", "briefs/audiences/b.yaml": "label: B\nextends: a\n"},
                 "briefs/audiences/", "audience profiles extend each other in a circle", id="cycle"),
    pytest.param({"briefs/audiences/a.yaml": "label: A\nextends: a\n"}, "briefs/audiences/a.yaml:2",
                 "audience profiles extend each other in a circle (a → a)", id="extends-itself"),
    pytest.param({"briefs/audiences/a.yaml": "label: A\nextends: b\n", "briefs/audiences/b.yaml": "label: B\ntheme: huge\n"},
                 "briefs/audiences/a.yaml:2", "'a' extends 'b', whose profile has errors", id="broken-parent"),
    pytest.param({"briefs/audiences/a.yaml": "extends: Community Groups\nlabel: A\n"}, "briefs/audiences/a.yaml:1",
                 "'Community Groups' is not an audience id", id="not-an-id"),
    pytest.param({"briefs/audiences/a.yaml": "description: no label and nothing to extend\n"}, "briefs/audiences/a.yaml:1",
                 "audience profile is missing the required key 'label'", id="new-profile-needs-a-label"),
])
def test_extends_errors_are_located(make_project: Callable[..., Path], profiles: dict[str, str], location: str,
                                    fragment: str) -> None:
    project = make_project({**profiles, "briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "X.\n")})
    result = run_cli(["check"], cwd=project)
    assert result.exit_code == 1, result.output
    line = next((line for line in result.stdout.splitlines() if fragment in line), None)
    assert line is not None and line.startswith(location), result.stdout


def test_a_label_is_inherited_when_a_profile_extends_another(make_project: Callable[..., Path]) -> None:
    project = make_project({"briefs/audiences/press-a4.yaml": "extends: press\npaper: a4\n",
                            "briefs/b.yaml": brief_yaml(["one"], extra="audiences: [press-a4]\n"),
                            "briefs/sections/one.md": section_md("One", "X [@gao2021].\n")})
    result = run_cli(["build", "-f", "html"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "Press" in (project / "output/b--press-a4.html").read_text(encoding="utf-8")

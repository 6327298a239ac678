"""Problems that a briefgen check rule covers carry its id, in build output too."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import Diagnostics, Severity, SourceLocation
from conftest import FIXTURE_BIB, assert_clean_error, brief_yaml, run_cli, section_md

BIB_END = FIXTURE_BIB.count("\n") + 2
"""The line of an entry appended to the fixture bibliography after a blank line."""


@pytest.mark.parametrize(("files", "bib", "prefix", "rule"), [
    pytest.param({"briefs/sections/one.md": section_md("One", "Costs [@gao2012].\n")}, FIXTURE_BIB,
                 "briefs/sections/one.md:4: unknown citation key 'gao2012'", "citations/unknown-key", id="unknown-key"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Cited [@doe2019].\n")},
                 FIXTURE_BIB + "\n@book{doe2019,\n  title = {Again},\n  year = {2019}\n}\n",
                 f"references.bib:{FIXTURE_BIB[:FIXTURE_BIB.index('{doe2019,')].count(chr(10)) + 1}: the key 'doe2019' is "
                 f"used by two different entries", "citations/broken-entry", id="cited-duplicate-key"),
    pytest.param({}, FIXTURE_BIB + "\n@book{broken,\n  title = {No end\n",
                 f"references.bib:{BIB_END}: cannot read this BibTeX entry (Unexpectedly reached end of file)",
                 "citations/bib-syntax", id="bib-syntax"),
    pytest.param({"briefs/b.yaml": brief_yaml(["one", "two"])}, FIXTURE_BIB, "briefs/b.yaml:4: no section 'two'",
                 "structure/unknown-section", id="unknown-section"),
    pytest.param({"briefs/sections/one.md": section_md("One", "Text.\n\n::: {audience=\"pres\"}\nX\n:::\n")}, FIXTURE_BIB,
                 "briefs/sections/one.md:6: unknown audience 'pres'", "structure/unknown-audience", id="unknown-audience"),
])
def test_build_errors_end_with_their_rule_id(make_project, files: dict[str, str], bib: str, prefix: str, rule: str) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]), "briefs/sections/one.md": section_md("One", "Text.\n"),
                            **files}, bib=bib)
    line = assert_clean_error(run_cli(["build", "-f", "html"], cwd=project), prefix)
    assert line.endswith(f" [{rule}]")


def test_info_is_a_third_severity() -> None:
    diagnostics = Diagnostics()
    diagnostics.info(SourceLocation(Path("references.bib"), 3), "not cited", "cite it", "citations/unused-entry")
    (item,) = diagnostics.items
    assert item.severity is Severity.INFO and not diagnostics.has_errors
    assert item.format() == "references.bib:3: info: not cited; cite it [citations/unused-entry]"

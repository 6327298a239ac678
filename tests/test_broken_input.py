"""Clear errors for broken input (the ones test_errors.py does not cover): an unreadable file,
bad encodings, empty files, a list or text where a mapping belongs, wrong types, duplicate
keys, unclosed citations: ``path:line: message; hint``, exit 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import assert_clean_error
from hostile_project import BASE, build_html, make_unreadable

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


@pytest.mark.parametrize("name", ["briefs/sections/one.md", "briefs/b.yaml", "briefs/audiences/press.yaml",
                                  "references.bib"])
def test_unreadable_file_is_a_clean_error(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                          name: str) -> None:
    project = make_project({**BASE, "briefs/audiences/press.yaml": "label: Reporters\n"})
    make_unreadable(project / name, monkeypatch)
    try:
        result = build_html(project, "-a", "press")
    finally:
        (project / name).chmod(0o644)
    assert_clean_error(result, f"{name}: ", "cannot read this file (permission denied)")


ONE_LINE = "---\ntitle: One\n---\n"
CLEAR_ERRORS = [
    # encodings
    pytest.param({"briefs/audiences/press.yaml": b"label: Caf\xe9\n"}, "briefs/audiences/press.yaml:1:",
                 ("not valid UTF-8 (byte 0xe9)",), id="invalid-utf8-audience-profile"),
    pytest.param({"briefs/sections/one.md": "\ufeff---\ntitle: One\n---\nText.\n".encode("utf-16")},
                 "briefs/sections/one.md:1:", ("not valid UTF-8",), id="utf16-section"),
    pytest.param({"briefs/sections/one.md": b"---\ntitle: One\n---\nFine.\n\nCut off \xc3"},
                 "briefs/sections/one.md:6:", ("not valid UTF-8 (byte 0xc3)",), id="truncated-utf8-at-end"),
    pytest.param({"briefs/sections/one.md": b"\xef\xbb\xbf---\r\ntitle: One\r\n---\r\nFine.\r\n\r\nBad [@nokey].\r\n"},
                 "briefs/sections/one.md:6:", ("unknown citation key 'nokey'",), id="bom-and-crlf-keep-line-numbers"),
    pytest.param({"briefs/sections/one.md": b"---\rtitle: One\r---\rFine.\r\rBad [@nokey].\r"},
                 "briefs/sections/one.md:6:", ("unknown citation key 'nokey'",), id="cr-only-keeps-line-numbers"),
    pytest.param({"briefs/b.yaml": b"\xef\xbb\xbftitle: T\r\nsections:\r\n  - one\r\nsubtitel: S\r\n"},
                 "briefs/b.yaml:4:", ("unknown key 'subtitel'", "did you mean 'subtitle'?"), id="bom-crlf-manifest-lines"),
    # empty files
    pytest.param({"briefs/sections/one.md": ""}, "briefs/sections/one.md:1:", ("a section must start with front matter",),
                 id="empty-section"),
    pytest.param({"briefs/sections/one.md": b"\xef\xbb\xbf"}, "briefs/sections/one.md:1:",
                 ("a section must start with front matter",), id="section-only-a-bom"),
    pytest.param({"briefs/sections/one.md": "---\n---\nBody.\n"}, "briefs/sections/one.md:1:",
                 ("the front matter is empty",), id="empty-front-matter"),
    pytest.param({"briefs/b.yaml": ""}, "briefs/b.yaml:1:", ("the brief manifest is empty",), id="empty-manifest"),
    pytest.param({"briefs/b.yaml": "\n  \n# only a comment\n"}, "briefs/b.yaml:", ("empty",),
                 id="manifest-only-comments"),
    pytest.param({"briefs/audiences/press.yaml": ""}, "briefs/audiences/press.yaml:1:",
                 ("the audience profile is empty",), id="empty-audience-profile"),
    pytest.param({"briefs/audiences/press.yaml": "# label: Reporters\n"}, "briefs/audiences/press.yaml:",
                 ("empty",), id="audience-profile-only-comments"),
    pytest.param({"briefs/sections/one.md": "---\n# title: One\n---\nBody.\n"}, "briefs/sections/one.md:",
                 ("the front matter is empty",), id="front-matter-only-comments"),
    # a list or text where a mapping belongs
    pytest.param({"briefs/b.yaml": "- title: T\n- sections: [one]\n"}, "briefs/b.yaml:1:",
                 ("brief manifest must be a mapping", "not a list"), id="manifest-is-a-list"),
    pytest.param({"briefs/b.yaml": "just some text\n"}, "briefs/b.yaml:1:",
                 ("brief manifest must be a mapping", "not the text 'just some text'"), id="manifest-is-text"),
    pytest.param({"briefs/sections/one.md": "---\n- title: One\n---\nBody.\n"}, "briefs/sections/one.md:2:",
                 ("section front matter must be a mapping", "not a list"), id="front-matter-is-a-list"),
    pytest.param({"briefs/audiences/press.yaml": "- label: Reporters\n"}, "briefs/audiences/press.yaml:1:",
                 ("audience profile must be a mapping", "not a list"), id="audience-profile-is-a-list"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\neditions: [press]\n"}, "briefs/b.yaml:4:",
                 ("'editions' must be a mapping", "not a list"), id="editions-is-a-list"),
    # wrong types
    pytest.param({"briefs/b.yaml": "title: [a, b]\nsections:\n  - one\n"}, "briefs/b.yaml:1:",
                 ("'title' must be text, not a list",), id="title-is-a-list"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\naudiences: press\n"}, "briefs/b.yaml:4:",
                 ("'audiences' must be a list, not the text 'press'",), id="audiences-is-text"),
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: policing, jail\n---\nBody.\n"},
                 "briefs/sections/one.md:3:", ("'tags' must be a list",), id="front-matter-tags-is-text"),
    pytest.param({"briefs/audiences/press.yaml": "label: P\nkey_takeaways_first: yes please\n"},
                 "briefs/audiences/press.yaml:2:", ("'key_takeaways_first' must be true or false",),
                 id="profile-boolean-is-text"),
    # duplicate keys outside the manifest
    pytest.param({"briefs/sections/one.md": "---\ntitle: One\ntags: [a]\ntitle: Again\n---\nBody.\n"},
                 "briefs/sections/one.md:4:", ("duplicate key 'title' (first set on line 2)",),
                 id="duplicate-key-in-front-matter"),
    pytest.param({"briefs/audiences/press.yaml": "label: A\nlabel: B\n"}, "briefs/audiences/press.yaml:2:",
                 ("duplicate key 'label' (first set on line 1)",), id="duplicate-key-in-profile"),
    # citations and structure
    pytest.param({"briefs/b.yaml": "title: T\nsummary: See [@gao2021 and more.\nsections:\n  - one\n"},
                 "briefs/b.yaml:2:", ("this citation's '[' is never closed",), id="unclosed-citation-in-manifest"),
    pytest.param({"briefs/b.yaml": "title: T\nsections:\n  - one\n  - b\n"}, "briefs/b.yaml:4:",
                 ("brief 'b' lists itself as a section",), id="brief-lists-itself"),
    pytest.param({"briefs/sections/one.md": ONE_LINE + "Fine.\n\n::: {audience=\"press\"\nUnclosed brace.\n:::\n"},
                 "briefs/sections/one.md:6:", ("fenced div",), id="fenced-div-attributes-unclosed"),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), CLEAR_ERRORS)
def test_broken_input_is_a_clear_error(make_project: Callable[..., Path], files: dict[str, str | bytes],
                                       prefix: str, fragments: tuple[str, ...]) -> None:
    project = make_project({**BASE, **files})
    line = assert_clean_error(build_html(project), prefix, *fragments)
    assert "; " in line, "every message carries a hint after '; '"

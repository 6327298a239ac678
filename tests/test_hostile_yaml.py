"""Untrusted YAML (manifests, front matter, audience profiles): values are escaped in the body
and in attributes; a further question's ``brief`` must be an id; deep nesting is a clean error
and an alias bomb is never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import OUTPUT_INDEX, assert_clean_error, section_md
from hostile_project import BASE, build_html, yaml_quote
from html_safety import parse_page, unsafe_markup

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


YAML_TITLE = 'Fish & Chips (and "<b>bold</b>") \\ </title><script>alert(301)</script> \'q\''
YAML_AUTHORS = ['A. <i onmouseover=alert(302)>Analyst</i>', 'B & "C"']
YAML_ORG = '"><script>alert(303)</script>'
YAML_LABEL = 'Reporters <img src=x onerror=alert(304)>'
YAML_QUESTION = '</li><script>alert(305)</script>?'
YAML_SUMMARY = 'Summary: 5 < 6 & "x" [@gao2021].'
YAML_DESCRIPTION = 'Summary: 5 < 6 & "x".'


HOSTILE_MANIFEST = f"""\
title: {yaml_quote(YAML_TITLE)}
subtitle: {yaml_quote('<u>sub</u> & more')}
organization: {yaml_quote(YAML_ORG)}
authors: [{', '.join(yaml_quote(a) for a in YAML_AUTHORS)}]
disclaimer: {yaml_quote('<b>not</b> legal advice')}
summary: {yaml_quote(YAML_SUMMARY)}
sections:
  - safe
further_questions:
  - question: {yaml_quote(YAML_QUESTION)}
"""


def test_yaml_values_are_escaped_in_body_and_attributes(make_project: Callable[..., Path]) -> None:
    files = {"briefs/b.yaml": HOSTILE_MANIFEST, "briefs/sections/safe.md": section_md("Safe", "Text.\n"),
             "briefs/audiences/press.yaml": f"label: {yaml_quote(YAML_LABEL)}\n"}
    project = make_project(files)
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert unsafe_markup(html) == []
    page = parse_page(html)
    # attributes hold exactly the author's text
    assert page.attribute("meta", property="og:title") == YAML_TITLE
    assert page.attribute("meta", name="description") == YAML_DESCRIPTION
    assert page.attribute("meta", property="og:description") == YAML_DESCRIPTION
    author = page.attribute("meta", name="author")
    assert author is not None and all(name in author for name in YAML_AUTHORS), author
    # and the body shows it as text
    for value in (YAML_TITLE, YAML_ORG, YAML_LABEL, YAML_QUESTION, "<u>sub</u> & more", *YAML_AUTHORS):
        assert value in page.text, value
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    assert title is not None and "<" not in title.group(1)


@pytest.mark.parametrize("brief", [
    pytest.param("javascript:alert(306)//", id="script-url"),
    pytest.param("../../outside/secret", id="path"),
    pytest.param("Other Brief", id="not-an-id"),
])
def test_further_question_brief_must_be_a_valid_id(make_project: Callable[..., Path], brief: str) -> None:
    manifest = f"title: T\nsections:\n  - one\nfurther_questions:\n  - question: Where next?\n    brief: {yaml_quote(brief)}\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest})
    result = build_html(project, "-a", "press")
    for page in (page for page in (project / "output").glob("*.html") if page.name not in OUTPUT_INDEX):
        html = page.read_text(encoding="utf-8")
        assert unsafe_markup(html) == []
        assert f'href="{brief}' not in html.replace("&#34;", '"'), "the value became a link"
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    line = [text for text in result.stderr.splitlines() if re.match(r"briefs/b\.yaml:[56]: ", text)]
    assert line and brief in line[0], result.stderr


@pytest.mark.slow
def test_deeply_nested_yaml_is_a_clean_error(make_project: Callable[..., Path]) -> None:
    deep = "[" * 1000 + "]" * 1000
    project = make_project({**BASE, "briefs/b.yaml": f"title: T\nsections:\n  - one\nauthors: {deep}\n"})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/b.yaml:")


@pytest.mark.slow
def test_deeply_nested_front_matter_is_a_clean_error(make_project: Callable[..., Path]) -> None:
    deep = "[" * 1000 + "]" * 1000
    project = make_project({**BASE, "briefs/sections/one.md": f"---\ntitle: One\ntags: {deep}\n---\nBody.\n"})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:")


def test_yaml_alias_bomb_is_not_expanded(make_project: Callable[..., Path]) -> None:
    """A billion-laughs manifest: briefgen reads YAML nodes, so aliases are never multiplied out."""
    levels = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 10)}]\n" for i in range(9))
    manifest = f"title: T\nsections:\n  - one\n{levels}authors: *l8\nnocite: *l8\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/b.yaml:4:", "unknown key 'l0'")
    assert_clean_error(result, "briefs/b.yaml:", "each item of 'authors'")

"""libyaml, when present, gives the same node trees (values, tags, lines) as PyYAML's parser."""

from __future__ import annotations

import pytest
import yaml

from briefgen.load.yaml_fields import _FAST_LOADER
from conftest import FIXTURES_DIR, REPO_ROOT


def shape(node: yaml.Node) -> object:
    mark = (node.start_mark.line, node.start_mark.column, node.end_mark.line)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style or None, mark)  # plain: None in PyYAML, "" in libyaml
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, mark, [shape(child) for child in node.value])
    return ("mapping", node.tag, mark, [(shape(key), shape(value)) for key, value in node.value])


def yaml_texts() -> list[tuple[str, str]]:
    texts = []
    for root in (REPO_ROOT, FIXTURES_DIR / "basic"):
        for path in sorted((root / "briefs").rglob("*.yaml")):
            texts.append((str(path.relative_to(root)), path.read_text(encoding="utf-8")))
        for path in sorted((root / "briefs/sections").glob("*.md")):
            texts.append((str(path.relative_to(root)), path.read_text(encoding="utf-8").split("---\n")[1]))
    for path in sorted((REPO_ROOT / "src/briefgen/audiences").glob("*.yaml")):
        texts.append((path.name, path.read_text(encoding="utf-8")))
    return texts


@pytest.mark.skipif(_FAST_LOADER is None, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize(("name", "text"), [pytest.param(n, t, id=n) for n, t in yaml_texts()])
def test_libyaml_and_pyyaml_give_the_same_nodes(name: str, text: str) -> None:
    assert shape(yaml.compose(text, Loader=_FAST_LOADER)) == shape(yaml.compose(text, Loader=yaml.SafeLoader))

"""The README's map of the source names every module in the tree, and nothing that is not there."""

from __future__ import annotations

import re

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "briefgen"


def source_map() -> dict[str, set[str]]:
    """Top-level entry (``cli.py``, ``build/``) → the modules its lines name (packages only)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\nsrc/briefgen/\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README.md has a map of the source: a code block starting with src/briefgen/"
    entries: dict[str, set[str]] = {}
    current = ""
    for line in block.group(1).splitlines():
        head = re.match(r"  (\S+)", line)
        if head:
            current = head.group(1)
            entries[current] = set()
        names = re.findall(r"\b([a-z_]+\.py)\b", line[2 + len(current):] if head else line)
        entries[current].update(names)
    return entries


def tree() -> dict[str, set[str]]:
    entries: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.iterdir()):
        if path.name == "__pycache__" or path.name.startswith("."):
            continue
        if path.is_dir():
            entries[f"{path.name}/"] = {p.name for p in path.glob("*.py") if p.name != "__init__.py"}
        elif path.suffix == ".py" and path.name not in ("__init__.py", "__main__.py"):
            entries[path.name] = set()
    return entries


def test_the_readme_maps_every_top_level_module_and_folder() -> None:
    assert set(source_map()) == set(tree()), "README.md's source map and src/briefgen/ list other entries"


def test_the_readme_names_every_module_of_each_package() -> None:
    mapped = source_map()
    for package, modules in tree().items():
        if not package.endswith("/"):
            continue
        assert mapped.get(package, set()) == modules, f"README.md's source map: {package} lists other modules"


def test_few_modules_are_left_loose_and_none_is_long() -> None:
    loose = [path.name for path in PACKAGE.glob("*.py")]
    assert len(loose) <= 8, loose
    long = {str(path.relative_to(PACKAGE)): count for path in PACKAGE.rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}, f"modules over 400 lines: {long}"

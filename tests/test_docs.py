"""The code examples of the README and the docs run, and the layering holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from mktestdocs import check_md_file

from .support import ROOT

# docs/changelog.md is generated from CHANGELOG.md by the docs build: not a source.
DOC_FILES = [
    ROOT / "README.md",
    *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "changelog.md"),
]


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
def test_markdown_python_examples_run(path: Path) -> None:
    check_md_file(fpath=path, memory=True)


# Each module may import only from modules of an earlier (lower) layer, or its own.
LAYERS = [
    "_public",
    "_gc",
    "models",
    "_lazy",
    "_parsing",
    "http",
    "envelopes",
    "_stream",
    "classification",
    "validation",
    "summary",
    "schema",
    "lifecycle",
    "export",
    "pull",
    "_fake_okta",
    "testing",
    "cli",
]
PACKAGE = ROOT / "src" / "okta_pki_events"


def _layer(module: str) -> int:
    head = module.split(".")[0]
    return LAYERS.index(head) if head in LAYERS else -1


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_modules_import_only_from_lower_layers(path: Path) -> None:
    rel = path.relative_to(PACKAGE).with_suffix("")
    own = _layer(".".join(rel.parts))
    if own < 0:
        return  # __init__, __main__: the package's front, re-exporting every layer
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level == 0 and not node.module.startswith("okta_pki_events"):
                continue
            target = node.module.removeprefix("okta_pki_events.")
            if node.level >= 2 or (node.level == 1 and rel.parts[0] != "models") or node.level == 0:
                assert _layer(target) <= own, f"{rel} imports {target}"

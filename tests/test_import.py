"""``import okta_pki_events`` imports nothing else (PEP 562); a call imports what it needs."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys

import pytest

import okta_pki_events
from okta_pki_events import models


def imported_after(code: str) -> set[str]:
    """The ``okta_pki_events`` modules and pydantic, as imported by ``code`` in a new process."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith('okta_pki_events') or m == 'pydantic')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_importing_the_package_imports_nothing_else() -> None:
    assert imported_after("import okta_pki_events") == {"okta_pki_events"}


@pytest.mark.parametrize(
    ("name", "absent"),
    [
        ("parse_event", ["_stream", "lifecycle", "export", "classification", "validation"]),
        ("PkiCertIssueEvent", ["_parsing", "_stream", "lifecycle", "export", "envelopes"]),
        ("classify", ["_stream", "lifecycle", "export", "validation", "schema"]),
        ("iter_events", ["lifecycle", "export", "validation", "schema"]),
    ],
)
def test_a_name_imports_only_what_it_needs(name: str, absent: list[str]) -> None:
    loaded = imported_after(f"from okta_pki_events import {name}")
    assert "pydantic" in loaded
    for module in absent:
        assert f"okta_pki_events.{module}" not in loaded


def test_every_public_name_resolves_once() -> None:
    names = okta_pki_events.__all__
    assert len(names) == len(set(names))
    assert {n for n in names if n in models.__all__} == {
        n for n, module in okta_pki_events._LAZY.items() if module == "models"
    }
    for name in names:
        assert getattr(okta_pki_events, name) is not None
    assert set(names) <= set(dir(okta_pki_events))
    assert okta_pki_events.lifecycle.__name__ == "okta_pki_events.lifecycle"
    with pytest.raises(AttributeError, match="no attribute 'parse_events'"):
        _ = okta_pki_events.parse_events  # type: ignore[attr-defined]


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from okta_pki_events import *", namespace)
    assert set(okta_pki_events.__all__) <= set(namespace)


def test_what_type_checkers_see_is_what_runs() -> None:
    """The ``TYPE_CHECKING`` imports agree with the lazy table, the deprecated names, __all__."""
    tree = ast.parse(inspect.getsource(okta_pki_events))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    imports = [
        (node.module, alias)
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module not in (None, "typing")
        for alias in node.names
        if alias.name != "*"
    ]
    exported = {(module, a.name) for module, a in imports if a.asname is None}
    # A deprecated name is re-exported for type checkers by ``import X as X`` (not in __all__).
    deprecated = {(module, a.name) for module, a in imports if a.asname == a.name}
    assert len(exported) + len(deprecated) == len(imports)
    assert exported == {(module, name) for name, module in okta_pki_events._LAZY.items()}
    assert deprecated == {(module, name) for name, module in okta_pki_events._MOVED.items()}
    assert set(okta_pki_events.__all__) == {"__version__", *okta_pki_events._LAZY}

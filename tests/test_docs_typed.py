"""The examples users copy into typed code are checked as typed code.

Each is kept verbatim under ``tests/typing/``, where ``make typecheck`` runs mypy --strict
and pyright (strict) on it; this test keeps the copy equal to the page's block. (The
README's first example failed both: ``event.actor`` and ``event.outcome`` may be absent.)
"""

from __future__ import annotations

import re

import pytest

from .support import ROOT

TYPED = ROOT / "tests" / "typing"

# (the page, a text only its block holds, the checked copy)
EXAMPLES = [
    ("README.md", "parse_event(raw_json_line)", "doc_readme.py"),
    ("docs/recipes.md", "def handle(", "doc_recipes_hook.py"),
    ("docs/recipes.md", "def handler(", "doc_recipes_lambda.py"),
]


def block(page: str, marker: str) -> str:
    """The one Python block of ``page`` that holds ``marker``."""
    text = (ROOT / page).read_text(encoding="utf-8")
    found: list[str] = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if marker in b]
    assert len(found) == 1, f"one Python block of {page} holds {marker!r}"
    return found[0]


@pytest.mark.parametrize(("page", "marker", "copy"), EXAMPLES, ids=[e[2] for e in EXAMPLES])
def test_the_checked_copy_is_the_page_s_block(page: str, marker: str, copy: str) -> None:
    checked = (TYPED / copy).read_text(encoding="utf-8")
    assert checked.endswith("\n" + block(page, marker)), (
        f"the block of {page} changed: copy it to tests/typing/{copy} (after its header), "
        "where mypy --strict and pyright check it"
    )


def test_a_changed_block_is_caught() -> None:
    checked = (TYPED / "doc_readme.py").read_text(encoding="utf-8")
    original = block("README.md", "parse_event(raw_json_line)")
    assert checked.endswith(original)
    assert not checked.endswith(original.replace("and event.outcome", ""))

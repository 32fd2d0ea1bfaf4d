"""The figures the docs quote are those of the latest quiet runs in ``benchmarks/RESULTS.md``.

``RESULTS.md`` opens with a table of the latest full ``make bench`` runs on a quiet machine,
one column per run (headed ``HH:MM run (...)``) beside older columns. The performance page
quotes the range of each headline ratio over those runs; when a new set of runs replaces the
table, this test names each figure the page must now quote.
"""

from __future__ import annotations

import re

import pytest

from .support import ROOT

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
PERFORMANCE = ROOT / "docs" / "performance.md"
README = ROOT / "README.md"

_RUN_COLUMN = re.compile(r"^\d{1,2}:\d{2} run\b")


def latest_runs() -> dict[str, list[str]]:
    """Each row of the latest quiet runs' table: its cells in the columns of those runs."""
    text = RESULTS.read_text(encoding="utf-8")
    section = re.search(r"^## The latest full runs.*?(?=^## )", text, re.S | re.M)
    assert section, "RESULTS.md opens with '## The latest full runs ...'"
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.group(0).splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    header, body = rows[0], rows[1:]
    runs = [i for i, name in enumerate(header) if _RUN_COLUMN.match(name)]
    assert len(runs) >= 2, f"no run columns ('HH:MM run ...') in {header}"
    return {row[0]: [row[i] for i in runs] for row in body}


def ratios(cells: list[str], nth: int = 0) -> list[float]:
    """The ``nth`` ratio (``1.23x``) of each cell."""
    return [float(re.findall(r"(\d+(?:\.\d+)?)x", cell)[nth]) for cell in cells]


def row(table: dict[str, list[str]], start: str) -> list[str]:
    found = [cells for name, cells in table.items() if name.startswith(start)]
    assert len(found) == 1, f"one row of the latest runs starts with {start!r}"
    return found[0]


def span(values: list[float], digits: int) -> str:
    """``0.65-0.71``: the range of the values as the docs write it (one value: itself)."""
    low, high = f"{min(values):.{digits}f}", f"{max(values):.{digits}f}"
    return low if low == high else f"{low}-{high}"


def expected_quotes() -> list[str]:
    table = latest_runs()
    eager = ratios(row(table, "eager `parse_event`"))
    lazy = ratios(row(table, "lazy `parse_event`"))
    lazy_stream = ratios(row(table, "lazy `iter_events`"))
    mixed = row(table, "mixed stream")
    fast, plain = ratios(mixed, 0), ratios(mixed, 1)
    imports = [[int(n) for n in re.findall(r"(\d+) ms", c)] for c in row(table, "imports")]
    fold = ratios(row(table, "lifecycle fold in-stream"))
    python_fold = ratios(row(table, "the same, report folded in Python"))
    files = row(table, "`lifecycles_from` vs")
    return [
        f"({span(fold, 1)}x less than parsing",
        f"{span(python_fold, 1)}x with the report folded in Python",
        f"about {span(ratios(files, 0), 1)} times as fast as parsing and folding",
        f"(about {span(ratios(files, 2), 1)} times without the `fast` extra)",
        f"({span(eager, 2)}x in the latest quiet runs",
        f"about {span(lazy, 1)} times `json.loads` per event",
        f"({span(lazy_stream, 1)} times through `iter_events` over a file)",
        f"{span(plain, 1)} times as fast as `json.loads` over a 1%-PKI stream",
        f"({span(fast, 1)} times with the `fast` extra",
        f"({span([f / p for f, p in zip(fast, plain, strict=True)], 2)}x in the latest quiet runs)",
        f"(a fresh `python -c` of it: {span([float(i[0]) for i in imports], 0)} ms)",
        f"takes {span([float(i[1]) for i in imports], 0)} ms on an idle machine",
        f"pydantic's own import {span([float(i[2]) for i in imports], 0)} ms",
    ]


@pytest.mark.parametrize("quote", expected_quotes())
def test_the_performance_page_quotes_the_latest_quiet_runs(quote: str) -> None:
    page = " ".join(PERFORMANCE.read_text(encoding="utf-8").split())  # lines wrapped anywhere
    assert quote in page, (
        f"docs/performance.md should say {quote!r}: the range over the latest quiet runs at "
        "the top of benchmarks/RESULTS.md (update the page when the runs change)"
    )


def test_the_readme_quotes_the_fast_extra_as_the_page_does() -> None:
    mixed = row(latest_runs(), "mixed stream")
    gains = [f / p for f, p in zip(ratios(mixed, 0), ratios(mixed, 1), strict=True)]
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert f"(about {sum(gains) / len(gains):.1f}x faster on" in readme


def test_the_ranges_are_written_as_the_docs_write_them() -> None:
    assert span([0.68, 0.71, 0.65], 2) == "0.65-0.71"
    assert span([1.496, 1.48, 1.40], 1) == "1.4-1.5"
    assert span([12.0, 12.0], 0) == "12"

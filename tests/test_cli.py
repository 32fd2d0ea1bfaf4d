"""The command-line tool, run as a subprocess like a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .support import ROOT

EXAMPLE = ROOT / "examples" / "pki-events.ndjson"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okta_pki_events", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_summary_counts_each_type_of_the_example_data() -> None:
    result = run("summary", EXAMPLE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[-1] == "pki.cert.issue" for line in lines)
    assert lines[-1].split()[1:] == ["parsed;", "4", "failed"]

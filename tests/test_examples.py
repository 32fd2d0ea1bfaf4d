"""``examples/quickstart.py``, the library's part of ``make demo``, runs and says what it read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_quickstart_runs_from_anywhere(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,  # the data is found beside the script, not in the working directory
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("broken: ") for line in lines) == 4
    assert "StreamStats(read=4107, parsed=4073, failed=4, skipped=30)" in lines
    assert any(line.startswith("pki.cert.lifecycle.revoke at ") for line in lines)
    assert any(line.startswith("LifecycleReport(certificates=1500,") for line in lines)
    assert lines[-1].startswith("crt")
    assert " -> " in lines[-1]

"""Issue 9 through the command line: what the old reader got wrong, as a user runs it."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest

from okta_pki_events.testing import make_wire_event

from .support import run_cli


def run(*args: str | Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    """The command as a user runs it; standard input as raw bytes (any encoding), text out."""
    done = run_cli(*args, stdin=stdin)
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def lines(n: int) -> list[str]:
    return [json.dumps(make_wire_event("pki.cert.issue", uuid=f"u{i}")) for i in range(n)]


def summary_line(n: int, failed: int) -> str:
    if not failed:
        return f"{n} records: {n} valid, 0 invalid (all valid)"
    return f"{n + failed} records: {n} valid, {failed} invalid"


def test_a_file_named_with_a_bracket_is_read(tmp_path: Path) -> None:
    path = tmp_path / "[prod] okta.ndjson"
    path.write_text("\n".join(lines(3)) + "\n")
    result = run("validate", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == summary_line(3, 0)


@pytest.mark.parametrize("cut", ['{"uuid": "x",', '{"uuid": "x", "actor": {', '{"target": ['])
def test_a_cut_first_line_is_one_failure(tmp_path: Path, cut: str) -> None:
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join([cut, *lines(50)]) + "\n")
    result = run("validate", path)
    assert result.returncode == 1
    out = result.stdout.strip().splitlines()
    assert out[0].startswith(f"{path}:1: (record): Invalid JSON: EOF while parsing")
    assert out[-1] == summary_line(50, 1)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_and_utf16(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(json.dumps([json.loads(x) for x in lines(4)], indent=2).encode(encoding))
    result = run("validate", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == summary_line(4, 0)
    piped = run("validate", "-", stdin=("\n".join(lines(2))).encode("utf-16"))
    assert piped.stdout.strip().splitlines()[-1] == summary_line(2, 0)


def test_a_truncated_gzip_reports_its_line_and_keeps_what_came_before(tmp_path: Path) -> None:
    packed = gzip.compress(("\n".join(lines(300)) + "\n").encode())
    path = tmp_path / "export.ndjson.gz"
    path.write_bytes(packed[: len(packed) // 2])
    result = run("validate", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (failure,) = [x for x in result.stdout.splitlines() if x.startswith(str(path))]
    assert "truncated gzip data" in failure
    valid = int(result.stdout.strip().splitlines()[-1].split(" valid")[0].split()[-1])
    assert valid > 10
    assert failure.startswith(f"{path}:{valid + 1}: ")
    for command in ("summary", "lifecycle"):
        other = run(command, path)
        assert "Traceback" not in other.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 1000 + b"]" * 1000 + b"\n",
        b'[\n{"uuid": "\xff"},\n' + lines(1)[0].encode() + b"\n]\n",
        b"\x1f\x8b\x08\x00garbage",
        b"\xff\xfe\x00\xd8",
    ],
)
def test_hostile_input_never_prints_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    for command in ("validate", "summary", "lifecycle"):
        result = run(command, path)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result.stderr
    assert "invalid" in run("validate", path).stdout


def test_a_gzip_bomb_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ndjson.gz"
    with gzip.open(path, "wb") as handle:
        for _ in range(24):
            handle.write(b"\0" * (1 << 20))
        handle.write(b"\n" + lines(1)[0].encode() + b"\n")
    result = run("validate", path)
    assert result.returncode == 1
    out = result.stdout.strip().splitlines()
    assert out[0] == f"{path}:1: record over max_record_bytes (16,777,216 bytes): not read"
    assert out[-1] == summary_line(1, 1)


@pytest.mark.parametrize("command", ["validate", "summary", "export", "lifecycle"])
def test_max_record_bytes_is_an_option_of_every_command_that_reads(
    tmp_path: Path, command: str
) -> None:
    path = tmp_path / "export.ndjson"
    big = json.loads(lines(1)[0]) | {"uuid": "big", "displayMessage": "x" * 5000}
    path.write_text("\n".join([*lines(2), json.dumps(big)]) + "\n")
    extra = ["--format", "ndjson", "-o", "-"] if command == "export" else []
    small = run(command, *extra, "--max-record-bytes", "4000", path)
    assert small.returncode in (0, 1), small.stderr
    default = run(command, *extra, path)
    assert default.returncode == 0, default.stderr
    if command == "validate":
        out = small.stdout.strip().splitlines()
        assert out[0] == f"{path}:3: record over max_record_bytes (4,000 bytes): not read"
        assert out[-1] == summary_line(2, 1)
    elif command == "export":
        assert [json.loads(x)["uuid"] for x in small.stdout.splitlines()] == ["u0", "u1"]
        assert "big" in default.stdout
    else:
        assert small.stdout != default.stdout  # the big record is counted invalid
    refused = run(command, *extra, "--max-record-bytes", "0", path)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "--max-record-bytes" in refused.stderr

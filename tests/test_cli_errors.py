"""No traceback reaches a CLI user: unwritable outputs and defects are one line, with a code."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from okta_pki_events.cli import main, summary
from okta_pki_events.cli._shared import INTERNAL_ERROR, TRACEBACK_ENV, USAGE_ERROR
from okta_pki_events.testing import make_wire_event

from .support import run_cli


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.ndjson"
    path.write_text(json.dumps(make_wire_event("pki.cert.issue")) + "\n")
    return path


def _unwritable(tmp_path: Path) -> Path:
    """A path in a directory that does not exist, under a file (root can write anywhere else)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return blocker / "out"


@pytest.mark.parametrize("output_format", ["csv", "parquet"])
def test_an_output_that_cannot_be_written_is_one_line_exit_2(
    events: Path, tmp_path: Path, output_format: str
) -> None:
    # found while working, not in the command line: one line, not click's usage shape
    target = _unwritable(tmp_path)
    result = run_cli("export", events, "--format", output_format, "-o", target)
    assert result.returncode == USAGE_ERROR, result.stderr
    assert b"Traceback" not in result.stderr + result.stdout
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1
    # the path the user gave, not the temporary file's (it named out.parquet-partial.partial)
    assert lines[0] == (
        f"okta-pki-events: error: cannot write {target}: {target.parent} is not a directory"
    )
    missing = tmp_path / "missing" / "out"
    result = run_cli("export", events, "--format", output_format, "-o", missing)
    assert result.returncode == USAGE_ERROR
    assert result.stderr.decode() == (
        f"okta-pki-events: error: cannot write {missing}: {missing.parent} does not exist\n"
    )


def test_a_defect_is_one_line_and_exit_70(events: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a defect")

    monkeypatch.setattr(summary, "summarize", broken)
    monkeypatch.delenv(TRACEBACK_ENV, raising=False)
    result = CliRunner().invoke(main, ["summary", str(events)])
    assert result.exit_code == INTERNAL_ERROR == 70
    assert result.stderr.splitlines() == [
        "okta-pki-events: internal error: RuntimeError: a defect (a defect: please report it; "
        f"{TRACEBACK_ENV}=1 shows the traceback)"
    ]
    monkeypatch.setenv(TRACEBACK_ENV, "1")
    shown = CliRunner().invoke(main, ["summary", str(events)])
    assert isinstance(shown.exception, RuntimeError)


def test_a_missing_extra_is_named_in_one_line(
    events: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def needs_an_extra(*_: object) -> None:
        raise ModuleNotFoundError("No module named 'polars'", name="polars")

    monkeypatch.setattr(summary, "summarize", needs_an_extra)
    monkeypatch.delenv(TRACEBACK_ENV, raising=False)
    result = CliRunner().invoke(main, ["summary", str(events)])
    assert result.exit_code == USAGE_ERROR
    (line,) = result.stderr.splitlines()
    assert line.startswith("okta-pki-events: error: this needs polars, which is not installed")


def test_the_command_without_the_cli_extra_says_which_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['click'] = None\n"  # as if the cli extra were not installed
        "from okta_pki_events.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == USAGE_ERROR
    assert result.stderr == (
        "okta-pki-events: error: the command-line tool needs click: "
        "pip install 'okta-pki-events[cli]'\n"
    )


@pytest.mark.parametrize(
    ("start", "said"),
    [
        (b"PK\x03\x04", "is a zip archive, not JSON text: extract it first"),
        (b"PAR1", "is a Parquet file, not JSON text"),
        (b"BZh91AY&SY", "is bzip2-compressed (only gzip is read)"),
        (b"\xfd7zXZ\x00\x00", "is xz-compressed (only gzip is read)"),
        (b"\x28\xb5\x2f\xfd", "is zstd-compressed (only gzip is read)"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "summary", "export", "lifecycle"])
def test_a_file_that_is_not_json_text_says_what_it_is(
    tmp_path: Path, start: bytes, said: str, command: str
) -> None:
    path = tmp_path / "export.ndjson"
    path.write_bytes(start + b"\x00\x01 binary\nmore\x02\n")
    extra = ["--format", "csv", "-o", str(tmp_path / "out.csv")] if command == "export" else []
    result = CliRunner().invoke(main, [command, *extra, str(path)])
    assert result.exit_code == 1, result.stderr  # every record was still tried and counted
    assert "2 records read, none valid" in result.stderr
    assert f"; {path} {said}" in result.stderr


def test_no_hint_for_what_may_be_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.ndjson"
    path.write_bytes(b'{"uuid": \nPK\x03\x04\n')  # a zip's bytes later in the file: no hint
    result = CliRunner().invoke(main, ["summary", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"okta-pki-events: no valid records in {path}: 2 records read, none valid "
        "(run validate for details)"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_the_hint_never_reopens_a_pipe(tmp_path: Path) -> None:
    # a named pipe is read once: opening it again for the hint waited for a writer forever
    fifo = tmp_path / "events.ndjson"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as pipe:  # waits for the reader (the command)
            pipe.write(b"PK\x03\x04 not json\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = run_cli("validate", fifo)
    writer.join(10)
    assert result.returncode == 1, result.stderr
    assert f"no valid records in {fifo}: 1 record read, none valid" in result.stderr.decode()


# -- an input cut short: a download that stopped (truncated gzip) ------------------------------


@pytest.fixture
def cut_gzip(tmp_path: Path) -> Path:
    """Forty events, gzip-compressed, the file cut in its second half: some events read."""
    lines = "".join(
        json.dumps(make_wire_event("pki.cert.issue", certificate_id=f"crt{n}")) + "\n"
        for n in range(40)
    )
    packed = gzip.compress(lines.encode(), mtime=0)
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(packed[: len(packed) * 3 // 4])
    return path


CUT_SUFFIX = ": truncated gzip data: the compressed stream ends early; nothing after it was read"


@pytest.mark.parametrize(
    ("args", "then"),
    [
        (["summary"], ""),
        (["summary", "--json"], ""),
        (["lifecycle"], ""),  # lifecycles_from
        (["lifecycle", "--json"], ""),
        (["lifecycle", "--input-format", "ndjson"], ""),  # the full reader
        (["export", "--format", "ndjson", "-o", "OUT"], "; nothing written"),
        (["export", "--format", "parquet", "-o", "OUT"], "; nothing written"),
        (["export", "--format", "ecs", "-o", "-"], "; the output is cut short after"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_an_input_cut_short_is_named_and_exits_1(
    cut_gzip: Path, tmp_path: Path, args: list[str], then: str
) -> None:
    # It was counted as one invalid record among others: exit 0, a summary of part of the file
    # that looked like the whole, an export that stopped halfway written as complete.
    out = tmp_path / "out"
    result = run_cli(*[str(out) if a == "OUT" else a for a in args], cut_gzip)
    assert result.returncode == 1, result.stderr
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    last = stderr.splitlines()[-1]
    assert last.startswith(f"okta-pki-events: {cut_gzip}:")
    assert CUT_SUFFIX + then in last
    assert not out.exists()  # an export of part of the input is not written
    if args[0] in ("summary", "lifecycle"):
        assert result.stdout  # the report of what was read before the cut is printed
    if args[-1] == "-":
        written = result.stdout.count(b"\n")
        assert written > 1  # the lines streamed before the cut stay written, and are counted
        assert f"cut short after {written:,} events" in last


@pytest.mark.parametrize("as_json", [False, True])
def test_validate_says_the_rest_of_a_cut_input_was_not_read(cut_gzip: Path, as_json: bool) -> None:
    # the cut was one failure line among the invalid records, the count read as the file's
    result = run_cli("validate", cut_gzip, *(["--json"] if as_json else []))
    assert result.returncode == 1
    stderr = result.stderr.decode().splitlines()
    assert len(stderr) == 1
    assert stderr[0].startswith(f"okta-pki-events: {cut_gzip}:")
    assert stderr[0].endswith(CUT_SUFFIX)
    if not as_json:  # the failure at its line, as before
        assert f"{cut_gzip}:" in result.stdout.decode().splitlines()[-2]


def test_an_input_cut_at_its_first_record_says_so(tmp_path: Path) -> None:
    path = tmp_path / "tiny.ndjson.gz"
    path.write_bytes(gzip.compress(json.dumps(make_wire_event("pki.cert.issue")).encode())[:30])
    for command in ("summary", "lifecycle"):
        result = run_cli(command, path)
        assert result.returncode == 1
        assert result.stderr.decode().splitlines() == [f"okta-pki-events: {path}:1{CUT_SUFFIX}"], (
            command
        )

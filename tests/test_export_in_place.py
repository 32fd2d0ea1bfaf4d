"""An output that is a link, a device or a pipe is written through, never replaced."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from okta_pki_events import iter_events
from okta_pki_events.export import write_parquet

from .support import cli, pki_fixture

TYPES = ["pki.cert.issue", "pki.cert.bind", "pki.cert.revoke"]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(pki_fixture(t)) + "\n" for t in TYPES))
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_export_to_a_named_pipe_writes_into_it(source: Path, tmp_path: Path) -> None:
    # The file was written beside the pipe and renamed onto it: the pipe was gone (as root,
    # so was /dev/stdout or /dev/null) and its reader got nothing.
    fifo = tmp_path / "out.ndjson"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = cli("export", "--format", "ndjson", "--output", fifo, source)
        assert result.exit_code == 0, result.output
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        chunks = []
        while chunk := os.read(reader, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(reader)
    assert [e.event_type for e in iter_events(b"".join(chunks))] == TYPES
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("output_format", ["ndjson", "parquet"])
def test_export_to_a_symbolic_link_writes_its_target(
    source: Path, tmp_path: Path, output_format: str
) -> None:
    target = tmp_path / "target"
    target.write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    result = cli("export", "--format", output_format, "--output", link, source)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    if output_format == "parquet":
        assert pq.read_table(target).num_rows == len(TYPES)
    else:
        assert [e.event_type for e in iter_events(target)] == TYPES


def test_write_parquet_to_a_symbolic_link_writes_its_target(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.parquet"
    link = tmp_path / "link.parquet"
    link.symlink_to(target)
    assert write_parquet(source, link) == len(TYPES)
    assert link.is_symlink()
    assert pq.read_table(target).column("eventType").to_pylist() == TYPES

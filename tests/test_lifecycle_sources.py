"""``lifecycles_from``: the lifecycle from files, through the minimal validator."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import (
    ParseFailure,
    RecordError,
    StreamStats,
    build_lifecycles,
    iter_events,
    iter_records,
)
from okta_pki_events.lifecycle import lifecycles_from
from okta_pki_events.testing import (
    EventTypeName,
    make_eventbridge_event,
    make_wire_event,
    wire_events,
)

from .lifecycle_oracle import CERT_TYPES

NON_PKI = {
    "uuid": "n1",
    "published": "2026-01-01T00:00:00.000Z",
    "eventType": "user.session.start",
    "actor": {"id": "u1", "type": "User"},
}


def _write(path: Path, rows: list[Any], gz: bool = False) -> Path:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _reference(*paths: Path) -> Any:
    events = [e for p in paths for e in iter_events(p, only_pki=False, on_error="skip")]
    return build_lifecycles(events)


def _wire(
    event_type: EventTypeName, cert: str, minute: int, uuid: str, **kw: Any
) -> dict[str, Any]:
    return make_wire_event(
        event_type,
        certificate_id=cert,
        device_id=f"d-{cert}",
        published=f"2026-01-01T00:{minute:02d}:00.000Z",
        uuid=uuid,
        **kw,
    )


def _mixed_rows() -> list[Any]:
    rows: list[Any] = [
        _wire("pki.cert.issue", "c1", 0, "u0"),
        _wire("pki.cert.bind", "c1", 1, "u1"),
        _wire("pki.cert.bind", "c1", 1, "u1"),  # redelivered
        _wire("pki.cert.lifecycle.revoke", "c1", 3, "u3"),
        _wire("pki.cert.lifecycle.activate", "c1", 4, "u4"),  # illegal after revoke
        _wire("pki.ca.add", "c1", 2, "ca0", ca_id="ca1"),
        _wire("pki.cert.crl_download_failure", "c1", 5, "crl"),
        NON_PKI,
        [_wire("pki.cert.issue", "c2", 6, "u6")],  # an API page: an array on one line
        make_eventbridge_event(_wire("pki.cert.bind", "c2", 7, "u7")),
        '{"uuid": "broken", "published": ',  # cut
        {**_wire("pki.cert.renew", "c2", 8, "u8"), "published": "yesterday"},
        "",
    ]
    return rows


def test_the_same_report_as_parse_then_fold_with_failures_at_their_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.ndjson", _mixed_rows())
    report = lifecycles_from(path, on_error="collect")
    reference = _reference(path)
    assert dataclasses.replace(report, failures=()) == reference
    assert report.to_json() != ""
    expected = [
        f
        for f in iter_records(path, on_error="collect", only_pki=False)
        if isinstance(f, ParseFailure)
    ]
    assert [(f.line, f.source) for f in report.failures] == [(11, str(path)), (12, str(path))]
    assert [f.message for f in report.failures] == [f.message for f in expected]
    assert "published" in report.failures[1].message
    assert report.certificates["c2"].state is not None
    assert report.ignored == 1
    assert report.duplicates == 1


def test_raise_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.ndjson", _mixed_rows())
    with pytest.raises(RecordError, match=r"a\.ndjson:11"):
        lifecycles_from(path)
    skipped = lifecycles_from(path, on_error="skip")
    assert skipped.failures == ()
    assert skipped.certificates.keys() == {"c1", "c2"}


def test_many_files_directories_globs_and_gzip(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    a = _write(tmp_path / "d" / "a.ndjson", [_wire("pki.cert.issue", "c1", 0, "u0")])
    b = _write(
        tmp_path / "d" / "sub" / "b.jsonl.gz", [_wire("pki.cert.bind", "c1", 1, "u1")], gz=True
    )
    c = tmp_path / "c.json"
    c.write_text(json.dumps([_wire("pki.cert.renew", "c1", 2, "u2")], indent=2))
    (tmp_path / "d" / "notes.txt").write_text("not events")
    whole = _reference(a, b, c)
    assert lifecycles_from([tmp_path / "d", c]) == whole
    assert lifecycles_from([str(tmp_path / "d" / "**" / "*.*json*"), str(c)]) == whole
    assert lifecycles_from([a, b, c]).certificates["c1"].renewals == 1
    with pytest.raises(ValueError, match="no file matches"):
        lifecycles_from(str(tmp_path / "none-*.ndjson"))
    with pytest.raises(ValueError, match="no such file"):
        lifecycles_from(tmp_path / "missing.ndjson")


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(wire_events(), max_size=12), st.data())
def test_any_valid_events_give_the_reference_report(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    # Generated wire events of every type; certificate events drawn from a few keys.
    for row in rows:
        if row["eventType"] in CERT_TYPES and data.draw(st.booleans()):
            row["target"] = [
                {"id": data.draw(st.sampled_from(["c1", "c2"])), "type": "Certificate"},
                {"id": "d1", "type": "Device"},
            ]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / "events.ndjson", rows)
        report = lifecycles_from(path, on_error="collect")
        assert dataclasses.replace(report, failures=()) == _reference(path)


def test_a_truncated_gzip_is_a_failure_at_its_line_after_the_records_before(
    tmp_path: Path,
) -> None:
    rows = [_wire("pki.cert.issue", f"c{i}", i % 60, f"u{i}") for i in range(300)]
    packed = gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode())
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(packed[: len(packed) // 2])
    report = lifecycles_from(path, on_error="collect")
    (failure,) = report.failures
    assert "gzip" in failure.message
    assert len(report.certificates) > 10
    assert failure.line == len(report.certificates) + 1
    with pytest.raises(RecordError, match=r"cut\.ndjson\.gz"):
        lifecycles_from(path)


@pytest.mark.parametrize("check", ["full", "fields"])
@pytest.mark.parametrize(
    "line",
    [
        b"\xef\xbb\xbf" + json.dumps(_wire("pki.cert.revoke", "c1", 2, "u2")).encode(),  # a BOM
        b"\xff\xfe" + json.dumps(_wire("pki.cert.revoke", "c1", 2, "u2")).encode("utf-16-le"),
        b"{\x00}\x00",  # zeros as in UTF-16 text
        b"\x00",
        b"\x0b",  # blanks for str.strip(), not for JSON
        b"\x0c\x0c",
        b"\x1c",
    ],
)
def test_a_line_is_read_in_its_files_encoding_and_blanks(
    tmp_path: Path, line: bytes, check: str
) -> None:
    """A line re-read as ``iter_records`` reads it is read inside its file: its own first
    bytes pick no encoding (a mid-file BOM is no BOM: the line is a failure, never applied),
    and only JSON's blanks make a blank line (nothing else is dropped unreported)."""
    first = json.dumps(_wire("pki.cert.issue", "c1", 1, "u1")).encode()
    path = tmp_path / "a.ndjson"
    path.write_bytes(first + b"\n" + line + b"\n")
    report = lifecycles_from(path, on_error="collect", check=check)  # type: ignore[arg-type]
    expected = [
        f
        for f in iter_records(path, on_error="collect", only_pki=False)
        if isinstance(f, ParseFailure)
    ]
    assert [(f.line, f.message, f.raw) for f in report.failures] == [
        (f.line, f.message, f.raw) for f in expected
    ]
    assert [f.line for f in report.failures] == [2]
    assert dataclasses.replace(report, failures=()) == _reference(path)


@pytest.mark.parametrize(
    "tail",
    [b"", b"\n", b"x" * 3000, b"x" * 3000 + b"\n" + b'{"uuid": "u9", "eventT'],
    ids=["complete", "newline", "oversize-unfinished", "oversize-then-unfinished"],
)
def test_a_source_error_after_an_unfinished_line_as_iter_events(
    tmp_path: Path, tail: bytes
) -> None:
    """A truncated gzip: the unfinished line is the error's text at its line, an unfinished
    oversize line is one failure and the error is at its line, as ``iter_events`` says."""
    first = json.dumps(_wire("pki.cert.issue", "c1", 1, "u1")).encode()
    packed = gzip.compress(first + b"\n" + first + tail)
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(packed[:-12])  # the trailer cut: all the text there, then the error
    stats = StreamStats()
    report = lifecycles_from(path, on_error="collect", max_record_bytes=2048, stats=stats)
    reading = iter_events(path, on_error="collect", only_pki=False, max_record_bytes=2048)
    expected = [f for f in reading if isinstance(f, ParseFailure)]
    assert [(f.line, f.message, f.raw) for f in report.failures] == [
        (f.line, f.message, f.raw) for f in expected
    ]
    assert "gzip" in report.failures[-1].message
    assert (stats.read, stats.failed) == (reading.stats.read, reading.stats.failed)

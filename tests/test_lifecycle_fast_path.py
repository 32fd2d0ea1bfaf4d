"""The lifecycle's fast path (``lifecycles_from``, ``lifecycle PATH``) against the full reader
(``lifecycle -``): bounded lines, one type filter rule, unknown types filtered, non-PKI
records counted alike, a JSON document for an empty input."""

from __future__ import annotations

import dataclasses
import gzip
import json
import tracemalloc
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from okta_pki_events import ParseFailure, StreamStats, iter_events, iter_records
from okta_pki_events._stream.sources import OversizeLine, _split_lines
from okta_pki_events.lifecycle import build_lifecycles, lifecycles_from
from okta_pki_events.testing import make_wire_event

from .support import cli
from .support import write_ndjson as write


def _both(path: Path, *args: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The --json documents of the fast path (PATH) and of the full reader (- < PATH)."""
    fast = cli("lifecycle", path, "--json", *args)
    full = cli("lifecycle", "-", "--json", *args, stdin=path.read_bytes())
    assert fast.exit_code == full.exit_code, (fast.output, full.output)
    return json.loads(fast.stdout), json.loads(full.stdout)


def _cert(uuid: str, event_type: str = "pki.cert.issue", **wire: Any) -> dict[str, Any]:
    row = make_wire_event(
        "pki.cert.issue", certificate_id=f"c-{uuid}", uuid=uuid, published="2026-01-01T00:00:00Z"
    )
    row["eventType"] = event_type
    return row | wire


@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=17),
    st.booleans(),
)
def test_split_lines_bounds_every_line_whatever_the_chunking(
    lines: list[bytes], limit: int, chunk: int, final_newline: bool
) -> None:
    text = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    chunks = iter([text[i : i + chunk] for i in range(0, len(text), chunk)])
    got = list(_split_lines(chunks, limit))
    pieces = text.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
        ends = [True] * len(pieces)
    else:
        ends = [True] * (len(pieces) - 1) + [False]
    expected: list[bytes | OversizeLine] = [
        OversizeLine(p[:200], len(p), limit) if len(p) > limit else p + b"\n" * end
        for p, end in zip(pieces, ends, strict=True)
    ]
    assert got == expected


def test_an_oversize_line_is_one_failure_and_the_file_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ndjson.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(json.dumps(_cert("a")) + "\n")
        handle.write('{"x": "' + "0" * (20 * 1024 * 1024) + '"}\n')  # over the 16 MiB default
        handle.write(json.dumps(_cert("b")) + "\n")
    lifecycles_from(write(tmp_path / "warm.ndjson", _cert("w")))  # imports outside the count
    tracemalloc.start()
    try:
        lifecycles_from(path, on_error="collect", max_record_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024  # the 20 MiB line is never held, only up to the limit
    report = lifecycles_from(path, on_error="collect")  # the 16 MiB default
    assert sorted(report.certificates) == ["c-a", "c-b"]
    [failure] = report.failures
    assert failure.line == 2
    assert "max_record_bytes" in str(failure.error)
    small = lifecycles_from(path, on_error="collect", max_record_bytes=100)
    assert [f.line for f in small.failures] == [1, 2, 3]
    # the same failures, messages included, as iter_events gives
    stream = iter_events(path, on_error="collect", max_record_bytes=100)
    expected = [(f.line, str(f.error)) for f in stream if isinstance(f, ParseFailure)]
    assert [(f.line, str(f.error)) for f in small.failures] == expected
    result = cli("lifecycle", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stats"]["failed"] == 1


def test_type_filter_is_the_canonical_rule_on_both_paths(tmp_path: Path) -> None:
    crl = make_wire_event("pki.cert.crl_download_failure", uuid="f1", certificate_id="c1")
    alias = crl | {"uuid": "f2", "eventType": "pki.cert.lifecycle.crl_download_failure"}
    path = write(tmp_path / "crl.ndjson", crl, alias, _cert("i1"))
    for wanted in ("pki.cert.crl_download_failure", "pki.cert.lifecycle.crl_download_failure"):
        fast, full = _both(path, "--type", wanted)
        assert fast == full
        assert fast["crl_failures_total"] == 2
        assert fast["certificates_total"] == 0


def test_unknown_pki_types_are_filtered_like_the_others(tmp_path: Path) -> None:
    path = write(tmp_path / "u.ndjson", _cert("i1"), _cert("q1", "pki.cert.quarantine"))
    fast, full = _both(path, "--type", "pki.ca.*")
    assert fast == full
    assert fast["unknown_types"] == {}
    fast, full = _both(path, "--type", "pki.cert.q*")
    assert fast == full
    assert fast["unknown_types"] == {"pki.cert.quarantine": 1}
    assert fast["certificates_total"] == 0
    kept = lifecycles_from(path, keep=lambda record: record.kind != "unknown")
    assert kept.unknown_types == {}
    assert lifecycles_from(path).unknown_types == {"pki.cert.quarantine": 1}


def test_non_pki_records_are_counted_alike(tmp_path: Path) -> None:
    other = _cert("s1", "user.session.start")
    path = write(tmp_path / "mixed.ndjson", _cert("i1"), other, other | {"uuid": "s2"})
    fast, full = _both(path)
    assert fast == full
    assert fast["ignored"] == 2
    assert fast["stats"]["skipped"] == 2


def test_an_empty_input_still_writes_the_json_document(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.ndjson")
    fast = cli("lifecycle", path, "--json")
    full = cli("lifecycle", "-", "--json", stdin=b"")
    for result in (fast, full):
        assert result.exit_code == 1
        data = json.loads(result.stdout)
        assert data["certificates_total"] == 0
        assert data["stats"]["read"] == 0
        assert "no records" in result.stderr
    assert cli("lifecycle", path).exit_code == 1


_HOSTILE = [
    json.dumps(_cert("h1", client=5)),  # a field the lifecycle does not read, broken
    json.dumps(_cert("h2", request={"ipChain": "nope"})),
    json.dumps(_cert("h3", actor={"id": 7, "type": "User"})),
    json.dumps(_cert("h4", published="2026-13-01T00:00:00Z")),
    json.dumps(_cert("h5", target="none")),
    json.dumps(_cert("h6", outcome={"result": ["SUCCESS"]})),
    json.dumps([_cert("h7"), _cert("h8", client=[])]),  # an array on one line
    json.dumps({"version": "0", "detail": _cert("h9")}),  # an EventBridge envelope
    json.dumps(_cert("h10", "pki.cert.quarantine", debugContext=3)),
    '{"eventType": "pki.cert.issue"',
    "",
    "null",
]


def test_full_check_equals_the_full_reader(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "examples" / "pki-events.ndjson"
    path = tmp_path / "hostile.ndjson"
    path.write_bytes(example.read_bytes() + "\n".join(_HOSTILE).encode() + b"\n")
    fast = lifecycles_from(path, on_error="collect")
    stream = list(iter_records(path, on_error="collect", only_pki=False))
    failures = [(f.line, f.index, str(f.error)) for f in stream if isinstance(f, ParseFailure)]
    events = [item.event for item in stream if not isinstance(item, ParseFailure)]
    assert [(f.line, f.index, str(f.error)) for f in fast.failures] == failures
    assert len(failures) > 8  # the hostile lines are refused, each at its line
    assert dataclasses.replace(fast, failures=()).to_dict() == build_lifecycles(events).to_dict()
    # the fields check accepts a record broken where the lifecycle does not read
    loose = lifecycles_from(path, on_error="collect", check="fields")
    assert "c-h1" in loose.certificates
    assert "c-h1" not in fast.certificates


def test_cli_path_refuses_what_validate_refuses(tmp_path: Path) -> None:
    path = write(tmp_path / "client.ndjson", _cert("ok"), _cert("bad", client=5))
    fast, full = _both(path)
    assert fast == full
    assert fast["certificates_total"] == 1
    assert fast["stats"]["failed"] == 1
    assert cli("validate", path).exit_code == 1


def test_the_fields_check_differs_on_exactly_the_documented_records(tmp_path: Path) -> None:
    # docs/lifecycle.md: a lifecycle event or a non-PKI record valid in the fold's fields and
    # broken elsewhere is taken (applied, or counted as ignored); everything else is read
    # exactly as check="full" reads it
    non_pki = make_wire_event("pki.cert.issue", uuid="n1") | {"eventType": "user.x", "client": 5}
    ca = make_wire_event("pki.ca.add", uuid="ca1", ca_id="ca-1") | {"client": 5}
    crl = make_wire_event("pki.cert.crl_download_failure", uuid="crl1") | {"client": 5}
    unknown = _cert("u1", "pki.cert.quarantine", client=5)
    rows = [_cert("ok"), _cert("h1", client=5), non_pki, ca, crl, unknown, _cert("h2", target=3)]
    path = write(tmp_path / "mixed.ndjson", *rows)
    full_stats, fields_stats = StreamStats(), StreamStats()
    full = lifecycles_from(path, on_error="collect", stats=full_stats)
    loose = lifecycles_from(path, on_error="collect", check="fields", stats=fields_stats)
    assert [f.line for f in full.failures] == [2, 3, 4, 5, 6, 7]
    assert [f.line for f in loose.failures] == [4, 5, 6, 7]
    assert set(full.certificates) == {"c-ok"}
    assert set(loose.certificates) == {"c-ok", "c-h1"}
    assert (full.ignored, loose.ignored) == (0, 1)
    assert (full_stats.failed, full_stats.skipped) == (6, 0)
    assert (fields_stats.failed, fields_stats.skipped) == (4, 1)


def test_cli_check_fields_applies_what_the_full_check_refuses(tmp_path: Path) -> None:
    path = write(tmp_path / "client.ndjson", _cert("ok"), _cert("bad", client=5))
    full = json.loads(cli("lifecycle", path, "--json").stdout)
    fields = json.loads(cli("lifecycle", path, "--json", "--check", "fields").stdout)
    assert (full["certificates_total"], full["stats"]["failed"]) == (1, 1)
    assert (fields["certificates_total"], fields["stats"]["failed"]) == (2, 0)
    explicit = json.loads(cli("lifecycle", path, "--json", "--check", "full").stdout)
    assert explicit == full
    refused = cli("lifecycle", "-", "--check", "fields", stdin=path.read_bytes())
    assert refused.exit_code == 2
    assert "--check fields reads files" in refused.stderr

"""Streaming parse: every source kind and envelope, failures with lines, counts that add up."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import (
    BasePkiEvent,
    NonPkiEvent,
    ParseFailure,
    PkiCertIssueEvent,
    Record,
    RecordError,
    StreamStats,
    UnknownPkiEvent,
    iter_events,
    iter_records,
)
from okta_pki_events.envelopes import EventBridgeEvent, EventHookDelivery
from okta_pki_events.testing import wire_events

from .support import EVENT_HOOK_SAMPLE, NON_PKI_SAMPLE, line, load_json, pki, sample_event

NON_PKI = sample_event(NON_PKI_SAMPLE)


def consistent(stats: StreamStats) -> bool:
    return stats.parsed + stats.failed + stats.skipped == stats.read


def test_ndjson_file_with_bad_lines_counts_and_line_numbers(tmp_path: Path) -> None:
    lines = [
        line(pki(1)),
        "",
        line(NON_PKI),
        '{"uuid": "broken", ',
        line(pki(2)),
        line({"uuid": "x", "eventType": "pki.cert.bind"}),
        line(pki(3)),
    ]
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines) + "\n")
    stream = iter_events(path, on_error="collect")
    items = list(stream)
    failures = [i for i in items if isinstance(i, ParseFailure)]
    events = [i for i in items if not isinstance(i, ParseFailure)]
    assert [e.uuid for e in events] == ["u1", "u2", "u3"]
    assert [f.line for f in failures] == [4, 6]
    assert "published" in failures[1].message
    assert failures[1].message.startswith(f"{path}:6: published:")
    assert failures[0].raw == '{"uuid": "broken",'
    # reported as the line reads, not with its line ending ("EOF", not "at line 2")
    assert "EOF while parsing" in failures[0].message
    assert "line 2" not in failures[0].message
    assert stream.stats == StreamStats(read=6, parsed=3, failed=2, skipped=1)


def test_raise_names_the_line_and_skip_drops(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([line(pki(1)), line({"uuid": 1})]) + "\n")
    with pytest.raises(RecordError, match=r"events\.jsonl:2: ") as info:
        list(iter_events(path))
    assert info.value.failure.line == 2
    assert isinstance(info.value, ValueError)
    stream = iter_events(path, on_error="skip")
    assert [e.uuid for e in stream] == ["u1"]
    assert stream.stats.failed == 1


def test_gzip_by_content_not_name(tmp_path: Path) -> None:
    payload = ("\n".join(line(pki(n)) for n in range(5)) + "\n").encode()
    for name in ("events.ndjson.gz", "events.json.gz", "no-extension"):
        path = tmp_path / name
        path.write_bytes(gzip.compress(payload))
        assert [e.uuid for e in iter_events(path)] == [f"u{n}" for n in range(5)]


def test_json_document_array_over_many_lines(tmp_path: Path) -> None:
    events = [pki(n) for n in range(4)]
    events[2] = {"uuid": "bad", "eventType": "pki.cert.issue"}
    path = tmp_path / "page.json"
    path.write_text("\n\n" + json.dumps(events, indent=2))
    stream = iter_events(path, on_error="collect")
    items = list(stream)
    assert [getattr(i, "uuid", None) for i in items] == ["u0", "u1", None, "u3"]
    failure = items[2]
    assert isinstance(failure, ParseFailure)
    assert (failure.line, failure.index) == (3, 2)
    assert stream.stats == StreamStats(read=4, parsed=3, failed=1, skipped=0)


def test_json_document_object_over_many_lines(tmp_path: Path) -> None:
    path = tmp_path / "hook.json"
    path.write_text(json.dumps(load_json(f"samples/{EVENT_HOOK_SAMPLE}"), indent=4))
    stream = iter_records(path, only_pki=False)
    (record,) = list(stream)
    assert isinstance(record, Record)
    assert isinstance(record.envelope, EventHookDelivery)
    assert record.event.event_type == "user.session.start"
    assert (record.line, record.index) == (1, 0)


def test_json_file_holding_ndjson_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text("\n".join(line(pki(n)) for n in range(3)))
    assert [e.uuid for e in iter_events(path)] == ["u0", "u1", "u2"]


def test_broken_array_document_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[\n" + json.dumps(pki(1)) + ',\n {"uuid": \n')
    stream = iter_events(path, on_error="collect")
    items = list(stream)
    assert isinstance(items[0], PkiCertIssueEvent)
    assert isinstance(items[1], ParseFailure)
    assert items[1].index == 1
    assert consistent(stream.stats)


def test_envelopes_on_lines() -> None:
    bridge = {
        "version": "0",
        "id": "e1",
        "detail-type": "SystemLog",
        "source": "aws.partner/okta.com/example/pki",
        "account": "123456789012",
        "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": pki(1),
    }
    hook = load_json(f"samples/{EVENT_HOOK_SAMPLE}")
    hook["data"]["events"] = [pki(2), NON_PKI, {"uuid": "bad"}]
    page = [pki(3), pki(4)]
    stream = iter_records([line(bridge), line(hook), line(page)], on_error="collect")
    items = list(stream)
    records = [i for i in items if isinstance(i, Record)]
    assert [r.event.uuid for r in records] == ["u1", "u2", "u3", "u4"]
    assert isinstance(records[0].envelope, EventBridgeEvent)
    assert records[0].envelope.detail_type == "SystemLog"
    assert isinstance(records[1].envelope, EventHookDelivery)
    assert (records[1].line, records[1].index) == (2, 0)
    assert records[2].envelope is None
    assert (records[3].line, records[3].index) == (3, 1)
    (failure,) = [i for i in items if isinstance(i, ParseFailure)]
    assert (failure.line, failure.index) == (2, 2)
    assert stream.stats == StreamStats(read=6, parsed=4, failed=1, skipped=1)


def test_iterables_of_bytes_dicts_and_text_files() -> None:
    as_bytes = [line(pki(1)).encode(), b"  \n", line(NON_PKI).encode()]
    assert [e.uuid for e in iter_events(as_bytes)] == ["u1"]
    as_dicts = [pki(2), NON_PKI]
    stream = iter_events(as_dicts, only_pki=False)
    kinds = [type(e) for e in stream]
    assert kinds == [PkiCertIssueEvent, NonPkiEvent]
    text = io.StringIO(line(pki(3)) + "\n" + line(pki(4)) + "\n")
    assert [e.uuid for e in iter_events(text)] == ["u3", "u4"]
    binary = io.BytesIO(gzip.compress((line(pki(5)) + "\n").encode()))
    assert [e.uuid for e in iter_events(io.BufferedReader(binary))] == ["u5"]


def test_unknown_types_and_on_unknown() -> None:
    future = pki(1) | {"eventType": "pki.cert.quarantine"}
    (event,) = iter_events([future])
    assert isinstance(event, UnknownPkiEvent)
    stream = iter_events([future, pki(2)], on_error="collect", on_unknown="raise")
    items = list(stream)
    assert isinstance(items[0], ParseFailure)
    assert "quarantine" in items[0].message
    assert stream.stats.failed == 1


def test_broken_non_pki_record_is_a_failure_not_a_skip() -> None:
    broken = line(NON_PKI)[:-5]
    no_type = line({"uuid": "x", "published": "2026-01-01T00:00:00.000Z"})
    stream = iter_events([broken, no_type, line(NON_PKI)], on_error="collect")
    assert [type(i) for i in stream] == [ParseFailure, ParseFailure]
    assert stream.stats == StreamStats(read=3, parsed=0, failed=2, skipped=1)


def test_stats_are_final_once_exhausted() -> None:
    stream = iter_events([line(pki(n)) for n in range(10)])
    next(stream)
    assert stream.stats.read == 1
    for _ in stream:
        pass
    assert stream.stats == StreamStats(read=10, parsed=10, failed=0, skipped=0)


def test_memory_stays_flat_on_a_large_stream() -> None:
    import tracemalloc

    def source(n: int) -> Any:
        raw = line(pki(0))
        for i in range(n):
            yield raw.replace('"u0"', f'"u{i}"')

    tracemalloc.start()
    stream = iter_events(source(3000))
    for _ in stream:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert stream.stats.parsed == 3000
    assert peak < 5_000_000, peak


def _variants(raw: dict[str, Any], data: st.DataObject) -> str:
    keys = data.draw(st.permutations(list(raw)))
    spaces = data.draw(st.sampled_from(["", " ", "  ", "\t"]))
    ensure_ascii = data.draw(st.booleans())
    reordered = {k: raw[k] for k in keys}
    text = json.dumps(reordered, separators=("," + spaces, ":" + spaces), ensure_ascii=ensure_ascii)
    if data.draw(st.booleans()):
        # escape the first letter of the event type, as a JSON writer may
        text = text.replace('"pki.', '"\\u0070ki.', 1)
    return spaces + text + spaces


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wire_events(), st.data())
def test_the_pre_filter_never_drops_a_pki_record(raw: dict[str, Any], data: st.DataObject) -> None:
    text = _variants(raw, data)
    mixed = [line(NON_PKI), text, line(NON_PKI)]
    stream = iter_events(mixed, on_error="collect")
    items = list(stream)
    assert len(items) == 1
    (event,) = items
    assert isinstance(event, BasePkiEvent)
    assert event.uuid == raw["uuid"]
    assert stream.stats == StreamStats(read=3, parsed=1, failed=0, skipped=2)


RECORD_KINDS = {
    "pki": line(pki(7)),
    "non_pki_mentioning_pki_missing_uuid": line(
        {k: v for k, v in NON_PKI.items() if k != "uuid"} | {"displayMessage": "pki.cert talk"}
    ),
    "pki_unknown_type": line(pki(8) | {"eventType": "pki.cert.quarantine"}),
    "pki_broken_field": line(pki(9) | {"target": {"id": "x"}}),
    "pki_escaped_type": line(pki(10)).replace('"pki.cert.issue"', '"\\u0070ki.cert.issue"'),
    "non_pki": line(NON_PKI),
    "non_pki_missing_uuid": line({k: v for k, v in NON_PKI.items() if k != "uuid"}),
    "broken_json": line(NON_PKI)[:-3],
    "no_event_type": line({"uuid": "x", "published": "2026-01-01T00:00:00.000Z"}),
}


def fate(records: list[str], only_pki: bool, *, as_file: bool = False) -> list[str]:
    """What became of the last record: parsed, skipped or failed."""

    def stats_of(items: list[str]) -> StreamStats:
        source: Any = items if not as_file else io.BytesIO("\n".join(items).encode())
        stream = iter_events(source, on_error="collect", only_pki=only_pki)
        for _ in stream:
            pass
        return stream.stats

    everything, head = stats_of(records), stats_of(records[:-1])
    deltas = {
        "parsed": everything.parsed - head.parsed,
        "skipped": everything.skipped - head.skipped,
        "failed": everything.failed - head.failed,
    }
    return [name for name, delta in deltas.items() if delta]


@pytest.mark.parametrize("only_pki", [True, False])
@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_a_records_fate_does_not_depend_on_what_came_before(kind: str, only_pki: bool) -> None:
    record = RECORD_KINDS[kind]
    prefixes: list[list[str]] = [
        [],
        [RECORD_KINDS["pki"]],
        [RECORD_KINDS["pki"], RECORD_KINDS["pki"]],
        [RECORD_KINDS["non_pki"]],
        [RECORD_KINDS["broken_json"]],
    ]
    fates = {tuple(fate([*prefix, record], only_pki)) for prefix in prefixes}
    # and read from a file, where the first line takes another path
    fates |= {tuple(fate([*prefix, record], only_pki, as_file=True)) for prefix in prefixes}
    assert len(fates) == 1, fates
    (only,) = fates
    assert len(only) == 1
    expected = {
        "pki": "parsed",
        "pki_unknown_type": "parsed",
        "pki_broken_field": "failed",
        "pki_escaped_type": "parsed",
        "non_pki": "skipped" if only_pki else "parsed",
        "non_pki_missing_uuid": "skipped" if only_pki else "failed",
        "non_pki_mentioning_pki_missing_uuid": "skipped" if only_pki else "failed",
        "broken_json": "failed",
        "no_event_type": "failed",
    }[kind]
    assert only == (expected,)


def test_json_text_is_bytes_and_a_str_is_a_path() -> None:
    page = json.dumps([pki(1), pki(2)], indent=2)
    assert [e.uuid for e in iter_events(page.encode())] == ["u1", "u2"]
    body = ("\n".join(line(pki(n)) for n in (3, 4)) + "\n").encode()
    assert [e.uuid for e in iter_events(body)] == ["u3", "u4"]
    with pytest.raises(RecordError, match=r"no-such-export\.ndjson:1: cannot open"):
        list(iter_events("no-such-export.ndjson"))
    with pytest.raises(RecordError, match="pass JSON text as bytes"):
        list(iter_events(page))

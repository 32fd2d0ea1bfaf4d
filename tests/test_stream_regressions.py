"""Issue 9: each way the old reader lost, misread or crashed on records, through the library."""

from __future__ import annotations

import bz2
import codecs
import copy
import gzip
import io
import json
import lzma
import pickle
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from okta_pki_events import (
    ParseFailure,
    PkiCertIssueEvent,
    RecordError,
    StreamStats,
    UnknownEventTypeError,
    iter_events,
    iter_records,
    parse_event,
)
from okta_pki_events._stream import SourceError, framing
from okta_pki_events.envelopes import EventBridgeEvent, EventHookDelivery
from okta_pki_events.lifecycle import lifecycles_from

from .support import (
    EVENT_HOOK_SAMPLE,
    NON_PKI_SAMPLE,
    bridge,
    cli,
    fast_extra,
    line,
    line_bytes,
    load_json,
    outcomes,
    pki,
    sample_event,
    sqs,
)

NON_PKI_SHIPPED = sample_event(NON_PKI_SAMPLE) | {"uuid": "n1"}


def failures(source: Any, **options: Any) -> list[ParseFailure]:
    return [
        i for i in iter_events(source, on_error="collect", **options) if isinstance(i, ParseFailure)
    ]


def ndjson(*records: str) -> bytes:
    return ("\n".join(records) + "\n").encode()


# -- a str is always a path ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["[prod] okta.ndjson", "{staging}.json", "[x"])
def test_a_str_is_always_a_path_even_when_it_opens_with_a_bracket(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(ndjson(line(pki(1)), line(pki(2))))
    assert [e.uuid for e in iter_events(str(path))] == ["u1", "u2"]


def test_json_text_in_a_str_is_a_missing_file_with_a_hint() -> None:
    text = line(pki(1))
    with pytest.raises(RecordError, match="pass JSON text as bytes") as info:
        list(iter_events(text))
    assert isinstance(info.value.failure.error, SourceError)
    (failure,) = failures("no-such-export.ndjson")
    assert failure.line == 1
    assert "cannot open 'no-such-export.ndjson'" in failure.message
    assert [e.uuid for e in iter_events(text.encode())] == ["u1"]


# -- records are decided one by one, never for the whole source ----------------------------


CUTS = ['{"uuid": "x",', '{"uuid": "x", "actor": {', '{"uuid": "x", "target": [', '{"uuid":']


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("at", [0, 500, 999])
def test_a_cut_line_is_one_failure_and_the_stream_goes_on(cut: str, at: int) -> None:
    records = [line(pki(n)) for n in range(1000)]
    records.insert(at, cut)
    items, stats = outcomes(ndjson(*records))
    assert stats == StreamStats(read=1001, parsed=1000, failed=1, skipped=0)
    assert items[at] == ("F", at + 1, None)
    (failure,) = failures(ndjson(*records))
    assert "EOF while parsing" in failure.message
    assert failure.raw == cut


def test_two_cut_lines_in_a_row_lose_no_complete_record() -> None:
    items, stats = outcomes(ndjson(CUTS[2], CUTS[1], line(pki(1)), line(pki(2))))
    assert items[-2:] == ["u1", "u2"]
    assert stats.parsed == 2
    assert stats.read == stats.parsed + stats.failed


def test_an_array_whose_bracket_closes_on_its_own_line() -> None:
    text = "[\n" + ",\n".join(line(pki(n)) for n in range(5)) + "\n]\n"
    items, stats = outcomes(text.encode())
    assert items == [f"u{n}" for n in range(5)]
    assert stats == StreamStats(read=5, parsed=5, failed=0, skipped=0)
    records = list(iter_records(text.encode()))
    assert [(r.line, r.index) for r in records] == [(1, n) for n in range(5)]


def test_concatenated_pretty_printed_objects_as_jq_writes_them() -> None:
    text = "\n".join(json.dumps(pki(n), indent=2) for n in range(4)) + "\n"
    items, _ = outcomes(text.encode())
    assert items == ["u0", "u1", "u2", "u3"]
    starts = [r.line for r in iter_records(text.encode())]
    assert starts == [1 + n * text.count("\n") // 4 for n in range(4)]


def test_concatenated_values_on_one_line_and_ndjson_after_a_document() -> None:
    text = line(pki(1)) + line(pki(2)) + "\n" + json.dumps(pki(3), indent=1) + "\n" + line(pki(4))
    items, stats = outcomes(text.encode())
    assert items == ["u1", "u2", "u3", "u4"]
    assert stats.failed == 0


def test_an_early_syntax_error_in_a_large_array_fails_one_element() -> None:
    elements = [line(pki(n)) for n in range(1000)]
    elements[1] = elements[1].replace('"u1"', '"u1" x', 1)
    for text in ("[" + ",".join(elements) + "]", "[\n" + ",\n".join(elements) + "\n]"):
        items, stats = outcomes(text.encode())
        assert stats == StreamStats(read=1000, parsed=999, failed=1, skipped=0)
        assert items[1] == ("F", 1, 1)


def test_a_broken_pretty_document_is_one_failure_where_it_starts() -> None:
    broken = json.dumps(pki(2), indent=2).replace('"uuid": "u2",', '"uuid": "u2" "x": 1,')
    text = "\n".join([line(pki(1)), broken, line(pki(3))]) + "\n"
    items, stats = outcomes(text.encode())
    assert items[0] == "u1"
    assert items[-1] == "u3"
    assert ("F", 2, None) in items
    assert stats.read == stats.parsed + stats.failed


def test_format_ndjson_takes_every_line_on_its_own() -> None:
    text = json.dumps(pki(1), indent=2).encode()
    _, stats = outcomes(text, format="ndjson")
    assert stats.failed == text.count(b"\n") + 1
    assert outcomes(text, format="json")[0] == ["u1"]
    assert outcomes(ndjson(line(pki(1)), line(pki(2))), format="json")[0] == ["u1", "u2"]


def test_format_json_reads_any_layout_and_reports_junk_between_values() -> None:
    text = b"[" + line(pki(1)).encode() + b"]\n" + line(pki(2)).encode() + b"\n  junk\n"
    items, stats = outcomes(text, format="json")
    assert items[:2] == ["u1", "u2"]
    assert items[2][0] == "F"
    assert stats == StreamStats(read=3, parsed=2, failed=1, skipped=0)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("format", "xml"),
        ("envelope", "kinesis"),
        ("on_error", "ignore"),
        ("max_record_bytes", 0),
        ("on_unknown", "Raise"),  # was taken for "generic": unknown types went through
    ],
)
def test_options_are_checked(option: str, value: Any) -> None:
    with pytest.raises(ValueError, match=option):
        iter_events(b"", **{option: value})
    with pytest.raises(ValueError, match=option):
        iter_records(b"", **{option: value})


# -- envelopes: every element its own record, metadata never decides ------------------------


def hook(*events: Any, **envelope: Any) -> dict[str, Any]:
    data: dict[str, Any] = load_json(f"samples/{EVENT_HOOK_SAMPLE}")
    data["data"]["events"] = list(events)
    return data | envelope


@pytest.mark.parametrize(
    "envelope",
    [
        hook(pki(1), {"uuid": "bad"}, pki(2), eventTime="yesterday"),
        hook(pki(1), {"uuid": "bad"}, pki(2), eventTypeVersion=1.0),
        hook(pki(1), {"uuid": "bad"}, pki(2), eventTime=17),
    ],
)
def test_odd_event_hook_metadata_never_stops_the_events(envelope: dict[str, Any]) -> None:
    items, stats = outcomes([line(envelope)])
    assert items == ["u1", ("F", 1, 1), "u2"]
    assert stats == StreamStats(read=3, parsed=2, failed=1, skipped=0)


def test_eventbridge_with_a_numeric_version_keeps_its_metadata() -> None:
    (record,) = iter_records([line(bridge(pki(1), version=0))])
    assert isinstance(record.envelope, EventBridgeEvent)
    assert record.envelope.version == 0
    odd = bridge(pki(2), time=12, resources="none")
    (record,) = iter_records([line(odd)])
    assert record.envelope is None  # metadata that does not validate: the event is read
    assert record.event.uuid == "u2"


def test_an_event_with_envelope_keys_is_an_event() -> None:
    with_events = pki(1) | {"data": {"events": [pki(9)]}}
    with_bridge = pki(2) | {"source": "aws.partner/okta.com/x/y", "detail": {"a": 1}}
    with_type = pki(3) | {"detail-type": "SystemLog", "detail": pki(9)}
    for source in ([line(with_events), line(with_bridge), line(with_type)], [with_events]):
        stream = iter_records(source)
        records = list(stream)
        assert all(r.envelope is None for r in records)
        assert [r.event.uuid for r in records] == ["u1", "u2", "u3"][: len(records)]
        assert stream.stats.read == len(records)


def test_eventbridge_is_known_by_its_keys_not_its_source() -> None:
    other = bridge(pki(1), source="aws.events")
    (record,) = iter_records([line(other)])
    assert isinstance(record.envelope, EventBridgeEvent)
    assert record.event.uuid == "u1"


def test_a_named_envelope_is_required_and_none_reads_events_only() -> None:
    records = [line(bridge(pki(1))), line(pki(2))]
    items, _stats = outcomes(records, envelope="eventbridge")
    assert items == ["u1", ("F", 2, None)]
    (failure,) = failures(records, envelope="eventbridge")
    assert "not an EventBridge event" in failure.message
    items, _ = outcomes(records, envelope=None)
    assert items == [("F", 1, None), "u2"]
    # "none", as the CLI spells it (--envelope none), is None
    assert outcomes(records, envelope="none") == outcomes(records, envelope=None)
    with pytest.raises(ValueError, match="'none', 'auto'"):
        iter_records(records, envelope="None")  # type: ignore[call-overload]
    hooks = [line(hook(pki(3), pki(4)))]
    assert outcomes(hooks, envelope="event_hook")[0] == ["u3", "u4"]
    page = b"[" + line(pki(5)).encode() + b"]"
    assert outcomes(page, envelope="api_page")[0] == ["u5"]
    assert outcomes(line(pki(6)).encode(), envelope="api_page")[0] == [("F", 1, None)]


@pytest.mark.parametrize("envelope", ["auto", "api_page"])
def test_an_array_inside_a_page_is_one_failure_at_its_own_index(envelope: str) -> None:
    # its items have no index of their own: they were read as the page's (0, 1, ...)
    elements = [line(pki(1)), "5", line([pki(2), pki(3)]), line(pki(4))]
    page = "[" + ",".join(elements) + "]"
    for text in (page, "[\n" + ",\n".join(elements) + "\n]\n"):
        items, stats = outcomes(text.encode(), envelope=envelope)
        assert items == ["u1", ("F", 1, 1), ("F", 1, 2), "u4"], text
        assert stats == StreamStats(read=4, parsed=2, failed=2, skipped=0)
    (failure,) = [f for f in failures(page.encode(), envelope=envelope) if f.index == 2]
    assert "Input should be an object" in failure.message


def test_an_array_on_an_ndjson_line_is_a_page_of_records() -> None:
    page = line([pki(1), {"uuid": "bad"}, bridge(pki(2))])
    assert outcomes([page], format="ndjson")[0] == ["u1", ("F", 1, 1), "u2"]


def test_hook_records_carry_their_envelope_and_index() -> None:
    records = list(iter_records([line(hook(pki(1), pki(2)))]))
    assert [(r.index, type(r.envelope)) for r in records] == [
        (0, EventHookDelivery),
        (1, EventHookDelivery),
    ]


# -- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding",
    ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"],
)
@pytest.mark.parametrize("layout", ["ndjson", "page"])
def test_byte_order_marks_utf16_and_utf32(tmp_path: Path, encoding: str, layout: str) -> None:
    events = [pki(n) for n in range(3)]
    text = "\n".join(map(line, events)) if layout == "ndjson" else json.dumps(events, indent=2)
    path = tmp_path / f"export.{layout}"
    path.write_bytes(text.encode(encoding))
    items, _stats = outcomes(path)
    assert items == ["u0", "u1", "u2"]
    packed = tmp_path / "export.gz"
    packed.write_bytes(gzip.compress(text.encode(encoding)))
    assert outcomes(packed)[0] == ["u0", "u1", "u2"]
    assert outcomes(io.BytesIO(text.encode(encoding)))[0] == ["u0", "u1", "u2"]


def test_powershell_utf16_with_crlf(tmp_path: Path) -> None:
    text = "\r\n".join(line(pki(n)) for n in range(3)) + "\r\n"
    path = tmp_path / "okta.json"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert outcomes(path)[0] == ["u0", "u1", "u2"]


def test_invalid_utf16_is_a_source_failure_after_the_records_before_it() -> None:
    good = ("\n".join(line(pki(n)) for n in range(3)) + "\n").encode("utf-16-le")
    data = codecs.BOM_UTF16_LE + good + b"\x00\xd8\x41\x00"  # a lone high surrogate
    items, _stats = outcomes(data)
    assert items == ["u0", "u1", "u2", ("F", 4, None)]
    (failure,) = failures(data)
    assert isinstance(failure.error, SourceError)
    assert "UTF-16-LE" in failure.message


def test_a_text_file_object_with_a_bom() -> None:
    text = "\ufeff" + "\n".join(line(pki(n)) for n in range(2))
    assert outcomes(io.StringIO(text))[0] == ["u0", "u1"]


# -- errors of the source: failures at their line, never foreign exceptions ------------------


def big_ndjson(n: int = 400) -> bytes:
    return ndjson(*(line(pki(i)) for i in range(n)))


def test_truncated_gzip_keeps_every_record_before_the_cut() -> None:
    packed = gzip.compress(big_ndjson())
    items, stats = outcomes(packed[: len(packed) // 2])
    *events, last = items
    assert events == [f"u{n}" for n in range(len(events))]
    assert len(events) > 10
    assert last == ("F", len(events) + 1, None)
    assert stats.failed == 1
    with pytest.raises(RecordError, match="truncated gzip") as info:
        list(iter_events(packed[: len(packed) // 2]))
    assert isinstance(info.value.failure.error, SourceError)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:20] + b"\xff" * 40 + b[60:],
        lambda b: b[:10],
        lambda b: b"\x1f\x8b" + b"not really gzip",
        lambda b: b + b"trailing garbage",
    ],
)
def test_corrupt_gzip_is_one_failure(damage: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson.gz"
    path.write_bytes(damage(gzip.compress(big_ndjson(50))))
    items, stats = outcomes(path)
    assert stats.failed == 1
    assert items[-1][0] == "F"
    assert stats.read == stats.parsed + 1


def test_multi_member_gzip_and_zero_padding() -> None:
    data = gzip.compress(ndjson(line(pki(1)))) + gzip.compress(ndjson(line(pki(2)))) + b"\0" * 8
    assert outcomes(data)[0] == ["u1", "u2"]


def test_invalid_utf8_fails_its_record_only() -> None:
    bad = line(pki(1)).replace('"u1"', '"u\xff"').encode("latin-1")
    for text in (
        b"[\n" + line(pki(0)).encode() + b",\n" + bad + b",\n" + line(pki(2)).encode() + b"\n]",
        line(pki(0)).encode() + b"\n" + bad + b"\n" + line(pki(2)).encode(),
        b"[\n" + json.dumps(pki(0), indent=2).encode() + b",\n" + bad + b"\n]",
    ):
        items, stats = outcomes(text)
        assert stats.failed == 1
        assert items[0] == "u0"
        assert "u2" in items or len(items) == 2


@pytest.mark.parametrize(
    "text",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"a":' * 1000 + b"1" + b"}" * 1000,
        b"[\n" + b"[" * 1000 + b"]" * 1000 + b"\n]",
        b"[" * 1000,
        b'{"a":[' * 600,
    ],
)
def test_deep_nesting_is_one_failure(text: bytes) -> None:
    for fmt in ("auto", "json", "ndjson"):
        _items, stats = outcomes(text + b"\n" + line(pki(1)).encode(), format=fmt)
        assert stats.failed >= 1
        assert stats.read == stats.parsed + stats.failed


class FailingReader(io.RawIOBase):
    """A file whose reads fail after some data: a disk or network error mid-stream."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self.data = data
        self.fail_after = fail_after
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.offset >= self.fail_after:
            raise OSError(5, "Input/output error")
        size = min(len(buffer), self.fail_after - self.offset, 1000)
        buffer[:size] = self.data[self.offset : self.offset + size]
        self.offset += size
        return size


def test_an_io_error_mid_stream_is_a_failure_at_its_line() -> None:
    data = big_ndjson(20)
    cut = data.index(b"\n", len(data) // 2) + 1  # after a whole line
    items, _stats = outcomes(io.BufferedReader(FailingReader(data, cut)))
    *events, last = items
    assert events == [f"u{n}" for n in range(data[:cut].count(b"\n"))]
    assert last == ("F", len(events) + 1, None)
    (failure,) = failures(io.BufferedReader(FailingReader(data, cut)))
    assert "Input/output error" in failure.message


def test_an_iterable_that_raises_while_reading() -> None:
    def lines() -> Iterator[str]:
        yield line(pki(1))
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    assert outcomes(lines())[0] == ["u1", ("F", 2, None)]


@pytest.mark.parametrize("on_error", ["raise", "collect", "skip"])
def test_nothing_but_value_errors_leave_the_stream(on_error: Any) -> None:
    packed = gzip.compress(big_ndjson(30))
    hostile: list[Any] = [
        packed[: len(packed) // 2],
        b"\x1f\x8b\x08junk",
        b"[" * 5000,
        b"\xff\xfe\x00\xd8",
        b'[{"a": "\xff"}]',
        "/nonexistent/dir/x.ndjson",
        [b"\xff", 1, None, {"uuid": 1}],
    ]
    for source in hostile:
        try:
            list(iter_events(source, on_error=on_error))
        except ValueError:
            assert on_error == "raise"


# -- size and time stay bounded ---------------------------------------------------------------


def peak_memory(source: Any, **options: Any) -> tuple[int, StreamStats]:
    tracemalloc.start()
    try:
        stream = iter_events(source, on_error="collect", **options)
        for _ in stream:
            pass
        return tracemalloc.get_traced_memory()[1], stream.stats
    finally:
        tracemalloc.stop()


def test_a_gzip_bomb_is_one_failure_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.gz"
    inflated = 64 * 1024 * 1024
    with gzip.open(path, "wb", compresslevel=9) as handle:
        zeros = b"\0" * (1 << 20)
        for _ in range(inflated >> 20):
            handle.write(zeros)
        handle.write(b"\n" + line(pki(1)).encode() + b"\n")
    assert path.stat().st_size < inflated // 500
    peak, stats = peak_memory(path, max_record_bytes=1 << 20)
    assert stats == StreamStats(read=2, parsed=1, failed=1, skipped=0)
    assert peak < 8 * 1024 * 1024, peak


def test_an_oversize_record_is_one_failure_and_the_stream_goes_on(tmp_path: Path) -> None:
    huge = pki(2) | {"displayMessage": "x" * 300_000}
    pretty_huge = json.dumps(pki(3) | {"target": [{"id": str(n)} for n in range(20_000)]}, indent=1)
    text = "\n".join([line(pki(1)), line(huge), pretty_huge, line(pki(4))]) + "\n"
    path = tmp_path / "big.json"
    path.write_text(text)
    items, stats = outcomes(path, max_record_bytes=100_000)
    assert items[:3] == ["u1", ("F", 2, None), ("F", 3, None)]
    assert items[-1] == "u4"
    reported = failures(path, max_record_bytes=100_000)
    assert ["max_record_bytes" in f.message for f in reported[:3]] == [True, True, False]
    # the multi-line one is one failure at its first line, and (as after a broken value)
    # every line it took in is read again on its own: here none is an event
    assert [f.line for f in reported[1:]] == sorted({f.line for f in reported[1:]})
    assert stats.parsed == 2
    assert stats.read == stats.parsed + stats.failed
    page = json.dumps([pki(5), huge, pki(6)])
    assert outcomes(page.encode(), max_record_bytes=100_000)[0] == ["u5", ("F", 1, 1), "u6"]


def test_a_one_line_array_is_streamed_element_by_element(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps([pki(n) for n in range(3000)]))
    assert path.stat().st_size > 3_000_000
    peak, stats = peak_memory(path)
    assert stats.parsed == 3000
    assert peak < 1_500_000, peak


def test_a_broken_value_over_many_deep_lines_keeps_its_brackets_once(tmp_path: Path) -> None:
    # a cut line, then 2 MiB of lines of brackets: the value breaks at the end, and the
    # brackets open there are noted once (8 bytes each), not copied twice more (50 MB)
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"a":\n' + (b"[" * 1000 + b"\n") * 2095)
    peak, stats = peak_memory(path)
    assert stats == StreamStats(read=2096, parsed=0, failed=2096, skipped=0)
    assert peak < 28 * 1024 * 1024, peak


def test_a_long_line_of_junk_is_not_held(tmp_path: Path) -> None:
    path = tmp_path / "junk.ndjson"
    path.write_bytes(b"x" * 8_000_000 + b"\n" + line(pki(1)).encode())
    peak, stats = peak_memory(path, max_record_bytes=1 << 20)
    assert stats == StreamStats(read=2, parsed=1, failed=1, skipped=0)
    assert peak < 4 * 1024 * 1024, peak


def test_multi_line_documents_are_read_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[int] = []
    real = framing._json_error

    def counting(text: bytes, final: bool) -> Any:
        checked.append(len(text))
        return real(text, final)

    monkeypatch.setattr(framing, "_json_error", counting)
    element = pki(1) | {"target": [{"id": str(n), "type": "Device"} for n in range(20_000)]}
    text = ("[\n" + json.dumps(element, indent=2) + "\n]\n").encode()
    assert len(text) > 1_000_000
    items, _ = outcomes(text)
    assert items == ["u1"]
    assert sum(checked) <= 3 * len(text), (sum(checked), len(text))
    checked.clear()
    cut = text[: text.index(b"\n", len(text) // 2) + 1]  # a truncated export
    items, stats = outcomes(cut)
    # the cut element is one failure; each line it took in is read again (none is an event)
    assert items[0] == ("F", 1, 0)
    assert all(item[0] == "F" for item in items)
    assert stats.read == stats.failed == len(items) <= cut.count(b"\n")
    assert sum(checked) <= 4 * len(cut), (sum(checked), len(cut))


# -- wire names only -------------------------------------------------------------------------


def test_a_shippers_event_type_key_never_decides_the_model() -> None:
    shipped = pki(1) | {"event_type": "user.session.start", "published_at": "yesterday"}
    other = NON_PKI_SHIPPED | {"event_type": "pki.cert.issue"}
    for neighbours in ([], [line(pki(2))], [line(NON_PKI_SHIPPED)], ['{"cut": ']):
        stream = iter_events([*neighbours, line(shipped), line(other)], on_error="collect")
        events = [e for e in stream if not isinstance(e, ParseFailure)]
        assert [e.uuid for e in events if e.uuid == "u1"] == ["u1"]
        (event,) = [e for e in events if e.uuid == "u1"]
        assert isinstance(event, PkiCertIssueEvent)
        assert event.model_extra == {
            "event_type": "user.session.start",
            "published_at": "yesterday",
        }
        assert "n1" not in [e.uuid for e in events]  # the non-PKI record is skipped


def test_a_mapping_or_a_number_is_no_source() -> None:
    # a decoded record passed as the source was read key by key, each key a failed "line"
    with pytest.raises(ValueError, match=r"mapping \(one decoded record\)"):
        iter_events(pki(1))  # a dict is an Iterable[str] to a type checker
    with pytest.raises(ValueError, match="not int"):
        iter_records(5)  # type: ignore[call-overload]
    assert outcomes([pki(1)])[0] == ["u1"]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "exact"])
@pytest.mark.parametrize("lazy", [True, False], ids=["lazy", "eager"])
def test_a_record_that_is_no_object_fails_as_a_log_event(fast: bool, lazy: bool) -> None:
    # the check that reads a record's envelope keys failed "for EnvelopeKeys", a private
    # TypedDict's name, where every other failure of a record names LogEvent
    text = b"[\n1,\n" + line(pki(1)).encode() + b",\n" + b'"x"\n]\n{"a":\n'
    with fast_extra(fast):
        got = failures(text, lazy=lazy)
    assert [(f.line, f.index) for f in got] == [(1, 0), (1, 2), (6, None)]
    for failure in got:
        assert "EnvelopeKeys" not in str(failure.error), failure.error
        assert str(failure.error).startswith("1 validation error for LogEvent\n"), failure.error


@pytest.mark.parametrize("only_pki", [True, False], ids=["only_pki", "all"])
@pytest.mark.parametrize("lazy", [True, False], ids=["lazy", "eager"])
def test_an_api_page_where_events_are_expected_fails_naming_it_whatever_the_options(
    only_pki: bool, lazy: bool
) -> None:
    # NDJSON with envelope=None: a page (a JSON array) on a line is no event. Its failure
    # named the page and the envelope that reads it only when the line was not probed
    # (lazy=False, only_pki=False); probed, it said "Input should be an object".
    data = (json.dumps([pki(1)]) + "\n" + line(pki(2))).encode()
    stream = iter_events(
        data, format="ndjson", envelope=None, only_pki=only_pki, lazy=lazy, on_error="collect"
    )
    failure, event = list(stream)
    assert isinstance(failure, ParseFailure)
    assert failure.line == 1
    assert "a page of the System Log API" in failure.message
    assert "envelope='api_page'" in failure.message
    assert not isinstance(event, ParseFailure)
    assert event.uuid == pki(2)["uuid"]
    assert stream.stats == StreamStats(read=2, parsed=1, failed=1, skipped=0)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "exact"])
@pytest.mark.parametrize("only_pki", [True, False], ids=["only_pki", "all"])
@pytest.mark.parametrize("lazy", [True, False], ids=["lazy", "eager"])
@pytest.mark.parametrize("record", ["1", "1.5", '"x"', "true", "null"])
def test_a_record_that_is_no_object_fails_alike_whatever_the_options(
    record: str, lazy: bool, only_pki: bool, fast: bool
) -> None:
    # NDJSON with envelope=None: a line that is JSON but no object failed with parse_event's
    # error (model_type) when the line was not probed (lazy=False, only_pki=False), with the
    # probe's (dict_type) when it was: the same record, a different error by the options.
    data = ndjson(line(pki(1)), record, line(pki(2)))
    with fast_extra(fast):
        got = failures(data, envelope=None, only_pki=only_pki, lazy=lazy)
    assert [f.line for f in got] == [2]
    with pytest.raises(ValueError, match="Input should be an object") as expected:
        parse_event(record)
    assert str(got[0].error) == str(expected.value)


@pytest.mark.parametrize("envelope", ["auto", "api_page"])
def test_a_pages_elements_fare_alike_whatever_the_format(envelope: str) -> None:
    # A page on one line read as NDJSON (or given decoded by an iterable) is decoded whole:
    # its elements took the path of an envelope's text payloads, so that an event written as
    # a JSON string was parsed, an array inside the page was opened as a page of its own and,
    # with envelope="api_page", an EventBridge event in it was opened; read as "auto" or
    # "json" (element by element), each of them is a failure at its own index.
    elements = [pki(1), line(pki(2)), [pki(3)], 5, bridge(pki(4)), pki(5)]
    page = line(elements)
    opened = "u4" if envelope == "auto" else ("F", 1, 4)
    expected = ["u1", ("F", 1, 1), ("F", 1, 2), ("F", 1, 3), opened, "u5"]
    for name, source in [
        ("auto", page.encode()),
        ("json", page.encode()),
        ("ndjson", page.encode()),
        ("decoded", [elements]),
    ]:
        options = {"format": name} if name != "decoded" else {}
        items, stats = outcomes(source, envelope=envelope, **options)
        assert items == expected, name
        parsed = sum(isinstance(item, str) for item in expected)
        assert stats == StreamStats(read=6, parsed=parsed, failed=6 - parsed, skipped=0)
        got = [f for f in failures(source, envelope=envelope, **options) if f.index in (1, 2)]
        assert ["Input should be an object" in f.message for f in got] == [True, True], name


def test_an_array_inside_an_array_in_an_sqs_body_is_one_failure() -> None:
    # a page in a message body is opened; an array inside it is no event, as in a page
    body = line([pki(1), [pki(2)], line(pki(3))])
    items, stats = outcomes(line_bytes(sqs(body)))
    assert items == ["u1", ("F", 1, 0), ("F", 1, 0)]
    got = failures(line_bytes(sqs(body)))
    assert [f.positions for f in got] == [(0, 1), (0, 2)]
    assert all("Input should be an object" in f.message for f in got)
    assert stats == StreamStats(read=3, parsed=1, failed=2, skipped=0)


@pytest.mark.parametrize("depth", [201, 5000])
def test_decoded_envelopes_nested_deeper_than_json_text_can_are_one_failure(depth: int) -> None:
    # an iterable's decoded records nest as deep as Python lets them (json.loads to about
    # 1,000 levels): opening envelope after envelope recursed until a RecursionError left
    # the stream; JSON text cannot nest 200 of them (pydantic-core's nesting limit)
    record = pki(1)
    for _ in range(depth):
        record = bridge(record)
    items, stats = outcomes([record, pki(2)])
    assert items == [("F", 1, None), "u2"]
    assert stats == StreamStats(read=2, parsed=1, failed=1, skipped=0)
    (failure,) = failures([record])
    assert "envelopes nested more than 200 deep" in failure.message
    readable = pki(3)
    for _ in range(200):
        readable = bridge(readable)
    assert outcomes([readable])[0] == ["u3"]


def test_a_decoded_record_too_deep_to_write_out_fails_with_its_own_error() -> None:
    # its failure's text is its JSON (or repr), which recursed past the limit: a
    # RecursionError left the stream in place of the record's failure
    deep: Any = 1
    for _ in range(5000):
        deep = {"a": deep}
    record = pki(1) | {"published": 5, "debugContext": {"debugData": {"deep": deep}}}
    (failure,) = failures([record, pki(2)])
    assert failure.message.startswith("<input>:1: published: ")
    assert failure.raw == "<dict nested too deep to show>"


@pytest.mark.parametrize("envelope", [None, "auto"])
@pytest.mark.parametrize("format", ["auto", "json"])
def test_an_array_inside_an_array_fails_alike_whatever_the_envelope(
    envelope: str | None, format: str
) -> None:
    # with envelope=None an array read element by element is read as a page all the same;
    # an array inside it failed naming a page and envelope='api_page' (which reads it no
    # better: there it is no event either), where envelope="auto" says it is no object
    elements = [line([pki(1)]), "5", line(pki(2))]
    for text in ("[" + ",".join(elements) + "]", "[\n" + ",\n".join(elements) + "\n]\n"):
        got = failures(text.encode(), envelope=envelope, format=format)
        assert [(f.line, f.index) for f in got] == [(1, 0), (1, 1)]
        for failure in got:
            assert "Input should be an object" in failure.message, failure.message
            assert "api_page" not in failure.message
    # a page on an NDJSON line, where events are expected, still names the envelope
    (failure,) = failures(line([[pki(1)]]).encode(), envelope=None, format="ndjson")
    assert "envelope='api_page'" in failure.message


def test_text_with_lone_surrogates_fails_only_its_record(tmp_path: Path) -> None:
    # text read with errors="surrogateescape" (sys.stdin in a C locale) holds a byte that is
    # not UTF-8 as a lone surrogate: the whole read failed as one source error at line 1, so
    # that every record of the chunk (those before it too) and every one after it was lost
    path = tmp_path / "in.ndjson"
    path.write_bytes(ndjson(line(pki(1)), line(pki(2)).replace('"u2"', '"u2\xff"'), line(pki(3))))
    path.write_bytes(path.read_bytes().replace(b"\xc3\xbf", b"\xff"))
    with path.open("rb") as binary:
        expected = outcomes(binary)
    assert expected == (["u1", ("F", 2, None), "u3"], StreamStats(3, 2, 1, 0))
    with path.open(encoding="utf-8", errors="surrogateescape") as text:
        assert outcomes(text) == expected
        text.seek(0)
        assert outcomes(list(text)) == expected
    other = [line(pki(1)), line(pki(2)).replace('"u2"', '"u2\ud800"'), line(pki(3))]
    assert outcomes(other) == expected


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
@pytest.mark.parametrize("mode", ["rb", "rt", "lines"])
@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open], ids=["gzip", "bz2", "lzma"])
def test_a_decompressing_file_object_that_fails_is_a_source_failure(
    opener: Any, mode: str, damage: str
) -> None:
    # gzip.open, bz2.open and lzma.open decompress as they are read: on truncated or corrupt
    # data their reads raise EOFError, zlib.error or LZMAError, which left the stream
    data = ndjson(*(line(pki(n)) for n in range(3000)))
    compressors: dict[Any, Callable[[bytes], bytes]] = {
        gzip.open: gzip.compress,
        bz2.open: bz2.compress,
        lzma.open: lzma.compress,
    }
    packed = compressors[opener](data)
    cut = len(packed) // 2
    if damage == "truncated":
        packed = packed[:cut]
    else:
        packed = (
            packed[:cut] + bytes(b ^ 0x55 for b in packed[cut : cut + 200]) + packed[cut + 200 :]
        )
    handle = opener(io.BytesIO(packed), "rt" if mode == "rt" else "rb")
    stream = iter_events(handle if mode != "lines" else iter(handle), on_error="collect")
    items = list(stream)
    *events, last = items
    assert isinstance(last, ParseFailure)
    assert isinstance(last.error, SourceError)
    stats = stream.stats
    assert stats.read == stats.parsed + stats.failed + stats.skipped
    if damage == "truncated":  # every record before the cut is kept (the last one is cut)
        assert not any(isinstance(e, ParseFailure) for e in events[:-1])
        assert 0 < stream.stats.parsed < 3000


@pytest.mark.parametrize("separator", ["", " ", "\t"])
def test_objects_one_after_another_on_a_line_longer_than_the_limit_are_each_read(
    separator: str, tmp_path: Path
) -> None:
    # Firehose writes its records to S3 one after the other, with no line break: in "auto"
    # (the default, and the CLI's) a line of such objects longer than max_record_bytes was
    # one failure, every event of it lost, where "json" read each; a line that opens an
    # object is now read as a document there too, each value within the limit read
    events = [line(pki(n)) for n in range(50)]
    data = separator.join(events).encode()
    limit = 5000
    assert len(data) > 10 * limit
    for format in ("auto", "json"):
        items, stats = outcomes(data, format=format, max_record_bytes=limit)
        assert items == [f"u{n}" for n in range(50)], format
        assert stats == StreamStats(read=50, parsed=50, failed=0, skipped=0)
    path = tmp_path / "firehose.json.gz"
    path.write_bytes(gzip.compress(data))
    result = cli("validate", "--max-record-bytes", str(limit), path)
    assert result.exit_code == 0, result.output
    # lifecycles_from's own line reader hands such a line to the stream reader
    lines = tmp_path / "firehose.ndjson"
    lines.write_bytes(data + b"\n" + events[0].encode() + b"\n")
    stats = StreamStats()
    lifecycles_from(lines, on_error="collect", max_record_bytes=limit, stats=stats)
    assert stats == StreamStats(read=51, parsed=51, failed=0, skipped=0)
    # and so an array on one line longer than the limit (jq -c -s), which it failed whole
    lines.write_text(line([pki(n) for n in range(50)]) + "\n")
    stats = StreamStats()
    lifecycles_from(lines, on_error="collect", max_record_bytes=limit, stats=stats)
    assert stats == StreamStats(read=50, parsed=50, failed=0, skipped=0)
    # a value over the limit among them is one failure; the values around it are read
    big = line(pki(99) | {"displayMessage": "x" * limit})
    items, _ = outcomes((events[0] + big + events[1]).encode(), max_record_bytes=limit)
    assert items == ["u0", ("F", 1, None), "u1"]
    # one object over the limit on its line is one failure, as before
    items, _ = outcomes(ndjson(big, events[2]), max_record_bytes=limit)
    assert items == [("F", 1, None), "u2"]


def test_the_errors_of_a_stream_survive_pickling_and_copying() -> None:
    # a worker process (multiprocessing, ProcessPoolExecutor) sends its exception pickled:
    # RecordError was rebuilt from its message (AttributeError: 'str' object has no
    # attribute 'message'), UnknownEventTypeError's message wrapped itself once more
    with pytest.raises(RecordError) as raised:
        list(iter_events(ndjson(line(pki(1)), '{"uuid": 5}')))
    unknown = UnknownEventTypeError("pki.cert.future")
    for error in (raised.value, unknown, UnknownEventTypeError("user.session.start")):
        for back in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
            assert type(back) is type(error)
            assert str(back) == str(error)
            assert back.args == error.args
    back = pickle.loads(pickle.dumps(raised.value))
    assert (back.failure.line, back.failure.message) == (2, raised.value.failure.message)
    assert pickle.loads(pickle.dumps(unknown)).event_type == "pki.cert.future"


def test_a_decoded_pages_element_that_is_no_json_fails_alone() -> None:
    # an iterable's decoded page may hold what JSON cannot write (a lone surrogate, bytes):
    # such an element made the whole page one failure ("Error serializing to JSON"), every
    # event in it lost
    for odd in ["\ud800", b"\xff", object(), float("nan")]:
        items, stats = outcomes([[odd, pki(1)]])
        assert items == [("F", 1, 0), "u1"], odd
        assert stats == StreamStats(read=2, parsed=1, failed=1, skipped=0)
        (failure,) = failures([[odd, pki(1)]])
        assert "Input should be an object" in failure.message


def test_a_zip_members_file_object_that_fails_is_a_source_failure() -> None:
    # ZipFile.open reads as it goes: a bad CRC raised BadZipFile, which left the stream
    data = ndjson(*(line(pki(n)) for n in range(3000)))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("okta.ndjson", data)
    damaged = bytearray(packed.getvalue())
    for at in range(len(damaged) // 2, len(damaged) // 2 + 200):
        damaged[at] ^= 0x55
    with zipfile.ZipFile(io.BytesIO(bytes(damaged))) as archive:
        stream = iter_events(archive.open("okta.ndjson"), on_error="collect")
        *_, last = list(stream)
    assert isinstance(last, ParseFailure)
    assert isinstance(last.error, SourceError)
    stats = stream.stats
    assert stats.read == stats.parsed + stats.failed + stats.skipped


class _AsyncFile:
    """A file object whose read is a coroutine (aiofiles, anyio, Starlette's UploadFile)."""

    name = "upload.ndjson"

    async def read(self, size: int = -1) -> bytes:
        return b""


class _OddFile:
    """A file object whose read gives neither bytes nor text."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def read(self, size: int = -1) -> Any:
        return self.value


def test_a_file_object_that_reads_no_bytes_is_a_value_error_or_a_source_failure() -> None:
    # an async file object's read gave a coroutine: TypeError ("cannot convert 'coroutine'
    # object to bytes") and a coroutine never awaited; a read that gave an int was read as
    # that many zero bytes, forever
    with pytest.raises(ValueError, match="async file object"):
        iter_events(cast(Any, _AsyncFile()))
    for value in (5, [b"{}"], 1.5):
        stream = iter_events(cast(Any, _OddFile(value)), on_error="collect")
        (failure,) = list(stream)
        assert isinstance(failure, ParseFailure)
        assert isinstance(failure.error, SourceError)
        assert f"read() gave {type(value).__name__}" in failure.message
        assert stream.stats == StreamStats(read=1, parsed=0, failed=1, skipped=0)

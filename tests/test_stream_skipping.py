"""Records skipped by rule are counted in the records stage, never yielded one by one.

The probe answers ``SKIP`` for an event of a type the stream does not keep (``only_pki``);
the records stage passes a run of such lines (in one call of the skipper after the first)
and sends their count to the reader, which stays the one place that counts. These tests
hold the counts to the lines: at every item yielded, at the end, before a failure, a
source error or a raised ``RecordError``, across chunk boundaries, with blank lines and
CRLF, with the ``fast`` extra and without it.
"""

from __future__ import annotations

import copy
import gzip
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from okta_pki_events import ParseFailure, RecordError, StreamStats, iter_events, iter_records
from okta_pki_events._stream._probe import SKIP, fast_probe, keeping, skipper
from okta_pki_events._stream.framing import Framer
from okta_pki_events.envelopes import EnvelopeKeys

from .hostile_json import EVENT_TYPES, HOSTILE_VALUES
from .support import NON_PKI_SAMPLE, Trickle, fast_extra, line_bytes, pki, sample_event

ENVELOPE_KEYS = [f'"{key}"'.encode() for key in EnvelopeKeys.__annotations__]

FAST = fast_probe()


def pki_line(n: int) -> bytes:
    return line_bytes(pki(n))


NON_PKI = sample_event(NON_PKI_SAMPLE)


def other_line(n: int) -> bytes:
    return line_bytes(NON_PKI | {"uuid": f"n{n}"})


OTHERS = {other_line(n) for n in range(20)}


def expected_stats(lines: list[bytes]) -> list[tuple[int, Any]]:
    """Each kept line's number and the stats due when it is yielded (a plain count)."""
    due: list[tuple[int, Any]] = []
    read = parsed = failed = skipped = 0
    for number, line in enumerate(lines, 1):
        text = line.strip(b" \t\r")
        if not text:
            continue
        read += 1
        if text in OTHERS:
            skipped += 1
        elif text.startswith(b"{") and text.endswith(b"}"):
            parsed += 1
            due.append((number, StreamStats(read, parsed, failed, skipped)))
        else:
            failed += 1
            due.append((number, StreamStats(read, parsed, failed, skipped)))
    due.append((0, StreamStats(read, parsed, failed, skipped)))
    return due


# a run of skipped lines before a kept one, a failure, a blank line, CRLF, the end
LINES = [
    *(other_line(n) for n in range(5)),
    pki_line(1),
    other_line(5),
    b"",
    other_line(6) + b"\r",
    b"   ",
    other_line(7),
    b'{"uuid": "x", "eventType": "pki.cert.issue", broken',
    other_line(8),
    b"\t" + other_line(9) + b" ",
    pki_line(2),
    other_line(10),
    other_line(11),
]


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
@pytest.mark.parametrize("size", [1, 7, 300, 1 << 16])
@pytest.mark.parametrize("ending", [b"\n", b""], ids=["newline", "no-final-newline"])
def test_stats_are_complete_at_every_item_and_at_the_end(
    installed: bool, size: int, ending: bytes
) -> None:
    data = b"\n".join(LINES) + ending
    due = expected_stats(LINES)
    with fast_extra(installed):
        stream = iter_records(io.BufferedReader(Trickle(data, size)), on_error="collect")
        seen = []
        for item in stream:
            seen.append((item.line, copy.copy(stream.stats)))
    assert seen == due[:-1]
    assert stream.stats == due[-1][1]
    assert stream.stats == StreamStats(read=15, parsed=2, failed=1, skipped=12)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_raise_after_skipped_lines_counts_them(installed: bool) -> None:
    data = b"\n".join([other_line(1), other_line(2), b"{broken", other_line(3)])
    with fast_extra(installed):
        stream = iter_events(data)
        with pytest.raises(RecordError) as raised:
            next(stream)
    assert raised.value.failure.line == 3
    assert stream.stats == StreamStats(read=3, parsed=0, failed=1, skipped=2)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
@pytest.mark.parametrize("ending", [b"\n", b""], ids=["newline", "no-final-newline"])
def test_skipped_lines_before_a_source_error_are_counted(installed: bool, ending: bytes) -> None:
    lines = [*(other_line(n) for n in range(40)), pki_line(1), other_line(40)]
    packed = gzip.compress(b"\n".join(lines) + ending)[:-8]  # no trailer: ends in an error
    with fast_extra(installed):
        stream = iter_events(io.BytesIO(packed), on_error="collect")
        items = list(stream)
    assert [type(i).__name__ for i in items] == ["PkiCertIssueEvent", "ParseFailure"]
    assert isinstance(items[-1], ParseFailure)
    if ending:  # the last line is whole: skipped, and the error is on the line after it
        assert items[-1].line == 43
        assert stream.stats == StreamStats(read=43, parsed=1, failed=1, skipped=41)
    else:  # the source's failure takes in the line it cut
        assert items[-1].line == 42
        assert stream.stats == StreamStats(read=42, parsed=1, failed=1, skipped=40)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_only_skipped_lines(installed: bool) -> None:
    for data in (b"\n".join(other_line(n) for n in range(50)), other_line(0) + b"\r\n"):
        with fast_extra(installed):
            stream = iter_events(data, on_error="raise")
            assert list(stream) == []
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        assert stream.stats == StreamStats(read=lines, parsed=0, failed=0, skipped=lines)


def test_the_records_stage_sends_counts_not_lines() -> None:
    """A run of skipped lines is one ``int`` before the next item (and at a buffer's end)."""
    data = b"\n".join([other_line(1), other_line(2), b"", pki_line(1), other_line(3)]) + b"\n"
    for installed in (True, False):
        with fast_extra(installed):
            probe = fast_probe("pki.", False) or keeping("pki.", False)
            skip = skipper("pki.", False, 1 << 24)
        for run in (None, skip):
            framed = list(Framer(iter([data]), "ndjson", 1 << 24, probe, True, run).records())
            assert [type(item) for item in framed] == [int, tuple, int]
            assert framed[0] == 2
            assert framed[2] == 1
            kept = framed[1]
            assert isinstance(kept, tuple)
            assert kept[0] == 4  # the PKI line's number: the blank line counted


def lines_of_a_stream() -> st.SearchStrategy[list[bytes]]:
    kinds = st.sampled_from(
        [
            other_line(1),
            other_line(2) + b"\r",
            b" " + other_line(3) + b"\t",
            pki_line(1),
            b"",
            b"   ",
            b"[1, 2]",
            b'"text"',
            b"{broken",
            other_line(4)[:-1] + b',"k":' + b"[" * 150 + b"]" * 150 + b"}",  # past the guard
            other_line(5)[:-1] + b',"k":"\xc3\xa9"}',  # not ASCII, UTF-8: msgspec's
            other_line(7)[:-1] + b',"k":"\xff"}',  # invalid UTF-8, which msgspec skips
            other_line(6)[:-1] + b',"k":' + b"[" * 250 + b"]" * 250 + b"}",  # too deep
            # deeper than Python's recursion limit, within MAX_BYTES: msgspec's RecursionError
            b'{"uuid":"u","eventType":"user.x","k":' + b"[" * 1500 + b"]" * 1500 + b"}",
            b'{"eventType":"user.x","source":"aws.partner/okta.com/x"}',  # no uuid
            b'{"uuid":"u","eventType":7}',
            # brackets and escaped quotes in strings, lines that end inside a value (a
            # document's first line), duplicate keys (the last one wins), a byte-order mark
            b'{"uuid":"u","eventType":"user.x","k":"{[\\"{[\\\\","j":"]}"}',
            b'{"uuid":"u","eventType":"user.x","k":{',
            b'{"uuid":"u","eventType":"user.x","k":[',
            b'{"uuid":"u","eventType":"user.x",',
            b'{"uuid":"u","eventType":"user.x","k":"cut',
            b'{"uuid":"u","eventType":"pki.cert.issue","eventType":"user.x"}',
            b'{"uuid":"u","eventType":"user.x","eventType":"pki.cert.issue"}',
            b'\xef\xbb\xbf{"uuid":"u","eventType":"user.x"}',
        ]
    )
    return st.lists(kinds, min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=lines_of_a_stream(), events=st.booleans(), installed=st.booleans())
def test_the_skipper_passes_only_lines_the_probe_skips(
    lines: list[bytes], events: bool, installed: bool
) -> None:
    """It stops at the first line that its probe does not answer SKIP: never late."""
    text = b"\n".join(lines) + b"\n"
    with fast_extra(installed):
        probe = fast_probe("pki.", events) or keeping("pki.", events)
        skip = skipper("pki.", events, 1 << 24)
    assert skip is not None
    end, count = skip(text, 0)
    assert end == sum(len(line) + 1 for line in lines[:count])
    for line in lines[:count]:
        assert probe(line.strip(b" \t\r")) is SKIP, line
    if count < len(lines):  # where it stopped: a line the probe keeps, reports or skips
        stopped = lines[count].strip(b" \t\r")
        try:
            answer = probe(stopped) if stopped else None
        except ValidationError:
            answer = None
        # msgspec may stop early (where its answer is not taken); the exact one never does
        assert installed or answer is not SKIP, stopped


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=lines_of_a_stream(),
    cut=st.integers(0, 1 << 20),
    before_a_break=st.booleans(),
    start=st.integers(0, 3),
    events=st.booleans(),
    installed=st.booleans(),
)
def test_the_skipper_passes_only_complete_lines(
    lines: list[bytes], cut: int, before_a_break: bool, start: int, events: bool, installed: bool
) -> None:
    """A text cut anywhere (as a read cuts it): the line it cuts is never passed, even one
    that is JSON on its own without its line break; the complete lines are passed as in the
    whole text, and the position returned is a line's start."""
    text = b"\n".join(lines) + b"\n"
    starts = [0, *(i + 1 for i, byte in enumerate(text) if byte == 0x0A)]
    first = starts[min(start, len(lines) - 1)]
    # anywhere after the first line's start, or just before a line break (a whole line)
    cuts = [i - 1 for i in starts[1:] if i > first] if before_a_break else []
    part = text[: cuts[cut % len(cuts)] if cuts else first + cut % (len(text) - first + 1)]
    with fast_extra(installed):
        skip = skipper("pki.", events, 1 << 24)
    assert skip is not None
    whole_end, _ = skip(text, first)
    end, count = skip(part, first)
    complete = part.rfind(b"\n") + 1
    assert end == max(first, min(whole_end, complete))
    assert end in starts
    assert count == part.count(b"\n", first, end)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_a_last_line_without_its_break_is_not_passed(installed: bool) -> None:
    # JSON on its own, but more text may follow in the next read: the records stage decides
    text = other_line(0) + b"\n" + other_line(1) + b"\r\n" + other_line(2)
    with fast_extra(installed):
        skip = skipper("pki.", False, 1 << 24)
    assert skip is not None
    assert skip(text, 0) == (len(text) - len(other_line(2)), 2)
    assert skip(text + b"\n", 0) == (len(text) + 1, 3)
    assert skip(other_line(2), 0) == (0, 0)
    assert skip(b"", 0) == (0, 0)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_a_line_over_the_limit_is_not_skipped(installed: bool) -> None:
    long = other_line(1)
    data = b"\n".join([other_line(0), long, other_line(2)])
    with fast_extra(installed):
        stream = iter_events(data, on_error="collect", max_record_bytes=len(long) - 1)
        items = list(stream)
    failures = [i for i in items if isinstance(i, ParseFailure)]
    assert failures == items
    assert [(i.line, "max_record_bytes" in str(i.error)) for i in failures] == [
        (1, True),
        (2, True),
        (3, True),
    ]
    assert stream.stats == StreamStats(read=3, parsed=0, failed=3, skipped=0)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_a_lazy_stream_skips_what_the_eager_one_skips(installed: bool) -> None:
    # a non-PKI event whose text names a pki.* value, before and after a PKI event: skipped
    hinted = line_bytes(NON_PKI | {"uuid": "n1", "displayMessage": "pki.cert.issue"})
    data = b"\n".join([other_line(0), hinted, pki_line(1), hinted, other_line(2)])
    with fast_extra(installed):
        lazy = iter_events(data, lazy=True)
        eager = iter_events(data)
        assert [e.uuid for e in lazy] == [e.uuid for e in eager] == ["u1"]
    assert lazy.stats == eager.stats == StreamStats(read=5, parsed=1, failed=0, skipped=4)


def exact_answer(text: bytes, events: bool) -> Any:
    try:
        return keeping("pki.", events)(text)
    except ValidationError:
        return None


@pytest.mark.parametrize("events", [True, False], ids=["events", "auto"])
@pytest.mark.parametrize("key", [*ENVELOPE_KEYS, b'"k"'])
def test_the_exact_skipper_decides_as_the_exact_probe(key: bytes, events: bool) -> None:
    """Its smaller schema reads the same JSON: a line is passed iff the probe skips it."""
    with fast_extra(installed=False):
        skip = skipper("pki.", events, 1 << 24)
    assert skip is not None
    for value in [*HOSTILE_VALUES, *EVENT_TYPES, b'"user.x"']:
        for text in (
            b'{"uuid":"u","eventType":"user.x",' + key + b":" + value + b"}",
            b"{" + key + b":" + value + b',"uuid":"u","eventType":"user.x"}',
            b'{"eventType":"user.x",' + key + b":" + value + b"}",
        ):
            passed = skip(text + b"\n", 0)[1] == 1
            assert passed == (exact_answer(text, events) is SKIP), text


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_a_long_integer_in_a_value_over_two_lines_is_a_failure_not_an_exception(
    installed: bool,
) -> None:
    # found by the differential test: the framer's syntax check converted the integer
    # (Python refuses more than 4,300 digits) and its ValueError left the stream
    data = b'{"eventType":\n{"uuid":"u","k":"text","k":' + b"9" * 4301 + b"}"
    with fast_extra(installed):
        stream = iter_records(data, on_error="collect", only_pki=False)
        items = list(stream)
    assert [(type(i), i.line) for i in items] == [(ParseFailure, 1), (ParseFailure, 2)]
    assert stream.stats == StreamStats(read=2, parsed=0, failed=2, skipped=0)


def framed_items(
    data: bytes, size: int, format: Any, events: bool, limit: int, skip: bool
) -> list[Any]:
    """The records stage's items for ``data`` read ``size`` bytes at a time, comparable."""
    probe = fast_probe("pki.", events) or keeping("pki.", events)
    run = skipper("pki.", events, limit) if skip else None
    chunks = iter([data[i : i + size] for i in range(0, len(data), size)])
    out: list[Any] = []
    for item in Framer(chunks, format, limit, probe, True, run).records():
        if isinstance(item, tuple):
            line, index, text, keys = item
            out.append((line, index, text, str(keys) if isinstance(keys, Exception) else keys))
        elif isinstance(item, int):
            out.append(item)
        else:
            out.append((item.line, item.index, str(item.error), item.raw))
    return out


# kept lines alone and in runs among skipped ones (the skipper reads on after a skipped
# line, and after one line among skipped ones), values over two lines, arrays, blanks, CRLF,
# lines the guards refuse (deep, not ASCII, many brackets), lines over a small limit
STREAM_LINES = [
    other_line(1),
    other_line(2) + b"\r",
    b" " + other_line(3) + b"\t",
    pki_line(1),
    pki_line(2),
    b"",
    b"  \r",
    b"[1, 2]",
    b"[",
    b"]",
    b'{"uuid": "u", "eventType":',
    b'"user.x"}',
    b'"text"',
    b"{broken",
    *(b'{"uuid":"u%d","eventType":"user.x"}' % n for n in range(4)),  # under the small limit
    other_line(4)[:-1] + b',"k":' + b"[" * 150 + b"]" * 150 + b"}",
    other_line(5)[:-1] + b',"k":"\xc3\xa9"}',
    other_line(6)[:-1] + b',"k":"\xff"}',  # invalid UTF-8 that msgspec would skip
    other_line(7)[:-1] + b',"k":"\xc3"}',  # a cut character
    other_line(9)[:-1] + b',"k":"\xed\xa0\x80\xf0\x9f\x98\x80"}',  # a surrogate, an emoji
    other_line(8)[:-1] + b',"k":' + b"[" * 250 + b"]" * 250 + b"}",
    b'{"uuid":"u","eventType":"user.x","k":' + b"[" * 1500 + b"]" * 1500 + b"}",
    b'{"uuid":"u","eventType":7}',
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.sampled_from(STREAM_LINES), min_size=1, max_size=16),
    size=st.sampled_from([1, 2, 7, 64, 700, 1 << 16]),
    format=st.sampled_from(["auto", "ndjson"]),
    events=st.booleans(),
    installed=st.booleans(),
    limit=st.sampled_from([1 << 24, 300]),
    ending=st.sampled_from([b"\n", b""]),
)
def test_the_skipper_changes_no_item_of_the_records_stage(
    lines: list[bytes],
    size: int,
    format: Any,
    events: bool,
    installed: bool,
    limit: int,
    ending: bytes,
) -> None:
    """Where the skipper reads on (after a skipped line, after a kept line among skipped
    ones, across a refill), the items and counts are those of the probe line by line."""
    data = b"\n".join(lines) + ending
    with fast_extra(installed):
        plain = framed_items(data, size, format, events, limit, skip=False)
        skipping = framed_items(data, size, format, events, limit, skip=True)
    assert skipping == plain


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_the_skipper_stops_at_a_line_over_the_limit(installed: bool) -> None:
    short = b'{"uuid":"u","eventType":"user.x"}'
    data = b"\n".join([short, short, other_line(1), short, pki_line(1)]) + b"\n"
    with fast_extra(installed):
        items = framed_items(data, 1 << 16, "auto", False, 300, skip=True)
    assert [item if isinstance(item, int) else item[:2] for item in items] == [
        2,
        (3, None),  # over the limit: a failure, not skipped
        1,
        (5, None),
    ]


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
@pytest.mark.parametrize("size", [1, 5, 1 << 16])
def test_kept_lines_among_skipped_ones_at_every_read_size(installed: bool, size: int) -> None:
    """One kept line in a run, two in a row, and a run over many reads: counts at each item."""
    lines = [
        *(other_line(n) for n in range(3)),
        pki_line(1),
        *(other_line(n) for n in range(3, 6)),
        pki_line(2),
        pki_line(3),
        pki_line(4),
        *(other_line(n) for n in range(6, 20)),
        pki_line(5),
    ]
    data = b"\n".join(lines)
    with fast_extra(installed):
        stream = iter_records(io.BufferedReader(Trickle(data, size)))
        seen = [(record.line, copy.copy(stream.stats)) for record in stream]
    assert seen == expected_stats(lines)[:-1]
    assert [line for line, _ in seen] == [4, 8, 9, 10, 25]
    assert stream.stats == StreamStats(read=25, parsed=5, failed=0, skipped=20)


@pytest.mark.parametrize("format", ["auto", "ndjson"])
def test_a_text_not_ascii_after_one_that_is_checks_its_lines(format: Any) -> None:
    """The skipper checks ASCII once per text: a new text (a refill) is checked anew."""
    first = other_line(0) + b"\n" + other_line(1) + b"\n"
    data = first + other_line(2)[:-1] + b',"k":"\xff"}\n' + other_line(3) + b"\n"
    with fast_extra(installed=True):
        items = framed_items(data, len(first), format, False, 1 << 24, skip=True)
        assert items == framed_items(data, len(first), format, False, 1 << 24, skip=False)
    assert [item if isinstance(item, int) else item[:2] for item in items] == [2, (3, None), 1]
    failed = items[1]
    assert isinstance(failed, tuple)
    assert "invalid unicode code point" in failed[3]  # pydantic-core's: not skipped


def with_key_first(line: bytes, key: bytes, value: bytes) -> bytes:
    """The line's object with ``key: value`` before its own keys (a duplicate, read first)."""
    assert line.startswith(b"{")
    return b"{" + key + b":" + value + b"," + line[1:]


def with_key_last(line: bytes, key: bytes, value: bytes) -> bytes:
    """The line's object with ``key: value`` after its own keys (a duplicate, read last)."""
    assert line.endswith(b"}")
    return line[:-1] + b"," + key + b":" + value + b"}"


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
@pytest.mark.parametrize("size", [1, 7, 1 << 16])
def test_a_duplicate_event_type_is_read_as_its_last_value(installed: bool, size: int) -> None:
    """JSON's duplicate keys: the last one wins, as pydantic-core reads it, among skipped lines.

    A validator where the first duplicate wins (simdjson's DOM) would skip lines 2 and 6 and
    keep line 4; an escaped spelling of the key is the same key.
    """
    other, kept = other_line(0), pki_line(1)
    lines = [
        other_line(1),
        with_key_first(kept, b'"eventType"', b'"user.session.start"'),  # PKI last: kept
        other_line(2),
        with_key_last(kept, b'"eventType"', b'"user.session.start"'),  # other last: skipped
        other_line(3),
        with_key_last(other, b'"event\\u0054ype"', b'"pki.cert.issue"'),  # escaped: kept
        other_line(4),
        with_key_last(other, b'"eventType"', b"5"),  # not a string last: a failure
        other_line(5),
    ]
    data = b"\n".join(lines) + b"\n"
    with fast_extra(installed):
        stream = iter_records(io.BufferedReader(Trickle(data, size)), on_error="collect")
        seen = [(item.line, isinstance(item, ParseFailure)) for item in stream]
    assert seen == [(2, False), (6, False), (8, True)]
    assert stream.stats == StreamStats(read=9, parsed=2, failed=1, skipped=6)

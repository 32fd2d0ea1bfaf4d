"""``format="auto"`` decides record by record: a broken document swallows no line after it.

When a value breaks, the failure is the value's first line (from where the value starts);
every line after it is read again, each on its own (an event, a failure, or the start of a
new document), or, in an array, as the array's next elements. Nothing is swallowed, every
line's fate is reported, and the counts add up; reading stays linear (work is counted).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from okta_pki_events import ParseFailure, StreamStats, iter_events
from okta_pki_events._stream import SourceError, framing
from okta_pki_events._stream.reader import _PROBE as PROBE
from okta_pki_events._stream.sources import Chunk

from .reference_reader import read_events
from .support import Trickle, line, outcomes, pki


def as_reference(text: str, max_record_bytes: int = 1 << 24) -> list[Any]:
    found, _ = read_events(text.encode(), only_pki=True, max_record_bytes=max_record_bytes)
    return [o[1] if o[0] == "event" else ("F", o[1], o[2]) for o in found]


def test_the_issue_repro_a_cut_line_garbage_and_a_stray_array_lose_nothing() -> None:
    text = '{"uuid": "x", "a": [\ngarbage line\n' + line(pki(1)) + "\n[1,2\n" + line(pki(2)) + "\n"
    items, stats = outcomes(text)
    # 1 and 2 are records of the array (not events); (4, 2) is the array cut on line 4
    assert items == [
        *[("F", 1, None), ("F", 2, None), "u1"],
        *[("F", 4, 0), ("F", 4, 1), ("F", 4, 2), "u2"],
    ]
    assert stats == StreamStats(read=7, parsed=2, failed=5, skipped=0)
    assert items == as_reference(text)


def test_a_stray_array_line_then_events() -> None:
    text = "[\n" + line(pki(1)) + "\n" + line(pki(2)) + "\n" + line(pki(3)) + "\n"
    items, stats = outcomes(text)
    # u1 is the array's first element; the array breaks at line 3 (no comma): line 3 on
    assert items == ["u1", ("F", 1, 1), "u2", "u3"]
    assert stats.read == stats.parsed + stats.failed == 4


def test_a_stray_object_line_then_events() -> None:
    text = "{\n" + line(pki(1)) + "\n" + line(pki(2)) + "\n"
    items, _ = outcomes(text)
    assert items == [("F", 1, None), "u1", "u2"]


def test_garbage_and_stray_closers_after_a_cut_line_are_each_one_failure() -> None:
    # the old rescue read only the object lines after a cut line, silently dropping the rest
    cut = '{"uuid": "x", "target": ['
    text = "\n".join([cut, "garbage", line(pki(1)), "]", "}", "", line(pki(2))])
    items, stats = outcomes(text + "\n")
    assert items == [("F", 1, None), ("F", 2, None), "u1", ("F", 4, None), ("F", 5, None), "u2"]
    assert stats == StreamStats(read=6, parsed=2, failed=4, skipped=0)


def test_a_value_whose_brackets_close_over_garbage_swallows_no_line() -> None:
    # the brackets balance, so the value "closes": its syntax error still re-reads its lines
    text = '{"uuid": "x", "a": [\ngarbage\n' + line(pki(1)) + "\n]}\n" + line(pki(2)) + "\n"
    items, _ = outcomes(text)
    assert items == [("F", 1, None), ("F", 2, None), "u1", ("F", 4, None), "u2"]
    assert items == as_reference(text)


def test_a_cut_line_nested_in_a_cut_line_chain_keeps_the_events_after() -> None:
    cut = line(pki(0)).split('"target":')[0] + '"target":['
    text = "\n".join([cut] * 5 + [line(pki(1)), cut, line(pki(2))]) + "\n"
    items, stats = outcomes(text)
    assert items == [("F", n, None) for n in range(1, 6)] + ["u1", ("F", 7, None), "u2"]
    assert stats.read == 8


def test_a_broken_element_rereads_the_lines_after_its_first_one_as_elements() -> None:
    text = "[\n" + '{"uuid": "x", "a": [\n' + line(pki(1)) + ",\n" + line(pki(2)) + "\n]\n"
    items, _ = outcomes(text)
    # element 0 is cut (its text runs to the end); its lines after the first are elements 1, 2
    assert items[0] == ("F", 1, 0)
    assert items[1:3] == ["u1", "u2"]
    assert items == as_reference(text)


def test_json_format_rereads_the_lines_of_a_broken_value_too() -> None:
    text = '{"uuid": "x", "a": [\n' + line(pki(1)) + "\n"
    items, _ = outcomes(text, format="json")
    assert items == [("F", 1, None), "u1"]


def test_a_broken_pretty_document_reports_each_of_its_lines() -> None:
    pretty = json.dumps(pki(2), indent=2).replace('"uuid": "u2",', '"uuid": "u2" "x": 1,')
    text = "\n".join([line(pki(1)), pretty, line(pki(3))]) + "\n"
    items, stats = outcomes(text)
    assert items[0] == "u1"
    assert items[1] == ("F", 2, None)
    assert items[-1] == "u3"
    assert stats.read == stats.parsed + stats.failed
    assert items == as_reference(text)


@pytest.mark.parametrize("cut", ['{"uuid": "x", "a": [', '{"a": {"b":', '[{"a": ['])
@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_a_long_chain_of_cut_lines_is_read_in_linear_work(
    monkeypatch: pytest.MonkeyPatch, cut: str, fmt: Any
) -> None:
    """Each cut line opens a value that the next one continues: no line is framed twice over."""
    work = [0]
    scanned = framing._end
    checked = framing._json_error

    def counted_end(pattern: Any, text: bytes, at: int, stop: int | None = None) -> int:
        end = scanned(pattern, text, at, stop)
        work[0] += end - at + 1
        return end

    def counted_error(text: bytes, final: bool) -> Any:
        work[0] += len(text)
        return checked(text, final)

    def probe(text: bytes) -> Any:
        work[0] += len(text)
        return PROBE(text)

    monkeypatch.setattr(framing, "_end", counted_end)
    monkeypatch.setattr(framing, "_json_error", counted_error)

    def run(count: int) -> int:
        work[0] = 0
        text = ((cut + "\n") * count + line(pki(1)) + "\n").encode()
        chunks: Iterator[Chunk] = iter([text[i : i + 4096] for i in range(0, len(text), 4096)])
        framed = list(framing.Framer(chunks, fmt, 1 << 24, probe).records())
        assert len(framed) >= count  # every cut line is reported
        return work[0]

    small, large = run(500), run(4000)
    # linear: 8 times the lines, about 8 times the work (quadratic would be 64 times)
    assert large < 12 * small, (small, large)
    assert large < 40 * 4000 * len(cut), large


def test_a_source_error_inside_a_multi_line_value_keeps_the_lines_before_it() -> None:
    """Truncated gzip inside a value opened by a cut line: the event it took in is read."""
    text = '{"uuid": "x", "a":\n' + line(pki(1)) + '\n{"uuid": "u2", "a'
    packed = gzip.compress(text.encode())[:-8]  # no trailer: the stream ends early
    stream = iter_events(io.BytesIO(packed), on_error="collect")
    items = list(stream)
    got = [("F", i.line, i.index) if isinstance(i, ParseFailure) else i.uuid for i in items]
    # the cut line is one failure, the event is read, the source's failure takes in line 3
    assert got == [("F", 1, None), "u1", ("F", 3, None)]
    assert isinstance(items[-1], ParseFailure)
    assert isinstance(items[-1].error, SourceError)
    assert stream.stats == StreamStats(read=3, parsed=1, failed=2, skipped=0)


def counting_work(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the framing's work: bytes scanned, bytes checked as JSON, bytes probed."""
    work = [0]
    scanned = framing._end
    checked = framing._json_error

    def counted_end(pattern: Any, text: bytes, at: int, stop: int | None = None) -> int:
        end = scanned(pattern, text, at, stop)
        work[0] += end - at + 1
        return end

    def counted_error(text: bytes, final: bool) -> Any:
        work[0] += len(text)
        return checked(text, final)

    monkeypatch.setattr(framing, "_end", counted_end)
    monkeypatch.setattr(framing, "_json_error", counted_error)
    return work


@pytest.mark.parametrize("cut", ['{"uuid": "x", "a": [', '{"a": {"b":', "["])
@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_a_chain_of_cut_lines_continued_past_the_limit_is_read_in_linear_work(
    monkeypatch: pytest.MonkeyPatch, cut: str, fmt: Any
) -> None:
    """Each cut line opens a value that the next continues, past max_record_bytes: each is
    one failure over the limit, every line is read again, and no line is framed twice over."""
    work = counting_work(monkeypatch)
    limit = 1 << 16

    def probe(text: bytes) -> Any:
        work[0] += len(text)
        return PROBE(text)

    def run(count: int) -> tuple[int, int, list[Any]]:
        work[0] = 0
        body = "[\n" + "1,\n" * (limit // 2) + line(pki(1)) + ",\n" + line(pki(2)) + "\n"
        text = ((cut + "\n") * count + body).encode()
        chunks: Iterator[Chunk] = iter([text[i : i + 4096] for i in range(0, len(text), 4096)])
        framed = list(framing.Framer(chunks, fmt, limit, probe).records())
        oversize = [
            f for f in framed if isinstance(f, framing.Broken) and "max_record" in str(f.error)
        ]
        return work[0], len(text), oversize

    small, small_size, _ = run(250)
    large, large_size, large_over = run(2000)
    # each cut line's value (or, in an array, each element) is one failure of its own
    assert len(large_over) >= 1999
    assert len({(f.line, f.index) for f in large_over}) == len(large_over)
    # linear: the work follows the text, not the lines times the limit (quadratic: 8 times
    # the lines would be 8 times the work, about 60 times the text's bytes)
    assert large < 12 * large_size, (large, large_size)
    assert large - small < 12 * (large_size - small_size) + small, (small, large)


def test_an_event_after_a_cut_line_continued_past_the_limit_is_read() -> None:
    # the issue 9 closing note's gap: the lines a cut line took in past the limit were lost
    cut = line(pki(0)).split('"target":')[0] + '"target":['
    events = [line(pki(n)) + "," for n in range(1, 6)]
    text = "\n".join([cut, *events, line(pki(6)), "]}", line(pki(7))]) + "\n"
    items, stats = outcomes(text, max_record_bytes=3000)
    assert items[0] == ("F", 1, None)
    assert [i for i in items if isinstance(i, str)] == [f"u{n}" for n in range(1, 8)]
    (first, *_) = [
        f
        for f in iter_events(text.encode(), on_error="collect", max_record_bytes=3000)
        if isinstance(f, ParseFailure)
    ]
    assert "max_record_bytes" in first.message
    assert stats.read == stats.parsed + stats.failed
    assert items == as_reference(text, max_record_bytes=3000)
    for fmt in ("json", "auto"):
        assert [
            i for i in outcomes(text, max_record_bytes=3000, format=fmt)[0] if isinstance(i, str)
        ]


def _cut_then_continued(tail: str) -> str:
    """A value over the limit from line 1 whose line 2 opens a value read again (continued)
    until ``tail``: line 1 is long, so line 2's value is still within the limit there."""
    cut = '{"uuid": "x", "pad": "' + "p" * 2000 + '", "a": ['
    return cut + '\n{"b": [\n' + "1,\n" * 350 + tail


@pytest.mark.parametrize(
    "text",
    [
        _cut_then_continued('"a string a line break ends\n1]}\n' + line(pki(1)) + "\n"),
        _cut_then_continued('"' + "y" * 200 + '", 2]}]}\n' + line(pki(2)) + "\n"),
        _cut_then_continued('"' + "z" * 6000 + '"]}\n' + line(pki(3)) + "\n"),
    ],
    ids=["broken by a line break", "closed in a later chunk", "over the limit"],
)
@pytest.mark.parametrize("size", [5, 97, 1 << 16])
@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_a_string_still_open_ends_alike_in_a_first_scan_and_in_a_value_read_again(
    text: str, size: int, fmt: Any
) -> None:
    # both scans (a value's first, and a value read again after one over the limit) stop
    # in a string still open at a chunk's end, at a line break or past the limit: one rule
    limit = 3000
    found, _ = read_events(text.encode(), only_pki=True, max_record_bytes=limit, format=fmt)
    expected = [o[1] if o[0] == "event" else ("F", o[1], o[2]) for o in found]
    source = io.BufferedReader(Trickle(text.encode(), size))
    items, stats = outcomes(source, max_record_bytes=limit, format=fmt)
    assert items == expected
    assert items[-1] in ("u1", "u2", "u3")
    assert stats.read == stats.parsed + stats.failed

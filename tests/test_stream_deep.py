"""Deep brackets in multi-line values: the framer's memory does not grow by bytes a level.

A value that goes over ``max_record_bytes`` after its first line, or breaks far from its
start, keeps the brackets open there for the values read again inside it: about a byte a
level (``framing._Levels``), not a 64-bit offset, a closer and a tuple for each.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from okta_pki_events import StreamStats, iter_events
from okta_pki_events._stream import framing

from .reference_reader import first_error

LIMIT = 1 << 18


def peak_and_failures(text: bytes) -> tuple[int, StreamStats, list[tuple[Any, ...]]]:
    tracemalloc.start()
    try:
        stream = iter_events(text, on_error="collect", max_record_bytes=LIMIT)
        failures = [(f.line, f.index, f.message) for f in stream]  # type: ignore[union-attr]
        return tracemalloc.get_traced_memory()[1], stream.stats, failures
    finally:
        tracemalloc.stop()


def test_lines_of_brackets_past_the_limit_cost_about_a_byte_a_level() -> None:
    # 280 KB of brackets after a first line: over the limit after it; every line is read
    # again, inside the value before it (peak 5.2 MB at 9 bytes a level before, 1.2 MB now)
    text = b'{"a":\n' + (b"[" * 1000 + b"\n") * 280
    peak, stats, failures = peak_and_failures(text)
    assert stats == StreamStats(read=281, parsed=0, failed=281, skipped=0)
    assert failures[0][:2] == (1, None)
    assert [f[:2] for f in failures[1:3]] == [(2, 0), (2, 1)]
    # the lines whose value reaches the limit before the text ends, then those it ends in
    # (whose error, a value 1,000 levels deep or more, depends on the recursion limit)
    over = sum("max_record_bytes" in f[2] for f in failures)
    assert over == 20
    assert [f[:2] for f in failures[over:]] == [(2, index) for index in range(19, 280)]
    assert all("invalid JSON" in f[2] for f in failures[over:])
    assert peak < 2_500_000, peak


def test_brackets_closed_after_the_checked_text_are_not_kept_one_by_one() -> None:
    # 150,000 brackets closed after the last line checked: a tuple each before (10.7 MB)
    text = b'{"a":\n' + b"[" * 180_000 + b"\n" + b"]" * 150_000 + b"\n"
    peak, stats, failures = peak_and_failures(text)
    assert stats == StreamStats(read=3, parsed=0, failed=3, skipped=0)
    assert [f[:2] for f in failures] == [(1, None), (2, 0), (3, None)]
    assert "max_record_bytes" in failures[1][2]
    assert "Expecting value" in failures[2][2]
    assert peak < 3_000_000, peak


def test_a_deep_value_broken_within_the_limit_notes_its_brackets_in_a_byte_each() -> None:
    # the brackets open at the break, noted for the values read again (2.1 MB before)
    text = b'{"a":\n' + (b"[" * 1000 + b"\n") * 250 + b"x\n"
    peak, stats, failures = peak_and_failures(text)
    assert stats == StreamStats(read=253, parsed=0, failed=253, skipped=0)
    assert all("invalid JSON" in f[2] and "(line 252)" in f[2] for f in failures[1:251])
    assert [f[:2] for f in failures[250:]] == [(2, 249), (2, 250), (2, 251)]
    assert peak < 1_300_000, peak


# -- the stack of levels, against a plain list --------------------------------------------

GAPS = st.sampled_from([1, 2, 3, 126, 127, 128, 255, 4096, 1 << 33]) | st.integers(1, 300)
OPS = st.lists(
    st.tuples(st.booleans(), GAPS, st.sampled_from([0x5D, 0x7D])), min_size=1, max_size=1500
)


@settings(max_examples=60, deadline=None)
@given(OPS, st.integers(0, 1 << 34))
def test_levels_hold_what_a_list_holds(ops: list[tuple[bool, int, int]], first: int) -> None:
    levels = framing._Levels()
    plain: list[tuple[int, int]] = []
    offset = first
    for push, gap, closer in ops:
        if push or not plain:
            offset = plain[-1][0] + gap if plain else first + gap
            levels.push(offset, closer)
            plain.append((offset, closer))
        else:
            assert levels.pop() == plain.pop()[1]
        assert len(levels) == len(plain)
        if plain:
            assert levels.closer(-1) == plain[-1][1]
    assert [levels.closer(level) for level in range(len(plain))] == [c for _, c in plain]
    offsets = [o for o, _ in plain]
    for level, at in enumerate(offsets):
        assert levels.find(at) == level
    for at in {o + 1 for o in offsets} | {o - 1 for o in offsets} | {first, 0}:
        assert levels.find(at) == (offsets.index(at) if at in offsets else -1)


# -- the syntax check reads a view of the buffer as it reads bytes -------------------------

TEXTS = st.lists(
    st.sampled_from(["[", "]", "{", "}", '"', ":", ",", "1", "é", " ", "\n", "\t", "\\", "x"]),
    max_size=40,
).map(lambda parts: "".join(parts).encode()) | st.binary(max_size=30)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from([b"", b" ", b"\n", b" \r\n\t "]))
def test_the_syntax_check_of_a_view_is_the_plain_one(text: bytes, blanks: bytes) -> None:
    text += blanks
    for final in (False, True):
        found = framing._json_error(text, final)
        assert framing._json_error(memoryview(text), final) == found
        assert found == first_error(text, final)

"""Lazy streams: the order of the lazy parse and the probe follows the stream, never the outcome.

In a run of events of kept types a lazy stream parses each record lazily before anything else;
elsewhere it probes first (``_stream/reader.py``, ``_lazy_probe``). These tests read the same
streams with the lazy parse always first, the probe always first, and the order the reader
chooses, with the ``fast`` extra and without it: the same items (events equal and of the same
type, failures with the same line and message), the same stats, and the same events as an
eager stream wherever no deferred field is broken.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from okta_pki_events import ParseFailure, StreamStats, iter_events
from okta_pki_events._lazy import is_lazy, lazy_classes, parse_lazy, stream_parser
from okta_pki_events._stream import _probe, reader
from okta_pki_events.models.events import EVENT_MODELS
from okta_pki_events.testing import make_wire_event

from .hostile_json import HOSTILE_VALUES
from .support import sample_event

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def pki(n: int, **changes: Any) -> bytes:
    raw = make_wire_event("pki.cert.issue", uuid=f"p{n}", certificate_id=f"c{n}", published=T0)
    return compact(raw | changes)


OTHER = sample_event("okta-openapi-spec_ListLogs_user.session.start.json")

# Records whose fate differs by the order tried, if anything does.
RECORDS = [
    *(pki(n) for n in range(3)),
    pki(3, eventType="pki.cert.future"),  # an unknown PKI type (on_unknown decides)
    pki(4).replace(b'"pki.cert.issue"', b'"\\u0070ki.cert.issue"'),  # escaped type
    pki(5, actor={"id": 1}),  # a PKI event with a bad eager field: a failure
    BAD_DEFERRED := pki(6, securityContext={"isProxy": "yes"}),  # parsed when lazy
    pki(7, eventType=1),  # a type that is no string
    compact(OTHER | {"uuid": "o1"}),
    compact(OTHER | {"uuid": "o2", "displayMessage": "pki.cert.issue"}),  # names a pki value
    compact(OTHER | {"uuid": "o3", "actor": {"id": 1}}),  # not PKI, a bad eager field
    compact({"uuid": "o4"}),  # no eventType
    compact({"eventType": "pki.cert.issue"}),  # no uuid
    compact({"detail-type": "x", "source": "aws", "detail": json.loads(pki(8))}),  # EventBridge
    compact([json.loads(pki(9))]),  # an API page: with envelope=None a failure naming it
    pki(10)[:-1] + b',"k":' + HOSTILE_VALUES[0] + b"}",  # NaN: pydantic-core reads it
    pki(11)[:-1] + b',"k":' + b"[" * 250 + b"]" * 250 + b"}",  # too deep for pydantic-core
    pki(12)[:-20],  # cut
    b"{",
    b"",
    b"not json",
    # what a run of lazy events must hand back to the framer's general loop
    b" \t ",  # a blank line
    pki(13) + b"\r",  # a CRLF line ending
    b"  " + pki(14),  # leading blanks
    pki(15).replace(b',"actor":', b',\n"actor":'),  # an event over two lines: a document
    pki(16) + b" " + pki(17),  # two values on one line: a document
    pki(18, eventType="pki.cert.issue", uuid="p18", version="0" * 1200),  # over 2,000 bytes
    pki(19, actor={"id": "a1", "alternate_id": "x"}),  # a Python name: an unknown key
]


@contextmanager
def setting(installed: bool, run: int | None) -> Iterator[None]:
    """The ``fast`` extra installed or not; the lazy parse first after ``run`` kept events."""
    kept, kept_run = _probe._FAST, reader._LAZY_RUN
    _probe._FAST = _probe.fast_probe() if installed else None
    if run is not None:
        reader._LAZY_RUN = run
    try:
        yield
    finally:
        _probe._FAST, reader._LAZY_RUN = kept, kept_run


def read(data: Any, *, dump: bool = False, **options: Any) -> tuple[list[Any], StreamStats]:
    """The items of a stream: failures by line and message, events by model and text.

    An event's text: a lazy event's own (its line), or with ``dump`` every event's
    ``model_dump_json(exclude_unset=True)``, which validates a lazy event's deferred fields.
    """
    stream = iter_events(data, on_error="collect", **options)
    items: list[Any] = []
    for item in stream:
        if isinstance(item, ParseFailure):
            items.append(("failure", item.line, item.index, item.message))
            continue
        model = type(item).__mro__[2] if is_lazy(item) else type(item)
        text = item.model_dump_json(exclude_unset=True) if dump else item.model_dump_json()
        items.append((model, item.uuid, text))
    return items, stream.stats


ORDERS = {"lazy first": 0, "probe first": 1 << 30, "as chosen": None}


def read_in_every_order(data: bytes, installed: bool, options: dict[str, Any]) -> dict[str, Any]:
    """``data`` read in each of ``ORDERS`` with the same ``options``: they must all agree."""
    outcomes = {}
    for name, run in ORDERS.items():
        with setting(installed, run):
            outcomes[name] = read(data, **options)
    assert outcomes["lazy first"] == outcomes["probe first"] == outcomes["as chosen"], options
    return outcomes


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    lines=st.lists(st.sampled_from(RECORDS), min_size=1, max_size=12),
    format=st.sampled_from(["auto", "ndjson"]),
    envelope=st.sampled_from(["auto", None]),
    only_pki=st.booleans(),
    on_unknown=st.sampled_from(["generic", "raise"]),
    installed=st.booleans(),
    max_record_bytes=st.sampled_from([1 << 20, 2_000]),
)
def test_the_order_never_changes_what_a_lazy_stream_reads(
    lines: list[bytes],
    format: str,
    envelope: str | None,
    only_pki: bool,
    on_unknown: str,
    installed: bool,
    max_record_bytes: int,
) -> None:
    # "probe first" never parses a run lazily, so it never takes the framer's fast path
    # (Framer's ``lazy``): the orders compare that path with the general loop
    data = b"\n".join(lines)
    options: dict[str, Any] = {
        "format": format,
        "envelope": envelope,
        "only_pki": only_pki,
        "on_unknown": on_unknown,
        "max_record_bytes": max_record_bytes,
        "lazy": True,
    }
    outcomes = read_in_every_order(data, installed, options)
    stats = outcomes["as chosen"][1]
    assert stats.read == stats.parsed + stats.failed + stats.skipped
    if BAD_DEFERRED in lines:  # a bad deferred field: parsed when lazy, a failure when eager
        return
    # the same events and failures as an eager stream reads them
    with setting(installed, None):
        lazy = read(data, dump=True, **options)
        eager = read(data, dump=True, **(options | {"lazy": False}))
    assert lazy == eager


@pytest.mark.parametrize("record", RECORDS, ids=range(len(RECORDS)))
@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_every_record_inside_a_run_reads_as_the_general_loop_reads_it(
    record: bytes, installed: bool
) -> None:
    # A record inside a run of lazy events, twice, then more events: the framer's fast path
    # (lazy first) reads it as the general loop (probe first, never in a run) does.
    data = b"\n".join([pki(0), pki(1), pki(2), record, pki(3), record, pki(4), pki(5)])
    for format, envelope, only_pki, max_record_bytes in itertools.product(
        ["auto", "ndjson"], ["auto", None], [True, False], [1 << 20, 2_000]
    ):
        options: dict[str, Any] = {
            "format": format,
            "envelope": envelope,
            "only_pki": only_pki,
            "max_record_bytes": max_record_bytes,
            "lazy": True,
        }
        read_in_every_order(data, installed, options)


@pytest.mark.parametrize("installed", [True, False], ids=["fast", "exact"])
def test_a_run_of_pki_events_is_parsed_at_the_probe(
    installed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    probed: list[bytes] = []
    parsed: list[bytes] = []
    real_parser = stream_parser

    def parser(keep: str) -> Any:
        real_parse = real_parser(keep)

        def parse(text: bytes) -> Any:
            parsed.append(text)
            return real_parse(text)

        return parse

    monkeypatch.setattr(reader, "stream_parser", parser)
    other = compact(OTHER | {"uuid": "o1"})
    lines = [pki(0), pki(1), pki(2), pki(3), other, other, pki(4), pki(5), pki(6)]
    with setting(installed, None):
        real_probe = reader._Reader(
            b"",
            format="auto",
            envelope="auto",
            on_error="raise",
            only_pki=True,
            on_unknown="generic",
            max_record_bytes=1 << 20,
            records=False,
        ).probe

        def probe(text: bytes) -> Any:
            probed.append(text)
            return real_probe(text)

        monkeypatch.setattr(reader, "fast_probe", lambda *_: probe)
        stream = iter_events(b"\n".join(lines), lazy=True)
        events = list(stream)
    assert [e.uuid for e in events] == ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]
    assert all(is_lazy(e) for e in events)
    assert stream.stats == StreamStats(read=9, parsed=7, failed=0, skipped=2)
    # the probe reads the first two events of each run, the rest of it is parsed lazily at
    # once; the non-PKI event after a run is parsed lazily too, answered SKIP as the probe
    # answers it, and the skipper passes the line after it
    assert probed == [pki(0), pki(1), pki(4), pki(5)]
    assert parsed == [pki(2), pki(3), other, pki(6)]


@pytest.mark.parametrize("keep", ["", "pki."], ids=["all", "pki"])
def test_the_stream_parser_is_parse_lazy_keeping_the_types_that_start_with_keep(keep: str) -> None:
    # every catalogued name (aliases included), an unknown PKI type, other types, and the
    # records above (broken ones, envelopes, arrays): parse_lazy and a startswith check are
    # the reference
    texts = [
        *(pki(n, eventType=name) for n, name in enumerate(EVENT_MODELS)),
        pki(90, eventType="pki.cert.future"),
        pki(91, eventType="pki"),
        pki(92, eventType="PKI.cert.issue"),
        *RECORDS,
    ]
    parse = stream_parser(keep)
    kept = 0
    for text in texts:
        refused: list[Any] | None = None
        try:
            expected = parse_lazy(text)
        except ValidationError as exc:
            refused = exc.errors()
        if refused is not None:
            with pytest.raises(ValidationError) as caught:
                parse(text)
            assert caught.value.errors() == refused
            continue
        event = parse(text)
        if not expected.event_type.startswith(keep):
            assert event is None, text
            continue
        kept += 1
        assert event is not None
        assert type(event) is type(expected)
        assert type(event) in lazy_classes()
        assert event.model_dump_json() == text.decode()
        assert event.uuid == expected.uuid
        assert event.published == expected.published
        assert event.actor == expected.actor
        if text != BAD_DEFERRED:  # equality and dumps validate the deferred fields
            assert event == expected
            assert event.model_dump_json(exclude_unset=True) == expected.model_dump_json(
                exclude_unset=True
            )
    assert kept >= len(EVENT_MODELS) + 1 + (0 if keep else 3)


class _Pieces:
    """A binary file whose reads return pieces of the given sizes in turn (not what was asked)."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes, self.at, self.turn = data, sizes, 0, 0

    def read1(self, size: int = -1) -> bytes:
        piece = self.data[self.at : self.at + self.sizes[self.turn % len(self.sizes)]]
        self.at += len(piece)
        self.turn += 1
        return piece

    read = read1


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    lines=st.lists(
        st.one_of(st.sampled_from(RECORDS), st.integers(20, 40).map(pki)), min_size=1, max_size=14
    ),
    sizes=st.lists(st.integers(1, 3_000), min_size=1, max_size=3),
    format=st.sampled_from(["auto", "ndjson"]),
    only_pki=st.booleans(),
    installed=st.booleans(),
)
def test_a_run_across_reads_reads_as_the_general_loop_reads_it(
    lines: list[bytes], sizes: list[int], format: str, only_pki: bool, installed: bool
) -> None:
    # The fast path stops at the end of what was read and goes on after the next read: any
    # cut of the text gives what the general loop (probe first) gives for the whole text.
    data = b"\n".join(lines) + b"\n"
    options: dict[str, Any] = {"format": format, "only_pki": only_pki, "lazy": True}
    with setting(installed, 1 << 30):
        expected = read(data, **options)
    for run in (0, None):
        with setting(installed, run):
            assert read(_Pieces(data, sizes), **options) == expected

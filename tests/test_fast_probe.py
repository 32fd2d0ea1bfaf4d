"""The ``fast`` extra's msgspec probe answers as pydantic-core's, or leaves the record to it.

Two differential tests on hostile records: the probe itself against the exact probe, and whole
streams read with the extra and without it (same events, same failures with the same
messages, same stats). msgspec is in the ``dev`` extra, so both always run in ``make test``.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from okta_pki_events import ParseFailure, iter_records
from okta_pki_events._stream import _probe
from okta_pki_events._stream._probe import MAX_BRACKETS, MAX_BYTES, exact_probe, fast_probe
from okta_pki_events.testing import make_wire_event

from .hostile_json import AROUND, EVENT_TYPES, HOSTILE_VALUES, KEYS, PLAIN_VALUES, nest
from .support import NON_PKI_SAMPLE, fast_extra, line_bytes, sample_event

FAST = fast_probe()
NON_PKI = sample_event(NON_PKI_SAMPLE)


PKI_LINE = line_bytes(make_wire_event("pki.cert.issue", uuid="u1", certificate_id="c1"))
NON_PKI_LINE = line_bytes(NON_PKI | {"uuid": "n1"})


@st.composite
def record(draw: st.DrawFn) -> bytes:
    """One record's text: an object with hostile members, keys and surroundings."""
    members: list[bytes] = []
    if draw(st.integers(0, 9)):
        uuids = [b'"u"', b"1", b"null", b'"\\u0041"', *HOSTILE_VALUES]
        members.append(b'"uuid":' + draw(st.sampled_from(uuids)))
    if draw(st.integers(0, 9)):
        members.append(b'"eventType":' + draw(st.sampled_from(EVENT_TYPES)))
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(KEYS)) if draw(st.integers(0, 3)) == 0 else b'"k"'
        pool = HOSTILE_VALUES if draw(st.booleans()) else PLAIN_VALUES + EVENT_TYPES
        members.append(key + b":" + draw(st.sampled_from(pool)))
    members = draw(st.permutations(members))
    separator = draw(st.sampled_from([b",", b", ", b"\n,", b",\x0c"]))
    text = b"{" + separator.join(members) + b"}"
    if draw(st.integers(0, 5)) == 0:
        text = draw(st.sampled_from(AROUND)) + text + draw(st.sampled_from(AROUND))
    if draw(st.integers(0, 7)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    if draw(st.integers(0, 7)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.binary(min_size=1, max_size=3)) + text[at:]
    return text


def answer(probe: Any, text: bytes) -> tuple[str, Any]:
    try:
        return "ok", probe(text)
    except ValidationError as exc:
        return "error", str(exc)


def assert_agrees(text: bytes) -> None:
    assert FAST is not None
    fast, exact = answer(FAST, text), answer(exact_probe, text)
    if fast[0] == "ok" and type(fast[1]) is str:  # msgspec's answer: an event of this type
        assert exact[0] == "ok", (text, exact)
        assert "uuid" in exact[1], text
        assert exact[1].get("eventType") == fast[1], text
    else:  # left to the exact probe: its very answer
        assert repr(fast) == repr(exact), text  # (repr: NaN is not equal to itself)


def test_the_extra_is_installed_for_the_tests() -> None:
    # msgspec is in the dev extra: the differential tests below compare two real probes
    assert FAST is not None
    assert FAST(NON_PKI_LINE) == "user.session.start"
    assert FAST(PKI_LINE) == "pki.cert.issue"


@pytest.mark.parametrize(
    "text",
    [
        NON_PKI_LINE[:-1] + b',"k":' + b"[" * (MAX_BRACKETS - 1) + b"]" * (MAX_BRACKETS - 1) + b"}",
        NON_PKI_LINE[:-1] + b',"k":"' + b"x" * MAX_BYTES + b'"}',
        NON_PKI_LINE[:-1] + b',"k":NaN}',
        b'{"eventType":"user.x","source":"aws.partner/okta.com/x"}',
    ],
    ids=["brackets", "bytes", "nan", "no uuid"],
)
def test_each_guard_leaves_the_record_to_the_exact_probe(text: bytes) -> None:
    assert FAST is not None
    assert type(FAST(text)) is dict  # the exact probe's keys, not msgspec's answer
    assert FAST(text) == exact_probe(text)


@pytest.mark.parametrize(
    "value", [b"caf\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xef\xbf\xbe"]
)
def test_utf8_that_is_not_ascii_is_msgspecs(value: bytes) -> None:
    # Python's strict decoder checks it first: msgspec would skip invalid UTF-8 unchecked
    assert FAST is not None
    for text in (
        NON_PKI_LINE[:-1] + b',"k":"' + value + b'"}',
        b'{"uuid":"u","eventType":"user.' + value + b'"}',
        b'{"uuid":"u","eventType":"pki.' + value + b'"}',
        b'{"uuid":"u","' + value + b'":"pki.x","eventType":"user.x"}',
    ):
        assert type(FAST(text)) is str, text  # msgspec's answer
        assert FAST(text) == exact_probe(text)["eventType"], text
        cut = text.replace(value, value[:-1])  # a cut character: left to the exact probe
        assert answer(FAST, cut) == answer(exact_probe, cut), cut


def test_a_record_within_the_guards_is_msgspecs() -> None:
    assert FAST is not None
    inner = MAX_BRACKETS - 1  # the object's own brace makes MAX_BRACKETS
    deep = NON_PKI_LINE[:-1] + b',"k":' + b"[" * inner + b"]" * inner + b"}"
    assert len(deep) - len(deep.replace(b"{", b"").replace(b"[", b"")) > MAX_BRACKETS
    shallow = b'{"uuid":"u","eventType":"x","k":' + b"[" * inner + b"]" * inner + b"}"
    assert FAST(shallow) == "x"
    assert FAST(b'{"uuid":"u","eventType":"x","k":"\\n\\\\\\u0041"}') == "x"  # escapes
    # a key spelt with escapes is the key, and the last of duplicates wins, in both parsers
    escaped = b'{"uuid":"u","eventType":"pki.x","event\\u0054ype":"y"}'
    assert FAST(escaped) == exact_probe(escaped)["eventType"] == "y"


@pytest.mark.parametrize("value", HOSTILE_VALUES + EVENT_TYPES)
def test_hostile_values_anywhere(value: bytes) -> None:
    assert_agrees(b'{"uuid":"u","eventType":"user.x","k":' + value + b"}")
    assert_agrees(b'{"k":' + value + b',"uuid":"u","eventType":"pki.cert.issue"}')
    assert_agrees(b'{"uuid":"u","eventType":' + value + b"}")
    assert_agrees(b'{"uuid":"u","eventType":"user.x","eventType":' + value + b"}")
    assert_agrees(b'{"uuid":"u","eventType":' + value + b',"eventType":"user.x"}')
    assert_agrees(NON_PKI_LINE[:-1] + b',"k":' + value + b"}")


@pytest.mark.parametrize("key", KEYS)
def test_hostile_keys(key: bytes) -> None:
    assert_agrees(b'{"uuid":"u","eventType":"user.x",' + key + b':"pki.cert.issue"}')
    assert_agrees(b'{"uuid":"u",' + key + b':"pki.cert.issue","eventType":"user.x"}')


@pytest.mark.parametrize("around", AROUND)
def test_hostile_surroundings(around: bytes) -> None:
    assert_agrees(around + NON_PKI_LINE)
    assert_agrees(NON_PKI_LINE + around)
    assert_agrees(NON_PKI_LINE.replace(b",", b"," + around, 1))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record())
@example(b'{"uuid":"u","eventType":"user.x","k":' + nest(250, "[") + b"}")
@example(b'{"uuid":"u","eventType":"user.x","k":"' + b"\xff" + b'"}')
def test_the_probes_agree_on_hostile_records(text: bytes) -> None:
    assert_agrees(text)


def read(data: bytes, **options: Any) -> tuple[list[Any], tuple[int, int, int, int]]:
    stream = iter_records(data, on_error="collect", max_record_bytes=8000, **options)
    outcomes: list[Any] = []
    for item in stream:
        if isinstance(item, ParseFailure):
            outcomes.append(("failure", item.line, item.index, str(item.error), item.raw))
        else:
            event = item.event
            outcomes.append(
                (type(event), event.model_dump_json(), item.envelope, item.line, item.index)
            )
    stats = stream.stats
    return outcomes, (stats.read, stats.parsed, stats.failed, stats.skipped)


STREAM_LINES = [PKI_LINE, NON_PKI_LINE, b"", b"[" + PKI_LINE + b"," + NON_PKI_LINE + b"]"]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    lines=st.lists(st.one_of(record(), st.sampled_from(STREAM_LINES)), min_size=1, max_size=8),
    eol=st.sampled_from([b"\n", b"\r\n"]),
    format=st.sampled_from(["auto", "ndjson", "json"]),
    envelope=st.sampled_from(["auto", None]),
    only_pki=st.booleans(),
    lazy=st.booleans(),
    on_unknown=st.sampled_from(["generic", "raise"]),
)
def test_streams_read_the_same_with_the_extra_and_without(
    lines: list[bytes],
    eol: bytes,
    format: str,
    envelope: str | None,
    only_pki: bool,
    lazy: bool,
    on_unknown: str,
) -> None:
    data = eol.join(line.replace(b"\n", b" ") for line in lines)
    options: dict[str, Any] = {
        "format": format,
        "envelope": envelope,
        "only_pki": only_pki,
        "lazy": lazy,
        "on_unknown": on_unknown,
    }
    with fast_extra(installed=True):
        fast = read(data, **options)
    with fast_extra(installed=False):
        exact = read(data, **options)
    assert fast == exact


def test_an_older_msgspec_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(msgspec, "__version__", "0.21.9")
    assert _probe._build() is None
    monkeypatch.setattr(msgspec, "__version__", "0.22.0")
    assert _probe._build() is not None

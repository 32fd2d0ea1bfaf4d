"""``lifecycles_from`` reads the same with the ``fast`` extra (msgspec) and without it.

Both checks: ``check="fields"`` (msgspec's reading of the fold's fields) and ``check="full"``
(msgspec's mirror of the models' schemas). Differential tests on hostile and corrupted
records: each line alone (the same items, the same failures with the same messages), whole
files (the same report, failures and stats); the mirror's refusal of what it does not know;
the published reader against ``ExactTimestamp``; the chunk-at-a-time line splitter against
``open_lines``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic_core import core_schema

from okta_pki_events import ParseFailure, StreamStats, build_lifecycles, iter_records
from okta_pki_events._stream.sources import OversizeLine, _split_lines
from okta_pki_events.lifecycle import _checked, _fields, _sources, lifecycles_from
from okta_pki_events.lifecycle._checked import fast_check, mirror_of
from okta_pki_events.lifecycle._fields import Published, fast_fields
from okta_pki_events.lifecycle._records import micros_of
from okta_pki_events.lifecycle._sources import (
    LastLine,
    _line_batches,
    _with_break,
    items_of_lines,
)
from okta_pki_events.models._timestamp import ExactTimestamp
from okta_pki_events.models.events import EVENT_MODELS
from okta_pki_events.models.log_event import LogEvent
from okta_pki_events.testing import make_wire_event

from .hostile_json import AROUND, EVENT_TYPES, HOSTILE_VALUES, PLAIN_VALUES, nest
from .support import corrupted_events, json_paths

FAST = fast_fields()


MIRROR = fast_check()


@contextmanager
def extra(installed: bool) -> Iterator[None]:
    """Both checks as with the ``fast`` extra installed, or as without it."""
    kept = _fields._STRUCTS, _checked._MIRROR
    _fields._STRUCTS = FAST if installed else False
    _checked._MIRROR = MIRROR if installed else False
    try:
        yield
    finally:
        _fields._STRUCTS, _checked._MIRROR = kept


def outcome_of(item: Any) -> Any:
    if isinstance(item, ParseFailure):
        return ("failure", item.line, item.index, str(item.error), item.raw, item.source)
    return item


def items(lines: list[bytes], installed: bool, check: Any = "fields") -> list[Any]:
    with extra(installed):
        got = items_of_lines(list(enumerate(lines, 1)), "f.ndjson", check=check)
        return [outcome_of(item) for item in got]


PUBLISHED = [
    b'"2026-01-01T00:00:00.000Z"',
    b'"2026-01-01T00:00:59.999Z"',
    b'"2026-01-01t00:00:00.000Z"',
    b'"2026-01-01T00:00:00.000z"',
    b'"2024-02-29T23:59:59.999Z"',
    b'"2026-02-29T00:00:00.000Z"',
    b'"2026-01-01T00:00:60.000Z"',
    b'"2026-01-01T24:00:00.000Z"',
    b'"2026-01-01T00:60:00.000Z"',
    b'"2026-01-01T00:00:00Z"',
    b'"2026-01-01T00:00:00.1234567Z"',
    b'"2026-01-01T00:00:00.000+01:00"',
    b'"0001-01-01T00:00:00.000Z"',
    b'"0001-01-01T00:00:00.000+01:00"',
    b'"9999-12-31T23:59:59.999Z"',
    b'"9999-12-31T23:59:59.999-01:00"',
    b'"2026-01-01 00:00:00.000Z"',
    b'"2026-01-01T00:00:00.00aZ"',
    b'"\\u0032026-01-01T00:00:00.000Z"',
    b'"2026-01-01T00:00:00.000Z "',
    b'"\xc3\xa9026-01-01T00:00:00.000Z"',
    b'"1700000000"',
    b"1700000000",
    b"null",
]
PARTIES = [
    b"null",
    b"{}",
    b'{"id":"a1"}',
    b'{"alternateId":"x@y","id":"a1","type":"User"}',
    b'{"alternateId":"","id":"a1"}',
    b'{"alternateId":null,"id":null}',
    b'{"id":1}',
    b'{"type":[]}',
    b'{"id":"a","id":"b"}',
    b'{"id":5,"id":"b"}',
    b'{"i\\u0064":"e"}',
    b'{"id":"\\ud800"}',
    b"[]",
    b'"a1"',
]
TARGETS = [
    b"null",
    b"[]",
    b'[{"type":"Certificate","id":"c1"},{"type":"Device","id":"d1"}]',
    b'[{"type":"CertificateAuthority","id":"ca"},{"type":"DeviceCertificate","id":"c2"}]',
    b'[{"type":"certificate","id":"c1"},{"type":"CERTIFICATE","id":"c3"}]',
    b'[{"type":"Device"},{"type":"Device","id":"d2"},{"type":"Certificate","id":null}]',
    b'[{"type":"User","id":"u"},{"id":"x"},{}]',
    b"[null]",
    b'[{"type":1}]',
    b'[{"type":"Certificate","id":"c1"},5]',
    b'{"type":"Certificate","id":"c1"}',
    b'[{"type":"Certificate","id":"c1","detailEntry":' + nest(250, "[") + b"}]",
]
OUTCOMES = [
    b"null",
    b"{}",
    b'{"result":"SUCCESS"}',
    b'{"result":"FAILURE","reason":"x"}',
    b'{"result":null}',
    b'{"result":1}',
    b'{"result":"DENY","result":"SUCCESS"}',
    b'"SUCCESS"',
    b"[]",
]
CERT_TYPES = [
    b'"pki.cert.issue"',
    b'"pki.cert.bind"',
    b'"pki.cert.lifecycle.revoke"',
    b'"pki.cert.renew"',
    b'"pki.ca.add"',
    b'"pki.cert.crl_download_failure"',
    b'"pki.cert.quarantine"',
    b'"user.session.start"',
]
MEMBERS: dict[bytes, list[bytes]] = {
    b'"uuid"': [b'"u1"', b'"\\u0041"', b'"\xc3\xa9"', b"1", b"null", *HOSTILE_VALUES[:8]],
    b'"published"': PUBLISHED,
    b'"eventType"': CERT_TYPES + EVENT_TYPES,
    b'"outcome"': OUTCOMES,
    b'"actor"': PARTIES,
    b'"target"': TARGETS,
}

GOOD = {
    b'"uuid"': 2,
    b'"published"': 5,
    b'"eventType"': 8,
    b'"outcome"': 5,
    b'"actor"': 6,
    b'"target"': 7,
}
"""How many of each key's values (the first ones) are valid for the fold."""


@st.composite
def fold_record(draw: st.DrawFn) -> bytes:
    """A line whose fold fields (and others) are hostile: types, escapes, duplicates, guards."""
    members: list[bytes] = []
    for key, values in MEMBERS.items():
        good = values[: GOOD[key]]  # mostly values both readers take: records reach the fold
        if draw(st.integers(0, 11)):
            pool = good if draw(st.integers(0, 3)) else values
            members.append(key + b":" + draw(st.sampled_from(pool)))
        if draw(st.integers(0, 15)) == 0:  # a duplicate: the last wins, or a refusal
            members.append(key + b":" + draw(st.sampled_from(values)))
    for _ in range(draw(st.integers(0, 3))):
        value = draw(st.sampled_from(HOSTILE_VALUES + PLAIN_VALUES))
        members.append(
            draw(st.sampled_from([b'"k"', b'"client"', b'"debugContext"'])) + b":" + value
        )
    members = draw(st.permutations(members))
    text = b"{" + b",".join(members) + b"}"
    if draw(st.integers(0, 7)) == 0:
        text = draw(st.sampled_from(AROUND)) + text + draw(st.sampled_from(AROUND))
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text.replace(b"\n", b" ")


_VALID = json.dumps(make_wire_event("pki.cert.issue", uuid="v1", certificate_id="c1")).encode()


def _valid_lines() -> st.SearchStrategy[bytes]:
    """Valid events of the lifecycle's types (certificate, CA, CRL failure, unknown)."""
    types = st.sampled_from(["pki.cert.issue", "pki.cert.bind", "pki.ca.add"])
    return st.builds(
        lambda kind, n, published: json.dumps(
            make_wire_event(kind, uuid=f"u{n}", certificate_id=f"c{n % 3}")
            | {"published": published}
        ).encode(),
        types,
        st.integers(0, 20),
        st.sampled_from(
            ["2026-01-01T00:00:00.000Z", "2026-01-02t23:59:59.999Z", "2026-01-01T00:00:00Z"]
        ),
    )


def test_the_extra_is_installed_for_the_tests() -> None:
    assert FAST is not None  # msgspec is in the dev extra: both readers are compared
    line = json.dumps(make_wire_event("pki.cert.issue", uuid="u1", certificate_id="c1"))
    assert FAST(line.encode()).target[0].id == "c1"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fold_record())
@example(b'{"uuid":"u","published":"2026-01-01T00:00:00.000Z","eventType":"pki.cert.issue"}')
@example(
    b'{"uuid":"u","published":"2026-01-01T00:00:00.000Z","eventType":"pki.cert.issue","k":'
    + nest(201, "{")
    + b"}"
)
def test_each_line_reads_the_same_with_the_extra_and_without(text: bytes) -> None:
    for check in ("fields", "full"):
        assert items([text], True, check) == items([text], False, check)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted_events())
def test_corrupted_events_read_the_same_with_the_extra_and_without(text: str) -> None:
    line = text.encode()
    for check in ("fields", "full"):
        assert items([line], True, check) == items([line], False, check)


def test_the_guards_and_the_fallbacks_are_exercised() -> None:
    # the hostile lines above reach both readers: within the guards msgspec answers, else not
    good = json.dumps(make_wire_event("pki.cert.issue", uuid="u1", certificate_id="c1")).encode()
    deep = good[:-1] + b',"k":' + nest(300, "[") + b"}"
    accented = good[:-1] + b',"k":"\xc3\xa9"}'
    odd_time = good.replace(b'.000Z"', b'.000+01:00"', 1)
    broken = good[:-1] + b',"client":5}'  # full: the mirror refuses, check_event says why
    lines = [good, deep, accented, odd_time]
    for check in ("fields", "full"):
        assert items([*lines, broken], True, check) == items([*lines, broken], False, check)
    assert items([broken], True, "full")[0][0] == "failure"
    fast, slow = items(lines, installed=True), items(lines, installed=False)
    assert [type(item).__name__ for item in fast] == [
        "LifecycleRecord",
        "tuple",
        *["LifecycleRecord"] * 2,
    ]
    assert fast == slow
    assert fast[1][0] == "failure"  # nesting past 200: pydantic-core's refusal, at its line


def _rows(rng_rows: list[bytes]) -> bytes:
    return b"\n".join(rng_rows) + b"\n"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(fold_record(), min_size=1, max_size=12))
def test_files_read_the_same_with_the_extra_and_without(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "hostile.ndjson"
    path.write_bytes(_rows(lines))
    for check in ("fields", "full"):
        results = []
        for installed in (True, False):
            stats = StreamStats()
            with extra(installed):
                report = lifecycles_from(path, on_error="collect", check=check, stats=stats)
            failures = [outcome_of(f) for f in report.failures]
            plain = dataclasses.replace(report, failures=()).to_dict()
            counts = (stats.read, stats.parsed, stats.failed, stats.skipped)
            results.append((plain, failures, counts))
        assert results[0] == results[1]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        fold_record() | corrupted_events().map(str.encode) | _valid_lines(),
        min_size=1,
        max_size=10,
    ),
    st.booleans(),
)
@example([_VALID, b'{"uuid":"u9","eventType":"pki.cert.issue"', _VALID], True)
@example([b'{"uuid":"u9","displayMessage":"cut', _VALID], True)
@example([_VALID, b'{"uuid":"u9","eventType":"pki.cert.issue"'], False)
def test_files_read_with_the_exact_check_as_iter_records_reads_them(
    tmp_path: Path, lines: list[bytes], final_break: bool
) -> None:
    # check="full", with the extra and without: the failures (line, message, text) and the
    # report of iter_records over the same file, whatever the lines and the last break
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_break else b""))
    stream = list(iter_records(path, on_error="collect", only_pki=False))
    expected = [outcome_of(f) for f in stream if isinstance(f, ParseFailure)]
    events = [item.event for item in stream if not isinstance(item, ParseFailure)]
    reference = build_lifecycles(events).to_dict()
    for installed in (True, False):
        with extra(installed):
            report = lifecycles_from(path, on_error="collect")
        assert [outcome_of(f) for f in report.failures] == expected
        assert dataclasses.replace(report, failures=()).to_dict() == reference


def test_the_mirror_is_built_and_used() -> None:
    # every catalogued model checks what LogEvent checks: one mirror serves them all
    assert MIRROR is not None
    line = json.dumps(make_wire_event("pki.ca.add", uuid="u1", ca_id="ca1")).encode()
    assert MIRROR(line).event_type == "pki.ca.add"
    with pytest.raises(msgspec.ValidationError):
        MIRROR(line[:-1] + b',"securityContext":{"isProxy":"true"}}')


@pytest.mark.parametrize(
    "schema",
    [
        core_schema.str_schema(pattern="^a$"),
        core_schema.int_schema(ge=0),
        core_schema.list_schema(core_schema.str_schema(), max_length=2),
        core_schema.datetime_schema(),
        core_schema.no_info_after_validator_function(str, core_schema.str_schema()),
        core_schema.literal_schema([1]),
    ],
    ids=["pattern", "bound", "length", "datetime", "validator", "int literal"],
)
def test_the_mirror_refuses_what_it_does_not_know(schema: Any) -> None:
    # a constraint msgspec would not check: no mirror, rather than a looser one
    with pytest.raises(TypeError):
        mirror_of(core_schema.typed_dict_schema({"x": core_schema.typed_dict_field(schema)}))


def test_no_mirror_when_a_model_checks_more_than_log_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Stricter(LogEvent):
        severity: Literal["INFO"] | None = None

    stricter = {**EVENT_MODELS, "pki.cert.issue": Stricter}
    monkeypatch.setattr(_checked, "EVENT_MODELS", stricter)
    assert _checked._build_mirror() is None
    monkeypatch.setattr(_checked, "EVENT_MODELS", EVENT_MODELS)
    assert _checked._build_mirror() is not None


_TIMESTAMP = TypeAdapter(Annotated[datetime, ExactTimestamp()])


def _exact_micros(text: str) -> int | None:
    try:
        return micros_of(_TIMESTAMP.validate_python(text))
    except ValidationError:
        return None


_DIGITS = st.text("0123456789", min_size=1, max_size=1)
_CANONICAL = st.builds(
    lambda y, mo, d, h, mi, s, ms, t, z: (
        f"{y:04d}-{mo:02d}-{d:02d}{t}{h:02d}:{mi:02d}:{s:02d}.{ms:03d}{z}"
    ),
    st.sampled_from([1, 1970, 2024, 2026, 9999]),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 24),
    st.integers(0, 60),
    st.integers(0, 61),
    st.integers(0, 999),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["Z", "z", "+01:00", ""]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CANONICAL | st.text(max_size=30), min_size=1, max_size=30))
def test_published_reads_as_exact_timestamp(texts: list[str]) -> None:
    reader = Published()
    for text in texts + texts:  # the second time through what the reader remembered
        assert reader.read(text) == _exact_micros(text), text
    # what it keeps is what it validated, cut at fixed places
    assert {len(day) for day in reader.days} <= {11}
    assert {len(minute) for minute in reader.minutes} <= {5}
    assert {len(second) for second in reader.seconds} <= {4}
    assert {len(milli) for milli in reader.millis} <= {4}


def test_published_parts_of_different_texts_combine_exactly() -> None:
    reader = Published()
    for text in ("2024-02-29T00:00:00.000Z", "2026-12-31t23:59:59.999Z"):
        assert reader.read(text) == _exact_micros(text)
    # each part remembered from one text or the other: read without ExactTimestamp, exactly
    for day in ("2024-02-29T", "2026-12-31t"):
        for minute in ("00:00", "23:59"):
            for rest in (":00.000Z", ":59.999Z", ":00.999Z", ":59.000Z"):
                text = day + minute + rest
                expected = _exact_micros(text)
                assert expected is not None
                assert reader.read(text) == expected, text
    assert len(reader.days) == 2  # nothing more was validated
    assert reader.read("2026-02-29T00:00:00.000Z") is None  # a day never validated: exact


def test_published_remembers_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fields, "_DAYS_KEPT", 3)
    reader = Published()
    for day in range(1, 11):
        text = f"2026-01-{day:02d}T00:09:07.250Z"
        assert reader.exact(text) == _exact_micros(text)
        assert len(reader.days) <= 3
    assert reader.minutes == {"00:09": 9 * 60_000_000}
    assert reader.seconds == {":07.": 7_000_000}
    assert reader.millis == {"250Z": 250_000}
    assert reader.read("2026-01-10T00:09:07.250Z") == _exact_micros("2026-01-10T00:09:07.250Z")
    assert reader.read("2026-01-01T00:09:07.250Z") == _exact_micros("2026-01-01T00:09:07.250Z")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.binary(max_size=40).map(lambda b: b.replace(b"\n", b""))
        | st.sampled_from([b"\r", b"a\r", b""]),
        max_size=8,
    ),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=17),
    st.sampled_from([b"\n", b"\r\n"]),
    st.booleans(),
)
def test_line_batches_are_open_lines_lines(
    lines: list[bytes], limit: int, chunk: int, eol: bytes, final_newline: bool
) -> None:
    # the same lines, without their line break (a last line without one says so)
    text = eol.join(lines) + (eol if final_newline and lines else b"")
    pieces = [text[i : i + chunk] for i in range(0, len(text), chunk)]
    expected = [_unbroken(line) for line in _split_lines(iter(pieces), limit)]
    batches = list(_line_batches(iter(pieces), limit))
    got = [line for batch in batches for line in batch]
    assert got == expected
    assert [type(line) for line in got] == [type(line) for line in expected]
    assert [_with_break(line) if isinstance(line, bytes) else line for line in got] == list(
        _split_lines(iter(pieces), limit)
    )
    if all(len(line) <= limit for line in text.split(b"\n")):  # one split per chunk
        assert len(batches) <= len(pieces) + 1


def _unbroken(line: bytes | OversizeLine) -> bytes | OversizeLine:
    if not isinstance(line, bytes):
        return line
    return line[:-1] if line.endswith(b"\n") else LastLine(line)


def _maximal(schema: Any) -> Any:
    """A valid JSON value of a dict schema with every optional field present."""
    kind = schema["type"]
    if kind == "typed-dict":
        return {
            field.get("validation_alias") or name: _maximal(field["schema"])
            for name, field in schema["fields"].items()
        }
    if kind in ("nullable", "function-after"):
        return _maximal(schema["schema"])
    if kind == "union":
        choice = schema["choices"][0]
        return _maximal(choice[0] if isinstance(choice, tuple) else choice)
    if kind == "chain":  # published
        return "2026-01-01T00:00:00.000Z"
    if kind == "list":
        return [_maximal(schema["items_schema"])] * 2
    if kind == "literal":
        return schema["expected"][0]
    return {"str": "s", "int": 7, "float": 1.5, "bool": True, "any": {"a": [1]}}[kind]


_SUBSTITUTES = [
    *(b'"s"', b'"true"', b'"1"', b'""', b"1", b"-0", b"1.0", b"1.5", b"1e2", b"1e999"),
    *(b"9" * 30, b"true", b"false", b"null", b"{}", b'{"x":1}', b"[]", b"[1]", b'["s"]'),
    *(b"[{}]", b"[null]"),
]


def test_every_field_of_every_type_reads_the_same_with_the_extra_and_without() -> None:
    # each value of a maximal event (every field present) replaced by each JSON type, and
    # each key dropped: the mirror refuses or accepts exactly as check_event
    generic = _checked.dict_schema(LogEvent.__pydantic_core_schema__)
    event = _maximal(generic) | {"eventType": "pki.cert.issue"}
    event["target"] = [{"type": "Certificate", "id": "c1"}, *event["target"]]
    lines = [json.dumps(event).encode()]
    for path in json_paths(event):
        for value in _SUBSTITUTES:
            changed = copy.deepcopy(event)
            *head, last = path
            parent = changed
            for step in head:
                parent = parent[step]
            parent[last] = json.loads(value) if value != b"1e999" else 1e999
            text = json.dumps(changed).encode()
            lines.append(text.replace(b"Infinity", value) if value == b"1e999" else text)
        if isinstance(path[-1], str):
            dropped = copy.deepcopy(event)
            parent = dropped
            for step in path[:-1]:
                parent = parent[step]
            del parent[path[-1]]
            lines.append(json.dumps(dropped).encode())
    for check in ("full", "fields"):
        fast, slow = items(lines, True, check), items(lines, False, check)
        assert fast == slow
    failures = sum(1 for item in fast if isinstance(item, tuple) and item[0] == "failure")
    assert 0 < failures < len(lines)  # both kinds of lines are there (the last check: fields)


@pytest.mark.parametrize("check", ["fields", "full"])
def test_valid_utf8_beyond_ascii_is_read_by_msgspec(
    monkeypatch: pytest.MonkeyPatch, check: str
) -> None:
    # the stream probe's guards: valid UTF-8 is msgspec's to read (accented names and cities
    # are common in Okta's events); bytes Python's strict decoder refuses go to pydantic-core
    good = json.dumps(make_wire_event("pki.cert.issue", uuid="u1", certificate_id="c1")).encode()
    accented = good[:-1] + ',"k":"São Paulo \u2028 😀"}'.encode()
    surrogate = good[:-1] + b',"k":"\xed\xa0\x80"}'
    assert _fields.within_guards(accented)
    assert not _fields.within_guards(surrogate)
    exact: list[bytes] = []
    for name in ("check_event", "exact_fields"):
        real = getattr(_sources, name)

        def counted(line: Any, real: Any = real) -> Any:
            exact.append(line)
            return real(line)

        monkeypatch.setattr(_sources, name, counted)
    fast = items([accented, surrogate], True, check)
    assert exact == [surrogate]  # the accented line never reached the exact reader
    assert fast == items([accented, surrogate], False, check)
    assert fast[0] != fast[1]  # a record, then the failure pydantic-core gives

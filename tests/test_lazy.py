"""Lazy events: ``parse_event(data, lazy=True)`` keeps the text and validates the rest later."""

from __future__ import annotations

import copy
import json
import pickle
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic_core import SchemaValidator, core_schema

from okta_pki_events import (
    LogEvent,
    NonPkiEvent,
    ParseFailure,
    PkiCertRevokeEvent,
    PkiEvent,
    UnknownEventTypeError,
    UnknownPkiEvent,
    iter_events,
    iter_records,
    parse_event,
)
from okta_pki_events._lazy import EAGER_FIELDS, is_lazy, sparse_schema
from okta_pki_events.testing import json_values, wire_events

from .support import (
    IMPOSSIBLE_DATE_SAMPLE,
    pki_fixture,
    pki_fixture_types,
    sample_event,
    sample_names,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DEFERRED = [
    "version",
    "severity",
    "legacy_event_type",
    "display_message",
    "client",
    "device",
    "authentication_context",
    "security_context",
    "debug_context",
    "transaction",
    "request",
]


def _texts() -> list[str]:
    rows = [pki_fixture(t) for t in pki_fixture_types()]
    rows += [sample_event(n) for n in sample_names() if n != IMPOSSIBLE_DATE_SAMPLE]
    return [json.dumps(row) for row in rows]


TEXTS = _texts()


def _revoke(**changes: Any) -> dict[str, Any]:
    raw = pki_fixture("pki.cert.revoke")
    raw.update(changes)
    return raw


def _errors(exc: ValidationError) -> list[Any]:
    return exc.errors(include_context=False)


def test_every_field_of_the_model_is_eager_or_deferred() -> None:
    assert sorted([*EAGER_FIELDS, *DEFERRED]) == sorted(LogEvent.model_fields)


def test_the_sparse_schema_is_the_lazy_validation_and_a_new_one_each_call() -> None:
    schema: Any = sparse_schema()
    typed = schema["schema"] if schema["type"] == "definitions" else schema
    assert list(typed["fields"]) == list(EAGER_FIELDS)
    assert typed["extra_behavior"] == "ignore"
    del typed["fields"]["target"]  # what benchmarks/lazy.py does to price a field
    typed["fields"]["published"]["schema"] = core_schema.any_schema()
    text = TEXTS[0].encode()
    changed = SchemaValidator(schema).validate_json(text, by_alias=True, by_name=False)
    assert "target" not in changed
    assert changed["published"] == json.loads(text)["published"]
    event = parse_event(text, lazy=True)  # the library's validator: its own schema, unchanged
    fresh = SchemaValidator(sparse_schema()).validate_json(text, by_alias=True, by_name=False)
    assert fresh == {name: getattr(event, name) for name in EAGER_FIELDS}
    assert isinstance(event.published, datetime)


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: json.loads(t)["eventType"])
def test_a_lazy_event_is_the_eager_event(text: str) -> None:
    eager = parse_event(text)
    lazy = parse_event(text, lazy=True)
    assert is_lazy(lazy)
    assert not is_lazy(eager)
    assert isinstance(lazy, type(eager))
    for name in EAGER_FIELDS:
        assert getattr(lazy, name) == getattr(eager, name)
    assert repr(lazy).split("(", 1)[1] == repr(eager).split("(", 1)[1]
    assert lazy == eager
    assert eager == lazy
    assert hash(lazy) == hash(eager)
    for name in DEFERRED:
        assert getattr(lazy, name) == getattr(eager, name)
    assert lazy.model_extra == eager.model_extra
    assert lazy.model_fields_set == eager.model_fields_set
    for options in ({}, {"exclude_unset": True}, {"mode": "json", "by_alias": True}):
        assert lazy.model_dump(**options) == eager.model_dump(**options)
    assert lazy.model_dump_json(exclude_unset=True) == eager.model_dump_json(exclude_unset=True)
    assert dict(lazy) == dict(eager)


@pytest.mark.parametrize("text", TEXTS[:3])
def test_model_dump_json_returns_the_text_exactly(text: str) -> None:
    spaced = "  " + text.replace(": ", " :  ") + "\n"
    assert parse_event(spaced, lazy=True).model_dump_json() == spaced
    data = spaced.encode()
    event = parse_event(bytearray(data), lazy=True)
    assert event.model_dump_json().encode() == data
    event.security_context  # noqa: B018 - filled in: the text is still what is dumped
    assert event.model_dump_json().encode() == data


def test_unicode_text_is_kept_exactly() -> None:
    text = json.dumps(_revoke(displayMessage="r\u00e9voqu\u00e9 \U0001f512"), ensure_ascii=False)
    event = parse_event(text.encode(), lazy=True)
    assert event.model_dump_json() == text
    assert event.display_message == "r\u00e9voqu\u00e9 \U0001f512"


def test_same_classes_and_unknown_types() -> None:
    revoke = parse_event(json.dumps(_revoke()), lazy=True)
    assert isinstance(revoke, PkiCertRevokeEvent)
    future = parse_event(json.dumps(_revoke(eventType="pki.cert.future", newKey=[1])), lazy=True)
    assert isinstance(future, UnknownPkiEvent)
    assert future.model_extra == {"newKey": [1]}
    assert getattr(future, "newKey") == [1]  # noqa: B009 - an unknown key, read as attribute
    other = parse_event(json.dumps(_revoke(eventType="user.session.start")), lazy=True)
    assert isinstance(other, NonPkiEvent)
    assert not isinstance(other, UnknownPkiEvent)
    for event_type in ("pki.cert.future", "user.session.start"):
        with pytest.raises(UnknownEventTypeError, match=event_type):
            parse_event(json.dumps(_revoke(eventType=event_type)), lazy=True, on_unknown="raise")
    assert isinstance(
        parse_event(json.dumps(_revoke()), lazy=True, on_unknown="raise"), PkiCertRevokeEvent
    )


def test_a_malformed_deferred_field_raises_at_its_path_on_first_read() -> None:
    text = json.dumps(_revoke(securityContext={"isProxy": "yes"}))
    with pytest.raises(ValidationError):
        parse_event(text)
    event = parse_event(text, lazy=True)
    assert event.uuid == _revoke()["uuid"]
    assert event.certificate_target is not None
    assert event.is_success is True
    assert event.model_dump_json() == text
    for read in (
        lambda: event.security_context,
        lambda: event.client,
        lambda: event.model_extra,
        lambda: event.model_dump(),
    ):
        with pytest.raises(ValidationError) as info:
            read()
        errors = info.value.errors()
        assert [e["loc"] for e in errors] == [("securityContext", "isProxy")]
        assert info.value.title == "PkiCertRevokeEvent"
    assert event.uuid == _revoke()["uuid"]


@pytest.mark.parametrize(
    "text",
    [
        '{"uuid": "u", "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.cert.issue",'
        ' "client": {"a": [1,]}}',
        '{"uuid": "u", "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.cert.issue"} x',
        '{"uuid": "u", "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.cert.issue",'
        ' "debugContext": {"debugData": {"k": "unterminated}}}',
        "[]",
        "",
    ],
)
def test_json_syntax_is_checked_at_parse(text: str) -> None:
    with pytest.raises(ValidationError) as lazy:
        parse_event(text, lazy=True)
    with pytest.raises(ValidationError) as eager:
        parse_event(text)
    assert _errors(lazy.value) == _errors(eager.value)


def test_invalid_utf8_in_a_deferred_value_is_refused_at_parse() -> None:
    data = json.dumps(_revoke(displayMessage="@")).encode().replace(b"@", b"\xff")
    with pytest.raises(ValidationError):
        parse_event(data, lazy=True)


@pytest.mark.parametrize(
    "changes",
    [
        {"uuid": 1},
        {"published": "yesterday"},
        {"actor": {"id": 5}},
        {"outcome": []},
        {"target": [{"type": 1}]},
        {"eventType": None},
    ],
)
def test_a_bad_eager_field_raises_the_eager_error(changes: dict[str, Any]) -> None:
    text = json.dumps(_revoke(**changes))
    with pytest.raises(ValidationError) as lazy:
        parse_event(text, lazy=True)
    with pytest.raises(ValidationError) as eager:
        parse_event(text)
    assert lazy.value.title == eager.value.title
    assert _errors(lazy.value) == _errors(eager.value)


def test_a_mapping_is_parsed_eagerly() -> None:
    event = parse_event(_revoke(), lazy=True)
    assert not is_lazy(event)
    assert event == parse_event(json.dumps(_revoke()))


def test_pickle_copy_and_model_copy() -> None:
    text = json.dumps(_revoke())
    event = parse_event(text, lazy=True)
    again = pickle.loads(pickle.dumps(event))
    assert is_lazy(again)
    assert again.model_dump_json() == text
    assert again == event
    assert copy.copy(event) == event
    assert copy.deepcopy(event) == event
    changed = event.model_copy(update={"display_message": "changed"})
    assert changed.display_message == "changed"
    assert json.loads(changed.model_dump_json())["displayMessage"] == "changed"
    assert event.display_message != "changed"


def test_dumped_through_a_type_adapter_nothing_is_lost() -> None:
    texts = TEXTS[:6]
    adapter: TypeAdapter[list[Any]] = TypeAdapter(list[PkiEvent | LogEvent])
    lazy = [parse_event(t, lazy=True) for t in texts]
    eager = [parse_event(t) for t in texts]
    assert adapter.dump_json(lazy, exclude_unset=True) == adapter.dump_json(
        eager, exclude_unset=True
    )


def test_events_hash_by_identity_consistently_with_equality() -> None:
    text = json.dumps(_revoke())
    events = {parse_event(text), parse_event(text, lazy=True), parse_event(text.encode())}
    assert len(events) == 1
    other = parse_event(json.dumps(_revoke(displayMessage="other")))
    assert other != parse_event(text)
    assert len({*events, other}) == 2


@SETTINGS
@given(wire_events(unknown_types=True))
def test_lazy_then_filled_equals_eager(raw: dict[str, Any]) -> None:
    text = json.dumps(raw)
    lazy = parse_event(text, lazy=True)
    assert lazy.model_dump_json() == text
    assert lazy == parse_event(text)
    assert lazy.model_dump(mode="json", by_alias=True, exclude_unset=True) == raw


# Wire names, and Python names (unknown keys on the wire: kept, never read as the field).
ALIASES = [
    *(field.alias for field in LogEvent.model_fields.values()),
    *LogEvent.model_fields,
]
EAGER_ALIASES = {LogEvent.model_fields[name].alias for name in EAGER_FIELDS}


def _parse(text: str, *, lazy: bool) -> tuple[LogEvent | None, list[Any] | None]:
    try:
        return parse_event(text, lazy=lazy), None
    except ValidationError as exc:
        return None, _errors(exc)


@SETTINGS
@given(wire_events(unknown_types=True), st.sampled_from(ALIASES), json_values())
def test_lazy_accepts_exactly_what_eager_accepts(raw: dict[str, Any], key: str, value: Any) -> None:
    raw[key] = value
    text = json.dumps(raw)
    eager, expected = _parse(text, lazy=False)
    lazy, errors = _parse(text, lazy=True)
    if eager is not None:
        assert lazy == eager
        assert type(lazy).__mro__[2] is type(eager)
    elif lazy is None:
        assert errors == expected
    else:
        # Only a deferred field can be wrong: its first read raises the eager error.
        assert key not in EAGER_ALIASES
        with pytest.raises(ValidationError) as info:
            lazy.model_extra  # noqa: B018
        assert _errors(info.value) == expected


def test_wire_names_only_as_the_eager_parse() -> None:
    raw = _revoke()
    raw["event_type"] = raw.pop("eventType")
    with pytest.raises(ValidationError) as lazy:
        parse_event(json.dumps(raw), lazy=True)
    with pytest.raises(ValidationError) as eager:
        parse_event(json.dumps(raw))
    assert _errors(lazy.value) == _errors(eager.value)
    event = parse_event(json.dumps(_revoke(display_message="x", actor=None)), lazy=True)
    assert event.actor is None
    assert event.model_extra == {"display_message": "x"}
    assert event.display_message == _revoke()["displayMessage"]
    # inside an eager field too: a Python name is an unknown key of the actor
    actor = {"id": "u1", "alternate_id": "a@example.com", "displayName": "A"}
    text = json.dumps(_revoke(actor=actor))
    lazy_actor = parse_event(text, lazy=True).actor
    assert lazy_actor is not None
    assert lazy_actor.alternate_id is None
    assert lazy_actor.model_extra == {"alternate_id": "a@example.com"}
    assert lazy_actor == parse_event(text).actor


def _hook_delivery(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "source": "https://example.okta.com/api/v1/eventHooks/who",
        "eventId": "d1",
        "eventTime": "2026-03-14T09:26:53.535Z",
        "contentType": "application/json",
        "data": {"events": rows},
    }


def test_iter_events_lazy_reads_what_the_eager_stream_reads(tmp_path: Path) -> None:
    rows = [pki_fixture(t) for t in pki_fixture_types()]
    lines = [json.dumps(row) for row in rows]
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join([*lines[:3], '{"uuid": "cut', *lines[3:], ""]) + "\r\n")
    lazy = iter_events(path, lazy=True, on_error="collect")
    eager = iter_events(path, on_error="collect")
    lazy_items, eager_items = list(lazy), list(eager)
    assert lazy.stats == eager.stats
    assert lazy.stats.failed == 1
    assert len(lazy_items) == len(eager_items) == len(rows) + 1
    for got, expected in zip(lazy_items, eager_items, strict=True):
        if isinstance(expected, ParseFailure):
            assert isinstance(got, ParseFailure)
            assert got.message == expected.message
            continue
        assert not isinstance(got, ParseFailure)
        assert is_lazy(got)
        assert got == expected
    texts = [e.model_dump_json() for e in lazy_items if not isinstance(e, ParseFailure)]
    assert texts == lines


def test_iter_records_lazy_and_decoded_events(tmp_path: Path) -> None:
    rows = [pki_fixture("pki.cert.revoke"), pki_fixture("pki.cert.issue")]
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(json.dumps(row) for row in rows))
    records = list(iter_records(path, lazy=True))
    assert [is_lazy(r.event) for r in records] == [True, True]
    assert [r.line for r in records] == [1, 2]
    # Events that arrive decoded have no text of their own: parsed eagerly, equal all the same.
    for source in (rows, [_hook_delivery(rows)]):
        events = list(iter_events(source, lazy=True))
        assert [is_lazy(e) for e in events] == [False, False]
        assert events == [parse_event(row) for row in rows]


def _outcomes(source: Any, **options: Any) -> tuple[list[Any], Any]:
    stream = iter_events(source, on_error="collect", **options)
    items = [i.message if isinstance(i, ParseFailure) else i for i in stream]
    return items, stream.stats


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"only_pki": False},
        {"on_unknown": "raise"},
        {"on_unknown": "raise", "only_pki": False},
        {"format": "ndjson"},
        {"envelope": None},
        {"format": "json"},
    ],
)
def test_a_lazy_stream_has_the_outcomes_of_the_eager_stream(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    revoke = _revoke()
    escaped = json.dumps(_revoke(uuid="esc")).replace(
        '"pki.cert.revoke"', '"\\u0070ki.cert.revoke"'
    )
    lines = [
        json.dumps(revoke),
        escaped,  # a PKI event whose text does not spell its type plainly
        json.dumps(_revoke(uuid="fut", eventType="pki.cert.future")),
        json.dumps(_revoke(uuid="o1", eventType="user.session.start", displayMessage='"pki.x')),
        json.dumps(_revoke(uuid="o2", eventType="user.session.start", actor={"id": 1})),
        json.dumps(_revoke(uuid="bad", actor={"id": 1})),  # a PKI event with a bad eager field
        json.dumps(_hook_delivery([_revoke(uuid="in-hook")])),
        '{"uuid": "cut", "eventType": "pki.cert.revoke"',
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines) + "\n")
    lazy, lazy_stats = _outcomes(path, lazy=True, **options)
    eager, eager_stats = _outcomes(path, **options)
    assert lazy_stats == eager_stats
    assert lazy == eager
    assert lazy_stats.read >= len(lines)


def test_a_bad_deferred_field_is_parsed_by_a_lazy_stream_and_raises_on_read() -> None:
    lines = [json.dumps(_revoke(uuid="deferred", securityContext={"isProxy": "yes"}))]
    eager = iter_events(lines, on_error="collect")
    assert [type(i) for i in eager] == [ParseFailure]
    lazy = iter_events(lines, on_error="collect", lazy=True)
    (event,) = list(lazy)
    assert lazy.stats.parsed == 1
    assert not isinstance(event, ParseFailure)
    assert event.uuid == "deferred"
    with pytest.raises(ValidationError, match=r"securityContext\.isProxy"):
        event.security_context  # noqa: B018


@pytest.fixture
def _switch_often() -> Iterator[None]:
    """Threads switch every microsecond: a race in filling in shows up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("_switch_often")
def test_first_reads_from_many_threads_agree() -> None:
    text = json.dumps(_revoke())
    eager = parse_event(text)
    for _ in range(50):
        event = parse_event(text, lazy=True)
        barrier = threading.Barrier(4)

        def read(name: str, event: Any = event, barrier: threading.Barrier = barrier) -> Any:
            barrier.wait()
            return getattr(event, name)

        names = ["security_context", "client", "uuid", "request"]
        with ThreadPoolExecutor(max_workers=4) as pool:
            values = list(pool.map(read, names))
        assert values == [getattr(eager, name) for name in names]
        assert vars(event) == vars(eager)

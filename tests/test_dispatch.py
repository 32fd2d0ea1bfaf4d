"""Dispatch: a registry lookup on ``eventType`` and one validation, by wire names only.

``parse_event``, ``parse_event_as``, the ``PkiEvent`` annotation in a user's own model and in
``TypeAdapter(list[PkiEvent])`` give the same models, the same values and errors at the same
field paths; a key spelt like a Python name is an unknown key; an envelope is named.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from okta_pki_events import (
    BasePkiEvent,
    LogEvent,
    NonPkiEvent,
    PkiCertIssueEvent,
    PkiEvent,
    UnknownPkiEvent,
    iter_events,
    parse_event,
    parse_event_as,
)
from okta_pki_events.models import EVENT_MODELS, model_for
from okta_pki_events.testing import wire_events

from .support import (
    EVENT_HOOK_SAMPLE,
    json_paths,
    load_json,
    minimal_event,
    pki_fixture,
    pki_fixture_types,
)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIST: TypeAdapter[list[PkiEvent]] = TypeAdapter(list[PkiEvent])


class Holder(BaseModel):
    """A user's own model holding an event."""

    event: PkiEvent


def dump(event: LogEvent) -> Any:
    return json.loads(event.model_dump_json(exclude_unset=True))


def locs(exc: ValidationError) -> list[tuple[Any, ...]]:
    return [tuple(e["loc"]) for e in exc.errors()]


# -- the registry --------------------------------------------------------------------------


def test_model_for_is_the_registry() -> None:
    for name, model in EVENT_MODELS.items():
        assert model_for(name) is model
    assert model_for("pki.cert.lifecycle.crl_download_failure") is model_for(
        "pki.cert.crl_download_failure"
    )
    assert model_for("pki.cert.future") is UnknownPkiEvent
    for other in ("user.session.start", "", "PKI.cert.issue"):
        assert model_for(other) is NonPkiEvent
    for missing in (None, 7):
        assert model_for(missing) is LogEvent


# -- the annotation gives what parse_event gives ------------------------------------------


def _same(raw: dict[str, Any]) -> None:
    text = json.dumps(raw)
    event = parse_event(text)
    held = Holder.model_validate_json('{"event": ' + text + "}").event
    from_python = Holder.model_validate({"event": raw}).event
    listed = LIST.validate_json(f"[{text}, {text}]")
    for other in (held, from_python, *listed, LIST.validate_python([raw])[0]):
        assert type(other) is type(event)
        assert other == event
        assert dump(other) == raw
    assert isinstance(event, BasePkiEvent)
    holder = Holder.model_validate({"event": event})
    assert json.loads(holder.model_dump_json(exclude_unset=True))["event"] == raw
    assert json.loads(LIST.dump_json(listed, exclude_unset=True)) == [raw, raw]


@pytest.mark.parametrize("event_type", pki_fixture_types())
def test_the_annotation_gives_the_same_events_as_parse_event(event_type: str) -> None:
    _same(pki_fixture(event_type))


@SETTINGS
@given(wire_events(unknown_types=True))
def test_the_annotation_agrees_with_parse_event_on_any_pki_event(raw: dict[str, Any]) -> None:
    _same(raw)


@pytest.mark.parametrize(
    ("path", "value", "loc"),
    [
        (("outcome", "result"), 5, ("outcome", "result")),
        (("target", 0, "id"), 5, ("target", 0, "id")),
        (("securityContext", "isProxy"), "false", ("securityContext", "isProxy")),
        (("published",), "1700000000", ("published",)),
        (("uuid",), None, ("uuid",)),
    ],
)
def test_errors_are_at_the_fields_own_path_everywhere(
    path: tuple[Any, ...], value: Any, loc: tuple[Any, ...]
) -> None:
    for event_type in ("pki.cert.issue", "pki.cert.future"):
        raw = copy.deepcopy(pki_fixture("pki.cert.issue"))
        raw["eventType"] = event_type
        node: Any = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        text = json.dumps(raw)
        with pytest.raises(ValidationError) as direct:
            parse_event(text)
        assert locs(direct.value) == [loc]
        with pytest.raises(ValidationError) as python:
            parse_event(raw)
        assert locs(python.value) == [loc]
        with pytest.raises(ValidationError) as held:
            Holder.model_validate_json('{"event": ' + text + "}")
        assert locs(held.value) == [("event", *loc)]
        with pytest.raises(ValidationError) as listed:
            LIST.validate_json(f"[{json.dumps(minimal_event())}, {text}]")
        assert locs(listed.value) == [(1, *loc)]


def _outcome(call: Any, strip: int) -> Any:
    """What a call gives: the event's class and dump, or each error's path and type."""
    try:
        event = call()
    except ValidationError as exc:
        return "error", [(tuple(e["loc"])[strip:], e["type"]) for e in exc.errors()]
    return type(event), dump(event)


@SETTINGS
@given(
    wire_events(unknown_types=True),
    st.data(),
    st.sampled_from([5, -1.5, "x", "", True, None, [], [5], {}, {"k": 1}]),
)
def test_a_broken_field_gives_the_same_result_everywhere(
    raw: dict[str, Any], data: st.DataObject, value: Any
) -> None:
    """Any field replaced by a value of any JSON type: the annotation (in a user's model, in
    a list) and ``parse_event`` agree, JSON text or Python data: the same event, or the same
    errors at the same paths (the annotation's prefixed by where it sits)."""
    paths = [p for p in json_paths(raw) if p != ("eventType",)]  # a non-PKI type: checked above
    path = data.draw(st.sampled_from(paths))
    broken = copy.deepcopy(raw)
    node: Any = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    text = json.dumps(broken)
    from_text = [
        _outcome(lambda: parse_event(text), 0),
        _outcome(lambda: Holder.model_validate_json('{"event": ' + text + "}").event, 1),
        _outcome(lambda: LIST.validate_json(f"[{text}]")[0], 1),
    ]
    from_python = [
        _outcome(lambda: parse_event(broken), 0),
        _outcome(lambda: Holder.model_validate({"event": broken}).event, 1),
        _outcome(lambda: LIST.validate_python([broken])[0], 1),
    ]
    assert from_text[1:] == from_text[:1] * 2
    assert from_python[1:] == from_python[:1] * 2
    if from_text[0][0] == "error":
        assert [loc for loc, _ in from_text[0][1]] == [loc for loc, _ in from_python[0][1]]
    else:
        assert from_python[0] == from_text[0]


def test_a_non_pki_event_is_refused_by_the_annotation_only() -> None:
    raw = minimal_event("user.session.start")
    assert type(parse_event(raw)) is NonPkiEvent
    with pytest.raises(ValidationError) as info:
        Holder.model_validate({"event": raw})
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [(("event",), "not_pki_event")]


def test_an_instance_is_kept_by_the_annotation() -> None:
    event = parse_event(pki_fixture("pki.cert.revoke"))
    assert Holder.model_validate({"event": event}).event is event


def test_the_last_duplicate_event_type_decides_as_in_json() -> None:
    text = json.dumps(minimal_event("pki.cert.issue"))[:-1] + ', "eventType": "pki.cert.revoke"}'
    assert parse_event(text).event_type == "pki.cert.revoke"
    assert type(parse_event(text)).__name__ == "PkiCertRevokeEvent"
    assert type(Holder.model_validate_json('{"event": ' + text + "}").event) is type(
        parse_event(text)
    )


# -- wire names only ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("event_type", "user.session.start"),
        ("event_type", "pki.cert.revoke"),
        ("published_at", "2026-01-01T00:00:00Z"),
        ("display_message", "from a log shipper"),
        ("legacy_event_type", 5),
    ],
)
def test_a_python_name_on_the_wire_is_an_unknown_key(key: str, value: Any) -> None:
    raw = pki_fixture("pki.cert.issue") | {key: value}
    text = json.dumps(raw)
    results = [
        parse_event(text),
        parse_event(raw),
        parse_event_as(PkiCertIssueEvent, text),
        Holder.model_validate_json('{"event": ' + text + "}").event,
        LIST.validate_python([raw])[0],
        *iter_events([text.encode()]),
    ]
    for event in results:
        assert type(event) is PkiCertIssueEvent
        assert event.event_type == "pki.cert.issue"
        assert event.model_extra == {key: value}
        assert dump(event) == raw


def test_nested_python_names_are_unknown_keys_too() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["actor"]["alternate_id"] = "shipper@example.com"
    event = parse_event(json.dumps(raw))
    assert event.actor is not None
    assert event.actor.alternate_id == pki_fixture("pki.cert.issue")["actor"]["alternateId"]
    assert event.actor.model_extra == {"alternate_id": "shipper@example.com"}
    assert dump(event) == raw


def test_python_names_alone_do_not_make_an_event() -> None:
    raw = {"uuid": "u", "published": "2026-01-02T03:04:05.678Z", "event_type": "pki.cert.issue"}
    with pytest.raises(ValidationError) as info:
        parse_event(json.dumps(raw))
    assert locs(info.value) == [("eventType",)]


def test_building_by_python_name_still_works() -> None:
    published = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    event = PkiCertIssueEvent(uuid="u", published=published, event_type="pki.cert.issue")
    assert event.event_type == "pki.cert.issue"
    assert not event.model_extra


# -- envelopes ------------------------------------------------------------------------------

EVENT = pki_fixture("pki.cert.issue")
ENVELOPES: dict[str, Any] = {
    "api_page": [EVENT],
    "event_hook": load_json(f"samples/{EVENT_HOOK_SAMPLE}"),
    "eventbridge": {
        "version": "0",
        "id": "e1",
        "detail-type": "SystemLog",
        "source": "aws.partner/okta.com/org/stream",
        "account": "1",
        "time": "2026-01-02T03:04:05Z",
        "region": "us-east-1",
        "resources": [],
        "detail": EVENT,
    },
    "sqs": {"Records": [{"messageId": "m", "receiptHandle": "r", "body": json.dumps(EVENT)}]},
    "sns": {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(EVENT)}}]},
    "firehose": {"invocationId": "i", "records": [{"recordId": "r", "data": "e30="}]},
    "cloudwatch_logs": {"awslogs": {"data": "H4sIAAAAAAAAA6uuBQBDv6ajAgAAAA=="}},
}


@pytest.mark.parametrize("envelope", sorted(ENVELOPES))
def test_an_envelope_is_named_with_the_call_that_reads_it(envelope: str) -> None:
    document = ENVELOPES[envelope]
    for data in (json.dumps(document), json.dumps(document).encode(), document):
        if isinstance(data, list):
            continue  # a list is not a RawEvent; its JSON text is
        with pytest.raises(ValidationError) as info:
            parse_event(data)
        errors = info.value.errors()
        assert [(e["type"], e["loc"]) for e in errors] == [("envelope_not_event", ())]
        assert f"iter_events(..., envelope='{envelope}')" in errors[0]["msg"]


def test_an_sns_notification_is_named() -> None:
    notification = {"Type": "Notification", "Message": json.dumps(EVENT), "TopicArn": "arn:x"}
    with pytest.raises(ValidationError, match="envelope='sns'"):
        parse_event(json.dumps(notification))


def test_an_event_with_envelope_keys_is_still_an_event() -> None:
    raw = EVENT | {"source": "aws.partner/okta.com/x", "detail": {}, "detail-type": "x"}
    raw |= {"data": {"events": []}, "Records": [{"body": "x"}]}
    event = parse_event(json.dumps(raw))
    assert type(event) is PkiCertIssueEvent
    assert dump(event) == raw


def test_a_broken_event_is_not_called_an_envelope() -> None:
    with pytest.raises(ValidationError) as info:
        parse_event(json.dumps(minimal_event(published=5)))
    assert locs(info.value) == [("published",)]


@pytest.mark.parametrize("data", ['{"uuid": 1', "null", b"\xff", "[1, 2]", "{}"])
def test_errors_are_titled_with_a_model(data: str | bytes) -> None:
    with pytest.raises(ValidationError) as info:
        parse_event(data)
    assert info.value.title in {"LogEvent", "NonPkiEvent"}


@pytest.mark.parametrize(
    "parse",
    [
        pytest.param(parse_event, id="parse_event"),
        pytest.param(lambda text: parse_event(text, lazy=True), id="lazy"),
        pytest.param(PkiCertIssueEvent.model_validate_json, id="the model's own validator"),
    ],
)
def test_every_validator_shares_repeated_values(parse: Any) -> None:
    """pydantic-core reads the setting from a validator's top level only: each one passes it.

    A short value that repeats across events is one cached object in each event kept
    (``CACHE_STRINGS``): the events' retained memory (benchmarks/RESULTS.md).
    """
    wire = pki_fixture("pki.cert.issue")
    wire["actor"] = {"displayName": "Okta System", "type": "SystemPrincipal"}
    text = json.dumps(wire)
    first, second = parse(text), parse(text)
    assert first == second
    assert first.actor.display_name == second.actor.display_name == "Okta System"
    # the cache is a table indexed by hash: allow for a value evicted by another
    values: list[Callable[[Any], object]] = [
        lambda e: e.actor.display_name,
        lambda e: e.actor.type,
        lambda e: e.outcome.result,
        lambda e: e.target[0].type,
        lambda e: e.target[1].type,
        lambda e: e.severity,
    ]
    assert sum(value(first) is value(second) for value in values) >= len(values) - 2

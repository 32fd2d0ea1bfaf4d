"""Properties that hold for every input: lossless round trip, only ValueErrors."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import UnknownPkiEvent, parse_event
from okta_pki_events.models import EVENT_MODELS
from okta_pki_events.testing import events, json_values, wire_events

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(wire_events(unknown_types=True))
def test_parse_then_dump_returns_the_input(raw: dict[str, Any]) -> None:
    text = json.dumps(raw)
    event = parse_event(text)
    assert event.model_dump(mode="json", by_alias=True, exclude_unset=True) == raw
    assert json.loads(event.model_dump_json(by_alias=True, exclude_unset=True)) == raw
    assert parse_event(raw) == event
    expected = EVENT_MODELS.get(raw["eventType"], UnknownPkiEvent)
    assert type(event) is expected


@SETTINGS
@given(events())
def test_dump_then_parse_returns_the_same_model(event: Any) -> None:
    again = parse_event(event.model_dump_json(exclude_unset=True))
    assert again == event
    assert type(again) is type(event)


@SETTINGS
@given(st.one_of(st.text(), st.binary(), json_values(), st.dictionaries(st.text(), json_values())))
def test_any_input_parses_or_raises_only_value_error(data: Any) -> None:
    for candidate in (data, json.dumps(data)) if not isinstance(data, bytes) else (data,):
        with contextlib.suppress(ValueError):
            parse_event(candidate)


@SETTINGS
@given(wire_events(), st.sampled_from(["uuid", "published", "eventType"]))
def test_missing_required_field_is_reported_at_its_path(raw: dict[str, Any], key: str) -> None:
    del raw[key]
    with pytest.raises(ValueError, match=key):
        parse_event(json.dumps(raw))

"""The delivery envelopes and the event-hook handshake helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from okta_pki_events.envelopes import (
    EventBridgeEvent,
    EventHookDelivery,
    SystemLogPage,
    detect_envelope,
    unwrap,
)

from .support import EVENT_HOOK_SAMPLE, load_json, pki_fixture, wire

BRIDGE: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "SystemLog",
    "source": "aws.partner/okta.com/example-org/pki-stream",
    "account": "123456789012",
    "time": "2026-03-14T09:26:54Z",
    "region": "us-east-1",
    "resources": [],
    "detail": pki_fixture("pki.cert.issue"),
    "replay-name": "future-key",
}


def test_event_hook_delivery_round_trips() -> None:
    raw = load_json(f"samples/{EVENT_HOOK_SAMPLE}")
    delivery = EventHookDelivery.model_validate_json(json.dumps(raw))
    assert delivery.event_type == "com.okta.event_hook"
    assert delivery.event_id == "85b60edb-4263-4e13-993b-818e26201052"
    assert len(delivery.raw_events) == 1
    assert wire(delivery) == raw


def test_eventbridge_event_round_trips_with_unknown_keys() -> None:
    bridge = EventBridgeEvent.model_validate(BRIDGE)
    assert bridge.detail_type == "SystemLog"
    assert bridge.model_extra == {"replay-name": "future-key"}
    assert wire(bridge) == BRIDGE


def test_api_page_round_trips() -> None:
    page = [pki_fixture("pki.cert.issue"), pki_fixture("pki.cert.bind")]
    model = SystemLogPage.model_validate(page)
    assert len(model.root) == 2
    assert wire(model) == page


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        (pki_fixture("pki.cert.bind"), "log_event"),
        ([pki_fixture("pki.cert.bind")], "api_page"),
        (BRIDGE, "eventbridge"),
        (BRIDGE | {"source": "aws.events"}, "eventbridge"),
        (pki_fixture("pki.cert.bind") | {"detail-type": "x", "detail": {}}, "log_event"),
        (pki_fixture("pki.cert.bind") | {"data": {"events": []}}, "log_event"),
        ({"data": {"events": "none"}}, "event_hook"),
        (load_json(f"samples/{EVENT_HOOK_SAMPLE}"), "event_hook"),
        ("text", "log_event"),
    ],
)
def test_detect_envelope(document: Any, kind: str) -> None:
    assert detect_envelope(document) == kind


def test_unwrap_gives_envelope_and_raw_events() -> None:
    envelope, events = unwrap(BRIDGE)
    assert isinstance(envelope, EventBridgeEvent)
    assert events == [BRIDGE["detail"]]
    odd = BRIDGE | {"time": 5}
    assert unwrap(odd) == (None, [BRIDGE["detail"]])  # metadata never hides the event
    with pytest.raises(ValueError, match=r"data\.events is not an array"):
        unwrap({"data": {"events": "none"}})
    assert unwrap(BRIDGE["detail"]) == (None, [BRIDGE["detail"]])

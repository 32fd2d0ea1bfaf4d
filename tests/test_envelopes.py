"""The delivery envelopes and the event-hook handshake helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from okta_pki_events import (
    EventBridgeEvent,
    EventHookDelivery,
    RateLimit,
    SystemLogPage,
    detect_envelope,
    event_hook_verification,
    next_link,
    verify_authorization,
)
from okta_pki_events.envelopes import unwrap

from .support import EVENT_HOOK_SAMPLE, load_json, pki_fixture

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


def dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def test_event_hook_delivery_round_trips() -> None:
    raw = load_json(f"samples/{EVENT_HOOK_SAMPLE}")
    delivery = EventHookDelivery.model_validate_json(json.dumps(raw))
    assert delivery.event_type == "com.okta.event_hook"
    assert delivery.event_id == "85b60edb-4263-4e13-993b-818e26201052"
    assert len(delivery.raw_events) == 1
    assert dump(delivery) == raw


def test_eventbridge_event_round_trips_with_unknown_keys() -> None:
    bridge = EventBridgeEvent.model_validate(BRIDGE)
    assert bridge.detail_type == "SystemLog"
    assert bridge.model_extra == {"replay-name": "future-key"}
    assert dump(bridge) == BRIDGE


def test_api_page_round_trips() -> None:
    page = [pki_fixture("pki.cert.issue"), pki_fixture("pki.cert.bind")]
    model = SystemLogPage.model_validate(page)
    assert len(model.root) == 2
    assert dump(model) == page


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


def test_verification_answers_the_challenge_whatever_the_header_case() -> None:
    for headers in (
        {"X-Okta-Verification-Challenge": "abc"},
        {"x-okta-verification-challenge": "abc"},
        [("X-OKTA-VERIFICATION-CHALLENGE", "abc")],
    ):
        assert event_hook_verification(headers) == {"verification": "abc"}
    with pytest.raises(ValueError, match="verification"):
        event_hook_verification({"Accept": "*/*"})


def test_authorization_check() -> None:
    assert verify_authorization({"Authorization": "Basic s3cret"}, "Basic s3cret")
    assert verify_authorization([("authorization", "Basic s3cret")], "Basic s3cret")
    assert not verify_authorization({"Authorization": "Basic wrong"}, "Basic s3cret")
    assert not verify_authorization({}, "Basic s3cret")
    assert verify_authorization({"X-Hook-Key": "k"}, "k", header="x-hook-key")


def test_next_link_and_rate_limits() -> None:
    headers = [
        ("link", '<https://example.okta.com/api/v1/logs?limit=2>; rel="self"'),
        ("Link", '<https://example.okta.com/api/v1/logs?after=abc&limit=2>; rel="next"'),
        ("X-Rate-Limit-Limit", "120"),
        ("X-Rate-Limit-Remaining", "119"),
        ("X-Rate-Limit-Reset", "1767225600"),
    ]
    assert next_link(headers) == "https://example.okta.com/api/v1/logs?after=abc&limit=2"
    assert next_link({"link": '<https://x/self>; rel="self"'}) is None
    assert RateLimit.from_headers(headers) == RateLimit(120, 119, 1767225600)
    assert RateLimit.from_headers({"X-Rate-Limit-Limit": "n/a"}) == RateLimit(None, None, None)

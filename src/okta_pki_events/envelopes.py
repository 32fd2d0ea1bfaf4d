"""The delivery envelopes Okta wraps events in, and the helpers of the event-hook handshake.

- ``EventHookDelivery``: the POST body of an event hook (``data.events``).
- ``EventBridgeEvent``: an AWS EventBridge event from Log Streaming (``detail`` is the event).
- ``SystemLogPage``: a page of ``GET /api/v1/logs`` (a JSON array), with ``next_link`` and
  ``RateLimit`` read from the response headers.

The envelopes keep their events as raw JSON objects so that one bad event never makes the
whole envelope unreadable; ``unwrap`` (and ``iter_events``) parse each event on its own.
Like the event models, they are frozen, keep unknown keys and round-trip losslessly.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import Field, RootModel

from .models._base import JsonObject, OktaDatetime, OktaModel

__all__ = [
    "EVENTBRIDGE_SOURCE_PREFIX",
    "EVENT_HOOK_EVENT_TYPE",
    "VERIFICATION_HEADER",
    "Envelope",
    "EnvelopeKind",
    "Headers",
    "EventBridgeEvent",
    "EventHookData",
    "EventHookDelivery",
    "RateLimit",
    "SystemLogPage",
    "detect_envelope",
    "event_hook_verification",
    "next_link",
    "unwrap",
    "verify_authorization",
]

EVENTBRIDGE_SOURCE_PREFIX = "aws.partner/okta.com/"
"""The ``source`` of every EventBridge event from Okta Log Streaming starts with this."""

EVENT_HOOK_EVENT_TYPE = "com.okta.event_hook"
"""The ``eventType`` of an event-hook delivery (the envelope, not its events)."""

VERIFICATION_HEADER = "x-okta-verification-challenge"
"""The header of Okta's one-time event-hook verification request."""

EnvelopeKind = Literal["log_event", "api_page", "eventbridge", "event_hook"]
"""What a decoded JSON document is: a bare LogEvent or one of the envelopes."""


class EventHookData(OktaModel):
    """The ``data`` of an event-hook delivery."""

    events: list[JsonObject] | None = Field(
        None, description="The LogEvents delivered, as raw JSON objects (parse each on its own)."
    )


class EventHookDelivery(OktaModel):
    """The POST body Okta sends to an event hook."""

    event_type: str | None = Field(
        None, description="Type of the delivery: com.okta.event_hook (not the events' type)."
    )
    event_type_version: str | None = Field(None, description="Version of the delivery format.")
    cloud_events_version: str | None = Field(None, description="CloudEvents version.")
    source: str | None = Field(None, description="The event hook's URL in the Okta org.")
    event_id: str | None = Field(None, description="Unique ID of the delivery.")
    event_time: OktaDatetime | None = Field(None, description="When the delivery was sent.")
    content_type: str | None = Field(None, description="Content type of data, application/json.")
    data: EventHookData | None = Field(None, description="The delivered events.")

    @property
    def raw_events(self) -> list[JsonObject]:
        """The delivered events as raw JSON objects (empty when there are none)."""
        return list(self.data.events or ()) if self.data is not None else []


class EventBridgeEvent(OktaModel):
    """An AWS EventBridge event from Okta Log Streaming: ``detail`` is one LogEvent."""

    version: str | None = Field(None, description='EventBridge envelope version, "0".')
    id: str | None = Field(None, description="EventBridge event ID.")
    detail_type: str | None = Field(
        None,
        alias="detail-type",
        description="Undocumented by Okta (seen as SystemLog and others): key on source instead.",
    )
    source: str | None = Field(
        None, description="aws.partner/okta.com/<org>/<name>: identifies Okta Log Streaming."
    )
    account: str | None = Field(None, description="AWS account ID.")
    time: str | None = Field(None, description="When EventBridge received the event.")
    region: str | None = Field(None, description="AWS region.")
    resources: list[Any] | None = Field(None, description="AWS resources (usually empty).")
    detail: JsonObject | None = Field(None, description="The LogEvent, as a raw JSON object.")


class SystemLogPage(RootModel[list[JsonObject]]):
    """One page of ``GET /api/v1/logs``: a JSON array of LogEvents (raw JSON objects)."""

    root: list[JsonObject] = Field(description="The LogEvents of the page.")


Envelope = Union[EventHookDelivery, EventBridgeEvent, SystemLogPage]
"""Any of the delivery envelopes."""


def detect_envelope(document: Any) -> EnvelopeKind:
    """Say what a decoded JSON document is: a bare LogEvent or which envelope.

    An array is an API page; an object whose ``source`` starts with
    ``aws.partner/okta.com/`` and that has a ``detail`` object is an EventBridge event; an
    object whose ``data.events`` is an array is an event-hook delivery; anything else is taken
    as a bare LogEvent (and validated as one).
    """
    if isinstance(document, list):
        return "api_page"
    if isinstance(document, Mapping):
        source = document.get("source")
        if (
            isinstance(source, str)
            and source.startswith(EVENTBRIDGE_SOURCE_PREFIX)
            and isinstance(document.get("detail"), Mapping)
        ):
            return "eventbridge"
        data = document.get("data")
        if isinstance(data, Mapping) and isinstance(data.get("events"), list):
            return "event_hook"
    return "log_event"


def unwrap(document: Any) -> tuple[Envelope | None, list[Any]]:
    """Split a decoded document into its envelope model (None for a bare event) and events.

    The events are returned as they are in the document (raw), for parsing one by one.
    Raises ``pydantic.ValidationError`` when the envelope itself is malformed.
    """
    kind = detect_envelope(document)
    if kind == "api_page":
        return None, list(document)
    if kind == "eventbridge":
        bridge = EventBridgeEvent.model_validate(document)
        return bridge, [document["detail"]]
    if kind == "event_hook":
        delivery = EventHookDelivery.model_validate(document)
        return delivery, list(document["data"]["events"])
    return None, [document]


Headers = Union[Mapping[str, str], Iterable[tuple[str, str]]]
"""Request or response headers: any mapping, or pairs (as most web frameworks give them)."""


def _header_values(headers: Headers, name: str) -> list[str]:
    """Every value of a header, looked up without regard to case."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    return [str(value) for key, value in pairs if str(key).lower() == wanted]


def _header(headers: Headers, name: str) -> str | None:
    values = _header_values(headers, name)
    return values[0] if values else None


def event_hook_verification(headers: Headers) -> dict[str, str]:
    """Answer Okta's one-time event-hook verification: ``{"verification": <challenge>}``.

    ``headers`` is the request's headers from any web framework (a mapping or a list of
    pairs); the lookup ignores case. Raises ``ValueError`` when the request carries no
    ``x-okta-verification-challenge`` header.
    """
    challenge = _header(headers, VERIFICATION_HEADER)
    if challenge is None:
        raise ValueError(f"no {VERIFICATION_HEADER} header: not a verification request")
    return {"verification": challenge}


def verify_authorization(headers: Headers, expected: str, *, header: str = "authorization") -> bool:
    """Check the event hook's configured authorization header, in constant time.

    True when the request's ``header`` (``Authorization`` by default, any case) equals
    ``expected`` exactly; False when it differs or is absent.
    """
    given = _header(headers, header)
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


_LINK = re.compile(r'<([^>]*)>\s*;\s*rel\s*=\s*"?([^";,\s]+)"?')


def next_link(headers: Headers) -> str | None:
    """The URL of the next System Log page, from the ``link`` header(s) (``rel="next"``)."""
    for value in _header_values(headers, "link"):
        for url, rel in _LINK.findall(value):
            if rel == "next":
                return str(url)
    return None


@dataclass(frozen=True)
class RateLimit:
    """Okta's rate-limit headers of a response."""

    limit: int | None
    """X-Rate-Limit-Limit: requests allowed per window."""
    remaining: int | None
    """X-Rate-Limit-Remaining: requests left in the window."""
    reset: int | None
    """X-Rate-Limit-Reset: when the window resets (epoch seconds)."""

    @classmethod
    def from_headers(cls, headers: Headers) -> RateLimit:
        """Read the three headers (absent or malformed ones give None)."""

        def number(name: str) -> int | None:
            value = _header(headers, name)
            return int(value) if value is not None and value.strip().isdigit() else None

        return cls(
            number("x-rate-limit-limit"),
            number("x-rate-limit-remaining"),
            number("x-rate-limit-reset"),
        )

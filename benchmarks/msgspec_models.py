"""msgspec Structs of the same shape as the library's models: the reference typed decoder.

Tagged on ``eventType`` (one Struct per PKI type, as the pydantic union), with the same
nesting (actor, client, geography, contexts, targets, ...). Unknown fields are ignored
(msgspec's default), which makes this reference faster than a lossless parser can be.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Union

import msgspec

from okta_pki_events import EVENT_TYPES


class Geolocation(msgspec.Struct, rename="camel"):
    lat: float | None = None
    lon: float | None = None


class GeographicalContext(msgspec.Struct, rename="camel"):
    city: str | None = None
    state: str | None = None
    country: str | None = None
    postal_code: str | int | None = None
    geolocation: Geolocation | None = None


class IpDetails(msgspec.Struct, rename="camel"):
    as_number: int | str | None = None
    as_org: str | None = None
    isp: str | None = None
    domain: str | None = None


class IpAddress(msgspec.Struct, rename="camel"):
    ip: str | None = None
    geographical_context: GeographicalContext | None = None
    version: str | None = None
    source: str | None = None
    ip_details: IpDetails | None = None


class UserAgent(msgspec.Struct, rename="camel"):
    raw_user_agent: str | None = None
    os: str | None = None
    browser: str | None = None


class Client(msgspec.Struct, rename="camel"):
    user_agent: UserAgent | None = None
    zone: str | None = None
    device: str | None = None
    id: str | None = None
    ip_address: str | None = None
    geographical_context: GeographicalContext | None = None
    ip_chain: list[IpAddress] | None = None


class Actor(msgspec.Struct, rename="camel"):
    id: str | None = None
    type: str | None = None
    alternate_id: str | None = None
    display_name: str | None = None
    detail_entry: dict[str, Any] | None = None


class ChangeDetails(msgspec.Struct):
    to: dict[str, Any] | None = None


class Target(msgspec.Struct, rename="camel"):
    id: str | None = None
    type: str | None = None
    alternate_id: str | None = None
    display_name: str | None = None
    detail_entry: dict[str, Any] | None = None
    change_details: ChangeDetails | None = None


class Outcome(msgspec.Struct):
    result: str | None = None
    reason: str | None = None


class Issuer(msgspec.Struct):
    id: str | None = None
    type: str | None = None


class AuthenticationContext(msgspec.Struct, rename="camel"):
    authentication_provider: str | None = None
    credential_provider: str | None = None
    credential_type: str | None = None
    issuer: Issuer | None = None
    interface: str | None = None
    authentication_step: int | None = None
    external_session_id: str | None = None
    root_session_id: str | None = None


class SecurityContext(msgspec.Struct, rename="camel"):
    as_number: int | str | None = None
    as_org: str | None = None
    isp: str | None = None
    domain: str | None = None
    is_proxy: bool | None = None


class Device(msgspec.Struct):
    id: str | None = None
    name: str | None = None
    os_platform: str | None = None
    os_version: str | None = None
    managed: bool | None = None
    registered: bool | None = None


class DebugContext(msgspec.Struct, rename="camel"):
    debug_data: dict[str, Any] | None = None


class Transaction(msgspec.Struct):
    type: str | None = None
    id: str | None = None
    detail: dict[str, Any] | None = None


class Request(msgspec.Struct, rename="camel"):
    ip_chain: list[IpAddress] | None = None


class Event(msgspec.Struct, tag_field="eventType", rename="camel"):
    uuid: str
    published: datetime
    version: str | int | None = None
    severity: str | None = None
    legacy_event_type: str | None = None
    display_message: str | None = None
    actor: Actor | None = None
    client: Client | None = None
    device: Device | None = None
    authentication_context: AuthenticationContext | None = None
    security_context: SecurityContext | None = None
    debug_context: DebugContext | None = None
    outcome: Outcome | None = None
    target: list[Target] | None = None
    transaction: Transaction | None = None
    request: Request | None = None


# One tagged subclass per PKI type, as the pydantic discriminated union has.
_TYPES = tuple(
    msgspec.defstruct(f"E{i}", [], bases=(Event,), tag=event_type)
    for i, event_type in enumerate(EVENT_TYPES)
)
decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(Union[_TYPES])

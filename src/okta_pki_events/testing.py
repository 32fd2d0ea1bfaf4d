"""A testing kit for users' own tests: hypothesis strategies and event builders.

Needs the ``testing`` extra (``pip install okta-pki-events[testing]``) for the strategies.

The strategies are derived from the models themselves, so they cover every field the library
knows, with random nulls, absent fields, unknown vocabulary values and unknown extra keys at
every level: what Okta may send.

>>> from hypothesis import given
>>> from okta_pki_events import parse_event
>>> from okta_pki_events.testing import wire_events
>>> @given(wire_events("pki.cert.issue"))
... def test_my_handler(raw):
...     handle(parse_event(raw))
"""

from __future__ import annotations

import difflib
import hashlib
import json
import random
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    TypeAlias,
    Union,
    cast,
    get_args,
    get_origin,
)
from uuid import UUID, uuid4

from pydantic import BaseModel, StrictBool, StrictFloat, StrictInt
from typing_extensions import TypedDict, Unpack, overload

from ._fake_okta import FakeOkta as FakeOkta
from ._fake_okta import FakeRequest as FakeRequest
from ._parsing import parse_event, parse_event_as
from ._public import publish
from .models._base import OktaModel, format_okta_datetime
from .models.events import (
    EVENT_MODELS,
    PKI_PREFIX,
    EventType,
    PkiCaAddEvent,
    PkiCaDeleteEvent,
    PkiCaExpirationWarnEvent,
    PkiCaRenewEvent,
    PkiCaScopeMappingUpdateEvent,
    PkiCertBindEvent,
    PkiCertCrlDownloadFailureEvent,
    PkiCertIssueEvent,
    PkiCertLifecycleActivateEvent,
    PkiCertLifecycleDeleteEvent,
    PkiCertLifecycleHoldEvent,
    PkiCertLifecycleRevokeEvent,
    PkiCertLifecycleSuspendEvent,
    PkiCertRenewEvent,
    PkiCertRevokeEvent,
    PkiEvent,
    UnknownPkiEvent,
)
from .models.log_event import LogEvent

if TYPE_CHECKING:
    from hypothesis import strategies as st
else:
    try:
        from hypothesis import strategies as st
    except ImportError:  # pragma: no cover - the builders work without the extra
        st = None

# The path users import them from.
publish(__name__, FakeOkta, FakeRequest)

__all__ = [
    "DEFAULT_START",
    "EventOptions",
    "EventTypeName",
    "FakeOkta",
    "FakeRequest",
    "deterministic",
    "events",
    "json_values",
    "known_event_type",
    "lifecycle_sequences",
    "make_ca_target",
    "make_certificate_target",
    "make_device_target",
    "make_event",
    "make_event_hook_delivery",
    "make_eventbridge_event",
    "make_scope_mapping_target",
    "make_sqs_event",
    "make_unknown_event",
    "make_wire_event",
    "okta_timestamps",
    "wire_events",
]

_EPOCH = datetime(2015, 1, 1, tzinfo=timezone.utc)

EventTypeName: TypeAlias = Literal[EventType, "pki.cert.lifecycle.crl_download_failure"]
"""Every event type the catalogue knows: the 15 canonical ones and the misspelt CRL alias."""


def _need_hypothesis() -> None:
    if st is None:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "the strategies of okta_pki_events.testing need hypothesis: "
            "pip install 'okta-pki-events[testing]'"
        )


def okta_timestamps() -> st.SearchStrategy[str]:
    """Timestamps in Okta's ``published`` format: ``2024-08-13T15:58:20.353Z``."""
    _need_hypothesis()
    return st.integers(min_value=0, max_value=20 * 365 * 86_400_000).map(
        lambda ms: format_okta_datetime(_EPOCH + timedelta(milliseconds=ms))
    )


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """Any JSON value (as ``json.loads`` returns it), small and nested."""
    _need_hypothesis()
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**53), max_value=2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=8), children, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def _strip_annotated(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    if get_origin(tp) is Annotated:
        args = get_args(tp)
        return args[0], args[1:]
    return tp, ()


def _for_type(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy of JSON values that the annotation ``tp`` accepts and writes back unchanged."""
    inner, _ = _strip_annotated(tp)
    origin = get_origin(inner)
    if origin in (Union, types.UnionType):
        return st.one_of([_for_type(arg) for arg in get_args(inner)])
    if origin is Literal:
        return st.sampled_from(get_args(inner))
    if origin is list:
        (item,) = get_args(inner)
        return st.lists(_for_type(item), max_size=3)
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), json_values(), max_size=4)
    if inner is type(None):
        return st.none()
    if isinstance(inner, type) and issubclass(inner, OktaModel):
        return _model_dicts(inner)
    if tp in (StrictBool, bool) or inner is bool:
        return st.booleans()
    if tp is StrictInt or inner is int:
        return st.integers(min_value=-(2**53), max_value=2**53)
    if tp is StrictFloat or inner is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if inner is str:
        return st.text(max_size=20)
    if inner is datetime:
        return okta_timestamps()
    return json_values()


def _deferred_for_type(annotation: Any) -> st.SearchStrategy[Any]:
    """Defer building the strategy of ``annotation`` (models refer to each other)."""
    return st.deferred(lambda: _for_type(annotation))


def _extra_keys(model: type[BaseModel]) -> st.SearchStrategy[str]:
    taken = set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}
    return st.text(min_size=1, max_size=10).filter(lambda key: key not in taken)


def _model_dicts(
    model: type[BaseModel], fixed: dict[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Wire dicts of ``model``: required fields always, others present or not, extras added."""
    fixed = fixed or {}
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        strategy = fixed[key] if key in fixed else _deferred_for_type(field.annotation)
        (required if field.is_required() else optional)[key] = strategy
    extras = st.dictionaries(_extra_keys(model), json_values(), max_size=2)
    return st.builds(
        lambda base, more: {**more, **base},
        st.fixed_dictionaries(required, optional=optional),
        extras,
    )


def known_event_type(event_type: str) -> EventTypeName:
    """``event_type`` typed as ``EventTypeName`` if the catalogue knows it, else a ValueError.

    For event types held as plain strings (read from data, drawn from a table) that are
    passed on to the builders.

    >>> known_event_type("pki.cert.isue")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown PKI event type 'pki.cert.isue'; did you mean 'pki.cert.issue' or ...
    """
    if event_type in EVENT_MODELS:
        return cast("EventTypeName", event_type)
    close = difflib.get_close_matches(event_type, list(EVENT_MODELS), n=3)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ValueError(
        f"unknown PKI event type {event_type!r}{hint} (for a type the catalogue does not "
        "know, use make_unknown_event)"
    )


def wire_events(
    event_type: EventTypeName | None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON-ready dicts of PKI events, as Okta could send them.

    Args:
        event_type: one PKI type (canonical or alias); by default any of the catalogued ones.
            A type the catalogue does not know is a ``ValueError`` (and a type error).
        unknown_types: also draw ``pki.*`` types the library does not know.

    Every field the models know may be present, null or absent; vocabularies draw known
    and unknown values; extra keys appear at every level. ``json.dumps`` of a drawn value
    is what ``parse_event`` accepts, and ``parse_event(d).model_dump(mode="json",
    exclude_unset=True)`` gives ``d`` back.

    """
    _need_hypothesis()
    if event_type is not None:
        known_event_type(event_type)
    types_: st.SearchStrategy[str] = (
        st.just(event_type) if event_type else st.sampled_from(sorted(EVENT_MODELS))
    )
    if unknown_types and event_type is None:
        types_ = types_ | st.text(min_size=1, max_size=12).map(lambda s: f"{PKI_PREFIX}future.{s}")
    return _model_dicts(LogEvent, {"eventType": types_, "published": okta_timestamps()})


# The overloads give each event type its model: a typo matches none (a type error).
@overload
def events(
    event_type: Literal["pki.ca.add"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCaAddEvent]: ...
@overload
def events(
    event_type: Literal["pki.ca.delete"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCaDeleteEvent]: ...
@overload
def events(
    event_type: Literal["pki.ca.expiration.warn"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCaExpirationWarnEvent]: ...
@overload
def events(
    event_type: Literal["pki.ca.renew"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCaRenewEvent]: ...
@overload
def events(
    event_type: Literal["pki.ca.scope.mapping.update"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCaScopeMappingUpdateEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.bind"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertBindEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.crl_download_failure", "pki.cert.lifecycle.crl_download_failure"],
    *,
    unknown_types: bool = False,
) -> st.SearchStrategy[PkiCertCrlDownloadFailureEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.issue"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertIssueEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.lifecycle.activate"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertLifecycleActivateEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.lifecycle.delete"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertLifecycleDeleteEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.lifecycle.hold"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertLifecycleHoldEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.lifecycle.revoke"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertLifecycleRevokeEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.lifecycle.suspend"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertLifecycleSuspendEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.renew"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertRenewEvent]: ...
@overload
def events(
    event_type: Literal["pki.cert.revoke"], *, unknown_types: bool = False
) -> st.SearchStrategy[PkiCertRevokeEvent]: ...
@overload
def events(
    event_type: None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[PkiEvent]: ...
def events(
    event_type: EventTypeName | None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[Any]:
    """Parsed PKI event models: ``wire_events(...)`` passed through ``parse_event``.

    Typed by the event type: ``events("pki.cert.issue")`` draws ``PkiCertIssueEvent``s.
    """
    return wire_events(event_type, unknown_types=unknown_types).map(parse_event)


# -- builders ----------------------------------------------------------------------------------


def _actor(system: bool) -> dict[str, Any]:
    if system:
        return {
            "id": "0oa1systemPkiJob0g4",
            "type": "SystemPrincipal",
            "alternateId": "system@okta.com",
            "displayName": "Okta System",
            "detailEntry": None,
        }
    return {
        "id": "00u1adminAbCdEf0g4",
        "type": "User",
        "alternateId": "pki.admin@example.com",
        "displayName": "PKI Admin",
        "detailEntry": None,
    }


def make_certificate_target(certificate_id: str) -> dict[str, Any]:
    """A wire ``target`` entry of a device certificate (type ``Certificate``)."""
    return {
        "id": certificate_id,
        "type": "Certificate",
        "alternateId": f"CN={certificate_id}, O=Example Corp",
        "displayName": "Device certificate",
        "detailEntry": {
            "fingerprintAlgorithm": "SHA1",
            "fingerprint": certificate_id.encode().hex()[:40],
        },
    }


def make_device_target(device_id: str) -> dict[str, Any]:
    """A wire ``target`` entry of a device (type ``Device``)."""
    return {
        "id": device_id,
        "type": "Device",
        "alternateId": device_id,
        "displayName": "Laptop",
        "detailEntry": None,
    }


def make_ca_target(
    ca_id: str, status: str = "VALID", cert_type: str = "Intermediate Certificate Authority"
) -> dict[str, Any]:
    """A wire ``target`` entry of a certificate authority, with its CA details."""
    return {
        "id": ca_id,
        "type": "CertificateAuthority",
        "alternateId": f"CN={ca_id}, O=Example Corp",
        "displayName": f"Example CA {ca_id}",
        "detailEntry": {
            "certType": cert_type,
            "authorityInstanceId": f"inst-{ca_id}",
            "notBefore": "1717200000000",
            "notAfter": "1874966400000",
            "certStatus": status,
            "certName": ca_id,
            "issuerName": "CN=Example Root CA, O=Example Corp, C=US",
        },
    }


def make_scope_mapping_target(
    ca_id: str, mapping_id: str = "pkiScopeMap1a0g4", scope: str = "DEVICE_REGISTRATION"
) -> dict[str, Any]:
    """A wire ``target`` entry of a CA scope mapping that gives ``scope`` to ``ca_id``."""
    return {
        "id": mapping_id,
        "type": "CertificateAuthorityScopeMapping",
        "alternateId": scope,
        "displayName": "CA scope mapping",
        "detailEntry": None,
        "changeDetails": {
            "from": {"caIds": [], "scope": scope},
            "to": {"caIds": [ca_id], "scope": scope},
        },
    }


# -- deterministic mode ----------------------------------------------------------------------

DEFAULT_START = datetime(2024, 1, 1, tzinfo=timezone.utc)
"""Where the timestamps of ``deterministic()`` start."""


@dataclass
class _Defaults:
    """Where builders take a uuid and a time they were not given: random and now, or seeded."""

    rng: random.Random | None = None
    start: datetime = DEFAULT_START
    step: timedelta = timedelta(seconds=1)
    ticks: int = 0

    def uuid(self) -> str:
        if self.rng is None:
            return str(uuid4())
        return str(UUID(int=self.rng.getrandbits(128), version=4))

    def now(self) -> datetime:
        """The current time: the clock's position (deterministic mode does not advance it)."""
        if self.rng is None:
            now = datetime.now(timezone.utc)
            return now.replace(microsecond=now.microsecond // 1000 * 1000)  # Okta's precision
        return self.start + self.step * self.ticks

    def published(self) -> datetime:
        """A time for a new event: now, or the next tick of the deterministic clock."""
        moment = self.now()
        if self.rng is not None:
            self.ticks += 1
        return moment


_RANDOM = _Defaults()  # no generator: random uuids, the current time; never advanced
_DEFAULTS: ContextVar[_Defaults | None] = ContextVar("okta_pki_events_testing", default=None)


def _defaults() -> _Defaults:
    return _DEFAULTS.get() or _RANDOM


@contextmanager
def deterministic(
    seed: int = 0, *, start: datetime = DEFAULT_START, step: timedelta = timedelta(seconds=1)
) -> Iterator[None]:
    """Within this block, builders give reproducible uuids and timestamps (snapshot tests).

    The uuids that builders make up (of events, deliveries, envelopes) come from a random
    generator seeded with ``seed``; the events' ``published`` times are ``start``,
    ``start + step``, ``start + 2 * step``, ... in the order they are built. Values passed
    explicitly are kept. Outside the block (and in other threads and tasks: the state is a
    context variable), uuids are random and times are now.

    >>> with deterministic(seed=7):
    ...     first = make_event("pki.cert.issue")
    >>> with deterministic(seed=7):
    ...     again = make_event("pki.cert.issue")
    >>> first == again, first.published.isoformat()
    (True, '2024-01-01T00:00:00+00:00')
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware (Okta's times are UTC)")
    if step <= timedelta(0):
        raise ValueError("step must be positive, so that events come in order")
    token = _DEFAULTS.set(_Defaults(random.Random(seed), start, step))
    try:
        yield
    finally:
        _DEFAULTS.reset(token)


# -- event builders ----------------------------------------------------------------------------


class EventOptions(TypedDict, total=False):
    """The keyword arguments of ``make_event`` and ``make_wire_event``.

    The first seven shape the defaults; the others replace a top-level key of the event,
    named as on the wire (``displayMessage``, ``debugContext``, ``target``, ...).
    """

    certificate_id: str
    device_id: str | None
    ca_id: str
    published: str | datetime | None
    uuid: str | None
    outcome: str | None
    reason: str | None
    version: str | int | None
    severity: str | None
    legacyEventType: str | None
    displayMessage: str | None
    actor: Mapping[str, Any] | None
    client: Mapping[str, Any] | None
    device: Mapping[str, Any] | None
    authenticationContext: Mapping[str, Any] | None
    securityContext: Mapping[str, Any] | None
    debugContext: Mapping[str, Any] | None
    target: Sequence[Mapping[str, Any]] | None
    transaction: Mapping[str, Any] | None
    request: Mapping[str, Any] | None


_BUILDER_OPTIONS = frozenset(
    {"certificate_id", "device_id", "ca_id", "published", "uuid", "outcome", "reason"}
)
# Top-level wire keys a test may replace (eventType is the first argument; uuid, published
# and outcome are the builder's own options).
_WIRE_KEYS = frozenset(EventOptions.__annotations__) - _BUILDER_OPTIONS


def _published_text(published: str | datetime | None) -> str:
    if published is None:
        return format_okta_datetime(_defaults().published())
    if isinstance(published, datetime):
        return format_okta_datetime(published)
    return published


def _check_options(options: Mapping[str, Any]) -> None:
    """Refuse a keyword that is neither a builder option nor a top-level wire key."""
    for key in options:
        if key in _BUILDER_OPTIONS or key in _WIRE_KEYS:
            continue
        close = difflib.get_close_matches(key, sorted(_BUILDER_OPTIONS | _WIRE_KEYS), n=2)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"unknown option {key!r}{hint} (options: {sorted(_BUILDER_OPTIONS)}; top-level "
            f"wire keys: {sorted(_WIRE_KEYS)})"
        )


def _wire(
    event_type: str,
    *,
    certificate_id: str = "crt1aBcDeFgHiJk0g4",
    device_id: str | None = "guo1dEvIcE2345a0g4",
    ca_id: str = "ca1Xk2PqRsTuV0g4",
    published: str | datetime | None = None,
    uuid: str | None = None,
    outcome: str | None = "SUCCESS",
    reason: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """The wire dict of any ``pki.*`` type (the public builders check the type first)."""
    _check_options(overrides)
    canonical = EVENT_MODELS[event_type].catalog.event_type if event_type in EVENT_MODELS else ""
    system = canonical not in ("pki.ca.add", "pki.ca.delete", "pki.ca.scope.mapping.update")
    targets: list[dict[str, Any]]
    debug: dict[str, Any] = {"requestId": "ZxRequest0001", "requestUri": "/api/v1/pki"}
    if (canonical or event_type).startswith("pki.ca."):
        targets = [make_ca_target(ca_id)]
        if canonical == "pki.ca.expiration.warn" and reason is None:
            reason = "EXPIRING_3_MONTHS"
        if canonical == "pki.ca.renew":
            targets = [make_ca_target(ca_id, "EXPIRED"), make_ca_target(f"{ca_id}-renewed")]
        if canonical == "pki.ca.scope.mapping.update":
            targets = [make_scope_mapping_target(ca_id)]
    else:
        targets = [make_certificate_target(certificate_id)]
        if device_id is not None:
            targets.append(make_device_target(device_id))
        if canonical == "pki.cert.crl_download_failure":
            debug |= {"crlUrl": "http://crl.example.com/ca.crl", "httpStatusCode": "404"}
            outcome, reason = "FAILURE" if outcome == "SUCCESS" else outcome, reason or "HTTP 404"
    wire: dict[str, Any] = {
        "uuid": uuid or _defaults().uuid(),
        "published": _published_text(published),
        "eventType": event_type,
        "version": "0",
        "severity": "INFO",
        "legacyEventType": (
            EVENT_MODELS[event_type].catalog.legacy_event_type if canonical else None
        ),
        "displayMessage": event_type,
        "actor": _actor(system),
        "client": {
            "userAgent": {
                "rawUserAgent": "Okta Verify/9.27.0",
                "os": "Mac OS X",
                "browser": "UNKNOWN",
            },
            "zone": "null",
            "device": "Computer",
            "id": None,
            "ipAddress": "198.51.100.23",
            "geographicalContext": {
                "city": "San Francisco",
                "state": "California",
                "country": "United States",
                "postalCode": "94107",
                "geolocation": {"lat": 37.7697, "lon": -122.3933},
            },
        },
        "outcome": {"result": outcome, "reason": reason},
        "target": targets,
        "debugContext": {"debugData": debug},
        "transaction": {"type": "JOB" if system else "WEB", "id": "ZxTransaction01", "detail": {}},
    }
    wire.update(overrides)
    return wire


def make_wire_event(event_type: EventTypeName, **options: Unpack[EventOptions]) -> dict[str, Any]:
    """A realistic wire dict (Okta's camelCase JSON) of one PKI event.

    Certificate events target the certificate (``certificate_id``) and, unless
    ``device_id`` is None, the device; CA events target the CA (``ca_id``) with its details;
    ``pki.ca.expiration.warn`` carries ``EXPIRING_3_MONTHS`` unless ``reason`` says
    otherwise; the CRL failure carries a URL and a 404. ``uuid`` is random and
    ``published`` now unless given (or in ``deterministic()`` mode); ``outcome`` is the
    ``outcome.result`` (``SUCCESS``). Other keywords replace top-level keys by their wire
    names (``displayMessage=...``, ``target=[...]``).

    An event type the catalogue does not know, or an unknown keyword, is a ``ValueError``
    (and, for type checkers, a type error).
    """
    return _wire(known_event_type(event_type), **options)


@overload
def make_event(
    event_type: Literal["pki.ca.add"], **options: Unpack[EventOptions]
) -> PkiCaAddEvent: ...
@overload
def make_event(
    event_type: Literal["pki.ca.delete"], **options: Unpack[EventOptions]
) -> PkiCaDeleteEvent: ...
@overload
def make_event(
    event_type: Literal["pki.ca.expiration.warn"], **options: Unpack[EventOptions]
) -> PkiCaExpirationWarnEvent: ...
@overload
def make_event(
    event_type: Literal["pki.ca.renew"], **options: Unpack[EventOptions]
) -> PkiCaRenewEvent: ...
@overload
def make_event(
    event_type: Literal["pki.ca.scope.mapping.update"], **options: Unpack[EventOptions]
) -> PkiCaScopeMappingUpdateEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.bind"], **options: Unpack[EventOptions]
) -> PkiCertBindEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.crl_download_failure", "pki.cert.lifecycle.crl_download_failure"],
    **options: Unpack[EventOptions],
) -> PkiCertCrlDownloadFailureEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.issue"], **options: Unpack[EventOptions]
) -> PkiCertIssueEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.lifecycle.activate"], **options: Unpack[EventOptions]
) -> PkiCertLifecycleActivateEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.lifecycle.delete"], **options: Unpack[EventOptions]
) -> PkiCertLifecycleDeleteEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.lifecycle.hold"], **options: Unpack[EventOptions]
) -> PkiCertLifecycleHoldEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.lifecycle.revoke"], **options: Unpack[EventOptions]
) -> PkiCertLifecycleRevokeEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.lifecycle.suspend"], **options: Unpack[EventOptions]
) -> PkiCertLifecycleSuspendEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.renew"], **options: Unpack[EventOptions]
) -> PkiCertRenewEvent: ...
@overload
def make_event(
    event_type: Literal["pki.cert.revoke"], **options: Unpack[EventOptions]
) -> PkiCertRevokeEvent: ...
def make_event(event_type: str, **options: Any) -> LogEvent:
    """A valid parsed event of ``event_type`` with realistic defaults (see ``make_wire_event``).

    Typed by the event type: ``make_event("pki.cert.issue")`` is a ``PkiCertIssueEvent``.

    >>> make_event("pki.cert.issue", certificate_id="c1").certificate_target.id
    'c1'
    """
    return parse_event(_wire(known_event_type(event_type), **options))


def make_unknown_event(event_type: str, **options: Unpack[EventOptions]) -> UnknownPkiEvent:
    """An event of a ``pki.*`` type the catalogue does not know (what Okta may add later).

    A ``pki.ca.*`` type gets a CA target, any other a certificate (and device) target.

    >>> make_unknown_event("pki.cert.quarantine").event_type
    'pki.cert.quarantine'
    """
    if not event_type.startswith(PKI_PREFIX) or event_type in EVENT_MODELS:
        raise ValueError(
            f"{event_type!r} is not an unknown PKI type: it must start with {PKI_PREFIX!r} "
            "and not be catalogued (use make_event for catalogued types)"
        )
    return parse_event_as(UnknownPkiEvent, _wire(event_type, **options))


# -- envelope builders -------------------------------------------------------------------------


def _wire_of(event: LogEvent | Mapping[str, Any]) -> dict[str, Any]:
    """An event as Okta sends it: a model back to its wire JSON, a mapping as it is."""
    if isinstance(event, LogEvent):
        return event.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dict(event)


def make_event_hook_delivery(
    events: Iterable[LogEvent | Mapping[str, Any]],
    *,
    org: str = "example.okta.com",
    hook_id: str = "who1a2b3c4d5e6f7g8h9",
    event_id: str | None = None,
    event_time: datetime | None = None,
) -> dict[str, Any]:
    """The POST body Okta sends to an event hook, carrying ``events`` (models or wire dicts).

    >>> from okta_pki_events import iter_events
    >>> body = make_event_hook_delivery([make_event("pki.cert.issue", uuid="e1")])
    >>> next(iter_events([body])).uuid
    'e1'
    """
    return {
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "source": f"https://{org}/api/v1/eventHooks/{hook_id}",
        "eventId": event_id or _defaults().uuid(),
        "eventTime": format_okta_datetime(event_time or _defaults().now()),
        "contentType": "application/json",
        "data": {"events": [_wire_of(e) for e in events]},
    }


def make_eventbridge_event(
    event: LogEvent | Mapping[str, Any],
    *,
    org: str = "example.okta.com",
    stream: str = "okta-pki-log-stream",
    account: str = "123456789012",
    region: str = "us-east-1",
    event_id: str | None = None,
) -> dict[str, Any]:
    """The AWS EventBridge event that Okta Log Streaming makes of one LogEvent.

    ``source`` is ``aws.partner/okta.com/<org>/<stream>``; ``time`` is the event's
    ``published`` at second precision, as EventBridge writes it.

    >>> from okta_pki_events import iter_events
    >>> envelope = make_eventbridge_event(make_event("pki.cert.revoke", uuid="e2"))
    >>> next(iter_events([envelope])).uuid
    'e2'
    """
    detail = _wire_of(event)
    published = detail.get("published")
    when = (
        parse_event(detail).published
        if isinstance(published, str) and isinstance(detail.get("eventType"), str)
        else _defaults().now()
    )
    return {
        "version": "0",
        "id": event_id or _defaults().uuid(),
        "detail-type": "SystemLog",
        "source": f"aws.partner/okta.com/{org}/{stream}",
        "account": account,
        "time": when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [],
        "detail": detail,
    }


def make_sqs_event(
    bodies: Iterable[Mapping[str, Any] | str],
    *,
    queue: str = "okta-pki-events",
    account: str = "123456789012",
    region: str = "us-east-1",
) -> dict[str, Any]:
    """The event AWS Lambda receives from SQS: one record per body.

    The usual EventBridge -> SQS -> Lambda path gives it ``make_eventbridge_event(...)``
    bodies. A mapping body is written as JSON; a string is kept as it is. ``md5OfBody`` is the
    MD5 of the body, as SQS computes it.

    >>> import json
    >>> sqs = make_sqs_event([make_eventbridge_event(make_event("pki.cert.issue"))])
    >>> (record,) = sqs["Records"]
    >>> json.loads(record["body"]).get("source")
    'aws.partner/okta.com/example.okta.com/okta-pki-log-stream'
    """
    defaults = _defaults()
    records = []
    for body in bodies:
        text = body if isinstance(body, str) else json.dumps(body)
        sent = str(int(defaults.now().timestamp() * 1000))
        message_id = defaults.uuid()
        records.append(
            {
                "messageId": message_id,
                "receiptHandle": f"AQEB{hashlib.sha256(message_id.encode()).hexdigest()}",
                "body": text,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": sent,
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": sent,
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(text.encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{region}:{account}:{queue}",
                "awsRegion": region,
            }
        )
    return {"Records": records}


def lifecycle_sequences(
    certificate_id: str = "crt1aBcDeFgHiJk0g4",
    *,
    max_steps: int = 8,
    from_issue: bool = True,
) -> st.SearchStrategy[list[LogEvent]]:
    """Lists of events for one certificate that the lifecycle table fully allows, in order.

    Each step is drawn among the transitions allowed from the state reached; timestamps
    increase. With ``from_issue=False`` the first event may be any (an issue before the window).
    """
    _need_hypothesis()
    from .lifecycle import TRANSITIONS, CertState

    @st.composite
    def build(draw: st.DrawFn) -> list[LogEvent]:
        state: CertState | None = None
        at = draw(st.integers(min_value=0, max_value=10**11))
        out: list[LogEvent] = []
        for step in range(draw(st.integers(min_value=1, max_value=max_steps))):
            if step == 0:
                rows = [r for r in TRANSITIONS if None in r.allowed_from or not from_issue]
            else:
                rows = [r for r in TRANSITIONS if state in r.allowed_from]
            if not rows:
                break
            row = draw(st.sampled_from(rows))
            event_type = draw(st.sampled_from(row.event_types))
            at += draw(st.integers(min_value=1, max_value=10**9))
            published = _EPOCH + timedelta(milliseconds=at)
            wire = _wire(event_type, certificate_id=certificate_id, published=published)
            out.append(parse_event(wire))
            state = row.first_seen if step == 0 else (row.to or state)
        return out

    return build()

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

import types
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin
from uuid import uuid4

from pydantic import BaseModel, StrictBool, StrictFloat, StrictInt

from ._fake_okta import FakeOkta as FakeOkta
from ._parsing import parse_event
from .models._base import OktaModel, format_okta_datetime
from .models.events import EVENT_MODELS, EVENT_TYPES, PKI_PREFIX, PkiEvent
from .models.log_event import LogEvent

if TYPE_CHECKING:
    from hypothesis import strategies as st
else:
    try:
        from hypothesis import strategies as st
    except ImportError:  # pragma: no cover - the builders work without the extra
        st = None

__all__ = [
    "events",
    "json_values",
    "lifecycle_sequences",
    "make_ca_target",
    "make_certificate_target",
    "make_device_target",
    "make_event",
    "make_scope_mapping_target",
    "make_wire_event",
    "okta_timestamps",
    "wire_events",
]

_EPOCH = datetime(2015, 1, 1, tzinfo=timezone.utc)


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


def wire_events(
    event_type: str | None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON-ready dicts of PKI events, as Okta could send them.

    Args:
        event_type: one PKI type (canonical or alias); by default any of the catalogued ones.
        unknown_types: also draw ``pki.*`` types the library does not know.

    Every field the models know may be present, null or absent; vocabularies draw known
    and unknown values; extra keys appear at every level. ``json.dumps`` of a drawn value
    is what ``parse_event`` accepts, and ``parse_event(d).model_dump(mode="json",
    exclude_unset=True)`` gives ``d`` back.

    """
    _need_hypothesis()
    if event_type is not None and event_type not in EVENT_MODELS:
        raise ValueError(f"unknown PKI event type {event_type!r}; known: {EVENT_TYPES}")
    types_: st.SearchStrategy[str] = (
        st.just(event_type) if event_type else st.sampled_from(sorted(EVENT_MODELS))
    )
    if unknown_types and event_type is None:
        types_ = types_ | st.text(min_size=1, max_size=12).map(lambda s: f"{PKI_PREFIX}future.{s}")
    return _model_dicts(LogEvent, {"eventType": types_, "published": okta_timestamps()})


def events(
    event_type: str | None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[PkiEvent]:
    """Parsed PKI event models: ``wire_events(...)`` passed through ``parse_event``."""
    return wire_events(event_type, unknown_types=unknown_types).map(
        lambda raw: parse_event(raw)  # type: ignore[arg-type, return-value]
    )


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


def _published_text(published: str | datetime | None) -> str:
    if published is None:
        return format_okta_datetime(datetime.now(timezone.utc))
    if isinstance(published, datetime):
        return format_okta_datetime(published)
    return published


def make_wire_event(
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
    """A realistic wire dict (Okta's camelCase JSON) of one PKI event.

    Certificate events target the certificate and, unless ``device_id`` is None, the
    device; CA events target the CA with its details; ``pki.ca.expiration.warn`` carries
    ``EXPIRING_3_MONTHS`` unless ``reason`` says otherwise; the CRL failure carries a URL and
    a 404. ``overrides`` replace top-level keys by their wire names (``displayMessage=...``).
    """
    canonical = EVENT_MODELS[event_type].catalog.event_type if event_type in EVENT_MODELS else ""
    system = canonical not in ("pki.ca.add", "pki.ca.delete", "pki.ca.scope.mapping.update")
    targets: list[dict[str, Any]]
    debug: dict[str, Any] = {"requestId": "ZxRequest0001", "requestUri": "/api/v1/pki"}
    if canonical.startswith("pki.ca."):
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
        "uuid": uuid or str(uuid4()),
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


def make_event(
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
) -> LogEvent:
    """A valid parsed event of ``event_type`` with realistic defaults (see ``make_wire_event``).

    >>> make_event("pki.cert.issue", certificate_id="c1").certificate_target.id
    'c1'
    """
    return parse_event(
        make_wire_event(
            event_type,
            certificate_id=certificate_id,
            device_id=device_id,
            ca_id=ca_id,
            published=published,
            uuid=uuid,
            outcome=outcome,
            reason=reason,
            **overrides,
        )
    )


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
            out.append(make_event(event_type, certificate_id=certificate_id, published=published))
            state = row.first_seen if step == 0 else (row.to or state)
        return out

    return build()

"""The one internal record of the fold: what the lifecycle keeps of an event, and its order.

A ``LifecycleRecord`` is a flat, Arrow-friendly row. It is extracted from a parsed event here (by
``isinstance`` on the models, with the target rule of ``LogEvent``'s own accessors) or from a
raw line by ``lifecycles_from``'s minimal validator, and it is all the fold ever reads.

The total order: records are ordered by (``published`` instant, ``uuid``); copies of one
``uuid`` with different content are ordered by ``record_signature`` (the JSON text of the
record), and the smallest is the copy applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from ..models.entities import Actor, target_kind
from ..models.events import (
    EVENT_MODELS,
    BaseKnownPkiEvent,
    BasePkiEvent,
    PkiCaExpirationWarnEvent,
    PkiCaScopeMappingUpdateEvent,
    PkiCertCrlDownloadFailureEvent,
)
from ..models.log_event import LogEvent
from ..models.outcome import OutcomeStatus, outcome_status
from ._machine import CA_EVENT_TYPES, CERT_EVENT_TYPES

__all__ = [
    "CERT",
    "CA",
    "CERT_TARGET",
    "CRL",
    "DEVICE_TARGET",
    "EPOCH",
    "KIND_OF_CLASS",
    "TARGET_CODES",
    "KeyFunction",
    "LifecycleRecord",
    "Record",
    "ScopeSide",
    "ca_keys",
    "cert_and_device",
    "cert_fields",
    "certificate_key",
    "kind_of",
    "kind_of_class",
    "datetime_of",
    "micros_of",
    "record_of",
    "record_signature",
    "SUCCEEDED",
    "succeeded",
    "target_code",
]

KeyFunction = Callable[[BasePkiEvent], "str | None"]
"""Maps a certificate event to the key of its certificate (None: no certificate)."""

ScopeSide = tuple["str | None", tuple[str, ...]]
"""One side of a scope mapping change: (scope, CA ids)."""

CERT, CA, CRL = "certificate", "certificate_authority", "crl_failure"
"""The record kinds (``LifecycleRecord.kind``)."""


class LifecycleRecord(NamedTuple):
    """What the lifecycle keeps of one event (the one record type of the fold)."""

    kind: str
    """``certificate``, ``certificate_authority`` or ``crl_failure``."""
    published: int
    """When the event was published: microseconds since the Unix epoch (UTC)."""
    uuid: str
    """The event's uuid."""
    event_type: str
    """The event's type."""
    outcome: str | None
    """Its ``outcome.result``."""
    key: str | None
    """The certificate key (certificate events, CRL failures); None for CA events."""
    device_id: str | None = None
    """The id of its first device target."""
    actor: str | None = None
    """Who did it: the actor's ``alternateId``, else its ``id``."""
    ca_ids: tuple[str, ...] = ()
    """The CAs a CA event concerns (``ca_keys``)."""
    urgency: str | None = None
    """An expiration warning's urgency (``EXPIRING_6_MONTHS``, ...)."""
    scope_before: ScopeSide | None = None
    """A scope mapping update's ``from`` side."""
    scope_after: ScopeSide | None = None
    """A scope mapping update's ``to`` side."""
    crl_url: str | None = None
    """A CRL failure's URL."""
    http_status: int | None = None
    """A CRL failure's HTTP status."""


Record = LifecycleRecord
"""The fold's modules call it ``Record`` (the public name says whose record it is)."""


def record_signature(record: LifecycleRecord) -> str:
    """The canonical text of a record: the total order among copies of one uuid."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


_APPLIED: dict[OutcomeStatus | None, bool] = {
    None: True,
    "success": True,
    "failure": False,
    "unknown": False,
}  # outcome_status -> whether the lifecycle applies the event


def succeeded(result: str | None) -> bool:
    """Whether an event with this ``outcome.result`` happened (absent counts as yes).

    The models' one outcome rule (``outcome_status``, that of ``LogEvent.is_success``): a
    success is applied, a failure or an unknown outcome is not, and no result counts as applied.
    """
    found = _SUCCEEDED.get(result)
    if found is None:
        found = _APPLIED[outcome_status(result)]
        if len(_SUCCEEDED) < 4096:
            _SUCCEEDED[result] = found
    return found


_SUCCEEDED: dict[str | None, bool] = {}
SUCCEEDED = _SUCCEEDED
"""The cache of ``succeeded`` per result (read it with ``.get``; a miss calls ``succeeded``)."""


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The Unix epoch in UTC: records keep instants as microseconds since it."""


CERT_TARGET, DEVICE_TARGET = 1, 2
_CODES: dict[str | None, int] = {}


def target_code(target_type: str | None) -> int:
    """What a target of this ``type`` is to the fold: ``CERT_TARGET``, ``DEVICE_TARGET``, or 0.

    ``target_kind``'s answer (the models' one rule, also that of ``certificate_target`` and
    ``device_target``), cached per type: types are a small vocabulary, and the cache is
    bounded. Hot paths read ``TARGET_CODES.get(type)`` first and call this on a miss.
    """
    found = _CODES.get(target_type)
    if found is None:
        kind = target_kind(target_type)
        found = CERT_TARGET if kind == "certificate" else DEVICE_TARGET if kind == "device" else 0
        if len(_CODES) < 4096:
            _CODES[target_type] = found
    return found


TARGET_CODES = _CODES
"""The cache of ``target_code`` (read it with ``.get``; a miss calls ``target_code``)."""


def cert_and_device(targets: Iterable[Any]) -> tuple[str | None, str | None]:
    """The ids of the first certificate target and the first device target (None if none).

    The lifecycle's one target rule: ``targets`` are the models' ``Target``s or any objects
    with a ``type`` and an ``id`` (``lifecycles_from``'s msgspec reading of a line).
    """
    cert_id = device_id = None
    found = 0
    for target in targets:
        code = _CODES.get(target.type)
        if code is None:
            code = target_code(target.type)
        if code and not found & code:  # the first certificate, the first device
            found |= code
            if code == CERT_TARGET:
                cert_id = target.id
            else:
                device_id = target.id
    return cert_id, device_id


_LATE_TZ = timezone(-timedelta(hours=23, minutes=59))
_EARLY_TZ = timezone(timedelta(hours=23, minutes=59))


def micros_of(value: datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact, any offset)."""
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def datetime_of(micros: int) -> datetime:
    """The instant back as an aware datetime: in UTC where UTC can write it.

    An instant past 9999-12-31 in UTC (or before year 1) is written with a -23:59 (+23:59)
    offset: the same instant, never an error. The models refuse such a ``published``, so
    only a ``Record`` built by hand (``feed_record``) or read from a snapshot reaches here.
    """
    try:
        return EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        tz = _LATE_TZ if micros > 0 else _EARLY_TZ
        return (EPOCH.astimezone(tz) + timedelta(microseconds=micros)).astimezone(tz)


def certificate_key(event: BasePkiEvent) -> str | None:
    """The default certificate key: the ``id`` of the event's certificate target.

    The certificate target is ``LogEvent.certificate_target``: the first target whose type
    names a certificate and not an authority (that is a CA).
    """
    target = event.certificate_target
    return target.id if target is not None else None


def ca_keys(event: BasePkiEvent) -> list[str]:
    """The CAs a CA event concerns: its CA targets' ids.

    For ``pki.ca.scope.mapping.update``, the CA ids named before and after the change; for
    an event without CA targets (``pki.ca.expiration.warn`` may target "the certificate"),
    the ids of all its targets.
    """
    if isinstance(event, PkiCaScopeMappingUpdateEvent):
        ids: dict[str, None] = {}
        for side in (event.scope_before, event.scope_after):
            ids.update(dict.fromkeys(side.ca_ids if side else ()))
        return list(ids)
    targets = event.ca_targets or list(event.target or ())
    return [t.id for t in targets if t.id]


_CERT_MODELS = tuple(EVENT_MODELS[t] for t in CERT_EVENT_TYPES)
_CA_MODELS = tuple(EVENT_MODELS[t] for t in sorted(CA_EVENT_TYPES))
_KIND_OF_CLASS: dict[type, str | None] = {}
KIND_OF_CLASS = _KIND_OF_CLASS
"""The cache of ``kind_of`` per class (read it with ``.get``; a miss calls ``kind_of``)."""


def _kind_of(cls: type) -> str | None:
    """The record kind of a model class, by ``issubclass`` (so ``isinstance`` semantics).

    Cached per class: ``isinstance`` on pydantic models goes through ``ABCMeta``.
    """
    found = _KIND_OF_CLASS.get(cls, "")
    if found != "":
        return found
    if issubclass(cls, _CERT_MODELS):
        found = CERT
    elif issubclass(cls, PkiCertCrlDownloadFailureEvent):
        found = CRL
    elif issubclass(cls, _CA_MODELS):
        found = CA
    else:
        assert not issubclass(cls, BaseKnownPkiEvent), f"unfiled PKI model {cls}"
        found = None
    if len(_KIND_OF_CLASS) < 4096:
        _KIND_OF_CLASS[cls] = found
    return found


kind_of_class = _kind_of
"""The record kind of a model class (``kind_of``'s answer for its instances)."""


CertFields = tuple[int, str, str, "str | None", "str | None", "str | None", "str | None"]
"""(published, uuid, event type, outcome, certificate key, device id, actor): a record's
fields for a certificate event or CRL failure, from ``kind`` on."""


def cert_fields(event: LogEvent, key: KeyFunction = certificate_key) -> CertFields:
    """The record fields of a certificate event or CRL failure: the rule of ``record_of``.

    The tracker's hot path packs them without building a ``LifecycleRecord``.
    """
    outcome = event.outcome
    actor = event.actor
    cert_id, device_id = cert_and_device(event.target or ())
    return (
        micros_of(event.published),
        event.uuid,
        event.event_type,
        outcome.result if outcome is not None else None,
        cert_id if key is certificate_key else key(event),  # type: ignore[arg-type]
        device_id,
        _who(actor),
    )


def _who(actor: Actor | None) -> str | None:
    """The actor as the timeline shows it: its ``alternateId``, else its ``id``."""
    return (actor.alternate_id or actor.id) if actor is not None else None


def kind_of(event: LogEvent) -> str | None:
    """The record kind of an event, None for any other (by class, ``isinstance`` semantics).

    ``certificate``, ``certificate_authority`` or ``crl_failure``.
    """
    return _kind_of(type(event))


def record_of(event: LogEvent, key: KeyFunction = certificate_key) -> LifecycleRecord | None:
    """The record of a known PKI event; None for any other event (the caller counts it).

    Dispatch is by class with ``isinstance`` semantics, so a user's subclass of a model is
    filed with its base. The certificate and device are those of ``certificate_target`` and
    ``device_target`` (their rule, through ``target_code``), whatever ``key`` is.
    """
    kind = _kind_of(type(event))
    if kind is None:
        return None
    if kind is CA:
        outcome = event.outcome
        result = outcome.result if outcome is not None else None
        return _ca_record(event, result, _who(event.actor))
    published, uuid, event_type, result, cert_key, device_id, who = cert_fields(event, key)
    record = LifecycleRecord(kind, published, uuid, event_type, result, cert_key, device_id, who)
    if kind is CRL:
        assert isinstance(event, PkiCertCrlDownloadFailureEvent)
        return record._replace(crl_url=event.crl_url, http_status=event.http_status)
    return record


def _ca_record(event: LogEvent, result: str | None, who: str | None) -> LifecycleRecord:
    before = after = None
    if isinstance(event, PkiCaScopeMappingUpdateEvent):
        side = event.scope_before
        before = (side.scope, side.ca_ids) if side else None
        side = event.scope_after
        after = (side.scope, side.ca_ids) if side else None
    urgency = event.urgency if isinstance(event, PkiCaExpirationWarnEvent) else None
    assert isinstance(event, BasePkiEvent)
    return LifecycleRecord(
        CA,
        micros_of(event.published),
        event.uuid,
        event.event_type,
        result,
        None,
        None,
        who,
        tuple(ca_keys(event)),
        urgency.value if urgency is not None else None,
        before,
        after,
    )

"""Certificate and CA lifecycles, rebuilt from a pile of PKI events.

Feed it events in any order, with duplicates, as Okta's at-least-once channels deliver
them: per certificate (and per CA) the events are applied in (``published``, ``uuid``)
order, each ``uuid`` once, through one transition table (``TRANSITIONS``). What the table
does not allow is reported as an anomaly, never silently applied.

>>> from okta_pki_events.testing import make_event
>>> report = build_lifecycles([
...     make_event("pki.cert.bind", certificate_id="c1", published="2026-01-02T00:00:00.000Z"),
...     make_event("pki.cert.issue", certificate_id="c1", published="2026-01-01T00:00:00.000Z"),
... ])
>>> report.certificates["c1"].state
<CertState.ACTIVE: 'active'>
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple, Union

from .models._base import format_okta_datetime
from .models.details import ExpirationUrgency
from .models.events import (
    EVENT_MODELS,
    BaseKnownPkiEvent,
    BasePkiEvent,
    PkiCaExpirationWarnEvent,
    PkiCaScopeMappingUpdateEvent,
    PkiCertCrlDownloadFailureEvent,
)
from .models.log_event import SUCCESS_RESULTS, LogEvent

__all__ = [
    "CA_EVENT_TYPES",
    "TRANSITIONS",
    "AnomalyKind",
    "CaHistory",
    "CaState",
    "CertState",
    "CertificateHistory",
    "CrlFailure",
    "KeyFunction",
    "LifecycleAnomaly",
    "LifecycleError",
    "LifecycleReport",
    "LifecycleTracker",
    "TimelineEntry",
    "Transition",
    "build_lifecycles",
    "ca_keys",
    "certificate_key",
    "lifecycle_diagram",
]


class CertState(str, Enum):
    """The state of a device certificate."""

    ISSUED = "issued"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    DELETED = "deleted"


class CaState(str, Enum):
    """The state of a certificate authority."""

    ACTIVE = "active"
    DELETED = "deleted"


class AnomalyKind(str, Enum):
    """What went wrong in a lifecycle."""

    ILLEGAL_TRANSITION = "illegal_transition"
    """A certificate event the transition table does not allow from the state it met."""
    EVENT_AFTER_DELETE = "event_after_delete"
    """A CA event after the CA was deleted."""
    DUPLICATE_ADD = "duplicate_add"
    """A CA added again while it was present."""
    CONFLICTING_DUPLICATE = "conflicting_duplicate"
    """Two events with the same uuid but different content (one of them was applied)."""


_LIVE = frozenset({CertState.ISSUED, CertState.ACTIVE})
_NOT_ENDED = _LIVE | {CertState.ON_HOLD, CertState.SUSPENDED}


@dataclass(frozen=True)
class Transition:
    """One row of the certificate transition table."""

    event_types: tuple[str, ...]
    """The event types of the row (canonical names)."""
    allowed_from: frozenset[CertState | None]
    """The states it may be applied in; None is a certificate not seen before."""
    to: CertState | None
    """The state it leads to; None leaves the state unchanged."""
    first_seen: CertState
    """The state of a certificate first seen through this event (its issue fell earlier)."""
    note: str = ""
    """What else it does."""


TRANSITIONS: tuple[Transition, ...] = (
    Transition(("pki.cert.issue",), frozenset({None}), CertState.ISSUED, CertState.ISSUED),
    Transition(
        ("pki.cert.bind",),
        frozenset({CertState.ISSUED}),
        CertState.ACTIVE,
        CertState.ACTIVE,
        "remembers the device",
    ),
    Transition(("pki.cert.renew",), _LIVE, None, CertState.ACTIVE, "counts the renewal"),
    Transition(("pki.cert.lifecycle.hold",), _LIVE, CertState.ON_HOLD, CertState.ON_HOLD),
    Transition(("pki.cert.lifecycle.suspend",), _LIVE, CertState.SUSPENDED, CertState.SUSPENDED),
    Transition(("pki.cert.lifecycle.activate",), _NOT_ENDED, CertState.ACTIVE, CertState.ACTIVE),
    Transition(
        ("pki.cert.lifecycle.revoke", "pki.cert.revoke"),
        _NOT_ENDED,
        CertState.REVOKED,
        CertState.REVOKED,
    ),
    Transition(
        ("pki.cert.lifecycle.delete",),
        frozenset(CertState) - {CertState.DELETED},
        CertState.DELETED,
        CertState.DELETED,
    ),
)
"""The certificate transition table: the one source of the state machine and its diagram."""


CA_EVENT_TYPES: frozenset[str] = frozenset(
    t for t, m in EVENT_MODELS.items() if m.catalog.subject == "certificate_authority"
)
"""The event types tracked on certificate authorities."""


KeyFunction = Callable[[BasePkiEvent], "str | None"]
"""Maps a certificate event to the key of its certificate (None: no certificate)."""


def certificate_key(event: BasePkiEvent) -> str | None:
    """The default certificate key: the ``id`` of the event's certificate target.

    The certificate target is the first whose ``type`` contains "certificate" (ignoring case)
    and not "authority" (that is a CA).
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


class TimelineEntry(NamedTuple):
    """One event in a certificate's or CA's history: a compact record, not the whole event."""

    published: datetime
    """When the event was published."""
    uuid: str
    """The event's uuid."""
    event_type: str
    """The event's type."""
    outcome: str | None
    """The event's ``outcome.result``."""
    applied: bool = False
    """Whether the event changed the lifecycle (False: failed outcome or anomaly)."""
    state_before: str | None = None
    """The state the event met (a ``CertState``/``CaState`` value; None: not seen before)."""
    state_after: str | None = None
    """The state after the event."""


@dataclass(frozen=True)
class LifecycleAnomaly:
    """Something the lifecycle did not allow."""

    kind: AnomalyKind
    """What went wrong."""
    subject: str
    """``certificate`` or ``certificate_authority``."""
    key: str
    """The certificate or CA key."""
    event: TimelineEntry
    """The event that met the anomaly."""
    state: str | None
    """The state it met (None: a certificate not seen before)."""
    message: str
    """A sentence saying what happened."""


@dataclass(frozen=True)
class CrlFailure:
    """One failed CRL download (``pki.cert.crl_download_failure``)."""

    event: TimelineEntry
    """The event."""
    crl_url: str | None
    """The CRL's URL, where the event carries it."""
    http_status: int | None
    """The HTTP status, where the event carries it."""
    certificate_id: str | None
    """The certificate target's id, where there is one."""


@dataclass(frozen=True)
class CertificateHistory:
    """Everything known about one certificate."""

    key: str
    """The certificate key."""
    state: CertState | None
    """The current state (None: seen only through failed events)."""
    device_id: str | None
    """The device it is bound to (from bind events, else the latest device target)."""
    issued_at: datetime | None
    """When it was issued, if the issue event was seen."""
    last_event_at: datetime
    """When its latest event was published."""
    renewals: int
    """How many times it was renewed."""
    complete: bool
    """True when its first successful event is the issue (else the issue fell earlier)."""
    timeline: tuple[TimelineEntry, ...]
    """Its events in (published, uuid) order, failed and refused ones included."""


@dataclass(frozen=True)
class CaHistory:
    """Everything known about one certificate authority."""

    key: str
    """The CA key (the CA target's id)."""
    state: CaState
    """ACTIVE or DELETED."""
    added_at: datetime | None
    """When it was (last) added, if seen."""
    deleted_at: datetime | None
    """When it was deleted, if it was."""
    renewals: int
    """How many ``pki.ca.renew`` events concerned it."""
    expiration_urgency: ExpirationUrgency | None
    """The latest expiration warning's urgency (6, 3 or 1 months)."""
    scopes: tuple[str, ...]
    """The scopes it serves after the latest scope mapping updates."""
    complete: bool
    """True when its first successful event is ``pki.ca.add``."""
    timeline: tuple[TimelineEntry, ...]
    """Its events in (published, uuid) order."""


@dataclass(frozen=True)
class LifecycleReport:
    """The result of ``build_lifecycles``: every certificate and CA, and what went wrong."""

    certificates: Mapping[str, CertificateHistory]
    """Certificate key -> history."""
    authorities: Mapping[str, CaHistory]
    """CA key -> history."""
    anomalies: tuple[LifecycleAnomaly, ...]
    """Every anomaly, in (published, uuid) order."""
    crl_failures: tuple[CrlFailure, ...]
    """Every failed CRL download, in (published, uuid) order."""
    duplicates: int
    """The number of repeated uuids skipped."""
    unkeyed: tuple[TimelineEntry, ...]
    """PKI events with no certificate (or CA) key: reported, never dropped silently."""
    ignored: int
    """Non-PKI events seen (ignored)."""
    unknown_types: Mapping[str, int] = field(default_factory=dict)
    """``pki.*`` types this library does not know, with their counts (not applied)."""
    scope_mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Scope -> the CA ids that serve it, after the latest scope mapping updates."""

    @property
    def state_counts(self) -> dict[str, int]:
        """Certificates per state; ``"unknown"`` counts those seen only through failures."""
        counts = Counter(
            h.state.value if h.state else "unknown" for h in self.certificates.values()
        )
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (timestamps in Okta's format, states as strings)."""
        data: dict[str, Any] = _jsonable(self)
        data["state_counts"] = self.state_counts
        return data

    def to_json(self, *, indent: int | None = None) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def to_table(self) -> list[dict[str, Any]]:
        """One flat row per certificate, for ``pandas.DataFrame(...)`` or ``polars``."""
        return [
            {
                "certificate": h.key,
                "state": h.state.value if h.state else None,
                "device_id": h.device_id,
                "issued_at": h.issued_at,
                "last_event_at": h.last_event_at,
                "renewals": h.renewals,
                "complete": h.complete,
                "events": len(h.timeline),
                "anomalies": sum(1 for a in self.anomalies if a.key == h.key),
            }
            for h in self.certificates.values()
        ]


def _jsonable(value: Any) -> Any:
    """Turn report objects into JSON-ready data."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_okta_datetime(value)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _jsonable(v) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class LifecycleError(ValueError):
    """Raised with ``strict=True`` at the first anomaly."""

    def __init__(self, anomaly: LifecycleAnomaly) -> None:
        """Name the event's uuid, its type and the state it met."""
        self.anomaly = anomaly
        super().__init__(anomaly.message)


# -- the reduction ---------------------------------------------------------------------------


class _Pending(NamedTuple):
    """What the reduction keeps of one event; tuples sort by (published, uuid)."""

    published: datetime
    uuid: str
    event_type: str
    outcome: str | None
    success: bool
    cert_key: str | None
    device_id: str | None
    ca_keys: tuple[str, ...] = ()
    urgency: ExpirationUrgency | None = None
    scope_from: tuple[str | None, tuple[str, ...]] | None = None
    scope_to: tuple[str | None, tuple[str, ...]] | None = None
    crl: CrlFailure | None = None

    def entry(
        self, applied: bool = False, before: str | None = None, after: str | None = None
    ) -> TimelineEntry:
        return TimelineEntry(
            self.published, self.uuid, self.event_type, self.outcome, applied, before, after
        )

    def signature(self) -> str:
        """A comparable digest of what the event says (to tell conflicting duplicates)."""
        return repr(
            (
                format_okta_datetime(self.published),
                self.event_type,
                self.outcome,
                self.cert_key,
                self.ca_keys,
                self.device_id,
            )
        )


_OTHER, _CERT, _DEVICE = 0, 1, 2
_TARGET_KINDS: dict[str, int] = {}
"""Target type -> certificate, device or other (the rule of ``certificate_key``), cached."""


def _target_kind(target_type: str | None) -> int:
    if target_type is None:
        return _OTHER
    folded = target_type.casefold()
    if "certificate" in folded and "authority" not in folded:
        kind = _CERT
    elif "device" in folded:
        kind = _DEVICE
    else:
        kind = _OTHER
    if len(_TARGET_KINDS) < 1024:  # bounded: types are a small vocabulary
        _TARGET_KINDS[target_type] = kind
    return kind


_CertRecord = tuple[datetime, str, str, "str | None", "str | None", "str | None"]
"""(published, uuid, event type, outcome result, certificate key, device id)."""
_Record = Union[_CertRecord, _Pending]

_CERT_MODELS = frozenset(
    m for t, m in EVENT_MODELS.items() if t in {n for r in TRANSITIONS for n in r.event_types}
)


def _succeeded(result: str | None) -> bool:
    """Whether an event with this ``outcome.result`` happened (absent counts as yes)."""
    return result is None or result in SUCCESS_RESULTS


def _as_pending(record: _Record) -> _Pending:
    if isinstance(record, _Pending):
        return record
    published, uuid, event_type, result, cert_key, device_id = record
    return _Pending(published, uuid, event_type, result, _succeeded(result), cert_key, device_id)


def _signature(record: _Record) -> str:
    """A comparable digest of what an event says (to order conflicting duplicates)."""
    return _as_pending(record).signature()


# The table, compiled for the replay loop: (event type, state) -> next state, as strings.
_NEXT: dict[tuple[str, str | None], str] = {
    (name, source.value if source else None): (row.to or source or row.first_seen).value
    for row in TRANSITIONS
    for name in row.event_types
    for source in row.allowed_from
}
_FIRST_SEEN: dict[str, str] = {
    name: row.first_seen.value for row in TRANSITIONS for name in row.event_types
}
_CERT_STATES: dict[str, CertState] = {state.value: state for state in CertState}
_ISSUE, _BIND, _RENEW = "pki.cert.issue", "pki.cert.bind", "pki.cert.renew"


class LifecycleTracker:
    """An incremental lifecycle builder for services that see events one at a time.

    ``feed`` events as they arrive, in any order; ``report()`` gives what
    ``build_lifecycles`` gives on the same events, whatever their arrival order. It keeps a
    compact record per event (not the event), so memory grows with the number of events by
    about 200 bytes each, not by their size.
    """

    def __init__(self, *, key: KeyFunction = certificate_key, strict: bool = False) -> None:
        """Set the certificate key function and whether the first anomaly raises."""
        self._key = key
        self._strict = strict
        self._pending: dict[str, _Record] = {}
        self._duplicates = 0
        self._ignored = 0
        self._unknown: Counter[str] = Counter()
        self._conflicts: list[tuple[_Record, _Record]] = []

    def feed(self, event: LogEvent) -> None:
        """Take one parsed event (non-PKI events are counted and ignored)."""
        if type(event) in _CERT_MODELS:
            record: _Record = self._record_of(event)
        elif isinstance(event, BaseKnownPkiEvent):
            record = self._pending_of(event)
        elif isinstance(event, BasePkiEvent):
            self._unknown[event.event_type] += 1
            return
        else:
            self._ignored += 1
            return
        seen = self._pending.setdefault(record[1], record)
        if seen is record:
            return
        self._duplicates += 1
        if seen != record:
            keep, drop = sorted((seen, record), key=_signature)
            self._pending[record[1]] = keep
            self._conflicts.append((keep, drop))

    def _record_of(self, event: LogEvent) -> _CertRecord:
        """The compact record of a certificate event (the hot path)."""
        outcome = event.outcome
        result = outcome.result if outcome is not None else None
        device_id = None
        if self._key is certificate_key:
            cert_key = None
            kinds = _TARGET_KINDS
            for target in event.target or ():
                kind = kinds.get(target.type)  # type: ignore[arg-type]
                if kind is None:
                    kind = _target_kind(target.type)
                if kind == _CERT and cert_key is None:
                    cert_key = target.id
                elif kind == _DEVICE and device_id is None:
                    device_id = target.id
        else:
            cert_key = self._key(event)  # type: ignore[arg-type]
            device = event.device_target
            device_id = device.id if device is not None else None
        return (event.published, event.uuid, event.event_type, result, cert_key, device_id)

    def feed_all(self, events: Iterable[LogEvent]) -> LifecycleTracker:
        """Feed every event of an iterable; returns the tracker."""
        feed = self.feed
        for event in events:
            feed(event)
        return self

    def _pending_of(self, event: BaseKnownPkiEvent) -> _Pending:
        """The record of a CA event or a CRL failure (certificate events take ``_record_of``)."""
        outcome = event.outcome.result if event.outcome is not None else None
        success = _succeeded(outcome)
        event_type = event.event_type
        if isinstance(event, PkiCertCrlDownloadFailureEvent):
            entry = TimelineEntry(event.published, event.uuid, event_type, outcome)
            crl = CrlFailure(entry, event.crl_url, event.http_status, self._key(event))
            return _Pending(
                event.published, event.uuid, event_type, outcome, success, None, None, crl=crl
            )
        scope_from = scope_to = None
        if isinstance(event, PkiCaScopeMappingUpdateEvent):
            before, after = event.scope_before, event.scope_after
            scope_from = (before.scope, before.ca_ids) if before else None
            scope_to = (after.scope, after.ca_ids) if after else None
        urgency = event.urgency if isinstance(event, PkiCaExpirationWarnEvent) else None
        return _Pending(
            event.published,
            event.uuid,
            event_type,
            outcome,
            success,
            None,
            None,
            tuple(ca_keys(event)),
            urgency,
            scope_from,
            scope_to,
        )

    def report(self) -> LifecycleReport:
        """The lifecycle report of everything fed so far."""
        certs: dict[str, list[_CertRecord]] = {}
        cas: dict[str, list[_Pending]] = {}
        crl: list[_Pending] = []
        unkeyed: list[_Pending] = []
        for record in self._pending.values():
            if not isinstance(record, _Pending):
                if record[4] is None:
                    unkeyed.append(_as_pending(record))
                else:
                    certs.setdefault(record[4], []).append(record)
                continue
            pending = record
            if pending.crl is not None:
                crl.append(pending)
            elif pending.ca_keys:
                for ca in pending.ca_keys:
                    cas.setdefault(ca, []).append(pending)
            else:
                unkeyed.append(pending)
        anomalies: list[LifecycleAnomaly] = [
            _anomaly(
                AnomalyKind.CONFLICTING_DUPLICATE,
                "certificate" if keep.cert_key else "certificate_authority",
                keep.cert_key or (keep.ca_keys[0] if keep.ca_keys else ""),
                drop.entry(),
                None,
                f"event {keep.uuid} was delivered twice with different content",
            )
            for keep, drop in ((_as_pending(k), _as_pending(d)) for k, d in self._conflicts)
        ]
        certificates = {
            key: _replay_certificate(key, sorted(items), anomalies)
            for key, items in sorted(certs.items())
        }
        authorities = {
            key: _replay_ca(key, sorted(items), anomalies) for key, items in sorted(cas.items())
        }
        scope_mappings: dict[str, tuple[str, ...]] = {}
        _apply_scopes(cas, authorities, scope_mappings)
        anomalies.sort(key=lambda a: (a.event.published, a.event.uuid, a.key, a.kind.value))
        if self._strict and anomalies:
            raise LifecycleError(anomalies[0])
        return LifecycleReport(
            certificates=certificates,
            authorities=authorities,
            anomalies=tuple(anomalies),
            crl_failures=tuple(p.crl for p in sorted(crl) if p.crl is not None),
            duplicates=self._duplicates,
            unkeyed=tuple(p.entry() for p in sorted(unkeyed)),
            ignored=self._ignored,
            unknown_types=dict(sorted(self._unknown.items())),
            scope_mappings=scope_mappings,
        )


def _anomaly(
    kind: AnomalyKind,
    subject: str,
    key: str,
    entry: TimelineEntry,
    state: str | None,
    message: str | None = None,
) -> LifecycleAnomaly:
    text = message or (
        f"{kind.value}: event {entry.uuid} ({entry.event_type}) met {subject} {key!r} "
        f"in state {state or 'new'}"
    )
    return LifecycleAnomaly(kind, subject, key, entry, state, text)


def _replay_certificate(
    key: str, items: list[_CertRecord], anomalies: list[LifecycleAnomaly]
) -> CertificateHistory:
    state: str | None = None
    started = complete = False
    device_id: str | None = None
    issued_at: datetime | None = None
    renewals = 0
    timeline: list[TimelineEntry] = []
    append = timeline.append
    make = tuple.__new__
    next_state = _NEXT.get
    for published, uuid, event_type, result, _, device in items:
        if result is not None and result not in SUCCESS_RESULTS:  # not _succeeded(): hot loop
            append(make(TimelineEntry, (published, uuid, event_type, result, False, state, state)))
            continue
        if started:
            new_state = next_state((event_type, state))
            if new_state is None:
                entry = make(
                    TimelineEntry, (published, uuid, event_type, result, False, state, state)
                )
                anomalies.append(
                    _anomaly(AnomalyKind.ILLEGAL_TRANSITION, "certificate", key, entry, state)
                )
                append(entry)
                continue
        else:
            started, complete = True, event_type == _ISSUE
            new_state = _FIRST_SEEN[event_type]
        if event_type == _ISSUE:
            issued_at = published
        elif event_type == _RENEW:
            renewals += 1
        if device is not None and (event_type == _BIND or device_id is None):
            device_id = device
        append(make(TimelineEntry, (published, uuid, event_type, result, True, state, new_state)))
        state = new_state
    return CertificateHistory(
        key=key,
        state=_CERT_STATES[state] if state is not None else None,
        device_id=device_id,
        issued_at=issued_at,
        last_event_at=items[-1][0],
        renewals=renewals,
        complete=complete,
        timeline=tuple(timeline),
    )


def _replay_ca(key: str, items: list[_Pending], anomalies: list[LifecycleAnomaly]) -> CaHistory:
    active, deleted = CaState.ACTIVE.value, CaState.DELETED.value
    state = active
    started = complete = False
    added_at: datetime | None = None
    deleted_at: datetime | None = None
    renewals = 0
    urgency: ExpirationUrgency | None = None
    timeline: list[TimelineEntry] = []
    for pending in items:
        event_type = pending.event_type
        if not pending.success:
            timeline.append(pending.entry(False, state, state))
            continue
        kind: AnomalyKind | None = None
        if event_type == "pki.ca.add":
            if started and state == active:
                kind = AnomalyKind.DUPLICATE_ADD
        elif state == deleted:
            kind = AnomalyKind.EVENT_AFTER_DELETE
        if kind is not None:
            entry = pending.entry(False, state, state)
            anomalies.append(_anomaly(kind, "certificate_authority", key, entry, state))
            timeline.append(entry)
            continue
        if not started:
            started, complete = True, event_type == "pki.ca.add"
        before = state
        if event_type == "pki.ca.add":
            state, added_at, deleted_at = active, pending.published, None
        elif event_type == "pki.ca.delete":
            state, deleted_at = deleted, pending.published
        elif event_type == "pki.ca.renew":
            renewals += 1
        elif pending.urgency is not None:
            urgency = pending.urgency
        timeline.append(pending.entry(True, before, state))
    return CaHistory(
        key=key,
        state=CaState(state),
        added_at=added_at,
        deleted_at=deleted_at,
        renewals=renewals,
        expiration_urgency=urgency,
        scopes=(),
        complete=complete,
        timeline=tuple(timeline),
    )


def _apply_scopes(
    cas: Mapping[str, list[_Pending]],
    authorities: dict[str, CaHistory],
    scope_mappings: dict[str, tuple[str, ...]],
) -> None:
    """Replay the scope mapping updates in order: each one sets the CAs of its scope."""
    updates = {
        p.uuid: p for items in cas.values() for p in items if p.success and p.scope_to is not None
    }
    for pending in sorted(updates.values()):
        assert pending.scope_to is not None
        scope, ca_ids = pending.scope_to
        if pending.scope_from is not None and pending.scope_from[0] not in (None, scope):
            scope_mappings.pop(pending.scope_from[0] or "", None)
        if scope is not None:
            scope_mappings[scope] = ca_ids
    serving: dict[str, list[str]] = {}
    for scope, ca_ids in sorted(scope_mappings.items()):
        for ca in ca_ids:
            serving.setdefault(ca, []).append(scope)
    for key, history in list(authorities.items()):
        scopes = tuple(serving.get(key, ()))
        if scopes:
            authorities[key] = _replace_scopes(history, scopes)


def _replace_scopes(history: CaHistory, scopes: tuple[str, ...]) -> CaHistory:
    return replace(history, scopes=scopes)


def build_lifecycles(
    events: Iterable[LogEvent], *, key: KeyFunction = certificate_key, strict: bool = False
) -> LifecycleReport:
    """Rebuild every certificate's and CA's lifecycle from parsed events.

    Args:
        events: any iterable of parsed events, in any order, duplicates included. Non-PKI
            events are counted (``report.ignored``) and ignored.
        key: maps a certificate event to its certificate key; by default
            ``certificate_key``, the id of the target whose type names a certificate.
        strict: raise ``LifecycleError`` (a ``ValueError``) at the first anomaly, naming the
            event's uuid, its type and the state it met.

    The result does not depend on input order: per certificate, events are applied in
    (``published``, ``uuid``) order, and a repeated ``uuid`` is applied once and counted in
    ``report.duplicates``.

    """
    return LifecycleTracker(key=key, strict=strict).feed_all(events).report()


def lifecycle_diagram() -> str:
    """A Mermaid state diagram of the certificate lifecycle, drawn from ``TRANSITIONS``."""
    lines = ["stateDiagram-v2"]
    for row in TRANSITIONS:
        label = ", ".join(row.event_types)
        for source in sorted(row.allowed_from, key=lambda s: "" if s is None else s.value):
            start = "[*]" if source is None else source.name
            end = (row.to or source or row.first_seen).name
            lines.append(f"    {start} --> {end}: {label}")
    return "\n".join(lines)

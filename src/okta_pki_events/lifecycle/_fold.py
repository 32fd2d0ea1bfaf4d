"""The exact fold: conflict resolution over all deliveries, then sort-then-fold per key.

1. Copies of one uuid: a first pass counts uuid fingerprints in a small table; a second pass
   gathers the uuids seen more than once (exactly, by their bytes) and, among copies with
   different content, keeps the one with the smallest ``record_signature``. Memory stays
   bounded by the table and the repeated uuids, not by all events.
2. Per certificate, the packed records are sorted by (``published``, ``uuid``), exact copies
   dropped (they sort next to each other), and folded through ``NEXT``, an integer table.
3. CA events per CA through ``CA_TRANSITIONS``; scope mapping updates globally.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..models.details import ExpirationUrgency
from ._machine import (
    BIND,
    CA_ROWS,
    CERT_STATES,
    FIRST_SEEN,
    ISSUE,
    NEXT,
    RENEW,
    STATE_VALUES,
    AnomalyKind,
    CaState,
)
from ._records import (
    CA,
    CERT,
    CRL,
    SUCCEEDED,
    Record,
    datetime_of,
    record_signature,
    succeeded,
)
from ._report import (
    CaHistory,
    CertificateHistory,
    CertificateSummary,
    CrlFailure,
    LifecycleAnomaly,
    LifecycleError,
    LifecycleReport,
    TimelineEntry,
    certificates_mapping,
)
from ._store import (
    SIZE,
    UUID_AT,
    UUID_END,
    Packed,
    Strings,
    packed_id,
    records,
    sort_key,
    unpack,
    uuid_id,
)

ID_SIZE = UUID_END - UUID_AT
_SMALLEST, _LARGEST = 1 << 12, 1 << 26
GROW = _GROW = 1024  # bytes: past this, a certificate's records grow in place

__all__ = [
    "BIAS",
    "GROW",
    "Deliveries",
    "conflict",
    "fold",
    "fold_ca",
    "fold_certificate",
    "fold_certificates",
    "history_of",
    "state_from_text",
    "state_to_text",
    "summary_of",
]


@dataclass
class Deliveries:
    """Everything fed so far, as stored: the multiset of deliveries, compactly."""

    strings: Strings = field(default_factory=Strings)
    certs: dict[str, bytes | bytearray] = field(default_factory=dict)
    """Certificate key -> its packed records, as delivered (a ``bytearray`` once large)."""
    growing: set[str] = field(default_factory=set)
    """The certificates whose records are a ``bytearray`` (appended in place)."""
    odd_keys: set[str] = field(default_factory=set)
    """Certificates holding a non-canonical uuid (sorted by text, not bytes)."""
    others: list[Record] = field(default_factory=list)
    """CA events, CRL failures and certificate events without a key."""
    delivered: int = 0
    """Records delivered (PKI events of known types)."""
    ignored: int = 0
    unknown: dict[str, int] = field(default_factory=dict)
    counts: bytearray = field(default_factory=lambda: bytearray(_SMALLEST))
    """How often each uuid fingerprint was delivered (saturating at 2): a uuid whose slot
    holds 1 was delivered once, exactly; the slots holding 2 name the few uuids to check."""

    def append(self, key: str, packed: bytes) -> None:
        """Append a certificate's packed record: in place once large (never quadratic)."""
        certs = self.certs
        blob = certs.get(key)
        if blob is None:
            certs[key] = packed
        elif isinstance(blob, bytearray):
            blob += packed
        elif len(blob) < _GROW:
            certs[key] = blob + packed
        else:
            certs[key] = bytearray(blob) + packed
            self.growing.add(key)

    def freeze(self) -> None:
        """Make every stored value immutable ``bytes``, before a report shares them."""
        certs = self.certs
        for key in self.growing:
            certs[key] = bytes(certs[key])
        self.growing.clear()

    def count(self, uid: bytes) -> None:
        """Count one delivery of a uuid identity (``uuid_id``); grow the table as needed."""
        counts = self.counts
        slot = hash(uid) & (len(counts) - 1)
        if counts[slot] < 2:
            counts[slot] += 1
        if self.delivered * 8 > len(counts):
            self.count_grown()

    def count_grown(self) -> None:
        """After a count: rebuild the table larger once it is an eighth full (up to a cap)."""
        if self.delivered * 8 > len(self.counts) and len(self.counts) < _LARGEST:
            self.recount()

    def ids(self) -> Iterator[tuple[bytes, str | None, int]]:
        """(uuid identity, certificate key, offset) of every delivery; key None: ``others``."""
        for key, stored in self.certs.items():
            blob = bytes(stored) if isinstance(stored, bytearray) else stored  # hashable slices
            for at in range(UUID_AT, len(blob), SIZE):
                yield blob[at : at + ID_SIZE], key, at - UUID_AT
        for at, record in enumerate(self.others):
            yield uuid_id(record.uuid, self.strings), None, at

    def recount(self) -> None:
        """Rebuild the table, sized for the deliveries (after growth, a restore, a merge)."""
        size = _SMALLEST
        while size < 32 * self.delivered and size < _LARGEST:
            size <<= 1
        counts = self.counts = bytearray(size)
        mask = size - 1
        for uid, _, _ in self.ids():
            slot = hash(uid) & mask
            if counts[slot] < 2:
                counts[slot] += 1


def entry(record: Record, applied: bool, before: str | None, after: str | None) -> TimelineEntry:
    """A record's timeline entry."""
    return TimelineEntry(
        datetime_of(record.published),
        record.uuid,
        record.event_type,
        record.outcome,
        applied,
        before,
        after,
        record.actor,
    )


def anomaly(
    kind: AnomalyKind, subject: str, key: str, item: TimelineEntry, state: str | None
) -> LifecycleAnomaly:
    """An anomaly with its sentence."""
    if kind is AnomalyKind.CONFLICTING_DUPLICATE:
        text = (
            f"event {item.uuid} was delivered with different content; this copy "
            f"({item.event_type}) was not applied"
        )
    elif kind is AnomalyKind.LATE_EVENT:
        text = (
            f"event {item.uuid} ({item.event_type}) arrived after its window closed; "
            "it was not applied"
        )
    else:
        text = (
            f"{kind.value}: event {item.uuid} ({item.event_type}) met {subject} {key!r} "
            f"in state {state or 'new'}"
        )
    return LifecycleAnomaly(kind, subject, key, item, state, text)


def conflict(
    record: Record, kind: AnomalyKind = AnomalyKind.CONFLICTING_DUPLICATE
) -> LifecycleAnomaly:
    """The anomaly of a copy not applied, filed under the certificate (or CA) it names."""
    subject = CA if record.kind == CA else CERT
    key = record.key or (record.ca_ids[0] if record.ca_ids else "")
    return anomaly(kind, subject, key, entry(record, False, None, None), None)


def _contested(data: Deliveries) -> tuple[dict[bytes, Record], list[Record]]:
    """Uuids delivered with different contents: uuid id -> the copy applied; and the others."""
    strings = data.strings
    counts = data.counts
    mask = len(counts) - 1
    repeated: dict[bytes, set[Record]] = {}
    for uid, key, at in data.ids():
        if counts[hash(uid) & mask] >= 2:
            if key is None:
                record = data.others[at]
            else:
                item: Packed = next(records(data.certs[key][at : at + SIZE]))
                record = unpack(item, key, strings)
            repeated.setdefault(uid, set()).add(record)
    winners: dict[bytes, Record] = {}
    losers: list[Record] = []
    for uid, copies in repeated.items():
        if len(copies) > 1:
            ordered = sorted(copies, key=record_signature)
            winners[uid] = ordered[0]
            losers.extend(ordered[1:])
    return winners, losers


def _sorted_items(key: str, blob: bytes | bytearray, data: Deliveries) -> list[Packed]:
    items: list[Packed] = list(records(blob))
    if key in data.odd_keys:
        items.sort(key=sort_key(data.strings))
    else:
        items.sort()
    return items


def _kept(
    key: str, items: list[Packed], winners: Mapping[bytes, Record], strings: Strings
) -> list[Packed]:
    """Drop exact copies (adjacent once sorted) and the copies of contested uuids not applied."""
    out: list[Packed] = []
    previous: Packed | None = None
    for item in items:
        if item == previous:
            continue
        previous = item
        if winners:
            winner = winners.get(packed_id(item))
            if winner is not None and unpack(item, key, strings) != winner:
                continue
        out.append(item)
    return out


_STATE = struct.Struct(">BBIqqIII")
_STARTED, _COMPLETE, _ISSUED, _DEVICE = 1, 2, 4, 8
STATE_SIZE = _STATE.size
BIAS = 1 << 63


def fold_certificate(
    key: str,
    items: list[Packed],
    strings: Strings,
    anomalies: list[LifecycleAnomaly],
    timeline: list[TimelineEntry] | None = None,
    start: bytes | None = None,
) -> bytes:
    """Fold one certificate's sorted, deduplicated records (the hot loop: integer codes).

    Returns the certificate's compact state (``summary_of`` reads it); ``start`` continues
    from an earlier state (windowed mode applies a certificate's events in batches).
    """
    values = strings.values
    if start is None:
        state = flags = device = renewals = events = found = issued = last = 0
    else:
        state, flags, device, issued, last, renewals, events, found = _STATE.unpack(start)
    started, complete = bool(flags & _STARTED), bool(flags & _COMPLETE)
    has_issued = bool(flags & _ISSUED)
    for item in items:
        published, _, _, code, outcome_at, device_at, _ = item
        outcome = values[outcome_at]
        applied = SUCCEEDED.get(outcome)  # succeeded(outcome), its cache read inline
        if applied is None:
            applied = succeeded(outcome)
        if not applied:
            if timeline is not None:
                value = STATE_VALUES[state]
                timeline.append(entry(unpack(item, key, strings), False, value, value))
            continue
        if started:
            new = NEXT[code][state]
            if new < 0:
                found += 1
                value = STATE_VALUES[state]
                made = entry(unpack(item, key, strings), False, value, value)
                anomalies.append(anomaly(AnomalyKind.ILLEGAL_TRANSITION, CERT, key, made, value))
                if timeline is not None:
                    timeline.append(made)
                continue
        else:
            started, complete = True, code == ISSUE
            new = FIRST_SEEN[code]
        if code == ISSUE:
            issued, has_issued = published - BIAS, True
        elif code == RENEW:
            renewals += 1
        if device_at and (code == BIND or not device):
            device = device_at
        if timeline is not None:
            record = unpack(item, key, strings)
            timeline.append(entry(record, True, STATE_VALUES[state], STATE_VALUES[new]))
        state = new
    if items:
        last = items[-1][0] - BIAS
    flags = started * _STARTED | complete * _COMPLETE | has_issued * _ISSUED
    return _STATE.pack(state, flags, device, issued, last, renewals, events + len(items), found)


def state_to_text(packed: bytes, strings: Strings) -> bytes:
    """A state whose device is an index of ``strings``, with the device's text inside.

    Windowed mode keeps states this way: no table of every device ever seen.
    """
    state, flags, device, *rest = _STATE.unpack(packed)
    text: str | None = strings.values[int(device)]
    if text is None:
        return packed
    head: bytes = _STATE.pack(state, flags | _DEVICE, 0, *rest)
    return head + text.encode("utf-8")


def state_from_text(blob: bytes, strings: Strings) -> bytes:
    """The inverse of ``state_to_text``: the device interned into ``strings``."""
    state, flags, _, *rest = _STATE.unpack_from(blob)
    if not flags & _DEVICE:
        return blob
    device = strings.add(blob[STATE_SIZE:].decode("utf-8"))
    return _STATE.pack(state, flags & ~_DEVICE, device, *rest)


def history_of(
    key: str, summary: CertificateSummary, timeline: list[TimelineEntry]
) -> CertificateHistory:
    """A certificate's history from its summary and timeline."""
    return CertificateHistory(
        key=key,
        state=summary.state,
        device_id=summary.device_id,
        issued_at=summary.issued_at,
        last_event_at=summary.last_event_at,
        renewals=summary.renewals,
        complete=summary.complete,
        timeline=tuple(timeline),
    )


def summary_of(packed: bytes, strings: Strings) -> CertificateSummary:
    """A certificate's compact state (either form) as a ``CertificateSummary``."""
    state, flags, device, issued, last, renewals, events, found = _STATE.unpack_from(packed)
    return CertificateSummary(
        CERT_STATES[state],
        packed[STATE_SIZE:].decode("utf-8") if flags & _DEVICE else strings.values[device],
        datetime_of(issued) if flags & _ISSUED else None,
        datetime_of(last),
        renewals,
        bool(flags & _COMPLETE),
        events,
        found,
    )


def fold_ca(key: str, items: list[Record], anomalies: list[LifecycleAnomaly]) -> CaHistory:
    """Fold one CA's records, in order, through ``CA_TRANSITIONS``."""
    state: CaState | None = None
    complete = False
    added_at: datetime | None = None
    deleted_at: datetime | None = None
    renewals = 0
    urgency: ExpirationUrgency | None = None
    timeline: list[TimelineEntry] = []
    for record in items:
        before = state.value if state else None
        if not succeeded(record.outcome):
            timeline.append(entry(record, False, before, before))
            continue
        row = CA_ROWS[record.event_type]
        if state not in row.allowed_from:
            made = entry(record, False, before, before)
            anomalies.append(anomaly(row.refused, CA, key, made, before))
            timeline.append(made)
            continue
        if state is None:
            complete = record.event_type == "pki.ca.add"
        state = row.to or state or row.first_seen
        at = datetime_of(record.published)
        if record.event_type == "pki.ca.add":
            added_at, deleted_at = at, None
        elif record.event_type == "pki.ca.delete":
            deleted_at = at
        elif record.event_type == "pki.ca.renew":
            renewals += 1
        elif record.urgency is not None:
            urgency = ExpirationUrgency.from_reason(record.urgency)
        timeline.append(entry(record, True, before, state.value))
    return CaHistory(
        key=key,
        state=state or CaState.ACTIVE,
        added_at=added_at,
        deleted_at=deleted_at,
        renewals=renewals,
        expiration_urgency=urgency,
        scopes=(),
        complete=complete,
        timeline=tuple(timeline),
    )


def _scopes(updates: list[Record]) -> dict[str, tuple[str, ...]]:
    """Replay the scope mapping updates in order: each one sets the CAs of its scope."""
    mappings: dict[str, tuple[str, ...]] = {}
    for record in updates:
        if record.scope_after is None:
            continue
        scope, ca_ids = record.scope_after
        before = record.scope_before
        if before is not None and before[0] not in (None, scope):
            mappings.pop(before[0] or "", None)
        if scope is not None:
            mappings[scope] = tuple(ca_ids)
    return dict(sorted(mappings.items()))


def _order(record: Record) -> tuple[int, str]:
    return record.published, record.uuid


def fold_certificates(
    data: Deliveries, winners: Mapping[bytes, Record]
) -> tuple[dict[str, bytes], list[LifecycleAnomaly], int]:
    """Each certificate's compact state, in key order; their anomalies; the records kept."""
    strings = data.strings
    anomalies: list[LifecycleAnomaly] = []
    kept = 0
    states: dict[str, bytes] = {}
    certs = data.certs
    for key in sorted(certs):
        items = _kept(key, _sorted_items(key, certs[key], data), winners, strings)
        if items:
            kept += len(items)
            states[key] = fold_certificate(key, items, strings, anomalies)
    return states, anomalies, kept


def fold(data: Deliveries, *, strict: bool = False, late: int = 0) -> LifecycleReport:
    """The report of everything delivered (exact mode)."""
    winners, losers = _contested(data)
    strings = data.strings
    certs = data.certs
    states, anomalies, kept = fold_certificates(data, winners)
    anomalies[:0] = [conflict(record) for record in losers]
    unique: dict[str, Record] = {}
    for record in data.others:
        winner = winners.get(uuid_id(record.uuid, strings))
        if winner is None or winner == record:
            unique.setdefault(record.uuid, record)
    kept += len(unique)
    ordered = sorted(unique.values(), key=_order)
    per_ca: dict[str, list[Record]] = {}
    unkeyed: list[TimelineEntry] = []
    crl: list[CrlFailure] = []
    for record in ordered:
        if record.kind == CRL:
            made = entry(record, False, None, None)
            crl.append(CrlFailure(made, record.crl_url, record.http_status, record.key))
        elif record.kind == CA and record.ca_ids:
            for ca in record.ca_ids:
                per_ca.setdefault(ca, []).append(record)
        else:
            unkeyed.append(entry(record, False, None, None))
    authorities = {key: fold_ca(key, per_ca[key], anomalies) for key in sorted(per_ca)}
    updates = [r for r in ordered if r.scope_after is not None and succeeded(r.outcome)]
    mappings = _scopes(updates)
    serving: dict[str, list[str]] = {}
    for scope, ca_ids in mappings.items():
        for ca in ca_ids:
            serving.setdefault(ca, []).append(scope)
    for key, ca_history in authorities.items():
        if key in serving:
            authorities[key] = _with_scopes(ca_history, tuple(serving[key]))
    anomalies.sort(key=lambda a: (a.event.published, a.event.uuid, a.kind.value, a.key))
    if strict and anomalies:
        raise LifecycleError(anomalies[0])

    def history(key: str) -> CertificateHistory:
        items = _kept(key, _sorted_items(key, certs[key], data), winners, strings)
        timeline: list[TimelineEntry] = []
        summary = summary_of(fold_certificate(key, items, strings, [], timeline), strings)
        return history_of(key, summary, timeline)

    return LifecycleReport(
        certificates=certificates_mapping(
            states, lambda key: summary_of(states[key], strings), history
        ),
        authorities=authorities,
        anomalies=tuple(anomalies),
        crl_failures=tuple(crl),
        duplicates=data.delivered - kept,
        unkeyed=tuple(unkeyed),
        ignored=data.ignored,
        unknown_types=dict(sorted(data.unknown.items())),
        scope_mappings=mappings,
        late=late,
    )


def _with_scopes(history: CaHistory, scopes: tuple[str, ...]) -> CaHistory:
    return replace(history, scopes=scopes)

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..models.details import ExpirationUrgency
from ..models.log_event import SUCCESS_RESULTS
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
from ._records import CA, CERT, CRL, Record, datetime_of, record_signature, succeeded
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
from ._store import Packed, Strings, packed_id, records, sort_key, unpack, uuid_id

__all__ = ["Deliveries", "fold"]


@dataclass
class Deliveries:
    """Everything fed so far, as stored: the multiset of deliveries, compactly."""

    strings: Strings = field(default_factory=Strings)
    certs: dict[str, bytes] = field(default_factory=dict)
    """Certificate key -> its packed records, as delivered."""
    odd_keys: set[str] = field(default_factory=set)
    """Certificates holding a non-canonical uuid (sorted by text, not bytes)."""
    others: list[Record] = field(default_factory=list)
    """CA events, CRL failures and certificate events without a key."""
    delivered: int = 0
    """Records delivered (PKI events of known types)."""
    ignored: int = 0
    unknown: dict[str, int] = field(default_factory=dict)


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
    else:
        text = (
            f"{kind.value}: event {item.uuid} ({item.event_type}) met {subject} {key!r} "
            f"in state {state or 'new'}"
        )
    return LifecycleAnomaly(kind, subject, key, item, state, text)


def _table_size(count: int) -> int:
    size = 1 << 16
    while size < 16 * count and size < 1 << 26:
        size <<= 1
    return size


def _contested(
    data: Deliveries,
) -> tuple[dict[bytes, Record], list[Record]]:
    """Uuids delivered with different contents: uuid id -> the copy applied; and the others."""
    strings = data.strings
    other_ids = [uuid_id(r.uuid, strings) for r in data.others]
    size = _table_size(data.delivered)
    mask = size - 1
    counts = bytearray(size)

    def ids() -> Iterable[bytes]:
        for blob in data.certs.values():
            for at in range(8, len(blob), 38):
                yield blob[at : at + 17]
        yield from other_ids

    for uid in ids():
        slot = hash(uid) & mask
        if counts[slot] < 2:
            counts[slot] += 1
    repeated: dict[bytes, set[Record]] = {}
    for key, blob in data.certs.items():
        for at in range(8, len(blob), 38):
            uid = blob[at : at + 17]
            if counts[hash(uid) & mask] >= 2:
                item: Packed = next(records(blob[at - 8 : at + 30]))
                repeated.setdefault(uid, set()).add(unpack(item, key, strings))
    for uid, record in zip(other_ids, data.others, strict=True):
        if counts[hash(uid) & mask] >= 2:
            repeated.setdefault(uid, set()).add(record)
    del counts
    winners: dict[bytes, Record] = {}
    losers: list[Record] = []
    for uid, copies in repeated.items():
        if len(copies) > 1:
            ordered = sorted(copies, key=record_signature)
            winners[uid] = ordered[0]
            losers.extend(ordered[1:])
    return winners, losers


def _sorted_items(key: str, blob: bytes, data: Deliveries) -> list[Packed]:
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


def fold_certificate(
    key: str,
    items: list[Packed],
    strings: Strings,
    anomalies: list[LifecycleAnomaly],
    timeline: list[TimelineEntry] | None = None,
) -> CertificateSummary:
    """Fold one certificate's sorted, deduplicated records (the hot loop: integer codes)."""
    values = strings.values
    success = SUCCESS_RESULTS
    state = 0
    started = complete = False
    device = 0
    issued: int | None = None
    renewals = found = 0
    for item in items:
        published, _, _, code, outcome_at, device_at, _ = item
        outcome = values[outcome_at]
        if outcome is not None and outcome not in success:
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
            issued = published
        elif code == RENEW:
            renewals += 1
        if device_at and (code == BIND or not device):
            device = device_at
        if timeline is not None:
            record = unpack(item, key, strings)
            timeline.append(entry(record, True, STATE_VALUES[state], STATE_VALUES[new]))
        state = new
    bias = 1 << 63
    return CertificateSummary(
        CERT_STATES[state],
        values[device],
        datetime_of(issued - bias) if issued is not None else None,
        datetime_of(items[-1][0] - bias),
        renewals,
        complete,
        len(items),
        found,
    )


def _fold_ca(key: str, items: list[Record], anomalies: list[LifecycleAnomaly]) -> CaHistory:
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


def fold(data: Deliveries, *, strict: bool = False, late: int = 0) -> LifecycleReport:
    """The report of everything delivered (exact mode)."""
    winners, losers = _contested(data)
    strings = data.strings
    anomalies: list[LifecycleAnomaly] = []
    for record in losers:  # already in signature order per uuid
        subject = CERT if record.kind != CA else CA
        key = record.key or (record.ca_ids[0] if record.ca_ids else "")
        made = entry(record, False, None, None)
        anomalies.append(anomaly(AnomalyKind.CONFLICTING_DUPLICATE, subject, key, made, None))
    kept = 0
    summaries: dict[str, CertificateSummary] = {}
    certs = data.certs
    for key in sorted(certs):
        items = _kept(key, _sorted_items(key, certs[key], data), winners, strings)
        if items:
            kept += len(items)
            summaries[key] = fold_certificate(key, items, strings, anomalies)
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
    authorities = {key: _fold_ca(key, per_ca[key], anomalies) for key in sorted(per_ca)}
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
        summary = fold_certificate(key, items, strings, [], timeline)
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

    return LifecycleReport(
        certificates=certificates_mapping(summaries, history),
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

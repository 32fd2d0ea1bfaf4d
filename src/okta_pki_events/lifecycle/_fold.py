"""The exact fold: conflict resolution over all deliveries, then sort-then-fold per key.

1. Copies of one uuid: a first pass counts uuid fingerprints in a small table; a second pass
   gathers the uuids seen more than once (exactly, by their bytes) and, among copies with
   different content, keeps the one with the smallest ``record_signature``. Memory stays
   bounded by the table and the repeated uuids, not by all events.
2. Per certificate, the packed records are sorted by (``published``, ``uuid``), exact copies
   dropped (they sort next to each other), and folded through ``NEXT``, an integer table.
3. CA events per CA through ``CA_TRANSITIONS``; scope mapping updates globally.

With numpy (the ``fast`` extra), steps 1 and 2 run in bulk for the plain certificates
(``_vector.fold_plain``: uuid hashes sorted instead of the fingerprint table, every plain
certificate folded at once); the others take this module's loop (``_fold_all``).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress, repeat
from operator import is_

from ..models.details import ExpirationUrgency
from . import _vector
from ._machine import (
    CA_ROWS,
    CERT_STATES,
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
    COMPLETE,
    DEVICE,
    ISSUED,
    SIZE,
    STARTED,
    STATE,
    UNPACK_ONE,
    UUID_AT,
    UUID_END,
    Packed,
    Strings,
    iter_unpack,
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
    delivered_others: int = 0
    """Records delivered other than certificate records with a key (CA events, ...)."""
    ignored: int = 0
    unknown: dict[str, int] = field(default_factory=dict)

    @property
    def delivered(self) -> int:
        """Records delivered (PKI events of known types): the stored ones, and the others.

        Counted from what is stored (each certificate record is ``SIZE`` bytes), not on each
        delivery: the hot path does not count.
        """
        return sum(map(len, self.certs.values())) // SIZE + self.delivered_others

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


@dataclass(frozen=True)
class Fingerprints:
    """The slots of uuid hashes that more than one delivery fell in.

    About 16 slots per delivery. A record whose uuid's slot is not in ``repeated`` was
    the only delivery of its uuid, exactly; the others (the copies, and about 6% of the
    rest) are set aside while they are folded and checked exactly after. Built at
    ``report()`` and dropped after it: the tracker keeps nothing per delivery for it.
    """

    repeated: frozenset[int]
    mask: int
    slots: array[int]
    """The slot of each certificate record, in the order of ``Deliveries.certs`` (a
    certificate none of whose slots repeats is folded without looking at its uuids)."""
    delivered: int
    """The deliveries counted (``Deliveries.delivered``)."""

    @classmethod
    def of(cls, data: Deliveries) -> Fingerprints:
        """Count every delivery of ``data``."""
        delivered = data.delivered
        size = _SMALLEST
        while size < 16 * delivered and size < _LARGEST:
            size <<= 1
        seen = bytearray(size)
        mask = size - 1
        repeated: set[int] = set()
        slots = array("I")
        note = slots.append
        for stored in data.certs.values():
            for (uid,) in _UUIDS.iter_unpack(stored):
                slot = hash(uid) & mask
                note(slot)
                if seen[slot]:
                    repeated.add(slot)
                else:
                    seen[slot] = 1
        for record in data.others:
            slot = hash(uuid_id(record.uuid, data.strings)[: ID_SIZE - 1]) & mask
            if seen[slot]:
                repeated.add(slot)
            else:
                seen[slot] = 1
        return cls(frozenset(repeated), mask, slots, delivered)


@dataclass
class Suspects:
    """The records whose fingerprint repeats, as the fold meets them (exact copies dropped).

    Only their uuid ids and certificate keys are kept: most were delivered once.
    """

    first: dict[bytes, str] = field(default_factory=dict)
    """uuid id -> the certificate of its first record met."""
    more: dict[bytes, set[str]] = field(default_factory=dict)
    """uuid id -> the certificates of its records, for uuids met in more than one record."""

    def add(self, uid: bytes, key: str) -> None:
        """Note a record: its uuid id and certificate."""
        first = self.first.get(uid)
        if first is None:
            self.first[uid] = key
        else:
            self.more.setdefault(uid, {first}).add(key)

    def keys(self, uid: bytes) -> set[str]:
        """The certificates holding a record of this uuid id."""
        found = self.more.get(uid)
        if found is not None:
            return found
        first = self.first.get(uid)
        return set() if first is None else {first}


_NO_SUSPECTS = Suspects()
_EVERY = frozenset({0})
"""The repeated slots of a check whose mask is 0: every record is in slot 0 (noted)."""
_UUIDS = struct.Struct(f"{UUID_AT}x{ID_SIZE - 1}s{SIZE - UUID_END + 1}x")
"""The uuid bytes of each packed record (``hash`` of them: a record's fingerprint)."""


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


def _contested(
    data: Deliveries, suspects: Suspects
) -> tuple[dict[bytes, Record], list[Record], set[str]]:
    """Copies of a uuid with different contents, resolved.

    Returns uuid id -> the copy applied; the copies not applied; and the certificates
    holding a copy of such a uuid. Every copy of a uuid delivered twice is in ``others`` or
    in ``suspects``.
    """
    strings = data.strings
    repeated: dict[bytes, set[Record]] = {}
    for record in data.others:
        repeated.setdefault(uuid_id(record.uuid, strings), set()).add(record)
    contested = set(suspects.more).union(uid for uid in repeated if uid in suspects.first)
    for uid in contested:
        copies = repeated.setdefault(uid, set())
        for key in suspects.keys(uid):
            copies.update(
                unpack(item, key, strings)
                for item in records(data.certs[key])
                if packed_id(item) == uid
            )
    winners: dict[bytes, Record] = {}
    losers: list[Record] = []
    for uid, copies in repeated.items():
        if len(copies) > 1:
            ordered = sorted(copies, key=record_signature)
            winners[uid] = ordered[0]
            losers.extend(ordered[1:])
    touched = {key for uid in winners for key in suspects.keys(uid)}
    return winners, losers, touched


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


STATE_SIZE = STATE.size
_EVENTS = struct.Struct(f">{STATE_SIZE - 8}xI4x").unpack
"""The ``events`` count of a compact state."""


def fold_certificate(
    key: str,
    items: list[Packed],
    strings: Strings,
    anomalies: list[LifecycleAnomaly],
    timeline: list[TimelineEntry] | None = None,
    start: bytes | None = None,
) -> bytes:
    """Fold one certificate's sorted records (the hot loop: integer codes).

    The records hold one copy of each uuid (the callers drop copies first: ``_kept``, the
    window's winners). Returns the certificate's compact state (``summary_of`` reads it);
    ``start`` continues from an earlier state (windowed mode applies a certificate's events
    in batches).
    """
    return _fold(key, items, strings, anomalies, timeline, start, None, _NO_SUSPECTS)


def _fold(
    key: str,
    items: list[Packed],
    strings: Strings,
    anomalies: list[LifecycleAnomaly],
    timeline: list[TimelineEntry] | None,
    start: bytes | None,
    check: Fingerprints | None,
    suspects: Suspects,
) -> bytes:
    """``fold_certificate``, and the check of exact mode's report.

    With ``check``: exact copies (adjacent once sorted) are applied once, and each record
    whose uuid may have been delivered twice is noted in ``suspects`` (the caller folds its
    certificate again if a copy was not applied). Without it the records hold no copies (a
    certificate none of whose fingerprint slots repeats holds none).
    """
    if start is None:
        state = flags = device = renewals = events = found = issued = last = 0
    else:
        state, flags, device, issued, last, renewals, events, found = STATE.unpack(start)
    complete = flags & COMPLETE
    if check is not None:
        repeated, mask = check.repeated, check.mask
    previous = None
    copies = 0
    for item in items:
        if check is not None:  # exact copies (adjacent) share a uuid: its slot repeats
            if item == previous:
                copies += 1
                continue
            previous = item
            if hash(item[1]) & mask in repeated:
                suspects.add(packed_id(item), key)
        if item[4] & 1:  # not applied (``succeeded`` said so when it was packed)
            if timeline is not None:
                value = STATE_VALUES[state]
                timeline.append(entry(unpack(item, key, strings), False, value, value))
            continue
        code = item[3]  # the fields read as needed: most of them are not
        new = NEXT[code][state]  # state 0: not seen before (its first applied event)
        if new < 0:
            found += 1
            value = STATE_VALUES[state]
            made = entry(unpack(item, key, strings), False, value, value)
            anomalies.append(anomaly(AnomalyKind.ILLEGAL_TRANSITION, CERT, key, made, value))
            if timeline is not None:
                timeline.append(made)
            continue
        if code <= RENEW:  # ISSUE, BIND, RENEW: what else they do
            if not state:
                complete = code == ISSUE
            if code == ISSUE:
                issued, flags = item[0], flags | ISSUED
            elif code == RENEW:
                renewals += 1
            elif item[5]:  # a bind names the device
                device = item[5]
        elif not state:
            complete = False
        if not device:
            device = item[5]
        if timeline is not None:
            record = unpack(item, key, strings)
            timeline.append(entry(record, True, STATE_VALUES[state], STATE_VALUES[new]))
        state = new
    if items:
        last = items[-1][0]
    flags = flags & ISSUED | (state > 0) * STARTED | (COMPLETE if complete else 0)
    events += len(items) - copies
    return STATE.pack(state, flags, device, issued, last, renewals, events, found)


def state_to_text(packed: bytes, strings: Strings) -> bytes:
    """A state whose device is an index of ``strings``, with the device's text inside.

    Windowed mode keeps states this way: no table of every device ever seen.
    """
    state, flags, device, *rest = STATE.unpack(packed)
    text: str | None = strings.values[int(device)]
    if text is None:
        return packed
    head: bytes = STATE.pack(state, flags | DEVICE, 0, *rest)
    return head + text.encode("utf-8")


def state_from_text(blob: bytes, strings: Strings) -> bytes:
    """The inverse of ``state_to_text``: the device interned into ``strings``."""
    state, flags, _, *rest = STATE.unpack_from(blob)
    if not flags & DEVICE:
        return blob
    device = strings.add(blob[STATE_SIZE:].decode("utf-8"))
    return STATE.pack(state, flags & ~DEVICE, device, *rest)


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
    state, flags, device, issued, last, renewals, events, found = STATE.unpack_from(packed)
    return CertificateSummary(
        CERT_STATES[state],
        packed[STATE_SIZE:].decode("utf-8") if flags & DEVICE else strings.values[device],
        datetime_of(issued) if flags & ISSUED else None,
        datetime_of(last),
        renewals,
        bool(flags & COMPLETE),
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
    """Each certificate's compact state; their anomalies; the records kept.

    Copies of a uuid are resolved by ``winners`` (uuid id -> the copy applied).
    """
    states: dict[str, bytes] = {}
    anomalies: list[LifecycleAnomaly] = []
    kept = _fold_keys(data, list(data.certs), winners, states, anomalies)
    return states, anomalies, kept


def _fold_keys(
    data: Deliveries,
    keys: list[str],
    winners: Mapping[bytes, Record],
    states: dict[str, bytes],
    anomalies: list[LifecycleAnomaly],
) -> int:
    """Fold the certificates of ``keys`` (copies resolved by ``winners``) into ``states``."""
    strings = data.strings
    kept = 0
    for key in keys:
        items = _kept(key, _sorted_items(key, data.certs[key], data), winners, strings)
        if items:
            kept += len(items)
            states[key] = fold_certificate(key, items, strings, anomalies)
    return kept


def _fold_all(
    data: Deliveries,
    certs: Mapping[str, bytes | bytearray],
    check: Fingerprints,
    states: dict[str, bytes],
    anomalies: list[LifecycleAnomaly],
    suspects: Suspects,
) -> int:
    """Fold the certificates of ``certs`` (``data``'s, or some of them); the records kept.

    Notes the records whose fingerprint repeats (``check.slots``: one per record of
    ``certs``, in order).
    """
    strings = data.strings
    odd = data.odd_keys
    one = UNPACK_ONE
    # the records whose slot repeats, flagged in one pass: a certificate is suspect when the
    # next flagged record is one of its own (for most certificates, one comparison)
    flagged = bytes(map(check.repeated.__contains__, check.slots))
    kept = last = len(flagged)
    flag = flagged.find(1)
    if flag < 0:
        flag = last
    at = 0
    for key, blob in certs.items():
        if len(blob) == SIZE:
            items = [one(blob)]
            at += 1
        else:
            items = sorted(iter_unpack(blob))
            if key in odd:
                items.sort(key=sort_key(strings))
            at += len(items)
        if flag < at:  # a record of it may have been delivered more than once
            folded = states[key] = _fold(
                key, items, strings, anomalies, None, None, check, suspects
            )
            kept -= len(items) - _EVENTS(folded)[0]  # exact copies (adjacent) kept once
            flag = flagged.find(1, at)
            if flag < 0:
                flag = last
        else:  # no copies: every record is kept
            states[key] = _fold(key, items, strings, anomalies, None, None, None, suspects)
    return kept


def _fold_bulk(
    data: Deliveries,
    states: dict[str, bytes],
    anomalies: list[LifecycleAnomaly],
    suspects: Suspects,
) -> int:
    """``_fold_all``, the plain certificates folded in bulk (``_vector``); the records kept.

    The others are folded by ``_fold_all``, under a check that notes in ``suspects`` each
    record of a certificate whose uuid hash repeats (slot 0, the one slot that repeats, and
    a mask of 0: each of its records is noted), and no record of the other certificates.
    """
    certs = data.certs
    ids = [uuid_id(record.uuid, data.strings) for record in data.others]
    plain, suspect = _vector.fold_plain(certs, ids, data.odd_keys)
    states.update(zip(certs, plain, strict=True))  # type: ignore[arg-type]  # None: replaced below
    gone = list(map(is_, plain, repeat(None)))  # left to Python (C-level: most are plain)
    left = {key: certs[key] for key in compress(certs, gone)}
    slots = array("I")
    for blob, maybe in zip(left.values(), compress(suspect, gone), strict=True):
        slots.extend(repeat(0 if maybe else 1, len(blob) // SIZE))
    folded = data.delivered - data.delivered_others - len(slots)  # the plain ones: all kept
    return folded + _fold_all(
        data, left, Fingerprints(_EVERY, 0, slots, 0), states, anomalies, suspects
    )


def fold(data: Deliveries, *, strict: bool = False, late: int = 0) -> LifecycleReport:
    """The report of everything delivered (exact mode)."""
    strings = data.strings
    certs = data.certs
    states: dict[str, bytes] = {}
    anomalies: list[LifecycleAnomaly] = []
    suspects = Suspects()
    delivered = data.delivered
    if data.certs and _vector.pays(delivered - data.delivered_others):
        kept = _fold_bulk(data, states, anomalies, suspects)
    else:
        kept = _fold_all(data, data.certs, Fingerprints.of(data), states, anomalies, suspects)
    winners, losers, touched = _contested(data, suspects)
    if touched:  # folded again without the copies not applied
        anomalies[:] = [a for a in anomalies if a.key not in touched]
        for key in touched:
            kept -= _EVENTS(states.pop(key))[0]
        kept += _fold_keys(data, list(touched), winners, states, anomalies)
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
        duplicates=delivered - kept,
        unkeyed=tuple(unkeyed),
        ignored=data.ignored,
        unknown_types=dict(sorted(data.unknown.items())),
        scope_mappings=mappings,
        late=late,
    )


def _with_scopes(history: CaHistory, scopes: tuple[str, ...]) -> CaHistory:
    return replace(history, scopes=scopes)

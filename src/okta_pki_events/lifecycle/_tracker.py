"""The trackers: feed events one at a time (or in bulk); ask for the report at any time.

Exact mode (the default) keeps every delivery compactly and folds at ``report()``. Windowed
mode (``window=timedelta(...)``) applies certificate events once they are older than the
newest seen minus the window: memory follows certificates, not events.
"""

from __future__ import annotations

import dataclasses
import heapq
import inspect
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from itertools import chain
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic_core import TzInfo

from .._gc import gc_paused
from ..models.events import BasePkiEvent
from ..models.log_event import LogEvent
from ._fold import (
    GROW,
    Deliveries,
    anomaly,
    conflict,
    fold,
    fold_ca,
    fold_certificate,
    history_of,
    state_from_text,
    state_to_text,
    summary_of,
)
from ._machine import TYPE_CODE, AnomalyKind
from ._records import (
    CA,
    CERT,
    CERT_TARGET,
    DEVICE_TARGET,
    EPOCH,
    KIND_OF_CLASS,
    TARGET_CODES,
    KeyFunction,
    LifecycleRecord,
    Record,
    cert_and_device,
    cert_fields,
    certificate_key,
    kind_of,
    kind_of_class,
    micros_of,
    record_of,
    record_signature,
)
from ._report import (
    CertificateHistory,
    LifecycleAnomaly,
    LifecycleError,
    LifecycleReport,
    TimelineEntry,
    certificates_mapping,
)
from ._store import PACK as _PACK
from ._store import (
    UNPACK_ONE,
    Packed,
    Strings,
    pack,
    records,
    unpack,
    uuid_bytes,
)

__all__ = ["LifecycleChange", "LifecycleTracker", "build_lifecycles", "merge"]

_FIXED = (timezone, TzInfo)
"""``tzinfo`` types of one fixed offset (pydantic's, the standard library's): within one,
the difference of two instants is the difference of their wall clocks."""


_INSTANCE_DICT = BaseModel.__dict__["__dict__"]
"""The descriptor of a model's instance dict (lazy events replace it: they keep theirs sparse)."""
_RAW = _INSTANCE_DICT.__get__
"""A model's instance dict, through the descriptor itself: a model class defines
``__getattr__``, so each attribute read (``event.uuid``, ``event.__dict__``) goes through the
type's attribute hook, which Python 3.11 does not specialise; this call does not."""
_PLAIN, _ATTRS = 2, 1
_HOW: dict[type, int] = {}
"""Per event class, how ``feed``'s hot path reads a certificate event: ``_PLAIN`` from the
instance dict, ``_ATTRS`` attribute by attribute, 0 not at all (not a certificate event)."""


def _how(cls: type) -> int:
    """``_HOW``'s answer for a class (cached, bounded)."""
    how = 0
    if KIND_OF_CLASS.get(cls, kind_of_class(cls)) is CERT:
        plain = (
            inspect.getattr_static(cls, "__dict__", None) is _INSTANCE_DICT
            and cls.__getattribute__ is object.__getattribute__  # type: ignore[comparison-overlap]
        )
        how = _PLAIN if plain else _ATTRS
    if len(_HOW) < 4096:
        _HOW[cls] = how
    return how


def _fields_of(event: LogEvent) -> dict[str, Any]:
    """The fields the hot path reads, by name, read one by one."""
    return {
        "target": event.target,
        "published": event.published,
        "outcome": event.outcome,
        "actor": event.actor,
        "uuid": event.uuid,
        "event_type": event.event_type,
    }


class LifecycleChange(NamedTuple):
    """One thing the windowed tracker applied (or refused), as it happened."""

    subject: str
    """``certificate`` or ``certificate_authority``."""
    key: str
    """The certificate key, or the CA's id (a scope mapping update: one change per CA)."""
    entry: TimelineEntry
    """The event, with the state it met and the state it left (``applied`` says which)."""
    anomaly: LifecycleAnomaly | None
    """The anomaly it raised, if any (illegal transition, conflicting copy, late event)."""


ChangeCallback = Callable[[LifecycleChange], None]


class LifecycleTracker:
    """An incremental lifecycle builder for services that see events one at a time.

    ``feed`` events as they arrive, in any order, duplicates included; ``report()`` gives
    the lifecycle of everything fed so far.

    - Exact mode (default): the report is exactly ``build_lifecycles`` of the same events,
      whatever their arrival order. It keeps a packed record of 58 bytes per certificate
      event (not the event).
    - Windowed mode (``window=timedelta(minutes=15)``): a certificate event is applied once
      it is older than the newest ``published`` seen minus the window, in (published, uuid)
      order; memory follows certificates, and the histories carry counts, not timelines. It
      equals exact mode when disorder and redelivery delays stay within the window; an event
      older than what was already applied is counted in ``report.late`` and reported as a
      ``late_event`` anomaly, never applied out of order. ``on_change`` (or ``follow()``)
      learns each transition and anomaly of certificates and CAs as it is applied. CA
      events, CRL failures and unkeyed events are few: the report keeps them and folds
      them exactly at ``report()``.

    ``snapshot()`` and ``LifecycleTracker.restore()`` carry a tracker across restarts;
    ``merge()`` combines trackers fed with disjoint parts of the events (exact ones, or
    windowed ones partitioned by certificate key).
    """

    def __init__(
        self,
        *,
        key: KeyFunction = certificate_key,
        strict: bool = False,
        window: timedelta | None = None,
        on_change: ChangeCallback | None = None,
    ) -> None:
        """Set the key function, strictness, the window (None: exact) and the consumer."""
        if window is not None and window < timedelta(0):
            raise ValueError(f"window must not be negative, got {window}")
        if on_change is not None and window is None:
            raise ValueError("on_change needs a window: exact mode applies nothing until report()")
        self._key = key
        self._strict = strict
        self._data = Deliveries()
        self._shared = False
        self._window: _Window | None = None
        self._fast = window is None and key is certificate_key
        """Whether ``feed`` may take its hot path (exact mode, the default key)."""
        self._zone: object = timezone.utc
        self._epoch = EPOCH
        """The last fixed-offset ``tzinfo`` seen, and the epoch written in it: a ``published``
        in it is an instant minus another with one tzinfo, no offsets computed."""
        if window is not None:
            micros = window // timedelta(microseconds=1)
            self._window = _Window(self._data.strings, micros, on_change)

    @property
    def window(self) -> timedelta | None:
        """The window of windowed mode; None in exact mode."""
        return None if self._window is None else timedelta(microseconds=self._window.span)

    def feed(self, event: LogEvent) -> None:
        """Take one parsed event (non-PKI events are counted and ignored)."""
        how = _HOW.get(type(event))
        if how is None:
            how = _how(type(event))
        if how and self._fast:
            # The hot path (exact mode, the default key): ``cert_fields``' rule inline (a
            # property test holds them equal). An event without a certificate takes the
            # general path below.
            # the fields: from the instance dicts (``_RAW``: no attribute hook), or read one by
            # one where the class keeps them elsewhere (lazy events: their dict is sparse)
            fields = _RAW(event) if how is _PLAIN else _fields_of(event)
            targets = fields["target"]
            codes = TARGET_CODES
            if (
                targets is not None
                and len(targets) == 2
                and codes.get((first := _RAW(targets[0]))["type"]) == CERT_TARGET
                and codes.get((second := _RAW(targets[1]))["type"]) == DEVICE_TARGET
            ):  # the usual event: its certificate, then its device
                cert_id, device_id = first["id"], second["id"]
            else:
                cert_id, device_id = cert_and_device(targets or ())
            if cert_id is not None:
                published = fields["published"]
                outcome = fields["outcome"]
                actor = fields["actor"]
                uuid = fields["uuid"]
                if published.tzinfo is self._zone:  # ``micros_of``, without the offsets
                    delta = published - self._epoch
                    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
                else:
                    micros = self._micros(published)
                result = _RAW(outcome)["result"] if outcome is not None else None
                if actor is not None:
                    got = _RAW(actor)
                    who = got["alternate_id"] or got["id"]
                else:
                    who = None
                # ``_add``, inline: the call is 3% of this path in the stream (RESULTS.md, 17:40
                # UTC); a property test holds the records stored the same as ``_add``'s
                data = self._data
                if self._shared:  # a report holds the current dict: copy on write
                    data.certs = dict(data.certs)
                    self._shared = False
                strings = data.strings
                if len(uuid) == 36 and uuid.isascii():
                    raw, odd = uuid.encode("ascii"), False
                else:
                    raw, odd = uuid_bytes(uuid, strings)
                    data.odd_keys.add(cert_id)
                code = strings.outcomes.get(result)
                if code is None:
                    code = strings.outcome(result)
                index = strings.index
                device = 0
                if device_id is not None:
                    device = index.get(device_id) or strings.add(device_id)
                packed = _PACK(
                    micros,
                    raw,
                    odd,
                    TYPE_CODE[fields["event_type"]],
                    code,
                    device,
                    (index.get(who) or strings.add(who)) if who is not None else 0,
                )
                certs = data.certs
                blob = certs.get(cert_id)
                if blob is None:
                    certs[cert_id] = packed
                elif type(blob) is bytes and len(blob) < GROW:
                    certs[cert_id] = blob + packed
                else:
                    data.append(cert_id, packed)
                return
        if self._window is None and kind_of(event) is CERT:  # no Record built
            row = cert_fields(event, self._key)
            if row[4] is not None:
                self._add(*row)  # type: ignore[arg-type]  # the key is not None
                return
        record = record_of(event, self._key)
        if record is not None:
            self.feed_record(record)
        elif isinstance(event, BasePkiEvent):
            unknown = self._data.unknown
            unknown[event.event_type] = unknown.get(event.event_type, 0) + 1
        else:
            self._data.ignored += 1

    def _micros(self, published: datetime) -> int:
        """``micros_of(published)``; a fixed offset is remembered for the hot path."""
        zone = published.tzinfo
        if type(zone) in _FIXED:
            self._zone, self._epoch = zone, EPOCH.astimezone(zone)
        return micros_of(published)

    def feed_all(self, events: Iterable[LogEvent]) -> LifecycleTracker:
        """Feed every event of an iterable; returns the tracker."""
        feed = self.feed
        for event in events:
            feed(event)
        return self

    def feed_record(self, record: LifecycleRecord) -> None:
        """Take one record (what ``record_of``, ``lifecycles_from`` and the engines give)."""
        data = self._data
        key = record.key
        if record.kind != CERT or key is None:
            data.delivered_others += 1
            data.others.append(record)
            if self._window is not None and record.kind == CA and record.ca_ids:
                self._window.feed_ca(record)
            return
        if self._window is not None:
            self._window.feed(record)
            return
        self._add(*record[1:8])  # type: ignore[arg-type]

    def _add(
        self,
        published: int,
        uuid: str,
        event_type: str,
        outcome: str | None,
        key: str,
        device_id: str | None,
        actor: str | None,
    ) -> None:
        """Store one certificate record, packed (exact mode): ``pack_fields``, inline.

        Every certificate record stored takes this path but those of ``feed``'s hot path,
        which holds a copy of it inline (a property test holds the two equal).
        """
        data = self._data
        if self._shared:  # a report holds the current dict: copy on write
            data.certs = dict(data.certs)
            self._shared = False
        strings = data.strings
        if len(uuid) == 36 and uuid.isascii():
            raw, odd = uuid.encode("ascii"), False
        else:
            raw, odd = uuid_bytes(uuid, strings)
            data.odd_keys.add(key)
        code = strings.outcomes.get(outcome)
        if code is None:
            code = strings.outcome(outcome)
        index = strings.index
        packed = _PACK(
            published,
            raw,
            odd,
            TYPE_CODE[event_type],
            code,
            (index.get(device_id) or strings.add(device_id)) if device_id is not None else 0,
            (index.get(actor) or strings.add(actor)) if actor is not None else 0,
        )
        certs = data.certs
        blob = certs.get(key)
        if blob is None:
            certs[key] = packed
        elif type(blob) is bytes and len(blob) < GROW:
            certs[key] = blob + packed
        else:
            data.append(key, packed)

    def follow(self, events: Iterable[LogEvent]) -> Iterator[LifecycleChange]:
        """Feed ``events`` and yield each change as it is applied; flush at the end."""
        window = self._require_window("follow()")
        buffer: list[LifecycleChange] = []
        previous, window.on_change = window.on_change, buffer.append
        try:
            for event in events:
                self.feed(event)
                if buffer:
                    yield from buffer
                    buffer.clear()
            window.release(None)
            yield from buffer
        finally:
            window.on_change = previous

    def flush(self) -> None:
        """Windowed mode: apply every pending event now (at the end of a stream)."""
        self._require_window("flush()").release(None)

    def _require_window(self, what: str) -> _Window:
        if self._window is None:
            raise ValueError(f"{what} needs a window (windowed mode)")
        return self._window

    def report(self) -> LifecycleReport:
        """The lifecycle report of everything fed so far."""
        self._shared = True
        self._data.freeze()
        if self._window is None:
            return fold(self._data, strict=self._strict)
        report = self._window.report(fold(self._data))
        if self._strict and report.anomalies:
            raise LifecycleError(report.anomalies[0])
        return report

    def snapshot(self) -> bytes:
        """The tracker's state as versioned bytes, for ``LifecycleTracker.restore``."""
        from ._snapshot import dump

        return dump(self._data, self._window, self._strict)

    @classmethod
    def restore(
        cls,
        data: bytes,
        *,
        key: KeyFunction = certificate_key,
        on_change: ChangeCallback | None = None,
    ) -> LifecycleTracker:
        """A tracker from ``snapshot()`` bytes (``key`` and ``on_change`` are not saved)."""
        from ._snapshot import load

        deliveries, window, strict = load(data)
        tracker = cls(key=key, strict=strict)
        tracker._data = deliveries
        if window is not None:
            window.on_change = on_change
            tracker._window = window
            tracker._fast = False
        elif on_change is not None:
            raise ValueError("on_change needs a window: the snapshot is of exact mode")
        return tracker


def merge(*trackers: LifecycleTracker) -> LifecycleTracker:
    """One tracker holding everything the given trackers were fed (all exact, or all windowed).

    Exact trackers: for any partition of the events, ``merge(t1, ..., tn).report() ==
    build_lifecycles(all events)``.

    Windowed trackers (one window): each certificate's state must come from one of them
    (partition the events by certificate key; CA events, CRL failures and unkeyed events
    anywhere), else ``ValueError``. The merged tracker holds the union (its pending events
    too: it goes on as one windowed tracker) and its report equals the report of one windowed
    tracker fed all the events, under the condition that makes windowed mode exact: disorder
    and redelivery delays within the window in every part. Two limits of a partition remain:
    lateness is judged within each part (an event late for its own part only is applied, as
    the exact report would), and a uuid redelivered under another certificate key lands in
    another part, where it is applied too rather than reported as a conflicting copy.
    """
    windowed = [t for t in trackers if t._window is not None]
    if windowed:
        spans = {t._window.span for t in windowed if t._window is not None}
        if len(windowed) != len(trackers) or len(spans) != 1:
            raise ValueError(
                "merge() takes trackers of one mode: all exact, or all windowed with one window"
            )
        return _merge_windowed(trackers, spans.pop())
    merged = LifecycleTracker(
        key=trackers[0]._key if trackers else certificate_key,
        strict=any(t._strict for t in trackers),
    )
    target = merged._data
    for tracker in trackers:
        data = tracker._data
        for key, blob in data.certs.items():
            for item in records(blob):
                merged.feed_record(unpack(item, key, data.strings))
        for record in data.others:
            merged.feed_record(record)
        _add_counts(target, data)
    return merged


def _add_counts(target: Deliveries, data: Deliveries) -> None:
    target.ignored += data.ignored
    for name, count in data.unknown.items():
        target.unknown[name] = target.unknown.get(name, 0) + count


def _merge_windowed(trackers: tuple[LifecycleTracker, ...], span: int) -> LifecycleTracker:
    merged = LifecycleTracker(
        key=trackers[0]._key,
        strict=any(t._strict for t in trackers),
        window=timedelta(microseconds=span),
    )
    window = merged._window
    assert window is not None
    data = merged._data
    cas: list[Record] = []
    for tracker in trackers:
        part = tracker._window
        assert part is not None
        for record in tracker._data.others:  # kept exactly: the report folds them at the end
            data.delivered_others += 1
            data.others.append(record)
        cas.extend(part.cas.told.values())
        for uuid, copies in part.cas.pending.items():
            mine = window.cas.pending.setdefault(uuid, [])
            mine.extend(c for c in copies if c not in mine)
        _add_counts(data, tracker._data)
        for key, state in part.states.items():
            if key in window.states:
                raise ValueError(
                    f"certificate {key!r} was folded by two of the windowed trackers: "
                    "partition their events by certificate key"
                )
            window.states[key] = state
        for uuid, copies in part.pending.items():
            mine = window.pending.setdefault(uuid, [])
            mine.extend(c for c in copies if c not in mine)
        window.recent.update(part.recent)
        window.applied.extend(part.applied)
        window.anomalies.extend(part.anomalies)
        window.late += part.late
        window.duplicates += part.duplicates
        window.delivered += part.delivered
        window.newest = _greatest(window.newest, part.newest)
        window.released = _greatest(window.released, part.released)
        if part.last is not None and (window.last is None or part.last > window.last):
            window.last = part.last
    window.index_pending()
    window.applied = deque(sorted(window.applied))
    for record in sorted(cas, key=lambda r: (r.published, r.uuid)):  # the consumer's place
        window.cas.apply(record)
    return merged


def _greatest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


class _Window:
    """Windowed certificate state: compact per certificate, pending events within the window."""

    def __init__(self, strings: Strings, span: int, on_change: ChangeCallback | None) -> None:
        self.strings = strings
        self.span = span
        self.on_change = on_change
        self.states: dict[str, bytes] = {}
        self.heap: list[tuple[int, str]] = []
        self.pending: dict[str, list[Record]] = {}
        self.many: dict[str, set[Record]] = {}
        """uuid -> the set of its pending copies, once they are many (``_known``)."""
        self.recent: dict[str, Record] = {}
        self.applied: deque[tuple[int, str]] = deque()
        self.newest: int | None = None
        self.late = 0
        self.duplicates = 0
        self.delivered = 0
        self.anomalies: list[LifecycleAnomaly] = []
        self.shared = False
        self.step = span // 8
        """Release in batches: when the window's edge moved this far (an eighth of it)."""
        self.released: int | None = None
        """The edge of the last release: everything older was applied."""
        self.last: tuple[int, str] | None = None
        """(published, uuid) of the last event applied: anything older is late."""
        self.cas = _CaFeed()
        """CA events for the consumer, in the same order."""

    def feed_ca(self, record: Record) -> None:
        """A CA event, for the consumer (the report folds CA events exactly, apart)."""
        for change in self.cas.feed(record):
            self._emit(change)
        self._advance(record.published)

    def _emit(self, change: LifecycleChange) -> None:
        if self.on_change is not None:
            self.on_change(change)

    def _advance(self, published: int) -> None:
        """A record published at ``published`` arrived: release what left the window."""
        newest = self.newest
        if newest is None or published > newest:
            self.newest = published
            until = published - self.span
            if self.released is None or until - self.released > self.step:
                self.release(until)

    def feed(self, record: Record) -> None:
        self.delivered += 1
        uuid = record.uuid
        copies = self.pending.get(uuid)
        if copies is not None:
            if not _known(record, uuid, copies, self.many):
                wins = _wins(record, copies)
                if wins and record.published != copies[0].published:  # applied at its time
                    due = (record.published, uuid)
                    if self.last is not None and due < self.last:
                        self.late += 1
                        self._refuse(record, AnomalyKind.LATE_EVENT)
                        return
                    heapq.heappush(self.heap, due)  # the uuid's entry before it is stale
                _add(record, copies, wins, self.many.get(uuid))
            self.duplicates += 1
            return
        seen = self.recent.get(uuid)
        if seen is not None:
            self.duplicates += 1
            if seen != record:
                self._refuse(record, AnomalyKind.CONFLICTING_DUPLICATE)
            return
        published = record.published
        if self.last is not None and (published, uuid) < self.last:
            self.late += 1
            self._refuse(record, AnomalyKind.LATE_EVENT)
            return
        self.pending[uuid] = [record]
        heapq.heappush(self.heap, (published, uuid))
        self._advance(published)

    def _refuse(self, record: Record, kind: AnomalyKind) -> None:
        made = conflict(record, kind)
        self.anomalies.append(made)
        self._emit(LifecycleChange(made.subject, made.key, made.event, made))

    def _take(self, until: int | None) -> list[Record]:
        """Pop the pending events older than ``until`` (all with None): the copies applied."""
        heap, pending = self.heap, self.pending
        winners: list[Record] = []
        while heap and (until is None or heap[0][0] < until):
            due = heapq.heappop(heap)
            uuid = due[1]
            found = pending.get(uuid)
            if found is None or _due(uuid, found) != due:
                continue  # stale: a copy that wins later came (its own entry), or applied
            del pending[uuid]
            if self.many:
                self.many.pop(uuid, None)
            copies = sorted(found, key=record_signature)
            winners.append(copies[0])
            for loser in copies[1:]:
                self._refuse(loser, AnomalyKind.CONFLICTING_DUPLICATE)
        return winners

    def release(self, until: int | None) -> None:
        """Apply the pending events older than ``until`` (all with None), in order."""
        if until is not None:
            self.released = until
        changes = self.cas.release(until)
        winners = self._take(until)
        if winners:
            self._apply(winners, changes)
        if self.on_change is not None:
            changes.sort(key=lambda c: (c.entry.published, c.entry.uuid, c.subject, c.key))
            for change in changes:
                self.on_change(change)

    def _apply(self, winners: list[Record], changes: list[LifecycleChange]) -> None:
        """Apply certificate records in order; their changes (if wanted) into ``changes``."""
        self.last = (winners[-1].published, winners[-1].uuid)
        timeline: list[TimelineEntry] | None = [] if self.on_change is not None else None
        self._shared_states()
        strings = Strings()  # for this batch only: states keep their device as text
        states = self.states
        for key, items in _by_key(winners, strings).items():
            before = len(self.anomalies)
            start = states.get(key)
            if start is not None:
                start = state_from_text(start, strings)
            folded = fold_certificate(key, items, strings, self.anomalies, timeline, start)
            states[key] = state_to_text(folded, strings)
            if timeline is not None:
                found = {a.event.uuid: a for a in self.anomalies[before:]}
                changes.extend(LifecycleChange(CERT, key, e, found.get(e.uuid)) for e in timeline)
                timeline.clear()
        for record in winners:
            self.recent[record.uuid] = record
            self.applied.append((record.published, record.uuid))
        horizon = winners[-1].published - self.span
        while self.applied and self.applied[0][0] < horizon:
            self.recent.pop(self.applied.popleft()[1], None)

    def index_pending(self) -> None:
        """The heap of ``pending`` (``_due`` of each uuid), once ``pending`` is set whole.

        Also once ``cas.pending`` is: each uuid's copy that wins is put first in both.
        """
        for copies in chain(self.pending.values(), self.cas.pending.values()):
            if len(copies) > 1:
                copies.sort(key=record_signature)
        self.heap = sorted(_due(uuid, copies) for uuid, copies in self.pending.items())

    def _shared_states(self) -> None:
        if self.shared:  # a report holds the current dict: copy on write
            self.states = dict(self.states)
            self.shared = False

    def report(self, others: LifecycleReport) -> LifecycleReport:
        """The report: pending events applied to copies, the others folded exactly."""
        states = self.states
        anomalies = list(self.anomalies)
        if self.heap:
            strings = Strings()
            winners = _pending_winners(self.heap, self.pending, anomalies)
            touched = _by_key(winners, strings)
            states = {**states}
            for key, items in touched.items():
                start = states.get(key)
                if start is not None:
                    start = state_from_text(start, strings)
                folded = fold_certificate(key, items, strings, anomalies, None, start)
                states[key] = state_to_text(folded, strings)
        else:
            self.shared = True
        empty = Strings()

        def history(key: str) -> CertificateHistory:
            return history_of(key, summary_of(states[key], empty), [])

        anomalies.extend(others.anomalies)
        anomalies.sort(key=lambda a: (a.event.published, a.event.uuid, a.kind.value, a.key))
        return dataclasses.replace(
            others,
            certificates=certificates_mapping(
                states, lambda k: summary_of(states[k], empty), history
            ),
            anomalies=tuple(anomalies),
            duplicates=others.duplicates + self.duplicates,
            late=self.late,
        )


class _CaFeed:
    """CA events told to a windowed tracker's consumer, in window order.

    The report folds CA events exactly, in any order, at ``report()``; this tells the
    consumer each CA transition (and anomaly) once its event leaves the window, as certificate
    events are told. CA events are few: every applied one is kept, and a CA's history is
    folded again (``fold_ca``) to tell what its newest event did. A CA event older than one
    already told is told as a ``late_event`` (the report still places it in its order); a
    copy of a told uuid with other content as a ``conflicting_duplicate``.
    """

    def __init__(self) -> None:
        self.pending: dict[str, list[Record]] = {}
        self.many: dict[str, set[Record]] = {}
        """uuid -> the set of its pending copies, once they are many (``_known``)."""
        self.told: dict[str, Record] = {}
        """uuid -> the copy applied."""
        self.per_ca: dict[str, list[Record]] = {}
        """CA id -> its records applied, in order."""
        self.last: tuple[int, str] | None = None

    def feed(self, record: Record) -> list[LifecycleChange]:
        """Take a CA record; the changes to tell at once (a late event, a conflicting copy)."""
        uuid = record.uuid
        copies = self.pending.get(uuid)
        if copies is not None:
            if not _known(record, uuid, copies, self.many):
                wins = _wins(record, copies)
                due = (record.published, uuid)
                if wins and due != _due(uuid, copies) and self.last is not None and due < self.last:
                    return self._refused(record, AnomalyKind.LATE_EVENT)  # it wins, too late
                _add(record, copies, wins, self.many.get(uuid))
            return []
        told = self.told.get(uuid)
        if told is not None:
            return (
                [] if told == record else self._refused(record, AnomalyKind.CONFLICTING_DUPLICATE)
            )
        if self.last is not None and (record.published, uuid) < self.last:
            return self._refused(record, AnomalyKind.LATE_EVENT)
        self.pending[uuid] = [record]
        return []

    def apply(self, record: Record) -> tuple[str, ...]:
        """Note ``record`` as applied (also when a snapshot is restored); its CAs."""
        self.told[record.uuid] = record
        self.last = (record.published, record.uuid)
        for ca in record.ca_ids:
            self.per_ca.setdefault(ca, []).append(record)
        return record.ca_ids

    @staticmethod
    def _refused(record: Record, kind: AnomalyKind) -> list[LifecycleChange]:
        entry = conflict(record, kind).event
        return [
            LifecycleChange(CA, ca, entry, anomaly(kind, CA, ca, entry, None))
            for ca in record.ca_ids
        ]

    def release(self, until: int | None) -> list[LifecycleChange]:
        """Apply the pending CA records older than ``until`` (all with None); their changes."""
        due = (_due(uuid, copies) for uuid, copies in self.pending.items())
        ready = sorted(d for d in due if until is None or d[0] < until)
        changes: list[LifecycleChange] = []
        for _, uuid in ready:
            copies = sorted(self.pending.pop(uuid), key=record_signature)
            self.many.pop(uuid, None)
            winner = copies[0]
            for loser in copies[1:]:
                changes += self._refused(loser, AnomalyKind.CONFLICTING_DUPLICATE)
            for ca in self.apply(winner):
                records = self.per_ca[ca]
                found: list[LifecycleAnomaly] = []
                made = fold_ca(ca, records, found).timeline[-1]
                mine = [a for a in found if a.event.uuid == uuid]
                changes.append(LifecycleChange(CA, ca, made, mine[-1] if mine else None))
        return changes


def _due(uuid: str, copies: list[Record]) -> tuple[int, str]:
    """When a pending uuid is applied: (published, uuid) of its copy that wins.

    The copy with the smallest ``record_signature`` is applied (exact mode's rule), at its own
    place in (published, uuid) order, whichever copy came first. It is kept first among the
    uuid's pending copies (``_wins``, ``index_pending``): this is O(1), so that many copies of
    one uuid cost no quadratic time.
    """
    return copies[0].published, uuid


def _wins(record: Record, copies: list[Record]) -> bool:
    """Whether a new copy of a pending uuid wins over its copies (the one that wins first)."""
    return record_signature(record) < record_signature(copies[0])


def _add(record: Record, copies: list[Record], wins: bool, seen: set[Record] | None) -> None:
    """Add a new copy to a pending uuid's copies (and ``seen``): first if it ``wins``, in O(1)."""
    if wins:
        copies.append(copies[0])
        copies[0] = record
    else:
        copies.append(record)
    if seen is not None:
        seen.add(record)


_MANY = 8
"""A pending uuid with this many copies keeps a set of them too: no list is scanned."""


def _known(record: Record, uuid: str, copies: list[Record], many: dict[str, set[Record]]) -> bool:
    """Whether ``record`` is among a pending uuid's ``copies`` (``many`` holds their sets)."""
    if len(copies) < _MANY:
        return record in copies
    seen = many.get(uuid)
    try:
        if seen is None or len(seen) != len(copies):  # many at last, or pending set anew
            seen = many[uuid] = set(copies)
        return record in seen
    except TypeError:  # a record built by hand with a list in it: scanned
        many.pop(uuid, None)
        return record in copies


def _pending_winners(
    heap: list[tuple[int, str]], pending: dict[str, list[Record]], anomalies: list[LifecycleAnomaly]
) -> list[Record]:
    winners: list[Record] = []
    for due in sorted(set(heap)):
        uuid = due[1]
        found = pending.get(uuid)
        if found is None or _due(uuid, found) != due:
            continue  # stale: the uuid's copy that wins has its own entry, or it was applied
        copies = sorted(found, key=record_signature)
        winners.append(copies[0])
        anomalies.extend(conflict(loser) for loser in copies[1:])
    return winners


def _by_key(winners: list[Record], strings: Strings) -> dict[str, list[Packed]]:
    """Records in (published, uuid) order, packed and grouped by certificate."""
    grouped: dict[str, list[Packed]] = {}
    for record in winners:
        assert record.key is not None
        packed, _ = pack(record, strings)
        grouped.setdefault(record.key, []).append(UNPACK_ONE(packed))
    return grouped


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

    The result is a function of the set of events, never of their order: per certificate,
    events are applied in (``published``, ``uuid``) order; a uuid delivered again is applied
    once and counted in ``report.duplicates``; of copies of one uuid with different content,
    the one with the smallest ``record_signature`` is applied and the others are reported as
    ``conflicting_duplicate`` anomalies. The cyclic garbage collector is paused while the
    tracker fills (``gc_paused``): it keeps what it is fed.

    """
    # a batch: the tracker keeps what it is fed, so the collector would rescan it as it grows
    with gc_paused():
        return LifecycleTracker(key=key, strict=strict).feed_all(events).report()

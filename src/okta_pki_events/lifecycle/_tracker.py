"""The trackers: feed events one at a time (or in bulk); ask for the report at any time."""

from __future__ import annotations

from collections.abc import Iterable

from ..models.events import BasePkiEvent
from ..models.log_event import LogEvent
from ._fold import Deliveries, fold
from ._records import CERT, KeyFunction, Record, certificate_key, record_of
from ._report import LifecycleReport
from ._store import pack

__all__ = ["LifecycleTracker", "build_lifecycles"]


class LifecycleTracker:
    """An incremental lifecycle builder for services that see events one at a time.

    ``feed`` events as they arrive, in any order, duplicates included; ``report()`` gives
    what ``build_lifecycles`` gives on the same events, whatever their arrival order. It keeps
    a packed record of 38 bytes per certificate event (not the event).
    """

    def __init__(self, *, key: KeyFunction = certificate_key, strict: bool = False) -> None:
        """Set the certificate key function and whether the report raises at an anomaly."""
        self._key = key
        self._strict = strict
        self._data = Deliveries()
        self._shared = False

    def feed(self, event: LogEvent) -> None:
        """Take one parsed event (non-PKI events are counted and ignored)."""
        record = record_of(event, self._key)
        if record is not None:
            self.feed_record(record)
        elif isinstance(event, BasePkiEvent):
            unknown = self._data.unknown
            unknown[event.event_type] = unknown.get(event.event_type, 0) + 1
        else:
            self._data.ignored += 1

    def feed_all(self, events: Iterable[LogEvent]) -> LifecycleTracker:
        """Feed every event of an iterable; returns the tracker."""
        feed = self.feed
        for event in events:
            feed(event)
        return self

    def feed_record(self, record: Record) -> None:
        """Take one record (what ``lifecycles_from`` and the engines extract)."""
        data = self._data
        data.delivered += 1
        key = record.key
        if record.kind != CERT or key is None:
            data.others.append(record)
            return
        if self._shared:  # a report holds the current dict: copy on write
            data.certs = dict(data.certs)
            self._shared = False
        packed, odd = pack(record, data.strings)
        certs = data.certs
        certs[key] = certs.get(key, b"") + packed
        if odd:
            data.odd_keys.add(key)

    def report(self) -> LifecycleReport:
        """The lifecycle report of everything fed so far."""
        self._shared = True
        return fold(self._data, strict=self._strict)


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
    ``conflicting_duplicate`` anomalies.

    """
    return LifecycleTracker(key=key, strict=strict).feed_all(events).report()

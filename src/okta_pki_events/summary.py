"""Summaries of event streams: ``summarize(events) -> EventSummary``.

The counting behind ``okta-pki-events summary``, for notebooks and services too:

>>> from okta_pki_events.testing import make_event
>>> summary = summarize([make_event("pki.cert.issue"), make_event("pki.cert.revoke")])
>>> summary.total, summary.event_types
(2, {'pki.cert.issue': 1, 'pki.cert.revoke': 1})

An event sent under an alias spelling of its type (Okta's misspelt
``pki.cert.lifecycle.crl_download_failure``) is counted in its type's row, and in
``aliases`` too, so that the spelling stays visible:

>>> summary = summarize([make_event("pki.cert.lifecycle.crl_download_failure")])
>>> summary.event_types, summary.aliases
({'pki.cert.crl_download_failure': 1}, {'pki.cert.lifecycle.crl_download_failure': 1})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .classification import classify
from .models._base import format_okta_datetime
from .models.catalog import CATALOG_BY_ANY_TYPE
from .models.log_event import LogEvent

__all__ = ["NO_VALUE", "EventSummary", "summarize"]

NO_VALUE = "(none)"
"""The key under which events without an outcome result (or a severity) are counted."""


@dataclass(frozen=True)
class EventSummary:
    """Counts of a set of events, and the time range they cover.

    ``total`` equals the sum of each of ``event_types``, ``outcomes`` and ``severities``.
    """

    total: int = 0
    """The number of events summarised."""
    event_types: Mapping[str, int] = field(default_factory=dict)
    """Events per ``eventType``, sorted by type: an event sent under an alias spelling of a
    catalogued type is counted in that type's row (and in ``aliases``)."""
    aliases: Mapping[str, int] = field(default_factory=dict)
    """Events sent under an alias spelling, per spelling (already counted in their type's row
    of ``event_types``), sorted by spelling."""
    outcomes: Mapping[str, int] = field(default_factory=dict)
    """Events per ``outcome.result`` (``NO_VALUE`` when absent), most common first."""
    severities: Mapping[str, int] = field(default_factory=dict)
    """Events per ``severity`` (``NO_VALUE`` when absent), most common first."""
    needs_attention: int = 0
    """Events that ``classify`` marks as needing attention (CRL failures, revocations, ...)."""
    first_published: datetime | None = None
    """The earliest ``published`` time, None without events."""
    last_published: datetime | None = None
    """The latest ``published`` time, None without events."""

    def __bool__(self) -> bool:
        """Whether any event was summarised."""
        return self.total > 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times in Okta's format, ``None`` without events)."""
        return {
            "total": self.total,
            "event_types": dict(self.event_types),
            "aliases": dict(self.aliases),
            "outcomes": dict(self.outcomes),
            "severities": dict(self.severities),
            "needs_attention": self.needs_attention,
            "first_published": _when(self.first_published),
            "last_published": _when(self.last_published),
        }


def _when(moment: datetime | None) -> str | None:
    return format_okta_datetime(moment) if moment is not None else None


def summarize(events: Iterable[LogEvent]) -> EventSummary:
    """Count ``events`` per type, outcome and severity, and find their time range.

    An alias spelling of a type is counted in its type's row, and in ``aliases``.

    The events are consumed once, as they come (a stream of millions is fine: only the
    counters are kept).
    """
    types: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    attention = 0
    # classify() depends on the type and the outcome's result only: once per pair
    attends: dict[tuple[str, str | None], bool] = {}
    first: datetime | None = None
    last: datetime | None = None
    for event in events:
        event_type = event.event_type
        types[event_type] += 1
        outcome = event.outcome
        result = outcome.result if outcome is not None else None
        outcomes[result or NO_VALUE] += 1
        severities[event.severity or NO_VALUE] += 1
        key = (event_type, result)
        needs = attends.get(key)
        if needs is None:
            needs = attends[key] = classify(event).needs_attention
        attention += needs
        published = event.published
        if first is None or published < first:
            first = published
        if last is None or published > last:
            last = published
    canonical: Counter[str] = Counter()
    aliases: dict[str, int] = {}
    for event_type, count in types.items():
        entry = CATALOG_BY_ANY_TYPE.get(event_type)
        if entry is not None and entry.event_type != event_type:
            aliases[event_type] = count
            event_type = entry.event_type
        canonical[event_type] += count
    return EventSummary(
        total=sum(types.values()),
        event_types=dict(sorted(canonical.items())),
        aliases=dict(sorted(aliases.items())),
        outcomes=dict(outcomes.most_common()),
        severities=dict(severities.most_common()),
        needs_attention=attention,
        first_published=first,
        last_published=last,
    )

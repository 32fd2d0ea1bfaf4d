"""``okta-pki-events summary``: counts per type, outcome and severity, and the time range."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

import click

from ..models._base import format_okta_datetime
from ..models.log_event import LogEvent
from ._shared import (
    EventFilter,
    counter_table,
    files_argument,
    filter_options,
    json_option,
    out_console,
    read_events,
)

__all__ = ["summary"]


class _Summary:
    """Counts per type, outcome and severity, and the time range, kept as events stream by."""

    def __init__(self) -> None:
        self.types: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, event: LogEvent) -> None:
        self.types[event.event_type] += 1
        result = event.outcome.result if event.outcome else None
        self.outcomes[result or "(none)"] += 1
        self.severities[event.severity or "(none)"] += 1
        published = event.published
        if self.first is None or published < self.first:
            self.first = published
        if self.last is None or published > self.last:
            self.last = published

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_types": dict(sorted(self.types.items())),
            "outcomes": dict(self.outcomes.most_common()),
            "severities": dict(self.severities.most_common()),
            "first_published": format_okta_datetime(self.first) if self.first else None,
            "last_published": format_okta_datetime(self.last) if self.last else None,
        }


@click.command()
@files_argument
@filter_options
@json_option
def summary(files: tuple[str, ...], event_filter: EventFilter, as_json: bool) -> None:
    """Count the PKI events per type, outcome and severity, and give their time range."""
    counts = _Summary()
    reading = read_events(files, event_filter=event_filter)
    for event in reading:
        counts.add(event)
    total = reading.stats
    data = counts.as_dict() | {"stats": reading.counts()}
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    out = out_console()
    out.print(counter_table("PKI events per type", data["event_types"], "eventType"))
    out.print(counter_table("Outcomes", data["outcomes"], "outcome.result"))
    out.print(counter_table("Severities", data["severities"], "severity"))
    out.print(f"Published from {data['first_published']} to {data['last_published']}")
    out.print(
        f"{total.read:,} records: {total.parsed:,} PKI events, {total.skipped:,} other events "
        f"skipped, {total.failed:,} invalid (run validate for details)"
        + (f"; {reading.filtered:,} events left out by the filters" if reading.filtered else "")
    )

"""``okta-pki-events lifecycle``: certificate and CA lifecycles, anomalies, one timeline."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import click

from ..lifecycle import LifecycleReport, LifecycleTracker
from ._shared import (
    EventFilter,
    NothingValidError,
    ReadAs,
    counter_table,
    fail,
    files_argument,
    filter_options,
    input_options,
    json_option,
    max_errors_option,
    out_console,
    plural,
    read_events,
)

__all__ = ["lifecycle"]


@click.command()
@files_argument
@click.option(
    "--certificate", "certificate", metavar="KEY", help="Show one certificate's timeline."
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Anomalies to list (human output; 0 for none).",
)
@input_options
@max_errors_option
@filter_options
@json_option
def lifecycle(
    files: tuple[str, ...],
    certificate: str | None,
    limit: int,
    read_as: ReadAs,
    max_errors: int | None,
    event_filter: EventFilter,
    as_json: bool,
) -> None:
    """Rebuild certificate and CA lifecycles: states, anomalies, one certificate's timeline.

    Exits 1 when nothing valid was read or --max-errors stopped the reading.
    """
    tracker = LifecycleTracker()
    reading = read_events(files, event_filter=event_filter, max_errors=max_errors, read_as=read_as)
    for event in reading:
        tracker.feed(event)
    if reading.stopped:
        raise NothingValidError(
            f"stopped after {plural(reading.stats.failed, 'invalid record')} "
            f"(--max-errors {max_errors}): no report (run validate for details)"
        )
    reading.require_valid()
    report, total = tracker.report(), reading.stats
    if certificate is not None:
        history = report.certificates.get(certificate)
        if history is None:
            fail(f"no certificate {certificate!r} in the input")
        if as_json:
            click.echo(json.dumps(report.to_dict()["certificates"][certificate], indent=2))
            return
        _print_timeline(report, certificate)
        return
    if as_json:
        click.echo(json.dumps(report.to_dict() | {"stats": reading.counts()}, indent=2))
        return
    from rich.table import Table

    out = out_console()
    empty = reading.nothing_kept()
    if empty:
        out.print(empty)
    out.print(counter_table("Certificates per state", report.state_counts, "state"))
    cas = Counter(h.state.value for h in report.authorities.values())
    out.print(counter_table("Certificate authorities", dict(cas), "state"))
    kinds = Counter(a.kind.value for a in report.anomalies)
    out.print(counter_table("Anomalies", dict(kinds.most_common()), "kind"))
    if report.anomalies and limit:
        shown = min(limit, len(report.anomalies))
        title = (
            f"All {plural(shown, 'anomaly', 'anomalies')}"
            if shown == len(report.anomalies)
            else f"First {shown:,} of {len(report.anomalies):,} anomalies"
        )
        listed = report.anomalies[:limit]
        table = Table(title=title, title_justify="left")
        # the key is what --certificate takes: it is never cut, the event type may be
        widest_key = max(len(a.key) for a in listed)
        for column in ("published (UTC)", "kind", "key", "event", "state before"):
            width = widest_key if column == "key" else len(column)
            table.add_column(column, no_wrap=True, min_width=width)
        for anomaly in listed:
            table.add_row(
                _short_time(anomaly.event.published),
                anomaly.kind.value,
                anomaly.key,
                anomaly.event.event_type,
                anomaly.state or "new",
            )
        out.print(table)
    incomplete = sum(1 for h in report.certificates.values() if not h.complete)
    unknown = sum(report.unknown_types.values())
    out.print(
        f"{plural(len(report.certificates), 'certificate')} ({incomplete:,} issued before the "
        f"input), {plural(len(report.authorities), 'CA')}, "
        f"{plural(len(report.crl_failures), 'CRL download failure')}, "
        f"{plural(report.duplicates, 'duplicate')} skipped, "
        f"{plural(len(report.unkeyed), 'event')} without a certificate, "
        f"{plural(unknown, 'event')} of a PKI type this library does not know; "
        f"{plural(total.failed, 'invalid record')} ignored"
        + (
            f"; {plural(reading.filtered, 'event')} left out by the filters"
            if reading.filtered
            else ""
        ),
        soft_wrap=True,
    )


def _short_time(moment: datetime) -> str:
    """A time for a table, to the second in UTC (the JSON output keeps it exact)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _print_timeline(report: LifecycleReport, key: str) -> None:
    from rich.table import Table

    history = report.certificates[key]
    out = out_console()
    table = Table(
        title=f"Certificate {key}: {history.state.value if history.state else 'unknown'}"
        f"{'' if history.complete else ' (issued before the input)'}",
        title_justify="left",
    )
    for column in ("published (UTC)", "event", "outcome", "applied", "state"):
        table.add_column(column, no_wrap=True)
    for entry in history.timeline:
        table.add_row(
            _short_time(entry.published),
            entry.event_type,
            entry.outcome or "",
            "yes" if entry.applied else "no",
            f"{entry.state_before or 'new'} -> {entry.state_after or 'new'}",
        )
    out.print(table)
    out.print(f"device: {history.device_id or '-'}; renewals: {history.renewals:,}")

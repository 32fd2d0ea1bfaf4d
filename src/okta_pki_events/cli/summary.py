"""``okta-pki-events summary``: counts per type, outcome and severity, and the time range.

The counting is the library's ``summarize``; this module only renders it (``format_*``
builds the text and tables, ``print_summary`` prints them).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ..models._base import format_okta_datetime
from ..models.catalog import CATALOG_BY_ANY_TYPE
from ..models.outcome import outcome_status
from ..summary import EventSummary, summarize
from ._shared import (
    Command,
    EventFilter,
    NothingValidError,
    ReadAs,
    Reading,
    counter_table,
    files_argument,
    filter_options,
    input_options,
    json_option,
    max_errors_option,
    out_console,
    plural,
    read_events,
    records_line,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["format_footer", "format_summary", "print_summary", "summary", "type_rows"]

_FAILED_STYLE = "red"  # the rows of results whose outcome_status is failure


def format_footer(reading: Reading) -> str:
    """What was read: records, PKI events, skipped, invalid, left out by the filters."""
    return records_line(reading.counts())


def type_rows(summary: EventSummary) -> tuple[dict[str, int], dict[str, str]]:
    """The rows of the per-type table, and their styles.

    One row per type; under a type whose events came (partly) under an alias spelling, an
    indented row per spelling says how many of them did (not added to the total). A
    ``pki.*`` type the catalogue does not know (one Okta added later) says so.
    """
    under: dict[str, list[str]] = {}
    for alias in summary.aliases:
        entry = CATALOG_BY_ANY_TYPE[alias]
        under.setdefault(entry.event_type, []).append(alias)
    rows: dict[str, int] = {}
    styles: dict[str, str] = {}
    for event_type, count in summary.event_types.items():
        if event_type in CATALOG_BY_ANY_TYPE:
            rows[event_type] = count
        else:
            rows[f"{event_type} (not in the catalogue)"] = count
        for alias in under.get(event_type, ()):
            label = f"  as {alias} (alias)"
            rows[label] = summary.aliases[alias]
            styles[label] = "dim"
    return rows, styles


def format_summary(summary: EventSummary) -> list[RenderableType]:
    """The tables and lines of a non-empty summary."""
    rows, row_styles = type_rows(summary)
    parts: list[RenderableType] = [
        counter_table("PKI events per type", rows, "eventType", row_styles),
        counter_table(
            "Outcomes",
            summary.outcomes,
            "outcome.result",
            {r: _FAILED_STYLE for r in summary.outcomes if outcome_status(r) == "failure"},
        ),
        counter_table("Severities", summary.severities, "severity"),
    ]
    first, last = summary.first_published, summary.last_published
    if first is not None and last is not None:
        parts.append(
            f"{plural(summary.total, 'event')} published from {format_okta_datetime(first)} "
            f"to {format_okta_datetime(last)}; {summary.needs_attention:,} need attention"
        )
    return parts


def print_summary(summary: EventSummary, reading: Reading, console: Console) -> None:
    """Print a summary (or why there is nothing to summarise) and what was read."""
    if summary:
        for part in format_summary(summary):
            console.print(part)
    else:
        console.print(reading.nothing_kept() or "no events")
    console.print(format_footer(reading), soft_wrap=True)


@click.command(cls=Command, short_help="Count the PKI events per type, outcome and severity.")
@files_argument
@input_options
@max_errors_option
@filter_options
@json_option
def summary(
    files: tuple[str, ...],
    read_as: ReadAs,
    max_errors: int | None,
    event_filter: EventFilter,
    as_json: bool,
) -> None:
    """Count the PKI events per type, outcome and severity, and give their time range.

    Exits 1 when nothing valid was read (an empty input, only invalid records), when
    --max-errors stopped the reading, or when an input ended early (a truncated gzip file:
    the summary covers the records before the cut).
    """
    reading = read_events(files, event_filter=event_filter, max_errors=max_errors, read_as=read_as)
    result = summarize(reading)
    if as_json:
        data: dict[str, Any] = result.to_dict() | {
            "stats": reading.counts(),
            "stopped": reading.stopped,
        }
        click.echo(json.dumps(data, indent=2))
    if reading.stopped:
        raise NothingValidError(
            f"stopped after {plural(reading.stats.failed, 'invalid record')} "
            f"(--max-errors {max_errors}): no summary (run validate for details)"
        )
    reading.require_valid()
    if not as_json:
        print_summary(result, reading, out_console())
    reading.require_whole()  # the summary covers the records before the cut: exit 1 all the same

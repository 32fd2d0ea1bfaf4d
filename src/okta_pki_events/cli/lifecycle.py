"""``okta-pki-events lifecycle``: certificate and CA lifecycles, anomalies, one timeline.

The files the PATH argument names (expanded in ``_shared``, alike for every command) are
read by ``lifecycles_from`` (line by line, every record checked exactly as the models check
it, without building them; ``--check fields`` checks only what the lifecycle reads);
standard input, ``--input-format``/``--envelope`` and ``--max-errors`` take the full reader.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .._gc import gc_paused
from .._stream import ParseFailure, StreamStats
from ..lifecycle import CertState, LifecycleRecord, LifecycleReport, LifecycleTracker
from ..lifecycle._records import micros_of
from ..lifecycle._report import NO_STATE as _NO_STATE
from ..lifecycle._sources import Check, lifecycles_from
from ._shared import (
    NOTHING_VALID,
    CliError,
    Command,
    EventFilter,
    NothingValidError,
    ReadAs,
    counter_table,
    cut_short,
    files_argument,
    filter_options,
    input_options,
    json_option,
    max_errors_option,
    nothing_valid,
    out_console,
    plural,
    read_events,
    records_line,
    stats_dict,
)

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

__all__ = ["format_report", "format_timeline", "lifecycle", "print_parts"]

_NO_STATE_LABEL = f"{_NO_STATE} (failed events only)"
_STATES = [s.value for s in CertState] + [_NO_STATE]


class NotInInputError(CliError):
    """What was asked for is not in the input (``--certificate KEY``): a result, exit 1.

    Not a usage error (exit 2): the command line was right, the input lacks the key.
    """

    exit_code = NOTHING_VALID
    label = ""


def _record_filter(event_filter: EventFilter) -> Any:
    """``EventFilter``'s conditions on a lifecycle record (type, time range, outcome)."""
    since = micros_of(event_filter.since) if event_filter.since else None
    until = micros_of(event_filter.until) if event_filter.until else None

    def keep(record: LifecycleRecord) -> bool:
        if not event_filter.matches_type(record.event_type):
            return False
        if since is not None and record.published < since:
            return False
        if until is not None and record.published >= until:
            return False
        return not event_filter.outcomes or record.outcome in event_filter.outcomes

    return keep


class _Filtered:
    """Counts what the record filter leaves out."""

    def __init__(self, event_filter: EventFilter) -> None:
        self.count = 0
        self._keep = _record_filter(event_filter)

    def __call__(self, record: LifecycleRecord) -> bool:
        kept: bool = self._keep(record)
        self.count += not kept
        return kept


def _fast_report(
    files: tuple[str, ...], event_filter: EventFilter, check: Check = "full"
) -> tuple[LifecycleReport, dict[str, int], str | None, list[ParseFailure]]:
    paths = [Path(name) for name in files]  # expanded by the PATH argument: read as named
    stats = StreamStats()
    filtered = _Filtered(event_filter)
    report = lifecycles_from(
        paths,
        on_error="collect",
        keep=filtered if event_filter.active else None,
        stats=stats,
        check=check,
    )
    error = nothing_valid(stats, files)
    if error and stats.failed:
        error += " (run validate for details)"
    return report, stats_dict(stats) | {"filtered": filtered.count}, error, list(report.failures)


def _full_report(
    files: tuple[str, ...], event_filter: EventFilter, max_errors: int | None, read_as: ReadAs
) -> tuple[LifecycleReport, dict[str, int], str | None, list[ParseFailure]]:
    tracker = LifecycleTracker()
    reading = read_events(files, event_filter=event_filter, max_errors=max_errors, read_as=read_as)
    # the tracker keeps what it is fed: no collector rescans of it while it grows
    with gc_paused():
        for event in reading:
            tracker.feed(event)
        report = tracker.report()
    # non-PKI records never reach the tracker here: counted as the fast path counts them
    report = dataclasses.replace(report, ignored=reading.stats.skipped)
    if reading.stopped:
        raise NothingValidError(
            f"stopped after {plural(reading.stats.failed, 'invalid record')} "
            f"(--max-errors {max_errors}): no report (run validate for details)"
        )
    error = reading.nothing_valid()
    if error and reading.stats.failed:
        error += " (run validate for details)"
    return report, reading.counts(), error, reading.cut


@click.command(
    cls=Command, short_help="Certificate and CA lifecycles: states, anomalies, timelines."
)
@files_argument
@click.option(
    "--certificate", "certificate", metavar="KEY", help="Show one certificate's timeline."
)
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(_STATES),
    help="List the certificates in this state (repeatable); unknown: seen only through"
    " failed events.",
)
@click.option("--anomalies-only", is_flag=True, help="Show only the anomalies.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Anomalies (and listed certificates) to show, in text and in --json; 0 for none.",
)
@click.option(
    "--check",
    type=click.Choice(["full", "fields"]),
    default="full",
    show_default=True,
    help="How each record of a file is checked: full (as validate checks it) or fields (only"
    " what the lifecycle reads: faster; a record broken elsewhere is then applied). Files"
    " only.",
)
@input_options
@max_errors_option
@filter_options
@json_option
def lifecycle(
    files: tuple[str, ...],
    certificate: str | None,
    states: tuple[str, ...],
    anomalies_only: bool,
    limit: int,
    check: Check,
    read_as: ReadAs,
    max_errors: int | None,
    event_filter: EventFilter,
    as_json: bool,
) -> None:
    """Rebuild certificate and CA lifecycles: states, anomalies, one certificate's timeline.

    PATH is a file, a directory (its JSON files, recursively), a glob pattern, or - for
    standard input. --json is bounded: counts, at most --limit anomalies and listed
    certificates, no timelines (but --certificate's). Exits 1 when nothing valid was read,
    --max-errors stopped the reading, or the --certificate asked for is not in the input.
    """
    fast = "-" not in files and read_as == ReadAs() and max_errors is None
    if check != "full" and not fast:
        raise click.UsageError(
            f"--check {check} reads files: not with -, --input-format, --envelope,"
            " --max-record-bytes or --max-errors"
        )
    if fast:
        report, counts, error, failures = _fast_report(files, event_filter, check)
    else:
        report, counts, error, failures = _full_report(files, event_filter, max_errors, read_as)
    if error is not None and (certificate is not None or not as_json):
        cut_short(failures)  # an input that ended at its first record: say why
        raise NothingValidError(error)
    if certificate is not None:
        history = report.certificates.get(certificate)
        if history is None:
            cut_short(failures)  # it may be in what was not read
            raise NotInInputError(f"no certificate {certificate!r} in the input")
        if as_json:
            click.echo(json.dumps(report.to_dict()["certificates"][certificate], indent=2))
        else:
            print_parts(format_timeline(report, certificate))
        cut_short(failures)
        return
    listed = _listed(report, states, limit)
    if as_json:
        # a document also when nothing valid was read (as summary and validate write one)
        click.echo(
            json.dumps(_bounded_json(report, counts, listed, limit, anomalies_only), indent=2)
        )
        cut_short(failures)
        if error is not None:
            raise NothingValidError(error)
        return
    print_parts(format_report(report, counts, listed, states, limit, anomalies_only))
    cut_short(failures)  # the report covers the records before the cut: exit 1 all the same


def _in_states(report: LifecycleReport, states: tuple[str, ...]) -> list[str]:
    """The keys of the certificates in ``states`` (``unknown``: seen only through failures)."""
    wanted = {None if s == _NO_STATE else CertState(s) for s in states}
    return [k for state in wanted for k in report.certificates_in(state)]


def _listed(report: LifecycleReport, states: tuple[str, ...], limit: int) -> list[dict[str, Any]]:
    """The rows of the certificates in ``states`` (at most ``limit``)."""
    if not states:
        return []
    chosen = set(sorted(_in_states(report, states))[:limit])
    return [row for row in report.to_table() if row["certificate"] in chosen]


def _bounded_json(
    report: LifecycleReport,
    counts: dict[str, int],
    listed: list[dict[str, Any]],
    limit: int,
    anomalies_only: bool,
) -> dict[str, Any]:
    full = report.to_dict(timelines=False)
    anomalies = full["anomalies"][:limit]
    if anomalies_only:
        return {"anomalies": anomalies, "anomalies_total": len(report.anomalies)}
    data = {key: full[key] for key in ("state_counts", "duplicates", "ignored", "unknown_types")}
    data |= {
        "certificates_total": len(report.certificates),
        "authorities": full["authorities"],
        "scope_mappings": full["scope_mappings"],
        "anomalies": anomalies,
        "anomalies_total": len(report.anomalies),
        "crl_failures": full["crl_failures"][:limit],
        "crl_failures_total": len(report.crl_failures),
        "unkeyed_total": len(report.unkeyed),
        "stats": counts,
    }
    if listed:
        data["certificates"] = listed
    return data


def format_report(
    report: LifecycleReport,
    counts: dict[str, int],
    listed: list[dict[str, Any]],
    states: tuple[str, ...],
    limit: int,
    anomalies_only: bool,
) -> list[RenderableType]:
    """The tables and lines of the text report, in order (``print_parts`` prints them)."""
    parts: list[RenderableType] = []
    if not anomalies_only:
        if counts["parsed"] - counts["filtered"] <= 0:
            parts.append(
                f"no PKI events ({plural(counts['skipped'], 'other record')})"
                if counts["parsed"] == 0
                else f"no events match the filters ({plural(counts['parsed'], 'PKI event')} read)"
            )
        parts += _state_tables(report)
    if states:
        parts.append(_listed_table(listed, states, len(_in_states(report, states))))
    if report.anomalies and limit:
        parts.append(_anomaly_table(report, limit))
    if not anomalies_only:
        parts += [_totals_line(report), records_line(counts)]
    return parts


def _listed_table(listed: list[dict[str, Any]], states: tuple[str, ...], total: int) -> Table:
    """The certificates ``--state`` lists (``total``: how many are in those states)."""
    from rich.table import Table

    which = f"{'certificate' if total == 1 else 'certificates'} {' or '.join(states)}"
    if len(listed) < total:
        title = f"First {len(listed):,} of {total:,} {which} (--limit)"
    elif total == 0:
        title = f"No {which}"
    else:
        title = f"The one {which}" if total == 1 else f"All {total:,} {which}"
    table = Table(title=title, title_justify="left")
    for column in ("certificate", "state", "device", "last event (UTC)", "events", "anomalies"):
        numeric = column in ("events", "anomalies")
        table.add_column(column, no_wrap=True, justify="right" if numeric else "left")
    for row in listed:
        last = row["last_event_at"]
        table.add_row(
            row["certificate"],
            row["state"] or _NO_STATE,
            row["device_id"] or "-",
            _short_time(datetime.fromisoformat(last.replace("Z", "+00:00"))) if last else "-",
            f"{row['events']:,}",
            f"{row['anomalies']:,}",
        )
    return table


def _anomaly_table(report: LifecycleReport, limit: int) -> Table:
    """The first ``limit`` anomalies (``limit`` at least 1, and at least one anomaly)."""
    from rich.table import Table

    shown = min(limit, len(report.anomalies))
    title = (
        f"All {plural(shown, 'anomaly', 'anomalies')}"
        if shown == len(report.anomalies)
        else f"First {shown:,} of {len(report.anomalies):,} anomalies"
    )
    listed_anomalies = report.anomalies[:limit]
    table = Table(title=title, title_justify="left")
    # the key is what --certificate takes and the time says when: neither is ever cut,
    # the event type may be
    widths = {
        "published (UTC)": len("2026-01-01 00:00:00"),
        "key": max(len(a.key) for a in listed_anomalies),
    }
    for column in ("published (UTC)", "kind", "key", "event", "state before"):
        table.add_column(column, no_wrap=True, min_width=widths.get(column, len(column)))
    for anomaly in listed_anomalies:
        table.add_row(
            _short_time(anomaly.event.published),
            anomaly.kind.value,
            anomaly.key,
            anomaly.event.event_type,
            anomaly.state or "new",
        )
    return table


def print_parts(parts: list[RenderableType]) -> None:
    """Print tables and lines on standard output, as wide as the user's terminal."""
    out = out_console()
    for part in parts:
        out.print(part)


def _state_tables(report: LifecycleReport) -> list[RenderableType]:
    """Certificates per state, CAs per state, anomalies per kind: the tables that have rows.

    A certificate seen only through failed events is counted as ``unknown``, labelled so.
    """
    parts: list[RenderableType] = []
    if report.certificates:
        states = {
            _NO_STATE_LABEL if state == _NO_STATE else state: count
            for state, count in report.state_counts.items()
        }
        parts.append(counter_table("Certificates per state", states, "state"))
    if report.authorities:
        cas = Counter(h.state.value for h in report.authorities.values())
        parts.append(counter_table("Certificate authorities", dict(cas), "state"))
    if report.anomalies:
        kinds = Counter(a.kind.value for a in report.anomalies)
        parts.append(counter_table("Anomalies", dict(kinds.most_common()), "kind"))
    else:
        parts.append("no anomalies")
    return parts


def _totals_line(report: LifecycleReport) -> str:
    """The certificates and CAs, then what else the events held (each count said once).

    Counts of zero beyond the certificates and CAs are left out; a ``pki.*`` type the
    catalogue does not know is named (its events are counted, not applied).
    """
    # one seen only through failed events is `unknown`, not known to be issued at all
    incomplete = sum(1 for _, s in report.summaries() if not s.complete and s.state is not None)
    text = plural(len(report.certificates), "certificate")
    if incomplete:
        text += f" ({incomplete:,} issued before the input)"
    text += f", {plural(len(report.authorities), 'CA')}"
    others = []
    if report.crl_failures:
        others.append(plural(len(report.crl_failures), "CRL download failure"))
    if report.duplicates:
        duplicates = plural(report.duplicates, "duplicate delivery", "duplicate deliveries")
        others.append(f"{duplicates} skipped")
    if report.unkeyed:
        others.append(f"{plural(len(report.unkeyed), 'event')} without a certificate")
    if report.unknown_types:
        unknown = sum(report.unknown_types.values())
        names = ", ".join(sorted(report.unknown_types))
        others.append(
            f"{plural(unknown, 'event')} of a type not in the catalogue ({names}), not applied"
        )
    return text + (f"; {', '.join(others)}" if others else "")


def _short_time(moment: datetime) -> str:
    """A time for a table, to the second in UTC (the JSON output keeps it exact)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def format_timeline(report: LifecycleReport, key: str) -> list[RenderableType]:
    """One certificate's timeline: its table and a line (``print_parts`` prints them)."""
    from rich.table import Table

    history = report.certificates[key]
    if history.state is None:
        state = _NO_STATE_LABEL
    else:
        state = history.state.value + ("" if history.complete else " (issued before the input)")
    table = Table(title=f"Certificate {key}: {state}", title_justify="left")
    for column in ("published (UTC)", "event", "outcome", "actor", "applied", "state"):
        table.add_column(column, no_wrap=True)
    # before its first applied event a certificate is new when its issue is in the input,
    # else its state then is not known (it was issued before the input)
    before = "new" if history.complete else _NO_STATE
    for entry in history.timeline:
        table.add_row(
            _short_time(entry.published),
            entry.event_type,
            entry.outcome or "",
            entry.actor or "-",
            "yes" if entry.applied else "no",
            f"{entry.state_before or before} -> {entry.state_after or before}",
        )
    return [table, f"device: {history.device_id or '-'}; renewals: {history.renewals:,}"]

"""The ``okta-pki-events`` command-line tool (extra ``cli``).

Commands: ``validate``, ``summary``, ``lifecycle``, ``schema``, ``catalog``. Human output is
tables; ``--json`` gives JSON for machines. Exit codes: 0 success, 1 invalid records
(``validate``), 2 usage errors (a missing or unreadable file, a directory, an unknown type).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from ._stream import EventStream, OnError, ParseFailure, StreamStats, describe_error, iter_events
from .lifecycle import LifecycleReport, LifecycleTracker
from .models._base import format_okta_datetime
from .models.catalog import CATALOG
from .models.events import EVENT_MODELS
from .models.log_event import LogEvent
from .schema import json_schema

try:
    import click
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise SystemExit(
        "the okta-pki-events command needs its extra: pip install 'okta-pki-events[cli]'"
    ) from exc

__all__ = ["main"]

USAGE_ERROR = 2
PROGRESS_EVERY = 2000

json_option = click.option("--json", "as_json", is_flag=True, help="Write JSON for machines.")
files_argument = click.argument("files", nargs=-1, required=True, metavar="FILE...|-")


def _fail(message: str) -> NoReturn:
    """Print a one-line usage error and exit with status 2."""
    click.echo(f"okta-pki-events: error: {message}", err=True)
    sys.exit(USAGE_ERROR)


def _check_files(files: tuple[str, ...]) -> None:
    """Refuse missing, unreadable and directory arguments before reading anything."""
    for name in files:
        if name == "-":
            continue
        path = Path(name)
        if path.is_dir():
            _fail(f"{name}: is a directory")
        if not path.exists():
            _fail(f"{name}: no such file")
        if not os.access(path, os.R_OK):
            _fail(f"{name}: permission denied")


def _out() -> Console:
    # Not a terminal (a pipe, a CI log): wide enough that tables are never cut.
    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[StreamStats], None]]:
    """A progress display on standard error when it is a terminal; a no-op otherwise."""
    if not sys.stderr.isatty():
        yield lambda stats: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)
        shown = [0]

        def update(stats: StreamStats) -> None:
            if stats.read - shown[0] >= PROGRESS_EVERY:
                shown[0] = stats.read
                bar.update(task, description=f"{stats.read:,} records read")

        yield update


def _streams(
    files: tuple[str, ...], *, only_pki: bool, on_error: OnError
) -> Iterator[tuple[str, EventStream[Any]]]:
    """One stream per file argument (``-`` is standard input)."""
    for name in files:
        source: Any = sys.stdin.buffer if name == "-" else name
        stream: EventStream[Any] = iter_events(source, on_error=on_error, only_pki=only_pki)
        yield ("<stdin>" if name == "-" else name), stream


def _drain(
    files: tuple[str, ...], *, only_pki: bool, on_error: OnError
) -> Iterator[tuple[str, Any, StreamStats]]:
    """Every item of every file, with its file name and the running stats."""
    try:
        with _progress() as update:
            for name, stream in _streams(files, only_pki=only_pki, on_error=on_error):
                for item in stream:
                    update(stream.stats)
                    yield name, item, stream.stats
                yield name, None, stream.stats
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        _fail(f"cannot read input: {exc}")


def _add(total: StreamStats, stats: StreamStats) -> None:
    total.read += stats.read
    total.parsed += stats.parsed
    total.failed += stats.failed
    total.skipped += stats.skipped


def _stats_dict(stats: StreamStats) -> dict[str, int]:
    return {
        "read": stats.read,
        "parsed": stats.parsed,
        "failed": stats.failed,
        "skipped": stats.skipped,
    }


def _consume(
    files: tuple[str, ...], *, only_pki: bool, on_error: OnError, sink: Callable[[Any], None]
) -> StreamStats:
    """Stream every file into ``sink`` (events, and failures with ``collect``); sum the stats."""
    total = StreamStats()
    for _, item, stats in _drain(files, only_pki=only_pki, on_error=on_error):
        if item is None:
            _add(total, stats)
        else:
            sink(item)
    return total


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="okta-pki-events")
def main() -> None:
    """Parse, check and summarise the PKI events of Okta's System Log.

    FILE may be NDJSON (.ndjson, .jsonl), a JSON document (.json: an API page, an event-hook
    delivery, EventBridge events), gzip-compressed or not, or - for standard input.
    """


@main.command()
@files_argument
@click.option(
    "--only-pki/--all",
    default=False,
    help="Validate PKI records only, skipping others (default: validate every record).",
)
@json_option
def validate(files: tuple[str, ...], only_pki: bool, as_json: bool) -> None:
    """Parse every record and report each bad one with its line and field path.

    Exits 0 when every record is valid, 1 when any failed.
    """
    _check_files(files)
    failures: list[ParseFailure] = []
    total = StreamStats()
    per_file: dict[str, dict[str, int]] = {}
    for name, item, stats in _drain(files, only_pki=only_pki, on_error="collect"):
        if item is None:
            _add(total, stats)
            per_file[name] = _stats_dict(stats)
        elif isinstance(item, ParseFailure):
            failures.append(item)
            if not as_json:
                click.echo(item.message)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "valid": total.failed == 0,
                    "stats": _stats_dict(total),
                    "files": per_file,
                    "failures": [
                        {
                            "source": f.source,
                            "line": f.line,
                            "index": f.index,
                            "errors": describe_error(f.error),
                        }
                        for f in failures
                    ],
                },
                indent=2,
            )
        )
    else:
        verdict = "all valid" if total.failed == 0 else f"{total.failed} invalid"
        click.echo(
            f"{total.read} records: {total.parsed} parsed, {total.failed} failed, "
            f"{total.skipped} skipped ({verdict})"
        )
    sys.exit(1 if total.failed else 0)


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


def _counter_table(title: str, counts: dict[str, int], column: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(column)
    table.add_column("count", justify="right")
    for key, count in counts.items():
        table.add_row(key, f"{count:,}")
    return table


@main.command()
@files_argument
@json_option
def summary(files: tuple[str, ...], as_json: bool) -> None:
    """Count the PKI events per type, outcome and severity, and give their time range."""
    _check_files(files)
    counts = _Summary()
    total = _consume(files, only_pki=True, on_error="skip", sink=counts.add)
    data = counts.as_dict() | {"stats": _stats_dict(total)}
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    out = _out()
    out.print(_counter_table("PKI events per type", data["event_types"], "eventType"))
    out.print(_counter_table("Outcomes", data["outcomes"], "outcome.result"))
    out.print(_counter_table("Severities", data["severities"], "severity"))
    out.print(f"Published from {data['first_published']} to {data['last_published']}")
    out.print(
        f"{total.read:,} records: {total.parsed:,} PKI events, {total.skipped:,} other events "
        f"skipped, {total.failed:,} invalid (run validate for details)"
    )


def _lifecycle_report(files: tuple[str, ...]) -> tuple[LifecycleReport, StreamStats]:
    tracker = LifecycleTracker()
    total = _consume(files, only_pki=True, on_error="skip", sink=tracker.feed)
    return tracker.report(), total


@main.command()
@files_argument
@click.option(
    "--certificate", "certificate", metavar="KEY", help="Show one certificate's timeline."
)
@click.option("--limit", default=20, show_default=True, help="Anomalies to list (human output).")
@json_option
def lifecycle(files: tuple[str, ...], certificate: str | None, limit: int, as_json: bool) -> None:
    """Rebuild certificate and CA lifecycles: states, anomalies, one certificate's timeline."""
    _check_files(files)
    report, total = _lifecycle_report(files)
    if certificate is not None:
        history = report.certificates.get(certificate)
        if history is None:
            _fail(f"no certificate {certificate!r} in the input")
        if as_json:
            click.echo(json.dumps(report.to_dict()["certificates"][certificate], indent=2))
            return
        _print_timeline(report, certificate)
        return
    if as_json:
        click.echo(json.dumps(report.to_dict() | {"stats": _stats_dict(total)}, indent=2))
        return
    out = _out()
    out.print(_counter_table("Certificates per state", report.state_counts, "state"))
    cas = Counter(h.state.value for h in report.authorities.values())
    out.print(_counter_table("Certificate authorities", dict(cas), "state"))
    kinds = Counter(a.kind.value for a in report.anomalies)
    out.print(_counter_table("Anomalies", dict(kinds.most_common()), "kind"))
    if report.anomalies:
        table = Table(
            title=f"First {min(limit, len(report.anomalies))} anomalies", title_justify="left"
        )
        for column in ("published", "kind", "key", "event", "state met"):
            table.add_column(column)
        for anomaly in report.anomalies[:limit]:
            table.add_row(
                format_okta_datetime(anomaly.event.published),
                anomaly.kind.value,
                anomaly.key,
                anomaly.event.event_type,
                anomaly.state or "new",
            )
        out.print(table)
    incomplete = sum(1 for h in report.certificates.values() if not h.complete)
    out.print(
        f"{len(report.certificates):,} certificates ({incomplete:,} issued before the input), "
        f"{len(report.authorities):,} CAs, "
        f"{len(report.crl_failures):,} CRL download failures, {report.duplicates:,} duplicates "
        f"skipped, {len(report.unkeyed):,} events without a certificate, "
        f"{sum(report.unknown_types.values()):,} of unknown PKI types; "
        f"{total.failed:,} invalid records ignored"
    )


def _print_timeline(report: LifecycleReport, key: str) -> None:
    history = report.certificates[key]
    out = _out()
    table = Table(
        title=f"Certificate {key}: {history.state.value if history.state else 'unknown'}"
        f"{'' if history.complete else ' (issued before the input)'}",
        title_justify="left",
    )
    for column in ("published", "event", "outcome", "applied", "state"):
        table.add_column(column)
    for entry in history.timeline:
        table.add_row(
            format_okta_datetime(entry.published),
            entry.event_type,
            entry.outcome or "",
            "yes" if entry.applied else "no",
            f"{entry.state_before or 'new'} -> {entry.state_after or 'new'}",
        )
    out.print(table)
    out.print(f"device: {history.device_id or '-'}; renewals: {history.renewals}")


@main.command()
@click.option("--event-type", "event_type", metavar="TYPE", help="One event type's schema.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one file per event type and one for the union into this directory.",
)
def schema(event_type: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema (Draft 2020-12) of the PKI events, or write it to files."""
    if event_type is not None and event_type not in EVENT_MODELS:
        _fail(f"unknown event type {event_type!r}; see `okta-pki-events catalog`")
    if out_dir is None:
        click.echo(json.dumps(json_schema(event_type), indent=2, sort_keys=True))
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        types = [event_type] if event_type else list(CATALOG)
        for name in types:
            path = out_dir / f"{name}.schema.json"
            path.write_text(json.dumps(json_schema(name), indent=2, sort_keys=True) + "\n")
            written.append(path)
        if event_type is None:
            path = out_dir / "okta-pki-events.schema.json"
            path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
            written.append(path)
    except OSError as exc:
        _fail(f"cannot write {out_dir}: {exc}")
    click.echo(f"wrote {len(written)} schemas to {out_dir}")


@main.command()
@json_option
def catalog(as_json: bool) -> None:
    """List the PKI event types with their descriptions."""
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "event_type": e.event_type,
                        "model": EVENT_MODELS[e.event_type].__name__,
                        "subject": e.subject,
                        "summary": e.summary,
                        "description": e.description,
                        "oie_only": e.oie_only,
                        "legacy_event_type": e.legacy_event_type,
                        "introduced_in": e.introduced_in,
                        "aliases": list(e.aliases),
                    }
                    for e in CATALOG.values()
                ],
                indent=2,
            )
        )
        return
    table = Table(title="Okta PKI event types", title_justify="left")
    for column in ("eventType", "model", "what happened", "OIE only"):
        table.add_column(column)
    for entry in CATALOG.values():
        table.add_row(
            entry.event_type,
            EVENT_MODELS[entry.event_type].__name__,
            entry.summary,
            "yes" if entry.oie_only else "no",
        )
    _out().print(table)


def run() -> None:
    """Run the tool, ending quietly when the reader of its output goes away."""
    try:
        main()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout.close()
        sys.exit(0)

"""``okta-pki-events export``: events to NDJSON, ECS, OCSF, CSV or Parquet, streaming.

The conversions are the library's (``okta_pki_events.export``); this module formats one
event per line (``format_line``, ``csv_row``) and writes them (``write_text``,
``write_parquet_file``). Memory stays bounded: lines are written as events are read, and
Parquet one row group at a time. A file is written under a temporary name and renamed when
complete, so a failure leaves no partial output; a symbolic link, a device or a pipe
(``/dev/stdout``, a FIFO) is written through as it goes, never replaced.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from typing import IO, Any

import click

from ..export import (
    ecs_category_table,
    raw_json,
    record_columns,
    to_ecs,
    to_ocsf,
    to_records,
)
from ..export._arrow import in_place
from ..models import format_okta_datetime
from ..models.log_event import LogEvent
from ._shared import (
    Command,
    EventFilter,
    NothingValidError,
    ReadAs,
    Reading,
    bad_value,
    cut_short,
    fail,
    files_argument,
    filter_options,
    input_options,
    max_errors_option,
    plural,
    read_events,
)

__all__ = ["FORMATS", "csv_header", "csv_row", "export", "format_line", "write_text"]

FORMATS = ("ndjson", "ecs", "ocsf", "csv", "parquet")
"""The output formats."""

_LINE_FORMATS: dict[str, Callable[[LogEvent], Any]] = {"ecs": to_ecs, "ocsf": to_ocsf}


# A JSON string, or a run of whitespace (outside strings, whitespace is insignificant).
_STRING_OR_BLANKS = re.compile(r'("(?:[^"\\]|\\.)*")|\s+')


def _one_line(text: str) -> str:
    """Valid JSON text on one line: the whitespace between its tokens removed, nothing else."""
    return _STRING_OR_BLANKS.sub(lambda m: m.group(1) or "", text)


def format_line(
    event: LogEvent,
    output_format: str,
    line_formats: Mapping[str, Callable[[LogEvent], Any]] = _LINE_FORMATS,
) -> str:
    """One event as one JSON line (no newline): as it arrived, as ECS, or as OCSF.

    ``ndjson`` writes ``raw_json(event)``: for an event read lazily from text (``export``
    reads so) the record's own text, byte for byte, and a record that spans lines (pretty
    JSON) with the whitespace between its tokens removed; for an event delivered decoded
    (inside an envelope), every key it arrived with and its value, re-serialised.
    """
    if output_format == "ndjson":
        line = raw_json(event)
        return _one_line(line) if "\n" in line or "\r" in line else line
    document = line_formats[output_format](event)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def csv_header() -> list[str]:
    """The CSV header: the columns of ``to_records`` (``record_columns()``)."""
    return list(record_columns())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_okta_datetime(value.astimezone(timezone.utc))
    return str(value)


def csv_row(event: LogEvent) -> list[str]:
    """One event's CSV cells, in ``csv_header()`` order (empty for a missing value)."""
    record = to_records([event])[0]
    return [_cell(record[name]) for name in record_columns()]


@contextlib.contextmanager
def _output(path: str, *, binary: bool) -> Iterator[Any]:
    """A file (``-``: standard output) renamed into place once complete, else removed.

    A symbolic link, a device or a pipe (``in_place``: ``/dev/stdout``, a FIFO) is written
    as it goes, as standard output is, never replaced.
    """
    if path == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    special = in_place(path)
    partial = path if special else f"{path}.partial"
    try:
        handle: IO[Any] = (
            open(partial, "wb")  # noqa: SIM115 - closed below, then renamed
            if binary
            else open(partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
        )
    except OSError as exc:
        fail(f"cannot write {path}: {exc}")
    if special:
        with handle:
            yield handle
        return
    try:
        with handle:
            yield handle
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)


def write_text(
    events: Iterable[LogEvent],
    output_format: str,
    out: IO[str],
    line_formats: Mapping[str, Callable[[LogEvent], Any]] = _LINE_FORMATS,
) -> int:
    """Write events as NDJSON, ECS, OCSF (one JSON document a line) or CSV; return how many.

    ``line_formats`` maps ``ecs`` and ``ocsf`` to their conversions (``to_ecs`` with a
    category table, for one).

    Nothing is written before the first event: the CSV header comes with it (none when
    there is no event).
    """
    count = 0
    if output_format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        for event in events:
            if not count:
                writer.writerow(csv_header())
            writer.writerow(csv_row(event))
            count += 1
        return count
    for event in events:
        out.write(format_line(event, output_format, line_formats))
        out.write("\n")
        count += 1
    return count


def _events(reading: Reading) -> Iterator[LogEvent]:
    """The events of a reading, typed (it yields events when not asked for records)."""
    yield from reading


@click.command(cls=Command, short_help="Write the events as NDJSON, ECS, OCSF, CSV or Parquet.")
@files_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    required=True,
    help="ndjson: each event exactly as it arrived (its own text; a record that spans lines on "
    "one line, the whitespace between tokens removed; an event inside an envelope: its keys "
    "and values re-serialised); ecs: Elastic's "
    "okta.system documents; ocsf: OCSF 1.8.0 events; csv: the flat records; parquet: the "
    "Arrow schema (needs the 'arrow' extra).",
)
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    metavar="FILE|-",
    help="Where to write ('-': standard output; not for parquet).",
)
@click.option(
    "--elastic-categories",
    "elastic_categories",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="With --format ecs: Elastic's generated Okta category table (its ecs_category_type "
    "ingest pipeline as JSON, e.g. from GET _ingest/pipeline/<id>, or the package's YAML), "
    "for event.category/event.type of every type Elastic maps (default: its PKI rows).",
)
@click.option(
    "--all-types",
    is_flag=True,
    help="Export every record the parser accepts, not only the pki.* ones.",
)
@input_options
@max_errors_option
@filter_options
def export(
    files: tuple[str, ...],
    output_format: str,
    output: str,
    elastic_categories: str | None,
    all_types: bool,
    read_as: ReadAs,
    max_errors: int | None,
    event_filter: EventFilter,
) -> None:
    """Export the events of PATH... (or '-') to NDJSON, ECS, OCSF, CSV or Parquet.

    Events are written as they are read. Invalid records are counted and left out (run
    validate for details). Exits 1 when nothing valid was read, --max-errors stopped the
    reading, or an input ended early (a truncated gzip file); the output file is then not
    written (on standard output, nothing comes before
    the first valid event, and the events written before a stop stay written).
    """
    if output_format == "parquet" and output == "-":
        bad_value(
            "--output", "--format parquet needs a FILE (Parquet cannot be streamed to a pipe)"
        )
    if output != "-" and os.path.isdir(output):
        bad_value("--output", f"cannot write {output}: it is a directory")
    if output != "-" and any(_same_file(name, output) for name in files):
        # a directory or pattern names last run's output too: it would be read again
        bad_value("--output", f"cannot write {output}: it is also an input (write it elsewhere)")
    folder = os.path.dirname(output) or "."
    if output != "-" and not os.path.isdir(folder):
        # before reading anything, and naming the user's path, not the temporary file's
        why = "is not a directory" if os.path.exists(folder) else "does not exist"
        fail(f"cannot write {output}: {folder} {why}")
    line_formats = _LINE_FORMATS
    if elastic_categories is not None:
        if output_format != "ecs":
            raise click.UsageError("--elastic-categories goes with --format ecs")
        try:
            table = ecs_category_table(elastic_categories)
        except (OSError, ValueError) as exc:
            bad_value(
                "--elastic-categories",
                f"cannot read the category table {elastic_categories}: {exc}",
            )
        line_formats = {**_LINE_FORMATS, "ecs": functools.partial(to_ecs, categories=table)}
    reading = read_events(
        files,
        event_filter=event_filter,
        only_pki=not all_types,
        max_errors=max_errors,
        read_as=read_as,
        lazy=output_format == "ndjson",  # each event keeps its text, and is validated whole
    )
    count = 0
    try:
        if output_format == "parquet":
            count = _parquet(reading, output)
        else:
            with _output(output, binary=False) as out:
                count = write_text(_events(reading), output_format, out, line_formats)
                _check(reading, max_errors, count if output == "-" or in_place(output) else 0)
                if not count and output_format == "csv":  # valid but none kept: a header
                    csv.writer(out, lineterminator="\n").writerow(csv_header())
    except ImportError as exc:
        fail(str(exc))
    reading.echo(
        f"{plural(count, 'event')} written to {'standard output' if output == '-' else output} "
        f"({output_format}); {plural(reading.stats.failed, 'invalid record')} left out"
        + (f", {plural(reading.filtered, 'event')} filtered" if reading.filtered else ""),
        err=True,
    )


def _same_file(name: str, output: str) -> bool:
    """Whether the input ``name`` is the file ``output`` (``-`` is standard input)."""
    try:
        return name != "-" and os.path.samefile(name, output)
    except OSError:  # the output does not exist yet (or cannot be looked at)
        return False


def _check(reading: Reading, max_errors: int | None, streamed: int = 0) -> None:
    """Stop (exit 1, no output file) when the export would not be whole.

    That is when nothing valid was read, the reading stopped, or an input ended early (a
    truncated gzip file: an export of part of it is not written). ``streamed``: the events
    already written to standard output (they cannot be taken back).
    """
    written = (
        f"the output is cut short after {plural(streamed, 'event')}"
        if streamed
        else "nothing written"
    )
    if reading.stopped:
        raise NothingValidError(
            f"stopped after {plural(reading.stats.failed, 'invalid record')} "
            f"(--max-errors {max_errors}): {written} (run validate for details)"
        )
    reading.require_valid()
    cut_short(reading.cut, f"; {written}")


def _parquet(reading: Reading, output: str) -> int:
    from ..export import write_parquet

    events = _events(reading)
    special = in_place(output)  # a link, a device or a pipe: written through, never replaced
    partial = output if special else f"{output}.parquet-partial"
    try:
        count = write_parquet(events, partial)
        _check(reading, reading.max_errors)
        if not special:
            os.replace(partial, output)
    except OSError as exc:  # the output's directory, permissions, a full disk
        fail(f"cannot write {output}: {exc}")
    finally:
        if not special:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
    return count

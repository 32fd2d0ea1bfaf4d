"""What the commands share: errors, consoles, progress, reading the inputs, common options.

``rich`` is imported only inside the functions that render, so that a command that prints
JSON (and ``--help``, ``--version``) never pays for it.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import functools
import gzip
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .._stream import (
    DEFAULT_MAX_RECORD_BYTES,
    EnvelopeOption,
    EventStream,
    Format,
    ParseFailure,
    Record,
    SourceError,
    StreamStats,
    iter_events,
    iter_records,
)
from ..envelopes import ENVELOPE_NAMES
from ..models.catalog import CATALOG_BY_ANY_TYPE
from ..models.events import EVENT_MODELS, EVENT_TYPES, PKI_PREFIX, BaseKnownPkiEvent
from ..models.log_event import LogEvent
from ..models.vocabulary import KNOWN_OUTCOME_RESULTS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = [
    "USAGE_ERROR",
    "CliError",
    "Command",
    "bad_value",
    "check_time_range",
    "closest_types",
    "counter_table",
    "cut_message",
    "cut_short",
    "EventFilter",
    "ReadAs",
    "Reading",
    "fail",
    "files_argument",
    "filter_options",
    "input_options",
    "json_option",
    "max_errors_option",
    "nothing_valid",
    "NothingValidError",
    "out_console",
    "plural",
    "read_events",
    "records_line",
    "run_main",
    "when_callback",
]

USAGE_ERROR = 2
INTERNAL_ERROR = 70  # EX_SOFTWARE (sysexits.h): a defect of this tool
INTERRUPTED = 130
CLOSED_PIPE = 141
NOTHING_VALID = 1
PROGRESS_EVERY = 2000

TRACEBACK_ENV = "OKTA_PKI_EVENTS_TRACEBACK"
"""Set (to anything) in the environment, a defect of the tool shows its traceback."""

F = TypeVar("F", bound=Callable[..., Any])


# -- errors and exit codes ----------------------------------------------------------------------


class CliError(click.ClickException):
    """An error the user can fix: one line on standard error, no traceback (exit 2)."""

    exit_code = USAGE_ERROR
    label = "error: "

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``okta-pki-events: error: <message>`` on standard error."""
        click.echo(f"okta-pki-events: {self.label}{self.format_message()}", err=True)


class NothingValidError(CliError):
    """The input held no valid record (empty, or all invalid): exit status 1."""

    exit_code = NOTHING_VALID
    label = ""


def cut_short(failures: Sequence[ParseFailure], then: str = "") -> None:
    """Stop with exit status 1 when an input could not be read to its end; else nothing.

    A truncated or corrupt gzip file (a download cut short), invalid UTF-16 or a read
    error ends the reading of that input at the line where it happened: the records before
    it were read (and reported on), the rest of the input was not. A command calls it once
    its work on what was read is done, so that the cut is not mistaken for one invalid
    record among others. ``then`` ends the message (what became of the output).
    """
    message = cut_message(failures)
    if message:
        raise NothingValidError(message + then)


def cut_message(failures: Sequence[ParseFailure]) -> str | None:
    """Where and why an input ended early, among ``failures`` (see ``cut_short``), or None."""
    cuts = [f.message for f in failures if isinstance(f.error, SourceError)]
    return f"{'; '.join(cuts)}; nothing after it was read" if cuts else None


def fail(message: str) -> NoReturn:
    """Stop with a one-line error (exit status 2): an input or output the work cannot use.

    For what happens while the command works (a file that cannot be read or written, a
    missing extra); a mistake in the command line itself is a usage error (``bad_value``,
    ``click.UsageError``), shown in click's shape.
    """
    raise CliError(message)


def bad_value(option: str, message: str) -> NoReturn:
    """Stop with a usage error about ``option``'s value, in click's shape (exit status 2).

    ``Usage: ...``, ``Try '... --help' for help.``, then ``Error: Invalid value for
    '--option': <message>``: the shape click gives a value its type refuses, so that every
    usage error of the tool reads alike. For options that exclude each other, raise
    ``click.UsageError`` naming them.
    """
    raise click.BadParameter(message, param_hint=[option])


def check_time_range(since: datetime | None, until: datetime | None) -> None:
    """A usage error unless ``--since`` comes before ``--until`` (when both are given)."""
    if since is not None and until is not None and since >= until:
        bad_value("--since", f"{since.isoformat()} is not before --until ({until.isoformat()})")


def quiet_closed_pipe() -> NoReturn:
    """The reader of our output went away (``| head``): end quietly, as ``cat`` would.

    Standard output is pointed at ``/dev/null`` so that the final flush cannot fail again;
    the exit status is 141 (128 + SIGPIPE), what a shell reports for a tool the pipe killed.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(CLOSED_PIPE)


def _safe_streams() -> None:
    """Never fail on printing text Okta sent: a lone surrogate is written escaped."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def run_main(invoke: Callable[[], Any]) -> NoReturn:
    """Run a click command (``invoke`` calls its ``main`` with ``standalone_mode=False``).

    Usage errors, Ctrl-C and closed pipes are handled here, without a traceback; so are a
    file that cannot be read or written (an ``OSError`` of any origin: a usage error), a
    missing optional dependency (a usage error naming it) and, as
    a last resort, a defect (one line naming the exception; ``TRACEBACK_ENV=1`` shows the
    traceback).

    Exit statuses: what the command chose (0, or 1 for invalid records), 2 for usage errors,
    70 for a defect, 130 on Ctrl-C (128 + SIGINT), 141 when the reader of the output went
    away.
    """
    _safe_streams()
    try:
        code = invoke()
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        with contextlib.suppress(OSError, ValueError):
            click.echo("okta-pki-events: interrupted", err=True)
        code = INTERRUPTED
    except BrokenPipeError:
        quiet_closed_pipe()
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename and exc.strerror else ""
        CliError(f"{where}{exc.strerror or exc}").show()
        code = USAGE_ERROR
    except Exception as exc:  # the last resort: never a traceback unless asked for
        if os.environ.get(TRACEBACK_ENV):
            raise
        code = _last_resort(exc)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_closed_pipe()
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(code if isinstance(code, int) else 0)


def _last_resort(exc: Exception) -> int:
    """Report what no command handled in one line; its exit status.

    A missing optional dependency (an extra not installed) is a usage error naming it;
    anything else is a defect of the tool.
    """
    missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
    if missing and not missing.startswith("okta_pki_events"):
        message = (
            f"error: this needs {missing}, which is not installed: install the extra that "
            "provides it (pip install 'okta-pki-events[EXTRA]'; the docs list the extras)"
        )
        code = USAGE_ERROR
    else:
        message = (
            f"internal error: {type(exc).__name__}: {exc} "
            f"(a defect: please report it; {TRACEBACK_ENV}=1 shows the traceback)"
        )
        code = INTERNAL_ERROR
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"okta-pki-events: {message}", err=True)
    return code


class Command(click.Command):
    """The class of every command: each usage error shows the command's usage line.

    Click's parser leaves the context off one of its own errors (an option given a value it
    does not take, ``--json=yes``), which then printed only ``Error: ...``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the command line; a usage error without a context gets this one."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


# -- options -----------------------------------------------------------------------------------

json_option = click.option("--json", "as_json", is_flag=True, help="Write JSON for machines.")


def _input_paths(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    """The files the PATH arguments name, ``-`` kept: what every command reads, in order.

    The one place the command line's paths are expanded: the commands read the names it
    gives as they are (``lifecycle`` too), so that the same arguments read the same files.

    A file; a directory (its JSON and NDJSON files, gzip or not, recursively, sorted); a
    glob pattern (sorted). A name that matches nothing, or a directory without such files,
    is a usage error. A file named more than once (directly, through a directory or a
    pattern, or through a link) is read once, where it is first named.
    """
    from ..lifecycle._sources import expand_sources

    names: list[str] = []
    seen: set[str] = set()
    for name in value:
        if name == "-":
            names.append(name)
            continue
        try:
            found = expand_sources(name)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
        if not found:
            raise click.BadParameter(
                f"no input files in {name!r} (*.json, *.ndjson, *.jsonl, gzip or not)", ctx, param
            )
        for path in found:
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                names.append(str(path))
    return tuple(names)


files_argument = click.argument(
    "files", nargs=-1, required=True, metavar="PATH...|-", callback=_input_paths
)


_ENVELOPES: dict[str, EnvelopeOption] = {
    "auto": "auto",
    "none": None,
    **{name: name for name in ENVELOPE_NAMES},
}


def input_options(command: F) -> F:
    """Add ``--input-format``, ``--envelope`` and ``--max-record-bytes``; pass ``read_as``.

    (``--input-format``, not ``--format``: ``export --format`` names what it writes.)
    """
    options = [
        click.option(
            "--input-format",
            "input_format",
            type=click.Choice(["auto", "ndjson", "json"]),
            default="auto",
            show_default=True,
            help="How the input is cut into records: one per line (ndjson), JSON values "
            "(json: a document, an array read element by element), or decided line by line.",
        ),
        click.option(
            "--envelope",
            type=click.Choice(["auto", "none", *ENVELOPE_NAMES]),
            default="auto",
            show_default=True,
            help="What the records are delivered in: none (bare events), one envelope for "
            "every record, or told record by record.",
        ),
        click.option(
            "--max-record-bytes",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_RECORD_BYTES,
            show_default=True,
            help="A record larger than this is one invalid record, skipped without being held.",
        ),
    ]

    def wrapper(
        *args: Any, input_format: Format, envelope: str, max_record_bytes: int, **kwargs: Any
    ) -> Any:
        kwargs["read_as"] = ReadAs(input_format, _ENVELOPES[envelope], max_record_bytes)
        return command(*args, **kwargs)

    wrapped = functools.update_wrapper(wrapper, command)
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[return-value]


@dataclass(frozen=True)
class ReadAs:
    """How to read the inputs (``input_options`` gives it): ``iter_events``' choices."""

    format: Format = "auto"
    """``auto``, ``ndjson`` or ``json``."""
    envelope: EnvelopeOption = "auto"
    """``auto``, None (bare events) or an envelope's name."""
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    """The size over which a record is one failure, not read."""


max_errors_option = click.option(
    "--max-errors",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop reading after N invalid records (exit status 1).",
)


_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(text: str, *, now: datetime | None = None) -> datetime:
    """A point in time: ISO 8601 (``2024-08-13``, ``2024-08-13T15:58:20Z``) or a duration ago.

    A duration (``90s``, ``15m``, ``24h``, ``7d``, ``2w``) counts back from now. A time
    without a zone is UTC, as Okta's ``published`` is; a date alone is its midnight UTC.
    """
    match = _DURATION.match(text.strip())
    if match:
        amount, unit = int(match.group(1)), _UNITS[match.group(2)]
        try:
            return (now or datetime.now(timezone.utc)) - timedelta(**{unit: amount})
        except OverflowError:
            raise ValueError(
                f"{text!r} is too long ago: a duration reaches back to the year 1 at most"
            ) from None
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: use ISO 8601 (2024-08-13, 2024-08-13T15:58:20Z) "
            "or a duration ago (90s, 15m, 24h, 7d, 2w)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def when_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """Click callback: the option's TIME as an aware datetime (``parse_when``), or None."""
    if value is None:
        return None
    try:
        return parse_when(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def event_type_pattern(text: str) -> str:
    """A ``--type`` value checked: a known type (or alias) made canonical, or a pattern.

    A pattern (``pki.cert.*``) must start with ``pki.`` or match a catalogued type; a plain
    name must be catalogued (a typo is an error with the closest names), since a filter that
    silently matches nothing would pass a pipeline by mistake.
    """
    text = text.strip()
    if any(ch in text for ch in "*?["):
        if text.startswith(PKI_PREFIX) or any(fnmatch.fnmatchcase(t, text) for t in EVENT_TYPES):
            return text
        raise ValueError(f"the pattern {text!r} matches no PKI event type (they start with 'pki.')")
    model = EVENT_MODELS.get(text)
    if model is not None:
        return model.catalog.event_type
    raise ValueError(
        f"unknown event type {text!r}{closest_types(text)} (see `okta-pki-events catalog`; a "
        "pattern such as 'pki.cert.*' also matches types not in the catalogue)"
    )


def closest_types(text: str) -> str:
    """``"; did you mean pki.cert.issue or ...?"``: the catalogued types closest to a typo."""
    close = difflib.get_close_matches(text, EVENT_TYPES, n=3)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _types_option(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    try:
        return tuple(dict.fromkeys(event_type_pattern(v) for v in value))
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@dataclass(frozen=True)
class EventFilter:
    """Which events a command keeps: by type, time range and outcome (all must match)."""

    types: tuple[str, ...] = ()
    """Canonical event types or ``fnmatch`` patterns (``pki.cert.*``); empty: any type."""
    since: datetime | None = None
    """Keep events published at or after this time."""
    until: datetime | None = None
    """Keep events published before this time."""
    outcomes: frozenset[str] = field(default_factory=frozenset)
    """Keep events whose ``outcome.result`` is one of these; empty: any outcome."""

    @property
    def active(self) -> bool:
        """Whether the filter drops anything at all."""
        return bool(self.types or self.since or self.until or self.outcomes)

    def matches_type(self, wire: str, canonical: str | None = None) -> bool:
        """Whether an event type passes ``types``: its canonical type or its wire type.

        ``canonical`` defaults to the catalogue's for ``wire`` (an alias gives its canonical
        type); the one rule of every command, on events and on lifecycle records alike.
        """
        if not self.types:
            return True
        if canonical is None:
            entry = CATALOG_BY_ANY_TYPE.get(wire)
            canonical = entry.event_type if entry is not None else wire
        return any(
            fnmatch.fnmatchcase(canonical, t) or fnmatch.fnmatchcase(wire, t) for t in self.types
        )

    def matches(self, event: LogEvent) -> bool:
        """Whether ``event`` passes every condition."""
        if self.types:
            canonical = (
                type(event).catalog.event_type if isinstance(event, BaseKnownPkiEvent) else None
            )
            if not self.matches_type(event.event_type, canonical):
                return False
        if self.since is not None and event.published < self.since:
            return False
        if self.until is not None and event.published >= self.until:
            return False
        if self.outcomes:
            result = event.outcome.result if event.outcome else None
            if result not in self.outcomes:
                return False
        return True


def filter_options(command: F) -> F:
    """Add ``--type``, ``--since``, ``--until`` and ``--outcome``; pass ``event_filter``."""
    options = [
        click.option(
            "--type",
            "types",
            multiple=True,
            metavar="TYPE",
            callback=_types_option,
            help="Keep events of this type (repeatable; aliases and patterns such as "
            "'pki.cert.*' work).",
        ),
        click.option(
            "--since",
            metavar="TIME",
            callback=when_callback,
            help="Keep events published at or after TIME (ISO 8601, UTC unless it says "
            "otherwise, or a duration ago: 24h, 7d).",
        ),
        click.option(
            "--until",
            metavar="TIME",
            callback=when_callback,
            help="Keep events published before TIME.",
        ),
        click.option(
            "--outcome",
            "outcomes",
            multiple=True,
            type=click.Choice(sorted(KNOWN_OUTCOME_RESULTS), case_sensitive=False),
            help="Keep events whose outcome.result is this (repeatable).",
        ),
    ]

    def wrapper(
        *args: Any,
        types: tuple[str, ...],
        since: datetime | None,
        until: datetime | None,
        outcomes: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        check_time_range(since, until)
        kwargs["event_filter"] = EventFilter(
            types=types,
            since=since,
            until=until,
            outcomes=frozenset(o.upper() for o in outcomes),
        )
        return command(*args, **kwargs)

    wrapped = functools.update_wrapper(wrapper, command)
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[return-value]


# -- output ------------------------------------------------------------------------------------


_NO_TERMINAL_WIDTH = 200


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 record``, ``4,107 records``: a count with its noun, agreed."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def records_line(counts: Mapping[str, int]) -> str:
    """What was read, from ``Reading.counts()``: records, PKI events, skipped, invalid, filtered.

    The last line of ``summary`` and ``lifecycle``: the same words for the same counts.
    """
    text = (
        f"{plural(counts['read'], 'record')}: {plural(counts['parsed'], 'PKI event')}, "
        f"{plural(counts['skipped'], 'other record')} skipped, {counts['failed']:,} invalid"
    )
    if counts["failed"]:
        text += " (run validate for details)"
    if counts.get("filtered"):
        text += f"; {plural(counts['filtered'], 'event')} left out by the filters"
    return text


def terminal_width() -> int:
    """The width of the user's terminal, even when standard output is a pipe.

    ``COLUMNS`` first (what rich and the shell honour), then the terminal on standard
    output, error or input; with no terminal at all (a CI log), 200 columns, so that
    tables are not cut.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (sys.__stdout__, sys.__stderr__, sys.__stdin__):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            if stream is not None:
                return os.get_terminal_size(stream.fileno()).columns
    return _NO_TERMINAL_WIDTH


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@functools.cache
def _console_class() -> type[Console]:
    """The ``Console`` of rich, but a closed pipe ends the tool as ``run_main`` ends it (141).

    rich's own handler points standard output at ``/dev/null`` and exits with status 1,
    the status that says "nothing valid was read": ``summary x | head -1`` exited 1.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _Console


def out_console() -> Console:
    """The console of the human output (standard output), as wide as the user's terminal."""
    # Okta's data is text, never markup or emoji codes: "[/bold]" in an eventType is printed
    return _console_class()(
        file=sys.stdout,
        soft_wrap=True,
        width=None if _isatty(sys.stdout) else terminal_width(),
        highlight=False,
        markup=False,
        emoji=False,
    )


def counter_table(
    title: str, counts: Mapping[str, int], column: str, styles: Mapping[str, str] | None = None
) -> Table:
    """A two-column table: a key and its count (``styles`` colours some keys)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", min_width=len(title))
    table.add_column(column, no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    for key, count in counts.items():
        table.add_row(key, f"{count:,}", style=(styles or {}).get(key))
    return table


# -- reading -----------------------------------------------------------------------------------


class _Display:
    """A transient progress display on the user's terminal, and the lines printed meanwhile.

    The display goes to standard output's console when that is a terminal (the same console
    as the output), else to standard error's when that is one, else nowhere. A line printed
    while it shows goes through its console when the line's destination is a terminal, so
    that it lands above the display, never glued to it. A file of known size gets a bar with
    bytes, rate and time left; a stream (standard input, a pipe) a spinner and a count.
    """

    def __init__(self) -> None:
        self.console: Console | None = None
        self.progress: Any = None
        self.task: Any = None

    def _terminal_console(self) -> Console | None:
        console = _console_class()
        if _isatty(sys.stdout):
            return console(file=sys.stdout, highlight=False, markup=False, emoji=False)
        if _isatty(sys.stderr):
            return console(file=sys.stderr, highlight=False, markup=False, emoji=False)
        return None

    def start(self, name: str, size: int | None) -> None:
        """Show the progress of one input (``size`` in bytes, None for a stream)."""
        self.stop()
        if not (_isatty(sys.stdout) or _isatty(sys.stderr)):
            return
        from rich import progress as rp

        if self.console is None:
            self.console = self._terminal_console()
        records = rp.TextColumn("{task.fields[records]}", markup=False)
        label = rp.TextColumn("{task.description}", markup=False)
        columns: list[Any]
        if size is None:
            columns = [rp.SpinnerColumn(), label, records]
            columns.append(rp.TimeElapsedColumn())
        else:
            columns = [label, rp.BarColumn(), rp.DownloadColumn()]
            columns += [rp.TransferSpeedColumn(), rp.TimeRemainingColumn(), records]
        self.progress = rp.Progress(*columns, console=self.console, transient=True)
        self.progress.start()
        self.task = self.progress.add_task(os.path.basename(name), total=size, records="")

    def update(self, position: int | None, records: int) -> None:
        """Move the display on: bytes read so far (for a file) and records read."""
        if self.progress is not None:
            self.progress.update(
                self.task, completed=position or 0, records=plural(records, "record")
            )

    def stop(self) -> None:
        """Remove the display (it is transient: nothing stays on the terminal)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def echo(self, text: str, *, err: bool = False) -> None:
        """Print a line of output (or, ``err``, of diagnostics) without breaking the display."""
        console = self.console
        to_terminal = _isatty(sys.stderr if err else sys.stdout)
        if self.progress is not None and console is not None and to_terminal:
            console.print(text, markup=False, highlight=False, soft_wrap=True)
            return
        click.echo(text, err=err)


def stats_dict(stats: StreamStats) -> dict[str, int]:
    """The counts of a stream as a JSON-ready dict."""
    return {
        "read": stats.read,
        "parsed": stats.parsed,
        "failed": stats.failed,
        "skipped": stats.skipped,
    }


def _add(total: StreamStats, stats: StreamStats) -> None:
    total.read += stats.read
    total.parsed += stats.parsed
    total.failed += stats.failed
    total.skipped += stats.skipped


def _regular_size(handle: Any) -> int | None:
    """The size of the file behind ``handle`` if it is a regular one (not a pipe), else None."""
    try:
        info = os.fstat(handle.fileno())
        handle.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


_TICK = 64  # records between two progress updates
_RAW_LIMIT = 100_000  # characters of a failed record's text kept (as ``ParseFailure.raw``)


class Reading:
    """The events (and, if asked, the failures) of the inputs, filtered, with their counts.

    Iterate it once; meanwhile print through ``echo`` (it keeps the progress display clean).
    Afterwards ``stats`` holds the summed counts, ``files`` each input's counts, ``filtered``
    the parsed events that the filter left out, ``stopped`` whether ``max_errors`` ended
    the reading early, and ``cut`` the failures that ended an input early (a truncated gzip
    file: the records before it were read, not the rest). Every record read is counted once:
    ``parsed + failed + skipped == read``.
    """

    def __init__(
        self,
        files: tuple[str, ...],
        *,
        event_filter: EventFilter,
        only_pki: bool,
        failures: bool,
        records: bool,
        max_errors: int | None,
        read_as: ReadAs,
        lazy: bool = False,
    ) -> None:
        """Prepare to read ``files`` (``-`` is standard input); nothing is read yet."""
        self.names = files
        self.lazy = lazy
        self.event_filter = event_filter
        self.only_pki = only_pki
        self.failures = failures
        self.records = records
        self.max_errors = max_errors
        self.read_as = read_as
        self.stats = StreamStats()
        self.files: dict[str, StreamStats] = {}
        self.filtered = 0
        self.stopped = False
        self.cut: list[ParseFailure] = []
        self._display = _Display()

    def echo(self, text: str, *, err: bool = False) -> None:
        """Print a line while reading, above the progress display."""
        self._display.echo(text, err=err)

    def counts(self) -> dict[str, int]:
        """The summed counts as a JSON-ready dict, with ``filtered`` (parsed, then dropped)."""
        return stats_dict(self.stats) | {"filtered": self.filtered}

    @property
    def where(self) -> str:
        """The inputs, named for a message."""
        return _where(self.names)

    def nothing_valid(self) -> str | None:
        """Why nothing valid was read (an empty input, only invalid records), else None."""
        return nothing_valid(self.stats, self.names)

    def nothing_kept(self) -> str | None:
        """Why no event is left although valid records were read, else None."""
        stats = self.stats
        if stats.parsed - self.filtered > 0 or self.nothing_valid():
            return None
        if stats.parsed == 0:
            return f"no PKI events in {self.where} ({plural(stats.skipped, 'other record')})"
        return f"no events match the filters ({plural(stats.parsed, 'PKI event')} read)"

    def require_whole(self) -> None:
        """Stop with exit status 1 when an input could not be read to its end (``cut_short``)."""
        cut_short(self.cut)

    def require_valid(self) -> None:
        """Stop with exit status 1 when nothing valid was read (see ``nothing_valid``)."""
        message = self.nothing_valid()
        if message:
            cut_short(self.cut)  # the input ended at its first record: say why
            hint = " (run validate for details)" if self.stats.failed else ""
            raise NothingValidError(message + hint)

    def _open(self, name: str) -> tuple[Any, str, int | None]:
        """The source to read, its name for messages, its size when it is a regular file."""
        if name == "-":
            stdin = sys.stdin
            if stdin is None or getattr(stdin, "closed", False):
                fail("standard input is closed")
            source = getattr(stdin, "buffer", stdin)
            return source, "<stdin>", _regular_size(source)  # `< file`: a bar too
        handle = open(name, "rb")  # noqa: SIM115 - closed after reading, in __iter__
        return handle, name, _regular_size(handle)

    def __iter__(self) -> Iterator[Any]:
        keep = self.event_filter.matches if self.event_filter.active else None
        failures, records, limit, lazy = self.failures, self.records, self.max_errors, self.lazy
        display = self._display
        label = ""
        try:
            for name in self.names:
                label = "<stdin>" if name == "-" else name
                source, label, size = self._open(name)
                stream: EventStream[Any] = (iter_records if records or lazy else iter_events)(
                    source,
                    on_error="collect",
                    only_pki=self.only_pki,
                    format=self.read_as.format,
                    envelope=self.read_as.envelope,
                    max_record_bytes=self.read_as.max_record_bytes,
                    lazy=lazy,
                )
                tell = source.tell if size is not None else None
                display.start(label, size)
                count = 0
                try:
                    for item in stream:
                        count += 1
                        if count % _TICK == 0:
                            display.update(tell() if tell else None, stream.stats.read)
                        if lazy and not isinstance(item, ParseFailure):
                            item = _validated_whole(item, stream.stats)
                        if isinstance(item, ParseFailure):
                            if not item.source:
                                item = replace(item, source=label)
                            if isinstance(item.error, SourceError):
                                self.cut.append(item)
                            if failures:
                                yield item
                            if (
                                limit is not None
                                and self.stats.failed + stream.stats.failed >= limit
                            ):
                                self.stopped = True
                                break
                            continue
                        if keep is not None and not keep(item.event if records or lazy else item):
                            self.filtered += 1
                            continue
                        yield item.event if lazy and not records else item
                finally:
                    display.stop()
                    if source is not sys.stdin and name != "-":
                        source.close()
                self.files[label] = stream.stats
                _add(self.stats, stream.stats)
                if self.stopped:
                    break
        except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            fail(f"cannot read {label}: {exc}")


def _where(names: Sequence[str]) -> str:
    """The inputs, named for a message."""
    shown = ["standard input" if n == "-" else n for n in names]
    return shown[0] if len(shown) == 1 else f"{len(shown)} inputs"


_NOT_JSON: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive, not JSON text: extract it first"),
    (b"PAR1", "a Parquet file, not JSON text: read it with DuckDB, Polars or pyarrow"),
    (b"BZh", "bzip2-compressed (only gzip is read): decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed (only gzip is read): decompress it first"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed (only gzip is read): decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not JSON text: extract it first"),
    (b"SQLite format 3\x00", "an SQLite database, not JSON text"),
)
"""First bytes that no JSON text starts with, and what a file starting so is."""


def not_json_hint(names: Sequence[str]) -> str:
    """What the first named file that is certainly not JSON text is (``"x.zip is ..."``), or "".

    Said only beside "no valid records": each record was tried and reported all the same.
    """
    for name in names:
        if name == "-" or not os.path.isfile(name):  # a pipe is read once: never reopened
            continue
        try:
            with open(name, "rb") as handle:
                start = handle.read(16)
        except OSError:
            continue
        for magic, what in _NOT_JSON:
            if start.startswith(magic):
                return f"{name} is {what}"
    return ""


def nothing_valid(stats: StreamStats, names: Sequence[str]) -> str | None:
    """Why nothing valid was read from ``names`` (an empty input, only invalid records)."""
    where = _where(names)
    if stats.read == 0:
        return f"no records in {where}"
    if stats.parsed == 0 and stats.skipped == 0:
        hint = not_json_hint(names)
        return f"no valid records in {where}: {plural(stats.failed, 'record')} read, none valid" + (
            f"; {hint}" if hint else ""
        )
    return None


def _validated_whole(record: Record[LogEvent], stats: StreamStats) -> Any:
    """A lazy record validated whole: the record, or its failure (moved to ``stats.failed``).

    The lazy reader validates six fields and keeps the record's text; reading the extras
    validates the rest, so a record the eager reader refuses is refused here too.
    """
    try:
        _ = record.event.model_extra  # the first read of a deferred slot validates the text
    except ValueError as exc:
        stats.parsed -= 1
        stats.failed += 1
        raw = record.event.model_dump_json()  # a lazy event's own text, not re-validated
        return ParseFailure(
            record.line, record.index, exc, raw[:_RAW_LIMIT], record.source, record.positions
        )
    return record


def read_events(
    files: tuple[str, ...],
    *,
    event_filter: EventFilter | None = None,
    only_pki: bool = True,
    failures: bool = False,
    records: bool = False,
    max_errors: int | None = None,
    read_as: ReadAs | None = None,
    lazy: bool = False,
) -> Reading:
    """Read the events of ``files``: see ``Reading``.

    Args:
        files: paths, or ``-`` for standard input.
        event_filter: the events to keep (``filter_options`` gives it); default: all.
        only_pki: skip non-PKI records (counted in ``stats.skipped``).
        failures: yield each ``ParseFailure`` too (else they are only counted).
        records: yield ``Record``s (event, line, index, source) instead of bare events.
        max_errors: stop after this many invalid records (``Reading.stopped`` then says so).
        read_as: the framing (format, envelope) of the inputs; default: both ``auto``.
        lazy: read with ``lazy=True``, so that each event read from a line of text keeps that
            text (``model_dump_json()``); every event is still validated whole before it is
            yielded, and counted as a failure when that fails.

    """
    return Reading(
        files,
        event_filter=event_filter or EventFilter(),
        only_pki=only_pki,
        failures=failures,
        records=records,
        max_errors=max_errors,
        read_as=read_as or ReadAs(),
        lazy=lazy,
    )

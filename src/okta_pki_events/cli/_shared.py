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
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .._stream import EventStream, OnError, ParseFailure, StreamStats, iter_events
from ..models.events import EVENT_MODELS, EVENT_TYPES, PKI_PREFIX, BaseKnownPkiEvent
from ..models.log_event import LogEvent
from ..models.vocabulary import KNOWN_OUTCOME_RESULTS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = [
    "USAGE_ERROR",
    "CliError",
    "counter_table",
    "EventFilter",
    "Reading",
    "fail",
    "files_argument",
    "filter_options",
    "json_option",
    "out_console",
    "read_events",
    "run_cli",
]

USAGE_ERROR = 2
INTERRUPTED = 130
PROGRESS_EVERY = 2000

F = TypeVar("F", bound=Callable[..., Any])


# -- errors ------------------------------------------------------------------------------------


class CliError(click.ClickException):
    """A usage error: one line on standard error, exit status 2, no traceback."""

    exit_code = USAGE_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``okta-pki-events: error: <message>`` on standard error."""
        click.echo(f"okta-pki-events: error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    """Stop with a one-line usage error (exit status 2)."""
    raise CliError(message)


def run_cli(main: click.Command) -> None:
    """Run ``main``, ending quietly when the reader of its output goes away."""
    try:
        main()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout.close()
        sys.exit(0)


# -- options -----------------------------------------------------------------------------------

json_option = click.option("--json", "as_json", is_flag=True, help="Write JSON for machines.")
files_argument = click.argument("files", nargs=-1, required=True, metavar="FILE...|-")


def check_files(files: tuple[str, ...]) -> None:
    """Refuse missing, unreadable and directory arguments before reading anything."""
    for name in files:
        if name == "-":
            continue
        path = Path(name)
        if path.is_dir():
            fail(f"{name}: is a directory")
        if not path.exists():
            fail(f"{name}: no such file")
        if not os.access(path, os.R_OK):
            fail(f"{name}: permission denied")


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
        return (now or datetime.now(timezone.utc)) - timedelta(**{unit: amount})
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


def _when_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
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
    close = difflib.get_close_matches(text, EVENT_TYPES, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ValueError(
        f"unknown event type {text!r}{hint} (see `okta-pki-events catalog`; a pattern such "
        "as 'pki.cert.*' also matches types not in the catalogue)"
    )


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

    def matches(self, event: LogEvent) -> bool:
        """Whether ``event`` passes every condition."""
        if self.types:
            wire = event.event_type
            canonical = (
                type(event).catalog.event_type if isinstance(event, BaseKnownPkiEvent) else wire
            )
            if not any(
                fnmatch.fnmatchcase(canonical, t) or fnmatch.fnmatchcase(wire, t)
                for t in self.types
            ):
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
            callback=_when_option,
            help="Keep events published at or after TIME (ISO 8601, UTC unless it says "
            "otherwise, or a duration ago: 24h, 7d).",
        ),
        click.option(
            "--until",
            metavar="TIME",
            callback=_when_option,
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
        if since is not None and until is not None and since >= until:
            raise click.BadParameter(
                f"--since ({since.isoformat()}) must be before --until ({until.isoformat()})"
            )
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


def out_console() -> Console:
    """The console of the human output (standard output), as wide as the terminal."""
    from rich.console import Console

    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def counter_table(title: str, counts: dict[str, int], column: str) -> Table:
    """A two-column table: a key and its count."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(column)
    table.add_column("count", justify="right")
    for key, count in counts.items():
        table.add_row(key, f"{count:,}")
    return table


# -- reading -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[StreamStats], None]]:
    """A progress display on standard error when it is a terminal; a no-op otherwise."""
    if not sys.stderr.isatty():
        yield lambda stats: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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


def _add(total: StreamStats, stats: StreamStats) -> None:
    total.read += stats.read
    total.parsed += stats.parsed
    total.failed += stats.failed
    total.skipped += stats.skipped


def stats_dict(stats: StreamStats) -> dict[str, int]:
    """The counts of a stream as a JSON-ready dict."""
    return {
        "read": stats.read,
        "parsed": stats.parsed,
        "failed": stats.failed,
        "skipped": stats.skipped,
    }


class Reading:
    """Every event (and, with ``on_error="collect"``, failure) of the inputs, filtered.

    Iterate it once; then ``stats`` holds the summed counts, ``files`` each file's counts,
    and ``filtered`` the parsed events the filter dropped (``parsed - filtered`` were kept).
    """

    def __init__(
        self,
        files: tuple[str, ...],
        *,
        event_filter: EventFilter,
        only_pki: bool,
        on_error: OnError,
    ) -> None:
        """Prepare to read ``files`` (``-`` is standard input); nothing is read yet."""
        check_files(files)
        self.names = files
        self.event_filter = event_filter
        self.only_pki = only_pki
        self.on_error = on_error
        self.stats = StreamStats()
        self.files: dict[str, StreamStats] = {}
        self.filtered = 0

    def counts(self) -> dict[str, int]:
        """The summed counts as a JSON-ready dict, with ``filtered`` (parsed, then dropped)."""
        return stats_dict(self.stats) | {"filtered": self.filtered}

    def _streams(self) -> Iterator[tuple[str, EventStream[Any]]]:
        for name in self.names:
            source: Any = sys.stdin.buffer if name == "-" else name
            stream: EventStream[Any] = iter_events(
                source, on_error=self.on_error, only_pki=self.only_pki
            )
            yield ("<stdin>" if name == "-" else name), stream

    def __iter__(self) -> Iterator[Any]:
        keep = self.event_filter.matches if self.event_filter.active else None
        try:
            with _progress() as update:
                for name, stream in self._streams():
                    for item in stream:
                        update(stream.stats)
                        if (
                            keep is not None
                            and not isinstance(item, ParseFailure)
                            and not keep(item)
                        ):
                            self.filtered += 1
                            continue
                        yield item
                    self.files[name] = stream.stats
                    _add(self.stats, stream.stats)
        except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
            fail(f"cannot read input: {exc}")


def read_events(
    files: tuple[str, ...],
    *,
    event_filter: EventFilter | None = None,
    only_pki: bool = True,
    on_error: OnError = "skip",
) -> Reading:
    """Read the events of ``files`` (see ``Reading``)."""
    return Reading(
        files, event_filter=event_filter or EventFilter(), only_pki=only_pki, on_error=on_error
    )

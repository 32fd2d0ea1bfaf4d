"""Exactly-once pulling into an NDJSON file: the state file, its lock, the output sinks.

Per page: write the events (and the dead letters), fsync them, then save the state (the
``next`` URL and the files' byte offsets) atomically: temp file, fsync, ``os.replace``. On
start, the files are cut back to the saved offsets, so whatever a crash left half done is
removed and fetched again: the output is the same bytes as an uninterrupted run's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..models._base import format_okta_datetime
from ._core import Page, PullConfig
from ._drivers import pull_pages

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["PullResult", "SavedState", "StateError", "StateFile", "pull_to_file"]

STATE_VERSION = 1
log = logging.getLogger("okta_pki_events.pull")


class StateError(ValueError):
    """The state file cannot be used: locked, unreadable, or made for another query."""


class SavedState(BaseModel):
    """The content of a state file (JSON): the cursor and the output offsets."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = Field(STATE_VERSION, description="The state file format's version.")
    org: str = Field(description="The org's base URL the cursor belongs to.")
    filter: str | None = Field(description="The filter baked into the cursor (None: all).")
    limit: int = Field(description="The page size baked into the cursor.")
    until: str | None = Field(None, description="The end of a bounded query, else None.")
    output: str = Field(description='The output file (absolute path), or "-" for stdout.')
    dead_letter: str | None = Field(None, description="The dead-letter file, if any.")
    next: str | None = Field(description="Okta's opaque next URL: where to resume (None: done).")
    position: int | None = Field(description="Bytes of the output committed (None: stdout).")
    dead_letter_position: int | None = Field(None, description="Bytes of dead letters committed.")
    since: str | None = Field(None, description="Where the first run started.")
    saved_at: str | None = Field(None, description="When this state was saved (UTC).")
    pages: int = Field(0, description="Pages committed so far, over all runs.")
    events: int = Field(0, description="Events written so far, over all runs.")
    failures: int = Field(0, description="Records dead-lettered so far, over all runs.")


_IDENTITY = ("org", "filter", "limit", "until", "output", "dead_letter")


@dataclass
class StateFile:
    """A state file on disk, with its lock file (``<state>.lock``)."""

    path: Path
    """The state file (JSON)."""

    @property
    def lock_path(self) -> Path:
        """The lock file beside the state file."""
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock (non-blocking): a second puller on this state fails at once."""
        handle = self.lock_path.open("a+")
        try:
            if fcntl is None:  # pragma: no cover - Windows
                log.warning("no flock on this platform: %s is not locked", self.path)
            else:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise StateError(
                        f"{self.path} is in use by pid {holder} (lock {self.lock_path})"
                    ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    def load(self) -> SavedState | None:
        """The saved state, or None when there is none yet."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"cannot read the state file {self.path}: {exc.strerror}") from exc
        try:
            state = SavedState.model_validate_json(data)
        except ValidationError as exc:  # not JSON (nor UTF-8), or not a state
            raise StateError(f"{self.path} is not a state file of okta-pki-events pull") from exc
        if state.version != STATE_VERSION:
            raise StateError(f"{self.path}: state version {state.version} is not supported")
        return state

    def save(self, state: SavedState) -> None:
        """Write the state atomically: a temp file, fsync, ``os.replace``, fsync the folder."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        data = state.model_dump_json(indent=2).encode("utf-8") + b"\n"
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        _sync_folder(self.path)


def _sync_folder(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _Sink:
    """An append-only output with a byte position: a file (cut back on open) or stdout."""

    def __init__(self, handle: IO[bytes], position: int | None, durable: bool) -> None:
        self.handle = handle
        self.position = position
        self.durable = durable

    @classmethod
    def open(cls, path: Path, position: int | None) -> _Sink:
        """Open ``path`` for appending at ``position``, cutting off anything after it."""
        if not path.exists():
            if position:
                log.warning("%s is missing (rotated?): starting a new file", path)
            handle = path.open("ab")
            _sync_folder(path)
            return cls(handle, 0, durable=True)
        size = path.stat().st_size
        position = size if position is None else position
        if size < position:
            if size:
                raise StateError(
                    f"{path} holds {size} bytes, fewer than the {position} already committed:"
                    " it was changed by something else; move it away to start a new file"
                )
            log.warning("%s is empty (rotated?): continuing into it", path)
            position = 0
        if size > position:
            log.info(
                "cutting %s back from %d to %d bytes (an unfinished page)", path, size, position
            )
            os.truncate(path, position)
        return cls(path.open("ab"), position, durable=True)

    def write(self, data: bytes) -> None:
        if data:
            self.handle.write(data)
            if self.position is not None:
                self.position += len(data)

    def sync(self) -> None:
        self.handle.flush()
        if self.durable:
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        if self.durable:
            self.handle.close()


@dataclass(frozen=True)
class PullResult:
    """What a ``pull_to_file`` run did."""

    pages: int
    """Pages committed in this run."""
    events: int
    """Events written in this run."""
    failures: int
    """Records dead-lettered in this run."""
    caught_up: bool
    """True when the last page was shorter than ``limit`` (or the bounded query ended)."""
    complete: bool
    """True when a bounded query has no more pages."""
    state: SavedState
    """The state saved last."""


def _step(name: str) -> None:
    """A point between the steps of a page (tests inject crashes here)."""


def _now_text(clock: Callable[[], float]) -> str:
    return format_okta_datetime(datetime.fromtimestamp(clock(), timezone.utc))


def _start(
    state_file: StateFile,
    config: PullConfig,
    identity: dict[str, Any],
    clock: Callable[[], float],
    output_size: int | None,
) -> SavedState:
    saved = state_file.load()
    if saved is not None:
        for name in _IDENTITY:
            if getattr(saved, name) != identity[name]:
                raise StateError(
                    f"{state_file.path} was made for {name} {getattr(saved, name)!r}, not"
                    f" {identity[name]!r}: the cursor is only valid for the same org, filter,"
                    " limit and files. Use another state file (or delete this one to restart)"
                )
        return saved
    now = datetime.fromtimestamp(clock(), timezone.utc)
    first = config.first_url(now)
    saved = SavedState(
        **identity,
        next=first,
        position=output_size,
        dead_letter_position=None,
        since=format_okta_datetime(config.first_since(now)),
        saved_at=_now_text(clock),
    )
    state_file.save(saved)  # fixes the first run's since: a resume never moves it
    return saved


def pull_to_file(
    client: httpx.Client,
    config: PullConfig,
    *,
    state: str | os.PathLike[str],
    output: str | os.PathLike[str],
    dead_letter: str | os.PathLike[str] | None = None,
    auth: httpx.Auth | None = None,
    follow: bool = False,
    interval: float = 60.0,
    max_pages: int | None = None,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    on_page: Callable[[Page, SavedState], None] | None = None,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.time,
) -> PullResult:
    """Pull into an NDJSON file, exactly once, resuming from the state file.

    ``output`` is a path, or ``"-"`` for standard output (then at-least-once: a page may be
    written again after a crash). Each event is one line, exactly as Okta sent it. Records
    that do not parse are logged, and go to ``dead_letter`` when given (one JSON line each:
    the error and the record; else they stay in the output, in their place): never lost,
    never blocking the cursor. The state file records the ``next`` URL and the byte offsets
    and refuses to resume with another org, filter, limit, ``until`` or file; its lock
    (``<state>.lock``) refuses a second puller. Raises ``StateError`` (a ``ValueError``) for
    those, and ``PullError`` when Okta cannot be pulled (the state then holds the last
    committed page).
    """
    to_stdout = str(output) == "-"
    out_path = None if to_stdout else Path(output).resolve()
    dl_path = None if dead_letter is None else Path(dead_letter).resolve()
    identity: dict[str, Any] = {
        "org": config.org,
        "filter": config.filter,
        "limit": config.limit,
        "until": format_okta_datetime(config.until) if config.until else None,
        "output": "-" if out_path is None else str(out_path),
        "dead_letter": None if dl_path is None else str(dl_path),
    }
    state_file = StateFile(Path(state))
    with state_file.locked():
        size = None if out_path is None else (out_path.stat().st_size if out_path.exists() else 0)
        saved = _start(state_file, config, identity, clock, size)
        if saved.next is None:
            return PullResult(0, 0, 0, True, True, saved)
        out = (
            _Sink(sys.stdout.buffer, None, durable=False)
            if out_path is None
            else _Sink.open(out_path, saved.position)
        )
        dead = None if dl_path is None else _Sink.open(dl_path, saved.dead_letter_position)
        try:
            if (out.position, dead and dead.position) != (
                saved.position,
                saved.dead_letter_position if dead else None,
            ):
                saved = saved.model_copy(
                    update={
                        "position": out.position,
                        "dead_letter_position": dead.position if dead else None,
                    }
                )
                state_file.save(saved)
            pages = events = failures = 0
            caught_up = False
            for page in pull_pages(
                client,
                config,
                cursor=saved.next,
                auth=auth,
                follow=follow,
                interval=interval,
                max_pages=max_pages,
                sleep=sleep,
                should_stop=should_stop,
                rng=rng,
                clock=clock,
            ):
                _step("fetched")
                out.write(page.ndjson(failures=dead is None))
                if dead is not None:
                    dead.write(page.dead_letters())
                for failure in page.failures:
                    log.warning("a record Okta sent does not parse: %s", page.describe(failure))
                _step("written")
                out.sync()
                if dead is not None:
                    dead.sync()
                _step("synced")
                saved = saved.model_copy(
                    update={
                        "next": page.next_url,
                        "position": out.position,
                        "dead_letter_position": dead.position if dead else None,
                        "saved_at": _now_text(clock),
                        "pages": saved.pages + 1,
                        "events": saved.events + len(page.events),
                        "failures": saved.failures + len(page.failures),
                    }
                )
                state_file.save(saved)
                _step("saved")
                pages += 1
                events += len(page.events)
                failures += len(page.failures)
                caught_up = page.caught_up
                if on_page is not None:
                    on_page(page, saved)
        finally:
            out.close()
            if dead is not None:
                dead.close()
        return PullResult(pages, events, failures, caught_up, saved.next is None, saved)

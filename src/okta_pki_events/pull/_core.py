"""The sans-IO core of the puller: what to request next, what a response means, when to stop.

No sockets, no sleeping, no files: the drivers (``_drivers.py``) do the I/O and ask the
``Poller`` what to do. Its answers are ``Deliver`` (a page and its ``next`` URL), ``Wait``
(seconds, then ask again), ``Refresh`` (get a new access token, then ask again) and ``Fatal``
(an error naming what went wrong). The cursor moves only when the caller says the page is
committed (``Poller.commit``), so a crash anywhere before that re-fetches the same page.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Union
from urllib.parse import quote, urlencode, urlsplit

from .._gc import gc_paused
from .._stream import ParseFailure, describe_error, iter_records
from ..http import Headers, RateLimit, header_pairs, header_values, next_link
from ..models._base import format_okta_datetime
from ..models.events import PkiEvent
from ..models.log_event import LogEvent

__all__ = [
    "DEFAULT_FILTER",
    "LOGS_PATH",
    "MAX_LIMIT",
    "Decision",
    "Deliver",
    "Fatal",
    "Page",
    "PullAuthError",
    "PullConfig",
    "PullError",
    "PullProtocolError",
    "PullRateLimitError",
    "PullRejectedError",
    "PullUnavailableError",
    "Poller",
    "Refresh",
    "Wait",
    "normalize_org",
    "split_page",
]

DEFAULT_FILTER = 'eventType sw "pki."'
"""The default System Log filter: PKI events only, selected by Okta."""
MAX_LIMIT = 1000
"""The most events Okta returns in one page."""
LOGS_PATH = "/api/v1/logs"
"""The path of the System Log API."""
MAX_SINCE_DAYS = 180
"""Okta answers 400 to a ``since`` further back than this (and keeps 90 days anyway)."""
LOOPBACK_NAMES = frozenset({"localhost"})


class PullError(Exception):
    """The puller cannot go on: the cursor is unchanged. ``exit_code`` is the CLI's status."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        summary: str | None = None,
    ) -> None:
        """Describe the failure; ``status``, ``error_code`` and ``summary`` are Okta's."""
        super().__init__(message)
        self.status = status
        """The HTTP status of Okta's answer, when there was one."""
        self.error_code = error_code
        """Okta's ``errorCode`` (``E0000047``...) or OAuth ``error``, when given."""
        self.summary = summary
        """Okta's ``errorSummary`` or OAuth ``error_description``, when given."""


class PullAuthError(PullError):
    """Authentication or authorisation failed (401, 403, a bad key, DPoP): exit 3."""

    exit_code = 3


class PullRateLimitError(PullError):
    """Still rate-limited after waiting ``max_wait`` seconds: exit 4."""

    exit_code = 4


class PullRejectedError(PullError):
    """Okta rejected the request (400 and other 4xx: filter, dates, limit): exit 5."""

    exit_code = 5


class PullUnavailableError(PullError):
    """Okta unavailable (5xx, transport errors, unreadable pages) after the retries: exit 6."""

    exit_code = 6


class PullProtocolError(PullUnavailableError):
    """Okta's answer cannot be followed safely (a ``next`` link to another host): exit 6."""


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_org(org: str) -> str:
    """The org's base URL, ``scheme://host[:port]``, checked.

    ``https`` only, except for loopback hosts (tests); no path, query, fragment or
    credentials. A bare host name (``acme.okta.com``) means ``https``. Raises ``ValueError``.
    """
    text = org.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"org URL {org!r}: expected https://<your-org>.okta.com")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"org URL {org!r}: must not carry credentials")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"org URL {org!r}: give the org only, without a path or query")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(f"org URL {org!r}: https is required (http only for loopback hosts)")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _to_millis(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class PullConfig:
    """What to pull and the retry budgets; checked when made (``ValueError``).

    ``org``, ``filter`` and ``limit`` are baked into Okta's ``next`` links: a saved cursor is
    only valid for the same three (the state file refuses a change).
    """

    org: str
    """The org's base URL, e.g. ``https://acme.okta.com`` (normalised when made)."""
    filter: str | None = DEFAULT_FILTER
    """The SCIM filter Okta applies; None pulls every event type."""
    limit: int = MAX_LIMIT
    """Events per page (1 to 1000): a shorter page means caught up."""
    since: datetime | None = None
    """Where a first run starts (default: 7 days ago); ignored when resuming a cursor."""
    until: datetime | None = None
    """Bounded mode: stop at this time (no late events; for audits and backfills)."""
    max_wait: float = 300.0
    """The most seconds to wait out rate limits for one request before giving up (exit 4)."""
    max_attempts: int = 6
    """Attempts of one request on 5xx, transport errors and unreadable pages (exit 6)."""
    backoff_base: float = 1.0
    """Seconds of the first backoff (full jitter: a uniform draw up to base * 2**n)."""
    backoff_cap: float = 60.0
    """The largest backoff, in seconds."""
    jitter: float = 1.0
    """Up to this many random seconds added to a wait for the rate-limit reset."""
    throttle_below: float = 0.2
    """Slow down when ``Remaining`` falls under this share of ``Limit``."""
    max_page_bytes: int = 64 * 1024 * 1024
    """The longest answer read (decompressed); a longer one is dropped and retried."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "org", normalize_org(self.org))
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {self.limit}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware (UTC), not {value!r}")
        if self.since and self.until and self.until <= self.since:
            raise ValueError("until must be later than since")
        if self.max_attempts < 1 or self.max_wait < 0 or self.backoff_base < 0:
            raise ValueError("max_attempts must be at least 1; max_wait, backoff not negative")

    @property
    def bounded(self) -> bool:
        """True when ``until`` is set: finite pages ordered by ``published``."""
        return self.until is not None

    def first_since(self, now: datetime) -> datetime:
        """Where a first run starts: ``since``, or 7 days before ``now`` (to milliseconds)."""
        return _to_millis(self.since or now - timedelta(days=7))

    def first_url(self, now: datetime) -> str:
        """The first request of a run without a cursor (``since`` defaults to 7 days ago)."""
        since = self.first_since(now)
        if now - since > timedelta(days=MAX_SINCE_DAYS):
            raise ValueError(
                f"since {format_okta_datetime(since)} is more than {MAX_SINCE_DAYS} days ago:"
                " Okta refuses it (and keeps 90 days of events)"
            )
        params = {"since": format_okta_datetime(since.astimezone(timezone.utc))}
        if self.until is not None:
            params["until"] = format_okta_datetime(self.until.astimezone(timezone.utc))
        if self.filter:
            params["filter"] = self.filter
        params["limit"] = str(self.limit)
        params["sortOrder"] = "ASCENDING"
        return f"{self.org}{LOGS_PATH}?{urlencode(params, quote_via=quote)}"


Event = Union[PkiEvent, LogEvent]


@dataclass(frozen=True)
class Page:
    """One page of the System Log, parsed: what to write and where to go next."""

    url: str
    """The URL this page was fetched from."""
    next_url: str | None
    """The cursor to save once the page is committed (None: a bounded query ended)."""
    records: tuple[bytes, ...]
    """Every record of the page exactly as Okta sent it (one line each), in page order."""
    events: tuple[Event, ...]
    """The records that parsed, as events, in page order."""
    failures: tuple[ParseFailure, ...]
    """The records that did not parse; ``failure.index`` is their place in ``records``."""
    caught_up: bool
    """True when the page is shorter than ``limit`` (or a bounded query ended)."""
    rate_limit: RateLimit
    """The rate-limit headers of the response."""
    server_time: float
    """Okta's clock when it answered (epoch seconds, from ``Date``): ``Reset`` is read
    against it, never against ours."""

    @property
    def size(self) -> int:
        """Records in the page, good and bad: ``len(events) + len(failures)``."""
        return len(self.records)

    def ndjson(self, *, failures: bool = True) -> bytes:
        """The records as NDJSON, exactly as sent; without the bad ones if not ``failures``."""
        skip = set() if failures else {f.index for f in self.failures}
        return b"".join(
            line + b"\n" for index, line in enumerate(self.records) if index not in skip
        )

    def describe(self, failure: ParseFailure) -> str:
        """Where a bad record is and why: ``record N of the page URL: field.path: problem``."""
        problems = "; ".join(describe_error(failure.error))
        return f"record {failure.index or 0} of the page {self.url}: {problems}"

    def dead_letters(self) -> bytes:
        """The bad records as NDJSON: ``{"error": ..., "record": <as sent>}`` per line."""
        out = []
        for failure in self.failures:
            error = json.dumps(self.describe(failure))
            raw = self.records[failure.index or 0]
            out.append(b'{"error":' + error.encode() + b',"record":' + raw + b"}\n")
        return b"".join(out)


@dataclass(frozen=True)
class Deliver:
    """A page arrived: commit it, then call ``Poller.commit`` and ``Poller.after``."""

    page: Page


@dataclass(frozen=True)
class Wait:
    """Sleep ``seconds``, then send ``Poller.next_request()`` again."""

    seconds: float
    reason: str


@dataclass(frozen=True)
class Refresh:
    """The access token was refused: get a new one, then send the request again."""


@dataclass(frozen=True)
class Fatal:
    """Give up: raise ``error`` (the cursor is unchanged)."""

    error: PullError


Decision = Union[Deliver, Wait, Refresh, Fatal]
"""What a response means."""


class _BadPageError(ValueError):
    pass


def _compact(text: str) -> str:
    # Whitespace between tokens only: a JSON string cannot hold a raw line break.
    return text.replace("\r", " ").replace("\n", " ") if "\n" in text or "\r" in text else text


def split_page(body: bytes) -> list[bytes]:
    """The elements of a JSON array, each as the exact text Okta sent (on one line).

    Raises ``ValueError`` when the body is not a JSON array (a truncated or foreign answer).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadPageError(f"the page is not UTF-8: {exc}") from exc
    decoder = json.JSONDecoder()
    whitespace = " \t\r\n"
    length = len(text)
    pos = 0
    while pos < length and text[pos] in whitespace:
        pos += 1
    if pos == length or text[pos] != "[":
        raise _BadPageError("the page is not a JSON array")
    pos += 1
    out: list[bytes] = []
    while True:
        while pos < length and text[pos] in whitespace:
            pos += 1
        if pos < length and text[pos] == "]" and not out:
            pos += 1
            break
        try:
            _, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _BadPageError(f"the page is not valid JSON: {exc}") from exc
        except RecursionError as exc:  # the decoder recurses per level of nesting
            raise _BadPageError("the page is nested too deeply to read") from exc
        out.append(_compact(text[pos:end]).encode("utf-8"))
        pos = end
        while pos < length and text[pos] in whitespace:
            pos += 1
        if pos < length and text[pos] == ",":
            pos += 1
            continue
        if pos < length and text[pos] == "]":
            pos += 1
            break
        raise _BadPageError("the page is not valid JSON: expected ',' or ']' in the array")
    if text[pos:].strip(whitespace):
        raise _BadPageError("the page has data after its JSON array")
    return out


def _page_items(body: bytes) -> tuple[list[Event], list[ParseFailure], int]:
    """A page's events and failures, and how many records were read."""
    events: list[Event] = []
    failures: list[ParseFailure] = []
    stream = iter_records(
        body, format="json", envelope="api_page", on_error="collect", only_pki=False
    )
    for item in stream:
        if isinstance(item, ParseFailure):
            failures.append(item)
        else:
            events.append(item.event)
    return events, failures, stream.stats.read


def _parse_page(
    url: str,
    raw: list[bytes],
    body: bytes,
    next_url: str | None,
    caught_up: bool,
    rate: RateLimit,
    server_time: float,
) -> Page:
    with gc_paused():  # the page's events are kept: no collector rescans while it fills
        events, failures, read = _page_items(body)
    if read != len(raw) or len(events) + len(failures) != len(raw):
        raise _BadPageError(f"{len(raw)} records in the page, but {read} were read")
    return Page(
        url, next_url, tuple(raw), tuple(events), tuple(failures), caught_up, rate, server_time
    )


def _server_time(pairs: list[tuple[str, str]], fallback: float) -> float:
    """The server's clock from its ``Date`` header (our clock when absent or unreadable)."""
    for value in header_values(pairs, "date")[:1]:
        try:
            return email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError):
            break
    return fallback


def _okta_error(body: bytes) -> tuple[str | None, str | None]:
    """Okta's ``errorCode`` and ``errorSummary`` (or OAuth's ``error`` and description)."""
    try:
        data = json.loads(body[:65536])
    except (ValueError, RecursionError):  # not JSON, or nested deeper than json recurses
        return None, None
    if not isinstance(data, dict):
        return None, None
    code = data.get("errorCode") or data.get("error")
    summary = data.get("errorSummary") or data.get("error_description")
    causes = data.get("errorCauses")
    if isinstance(causes, list):
        extra = [
            str(c["errorSummary"]) for c in causes if isinstance(c, dict) and c.get("errorSummary")
        ]
        if extra:
            summary = f"{summary or ''} ({'; '.join(extra)})".strip()
    return (str(code) if code else None), (str(summary)[:500] if summary else None)


def _describe(status: int, code: str | None, summary: str | None) -> str:
    detail = ": ".join(part for part in (code, summary) if part)
    return f"HTTP {status}" + (f" {detail}" if detail else "")


def _header_text(pairs: list[tuple[str, str]], name: str) -> str:
    return " ".join(header_values(pairs, name))


@dataclass
class Poller:
    """The puller's state machine: ask it what to request, tell it what came back.

    >>> poller = Poller(PullConfig("https://acme.okta.com"), cursor=None)
    >>> poller.next_request().startswith("https://acme.okta.com/api/v1/logs?since=")
    True
    """

    config: PullConfig
    """What to pull."""
    cursor: str | None
    """The saved ``next`` URL to resume from, or None for a first run."""
    can_refresh: bool = False
    """True when the driver can get a new access token (OAuth): a 401 is retried once."""
    rng: random.Random = field(default_factory=random.Random)
    """The jitter's source (seed it for repeatable tests)."""
    clock: Callable[[], float] = time.time
    """Our clock (epoch seconds): only for the first ``since`` and a missing ``Date``."""
    done: bool = False
    """True once a bounded query has no ``next`` link: nothing more to request."""
    _failures: int = field(default=0, init=False, repr=False)
    _waited: float = field(default=0.0, init=False, repr=False)
    _refreshed: bool = field(default=False, init=False, repr=False)
    _concurrency: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.cursor is not None:
            self._check_link(self.cursor, "the saved cursor")
        else:
            now = datetime.fromtimestamp(self.clock(), timezone.utc)
            self.cursor = self.config.first_url(now)

    def next_request(self) -> str:
        """The URL to GET next (the cursor: the saved ``next`` link, or the first query)."""
        assert self.cursor is not None
        return self.cursor

    def _check_link(self, url: str, what: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin != self.config.org or parts.path != LOGS_PATH:
            raise PullProtocolError(
                f"{what} {url!r} is not on {self.config.org}{LOGS_PATH}: refused"
            )

    def on_response(self, status: int, headers: Headers, body: bytes) -> Decision:
        """What a response to ``next_request()`` means."""
        pairs = header_pairs(headers)
        rate = RateLimit.from_headers(pairs)
        server_now = _server_time(pairs, self.clock())
        if status == 200:
            return self._on_page(pairs, body, rate, server_now)
        code, summary = _okta_error(body)
        message = _describe(status, code, summary)
        if status == 429:
            return self._on_rate_limited(rate, server_now, message, code, summary)
        if status >= 500:
            return self._backoff(f"Okta answered {message}", status, code, summary)
        if status == 401 and self.can_refresh and not self._refreshed:
            self._refreshed = True
            return Refresh()
        if status in (401, 403):
            challenge = _header_text(pairs, "www-authenticate")
            if challenge:
                message += f" ({challenge})"
            return Fatal(
                PullAuthError(
                    f"Okta refused the credentials: {message}",
                    status=status,
                    error_code=code,
                    summary=summary,
                )
            )
        return Fatal(
            PullRejectedError(
                f"Okta rejected the request: {message}",
                status=status,
                error_code=code,
                summary=summary,
            )
        )

    def on_transport_error(self, error: Exception) -> Decision:
        """A request failed below HTTP (connection refused, reset, timeout, too long)."""
        return self._backoff(f"no usable answer from Okta: {type(error).__name__}: {error}", None)

    def _on_page(
        self, headers: list[tuple[str, str]], body: bytes, rate: RateLimit, server_now: float
    ) -> Decision:
        url = self.next_request()
        link = next_link(headers)
        if link is not None:
            try:
                self._check_link(link, "Okta's next link")
            except PullProtocolError as exc:
                return Fatal(exc)
        elif not self.config.bounded:
            return Fatal(PullProtocolError(f"Okta sent no next link for the polling query {url}"))
        try:
            raw = split_page(body)
            caught_up = link is None or len(raw) < self.config.limit
            page = _parse_page(url, raw, body, link, caught_up, rate, server_now)
        except _BadPageError as exc:
            return self._backoff(f"unreadable page from {url}: {exc}", 200)
        return Deliver(page)

    def _on_rate_limited(
        self,
        rate: RateLimit,
        server_now: float,
        message: str,
        code: str | None,
        summary: str | None,
    ) -> Decision:
        if rate.reset is None or (rate.limit == 0 and rate.remaining == 0):
            # The concurrency limit: the reset is only an estimate. Back off exponentially.
            wait = self.rng.uniform(
                0,
                min(
                    self.config.backoff_cap,
                    max(self.config.backoff_base, 1.0) * 2**self._concurrency,
                ),
            )
            self._concurrency += 1
        else:
            # At least a second: a Reset already past (skewed clocks) must not make a loop.
            wait = max(rate.reset - server_now, 1.0) + self.rng.uniform(0, self.config.jitter)
        if self._waited + wait > self.config.max_wait:
            return Fatal(
                PullRateLimitError(
                    f"rate-limited ({message}); waiting {wait:.0f} s more would pass"
                    f" --max-wait {self.config.max_wait:g} s",
                    status=429,
                    error_code=code,
                    summary=summary,
                )
            )
        self._waited += wait
        return Wait(wait, f"rate-limited: waiting {wait:.1f} s for the window to reset")

    def _backoff(
        self,
        message: str,
        status: int | None,
        code: str | None = None,
        summary: str | None = None,
    ) -> Decision:
        self._failures += 1
        if self._failures >= self.config.max_attempts:
            tries = "1 attempt" if self._failures == 1 else f"{self._failures} attempts"
            return Fatal(
                PullUnavailableError(
                    f"{message}; gave up after {tries}",
                    status=status,
                    error_code=code,
                    summary=summary,
                )
            )
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (self._failures - 1))
        wait = self.rng.uniform(0, ceiling)
        return Wait(wait, f"{message}; retrying in {wait:.1f} s")

    def commit(self, page: Page) -> None:
        """The page is committed (written, synced, cursor saved): move on to its ``next``."""
        self.cursor = page.next_url
        self.done = page.next_url is None
        self._failures = 0
        self._waited = 0.0
        self._refreshed = False
        self._concurrency = 0

    def after(self, page: Page, *, follow: bool, interval: float) -> float | None:
        """Seconds to wait before the next request, or None to stop (caught up, one-shot).

        A page shorter than ``limit`` means caught up: never spend a request on a page
        known to be empty. Under ``follow`` that waits ``interval`` (at least); otherwise it
        stops. When ``Remaining`` is under ``throttle_below`` of ``Limit``, the remaining
        requests are spread over the rest of the window.
        """
        if self.done or (page.caught_up and not follow):
            return None
        rate = page.rate_limit
        throttle = 0.0
        if (
            rate.limit
            and rate.remaining is not None
            and rate.reset is not None
            and rate.remaining < self.config.throttle_below * rate.limit
        ):
            throttle = max(rate.reset - page.server_time, 0.0) / max(rate.remaining, 1)
        return max(throttle, interval) if page.caught_up else throttle


@dataclass(frozen=True)
class Get:
    """An action of ``plan``: GET ``url`` and send back a ``Response`` (or the exception)."""

    url: str


@dataclass(frozen=True)
class Response:
    """What came back for a ``Get``."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


Action = Union[Get, Wait, Refresh, Deliver]
"""What ``plan`` asks a driver to do: request, sleep, get a new token, hand out a page."""


def plan(
    poller: Poller,
    *,
    follow: bool,
    interval: float,
    max_pages: int | None,
    should_stop: Callable[[], bool],
) -> Generator[Action, Union[Response, Exception, None], None]:
    """The whole pull loop as actions, so that the sync and async drivers are a few lines.

    A driver performs each action and sends back the ``Response`` of a ``Get`` (or the
    transport exception), None for the others. A ``Deliver`` is resumed only once its page
    is committed: then the cursor moves on. ``Fatal`` decisions are raised here.
    """
    pages = 0
    while not poller.done and not should_stop():
        result = yield Get(poller.next_request())
        if isinstance(result, Response):
            decision = poller.on_response(result.status, result.headers, result.body)
        else:
            assert isinstance(result, Exception)
            decision = poller.on_transport_error(result)
        if isinstance(decision, Fatal):
            raise decision.error
        if not isinstance(decision, Deliver):
            yield decision
            continue
        yield decision
        poller.commit(decision.page)
        pages += 1
        if max_pages is not None and pages >= max_pages:
            return
        pause = poller.after(decision.page, follow=follow, interval=interval)
        if pause is None:
            return
        if pause > 0 and not should_stop():
            yield Wait(pause, "caught up" if decision.page.caught_up else "throttling")

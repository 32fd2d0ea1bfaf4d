"""``okta-pki-events pull``: pull PKI events from Okta's System Log API into NDJSON.

Exit codes: 0 caught up or stopped cleanly (SIGINT/SIGTERM finish the current page, save
the state and exit 0), 2 usage (options, the state file), 3 authentication or authorisation,
4 rate-limited beyond ``--max-wait``, 5 Okta rejected the request, 6 Okta unavailable after
retries (or its answer unusable). Needs the ``pull`` extra.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from ..models._base import format_okta_datetime
from ._shared import Command, bad_value, check_time_range, fail, plural, when_callback

if TYPE_CHECKING:
    import httpx

    from ..pull import Page, PullConfig, SavedState

__all__ = ["format_check", "format_progress", "pull"]

USER_AGENT = "okta-pki-events"


# -- formatting (apart from printing) ------------------------------------------------------


def format_progress(page: Page, state: SavedState) -> str:
    """One status line after a committed page."""
    rate = page.rate_limit
    line = f"{plural(state.events, 'event')} in {plural(state.pages, 'page')}"
    if state.failures:
        line += f", {state.failures:,} unreadable"
    last = max((e.published for e in page.events), default=None)
    if last is not None:
        line += f"; last published {format_okta_datetime(last)}"
    if rate.limit:
        line += f"; rate limit {rate.remaining}/{rate.limit} left"
    if page.caught_up:
        line += "; caught up"
    return line


def format_check(page: Page, auth_kind: str) -> str:
    """The report of ``--check``: authentication and rate-limit headroom."""
    rate = page.rate_limit
    lines = [f"auth: ok ({auth_kind}); the System Log answered HTTP 200"]
    if rate.limit and rate.remaining is not None:
        share = rate.remaining / rate.limit
        reset = "" if rate.reset is None else f", resets in {rate.reset - page.server_time:.0f} s"
        lines.append(
            f"rate limit: {rate.remaining} of {rate.limit} requests left ({share:.0%}){reset}"
        )
    else:
        lines.append("rate limit: no X-Rate-Limit headers in the answer")
    lines.append(f"PKI events in the last 7 days: {'yes' if page.size else 'none'}")
    return "\n".join(lines)


# -- signals -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """SIGINT and SIGTERM set the event (the page in flight finishes); a second one kills."""
    stop = threading.Event()
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()
        for sig, old in previous.items():  # a second signal: the default behaviour
            signal.signal(sig, old)
        click.echo("okta-pki-events: stopping after the current page (again to force)", err=True)

    for wanted in (signal.SIGINT, signal.SIGTERM):
        previous[wanted] = signal.signal(wanted, handler)
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# -- the command -------------------------------------------------------------------------------


def _auth(
    org: str,
    token_env: str | None,
    client_id: str | None,
    private_key: str | None,
    key_id: str | None,
    dpop: bool,
) -> tuple[httpx.Auth, str]:
    from ..pull import PrivateKeyJwtAuth, SswsAuth, load_private_key

    if token_env and client_id:
        raise click.UsageError(
            "give either --token-env or --client-id with --private-key, not both"
        )
    if token_env:
        if private_key:
            raise click.UsageError("--private-key goes with --client-id, not with --token-env")
        token = os.environ.get(token_env, "")
        if not token:
            bad_value("--token-env", f"the environment variable {token_env} is not set")
        return SswsAuth(token.strip()), "SSWS API token"
    if client_id:
        if not private_key:
            raise click.UsageError("--client-id needs --private-key FILE (PEM or JWK)")
        key = load_private_key(private_key, key_id=key_id)
        kind = "OAuth service app, private_key_jwt" + (" and DPoP" if dpop else "")
        return PrivateKeyJwtAuth(org, client_id, key, dpop=dpop), kind
    raise click.UsageError(
        "give --token-env VAR (an API token in that variable) or --client-id and --private-key"
    )


def _config(
    org: str,
    all_types: bool,
    filter_: str | None,
    limit: int,
    since: datetime | None,
    until: datetime | None,
    max_wait: float,
    max_attempts: int,
) -> PullConfig:
    from ..pull import DEFAULT_FILTER, PullConfig, normalize_org

    if all_types and filter_:
        raise click.UsageError("--all-types and --filter exclude each other")
    try:
        normalize_org(org)
    except ValueError as exc:
        bad_value("--org", str(exc))
    check_time_range(since, until)
    # every other value PullConfig checks, the options' types have checked already
    config = PullConfig(
        org,
        filter=None if all_types else (filter_ or DEFAULT_FILTER),
        limit=limit,
        since=since,
        until=until,
        max_wait=max_wait,
        max_attempts=max_attempts,
    )
    try:
        config.first_url(datetime.now(timezone.utc))  # checks since
    except ValueError as exc:
        bad_value("--since", str(exc))
    if until is not None and until > datetime.now(timezone.utc) - timedelta(minutes=5):
        click.echo(
            "okta-pki-events: warning: a bounded query (--until) may miss events Okta stores "
            "late; polling (no --until) never does",
            err=True,
        )
    return config


@click.command(cls=Command, short_help="Pull PKI events from Okta's System Log API into NDJSON.")
@click.option("--org", required=True, metavar="URL", help="The org, https://<org>.okta.com.")
@click.option(
    "--token-env",
    metavar="VAR",
    help="The environment variable holding an Okta API token (SSWS). Never on the command line.",
)
@click.option("--client-id", metavar="ID", help="The OAuth 2.0 service app's client ID.")
@click.option(
    "--private-key",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The service app's private key: a PEM or JWK file.",
)
@click.option("--key-id", metavar="KID", help="The key's kid, if the JWK has none.")
@click.option("--no-dpop", is_flag=True, help="Do not bind tokens with DPoP (older apps).")
@click.option(
    "--state",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The state file (cursor and output offset); made on the first run.",
)
@click.option(
    "--output",
    metavar="FILE|-",
    help="NDJSON output: a file (exactly once) or - for standard output (at least once).",
)
@click.option(
    "--since", metavar="TIME", callback=when_callback, help="First run only (default 7d)."
)
@click.option("--until", metavar="TIME", callback=when_callback, help="Bounded mode: stop at TIME.")
@click.option("--follow", is_flag=True, help="Keep polling; stop with SIGINT or SIGTERM.")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds between polls once caught up (with --follow).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=1000,
    show_default=True,
    help="Events per page (baked into the cursor).",
)
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after N pages.")
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="The most seconds to wait out rate limits for one request.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="Attempts of one request on 5xx and network errors (backoff with full jitter).",
)
@click.option("--all-types", is_flag=True, help="Every event type, not only pki.*.")
@click.option("--filter", "filter_", metavar="SCIM", help="Another Okta filter expression.")
@click.option(
    "--dead-letter",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Where records that do not parse go (else they stay in the output).",
)
@click.option("--check", is_flag=True, help="One request: report auth and rate-limit headroom.")
def pull(
    org: str,
    token_env: str | None,
    client_id: str | None,
    private_key: str | None,
    key_id: str | None,
    no_dpop: bool,
    state: str | None,
    output: str | None,
    since: datetime | None,
    until: datetime | None,
    follow: bool,
    interval: float,
    limit: int,
    max_pages: int | None,
    max_wait: float,
    max_attempts: int,
    all_types: bool,
    filter_: str | None,
    dead_letter: str | None,
    check: bool,
) -> None:
    """Pull PKI events from Okta's System Log API into NDJSON, resumably.

    Each event is one line, exactly as Okta sent it. The state file keeps Okta's cursor and
    the output's byte offset, so a run resumes where the last one stopped, and a crash at
    any point leaves the output file as if it had not happened. Exit codes: 0 caught up or
    stopped, 2 usage, 3 authentication, 4 rate-limited beyond --max-wait, 5 request
    rejected, 6 Okta unavailable.
    """
    try:
        import httpx

        from ..pull import PullError, StateError, check_access, pull_to_file
    except ImportError:
        fail("pull needs its extra: pip install 'okta-pki-events[pull]'")
    try:
        config = _config(org, all_types, filter_, limit, since, until, max_wait, max_attempts)
        auth, auth_kind = _auth(config.org, token_env, client_id, private_key, key_id, not no_dpop)
        if not check and (state is None or output is None):
            raise click.UsageError("--state FILE and --output FILE|- are required (or --check)")
        timeout = httpx.Timeout(60.0, connect=15.0)
        headers = {"User-Agent": f"{USER_AGENT} (+httpx {httpx.__version__})"}
        with httpx.Client(auth=auth, timeout=timeout, headers=headers) as client:
            if check:
                click.echo(format_check(check_access(client, config), auth_kind))
                return
            assert state is not None
            assert output is not None
            progress = _progress_printer()
            with _stop_on_signals() as stop:
                result = pull_to_file(
                    client,
                    config,
                    state=state,
                    output=output,
                    dead_letter=dead_letter,
                    follow=follow,
                    interval=interval,
                    max_pages=max_pages,
                    sleep=stop.wait,
                    should_stop=stop.is_set,
                    on_page=progress,
                )
        _finish(progress)
        if result.complete:
            _note("the bounded query is complete")
        elif stop.is_set():
            _note(f"stopped; {plural(result.events, 'event')} written in this run, cursor saved")
    except (PullError, StateError) as exc:
        click.echo(f"okta-pki-events: error: {exc}", err=True)
        code = exc.exit_code if isinstance(exc, PullError) else 2
        sys.exit(code)
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}")


def _note(message: str) -> None:
    click.echo(f"okta-pki-events: {message}", err=True)


class _Progress:
    """Prints a status line per page on standard error when it is a terminal."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.shown = False

    def __call__(self, page: Page, state: SavedState) -> None:
        if self.tty:
            click.echo(f"\r\x1b[2K{format_progress(page, state)}", err=True, nl=False)
            self.shown = True


def _progress_printer() -> _Progress:
    return _Progress(sys.stderr.isatty())


def _finish(progress: _Progress) -> None:
    if progress.shown:
        click.echo("", err=True)

"""The two thin drivers of the core: ``pull_pages`` (httpx.Client), ``apull_pages`` (async).

Each performs the actions of the core's ``plan`` and nothing else, so both behave alike. A
page is yielded before the cursor moves: asking for the next page says the previous one is
committed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx

from ._auth import PrivateKeyJwtAuth
from ._core import (
    Action,
    Deliver,
    Fatal,
    Get,
    Page,
    Poller,
    PullConfig,
    PullRateLimitError,
    Response,
    Wait,
    plan,
)

__all__ = ["apull_pages", "check_access", "pull_pages"]

HEADERS = {"Accept": "application/json"}


def _plan(
    config: PullConfig,
    auth: httpx.Auth | None,
    cursor: str | None,
    follow: bool,
    interval: float,
    max_pages: int | None,
    should_stop: Callable[[], bool],
    rng: random.Random | None,
    clock: Callable[[], float],
) -> Callable[[Response | Exception | None], Action | None]:
    """Start the core's plan; the returned function performs one step of it."""
    poller = Poller(
        config,
        cursor,
        can_refresh=isinstance(auth, PrivateKeyJwtAuth),
        rng=rng or random.Random(),
        clock=clock,
    )
    flow = plan(
        poller, follow=follow, interval=interval, max_pages=max_pages, should_stop=should_stop
    )

    def advance(result: Response | Exception | None) -> Action | None:
        try:
            return flow.send(result)
        except StopIteration:
            return None

    return advance


class PageTooLargeError(Exception):
    """An answer longer than ``PullConfig.max_page_bytes`` (read no further; retried)."""


def _add_chunk(body: bytearray, chunk: bytes, limit: int) -> None:
    body += chunk
    if len(body) > limit:
        raise PageTooLargeError(f"the answer is longer than {limit:,} bytes: not read further")


def _get(client: httpx.Client, url: str, auth: httpx.Auth | None, limit: int) -> Response:
    """GET ``url``, reading at most ``limit`` bytes of the (decompressed) body."""
    with client.stream("GET", url, headers=HEADERS, auth=auth) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            _add_chunk(body, chunk, limit)
        return Response(response.status_code, response.headers.multi_items(), bytes(body))


async def _aget(
    client: httpx.AsyncClient, url: str, auth: httpx.Auth | None, limit: int
) -> Response:
    async with client.stream("GET", url, headers=HEADERS, auth=auth) as response:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            _add_chunk(body, chunk, limit)
        return Response(response.status_code, response.headers.multi_items(), bytes(body))


def _auth(client: httpx.Client | httpx.AsyncClient, auth: httpx.Auth | None) -> httpx.Auth | None:
    return auth or client.auth


def pull_pages(
    client: httpx.Client,
    config: PullConfig,
    *,
    cursor: str | None = None,
    auth: httpx.Auth | None = None,
    follow: bool = False,
    interval: float = 60.0,
    max_pages: int | None = None,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.time,
) -> Iterator[Page]:
    """Pull System Log pages with ``client``, from ``cursor`` (a saved ``next`` URL) or anew.

    Yields each ``Page`` before moving on: commit it (write it, save ``page.next_url``)
    before asking for the next. Stops when caught up (a page shorter than ``limit``) unless
    ``follow``, which then waits ``interval`` seconds and polls again; after ``max_pages``;
    or when ``should_stop()`` turns true (checked before each request and after each wait).
    Raises a ``PullError`` (with its ``exit_code``) when it cannot go on.

    ``auth`` (``SswsAuth``, ``PrivateKeyJwtAuth``) is used on each request, else the
    client's own. ``sleep``, ``rng`` and ``clock`` are injectable for tests: ``sleep`` may be
    ``threading.Event().wait`` so that a signal cuts a wait short.
    """
    used = _auth(client, auth)
    advance = _plan(config, used, cursor, follow, interval, max_pages, should_stop, rng, clock)
    next_action = advance(None)
    while next_action is not None:
        result: Response | Exception | None = None
        if isinstance(next_action, Get):
            try:
                result = _get(client, next_action.url, used, config.max_page_bytes)
            except (httpx.RequestError, PageTooLargeError) as exc:
                result = exc
        elif isinstance(next_action, Wait):
            sleep(next_action.seconds)
        elif isinstance(next_action, Deliver):
            yield next_action.page
        elif isinstance(used, PrivateKeyJwtAuth):
            used.invalidate()
        next_action = advance(result)


async def apull_pages(
    client: httpx.AsyncClient,
    config: PullConfig,
    *,
    cursor: str | None = None,
    auth: httpx.Auth | None = None,
    follow: bool = False,
    interval: float = 60.0,
    max_pages: int | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.time,
) -> AsyncIterator[Page]:
    """``pull_pages`` on an ``httpx.AsyncClient``: the same core, the same pages."""
    used = _auth(client, auth)
    advance = _plan(config, used, cursor, follow, interval, max_pages, should_stop, rng, clock)
    next_action = advance(None)
    while next_action is not None:
        result: Response | Exception | None = None
        if isinstance(next_action, Get):
            try:
                result = await _aget(client, next_action.url, used, config.max_page_bytes)
            except (httpx.RequestError, PageTooLargeError) as exc:
                result = exc
        elif isinstance(next_action, Wait):
            await sleep(next_action.seconds)
        elif isinstance(next_action, Deliver):
            yield next_action.page
        elif isinstance(used, PrivateKeyJwtAuth):
            used.invalidate()
        next_action = advance(result)


def check_access(
    client: httpx.Client,
    config: PullConfig,
    *,
    auth: httpx.Auth | None = None,
    clock: Callable[[], float] = time.time,
) -> Page:
    """Make one request (a page of at most one event, no retry) to see if a pull can work.

    Returns the page, whose ``rate_limit`` and ``server_time`` tell the headroom; raises the
    ``PullError`` a pull would meet (a refused credential, a rejected filter, a 429 or 5xx).
    """
    probe = dataclasses.replace(config, limit=1, max_attempts=1, max_wait=0.0, jitter=0.0)
    poller = Poller(probe, None, clock=clock)
    try:
        answer = _get(client, poller.next_request(), _auth(client, auth), config.max_page_bytes)
    except (httpx.RequestError, PageTooLargeError) as exc:
        decision = poller.on_transport_error(exc)
    else:
        decision = poller.on_response(answer.status, answer.headers, answer.body)
    if isinstance(decision, Deliver):
        return decision.page
    if isinstance(decision, Fatal):
        raise decision.error
    raise PullRateLimitError("rate-limited now: no headroom left in this window", status=429)

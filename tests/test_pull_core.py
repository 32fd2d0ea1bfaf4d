"""The sans-IO core against a plain reference model of its retry and wait rules."""

from __future__ import annotations

import email.utils
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okta_pki_events.pull import (
    Deliver,
    Fatal,
    Poller,
    PullConfig,
    PullRateLimitError,
    PullUnavailableError,
    Wait,
    split_page,
)

ORG = "https://acme.okta.com"
NOW = 1_800_000_000.0
NEXT = ORG + "/api/v1/logs?after=abc&limit=2"

failures = st.one_of(
    st.tuples(st.just(429), st.integers(0, 90)),  # 429 with Reset this many seconds ahead
    st.tuples(st.sampled_from([500, 502, 503, 504]), st.just(0)),
    st.tuples(st.just(0), st.just(0)),  # a transport error
)


def _headers(reset_in: int | None = None, *, remaining: int = 40) -> list[tuple[str, str]]:
    headers = [("Date", email.utils.formatdate(NOW, usegmt=True))]
    if reset_in is not None:
        headers += [
            ("X-Rate-Limit-Limit", "50"),
            ("X-Rate-Limit-Remaining", str(remaining)),
            ("X-Rate-Limit-Reset", str(int(NOW) + reset_in)),
        ]
    return headers


def _page(count: int) -> bytes:
    event: dict[str, Any] = {"published": "2026-11-20T00:00:00.000Z", "eventType": "pki.cert.bind"}
    return json.dumps([dict(event, uuid=f"u{i}") for i in range(count)]).encode()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(failures, max_size=12),
    st.integers(1, 6),
    st.floats(0, 200),
    st.integers(0, 2**32),
)
def test_waits_and_give_ups_follow_the_rules(
    answers: list[tuple[int, int]], max_attempts: int, max_wait: float, seed: int
) -> None:
    config = PullConfig(ORG, limit=2, max_attempts=max_attempts, max_wait=max_wait)
    poller = Poller(config, None, rng=random.Random(seed), clock=lambda: NOW + 0.4)
    first = poller.next_request()
    failed, waited = 0, 0.0
    for status, reset_in in answers:
        if status == 0:
            decision = poller.on_transport_error(ConnectionResetError("reset"))
        elif status == 429:
            body = b'{"errorCode": "E0000047", "errorSummary": "rate limit"}'
            decision = poller.on_response(429, _headers(reset_in, remaining=0), body)
        else:
            decision = poller.on_response(status, _headers(), b"<html>busy</html>")
        assert poller.next_request() == first  # the cursor never moves on a failure
        if status == 429:
            # Reset read against Okta's Date (whole seconds), never our clock; jitter <= 1 s.
            if isinstance(decision, Fatal):
                assert isinstance(decision.error, PullRateLimitError)
                assert decision.error.exit_code == 4
                assert waited + max(reset_in, 1) > max_wait - 1.0 - 1e-9
                return
            assert isinstance(decision, Wait)
            assert max(reset_in, 1) <= decision.seconds <= max(reset_in, 1) + config.jitter
            waited += decision.seconds
            assert waited <= max_wait
        else:
            failed += 1
            if failed >= max_attempts:
                assert isinstance(decision, Fatal)
                assert isinstance(decision.error, PullUnavailableError)
                assert decision.error.exit_code == 6
                tries = "1 attempt" if failed == 1 else f"{failed} attempts"
                assert str(decision.error).endswith(f"gave up after {tries}")
                return
            assert isinstance(decision, Wait)
            ceiling = min(config.backoff_cap, config.backoff_base * 2 ** (failed - 1))
            assert 0 <= decision.seconds <= ceiling
    headers = [*_headers(30), ("link", f'<{NEXT}>; rel="next"')]
    delivered = poller.on_response(200, headers, _page(2))
    assert isinstance(delivered, Deliver)
    assert delivered.page.next_url == NEXT
    assert not delivered.page.caught_up
    assert poller.next_request() == first  # still: the page is not committed yet
    poller.commit(delivered.page)
    assert poller.next_request() == NEXT
    # The budgets start again for the next request.
    again = poller.on_response(503, _headers(), b"")
    if max_attempts == 1:
        assert isinstance(again, Fatal)
    else:
        assert isinstance(again, Wait)
        assert again.seconds <= config.backoff_base


@given(st.integers(0, 50), st.integers(1, 50), st.integers(0, 59))
def test_the_throttle_spreads_the_rest_of_the_window(
    remaining: int, limit: int, reset_in: int
) -> None:
    remaining = min(remaining, limit)
    poller = Poller(PullConfig(ORG, limit=2), None)
    headers = [
        ("Date", email.utils.formatdate(NOW, usegmt=True)),
        ("X-Rate-Limit-Limit", str(limit)),
        ("X-Rate-Limit-Remaining", str(remaining)),
        ("X-Rate-Limit-Reset", str(int(NOW) + reset_in)),
        ("link", f'<{NEXT}>; rel="next"'),
    ]
    decision = poller.on_response(200, headers, _page(2))
    assert isinstance(decision, Deliver)
    poller.commit(decision.page)
    pause = poller.after(decision.page, follow=False, interval=60)
    expected = reset_in / max(remaining, 1) if remaining < 0.2 * limit else 0.0
    assert pause == expected


def test_a_short_page_stops_or_waits_the_interval() -> None:
    poller = Poller(PullConfig(ORG, limit=2), None)
    headers = [("link", f'<{NEXT}>; rel="next"')]
    decision = poller.on_response(200, headers, _page(1))
    assert isinstance(decision, Deliver)
    assert decision.page.caught_up
    poller.commit(decision.page)
    assert poller.after(decision.page, follow=False, interval=60) is None
    assert poller.after(decision.page, follow=True, interval=60) == 60


def test_a_polling_page_without_next_is_refused() -> None:
    poller = Poller(PullConfig(ORG), None)
    decision = poller.on_response(200, [], b"[]")
    assert isinstance(decision, Fatal)
    assert "no next link" in str(decision.error)


def test_a_page_nested_too_deeply_is_unreadable_and_retried_never_a_crash() -> None:
    # json's decoder recurses per level: a page (or one record) nested deeper than the
    # recursion limit raised RecursionError out of ``pull_pages``, not a ``PullError``.
    deep = b"[" * 100_000 + b"]" * 100_000
    record = b'{"uuid":"u1","published":"2026-11-20T00:00:00.000Z","eventType":"pki.cert.bind","x":'
    for body in (b"[" + deep + b"]", b"[" + record + deep + b"}]"):
        with pytest.raises(ValueError, match="nested too deeply"):
            split_page(body)
        config = PullConfig(ORG, limit=2, max_attempts=2)
        poller = Poller(config, None, rng=random.Random(1), clock=lambda: NOW)
        headers = [*_headers(30), ("link", f'<{NEXT}>; rel="next"')]
        decision = poller.on_response(200, headers, body)
        assert isinstance(decision, Wait)
        assert "nested too deeply" in decision.reason
        decision = poller.on_response(200, headers, body)
        assert isinstance(decision, Fatal)
        assert isinstance(decision.error, PullUnavailableError)

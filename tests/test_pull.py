"""The puller against FakeOkta over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okta_pki_events.pull import (
    PullAuthError,
    PullConfig,
    PullProtocolError,
    PullRateLimitError,
    PullRejectedError,
    PullUnavailableError,
    SswsAuth,
    StateError,
    _files,
    apull_pages,
    normalize_org,
    pull_pages,
    pull_to_file,
    split_page,
)
from okta_pki_events.testing import EventTypeName, FakeOkta, make_wire_event


class Clock:
    """A clock shared by FakeOkta and the puller: sleeping advances it, instantly."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _events(count: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    types: list[EventTypeName] = [
        "pki.cert.issue",
        "pki.cert.bind",
        "pki.cert.lifecycle.revoke",
        "pki.ca.add",
    ]
    base = datetime(2026, 11, 20, tzinfo=timezone.utc)
    out = []
    for i in range(count):
        event = make_wire_event(rng.choice(types))
        event["uuid"] = f"u{i:03d}"
        event["published"] = (base + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        out.append(event)
    return out


def _raw(event: dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.fixture
def okta() -> Iterator[FakeOkta]:
    with FakeOkta() as fake:
        yield fake


@pytest.fixture
def client(okta: FakeOkta) -> Iterator[httpx.Client]:
    with httpx.Client(auth=SswsAuth(okta.token), timeout=10) as http:
        yield http


def _uuids(path: Path) -> list[str]:
    return [json.loads(line)["uuid"] for line in path.read_bytes().splitlines()]


class CrashError(Exception):
    pass


STEPS = ["fetched", "written", "synced", "saved"]


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_every_step_then_resume_gives_the_same_bytes(
    okta: FakeOkta,
    client: httpx.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    events = _events(7)
    bad = dict(events[3], uuid="bad", published="yesterday")
    okta.persist(*events[:3], bad, *events[3:])
    okta.persist(
        {
            "uuid": "other",
            "eventType": "user.session.start",
            "published": "2026-11-20T00:00:00.000Z",
        }
    )
    config = PullConfig(okta.url, limit=3)
    reference, dead_reference = tmp_path / "reference.ndjson", tmp_path / "dead.ndjson"
    result = pull_to_file(
        client, config, state=tmp_path / "ref.json", output=reference, dead_letter=dead_reference
    )
    # Exactly as Okta sent it, PKI only, in stored order; the bad record dead-lettered.
    assert reference.read_bytes() == b"".join(_raw(e) + b"\n" for e in events)
    assert [json.loads(line)["record"] for line in dead_reference.read_bytes().splitlines()] == [
        bad
    ]
    assert (result.pages, result.events, result.failures, result.caught_up) == (3, 7, 1, True)

    for crash_page in (1, 2, 3):
        out, state = tmp_path / f"{step}{crash_page}.ndjson", tmp_path / f"{step}{crash_page}.json"
        dead = tmp_path / f"{step}{crash_page}.dead.ndjson"
        seen = {"pages": 0}

        def crash(
            name: str, out: Path = out, crash_page: int = crash_page, seen: dict[str, int] = seen
        ) -> None:
            if name == "fetched":
                seen["pages"] += 1
            if name == step and seen["pages"] == crash_page:
                if name == "written":  # a torn write: half a line reached the disk
                    with out.open("ab") as handle:
                        handle.write(b'{"uuid": "torn')
                raise CrashError

        monkeypatch.setattr(_files, "_step", crash)
        with pytest.raises(CrashError):
            pull_to_file(client, config, state=state, output=out, dead_letter=dead)
        monkeypatch.setattr(_files, "_step", lambda name: None)
        pull_to_file(client, config, state=state, output=out, dead_letter=dead)
        assert out.read_bytes() == reference.read_bytes(), (step, crash_page)
        assert dead.read_bytes() == dead_reference.read_bytes(), (step, crash_page)


def test_a_late_event_is_delivered_and_nothing_twice(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    events = _events(5)
    okta.persist(*events[:4])
    config = PullConfig(okta.url, limit=2)
    out, state = tmp_path / "out.ndjson", tmp_path / "state.json"
    pull_to_file(client, config, state=state, output=out)
    late = dict(events[4], published="2026-11-01T00:00:00.000Z")  # stored now, published before
    okta.persist(
        {"uuid": "x1", "eventType": "user.session.start", "published": "2026-11-21T00:00:00.000Z"},
        late,
    )
    second = pull_to_file(client, config, state=state, output=out)
    assert second.events == 1
    assert _uuids(out) == ["u000", "u001", "u002", "u003", "u004"]
    pull_to_file(client, config, state=state, output=out)  # nothing new: nothing written
    assert _uuids(out) == ["u000", "u001", "u002", "u003", "u004"]
    logs = okta.log_requests()
    assert all(r.query.get("filter") == 'eventType sw "pki."' for r in logs)
    assert all(r.query.get("sortOrder") == "ASCENDING" and "until" not in r.query for r in logs)
    # First request: since 7 days back; every later one follows Okta's next link.
    assert "since" in logs[0].query
    assert all("after" in r.query for r in logs[1:])


def test_no_request_is_spent_on_a_page_known_to_be_empty(
    okta: FakeOkta, client: httpx.Client
) -> None:
    okta.persist(*_events(5))
    pages = list(pull_pages(client, PullConfig(okta.url, limit=2)))
    assert [p.size for p in pages] == [2, 2, 1]
    assert len(okta.log_requests()) == 3


def test_all_types_drops_the_filter(okta: FakeOkta, client: httpx.Client) -> None:
    okta.persist(
        _events(1)[0],
        {"uuid": "o", "eventType": "user.session.start", "published": "2026-11-20T00:00:00.000Z"},
    )
    (page,) = pull_pages(client, PullConfig(okta.url, filter=None))
    assert [e.uuid for e in page.events] == ["u000", "o"]
    assert "filter" not in okta.log_requests()[0].query


def test_a_bad_record_goes_to_the_dead_letter_and_never_blocks(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    good = _events(3)
    bad = dict(good[1], uuid="bad", published="yesterday")
    okta.persist(good[0], bad, good[2])
    out, dead = tmp_path / "out.ndjson", tmp_path / "dead.ndjson"
    result = pull_to_file(
        client,
        PullConfig(okta.url, limit=2),
        state=tmp_path / "s.json",
        output=out,
        dead_letter=dead,
    )
    assert (result.events, result.failures, result.state.failures) == (2, 1, 1)
    assert _uuids(out) == ["u000", "u002"]
    (letter,) = [json.loads(line) for line in dead.read_bytes().splitlines()]
    assert letter["record"] == bad
    assert "published" in letter["error"]


def test_429_waits_follow_reset_by_the_server_date(tmp_path: Path) -> None:
    # Okta's clock is an hour ahead of ours: a wait read against our clock would be wrong.
    clock = Clock(1_800_000_000.25 + 30)
    with FakeOkta(rate_limit=4, window=60, clock=clock) as okta:
        okta.persist(*_events(6))
        auth = {"Authorization": f"SSWS {okta.token}"}
        for _ in range(4):  # another client of the org spends the whole window
            httpx.get(okta.url + "/api/v1/logs", headers=auth)
        config = PullConfig(okta.url, limit=2, max_wait=120, jitter=1.0)
        with httpx.Client(auth=SswsAuth(okta.token)) as http:
            pages = list(pull_pages(http, config, sleep=clock.sleep, rng=random.Random(7)))
        statuses = [r.status for r in okta.log_requests()[4:]]
    assert sum(p.size for p in pages) == 6
    assert statuses[0] == 429
    reset, date = 1_800_000_060, 1_800_000_030  # the window's end; Date has whole seconds
    first = clock.sleeps[0]
    assert reset - date <= first <= reset - date + 1.0
    # After the wait, the retry landed in the next window and succeeded.
    assert statuses[1] == 200


def test_throttles_when_remaining_falls_under_a_fifth(tmp_path: Path) -> None:
    clock = Clock(1_800_000_000.0)
    with FakeOkta(rate_limit=10, window=60, clock=clock) as okta:
        okta.persist(*_events(20))
        with httpx.Client(auth=SswsAuth(okta.token)) as http:
            pages = list(pull_pages(http, PullConfig(okta.url, limit=2), sleep=clock.sleep))
        statuses = [r.status for r in okta.log_requests()]
    assert len(pages) == 11
    assert 429 not in statuses
    # Remaining 1 of 10 after the 9th request: spread over the 60 - 0 s left.
    assert clock.sleeps[0] == pytest.approx(60.0)


def test_rate_limited_beyond_max_wait_exits_4(tmp_path: Path) -> None:
    clock = Clock(1_800_000_000.0)
    with FakeOkta(rate_limit=1, window=600, clock=clock) as okta:
        okta.persist(*_events(3))
        httpx.get(okta.url + "/api/v1/logs", headers={"Authorization": f"SSWS {okta.token}"})
        with (
            httpx.Client(auth=SswsAuth(okta.token)) as http,
            pytest.raises(PullRateLimitError, match="max-wait") as info,
        ):
            list(pull_pages(http, PullConfig(okta.url, max_wait=60), sleep=clock.sleep))
    assert info.value.exit_code == 4
    assert info.value.error_code == "E0000047"
    assert clock.sleeps == []


def test_the_concurrency_429_backs_off(okta: FakeOkta, client: httpx.Client) -> None:
    okta.persist(*_events(1))
    okta.fail_next(2, status=429, code="E0000047", summary="concurrent", concurrency=True)
    sleeps: list[float] = []
    (page,) = pull_pages(client, PullConfig(okta.url), sleep=sleeps.append, rng=random.Random(1))
    assert page.size == 1
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 1
    assert 0 <= sleeps[1] <= 2


def test_5xx_is_retried_with_full_jitter_then_succeeds(
    okta: FakeOkta, client: httpx.Client
) -> None:
    okta.persist(*_events(2))
    okta.fail_next(3)
    sleeps: list[float] = []
    config = PullConfig(okta.url, backoff_base=1.0, backoff_cap=3.0)
    (page,) = pull_pages(client, config, sleep=sleeps.append, rng=random.Random(3))
    assert page.size == 2
    assert len(sleeps) == 3
    assert all(0 <= s <= cap for s, cap in zip(sleeps, (1.0, 2.0, 3.0), strict=True))


def test_5xx_exits_6_with_the_cursor_unchanged(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(5))
    config = PullConfig(okta.url, limit=2, max_attempts=3, backoff_base=0.0, jitter=0.0)
    out, state = tmp_path / "out.ndjson", tmp_path / "state.json"
    pull_to_file(client, config, state=state, output=out, max_pages=1)
    before = state.read_bytes(), out.read_bytes()
    okta.fail_next(3)
    with pytest.raises(PullUnavailableError, match="E0000009") as info:
        pull_to_file(client, config, state=state, output=out, sleep=lambda s: None)
    assert info.value.exit_code == 6
    assert (state.read_bytes(), out.read_bytes()) == before
    assert [r.status for r in okta.log_requests()[-3:]] == [500, 500, 500]
    pull_to_file(client, config, state=state, output=out)
    assert _uuids(out) == [f"u{i:03d}" for i in range(5)]


def test_transport_errors_exit_6(tmp_path: Path) -> None:
    okta = FakeOkta().start()
    url = okta.url
    okta.stop()  # nothing listens on the port any more
    with (
        httpx.Client(auth=SswsAuth("t")) as http,
        pytest.raises(PullUnavailableError, match="no usable answer from Okta: ConnectError"),
    ):
        list(
            pull_pages(
                http,
                PullConfig(url, max_attempts=2, backoff_base=0.0, jitter=0.0),
                sleep=lambda s: None,
            )
        )


def test_a_next_link_to_another_host_is_refused(okta: FakeOkta, client: httpx.Client) -> None:
    okta.persist(*_events(3))
    okta.link_base = "http://127.0.0.2:9"
    with pytest.raises(PullProtocolError, match="refused") as info:
        list(pull_pages(client, PullConfig(okta.url, limit=1)))
    assert info.value.exit_code == 6
    assert len(okta.log_requests()) == 1


def test_a_saved_cursor_to_another_host_is_refused(okta: FakeOkta, client: httpx.Client) -> None:
    with pytest.raises(PullProtocolError):
        list(pull_pages(client, PullConfig(okta.url), cursor="http://evil.example/api/v1/logs"))


def test_a_changed_filter_or_limit_on_resume_is_refused(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(2))
    out, state = tmp_path / "out.ndjson", tmp_path / "state.json"
    pull_to_file(client, PullConfig(okta.url), state=state, output=out)
    saved = state.read_bytes()
    with pytest.raises(StateError, match="filter"):
        pull_to_file(client, PullConfig(okta.url, filter=None), state=state, output=out)
    with pytest.raises(StateError, match="limit"):
        pull_to_file(client, PullConfig(okta.url, limit=5), state=state, output=out)
    with pytest.raises(StateError, match="output"):
        pull_to_file(client, PullConfig(okta.url), state=state, output=tmp_path / "other")
    assert state.read_bytes() == saved


@pytest.mark.parametrize("content", [b"\xff\xfe{not UTF-8", b"[" * 100_000, b"{}", b""])
def test_a_state_file_that_is_not_one_is_refused(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path, content: bytes
) -> None:
    # a state file that is not UTF-8 raised UnicodeDecodeError (the CLI: "internal error")
    state = tmp_path / "state.json"
    state.write_bytes(content)
    with pytest.raises(StateError, match="not a state file"):
        pull_to_file(client, PullConfig(okta.url), state=state, output=tmp_path / "o")
    assert state.read_bytes() == content


def test_a_second_puller_on_one_state_is_refused(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(1))
    state = tmp_path / "state.json"
    with _files.StateFile(state).locked(), pytest.raises(StateError, match="in use"):
        pull_to_file(client, PullConfig(okta.url), state=state, output=tmp_path / "o")


def test_4xx_is_fatal_with_okta_error_summary(okta: FakeOkta, client: httpx.Client) -> None:
    with pytest.raises(PullRejectedError, match="Invalid value for 'filter'") as info:
        list(pull_pages(client, PullConfig(okta.url, filter="eventType co pki")))
    assert (info.value.exit_code, info.value.status, info.value.error_code) == (5, 400, "E0000053")


def test_a_wrong_token_exits_3(okta: FakeOkta) -> None:
    with httpx.Client(auth=SswsAuth("wrong")) as http, pytest.raises(PullAuthError) as info:
        list(pull_pages(http, PullConfig(okta.url)))
    assert info.value.exit_code == 3
    assert "wrong" not in str(info.value)
    assert "E0000011" in str(info.value)
    assert "wrong" not in repr(SswsAuth("wrong"))


def test_bounded_mode_ends_without_next_and_stays_complete(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(5))
    config = PullConfig(
        okta.url,
        limit=2,
        since=datetime(2026, 11, 20, 0, 1, tzinfo=timezone.utc),
        until=datetime(2026, 11, 20, 0, 4, tzinfo=timezone.utc),
    )
    out, state = tmp_path / "out.ndjson", tmp_path / "state.json"
    result = pull_to_file(client, config, state=state, output=out)
    assert result.complete
    assert _uuids(out) == ["u001", "u002", "u003"]
    again = pull_to_file(client, config, state=state, output=out)
    assert again.complete
    assert again.pages == 0


def test_follow_polls_again_after_the_interval_until_stopped(
    okta: FakeOkta, client: httpx.Client
) -> None:
    okta.persist(*_events(1))
    waits: list[float] = []
    later = _events(3)[1:]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:
            okta.persist(*later)

    pages = pull_pages(
        client,
        PullConfig(okta.url),
        follow=True,
        interval=30,
        sleep=sleep,
        should_stop=lambda: len(waits) >= 2,
    )
    assert [[e.uuid for e in p.events] for p in pages] == [["u000"], ["u001", "u002"]]
    assert waits == [30, 30]


def test_sync_and_async_drivers_give_the_same_pages(okta: FakeOkta, client: httpx.Client) -> None:
    okta.persist(*_events(7))
    okta.fail_next(1)
    config = PullConfig(okta.url, limit=3, backoff_base=0.0, jitter=0.0)
    sync = [p.ndjson() for p in pull_pages(client, config, sleep=lambda s: None)]
    okta.fail_next(1)

    async def collect() -> list[bytes]:
        async def nap(seconds: float) -> None:
            return None

        async with httpx.AsyncClient(auth=SswsAuth(okta.token)) as http:
            return [p.ndjson() async for p in apull_pages(http, config, sleep=nap)]

    assert asyncio.run(collect()) == sync
    assert len(sync) == 3


@pytest.mark.parametrize(
    "org", ["http://acme.okta.com", "https://acme.okta.com/api", "ftp://x", "https://u:p@x.com"]
)
def test_unsafe_org_urls_are_refused(org: str) -> None:
    with pytest.raises(ValueError, match="org URL"):
        normalize_org(org)


def test_org_urls_are_normalised() -> None:
    assert normalize_org("Acme.Okta.com/") == "https://acme.okta.com"
    assert normalize_org("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert normalize_org("http://localhost:1") == "http://localhost:1"


def test_since_beyond_180_days_is_refused() -> None:
    config = PullConfig("https://acme.okta.com", since=datetime(2020, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="180 days"):
        config.first_url(datetime(2026, 1, 1, tzinfo=timezone.utc))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(json_values, max_size=6), st.sampled_from([None, 1, 2]), st.booleans())
def test_split_page_gives_each_element_as_sent(
    elements: list[Any], indent: int | None, ascii_only: bool
) -> None:
    body = json.dumps(elements, indent=indent, ensure_ascii=ascii_only).encode()
    parts = split_page(body)
    assert [json.loads(p) for p in parts] == elements
    assert all(b"\n" not in p for p in parts)
    if indent is None:
        assert parts == [json.dumps(e, ensure_ascii=ascii_only).encode() for e in elements]


@pytest.mark.parametrize("body", [b"", b"{}", b"[1,", b"[1 2]", b"[1] x", b"\xff"])
def test_split_page_refuses_what_is_not_an_array(body: bytes) -> None:
    with pytest.raises(ValueError, match="page"):
        split_page(body)


def test_an_answer_longer_than_the_bound_is_not_read(okta: FakeOkta, client: httpx.Client) -> None:
    okta.persist(*_events(3))
    config = PullConfig(okta.url, max_page_bytes=1000, max_attempts=2, backoff_base=0.0)
    with pytest.raises(PullUnavailableError, match="longer than 1,000 bytes"):
        list(pull_pages(client, config))


def test_a_rotated_output_starts_a_new_file_from_the_cursor(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(2))
    out, state = tmp_path / "out.ndjson", tmp_path / "state.json"
    pull_to_file(client, PullConfig(okta.url), state=state, output=out)
    out.rename(tmp_path / "out.ndjson.1")  # logrotate
    okta.persist(_events(3)[2])
    pull_to_file(client, PullConfig(okta.url), state=state, output=out)
    assert _uuids(out) == ["u002"]
    out.write_bytes(b"")  # logrotate's copytruncate
    okta.persist(dict(_events(4)[3]))
    pull_to_file(client, PullConfig(okta.url), state=state, output=out)
    assert _uuids(out) == ["u003"]


def test_an_output_cut_short_by_someone_else_is_refused(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(2))
    out, state = tmp_path / "out.ndjson", tmp_path / "state.json"
    pull_to_file(client, PullConfig(okta.url), state=state, output=out)
    out.write_bytes(out.read_bytes()[:10])
    with pytest.raises(StateError, match="fewer than the"):
        pull_to_file(client, PullConfig(okta.url), state=state, output=out)


def test_a_first_run_appends_to_an_existing_file(
    okta: FakeOkta, client: httpx.Client, tmp_path: Path
) -> None:
    okta.persist(*_events(1))
    out = tmp_path / "out.ndjson"
    out.write_bytes(b'{"uuid": "mine"}\n')
    pull_to_file(client, PullConfig(okta.url), state=tmp_path / "s.json", output=out)
    assert _uuids(out) == ["mine", "u000"]

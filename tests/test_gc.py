"""``gc_paused``: the collector is off inside, restored after, whatever happens."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

import pytest
from click.testing import CliRunner

from okta_pki_events import (
    EventType,
    LifecycleReport,
    LifecycleTracker,
    LogEvent,
    build_lifecycles,
    gc_paused,
    parse_event,
)
from okta_pki_events.cli import main
from okta_pki_events.http import RateLimit
from okta_pki_events.lifecycle import lifecycles_from
from okta_pki_events.pull._core import _parse_page
from okta_pki_events.testing import make_event

from .support import pki_fixture

NO_RATE = RateLimit(None, None, None)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_inside_and_restored_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
        events = [parse_event(pki_fixture("pki.cert.issue")) for _ in range(100)]
    assert gc.isenabled()
    assert len({id(e) for e in events}) == 100


@pytest.mark.usefixtures("collector_on")
def test_nested_blocks_leave_it_as_the_outermost_found_it() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_restored_on_an_exception() -> None:
    with pytest.raises(ValueError, match="boom"), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_freeze_moves_what_lives_to_the_permanent_generation() -> None:
    before = gc.get_freeze_count()
    try:
        with gc_paused(freeze=True):
            kept = [parse_event(pki_fixture("pki.cert.bind")) for _ in range(10)]
        assert gc.get_freeze_count() > before
        assert len(kept) == 10
    finally:
        gc.unfreeze()


# -- the library's batch paths run with the collector paused ------------------------------


@contextmanager
def collections_under(*functions: str) -> Iterator[list[str]]:
    """Name each collection that starts while one of ``functions`` is on the stack.

    The threshold is lowered so that a path building containers with the collector on meets
    collections at once: an unpaused batch path cannot pass unseen.
    """
    found: list[str] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase != "start":
            return
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name in functions:
                found.append(frame.f_code.co_name)
                return
            frame = frame.f_back  # type: ignore[assignment]

    threshold = gc.get_threshold()
    gc.set_threshold(20)
    gc.callbacks.append(callback)
    try:
        yield found
    finally:
        gc.callbacks.remove(callback)
        gc.set_threshold(*threshold)


def certificate_events(n: int) -> list[LogEvent]:
    types: tuple[EventType, ...] = (
        "pki.cert.issue",
        "pki.cert.bind",
        "pki.cert.lifecycle.hold",
        "pki.cert.revoke",
    )
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [
        make_event(t, certificate_id=f"c{i}", published=start + timedelta(minutes=10 * i + k))
        for i in range(n // len(types))
        for k, t in enumerate(types)
    ]


@pytest.mark.usefixtures("collector_on")
def test_the_detector_sees_an_unpaused_batch() -> None:
    events = certificate_events(200)

    def unpaused_batch() -> LifecycleReport:
        return LifecycleTracker().feed_all(events).report()

    with collections_under("unpaused_batch") as found:
        unpaused_batch()
    assert found  # the control: without a pause, collections run inside the batch


@pytest.mark.usefixtures("collector_on")
def test_build_lifecycles_runs_paused() -> None:
    events = certificate_events(200)
    with collections_under("feed_all", "report") as found:
        report = build_lifecycles(events)
    assert found == []
    assert gc.isenabled()
    assert report.state_counts["revoked"] == 50


@pytest.mark.usefixtures("collector_on")
@pytest.mark.parametrize("check", ["full", "fields"])
def test_lifecycles_from_runs_paused(tmp_path: Path, check: Literal["full", "fields"]) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text("".join(e.model_dump_json() + "\n" for e in certificate_events(200)))
    with collections_under("feed_items", "report") as found:
        report = lifecycles_from(path, check=check)
    assert found == []
    assert gc.isenabled()
    assert report.state_counts["revoked"] == 50


@pytest.mark.usefixtures("collector_on")
def test_the_cli_lifecycle_command_feeds_its_tracker_paused(tmp_path: Path) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text("".join(e.model_dump_json() + "\n" for e in certificate_events(200)))
    runner = CliRunner()
    # --max-errors takes the path that feeds parsed events; without it, lifecycles_from's
    for options in (["--max-errors", "5"], []):
        with collections_under("feed", "feed_items", "report") as found:
            result = runner.invoke(main, ["lifecycle", str(path), "--json", *options])
        assert result.exit_code == 0, result.output
        assert found == []
        assert json.loads(result.output)["state_counts"]["revoked"] == 50


@pytest.mark.usefixtures("collector_on")
def test_a_pulled_page_is_parsed_paused() -> None:
    raw = [e.model_dump_json().encode() for e in certificate_events(200)]
    body = b"[" + b",".join(raw) + b"]"
    with collections_under("_page_items") as found:
        page = _parse_page("https://x.okta.com/api/v1/logs", raw, body, None, True, NO_RATE, 0.0)
    assert found == []
    assert len(page.events) == 200

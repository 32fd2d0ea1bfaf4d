"""Windowed mode: many copies of one uuid cost time linear in their number."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from okta_pki_events import LifecycleTracker, LogEvent, build_lifecycles
from okta_pki_events.lifecycle import (
    AnomalyKind,
    LifecycleChange,
    LifecycleRecord,
    _tracker,
    merge,
    record_of,
)
from okta_pki_events.lifecycle._records import record_signature
from okta_pki_events.testing import known_event_type, make_event

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
COPIES = 300


def _copies(event_type: str) -> list[LogEvent]:
    """``COPIES`` copies of one uuid, each by another actor, each published earlier."""
    options: Any = (
        {"ca_id": "ca1"} if event_type.startswith("pki.ca.") else {"certificate_id": "c1"}
    )
    return [
        make_event(
            known_event_type(event_type),
            published=T0 + timedelta(minutes=1, seconds=-i / 10),
            uuid="u1",
            actor={"id": f"a{i}", "type": "User", "alternateId": f"a{i}@example.com"},
            **options,
        )
        for i in range(COPIES)
    ]


@pytest.mark.parametrize("event_type", ["pki.cert.bind", "pki.ca.add"])
def test_many_copies_of_one_uuid_cost_linear_time(
    event_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each copy of a pending uuid was weighed against all the copies before it (twice), and
    # each stale place of the uuid again when it was released or reported: 4,000 copies took
    # a minute. The copy that wins is now kept first: a new copy is weighed against it alone.
    calls = 0

    def counted(record: Any) -> str:
        nonlocal calls
        calls += 1
        return record_signature(record)

    monkeypatch.setattr(_tracker, "record_signature", counted)
    copies = _copies(event_type)
    told: list[LifecycleChange] = []
    tracker = LifecycleTracker(window=timedelta(minutes=10), on_change=told.append)
    tracker.feed_all(copies)
    windowed = tracker.report()
    tracker.flush()
    assert calls < 10 * COPIES  # each weighed against every copy before it: 90,000
    exact = build_lifecycles(copies)
    assert windowed.to_table() == exact.to_table() == tracker.report().to_table()
    assert windowed.anomalies == exact.anomalies
    conflicts = [c for c in told if c.anomaly is not None]
    assert len(conflicts) == COPIES - 1
    assert {c.anomaly.kind for c in conflicts if c.anomaly} == {AnomalyKind.CONFLICTING_DUPLICATE}


def test_a_merged_copy_that_wins_is_applied_at_its_own_time() -> None:
    # The copies of u1 were fed to two trackers (partitioned by certificate): after the
    # merge, the one that wins (published earlier) is applied where exact mode applies it,
    # before c2's revoke, whichever part held the other copy.
    def bind(cert: str, minute: int) -> LogEvent:
        return make_event(
            "pki.cert.bind",
            certificate_id=cert,
            published=T0 + timedelta(minutes=minute),
            uuid="u1",
        )

    first = [bind("c1", 8)]
    second = [
        make_event("pki.cert.issue", certificate_id="c2", published=T0, uuid="u0"),
        make_event(
            "pki.cert.revoke", certificate_id="c2", published=T0 + timedelta(minutes=5), uuid="u2"
        ),
        bind("c2", 2),
    ]
    parts = [LifecycleTracker(window=timedelta(minutes=10)) for _ in range(2)]
    parts[0].feed_all(first)
    parts[1].feed_all(second)
    merged = merge(*parts)
    exact = build_lifecycles(first + second)
    assert [a.kind for a in exact.anomalies] == [AnomalyKind.CONFLICTING_DUPLICATE]
    assert merged.report().to_table() == exact.to_table()
    assert merged.report().anomalies == exact.anomalies
    restored = LifecycleTracker.restore(merged.snapshot())
    restored.flush()
    assert restored.report().to_table() == exact.to_table()


@pytest.mark.parametrize("event_type", ["pki.cert.bind", "pki.ca.add"])
def test_many_copies_of_one_uuid_are_told_apart_in_linear_time(event_type: str) -> None:
    # Each copy of a pending uuid was compared with every copy before it (is it one of
    # them?): 60,000 copies took 30 s. Many copies are now looked up in a set.
    compared = 0

    class Counted(LifecycleRecord):
        def __eq__(self, other: object) -> bool:
            nonlocal compared
            compared += 1
            return tuple(self) == other

        __hash__ = LifecycleRecord.__hash__

    def counted(event: LogEvent) -> Counted:
        made = record_of(event)
        assert made is not None
        return Counted(*made)

    records = [counted(event) for event in _copies(event_type)]
    tracker = LifecycleTracker(window=timedelta(minutes=10))
    for record in records + records[::7]:  # and some exact copies again
        tracker.feed_record(record)
    assert compared < 10 * COPIES  # each compared with every copy before it: 100,000
    report = tracker.report()
    assert report.duplicates == len(records[::7]) + COPIES - 1
    exact = build_lifecycles(_copies(event_type) + _copies(event_type)[::7])
    assert report.to_table() == exact.to_table()
    assert (report.anomalies, report.authorities) == (exact.anomalies, exact.authorities)

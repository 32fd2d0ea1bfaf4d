"""Windowed mode, the streaming consumer, snapshots and merging."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import LifecycleTracker, LogEvent, build_lifecycles
from okta_pki_events.lifecycle import (
    AnomalyKind,
    CertState,
    LifecycleChange,
    LifecycleReport,
    merge,
    record_of,
)
from okta_pki_events.testing import known_event_type, make_event

from .lifecycle_oracle import CERT_TYPES

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WINDOW = timedelta(minutes=10)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def cert_event(event_type: str, cert: str, minute: int, uuid: str, ok: bool = True) -> LogEvent:
    return make_event(
        known_event_type(event_type),
        certificate_id=cert,
        device_id=f"d-{cert}",
        published=at(minute),
        uuid=uuid,
        outcome="SUCCESS" if ok else "FAILURE",
    )


def _rows(latest: int, copy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """Rows of (type, certificate, succeeded, minutes late up to ``latest``, ``copy``)."""
    return st.lists(
        st.tuples(
            st.sampled_from(CERT_TYPES),
            st.sampled_from(["c1", "c2", "c3"]),
            st.booleans(),
            st.integers(min_value=0, max_value=latest),
            copy,
        ),
        max_size=30,
    )


# Events one minute apart, each delivered at most 9 minutes late (within WINDOW), some twice.
in_window = _rows(9, st.booleans())


def _arrivals(events: list[LogEvent], delays: list[tuple[int, bool]]) -> list[LogEvent]:
    """Event ``minute`` arrives ``delay`` minutes late, and again half a minute later if asked."""
    arrivals: list[tuple[float, int, LogEvent]] = []
    for minute, (event, (delay, again)) in enumerate(zip(events, delays, strict=True)):
        arrivals.append((float(minute + delay), minute, event))
        if again:
            arrivals.append((minute + delay + 0.5, minute, event))
    arrivals.sort(key=lambda a: (a[0], a[1]))
    return [event for _, _, event in arrivals]


def _deliveries(
    rows: list[tuple[str, str, bool, int, bool]],
) -> tuple[list[LogEvent], list[LogEvent]]:
    events = [
        cert_event(event_type, cert, minute, f"u{minute:04d}", ok)
        for minute, (event_type, cert, ok, _, _) in enumerate(rows)
    ]
    return events, _arrivals(events, [(delay, again) for *_, delay, again in rows])


def counts_only(report: LifecycleReport) -> list[dict[str, object]]:
    return report.to_table()


@SETTINGS
@given(in_window)
def test_windowed_equals_exact_when_disorder_stays_within_the_window(
    rows: list[tuple[str, str, bool, int, bool]],
) -> None:
    events, arrivals = _deliveries(rows)
    assert_windowed_is_exact(arrivals, build_lifecycles(events), len(arrivals) - len(events))


def assert_windowed_is_exact(
    arrivals: list[LogEvent], exact: LifecycleReport, duplicates: int
) -> None:
    """A windowed tracker fed ``arrivals`` reports what ``exact`` does, flushed or not."""
    tracker = LifecycleTracker(window=WINDOW)
    tracker.feed_all(arrivals)
    windowed = tracker.report()
    assert windowed.late == 0
    assert windowed.to_table() == exact.to_table()
    assert windowed.anomalies == exact.anomalies
    assert windowed.duplicates == duplicates
    tracker.flush()  # flushing changes what is applied, not the report
    assert tracker.report().to_table() == exact.to_table()


def test_a_late_event_is_counted_and_reported_never_applied() -> None:
    changes: list[LifecycleChange] = []
    tracker = LifecycleTracker(window=WINDOW, on_change=changes.append)
    tracker.feed(cert_event("pki.cert.issue", "c1", 0, "u0"))
    tracker.feed(cert_event("pki.cert.bind", "c1", 2, "u2"))
    tracker.feed(cert_event("pki.cert.lifecycle.hold", "c1", 30, "u30"))  # applies u0, u2
    tracker.feed(cert_event("pki.cert.lifecycle.revoke", "c1", 1, "u1"))  # older than u2
    report = tracker.report()
    assert report.late == 1
    assert report.certificates["c1"].state is CertState.ON_HOLD  # the revoke was not applied
    late = [a for a in report.anomalies if a.kind is AnomalyKind.LATE_EVENT]
    assert [a.event.uuid for a in late] == ["u1"]
    assert [(c.entry.uuid, c.entry.applied) for c in changes] == [
        ("u0", True),
        ("u2", True),
        ("u1", False),
    ]
    assert changes[2].anomaly is not None
    assert changes[2].anomaly.kind is AnomalyKind.LATE_EVENT


def test_an_event_older_than_the_window_but_after_everything_applied_is_applied() -> None:
    tracker = LifecycleTracker(window=WINDOW)
    tracker.feed(cert_event("pki.cert.issue", "c1", 0, "u0"))
    tracker.feed(cert_event("pki.cert.bind", "c1", 30, "u30"))  # applies u0 only
    tracker.feed(cert_event("pki.cert.lifecycle.revoke", "c1", 5, "u5"))  # still in order
    report = tracker.report()
    assert report.late == 0
    assert report == dataclasses.replace(
        build_lifecycles(
            [
                cert_event("pki.cert.issue", "c1", 0, "u0"),
                cert_event("pki.cert.bind", "c1", 30, "u30"),
                cert_event("pki.cert.lifecycle.revoke", "c1", 5, "u5"),
            ]
        ),
        certificates=report.certificates,
    )
    assert report.certificates["c1"].state is CertState.REVOKED


def test_the_consumer_learns_each_transition_as_it_is_applied() -> None:
    events = [
        cert_event("pki.cert.issue", "c1", 0, "u0"),
        cert_event("pki.cert.bind", "c1", 1, "u1"),
        cert_event("pki.cert.bind", "c1", 2, "u2"),  # illegal: a second bind
        cert_event("pki.cert.lifecycle.revoke", "c1", 20, "u20"),
    ]
    tracker = LifecycleTracker(window=WINDOW)
    seen: list[tuple[str, str | None, str | None, bool]] = []
    stream = tracker.follow(events)
    for change in stream:
        seen.append(
            (
                change.entry.uuid,
                change.entry.state_before,
                change.entry.state_after,
                change.entry.applied,
            )
        )
        if change.entry.uuid == "u2":
            assert change.anomaly is not None
            assert change.anomaly.kind is AnomalyKind.ILLEGAL_TRANSITION
            # the first three are applied as soon as the revoke (20 minutes later) arrives
            assert len(seen) == 3
    assert seen == [
        ("u0", None, "issued", True),
        ("u1", "issued", "active", True),
        ("u2", "active", "active", False),
        ("u20", "active", "revoked", True),
    ]


def test_exact_mode_refuses_a_consumer() -> None:
    with pytest.raises(ValueError, match="window"):
        LifecycleTracker(on_change=print)
    with pytest.raises(ValueError, match="window"):
        list(LifecycleTracker().follow([]))


def _stream(n: int, seed: int) -> list[LogEvent]:
    rng = random.Random(seed)
    kinds = ["pki.cert.issue", "pki.cert.bind", "pki.cert.renew", "pki.cert.lifecycle.hold"]
    events = [
        cert_event(kinds[i % 4], f"c{i // 4}", i, f"u{i:05d}", ok=rng.random() > 0.1)
        for i in range(n)
    ]
    events += [make_event("pki.ca.add", ca_id="ca1", published=at(3), uuid="ca-add")]
    return events


@pytest.mark.parametrize("window", [None, WINDOW])
def test_snapshot_and_restore_survive_a_restart(window: timedelta | None) -> None:
    events = _stream(60, 1)
    whole = LifecycleTracker(window=window).feed_all(events).report()
    first = LifecycleTracker(window=window).feed_all(events[:25])
    blob = first.snapshot()
    assert isinstance(blob, bytes)
    restored = LifecycleTracker.restore(blob)
    assert restored.window == window
    restored.feed_all(events[25:])
    assert restored.report() == whole
    assert restored.report().to_json() == whole.to_json()


def test_restore_refuses_what_is_not_a_snapshot() -> None:
    blob = LifecycleTracker().feed_all(_stream(8, 2)).snapshot()
    with pytest.raises(ValueError, match="magic"):
        LifecycleTracker.restore(b"PK\x03\x04" + blob)
    with pytest.raises(ValueError, match="version"):
        LifecycleTracker.restore(blob[:8] + b"\x63" + blob[9:])
    with pytest.raises(ValueError, match=r"truncated|damaged"):
        LifecycleTracker.restore(blob[:-5])
    with pytest.raises(ValueError, match="damaged"):
        LifecycleTracker.restore(blob + b"x")


@settings(max_examples=60, deadline=None)
@given(data=st.data(), windowed=st.booleans())
def test_a_damaged_snapshot_is_refused_whole(data: st.DataObject, windowed: bool) -> None:
    # Any byte changed, cut or added is a ValueError at restore, never a restored tracker
    # whose report fails later (a byte flipped in a certificate's packed records once gave
    # KeyError, IndexError or struct.error from report()).
    tracker = LifecycleTracker(window=timedelta(minutes=5) if windowed else None)
    blob = tracker.feed_all(_stream(8, 2)).snapshot()
    at = data.draw(st.integers(0, len(blob) - 1))
    change = data.draw(st.sampled_from(["flip", "cut", "insert"]))
    if change == "flip":
        damaged = blob[:at] + bytes([blob[at] ^ data.draw(st.integers(1, 255))]) + blob[at + 1 :]
    elif change == "cut":
        damaged = blob[:at] + blob[at + 1 :]
    else:
        damaged = blob[:at] + bytes([data.draw(st.integers(0, 255))]) + blob[at:]
    with pytest.raises(ValueError, match="snapshot"):
        LifecycleTracker.restore(damaged)


@pytest.mark.parametrize("header", [b"[" * 100_000, b'{"strict": ' + b"[" * 100_000])
def test_a_snapshot_whose_digest_holds_but_whose_header_is_nested_too_deeply_is_refused(
    header: bytes,
) -> None:
    # the digest is no key: a snapshot made by hand passes it, and its header (JSON) nested
    # deeper than json recurses raised RecursionError out of restore()
    from okta_pki_events.lifecycle._snapshot import MAGIC

    at = len(MAGIC) + 1
    body = LifecycleTracker().snapshot()[:-32]
    size = int.from_bytes(body[at : at + 8], "big")
    crafted = body[:at] + len(header).to_bytes(8, "big") + header + body[at + 8 + size :]
    with pytest.raises(ValueError, match="snapshot"):
        LifecycleTracker.restore(crafted + hashlib.sha256(crafted).digest())


events_for_merge = st.lists(
    st.tuples(
        st.sampled_from(
            [*CERT_TYPES, "pki.ca.add", "pki.ca.delete", "pki.cert.crl_download_failure"]
        ),
        st.sampled_from(["c1", "c2", "c3", "c4"]),
        st.integers(min_value=0, max_value=20),
        st.sampled_from([f"u{i}" for i in range(12)]),
    ),
    max_size=25,
).map(
    lambda rows: [
        make_event(t, certificate_id=c, ca_id="ca1", published=at(m), uuid=u) for t, c, m, u in rows
    ]
)


@SETTINGS
@given(events_for_merge, st.integers(min_value=1, max_value=4), st.data())
def test_merge_of_folded_partitions_is_the_fold_of_all(
    events: list[LogEvent], parts: int, data: st.DataObject
) -> None:
    # Partition by certificate key, CA events in one partition; each part folded, snapshotted.
    owner = {c: data.draw(st.integers(0, parts - 1)) for c in ("c1", "c2", "c3", "c4")}
    partitions: list[list[LogEvent]] = [[] for _ in range(parts)]
    for event in events:
        target = event.certificate_target
        partitions[owner[target.id] if target is not None and target.id else 0].append(event)
    folded = [
        LifecycleTracker.restore(LifecycleTracker().feed_all(p).snapshot()) for p in partitions
    ]
    merged = merge(*folded).report()
    whole = build_lifecycles(events)
    assert merged == whole
    assert merged.to_json() == whole.to_json()


def test_merge_refuses_mixed_modes_and_a_certificate_in_two_windowed_parts() -> None:
    with pytest.raises(ValueError, match="one mode"):
        merge(LifecycleTracker(window=WINDOW), LifecycleTracker())
    with pytest.raises(ValueError, match="one mode"):
        merge(LifecycleTracker(window=WINDOW), LifecycleTracker(window=2 * WINDOW))
    one, two = LifecycleTracker(window=WINDOW), LifecycleTracker(window=WINDOW)
    one.feed(cert_event("pki.cert.issue", "c1", 0, "u0"))
    two.feed(cert_event("pki.cert.bind", "c1", 1, "u1"))
    for part in (one, two):
        part.flush()
    with pytest.raises(ValueError, match="partition their events by certificate key"):
        merge(one, two)


def test_strict_windowed_report_raises() -> None:
    tracker = LifecycleTracker(window=WINDOW, strict=True)
    tracker.feed_all(
        [cert_event("pki.cert.bind", "c1", 0, "a"), cert_event("pki.cert.bind", "c1", 1, "b")]
    )
    with pytest.raises(ValueError, match="illegal_transition"):
        tracker.report()
    assert dataclasses.is_dataclass(LifecycleReport)


def test_a_certificate_with_many_events_is_fed_in_linear_time_and_reports_stay_fixed() -> None:
    tracker = LifecycleTracker()
    first = cert_event("pki.cert.issue", "c1", 0, "u-issue")
    tracker.feed(first)
    renew = make_event("pki.cert.renew", certificate_id="c1", published=at(1))
    for n in range(3000):  # quadratic copying would take minutes here; linear takes ms
        tracker.feed_record(record_of(renew)._replace(uuid=f"r{n:05d}"))  # type: ignore[union-attr]
    before = tracker.report()
    assert before.certificates["c1"].renewals == 3000
    for n in range(3000, 3010):
        tracker.feed_record(record_of(renew)._replace(uuid=f"r{n:05d}"))  # type: ignore[union-attr]
    assert before.certificates["c1"].renewals == 3000  # the earlier report does not move
    assert tracker.report().certificates["c1"].renewals == 3010
    restored = LifecycleTracker.restore(tracker.snapshot())
    assert restored.report() == tracker.report()


CA_TYPES = ["pki.ca.add", "pki.ca.delete", "pki.ca.renew", "pki.ca.expiration.warn"]

# Certificate and CA events one minute apart, each delivered at most 9 minutes late, some twice.
mixed_in_window = st.lists(
    st.tuples(
        st.sampled_from([*CERT_TYPES, *CA_TYPES]),
        st.sampled_from(["1", "2"]),
        st.booleans(),
        st.integers(min_value=0, max_value=9),
        st.booleans(),
    ),
    max_size=30,
)


def _mixed(rows: list[tuple[str, str, bool, int, bool]]) -> tuple[list[LogEvent], list[LogEvent]]:
    events: list[LogEvent] = [
        make_event(
            known_event_type(event_type),
            certificate_id=f"c{n}",
            device_id=f"d{n}",
            ca_id=f"ca{n}",
            published=at(minute),
            uuid=f"u{minute:04d}",
            outcome="SUCCESS" if ok else "FAILURE",
        )
        for minute, (event_type, n, ok, _, _) in enumerate(rows)
    ]
    return events, _arrivals(events, [(delay, again) for *_, delay, again in rows])


@SETTINGS
@given(mixed_in_window)
def test_the_consumer_tells_certificates_and_cas_as_the_exact_report_has_them(
    rows: list[tuple[str, str, bool, int, bool]],
) -> None:
    events, arrivals = _mixed(rows)
    exact = build_lifecycles(events)
    told = list(LifecycleTracker(window=WINDOW).follow(arrivals))
    assert [(c.entry.published, c.entry.uuid) for c in told] == sorted(
        (c.entry.published, c.entry.uuid) for c in told
    )
    for subject, histories in (
        ("certificate", exact.certificates),
        ("certificate_authority", exact.authorities),
    ):
        for key, history in histories.items():
            story = [c.entry for c in told if c.subject == subject and c.key == key]
            assert story == list(history.timeline), (subject, key)
    anomalies = sorted(
        (c.anomaly for c in told if c.anomaly is not None),
        key=lambda a: (a.event.published, a.event.uuid, a.kind.value, a.key),
    )
    assert anomalies == list(exact.anomalies)


def _ca(event_type: str, minute: int, uuid: str) -> LogEvent:
    return make_event(known_event_type(event_type), ca_id="ca1", published=at(minute), uuid=uuid)


def test_a_late_ca_event_is_told_late_and_placed_in_order_by_the_report() -> None:
    changes: list[LifecycleChange] = []
    tracker = LifecycleTracker(window=WINDOW, on_change=changes.append)
    tracker.feed(_ca("pki.ca.add", 0, "a0"))
    tracker.feed(_ca("pki.ca.renew", 2, "a2"))
    tracker.feed(cert_event("pki.cert.issue", "c1", 30, "u30"))  # the CA events leave the window
    tracker.feed(_ca("pki.ca.delete", 1, "a1"))  # older than a2, told already
    assert [(c.subject, c.key, c.entry.uuid, c.entry.state_after) for c in changes] == [
        ("certificate_authority", "ca1", "a0", "active"),
        ("certificate_authority", "ca1", "a2", "active"),
        ("certificate_authority", "ca1-renewed", "a2", "active"),  # a renew names both
        ("certificate_authority", "ca1", "a1", None),
    ]
    assert changes[-1].anomaly is not None
    assert changes[-1].anomaly.kind is AnomalyKind.LATE_EVENT
    report = tracker.report()
    exact = build_lifecycles(
        [
            _ca("pki.ca.add", 0, "a0"),
            _ca("pki.ca.renew", 2, "a2"),
            _ca("pki.ca.delete", 1, "a1"),
            cert_event("pki.cert.issue", "c1", 30, "u30"),
        ]
    )
    assert report.authorities == exact.authorities  # the report's CAs stay exact
    assert report.late == 0  # certificates only: the consumer alone heard of the late CA event


def test_the_ca_consumer_survives_a_snapshot() -> None:
    events = [_ca("pki.ca.add", 0, "a0"), _ca("pki.ca.renew", 3, "a3")]
    events += [cert_event("pki.cert.issue", "c1", 20, "u20"), _ca("pki.ca.delete", 25, "a25")]
    events += [cert_event("pki.cert.bind", "c1", 50, "u50")]
    whole = list(LifecycleTracker(window=WINDOW).follow(events))
    first: list[LifecycleChange] = []
    tracker = LifecycleTracker(window=WINDOW, on_change=first.append).feed_all(events[:4])
    later: list[LifecycleChange] = []
    restored = LifecycleTracker.restore(tracker.snapshot(), on_change=later.append)
    restored.feed_all(events[4:])
    restored.flush()
    assert first + later == whole
    assert [c.entry.state_after for c in whole if c.key == "ca1"] == [
        "active",
        "active",
        "deleted",
    ]


@SETTINGS
@given(mixed_in_window, st.integers(min_value=1, max_value=3), st.data())
def test_merge_of_windowed_parts_is_the_windowed_fold_of_all(
    rows: list[tuple[str, str, bool, int, bool]], parts: int, data: st.DataObject
) -> None:
    events, arrivals = _mixed(rows)
    heard: list[LifecycleChange] = []
    whole = LifecycleTracker(window=WINDOW, on_change=heard.append).feed_all(arrivals)
    owner: dict[str | None, int] = {c: data.draw(st.integers(0, parts - 1)) for c in ("c1", "c2")}
    told: list[LifecycleChange] = []  # what the parts, then the merged tracker, tell
    trackers = [LifecycleTracker(window=WINDOW, on_change=told.append) for _ in range(parts)]
    for event in arrivals:  # each part sees its events in the order they arrived
        target = event.certificate_target
        is_cert = target is not None and event.event_type.startswith("pki.cert")
        trackers[owner.get(target.id if is_cert and target else None, 0)].feed(event)
    if data.draw(st.booleans()):  # through snapshots, as separate processes would
        trackers = [LifecycleTracker.restore(t.snapshot()) for t in trackers]
    merged = merge(*trackers)
    assert merged.window == WINDOW
    got, expected = merged.report(), whole.report()
    assert got.to_dict() == expected.to_dict()
    assert got.anomalies == expected.anomalies
    assert (got.duplicates, got.late) == (expected.duplicates, expected.late)
    assert got.to_table() == build_lifecycles(events).to_table()
    # the merged tracker goes on as one: each certificate's and CA's story, told by its part
    # and then by the merged tracker, is the one a single tracker tells
    told.extend(merged.follow([]))
    whole.flush()

    def stories(changes: list[LifecycleChange]) -> dict[tuple[str, str], list[object]]:
        found: dict[tuple[str, str], list[object]] = {}
        for change in changes:
            found.setdefault((change.subject, change.key), []).append(change.entry)
        return found

    assert stories(told) == stories(heard)


def test_a_merged_windowed_tracker_tells_the_rest_from_where_each_part_stopped() -> None:
    rows = [("pki.ca.add", "1", True, 0, False)]
    rows += [
        ("pki.cert.issue" if i == 0 else "pki.cert.renew", "1", True, 0, False) for i in range(15)
    ]
    rows += [
        ("pki.ca.renew", "1", True, 0, False),
        ("pki.cert.lifecycle.hold", "2", True, 0, False),
    ]
    _, arrivals = _mixed(rows)
    whole = LifecycleTracker(window=WINDOW).feed_all(arrivals)
    cas, certs = LifecycleTracker(window=WINDOW), LifecycleTracker(window=WINDOW)
    for event in arrivals:
        (cas if event.event_type.startswith("pki.ca") else certs).feed(event)
    merged = merge(cas, certs)
    told = [(c.subject, c.key, c.entry) for c in merged.follow([])]
    renewal = [entry for subject, key, entry in told if key == "ca1"]
    # the add was told by its part before the merge: the renewal meets the CA it left
    assert [(e.event_type, e.state_before) for e in renewal] == [("pki.ca.renew", "active")]
    assert merged.report().authorities == whole.report().authorities


def test_a_conflicting_copy_that_wins_is_applied_at_its_own_time() -> None:
    # The copy applied (the smallest ``record_signature``: here the earlier one) arrives after
    # a copy published later, both within the window: windowed mode applies it where exact
    # mode does, before the revoke, not where the first copy delivered stood.
    issue = cert_event("pki.cert.issue", "c1", 0, "u0")
    later = cert_event("pki.cert.bind", "c1", 8, "u1")
    revoke = cert_event("pki.cert.revoke", "c1", 5, "u2")
    earlier = cert_event("pki.cert.bind", "c1", 2, "u1")
    arrivals = [issue, later, revoke, earlier]
    exact = build_lifecycles(arrivals)
    assert exact.certificates["c1"].timeline[1].published == at(2)
    assert [a.kind for a in exact.anomalies] == [AnomalyKind.CONFLICTING_DUPLICATE]
    for flush_early in (False, True):
        tracker = LifecycleTracker(window=WINDOW)
        tracker.feed_all(arrivals)
        if flush_early:
            tracker.flush()
        windowed = tracker.report()
        assert windowed.to_table() == exact.to_table()
        assert windowed.anomalies == exact.anomalies
        assert windowed.duplicates == exact.duplicates == 1
        restored = LifecycleTracker.restore(tracker.snapshot()).report()
        assert restored.to_table() == exact.to_table()


# Like ``in_window``, the second copy with other content: published up to 3 minutes earlier
# (it wins), still within the window when it arrives.
conflicting_in_window = _rows(6, st.integers(min_value=-1, max_value=3))


@SETTINGS
@given(conflicting_in_window)
def test_windowed_equals_exact_with_conflicting_copies_within_the_window(
    rows: list[tuple[str, str, bool, int, int]],
) -> None:
    arrivals: list[tuple[float, int, LogEvent]] = []
    for minute, (event_type, cert, ok, delay, shift) in enumerate(rows):
        uuid = f"u{minute:04d}"
        first = cert_event(event_type, cert, minute + 3, uuid, ok)
        arrivals.append((minute + 3 + delay, minute, first))
        if shift >= 0:  # a copy published ``shift`` minutes earlier, half a minute later
            copy = cert_event(event_type, cert, minute + 3 - shift, uuid, ok)
            arrivals.append((minute + 3 + delay + 0.5, minute, copy))
    arrivals.sort(key=lambda a: (a[0], a[1]))
    events = [event for _, _, event in arrivals]
    exact = build_lifecycles(events)
    assert_windowed_is_exact(events, exact, exact.duplicates)

"""The exact fold's own machinery: fingerprints of uuids, the instants of the hot path."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import (
    LifecycleReport,
    LifecycleTracker,
    LogEvent,
    build_lifecycles,
    parse_event,
)
from okta_pki_events._lazy import _DICT, is_lazy
from okta_pki_events.lifecycle import _fold, _vector
from okta_pki_events.testing import EventTypeName, make_event

from .lifecycle_oracle import CERT_TYPES, any_certificate_events, events_with_copies, general_report

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
_UUIDS = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(5)] + ["u-odd"]

# Copies of canonical uuids (the packed form) with different content, across certificates,
# CA events and CRL failures; the tests add exact redeliveries.
copies = events_with_copies(_UUIDS, ["c1", "c2", "c3"])


def _everything(report: LifecycleReport) -> tuple[object, ...]:
    return report.to_json(), dict(report.certificates.items()), report


@SETTINGS
@given(copies, st.data())
def test_a_fingerprint_table_where_every_uuid_collides_gives_the_same_report(
    events: list[LogEvent], data: st.DataObject
) -> None:
    # Fingerprints only choose which certificates are checked exactly: with one slot for
    # every uuid (all of them "repeated"), every certificate takes the exact path.
    events = events + data.draw(st.lists(st.sampled_from(events), max_size=4)) if events else []
    expected = _everything(build_lifecycles(events))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_vector, "AVAILABLE", False)  # the fingerprints: the fold without numpy
        patch.setattr(_fold, "_SMALLEST", 1)
        patch.setattr(_fold, "_LARGEST", 1)
        assert _everything(build_lifecycles(events)) == expected


# Many certificates, few of them holding a copied uuid: suspects between unsuspected ones.
sparse_copies = events_with_copies(
    [f"{n:08x}-0000-4000-8000-000000000000" for n in range(40)], [f"c{n}" for n in range(12)]
)


@SETTINGS
@given(sparse_copies, st.data())
def test_only_the_certificates_holding_a_repeated_uuid_need_the_exact_path(
    events: list[LogEvent], data: st.DataObject
) -> None:
    # The fold flags the records whose slot repeats and checks exactly only the certificates
    # holding one: every certificate checked exactly gives the same report.
    events = events + data.draw(st.lists(st.sampled_from(events), max_size=4)) if events else []
    events = data.draw(st.permutations(events))
    expected = _everything(build_lifecycles(events))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_vector, "AVAILABLE", False)  # the fingerprints: the fold without numpy
        patch.setattr(_fold, "_SMALLEST", 1)
        patch.setattr(_fold, "_LARGEST", 1)
        assert _everything(build_lifecycles(events)) == expected


def test_certificates_left_to_the_exact_path_are_counted_once() -> None:
    # An exact redelivery and a conflicting copy of another certificate's uuid: both
    # certificates are folded after the copies are resolved, their records counted once.
    uuid = _UUIDS[0]
    issue = make_event("pki.cert.issue", certificate_id="c1", published=T0, uuid=uuid)
    other = make_event("pki.cert.issue", certificate_id="c2", published=T0, uuid=uuid)
    bind = make_event(
        "pki.cert.bind", certificate_id="c1", published=T0 + timedelta(minutes=1), uuid=_UUIDS[1]
    )
    report = build_lifecycles([issue, bind, bind, other])
    assert report.duplicates == 2  # the redelivered bind, the conflicting copy
    assert [a.kind.value for a in report.anomalies] == ["conflicting_duplicate"]
    assert report.certificates["c1"].state.value == "active"  # type: ignore[union-attr]
    assert report.certificates["c1"].timeline[-1].uuid == _UUIDS[1]
    assert "c2" not in report.certificates


_ZONES = [
    timezone.utc,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(-timedelta(hours=23, minutes=59)),
    ZoneInfo("America/New_York"),  # not a fixed offset: never the hot path's shortcut
    ZoneInfo("Australia/Lord_Howe"),
]


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(CERT_TYPES),
            st.integers(min_value=0, max_value=400 * 24 * 60),
            st.sampled_from(range(len(_ZONES))),
        ),
        max_size=12,
    )
)
def test_the_hot_path_reads_instants_in_any_zone_as_the_general_path(
    rows: list[tuple[EventTypeName, int, int]],
) -> None:
    events = []
    for n, (event_type, minutes, zone) in enumerate(rows):
        event = make_event(
            event_type,
            certificate_id="c1",
            uuid=f"{n:08x}-0000-4000-8000-000000000000",
        )
        instant = (T0 + timedelta(minutes=minutes)).astimezone(_ZONES[zone])
        event = event.model_copy(update={"published": instant})
        assert event.published.tzinfo is _ZONES[zone]
        events.append(event)
    fed = LifecycleTracker().feed_all(events).report()
    reference = general_report(events)
    assert fed.to_json() == reference.to_json()
    assert {k: v.timeline for k, v in fed.certificates.items()} == {
        k: v.timeline for k, v in reference.certificates.items()
    }


def test_a_snapshot_of_the_previous_layout_is_refused_by_its_version() -> None:
    # Version 4 packs ``published`` signed little-endian (3: biased big-endian); a version 3
    # snapshot (whole, its digest valid) would be misread, so it is refused by name.
    event = make_event("pki.cert.issue", certificate_id="c1", published=T0, uuid=_UUIDS[0])
    blob = LifecycleTracker().feed_all([event]).snapshot()
    assert blob[8] == 4
    body = blob[:8] + b"\x03" + blob[9:-32]
    old = body + hashlib.sha256(body).digest()
    with pytest.raises(ValueError, match=r"version 3 is not supported \(4 is\)"):
        LifecycleTracker.restore(old)


def test_the_count_of_deliveries_in_a_snapshot_must_match_its_records() -> None:
    # The count of certificate records is read from what is stored; a snapshot (its digest
    # valid) whose count is smaller than its records is refused, never restored to report
    # negative duplicates.
    events = [
        make_event("pki.cert.issue", certificate_id="c1", published=T0, uuid=u) for u in _UUIDS[:3]
    ]
    blob = LifecycleTracker().feed_all(events).snapshot()
    body = blob[:-32]
    assert body.count(b'"delivered":3') == 1
    body = body.replace(b'"delivered":3', b'"delivered":2')
    with pytest.raises(ValueError, match="inconsistent"):
        LifecycleTracker.restore(body + hashlib.sha256(body).digest())


@SETTINGS
@given(any_certificate_events())
def test_lazy_events_take_the_hot_path_and_stay_lazy(events: list[LogEvent]) -> None:
    # The hot path reads an eager event's fields from its instance dict; a lazy event's dict
    # is sparse (reading ``__dict__`` would validate the whole text), so it reads them one by
    # one: the same report, and the events are not filled in.
    lazy = [parse_event(e.model_dump_json(by_alias=True), lazy=True) for e in events]
    assert all(is_lazy(e) for e in lazy)
    fed = LifecycleTracker().feed_all(lazy).report()
    assert fed.to_json() == LifecycleTracker().feed_all(events).report().to_json()
    assert fed.to_json() == general_report(events).to_json()
    assert not any("client" in _DICT.__get__(e) for e in lazy)  # filled in: every field


@pytest.mark.parametrize("reverse", [False, True])
def test_instants_before_1970_fold_in_order(reverse: bool) -> None:
    # A record keeps ``published`` as signed microseconds: an instant before the epoch is
    # negative and sorts first, whatever the arrival order.
    early = datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    events = [
        make_event("pki.cert.issue", certificate_id="c1", published=early, uuid=_UUIDS[1]),
        make_event("pki.cert.bind", certificate_id="c1", published=T0, uuid=_UUIDS[0]),
    ]
    report = LifecycleTracker().feed_all(events[::-1] if reverse else events).report()
    history = report.certificates["c1"]
    assert (history.state, history.issued_at, history.last_event_at) == ("active", early, T0)
    assert not report.anomalies
    restored = LifecycleTracker.restore(LifecycleTracker().feed_all(events).snapshot())
    assert restored.report().to_json() == report.to_json()

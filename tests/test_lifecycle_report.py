"""The lifecycle report for people: short reprs, tables, frames, laziness."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import polars as pl
from hypothesis import given, settings

from okta_pki_events import LifecycleTracker, LogEvent, build_lifecycles
from okta_pki_events.lifecycle import CertState
from okta_pki_events.testing import EventTypeName, make_event

from .lifecycle_oracle import any_certificate_events

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _events(certificates: int) -> list[LogEvent]:
    kinds: list[EventTypeName] = ["pki.cert.issue", "pki.cert.bind", "pki.cert.lifecycle.revoke"]
    return [
        make_event(
            kind,
            certificate_id=f"c{n}",
            device_id=f"d{n}",
            published=T0 + timedelta(minutes=n * 10 + i),
            uuid=f"u{n}-{i}",
        )
        for n in range(certificates)
        for i, kind in enumerate(kinds[: 2 + n % 2])
    ]


def test_reprs_show_counts_not_timelines() -> None:
    report = build_lifecycles(_events(200))
    text = repr(report)
    assert len(text) < 400
    assert "certificates=200" in text
    assert "'revoked': 100" in text
    assert "u1-0" not in text
    page = report._repr_html_()
    assert "<table>" in page
    assert len(page) < 2000
    history = report.certificates["c1"]
    assert repr(history) == (
        "CertificateHistory(key='c1', state='revoked', events=3, renewals=0, complete=True)"
    )
    assert "revoked" in history._repr_html_()


def test_certificates_in_a_state() -> None:
    report = build_lifecycles(_events(6))
    assert report.certificates_in(CertState.REVOKED) == ["c1", "c3", "c5"]
    assert report.certificates_in("active") == ["c0", "c2", "c4"]
    assert report.certificates_in(None) == []


def test_to_dataframe_has_one_row_per_certificate() -> None:
    report = build_lifecycles(_events(4))
    frame = report.to_dataframe()
    assert isinstance(frame, pl.DataFrame)
    assert frame["certificate"].to_list() == ["c0", "c1", "c2", "c3"]
    assert frame["state"].to_list() == ["active", "revoked", "active", "revoked"]
    assert frame["events"].to_list() == [2, 3, 2, 3]
    assert frame.schema["issued_at"] == pl.Datetime("us", "UTC")
    assert frame["issued_at"][1] == T0 + timedelta(minutes=10)


def test_json_without_timelines_stays_proportional_to_certificates() -> None:
    report = build_lifecycles(_events(3))
    data = json.loads(report.to_json(timelines=False))
    assert data["certificates"]["c1"]["state"] == "revoked"
    assert data["certificates"]["c1"]["events"] == 3
    assert "timeline" not in data["certificates"]["c1"]
    full = json.loads(report.to_json())
    assert len(full["certificates"]["c1"]["timeline"]) == 3


def test_timeline_entries_carry_uuid_and_actor() -> None:
    report = build_lifecycles(_events(1))
    entry = report.certificates["c0"].timeline[0]
    assert entry.uuid == "u0-0"
    assert entry.actor == "system@okta.com"


def test_a_report_does_not_change_when_the_tracker_goes_on() -> None:
    events = _events(2)
    tracker = LifecycleTracker()
    tracker.feed_all(events[:2])
    before = tracker.report()
    assert before.certificates["c0"].state is CertState.ACTIVE
    tracker.feed(
        make_event(
            "pki.cert.lifecycle.revoke", certificate_id="c0", published=T0 + timedelta(minutes=5)
        )
    )
    assert before.certificates["c0"].state is CertState.ACTIVE
    assert len(before.certificates["c0"].timeline) == 2
    assert tracker.report().certificates["c0"].state is CertState.REVOKED


@settings(max_examples=60, deadline=None)
@given(any_certificate_events())
def test_certificates_in_takes_each_state_counts_name(events: list[LogEvent]) -> None:
    # ``state_counts`` names the certificates seen only through failures "unknown":
    # certificates_in("unknown") raised ValueError ('unknown' is not a valid CertState)
    report = build_lifecycles(events)
    found = {state: report.certificates_in(state) for state in report.state_counts}
    assert {state: len(keys) for state, keys in found.items()} == report.state_counts
    assert sorted(key for keys in found.values() for key in keys) == sorted(report.certificates)
    assert report.certificates_in("unknown") == report.certificates_in(None)

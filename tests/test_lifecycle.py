"""The certificate and CA lifecycle state machine."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from okta_pki_events import BasePkiEvent, LifecycleTracker, LogEvent, build_lifecycles, parse_event
from okta_pki_events.lifecycle import (
    TRANSITIONS,
    AnomalyKind,
    CaState,
    CertState,
    LifecycleError,
    lifecycle_diagram,
)
from okta_pki_events.models import ExpirationUrgency
from okta_pki_events.testing import EventTypeName, known_event_type, make_event

from .lifecycle_oracle import ALLOWED, CERT_TYPES

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def at(step: int) -> datetime:
    return T0 + timedelta(hours=step)


def seq(*event_types: str, cert: str = "c1", **kw: Any) -> list[LogEvent]:
    return [
        make_event(
            known_event_type(t), certificate_id=cert, published=at(i), uuid=f"{cert}-{i}", **kw
        )
        for i, t in enumerate(event_types)
    ]


# The reference: written out by hand from the issue's table, not derived from TRANSITIONS.
REACH = {
    "issued": ["pki.cert.issue"],
    "active": ["pki.cert.issue", "pki.cert.bind"],
    "on_hold": ["pki.cert.issue", "pki.cert.lifecycle.hold"],
    "suspended": ["pki.cert.issue", "pki.cert.lifecycle.suspend"],
    "revoked": ["pki.cert.issue", "pki.cert.lifecycle.revoke"],
    "deleted": ["pki.cert.issue", "pki.cert.lifecycle.delete"],
}


@pytest.mark.parametrize("state", sorted(REACH))
@pytest.mark.parametrize("event_type", CERT_TYPES)
def test_every_event_in_every_state(event_type: str, state: str) -> None:
    report = build_lifecycles(seq(*REACH[state], event_type))
    history = report.certificates["c1"]
    expected = ALLOWED.get((event_type, state))
    if expected is None:
        assert history.state is not None
        assert history.state.value == state
        assert [a.kind for a in report.anomalies] == [AnomalyKind.ILLEGAL_TRANSITION]
        anomaly = report.anomalies[0]
        assert anomaly.state == state
        assert anomaly.event.event_type == event_type
        assert anomaly.key == "c1"
        assert history.timeline[-1].applied is False
    else:
        assert history.state is not None
        assert history.state.value == expected
        assert report.anomalies == ()
        assert history.timeline[-1].applied is True
    assert history.complete is True


def test_the_named_anomalies() -> None:
    cases = [
        ("pki.cert.issue", "pki.cert.lifecycle.revoke", "pki.cert.lifecycle.activate"),
        ("pki.cert.issue", "pki.cert.lifecycle.delete", "pki.cert.renew"),
        ("pki.cert.issue", "pki.cert.bind", "pki.cert.issue"),
        ("pki.cert.issue", "pki.cert.bind", "pki.cert.bind"),
    ]
    for case in cases:
        report = build_lifecycles(seq(*case))
        assert [a.kind.value for a in report.anomalies] == ["illegal_transition"], case


def test_failed_outcome_is_kept_but_changes_nothing() -> None:
    events = seq("pki.cert.issue", "pki.cert.bind")
    events.append(
        make_event(
            "pki.cert.lifecycle.revoke", certificate_id="c1", published=at(5), outcome="FAILURE"
        )
    )
    events.append(
        make_event("pki.cert.lifecycle.hold", certificate_id="c1", published=at(6), outcome="ALLOW")
    )
    report = build_lifecycles(events)
    history = report.certificates["c1"]
    assert history.state is CertState.ON_HOLD
    assert [e.applied for e in history.timeline] == [True, True, False, True]
    assert report.anomalies == ()


def test_first_event_not_issue_starts_incomplete() -> None:
    report = build_lifecycles(seq("pki.cert.renew") + seq("pki.cert.lifecycle.hold", cert="c2"))
    assert report.certificates["c1"].state is CertState.ACTIVE
    assert report.certificates["c1"].complete is False
    assert report.certificates["c1"].renewals == 1
    assert report.certificates["c2"].state is CertState.ON_HOLD
    assert report.anomalies == ()


def test_certificate_seen_only_through_failures_has_no_state() -> None:
    events = [make_event("pki.cert.bind", certificate_id="c1", published=at(1), outcome="FAILURE")]
    report = build_lifecycles(events)
    assert report.certificates["c1"].state is None
    assert report.state_counts == {"unknown": 1}


def test_bind_remembers_the_device_and_issue_time() -> None:
    events = [
        make_event("pki.cert.issue", certificate_id="c1", device_id=None, published=at(0)),
        make_event("pki.cert.bind", certificate_id="c1", device_id="dev-9", published=at(1)),
        make_event("pki.cert.renew", certificate_id="c1", device_id="dev-other", published=at(2)),
    ]
    history = build_lifecycles(events).certificates["c1"]
    assert history.device_id == "dev-9"
    assert history.issued_at == at(0)
    assert history.last_event_at == at(2)
    assert history.renewals == 1


def test_unkeyed_events_are_reported() -> None:
    raw = {"uuid": "x1", "published": "2026-01-01T00:00:00.000Z", "eventType": "pki.cert.bind"}
    report = build_lifecycles([parse_event(raw)])
    assert [e.uuid for e in report.unkeyed] == ["x1"]
    assert report.certificates == {}


def test_crl_failures_are_recorded_without_state_changes() -> None:
    events = [
        *seq("pki.cert.issue"),
        make_event("pki.cert.crl_download_failure", certificate_id="c1", published=at(3)),
    ]
    report = build_lifecycles(events)
    assert report.certificates["c1"].state is CertState.ISSUED
    assert len(report.certificates["c1"].timeline) == 1
    (failure,) = report.crl_failures
    assert failure.crl_url == "http://crl.example.com/ca.crl"
    assert failure.http_status == 404


def test_duplicates_are_applied_once_and_counted() -> None:
    events = seq("pki.cert.issue", "pki.cert.bind")
    report = build_lifecycles(events + events + events[:1])
    assert report.duplicates == 3
    assert report.anomalies == ()
    assert len(report.certificates["c1"].timeline) == 2


def test_conflicting_duplicate_is_flagged() -> None:
    one = make_event("pki.cert.issue", certificate_id="c1", published=at(0), uuid="same")
    two = make_event("pki.cert.revoke", certificate_id="c1", published=at(1), uuid="same")
    forward, backward = build_lifecycles([one, two]), build_lifecycles([two, one])
    assert forward == backward
    assert [a.kind for a in forward.anomalies] == [AnomalyKind.CONFLICTING_DUPLICATE]


def test_strict_raises_naming_uuid_type_and_state() -> None:
    events = seq("pki.cert.issue", "pki.cert.lifecycle.revoke", "pki.cert.lifecycle.activate")
    with pytest.raises(
        LifecycleError, match=r"c1-2.*pki\.cert\.lifecycle\.activate.*revoked"
    ) as info:
        build_lifecycles(events, strict=True)
    assert isinstance(info.value, ValueError)
    assert info.value.anomaly.kind is AnomalyKind.ILLEGAL_TRANSITION


def test_non_pki_and_unknown_types_are_counted_not_applied() -> None:
    other = parse_event(
        {"uuid": "n1", "published": "2026-01-01T00:00:00.000Z", "eventType": "user.session.start"}
    )
    future = parse_event(
        {"uuid": "n2", "published": "2026-01-01T00:00:00.000Z", "eventType": "pki.cert.quarantine"}
    )
    report = build_lifecycles([other, future, *seq("pki.cert.issue")])
    assert report.ignored == 1
    assert report.unknown_types == {"pki.cert.quarantine": 1}
    assert list(report.certificates) == ["c1"]


def test_custom_key_function() -> None:
    def by_device(event: BasePkiEvent) -> str | None:
        target = event.device_target
        return target.id if target else None

    report = build_lifecycles(seq("pki.cert.issue", "pki.cert.bind"), key=by_device)
    assert list(report.certificates) == ["guo1dEvIcE2345a0g4"]


def test_certificate_authorities() -> None:
    def ca(event_type: EventTypeName, step: int, **kw: Any) -> LogEvent:
        return make_event(event_type, ca_id="ca1", published=at(step), uuid=f"ca-{step}", **kw)

    events = [
        ca("pki.ca.add", 0),
        ca("pki.ca.expiration.warn", 1, reason="EXPIRING_6_MONTHS"),
        ca("pki.ca.expiration.warn", 2, reason="EXPIRING_1_MONTH"),
        ca("pki.ca.scope.mapping.update", 3),
        ca("pki.ca.renew", 4),
        ca("pki.ca.add", 5),
        ca("pki.ca.delete", 6),
        ca("pki.ca.expiration.warn", 7),
    ]
    report = build_lifecycles(events)
    history = report.authorities["ca1"]
    assert history.state is CaState.DELETED
    assert history.added_at == at(0)
    assert history.deleted_at == at(6)
    assert history.renewals == 1
    assert history.expiration_urgency is ExpirationUrgency.EXPIRING_1_MONTH
    assert history.expiration_urgency.months == 1
    assert history.scopes == ("DEVICE_REGISTRATION",)
    assert history.complete is True
    assert report.scope_mappings == {"DEVICE_REGISTRATION": ("ca1",)}
    assert [(a.kind, a.event.uuid) for a in report.anomalies] == [
        (AnomalyKind.DUPLICATE_ADD, "ca-5"),
        (AnomalyKind.EVENT_AFTER_DELETE, "ca-7"),
    ]
    assert "ca1-renewed" in report.authorities


def test_report_serialises_to_json_and_a_table() -> None:
    report = build_lifecycles(seq("pki.cert.issue", "pki.cert.bind", "pki.cert.bind"))
    data = json.loads(report.to_json())
    assert data["certificates"]["c1"]["state"] == "active"
    assert data["anomalies"][0]["kind"] == "illegal_transition"
    assert data["state_counts"] == {"active": 1}
    assert data["certificates"]["c1"]["timeline"][0]["published"].endswith("Z")
    (row,) = report.to_table()
    assert row["certificate"] == "c1"
    assert row["state"] == "active"
    assert row["anomalies"] == 1
    assert row["events"] == 3


def test_diagram_is_drawn_from_the_table() -> None:
    diagram = lifecycle_diagram()
    assert diagram.startswith("stateDiagram-v2")
    assert "[*] --> ISSUED: pki.cert.issue" in diagram
    assert "REVOKED --> DELETED: pki.cert.lifecycle.delete" in diagram
    assert "ACTIVE --> ACTIVE: pki.cert.renew" in diagram
    edges = sum(len(row.allowed_from) for row in TRANSITIONS)
    assert len(diagram.splitlines()) == edges + 1


def test_tracker_equals_batch() -> None:
    events = seq("pki.cert.issue", "pki.cert.bind", "pki.cert.lifecycle.hold")
    tracker = LifecycleTracker()
    for event in reversed(events):
        tracker.feed(event)
    assert tracker.report() == build_lifecycles(events)

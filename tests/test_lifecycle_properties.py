"""Properties of the lifecycle reduction, for all inputs."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from okta_pki_events import LifecycleReport, LifecycleTracker, LogEvent, build_lifecycles
from okta_pki_events.lifecycle import AnomalyKind, record_of, record_signature
from okta_pki_events.testing import EventTypeName, lifecycle_sequences, make_event

from .lifecycle_oracle import (
    ALLOWED,
    CERT_TYPES,
    T0,
    any_certificate_events,
    events_with_copies,
    general_tracker,
)

FIRST_SEEN = {
    "pki.cert.issue": "issued",
    "pki.cert.bind": "active",
    "pki.cert.renew": "active",
    "pki.cert.lifecycle.hold": "on_hold",
    "pki.cert.lifecycle.suspend": "suspended",
    "pki.cert.lifecycle.activate": "active",
    "pki.cert.lifecycle.revoke": "revoked",
    "pki.cert.revoke": "revoked",
    "pki.cert.lifecycle.delete": "deleted",
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

random_events = st.lists(
    st.tuples(
        st.sampled_from(CERT_TYPES),
        st.sampled_from(["c1", "c2", "c3"]),
        st.integers(min_value=0, max_value=50),
        st.sampled_from(["SUCCESS", "SUCCESS", "SUCCESS", "FAILURE", None]),
    ),
    max_size=25,
).map(
    lambda rows: [
        make_event(
            t, certificate_id=c, published=T0 + timedelta(minutes=m), uuid=f"e{i}", outcome=o
        )
        for i, (t, c, m, o) in enumerate(rows)
    ]
)


def without_duplicates(report: LifecycleReport) -> LifecycleReport:
    return dataclasses.replace(report, duplicates=0)


class LifecycleMachine(RuleBasedStateMachine):
    """The tracker against a small reference model, one event at a time, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tracker = LifecycleTracker()
        self.states: dict[str, str | None] = {}
        self.started: set[str] = set()
        self.anomalies = 0
        self.step = 0

    @rule(
        event_type=st.sampled_from(CERT_TYPES),
        cert=st.sampled_from(["a", "b"]),
        ok=st.booleans(),
    )
    def feed(self, event_type: EventTypeName, cert: str, ok: bool) -> None:
        self.step += 1
        self.tracker.feed(
            make_event(
                event_type,
                certificate_id=cert,
                published=T0 + timedelta(seconds=self.step),
                uuid=f"u{self.step:05d}",
                outcome="SUCCESS" if ok else "DENY",
            )
        )
        self.states.setdefault(cert, None)
        if not ok:
            return
        if cert not in self.started:
            self.started.add(cert)
            self.states[cert] = FIRST_SEEN[event_type]
            return
        current = self.states[cert]
        target = ALLOWED.get((event_type, current or ""))
        if event_type == "pki.cert.issue" or target is None:
            self.anomalies += 1
        else:
            self.states[cert] = target

    @invariant()
    def agrees_with_the_reference(self) -> None:
        report = self.tracker.report()
        got = {k: (h.state.value if h.state else None) for k, h in report.certificates.items()}
        assert got == self.states
        assert len(report.anomalies) == self.anomalies


TestLifecycleMachine = LifecycleMachine.TestCase
TestLifecycleMachine.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)


@SETTINGS
@given(random_events, st.data())
def test_any_permutation_with_duplicates_gives_the_same_report(
    events: list[LogEvent], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(events))
    repeated = data.draw(st.lists(st.sampled_from(events), max_size=5)) if events else []
    mixed = data.draw(st.permutations(shuffled + repeated))
    base = build_lifecycles(events)
    other = build_lifecycles(mixed)
    assert without_duplicates(other) == without_duplicates(base)
    assert other.duplicates == base.duplicates + len(repeated)
    tracker = LifecycleTracker()
    for event in reversed(mixed):
        tracker.feed(event)
    assert without_duplicates(tracker.report()) == without_duplicates(base)


@SETTINGS
@given(random_events)
def test_revoked_and_deleted_are_never_left_except_revoked_to_deleted(
    events: list[LogEvent],
) -> None:
    for history in build_lifecycles(events).certificates.values():
        seen_revoked = seen_deleted = False
        for entry in history.timeline:
            if not entry.applied:
                continue
            if seen_deleted:
                raise AssertionError(f"left deleted: {entry}")
            if seen_revoked:
                assert entry.state_after in ("revoked", "deleted")
            seen_revoked |= entry.state_after == "revoked"
            seen_deleted |= entry.state_after == "deleted"


@SETTINGS
@given(lifecycle_sequences("c9", from_issue=True))
def test_allowed_sequences_give_no_anomaly_and_a_complete_history(events: list[LogEvent]) -> None:
    report = build_lifecycles(events)
    assert report.anomalies == ()
    history = report.certificates["c9"]
    assert history.complete is True
    assert all(entry.applied for entry in history.timeline)


conflicting_events = events_with_copies([f"u{i}" for i in range(8)], ["c1", "c2"])


@SETTINGS
@given(conflicting_events, st.data())
def test_the_report_is_a_function_of_the_set_of_events(
    events: list[LogEvent], data: st.DataObject
) -> None:
    repeated = data.draw(st.lists(st.sampled_from(events), max_size=6)) if events else []
    mixed = data.draw(st.permutations(events + repeated))
    base, other = build_lifecycles(events), build_lifecycles(mixed)
    assert other.to_json() == dataclasses.replace(base, duplicates=other.duplicates).to_json()
    assert other == dataclasses.replace(base, duplicates=other.duplicates)
    assert other.duplicates == base.duplicates + len(repeated)
    assert base.duplicates == len(events) - len({e.uuid for e in events})


@SETTINGS
@given(conflicting_events)
def test_of_conflicting_copies_the_smallest_signature_is_applied(events: list[LogEvent]) -> None:
    # The reference: keep, per uuid, the copy whose record has the smallest signature.
    best: dict[str, tuple[str, LogEvent]] = {}
    for event in events:
        record = record_of(event)
        assert record is not None
        signature = record_signature(record)
        if event.uuid not in best or signature < best[event.uuid][0]:
            best[event.uuid] = (signature, event)
    winners = [event for _, event in best.values()]
    full, reference = build_lifecycles(events), build_lifecycles(winners)
    conflicts = {
        (r.uuid, record_signature(r))
        for r in (record_of(e) for e in events)
        if r is not None and best[r.uuid][0] != record_signature(r)
    }
    kinds = [a.kind for a in full.anomalies]
    assert kinds.count(AnomalyKind.CONFLICTING_DUPLICATE) == len(conflicts)
    assert {k: v.timeline for k, v in full.certificates.items()} == {
        k: v.timeline for k, v in reference.certificates.items()
    }
    assert full.authorities == reference.authorities
    assert full.crl_failures == reference.crl_failures
    assert [a for a in full.anomalies if a.kind is not AnomalyKind.CONFLICTING_DUPLICATE] == list(
        reference.anomalies
    )


@SETTINGS
@given(any_certificate_events())
def test_feed_s_hot_path_equals_the_general_path(events_: list[LogEvent]) -> None:
    # feed() takes an inlined path for the usual event (a copy of _add's packing inline);
    # feed_record(record_of(e)) never does: the same records stored, the same report
    tracker = LifecycleTracker().feed_all(events_)
    general = general_tracker(events_)
    assert tracker._data.certs == general._data.certs
    assert tracker._data.odd_keys == general._data.odd_keys
    assert tracker._data.strings.values == general._data.strings.values
    fed = tracker.report()
    reference = general.report()
    assert fed.to_dict() == reference.to_dict()
    assert fed.anomalies == reference.anomalies
    assert fed.duplicates == reference.duplicates

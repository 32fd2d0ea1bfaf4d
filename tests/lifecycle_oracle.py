"""The lifecycle's hand-written oracle and the strategies several lifecycle test files share.

``ALLOWED`` is written out by hand from the issue's transition table (not derived from
``TRANSITIONS``); the strategies generate certificate events with copies, conflicting
redeliveries and any targets; ``general_report`` is the report without ``feed``'s hot path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from okta_pki_events import LifecycleReport, LifecycleTracker, LogEvent
from okta_pki_events.lifecycle import TRANSITIONS, record_of
from okta_pki_events.testing import known_event_type, make_event

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)

ALLOWED = {
    ("pki.cert.bind", "issued"): "active",
    ("pki.cert.renew", "issued"): "issued",
    ("pki.cert.renew", "active"): "active",
    ("pki.cert.lifecycle.hold", "issued"): "on_hold",
    ("pki.cert.lifecycle.hold", "active"): "on_hold",
    ("pki.cert.lifecycle.suspend", "issued"): "suspended",
    ("pki.cert.lifecycle.suspend", "active"): "suspended",
    **{
        ("pki.cert.lifecycle.activate", s): "active"
        for s in ("issued", "active", "on_hold", "suspended")
    },
    **{
        ("pki.cert.lifecycle.revoke", s): "revoked"
        for s in ("issued", "active", "on_hold", "suspended")
    },
    **{("pki.cert.revoke", s): "revoked" for s in ("issued", "active", "on_hold", "suspended")},
    **{
        ("pki.cert.lifecycle.delete", s): "deleted"
        for s in ("issued", "active", "on_hold", "suspended", "revoked")
    },
}
CERT_TYPES = sorted({known_event_type(t) for row in TRANSITIONS for t in row.event_types})


def events_with_copies(uuids: list[str], certificates: list[str]) -> st.SearchStrategy[Any]:
    """Events whose uuids are drawn from ``uuids``: copies of one uuid with different content
    (conflicting duplicates) arise often; tests add exact redeliveries on top."""
    return st.lists(
        st.tuples(
            st.sampled_from([*CERT_TYPES, "pki.cert.crl_download_failure", "pki.ca.add"]),
            st.sampled_from(certificates),
            st.integers(min_value=0, max_value=6),
            st.sampled_from(["SUCCESS", "FAILURE", None]),
            st.sampled_from(uuids),
        ),
        max_size=20,
    ).map(
        lambda rows: [
            make_event(
                t, certificate_id=c, ca_id=c, published=T0 + timedelta(minutes=m), uuid=u, outcome=o
            )
            for t, c, m, o, u in rows
        ]
    )


_UUIDS = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(6)] + ["odd-1", "\u00e9" * 36]
_TARGET_TYPES = ["Certificate", "DeviceCertificate", "Device", "CertificateAuthority", "User", None]
_target = st.fixed_dictionaries(
    {"type": st.sampled_from(_TARGET_TYPES)},
    optional={"id": st.sampled_from(["c1", "c2", "d1", "d2", None])},
)
_actor = st.none() | st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["00u1", None]),
        "alternateId": st.sampled_from(["a@example.com", "", None]),
    },
)


@st.composite
def any_certificate_events(draw: st.DrawFn) -> list[LogEvent]:
    """Certificate events with any targets, actors, outcomes and times; uuids canonical or not."""
    found: list[LogEvent] = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        found.append(
            make_event(
                draw(st.sampled_from(CERT_TYPES)),
                uuid=draw(st.sampled_from(_UUIDS)),
                published=T0 + timedelta(minutes=draw(st.integers(0, 5))),
                outcome=draw(st.sampled_from(["SUCCESS", "FAILURE", "ALLOW", None])),
                target=draw(st.none() | st.lists(_target, max_size=4)),
                actor=draw(_actor),
            )
        )
    return found


def general_tracker(events: Sequence[LogEvent]) -> LifecycleTracker:
    """A tracker fed ``feed_record(record_of(event))`` for each event (no hot path)."""
    general = LifecycleTracker()
    for event in events:
        record = record_of(event)
        assert record is not None
        general.feed_record(record)
    return general


def general_report(events: Sequence[LogEvent]) -> LifecycleReport:
    """The report of ``feed_record(record_of(event))`` for each event (no hot path)."""
    return general_tracker(events).report()

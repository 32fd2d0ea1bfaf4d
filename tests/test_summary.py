"""summarize(): the counting behind the CLI's summary, for notebooks and services."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Final

from hypothesis import given, settings
from hypothesis import strategies as st

from okta_pki_events import EventSummary, LogEvent, classify, summarize
from okta_pki_events.models import CATALOG
from okta_pki_events.summary import NO_VALUE
from okta_pki_events.testing import events, make_event

T0 = datetime(2024, 8, 13, tzinfo=timezone.utc)
ALIAS_OF = {alias: t for t, entry in CATALOG.items() for alias in entry.aliases}
CRL_ALIAS: Final = "pki.cert.lifecycle.crl_download_failure"


def reference(items: list[LogEvent]) -> dict[str, object]:
    """A plain re-count, field by field."""
    return {
        "total": len(items),
        "event_types": Counter(ALIAS_OF.get(e.event_type, e.event_type) for e in items),
        "aliases": Counter(e.event_type for e in items if e.event_type in ALIAS_OF),
        "outcomes": Counter((e.outcome.result if e.outcome else None) or NO_VALUE for e in items),
        "severities": Counter(e.severity or NO_VALUE for e in items),
        "needs_attention": sum(classify(e).needs_attention for e in items),
        "first": min((e.published for e in items), default=None),
        "last": max((e.published for e in items), default=None),
    }


@settings(max_examples=40, deadline=None)
@given(st.lists(events(unknown_types=True) | events(CRL_ALIAS), max_size=8))
def test_summarize_agrees_with_a_plain_count(items: list[LogEvent]) -> None:
    summary = summarize(iter(items))  # consumed once, as a stream
    expected = reference(items)
    assert summary.total == expected["total"]
    assert Counter(summary.event_types) == expected["event_types"]
    assert Counter(summary.aliases) == expected["aliases"]
    assert not set(summary.event_types) & set(ALIAS_OF)
    assert Counter(summary.outcomes) == expected["outcomes"]
    assert Counter(summary.severities) == expected["severities"]
    assert summary.needs_attention == expected["needs_attention"]
    assert summary.first_published == expected["first"]
    assert summary.last_published == expected["last"]
    for counts in (summary.event_types, summary.outcomes, summary.severities):
        assert sum(counts.values()) == summary.total
    assert bool(summary) == bool(items)


def test_orders_and_json() -> None:
    items = [
        make_event("pki.cert.revoke", published=T0 + timedelta(hours=2)),
        make_event("pki.cert.issue", published=T0, outcome="FAILURE"),
        make_event("pki.cert.issue", published=T0 + timedelta(hours=1)),
        make_event("pki.ca.add", published=T0 + timedelta(hours=3), outcome=None),
    ]
    summary = summarize(items)
    assert list(summary.event_types) == ["pki.ca.add", "pki.cert.issue", "pki.cert.revoke"]
    assert list(summary.outcomes.items()) == [("SUCCESS", 2), ("FAILURE", 1), (NO_VALUE, 1)]
    assert summary.to_dict() == {
        "total": 4,
        "event_types": {"pki.ca.add": 1, "pki.cert.issue": 2, "pki.cert.revoke": 1},
        "aliases": {},
        "outcomes": {"SUCCESS": 2, "FAILURE": 1, NO_VALUE: 1},
        "severities": {"INFO": 4},
        "needs_attention": 2,  # the revocation and the failed issue
        "first_published": "2024-08-13T00:00:00.000Z",
        "last_published": "2024-08-13T03:00:00.000Z",
    }


def test_empty() -> None:
    summary = summarize([])
    assert summary == EventSummary()
    assert not summary
    assert summary.to_dict()["first_published"] is None


def test_an_alias_spelling_is_counted_in_its_types_row() -> None:
    assert ALIAS_OF == {CRL_ALIAS: "pki.cert.crl_download_failure"}
    items = [
        make_event("pki.cert.crl_download_failure"),
        make_event(CRL_ALIAS),
        make_event(CRL_ALIAS),
        make_event("pki.cert.issue"),
    ]
    summary = summarize(items)
    assert summary.event_types == {"pki.cert.crl_download_failure": 3, "pki.cert.issue": 1}
    assert summary.aliases == {CRL_ALIAS: 2}
    assert summary.to_dict()["aliases"] == {CRL_ALIAS: 2}
    assert summary.needs_attention == 3  # each CRL failure, whatever its spelling

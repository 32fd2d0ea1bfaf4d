"""Semantic validation: every rule, both ways."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from okta_pki_events import EventValidationError, LogEvent, parse_event, validate
from okta_pki_events.testing import make_event
from okta_pki_events.validation import RULES

from .support import pki_fixture

NOW = datetime.now(timezone.utc) + timedelta(hours=1)  # after any make_event default


def codes(event: LogEvent) -> set[str]:
    return {issue.code for issue in validate(event, now=NOW)}


def bare(event_type: str, **more: Any) -> LogEvent:
    return parse_event(
        {"uuid": "1", "published": "2026-01-01T00:00:00.000Z", "eventType": event_type, **more}
    )


# (rule code, an event that breaks it, an event that keeps it)
CASES: list[tuple[str, LogEvent, LogEvent]] = [
    (
        "expiration_reason_unknown",
        make_event("pki.ca.expiration.warn", reason="EXPIRING_SOON"),
        make_event("pki.ca.expiration.warn", reason="EXPIRING_1_MONTH"),
    ),
    (
        "missing_certificate_target",
        bare("pki.cert.lifecycle.hold"),
        make_event("pki.cert.lifecycle.hold"),
    ),
    (
        "missing_device_target",
        make_event("pki.cert.bind", device_id=None),
        make_event("pki.cert.bind"),
    ),
    (
        "crl_missing_url",
        make_event(
            "pki.cert.crl_download_failure", debugContext={"debugData": {"httpStatusCode": "500"}}
        ),
        make_event("pki.cert.crl_download_failure"),
    ),
    (
        "crl_missing_status",
        make_event(
            "pki.cert.crl_download_failure",
            debugContext={"debugData": {"crlUrl": "http://x"}},
            reason="unreachable",
        ),
        make_event("pki.cert.crl_download_failure"),
    ),
    ("ca_missing_details", bare("pki.ca.add"), make_event("pki.ca.add")),
    (
        "scope_mapping_missing_change",
        bare("pki.ca.scope.mapping.update"),
        make_event("pki.ca.scope.mapping.update"),
    ),
    (
        "ca_renewal_without_new_certificate",
        parse_event(
            pki_fixture("pki.ca.renew") | {"target": [pki_fixture("pki.ca.renew")["target"][0]]}
        ),
        parse_event(pki_fixture("pki.ca.renew")),
    ),
    (
        "published_in_future",
        make_event("pki.cert.issue", published=NOW + timedelta(hours=1)),
        make_event("pki.cert.issue", published=NOW + timedelta(minutes=1)),
    ),
    (
        "misspelt_event_type",
        make_event("pki.cert.lifecycle.crl_download_failure"),
        make_event("pki.cert.crl_download_failure"),
    ),
    ("unknown_pki_event_type", bare("pki.cert.quarantine"), make_event("pki.cert.issue")),
]


def test_every_rule_has_a_case() -> None:
    assert {code for code, _, _ in CASES} == {rule.code for rule in RULES}


@pytest.mark.parametrize(("code", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_rule_both_ways(code: str, bad: LogEvent, good: LogEvent) -> None:
    assert code in codes(bad)
    assert code not in codes(good)
    issue = next(i for i in validate(bad, now=NOW) if i.code == code)
    assert issue.message
    assert issue.path
    assert issue.severity in ("error", "warning", "info")


@pytest.mark.parametrize("event_type", sorted({"pki.ca.add", "pki.cert.issue", "pki.cert.bind"}))
def test_fixtures_have_no_issues(event_type: str) -> None:
    assert validate(parse_event(pki_fixture(event_type)), now=NOW) == []


def test_strict_raises_on_errors_only() -> None:
    with pytest.raises(EventValidationError, match="missing_certificate_target") as info:
        validate(bare("pki.cert.revoke"), strict=True, now=NOW)
    assert isinstance(info.value, ValueError)
    assert [i.code for i in info.value.issues] == ["missing_certificate_target"]
    warnings_only = make_event("pki.cert.bind", device_id=None)
    assert [i.severity for i in validate(warnings_only, strict=True, now=NOW)] == ["warning"]


def test_parsing_never_validates() -> None:
    event = make_event("pki.cert.issue", published=NOW + timedelta(days=30))
    assert event.published > NOW


def test_a_naive_now_is_a_value_error_naming_the_time_zone() -> None:
    event = parse_event(pki_fixture("pki.cert.revoke"))
    with pytest.raises(ValueError, match="now must be an aware datetime"):
        validate(event, now=datetime(2026, 1, 1))
    assert validate(event, now=NOW.astimezone(timezone(timedelta(hours=-8)))) == []

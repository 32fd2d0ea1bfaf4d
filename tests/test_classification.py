"""Classification table, type guards, accessors."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from typing_extensions import assert_type

from okta_pki_events import (
    EVENT_TYPES,
    CaEvent,
    CertificateEvent,
    LifecycleEvent,
    LogEvent,
    PkiCaExpirationWarnEvent,
    PkiCaRenewEvent,
    PkiCaScopeMappingUpdateEvent,
    PkiCertCrlDownloadFailureEvent,
    classify,
    is_ca_event,
    is_certificate_event,
    is_lifecycle_event,
    is_pki_event,
    is_pki_event_type,
    parse_event,
)
from okta_pki_events.classification import CLASSIFICATIONS
from okta_pki_events.lifecycle import TRANSITIONS
from okta_pki_events.models import EVENT_MODELS, CaDetails, ExpirationUrgency
from okta_pki_events.models.details import epoch_millis_to_datetime
from okta_pki_events.testing import make_event

from .support import pki_fixture


def test_table_covers_every_type_and_agrees_with_the_catalog() -> None:
    assert set(CLASSIFICATIONS) == set(EVENT_TYPES)
    for event_type, row in CLASSIFICATIONS.items():
        assert row.subject == EVENT_MODELS[event_type].catalog.subject


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_type_is_classified(event_type: str) -> None:
    kind = classify(event_type)
    assert kind.known
    assert kind.is_pki
    assert kind.action is not None


def test_lifecycle_effects_agree_with_the_transition_table() -> None:
    for row in TRANSITIONS:
        for event_type in row.event_types:
            effect = CLASSIFICATIONS[event_type].lifecycle_effect
            if row.to is None:
                assert effect.startswith("unchanged")
            else:
                assert effect.endswith(row.to.name)


@pytest.mark.parametrize(
    ("event_type", "action", "attention"),
    [
        ("pki.cert.crl_download_failure", "crl_download_failure", True),
        ("pki.cert.lifecycle.crl_download_failure", "crl_download_failure", True),
        ("pki.ca.expiration.warn", "expiration_warning", True),
        ("pki.cert.revoke", "revoke", True),
        ("pki.cert.lifecycle.revoke", "revoke", True),
        ("pki.cert.issue", "issue", False),
        ("pki.ca.scope.mapping.update", "scope_mapping_update", False),
    ],
)
def test_actions_and_attention(event_type: str, action: str, attention: bool) -> None:
    kind = classify(event_type)
    assert kind.action == action
    assert kind.needs_attention is attention
    assert (kind.attention_reason is not None) is attention


def test_event_outcome_counts() -> None:
    ok = classify(make_event("pki.cert.issue"))
    assert ok.needs_attention is False
    failed = classify(make_event("pki.cert.issue", outcome="DENY"))
    assert failed.needs_attention is True
    assert failed.attention_reason is not None
    assert "DENY" in failed.attention_reason
    odd = classify(make_event("pki.cert.issue", outcome="CHALLENGE"))
    assert odd.needs_attention is True  # not a success: attention


def test_unknown_and_non_pki_types_are_classified_not_raised() -> None:
    future = classify("pki.cert.quarantine")
    assert (future.known, future.is_pki, future.subject) == (False, True, "certificate")
    assert future.action is None
    assert classify("pki.ca.rotate").subject == "certificate_authority"
    other = classify("user.session.start")
    assert (other.known, other.is_pki, other.subject) == (False, False, None)
    assert "Classification(" in repr(other)


def test_guards_at_run_time() -> None:
    issue = parse_event(pki_fixture("pki.cert.issue"))
    hold = parse_event(pki_fixture("pki.cert.lifecycle.hold"))
    add = parse_event(pki_fixture("pki.ca.add"))
    other = parse_event({"uuid": "1", "published": "2026-01-01T00:00:00Z", "eventType": "x.y"})
    unknown = parse_event({"uuid": "1", "published": "2026-01-01T00:00:00Z", "eventType": "pki.z"})
    assert [is_pki_event(e) for e in (issue, add, other, unknown)] == [True, True, False, True]
    assert [is_certificate_event(e) for e in (issue, hold, add, unknown)] == [
        True,
        True,
        False,
        False,
    ]
    assert [is_ca_event(e) for e in (issue, add, unknown)] == [False, True, False]
    assert [is_lifecycle_event(e) for e in (issue, hold, add)] == [False, True, False]
    assert is_pki_event_type("pki.cert.issue")
    assert not is_pki_event_type("user.session.start")
    assert not is_pki_event_type("PKI.cert.issue")


def narrow(event: LogEvent) -> str:
    """Checked by mypy: the guards narrow the type (assert_type fails the type check if not)."""
    if is_certificate_event(event):
        assert_type(event, CertificateEvent)
        return "certificate"
    if is_ca_event(event):
        assert_type(event, CaEvent)
        return "ca"
    if is_lifecycle_event(event):
        assert_type(event, LifecycleEvent)
        return "lifecycle"
    return "other"


def test_narrowing_function_runs() -> None:
    assert narrow(parse_event(pki_fixture("pki.ca.renew"))) == "ca"
    assert narrow(parse_event(pki_fixture("pki.cert.bind"))) == "certificate"


def test_accessors_on_fixtures() -> None:
    issue = parse_event(pki_fixture("pki.cert.issue"))
    assert issue.certificate_target is not None
    assert issue.certificate_target.id == "crt1aBcDeFgHiJk0g4"
    assert issue.device_target is not None
    assert issue.device_target.type == "Device"
    assert issue.ca_targets == []
    assert issue.is_success is True
    assert [t.id for t in issue.targets_of_type("device")] == ["guo1dEvIcE2345a0g4"]
    warn = parse_event(pki_fixture("pki.ca.expiration.warn"))
    assert isinstance(warn, PkiCaExpirationWarnEvent)
    assert warn.urgency is ExpirationUrgency.EXPIRING_3_MONTHS
    assert warn.urgency.months == 3
    (details,) = warn.ca_details
    assert details.cert_type == "Root Certificate Authority"
    assert details.not_before == datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert details.not_after == datetime(2027, 1, 1, tzinfo=timezone.utc)
    assert details.cert_status == "VALID"
    crl = parse_event(pki_fixture("pki.cert.crl_download_failure"))
    assert isinstance(crl, PkiCertCrlDownloadFailureEvent)
    assert crl.crl_url == "http://crl.example.com/intermediate.crl"
    assert crl.http_status == 404
    assert crl.is_success is False
    renew = parse_event(pki_fixture("pki.ca.renew"))
    assert isinstance(renew, PkiCaRenewEvent)
    assert [t.id for t in renew.old_certificates] == ["ca4Xk2PqRsTuV0g4"]
    assert [t.id for t in renew.new_certificates] == ["ca5Xk2PqRsTuV0g4"]
    scope = parse_event(pki_fixture("pki.ca.scope.mapping.update"))
    assert isinstance(scope, PkiCaScopeMappingUpdateEvent)
    assert scope.scope_before is not None
    assert scope.scope_before.ca_ids == ("ca1Xk2PqRsTuV0g4",)
    assert scope.scope_after is not None
    assert scope.scope_after.ca_ids == ("ca1Xk2PqRsTuV0g4", "ca5Xk2PqRsTuV0g4")
    assert scope.scope_after.scope == "DEVICE_REGISTRATION"


def test_accessors_on_absent_data() -> None:
    bare = {"uuid": "1", "published": "2026-01-01T00:00:00.000Z"}
    for event_type in EVENT_TYPES:
        event = parse_event(bare | {"eventType": event_type})
        assert event.certificate_target is None
        assert event.device_target is None
        assert event.ca_targets == []
        assert event.is_success is None
    warn = parse_event(
        bare | {"eventType": "pki.ca.expiration.warn", "outcome": {"reason": "SOON"}}
    )
    assert isinstance(warn, PkiCaExpirationWarnEvent)
    assert warn.urgency is None
    crl = parse_event(bare | {"eventType": "pki.cert.crl_download_failure", "debugContext": None})
    assert isinstance(crl, PkiCertCrlDownloadFailureEvent)
    assert (crl.crl_url, crl.http_status) == (None, None)
    renew = parse_event(bare | {"eventType": "pki.ca.renew"})
    assert isinstance(renew, PkiCaRenewEvent)
    assert (renew.old_certificates, renew.new_certificates) == ([], [])
    scope = parse_event(bare | {"eventType": "pki.ca.scope.mapping.update"})
    assert isinstance(scope, PkiCaScopeMappingUpdateEvent)
    assert (scope.scope_before, scope.scope_after) == (None, None)


def test_crl_status_from_other_keys_and_the_reason() -> None:
    def crl(debug: dict[str, object], reason: str | None = None) -> PkiCertCrlDownloadFailureEvent:
        event = make_event(
            "pki.cert.crl_download_failure",
            debugContext={"debugData": debug},
            reason=reason,
        )
        assert isinstance(event, PkiCertCrlDownloadFailureEvent)
        return event

    assert crl({"httpStatus": 503}).http_status == 503
    assert crl({"statusCode": " 500 "}).http_status == 500
    assert crl({}, "Download failed: HTTP 404 Not Found").http_status == 404
    assert crl({}, "timeout").http_status is None
    assert crl({"crl_url": "http://x/c.crl"}).crl_url == "http://x/c.crl"


def test_ca_details_tolerate_bad_values() -> None:
    details = CaDetails.from_detail_entry({"notBefore": "soon", "notAfter": True, "certType": 5})
    assert (details.not_before, details.not_after, details.cert_type) == (None, None, None)
    assert epoch_millis_to_datetime(1717200000000) == datetime(2024, 6, 1, tzinfo=timezone.utc)
    assert epoch_millis_to_datetime("1717200000000") == datetime(2024, 6, 1, tzinfo=timezone.utc)
    assert epoch_millis_to_datetime(10**30) is None


def test_repr_is_short_and_readable() -> None:
    event = parse_event(pki_fixture("pki.cert.issue"))
    text = repr(event)
    assert text.startswith("PkiCertIssueEvent(uuid=")
    assert "published='2026-" in text
    assert "Certificate:crt1aBcDeFgHiJk0g4" in text
    assert len(text) < 400

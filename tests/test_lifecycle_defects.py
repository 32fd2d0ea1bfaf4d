"""Regression tests: each defect found in the lifecycle engine, as it was reported."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from okta_pki_events import (
    BasePkiEvent,
    LifecycleTracker,
    LogEvent,
    PkiCertBindEvent,
    PkiCertIssueEvent,
    build_lifecycles,
    parse_event,
)
from okta_pki_events.lifecycle import (
    AnomalyKind,
    CertState,
    LifecycleRecord,
    certificate_key,
    record_of,
)
from okta_pki_events.models import ExpirationUrgency
from okta_pki_events.testing import make_event, make_wire_event

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def at(step: int) -> datetime:
    return T0 + timedelta(hours=step)


class MyIssueEvent(PkiCertIssueEvent):
    """A user's extension of a model (the documented way to extend)."""

    @property
    def ticket(self) -> str:
        return "CHG-1"


def test_a_subclass_of_a_certificate_model_is_filed_as_a_certificate() -> None:
    wire = make_wire_event("pki.cert.issue", certificate_id="c1", published=at(0), uuid="u0")
    issue = MyIssueEvent.model_validate(wire)
    bind = make_event("pki.cert.bind", certificate_id="c1", published=at(1), uuid="u1")
    report = build_lifecycles([issue, bind])
    assert report.authorities == {}
    history = report.certificates["c1"]
    assert history.state is CertState.ACTIVE
    assert history.complete is True
    assert [e.event_type for e in history.timeline] == ["pki.cert.issue", "pki.cert.bind"]


def test_the_device_does_not_depend_on_the_key_function_object() -> None:
    # A target whose type names both a certificate and a device: LogEvent.device_target
    # says it is the device; a cached copy of the rule once said otherwise.
    targets = [
        {"id": "c1", "type": "DeviceCertificate", "alternateId": "c1", "displayName": "c1"},
        {"id": "d1", "type": "Device", "alternateId": "d1", "displayName": "d1"},
    ]
    wire = make_wire_event("pki.cert.bind", published=at(0), uuid="u0", target=targets)
    event = parse_event(wire)
    assert isinstance(event, PkiCertBindEvent)

    def wrapper(e: BasePkiEvent) -> str | None:
        return certificate_key(e)

    by_default = build_lifecycles([event]).certificates["c1"]
    by_wrapper = build_lifecycles([event], key=wrapper).certificates["c1"]
    assert event.device_target is not None
    assert by_default.device_id == by_wrapper.device_id == event.device_target.id


def _issue(uuid: str, step: int, **kw: Any) -> LogEvent:
    return make_event("pki.cert.issue", certificate_id="c1", published=at(step), uuid=uuid, **kw)


def test_conflicting_duplicates_are_counted_the_same_in_any_order() -> None:
    a = _issue("same", 0)
    b = make_event("pki.cert.revoke", certificate_id="c1", published=at(1), uuid="same")
    first, second = build_lifecycles([a, b, b]), build_lifecycles([b, b, a])
    assert first == second
    assert [x.kind for x in first.anomalies] == [AnomalyKind.CONFLICTING_DUPLICATE]
    assert first.duplicates == 2


def test_conflicting_copies_across_certificates_are_resolved_once() -> None:
    a = _issue("same", 0)
    b = make_event("pki.cert.issue", certificate_id="c2", published=at(0), uuid="same")
    first, second = build_lifecycles([a, b]), build_lifecycles([b, a])
    assert first == second
    assert len(first.certificates) == 1  # the other copy was not applied anywhere
    (conflict,) = first.anomalies
    assert conflict.key not in first.certificates


def _warn(reason: str) -> LogEvent:
    return make_event(
        "pki.ca.expiration.warn", ca_id="ca1", published=at(1), uuid="w1", reason=reason
    )


def test_ca_urgency_does_not_depend_on_which_redelivery_came_last() -> None:
    six, one = _warn("EXPIRING_6_MONTHS"), _warn("EXPIRING_1_MONTH")
    first, second = build_lifecycles([six, one]), build_lifecycles([one, six])
    assert first == second
    assert first.authorities["ca1"].expiration_urgency in set(ExpirationUrgency)
    assert [a.kind for a in first.anomalies] == [AnomalyKind.CONFLICTING_DUPLICATE]


def _crl(url: str, status: object = "404") -> LogEvent:
    wire = make_wire_event("pki.cert.crl_download_failure", published=at(2), uuid="crl1")
    wire["debugContext"]["debugData"] |= {"crlUrl": url, "httpStatusCode": status}
    return parse_event(wire)


def test_the_crl_url_reported_does_not_depend_on_order() -> None:
    a, b = _crl("http://a.example/ca.crl"), _crl("http://b.example/ca.crl")
    first, second = build_lifecycles([a, b]), build_lifecycles([b, a])
    assert first == second
    (failure,) = first.crl_failures
    assert failure.crl_url in {"http://a.example/ca.crl", "http://b.example/ca.crl"}


@pytest.mark.parametrize("status", ["²", "9" * 5000])
def test_an_unreadable_http_status_does_not_crash(status: str) -> None:
    report = build_lifecycles([_crl("http://a.example/ca.crl", status)])
    (failure,) = report.crl_failures
    # the unreadable value is passed over for the reason's "HTTP 404"
    assert failure.http_status == 404
    assert failure.crl_url == "http://a.example/ca.crl"
    assert json.loads(report.to_json())["crl_failures"][0]["http_status"] == 404


@pytest.mark.parametrize("micros", [253402300800 * 10**6 + 3_600_000_000, -62135596800 * 10**6 - 1])
def test_an_instant_utc_cannot_write_does_not_crash_the_json(micros: int) -> None:
    # The models now refuse such a `published`; records from other sources (engines,
    # lifecycles_from) still reach the report, which must write them.
    record = LifecycleRecord("certificate", micros, "u1", "pki.cert.issue", "SUCCESS", "c1")
    tracker = LifecycleTracker()
    tracker.feed_record(record)
    report = tracker.report()
    entry = report.certificates["c1"].timeline[0]
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert (entry.published - epoch) // timedelta(microseconds=1) == micros
    text = json.loads(report.to_json())["certificates"]["c1"]["timeline"][0]["published"]
    assert datetime.fromisoformat(text) == entry.published


@pytest.mark.parametrize(
    "types",
    [
        ("DeviceCertificate", "Device"),
        ("Device", "Certificate"),
        ("CertificateAuthority", "certificate", "DEVICE"),
        ("User", "AppInstance"),
    ],
)
def test_certificate_and_device_are_those_of_the_models_accessors(types: tuple[str, ...]) -> None:
    targets = [{"id": f"t{i}", "type": t} for i, t in enumerate(types)]
    event = parse_event(make_wire_event("pki.cert.bind", uuid="u0", target=targets))
    record = record_of(event)
    assert record is not None
    cert, device = event.certificate_target, event.device_target
    assert record.key == (cert.id if cert else None)
    assert record.device_id == (device.id if device else None)

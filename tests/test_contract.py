"""Contract tests: what Okta sends (or may send later) never breaks parsing nor loses data."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError

from okta_pki_events import (
    NonPkiEvent,
    PkiCertCrlDownloadFailureEvent,
    PkiCertIssueEvent,
    PkiCertRevokeEvent,
    UnknownEventTypeError,
    UnknownPkiEvent,
    parse_event,
    parse_event_as,
)

from .support import minimal_event, pki_fixture, wire


def test_unknown_fields_are_kept_at_every_level_and_written_back() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["insertionTimestamp"] = "2026-01-01T00:00:00Z"
    raw["actor"]["newActorField"] = {"nested": [1, 2]}
    raw["target"][0]["detailEntry"]["serialNumber"] = "01AB"
    raw["client"]["geographicalContext"]["geolocation"]["alt"] = 12.5
    raw["securityContext"]["riskScore"] = 0.7
    event = parse_event(json.dumps(raw))
    assert isinstance(event, PkiCertIssueEvent)
    assert event.model_extra == {"insertionTimestamp": "2026-01-01T00:00:00Z"}
    assert event.actor is not None
    assert event.actor.model_extra == {"newActorField": {"nested": [1, 2]}}
    assert wire(event) == raw


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("severity",), "CRITICAL"),
        (("outcome", "result"), "PARTIAL_SUCCESS"),
        (("authenticationContext", "credentialType"), "PASSKEY"),
        (("authenticationContext", "credentialProvider"), "NEW_VENDOR"),
        (("authenticationContext", "authenticationProvider"), "PASSKEY_PROVIDER"),
        (("transaction", "type"), "BATCH"),
        (("request", "ipChain", 0, "version"), "V7"),
    ],
)
def test_unknown_vocabulary_values_pass_through(path: tuple[Any, ...], value: str) -> None:
    raw = pki_fixture("pki.cert.issue")
    node: Any = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    event = parse_event(raw)
    got: Any = wire(event)
    for key in path:
        got = got[key]
    assert got == value
    assert wire(event) == raw


def test_unknown_device_vocabulary_passes_through() -> None:
    raw = pki_fixture("pki.cert.bind")
    raw["device"]["disk_encryption_type"] = "ALL_INTERNAL_VALUES"
    raw["device"]["screen_lock_type"] = "FACE_AND_PIN"
    event = parse_event(raw)
    assert event.device is not None
    assert event.device.screen_lock_type == "FACE_AND_PIN"
    assert wire(event) == raw


def test_unknown_pki_type_parses_to_the_fallback() -> None:
    raw = pki_fixture("pki.cert.issue") | {"eventType": "pki.cert.quarantine"}
    event = parse_event(json.dumps(raw))
    assert type(event) is UnknownPkiEvent
    assert event.event_type == "pki.cert.quarantine"
    assert wire(event) == raw
    with pytest.raises(UnknownEventTypeError, match=r"pki\.cert\.quarantine"):
        parse_event(raw, on_unknown="raise")


def test_non_pki_type_parses_generically_or_raises() -> None:
    raw = minimal_event("user.session.start")
    event = parse_event(raw)
    assert type(event) is NonPkiEvent
    with pytest.raises(UnknownEventTypeError, match=r"user\.session\.start") as info:
        parse_event(raw, on_unknown="raise")
    assert info.value.event_type == "user.session.start"
    assert isinstance(info.value, ValueError)


def test_null_and_missing_are_told_apart() -> None:
    with_nulls = minimal_event(target=None, outcome=None, actor={"id": None}, version=None)
    event = parse_event(with_nulls)
    assert event.target is None
    assert wire(event) == with_nulls
    bare = minimal_event()
    assert wire(parse_event(bare)) == bare
    assert "target" not in wire(parse_event(bare))


@pytest.mark.parametrize("version", ["0", 0, 1, "1"])
def test_version_keeps_its_json_type(version: str | int) -> None:
    event = parse_event(json.dumps(minimal_event(version=version)))
    assert event.version == version
    assert type(event.version) is type(version)


@pytest.mark.parametrize("postal_code", ["10013", 10013, None, "M4M"])
def test_postal_code_keeps_its_json_type(postal_code: str | int | None) -> None:
    raw = minimal_event(
        client={"geographicalContext": {"postalCode": postal_code}},
        request={
            "ipChain": [{"ip": "10.0.0.1", "geographicalContext": {"postalCode": postal_code}}]
        },
    )
    event = parse_event(json.dumps(raw))
    assert event.client is not None
    assert event.client.geographical_context is not None
    assert event.client.geographical_context.postal_code == postal_code
    assert type(event.client.geographical_context.postal_code) is type(postal_code)
    assert wire(event) == raw


def test_as_number_as_string_is_kept() -> None:
    event = parse_event(pki_fixture("pki.cert.revoke"))
    assert isinstance(event, PkiCertRevokeEvent)
    assert event.security_context is not None
    assert event.security_context.as_number == "64496"


@pytest.mark.parametrize("reason", ["", "x" * 300, "r" * 100_000, "ünïcödé ✓"])
def test_empty_and_very_long_reason(reason: str) -> None:
    raw = minimal_event(outcome={"result": "FAILURE", "reason": reason})
    event = parse_event(json.dumps(raw))
    assert event.outcome is not None
    assert event.outcome.reason == reason
    assert wire(event) == raw


def test_misspelt_crl_type_parses_to_the_crl_model() -> None:
    raw = pki_fixture("pki.cert.crl_download_failure")
    raw["eventType"] = "pki.cert.lifecycle.crl_download_failure"
    event = parse_event(json.dumps(raw))
    assert isinstance(event, PkiCertCrlDownloadFailureEvent)
    assert event.event_type == "pki.cert.lifecycle.crl_download_failure"
    assert wire(event) == raw


def test_target_may_be_null_or_absent_or_empty() -> None:
    targets: list[list[Any] | None] = [None, []]
    for target in targets:
        raw = minimal_event("pki.cert.revoke", target=target)
        assert wire(parse_event(raw)) == raw
    assert parse_event(minimal_event("pki.cert.revoke")).target is None


def test_published_in_another_rfc3339_form_is_written_back_as_it_arrived() -> None:
    for given in [
        "2026-01-02T04:04:05.678+01:00",
        "2026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.123456Z",
        "2026-01-02T03:04:05.678+00:00",
    ]:
        event = parse_event(minimal_event(published=given))
        assert wire(event)["published"] == given
        assert event.published.utcoffset() is not None


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ('{"uuid": "1", "eventType": "pki.cert.issue"', ()),  # invalid JSON
        (b"\xff\xfe not utf-8", ()),
        ("[1, 2]", ()),  # not an object
        ("null", ()),
        ('{"published": "2026-01-02T03:04:05.678Z", "eventType": "pki.cert.issue"}', ("uuid",)),
        ('{"uuid": "1", "eventType": "pki.cert.issue"}', ("published",)),
        ('{"uuid": "1", "published": "2026-01-02T03:04:05.678Z"}', ("eventType",)),
        (
            '{"uuid": "1", "published": "2026-01-02T03:04:05.678", "eventType": "pki.cert.issue"}',
            ("published",),
        ),  # naive timestamp
        ('{"uuid": "1", "published": 1767322245, "eventType": "pki.cert.issue"}', ("published",)),
        ('{"uuid": 1, "published": "2026-01-02T03:04:05.678Z", "eventType": "pki.x"}', ("uuid",)),
        ('{"uuid": "1", "published": "2026-01-02T03:04:05.678Z", "eventType": 7}', ("eventType",)),
    ],
)
def test_bad_input_raises_a_validation_error_naming_the_field(
    data: str | bytes, loc: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as info:
        parse_event(data)
    locs = [e["loc"] for e in info.value.errors()]
    assert loc in locs or (loc == () and locs), locs


@pytest.mark.parametrize(
    ("path", "value", "loc"),
    [
        (("actor",), "not an object", ("actor",)),
        (("target",), {"id": "x"}, ("target",)),
        (("target", 0, "id"), 5, ("target", 0, "id")),
        (("securityContext", "isProxy"), "false", ("securityContext", "isProxy")),
        (
            ("authenticationContext", "authenticationStep"),
            "0",
            ("authenticationContext", "authenticationStep"),
        ),
        (
            ("client", "geographicalContext", "geolocation", "lat"),
            "40.1",
            ("client", "geographicalContext", "geolocation", "lat"),
        ),
        (("debugContext", "debugData"), ["a"], ("debugContext", "debugData")),
    ],
)
def test_wrong_types_name_the_full_field_path(
    path: tuple[Any, ...], value: Any, loc: tuple[Any, ...]
) -> None:
    raw = copy.deepcopy(pki_fixture("pki.cert.issue"))
    node: Any = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValidationError) as info:
        parse_event(json.dumps(raw))
    locs = [e["loc"] for e in info.value.errors()]
    assert any(found[: len(loc)] == loc for found in locs), locs


@pytest.mark.parametrize("data", [5, None, 1.5, ["a"], object()])
def test_non_mapping_python_input_is_a_validation_error(data: Any) -> None:
    with pytest.raises(ValidationError):
        parse_event(data)


def test_parse_event_as_gives_the_requested_model_or_fails_on_event_type() -> None:
    event = parse_event_as(PkiCertIssueEvent, pki_fixture("pki.cert.issue"))
    assert isinstance(event, PkiCertIssueEvent)
    with pytest.raises(ValidationError) as info:
        parse_event_as(PkiCertIssueEvent, pki_fixture("pki.cert.revoke"))
    assert info.value.errors()[0]["loc"] == ("eventType",)


def test_unknown_pki_event_refuses_a_non_pki_type() -> None:
    with pytest.raises(ValidationError):
        UnknownPkiEvent.model_validate(minimal_event("user.session.start"))


def test_deeply_nested_json_is_a_value_error() -> None:
    deep = (
        '{"uuid": "1", "published": "2026-01-02T03:04:05.678Z", "eventType": "pki.x", "x": '
        + "[" * 100_000
        + "]" * 100_000
        + "}"
    )
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError, never RecursionError
        parse_event(deep)

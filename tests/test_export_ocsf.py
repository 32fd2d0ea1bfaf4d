"""OCSF: every output validates against the real OCSF schema, offline.

The schema comes from the ``ocsf-json-schema`` package, which bundles OCSF's compiled
schema exports; ``jsonschema`` checks each event against the class schema with the
profiles the event declares.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema, get_packaged_versions

from okta_pki_events import EVENT_TYPES, LogEvent, parse_event
from okta_pki_events.export import (
    OCSF_ACTIVITIES,
    OCSF_ACTIVITY_NAMES,
    OCSF_SEVERITIES,
    OCSF_VERSION,
    OCSF_VERSIONS,
    to_ocsf,
)
from okta_pki_events.testing import EventTypeName, make_event, wire_events

from .support import IMPOSSIBLE_DATE_SAMPLE, pki_fixture, sample_event, sample_names

PARSED_SAMPLES = [n for n in sample_names() if n != IMPOSSIBLE_DATE_SAMPLE]


@cache
def _raw_schema(version: str = OCSF_VERSION) -> dict[str, Any]:
    schema: dict[str, Any] = get_ocsf_schema(version)
    return schema


@cache
def _validator(version: str, profiles: tuple[str, ...]) -> jsonschema.Draft202012Validator:
    embedded = OcsfJsonSchemaEmbedded(_raw_schema(version))
    schema = embedded.get_class_schema("entity_management", list(profiles))
    return jsonschema.Draft202012Validator(schema)


def _errors(doc: dict[str, Any]) -> list[str]:
    """The schema errors of a document, against the schema of the version it declares."""
    profiles = tuple(sorted(doc["metadata"].get("profiles", [])))
    validator = _validator(doc["metadata"]["version"], profiles)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


def _assert_valid(doc: dict[str, Any]) -> None:
    errors = _errors(doc)
    assert not errors, errors
    # Sibling consistency, which JSON Schema cannot express: captions match their ids.
    raw = _raw_schema(doc["metadata"]["version"])
    attributes = raw["classes"]["entity_management"]["attributes"]
    if doc["activity_id"] != 99:
        caption = attributes["activity_id"]["enum"][str(doc["activity_id"])]["caption"]
        assert doc["activity_name"] == caption
    assert doc["severity"] == attributes["severity_id"]["enum"][str(doc["severity_id"])]["caption"]
    assert doc["status"] == attributes["status_id"]["enum"][str(doc["status_id"])]["caption"]
    assert doc["type_uid"] == doc["class_uid"] * 100 + doc["activity_id"]
    if "actor" in doc or "device" in doc:
        assert "host" in doc["metadata"]["profiles"]


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_fixture_is_valid_ocsf(event_type: str) -> None:
    doc = to_ocsf(parse_event(pki_fixture(event_type)))
    _assert_valid(doc)
    assert doc["metadata"]["version"] == OCSF_VERSION
    assert doc["activity_id"] == OCSF_ACTIVITIES[event_type]


@pytest.mark.parametrize("version", OCSF_VERSIONS)
@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_fixture_is_valid_in_every_supported_version(version: str, event_type: str) -> None:
    doc = to_ocsf(parse_event(pki_fixture(event_type)), version=version)
    assert doc["metadata"]["version"] == version
    _assert_valid(doc)


@pytest.mark.parametrize("version", OCSF_VERSIONS)
@pytest.mark.parametrize("name", PARSED_SAMPLES)
def test_every_real_sample_is_valid_in_every_supported_version(version: str, name: str) -> None:
    _assert_valid(to_ocsf(parse_event(sample_event(name)), version=version))


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(wire_events(unknown_types=True), st.sampled_from(OCSF_VERSIONS))
def test_every_generated_event_is_valid_in_any_supported_version(
    raw: dict[str, Any], version: str
) -> None:
    _assert_valid(to_ocsf(parse_event(raw), version=version))


def test_supported_versions_can_be_validated_offline() -> None:
    """The offline schema package bundles every supported version (the releases 1.3.0-1.8.0)."""

    def release(version: str) -> tuple[int, ...]:
        parts = version.split(".")  # a pre-release ("1.0.0-rc.2") sorts first
        return tuple(map(int, parts)) if all(p.isdigit() for p in parts) else ()

    releases = {v: release(v) for v in get_packaged_versions()}
    wanted = {v for v, r in releases.items() if (1, 3, 0) <= r <= release(OCSF_VERSION)}
    assert set(OCSF_VERSIONS) == wanted
    assert max(OCSF_VERSIONS, key=release) == OCSF_VERSION


@pytest.mark.parametrize("version", ["1.2.0", "1.0.0-rc.2", "1.9.0", "1.8", "", "latest"])
def test_an_unsupported_version_is_refused(version: str) -> None:
    event = parse_event(pki_fixture("pki.cert.issue"))
    with pytest.raises(
        ValueError, match=r"OCSF version .* is not supported: choose one of 1\.3\.0"
    ):
        to_ocsf(event, version=version)


@pytest.mark.parametrize("name", PARSED_SAMPLES)
def test_every_real_sample_is_valid_ocsf(name: str) -> None:
    """Non-PKI events too: the parser accepts them, so the export must."""
    _assert_valid(to_ocsf(parse_event(sample_event(name))))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(wire_events(unknown_types=True))
def test_every_generated_event_is_valid_ocsf(raw: dict[str, Any]) -> None:
    _assert_valid(to_ocsf(parse_event(raw)))


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(wire_events(), st.text(min_size=1, max_size=20).filter(lambda t: not t.startswith("pki.")))
def test_every_generated_non_pki_event_is_valid_ocsf(raw: dict[str, Any], event_type: str) -> None:
    doc = to_ocsf(parse_event({**raw, "eventType": event_type}))
    _assert_valid(doc)
    assert (doc["activity_id"], doc["activity_name"]) == (99, event_type)


def test_a_bare_event_is_valid_ocsf() -> None:
    bare = parse_event({"uuid": "u1", "published": "2024-08-13T15:58:20.353Z", "eventType": "x.y"})
    doc = to_ocsf(bare)
    _assert_valid(doc)
    assert (doc["activity_id"], doc["activity_name"]) == (99, "x.y")
    assert doc["metadata"].get("profiles", []) == []


def test_captions_are_the_schema_captions() -> None:
    enum = _raw_schema()["classes"]["entity_management"]["attributes"]["activity_id"]["enum"]
    assert {int(k): v["caption"] for k, v in enum.items()} == dict(OCSF_ACTIVITY_NAMES)
    severities = _raw_schema()["classes"]["entity_management"]["attributes"]["severity_id"]
    for severity_id, caption in OCSF_SEVERITIES.values():
        assert severities["enum"][str(severity_id)]["caption"] == caption


def test_lifecycle_activities() -> None:
    def activity(event_type: EventTypeName) -> tuple[int, str]:
        doc = to_ocsf(make_event(event_type))
        return doc["activity_id"], doc["activity_name"]

    assert activity("pki.cert.bind") == (6, "Enroll")
    assert activity("pki.cert.lifecycle.hold") == (12, "Suspend")
    assert activity("pki.cert.lifecycle.activate") == (10, "Activate")
    assert activity("pki.cert.lifecycle.suspend") == (11, "Deactivate")
    assert activity("pki.cert.revoke") == (4, "Delete")
    assert activity("pki.ca.expiration.warn") == (99, "pki.ca.expiration.warn")


def test_ocsf_fields_of_a_revocation() -> None:
    event: LogEvent = parse_event(pki_fixture("pki.cert.lifecycle.revoke"))
    doc = to_ocsf(event)
    assert doc["entity"]["uid"] == "crt1aBcDeFgHiJk0g4"
    assert doc["entity"]["type_id"] == 99
    assert doc["actor"]["user"]["email_addr"] == "pki.admin@example.com"
    assert (event.severity, doc["severity_id"], doc["severity"]) == ("WARN", 3, "Medium")
    assert doc["unmapped"]["okta_severity"] == "WARN"
    assert doc["metadata"]["original_time"] == pki_fixture("pki.cert.lifecycle.revoke")["published"]
    assert doc["src_endpoint"]["ip"] == "198.51.100.23"


@pytest.mark.parametrize(
    ("alternate_id", "email"),
    [
        ("pki.admin@example.com", "pki.admin@example.com"),
        ("@", None),
        ("admin@localhost", None),
        ("a b@example.com", None),
        ("admin@example.com\n", None),
    ],
)
def test_email_only_when_ocsf_accepts_it(alternate_id: str, email: str | None) -> None:
    event = parse_event(
        {
            "uuid": "u1",
            "published": "2024-08-13T15:58:20.353Z",
            "eventType": "pki.cert.revoke",
            "actor": {"id": "00u1", "type": "User", "alternateId": alternate_id},
        }
    )
    doc = to_ocsf(event)
    _assert_valid(doc)
    assert doc["actor"]["user"].get("email_addr") == email
    assert doc["actor"]["user"]["name"] == alternate_id


def test_okta_null_address_is_not_an_ip() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["client"]["ipAddress"] = "null"
    doc = to_ocsf(parse_event(raw))
    assert "ip" not in doc.get("src_endpoint", {})
    _assert_valid(doc)


def test_original_time_is_published_as_it_arrived() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["published"] = "2024-08-13T17:58:20.353+02:00"
    doc = to_ocsf(parse_event(raw))
    assert doc["metadata"]["original_time"] == "2024-08-13T17:58:20.353+02:00"
    assert doc["time"] == 1723564700353

"""ECS, OCSF and notebook exports."""

from __future__ import annotations

import json
from datetime import timezone
from typing import Any

import polars as pl

from okta_pki_events import EVENT_TYPES, parse_event
from okta_pki_events.export import record_columns, to_dataframe, to_ecs, to_ocsf, to_records

from .support import pki_fixture, sample_event


def test_ecs_document_of_a_revocation_hand_checked() -> None:
    event = parse_event(pki_fixture("pki.cert.lifecycle.revoke"))
    doc = to_ecs(event)
    assert doc["@timestamp"] == pki_fixture("pki.cert.lifecycle.revoke")["published"]
    assert doc["event"] == {
        "kind": "event",
        "module": "okta",
        "dataset": "okta.system",
        "category": ["configuration"],
        "type": ["deletion"],
        "outcome": "success",
        "id": event.uuid,
        "action": "pki.cert.lifecycle.revoke",
    }
    assert doc["okta"]["actor"] == {
        "id": "00u1adminAbCdEf0g4",
        "type": "User",
        "alternate_id": "pki.admin@example.com",
        "display_name": "PKI Admin",
    }
    assert doc["user"] == {"name": "pki.admin@example.com", "full_name": "PKI Admin"}
    assert doc["source"]["ip"] == "198.51.100.23"
    assert doc["source"]["user"] == {
        "id": "00u1adminAbCdEf0g4",
        "name": "pki.admin@example.com",
        "full_name": "PKI Admin",
    }
    assert doc["client"]["geo"]["location"] == {"lat": 37.7697, "lon": -122.3933}
    assert doc["client"]["as"]["organization"]["name"] == "example networks"
    assert doc["okta"]["security_context"]["as"]["number"] == 64496
    assert doc["okta"]["target"][0] == {
        "id": "crt1aBcDeFgHiJk0g4",
        "type": "Certificate",
        "alternate_id": "CN=device-7f3a, O=Example Corp",
        "display_name": "Device certificate",
    }
    assert doc["related"] == {
        "ip": ["198.51.100.23"],
        "user": ["PKI Admin", "pki.admin@example.com"],
    }
    assert doc["user_agent"]["original"].startswith("Mozilla/5.0")
    assert doc["okta"]["request"]["ip_chain"][0]["geographical_context"]["postal_code"] == "94107"


def _has_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return any(v in (None, "", {}, []) or _has_empty(v) for v in value.values())
    if isinstance(value, list):
        return any(v in (None, "", {}, []) or _has_empty(v) for v in value)
    return False


def test_ecs_drops_nulls_and_maps_outcomes() -> None:
    for event_type in EVENT_TYPES:
        doc = to_ecs(parse_event(pki_fixture(event_type)))
        assert not _has_empty(doc), event_type
    crl = to_ecs(parse_event(pki_fixture("pki.cert.crl_download_failure")))
    assert crl["event"]["outcome"] == "failure"
    assert crl["okta"]["debug_context"]["debug_data"]["flattened"]["crlUrl"].startswith("http")
    add = to_ecs(parse_event(pki_fixture("pki.ca.add")))
    assert add["event"]["type"] == ["creation"]


def test_ocsf_entity_management() -> None:
    revoke = to_ocsf(parse_event(pki_fixture("pki.cert.lifecycle.revoke")))
    assert (revoke["class_uid"], revoke["category_uid"]) == (3004, 3)
    assert (revoke["activity_id"], revoke["activity_name"], revoke["type_uid"]) == (
        4,
        "Delete",
        300404,
    )
    assert revoke["metadata"]["product"] == {"name": "Okta System Log", "vendor_name": "Okta"}
    assert revoke["metadata"]["version"] == "1.8.0"
    assert revoke["entity"]["uid"] == "crt1aBcDeFgHiJk0g4"
    assert revoke["status"] == "Success"
    assert revoke["actor"]["user"]["email_addr"] == "pki.admin@example.com"
    assert revoke["time"] > 1_700_000_000_000
    add = to_ocsf(parse_event(pki_fixture("pki.ca.add")))
    assert (add["activity_id"], add["entity"]["type"]) == (1, "CertificateAuthority")
    assert add["entity"]["data"]["certType"] == "Intermediate Certificate Authority"
    warn = to_ocsf(parse_event(pki_fixture("pki.ca.expiration.warn")))
    assert warn["activity_id"] == 99
    bind = to_ocsf(parse_event(pki_fixture("pki.cert.bind")))
    assert (bind["activity_name"], bind["device"]["uid"]) == ("Enroll", "guo1dEvIcE2345a0g4")


def test_records_are_flat_with_dotted_columns() -> None:
    events = [parse_event(pki_fixture(t)) for t in EVENT_TYPES]
    rows = to_records(events)
    assert len(rows) == 15
    issue = rows[EVENT_TYPES.index("pki.cert.issue")]
    assert issue["actor.alternateId"] == "jane.doe@example.com"
    assert issue["client.geographicalContext.country"] == "United States"
    assert issue["target.certificate.id"] == "crt1aBcDeFgHiJk0g4"
    assert issue["target.device.id"] == "guo1dEvIcE2345a0g4"
    assert issue["target.ca.id"] is None
    assert json.loads(issue["debugContext.debugData"])["deviceTrustVendor"] == "INTUNE"
    assert json.loads(issue["target"])[0]["id"] == "crt1aBcDeFgHiJk0g4"
    assert issue["published"].tzinfo is not None
    assert all(not isinstance(v, (dict, list)) for row in rows for v in row.values())


def test_records_have_one_fixed_set_of_columns() -> None:
    bare = parse_event({"uuid": "u", "published": "2024-08-13T15:58:20.353Z", "eventType": "x.y"})
    full = parse_event(pki_fixture("pki.cert.lifecycle.revoke"))
    columns = list(record_columns())
    assert columns[-1] == "_extra"
    assert [list(r) for r in to_records([bare, full])] == [columns, columns]
    assert to_records([]) == []


def test_classification_columns() -> None:
    revoke = parse_event(pki_fixture("pki.cert.lifecycle.revoke"))
    crl = parse_event(pki_fixture("pki.cert.crl_download_failure"))
    other = parse_event(sample_event("okta-openapi-spec_ListLogs_user.session.start.json"))
    rows = to_records([revoke, crl, other])
    assert (rows[0]["action"], rows[0]["lifecycle_effect"]) == ("revoke", "-> REVOKED")
    assert (rows[0]["needs_attention"], rows[0]["is_success"]) == (True, True)
    assert (rows[1]["needs_attention"], rows[1]["is_success"]) == (True, False)
    assert (rows[2]["action"], rows[2]["needs_attention"], rows[2]["is_success"]) == (
        None,
        False,
        True,
    )
    no_outcome = parse_event(
        {"uuid": "u", "published": "2024-08-13T15:58:20.353Z", "eventType": "x"}
    )
    assert to_records([no_outcome])[0]["is_success"] is None


def test_dataframe_dtypes() -> None:
    events = [parse_event(pki_fixture(t)) for t in EVENT_TYPES]
    events.append(parse_event(sample_event("okta-openapi-spec_ListLogs_user.session.start.json")))
    frame = to_dataframe(events)
    assert frame.height == 16
    assert frame.schema["published"] == pl.Datetime("us", "UTC")
    assert frame.schema["eventType"] == pl.Categorical
    assert frame.schema["outcome.result"] == pl.Categorical
    assert frame.schema["needs_attention"] == pl.Boolean
    assert frame["published"][0].tzinfo is not None
    assert (
        frame["published"].dt.convert_time_zone("UTC")[0].astimezone(timezone.utc)
        == events[0].published
    )
    assert frame.filter(pl.col("eventType") == "pki.cert.issue")[
        "target.certificate.id"
    ].to_list() == ["crt1aBcDeFgHiJk0g4"]


def test_dataframe_schema_is_fixed_and_never_null() -> None:
    empty = to_dataframe([])
    one = to_dataframe([parse_event(pki_fixture("pki.ca.add"))])
    bare = to_dataframe(
        [parse_event({"uuid": "u", "published": "2024-08-13T15:58:20.353Z", "eventType": "x"})]
    )
    assert empty.schema == one.schema == bare.schema
    assert empty.columns == list(record_columns())
    assert pl.Null not in empty.schema.dtypes()

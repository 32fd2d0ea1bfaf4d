"""ECS: the documents are those Elastic's own okta.system pipeline produces.

The differential test runs ``to_ecs`` on the inputs of Elastic's pipeline tests and compares
with Elastic's expected documents (``tests/data/elastic``, see PROVENANCE.md there).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from okta_pki_events import EVENT_TYPES, parse_event
from okta_pki_events.export import (
    ECS_FIELDS,
    ECS_PKI_CATEGORY_TABLE,
    EcsCategoryTable,
    ecs_categorization,
    ecs_category_table,
    to_ecs,
)
from okta_pki_events.testing import make_event

from .support import DATA_DIR, pki_fixture

ELASTIC = DATA_DIR / "elastic"
# Elastic's test data (Elastic License 2.0) is in the repository, not in the sdist: without the
# directory the differential tests skip; with it, a missing file is an error.
needs_elastic_data = pytest.mark.skipif(
    not ELASTIC.is_dir(), reason="Elastic's test data is not shipped in the sdist (licence)"
)


def _inputs() -> list[str]:
    return (ELASTIC / "test-okta-system-events.log").read_text(encoding="utf-8").splitlines()


def _expected() -> list[dict[str, Any]]:
    text = (ELASTIC / "test-okta-system-events.log-expected.json").read_text(encoding="utf-8")
    expected: list[dict[str, Any]] = json.loads(text)["expected"]
    return expected


# Fields we add that Elastic's data stream, not its pipeline, sets.
ADDED_BY_THE_DATA_STREAM = ("event.module", "event.dataset")


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: value}


@needs_elastic_data
def test_the_excerpt_is_whole() -> None:
    assert len(_inputs()) == len(_expected()) == 4
    for line, expected in zip(_inputs(), _expected(), strict=True):
        assert json.loads(line)["uuid"] == expected["event"]["id"]


@needs_elastic_data
@pytest.mark.parametrize("index", range(4))
def test_same_document_as_elastic_pipeline(index: int) -> None:
    got = _flat(to_ecs(parse_event(_inputs()[index])))
    for field in ADDED_BY_THE_DATA_STREAM:
        got.pop(field)
    expected = _flat(_expected()[index])
    differences = {
        key: (got.get(key), expected.get(key))
        for key in sorted(set(got) | set(expected))
        if got.get(key) != expected.get(key)
    }
    assert differences == {}


def test_user_name_is_the_whole_alternate_id() -> None:
    doc = to_ecs(parse_event(pki_fixture("pki.cert.lifecycle.revoke")))
    assert doc["user"]["name"] == "pki.admin@example.com"
    assert doc["source"]["user"]["name"] == doc["client"]["user"]["name"] == doc["user"]["name"]
    assert doc["related"]["user"] == ["PKI Admin", "pki.admin@example.com"]


@pytest.mark.parametrize("address", ["null", "", "not-an-ip", "10.0.0.300"])
def test_an_address_that_is_not_an_ip_is_dropped(address: str) -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["client"]["ipAddress"] = address
    doc = to_ecs(parse_event(raw))
    assert "ip" not in doc.get("client", {})
    assert "ip" not in doc.get("source", {})
    assert "ip" not in doc["okta"]["client"]
    assert "ip" not in doc.get("related", {})


@pytest.mark.parametrize("address", ["198.51.100.7", "2001:db8::1"])
def test_ipv4_and_ipv6_addresses_are_kept(address: str) -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["client"]["ipAddress"] = address
    doc = to_ecs(parse_event(raw))
    assert doc["client"]["ip"] == doc["source"]["ip"] == doc["okta"]["client"]["ip"] == address
    assert doc["related"]["ip"] == [address]


def test_pki_categorization_is_elastics() -> None:
    expected_types = {
        "pki.ca.add": ("creation",),
        "pki.ca.delete": ("deletion",),
        "pki.cert.lifecycle.delete": ("deletion",),
        "pki.cert.lifecycle.revoke": ("deletion",),
        "pki.cert.revoke": ("deletion",),
    }
    for event_type in EVENT_TYPES:
        categories, types = ecs_categorization(event_type)
        if event_type in ("pki.ca.expiration.warn", "pki.ca.scope.mapping.update"):
            assert (categories, types) == ((), ())  # Elastic maps neither
        else:
            assert categories == ("configuration",)
            assert types == expected_types.get(event_type, ("info",))


def test_non_pki_types_elastic_maps_are_categorized() -> None:
    assert ecs_categorization("user.lifecycle.create") == (("iam",), ("info", "creation"))
    assert ecs_categorization("group.user_membership.add") == (("iam",), ("group", "change"))
    assert ecs_categorization("security.request.blocked") == ((), ("network",))
    assert ecs_categorization("policy.lifecycle.delete") == (("configuration",), ("deletion",))
    assert ecs_categorization("no.such.type") == ((), ())


def test_only_fields_elastic_derives() -> None:
    doc = to_ecs(parse_event(pki_fixture("pki.cert.lifecycle.revoke")))
    for absent in ("severity", "version", "legacy_event_type"):
        assert absent not in doc["okta"]
    assert "postal_code" not in doc["client"]["geo"]


def test_targets_are_renamed_and_detail_entries_filtered() -> None:
    doc = to_ecs(parse_event(pki_fixture("pki.ca.add")))
    targets = doc["okta"]["target"]
    assert all("alternateId" not in t and "displayName" not in t for t in targets)
    assert all("detailEntry" not in t for t in targets)  # only two keys of it are kept
    raw = pki_fixture("pki.cert.issue")
    raw["target"].append(
        {"id": "00u1", "type": "User", "displayName": "Jane Doe", "alternateId": "jane@x.io"}
    )
    raw["target"].append({"id": "00g1", "type": "UserGroup", "displayName": "Admins"})
    doc = to_ecs(parse_event(raw))
    assert doc["user"]["target"] == {
        "full_name": "Jane Doe",
        "id": "00u1",
        "group": {"name": "Admins", "id": "00g1"},
    }
    assert "Jane Doe" in doc["related"]["user"]


def test_debug_data_derived_fields() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["debugContext"]["debugData"].update(
        {
            "risk": "{reasons=Anomalous Device, Anomalous Location, level=MEDIUM}",
            "behaviors": "{New Geo-Location=NEGATIVE, New Device=POSITIVE}",
            "factor": "SIGNED_NONCE",
            "dtHash": "abc",
            "grantType": "client_credentials",
        }
    )
    data = to_ecs(parse_event(raw))["okta"]["debug_context"]["debug_data"]
    assert data["risk_level"] == "MEDIUM"
    assert data["risk_reasons"] == ["Anomalous Device", "Anomalous Location"]
    assert data["risk_behaviors"] == ["New Device"]
    assert data["factor"] == "SIGNED_NONCE"
    assert (data["dt_hash"], data["grant_type"]) == ("abc", "client_credentials")
    assert data["flattened"]["behaviors"] == {
        "New Geo-Location": "NEGATIVE",
        "New Device": "POSITIVE",
    }
    assert data["flattened"]["risk"] == {
        "level": "MEDIUM",
        "reasons": "Anomalous Device, Anomalous Location",
    }
    assert data["flattened"]["risk_object"].startswith("{reasons=")


def test_well_formed_risk_is_parsed_as_pairs() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["debugContext"]["debugData"]["risk"] = "{level=LOW, reasons=Anomalous Device}"
    data = to_ecs(parse_event(raw))["okta"]["debug_context"]["debug_data"]
    assert data["flattened"]["risk"] == {"level": "LOW", "reasons": "Anomalous Device"}
    assert "risk_object" not in data["flattened"]
    assert (data["risk_level"], data["risk_reasons"]) == ("LOW", ["Anomalous Device"])


def test_log_only_security_data_takes_precedence() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["debugContext"]["debugData"]["logOnlySecurityData"] = json.dumps(
        {"risk": {"level": "HIGH", "reasons": "a, b"}}
    )
    raw["debugContext"]["debugData"]["risk"] = "{level=LOW, reasons=c}"
    data = to_ecs(parse_event(raw))["okta"]["debug_context"]["debug_data"]
    assert data["flattened"]["logOnlySecurityData"] == {
        "risk": {"level": "HIGH", "reasons": "a, b"}
    }
    assert (data["risk_level"], data["risk_reasons"]) == ("HIGH", ["a", "b"])


def test_interface_fills_a_free_authentication_provider() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["authenticationContext"] = {"interface": "Outlook"}
    doc = to_ecs(parse_event(raw))
    assert doc["okta"]["authentication_context"] == {"authentication_provider": "Outlook"}
    raw["authenticationContext"] = {"interface": "Outlook", "authenticationProvider": "LDAP"}
    doc = to_ecs(parse_event(raw))
    assert doc["okta"]["authentication_context"]["authentication_provider"] == "LDAP"


def test_device_and_transaction_detail() -> None:
    raw = make_event("pki.cert.bind").model_dump(mode="json", by_alias=True)
    raw["device"] = {"id": "guo1", "name": "Mac", "device_integrator": '{"name": "intune"}'}
    raw["transaction"] = {"id": "t1", "type": "WEB", "detail": {"requestApiTokenId": "tok"}}
    doc = to_ecs(parse_event(raw))
    assert doc["okta"]["device"] == {
        "id": "guo1",
        "name": "Mac",
        "device_integrator": {"name": "intune"},
    }
    assert doc["okta"]["transaction"]["detail"] == {"request_api_token_id": "tok"}


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000, "not json", "{"])
def test_json_text_that_cannot_be_read_stays_text(text: str) -> None:
    # JSON nested deeper than the decoder recurses raised RecursionError out of to_ecs
    raw = pki_fixture("pki.cert.issue")
    raw["debugContext"]["debugData"]["logOnlySecurityData"] = text
    raw["device"] = {"id": "guo1", "device_integrator": text}
    doc = to_ecs(parse_event(raw))
    data = doc["okta"]["debug_context"]["debug_data"]
    assert data["flattened"]["logOnlySecurityData"] == text
    assert doc["okta"]["device"]["device_integrator"] == text


def test_table_paths_are_wire_paths_of_the_model() -> None:
    """Every wire path of the ECS table names a field the model declares (no typo)."""
    from pydantic import BaseModel

    from okta_pki_events import LogEvent

    def declared(model: type[BaseModel], path: list[str]) -> bool:
        by_alias = {(f.alias or n): f for n, f in model.model_fields.items()}
        field = by_alias.get(path[0])
        if field is None:
            return False
        if len(path) == 1:
            return True
        inner = field.annotation
        for candidate in getattr(inner, "__args__", (inner,)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                return declared(candidate, path[1:])
        return True  # a free-form object (debugData, detail): any key

    for path, _fields in ECS_FIELDS:
        assert declared(LogEvent, path.split(".")), path


def test_timestamp_is_utc_whatever_the_offset() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["published"] = "2024-08-13T17:58:20.353+02:00"
    assert to_ecs(parse_event(raw))["@timestamp"] == "2024-08-13T15:58:20.353Z"


# -- Elastic's generated category table (tests/data/elastic/ecs_category_type.json) -----------

# Painless's addUnique, the pipeline script's own code path, run by a real JVM: java.util.HashSet.
_ADD_UNIQUE_JAVA = """
import java.io.*;
import java.util.*;

public class AddUnique {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        StringBuilder out = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.split("\\\\|", -1);
            List<String> dst = parts[0].isEmpty()
                ? new ArrayList<>() : new ArrayList<>(Arrays.asList(parts[0].split(",")));
            List<String> src = parts[1].isEmpty()
                ? new ArrayList<>() : Arrays.asList(parts[1].split(","));
            List<String> result = dst;
            if (!src.isEmpty()) {
                HashSet<String> set = new HashSet<>(dst);
                set.addAll(src);
                result = new ArrayList<>(set);
            }
            out.append(String.join(",", result)).append('\\n');
        }
        System.out.print(out);
    }
}
"""


@pytest.fixture(scope="module")
def java_add_unique(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., list[tuple[str, ...]]]:
    """Run ``addUnique(dst, src)`` for many pairs in one JVM (Java 17, as Spark needs)."""
    source = tmp_path_factory.mktemp("java") / "AddUnique.java"
    source.write_text(_ADD_UNIQUE_JAVA)

    def run(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> list[tuple[str, ...]]:
        text = "".join(f"{','.join(dst)}|{','.join(src)}\n" for dst, src in pairs)
        done = subprocess.run(
            ["java", str(source)], input=text, capture_output=True, text=True, check=True
        )
        return [tuple(line.split(",")) if line else () for line in done.stdout.splitlines()]

    return run


def _table() -> EcsCategoryTable:
    return ecs_category_table(ELASTIC / "ecs_category_type.json")


@needs_elastic_data
def test_elastics_table_is_read_whole() -> None:
    table = _table()
    assert len(table) == 1039
    assert table["device.user.add"] == (("iam",), ("creation", "user"))
    assert table["security.request.blocked"] == (("threat",), ())
    assert all(categories for categories, _ in table.values())


@needs_elastic_data
def test_our_pki_rows_are_elastics() -> None:
    """The table shipped with the library is the PKI part of Elastic's, unchanged."""
    table = _table()
    assert {t: table[t] for t in EVENT_TYPES if t in table} == dict(ECS_PKI_CATEGORY_TABLE)
    assert set(EVENT_TYPES) - set(table) == {
        "pki.ca.expiration.warn",
        "pki.ca.scope.mapping.update",
    }


@needs_elastic_data
def test_the_merge_is_javas_hash_set_order(java_add_unique: Any) -> None:
    """For every type of the table, the pipeline's appends merged with its row, as the JVM does."""
    table = _table()
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    ours: list[tuple[str, ...]] = []
    for event_type, (categories, types) in table.items():
        appended_categories, appended_types = ecs_categorization(event_type, {})
        pairs += [(appended_types, types), (appended_categories, categories)]
        merged_categories, merged_types = ecs_categorization(event_type, table)
        ours += [merged_types, merged_categories]
    assert java_add_unique(pairs) == ours
    # and some orders a HashSet gives that insertion order would not
    assert ecs_categorization("user.session.start", table)[0] == ("session", "authentication")


@needs_elastic_data
@pytest.mark.parametrize("index", range(4))
def test_same_document_as_elastics_pipeline_with_its_table(
    index: int, java_add_unique: Any
) -> None:
    """The excerpt's documents predate the table: with it, only the categorization changes,
    to the pipeline's merge of the expected arrays with the table's row."""
    table = _table()
    event = parse_event(_inputs()[index])
    expected = _expected()[index]
    got = to_ecs(event, categories=table)
    row = table[event.event_type]
    want_types, want_categories = java_add_unique(
        [
            (tuple(expected["event"].get("type", ())), row[1]),
            (tuple(expected["event"].get("category", ())), row[0]),
        ]
    )
    assert got["event"]["type"] == list(want_types)
    assert got["event"]["category"] == list(want_categories)
    for key in ("type", "category"):
        got["event"].pop(key)
        expected["event"].pop(key, None)
    flat = _flat(got)
    for field in ADDED_BY_THE_DATA_STREAM:
        flat.pop(field)
    assert flat == _flat(expected)


def test_a_table_in_each_shape_elastic_gives(tmp_path: Path) -> None:
    rows = {"x.y": {"category": ["iam"], "type": ["user"]}, "z": {"category": ["threat"]}}
    pipeline = {"processors": [{"set": {"field": "a"}}, {"script": {"params": rows}}]}
    expected = {"x.y": (("iam",), ("user",)), "z": (("threat",), ())}
    for document in (rows, pipeline, {"logs-okta.system-2.0-ecs_category_type": pipeline}):
        assert dict(ecs_category_table(document)) == expected
        path = tmp_path / "table.json"
        path.write_text(json.dumps(document))
        assert dict(ecs_category_table(path)) == expected
    yml = tmp_path / "ecs_category_type.yml"
    yml.write_text(yaml.safe_dump(pipeline))
    assert dict(ecs_category_table(yml)) == expected
    assert to_ecs(make_event("pki.cert.issue"), categories={})["event"].get("category") is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "must be a JSON object"),
        ({"processors": [{"set": {}}]}, "no script processor with params"),
        ({"x": ["iam"]}, "x: a row must be an object"),
        ({"x": {"category": "iam"}}, r"x\.category: must be a list of strings"),
        ({"x": {"category": ["iam"], "type": [1]}}, r"x\.type: must be a list of strings"),
    ],
)
def test_a_table_that_does_not_fit_is_refused(document: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ecs_category_table(document)

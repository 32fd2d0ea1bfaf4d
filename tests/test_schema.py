"""The JSON Schema: committed and fresh, and every fixture validates against it."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from okta_pki_events import EVENT_MODELS, EVENT_TYPES, json_schema
from okta_pki_events.schema import SCHEMA_DIALECT
from okta_pki_events.testing import wire_events
from scripts.export_schema import TARGET, render

from .support import pki_fixture, sample_event, sample_names

VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def test_committed_schema_is_fresh() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run `make schema` and commit"


def test_union_schema_shape() -> None:
    schema = json_schema()
    assert schema["$schema"] == SCHEMA_DIALECT
    jsonschema.Draft202012Validator.check_schema(schema)
    mapping = schema["discriminator"]["mapping"]
    assert schema["discriminator"]["propertyName"] == "eventType"
    assert set(mapping) == set(EVENT_MODELS)
    assert len(schema["oneOf"]) == len(EVENT_TYPES) + 1


def _walk_properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for name, definition in schema.get("$defs", {}).items():
        assert definition.get("additionalProperties") is True, name
        assert definition.get("description"), name
        for prop, body in definition.get("properties", {}).items():
            found.append((name, prop, body))
    return found


def test_every_property_has_a_description_and_objects_stay_open() -> None:
    properties = _walk_properties(json_schema())
    assert len(properties) > 100
    for model, prop, body in properties:
        assert body.get("description"), f"{model}.{prop}"


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_each_fixture_validates_against_the_union_and_its_own_schema(event_type: str) -> None:
    raw = pki_fixture(event_type)
    VALIDATOR.validate(raw)
    own = json_schema(event_type)
    jsonschema.Draft202012Validator(own).validate(raw)
    assert own["properties"]["eventType"].get("const", event_type) == event_type


def test_unknown_pki_types_validate_and_non_pki_types_do_not() -> None:
    raw = pki_fixture("pki.cert.issue")
    VALIDATOR.validate(raw | {"eventType": "pki.cert.quarantine"})
    for name in sample_names():
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(sample_event(name))


def test_the_schema_rejects_what_the_parser_rejects() -> None:
    raw = pki_fixture("pki.cert.issue")
    del raw["uuid"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(raw)


def test_unknown_event_type_is_a_key_error() -> None:
    with pytest.raises(KeyError, match=r"pki\.nope"):
        json_schema("pki.nope")


def test_returned_schema_is_a_copy() -> None:
    json_schema()["title"] = "changed"
    assert json_schema()["title"] != "changed"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wire_events(unknown_types=True))
def test_schema_agrees_with_the_parser(raw: dict[str, Any]) -> None:
    VALIDATOR.validate(json.loads(json.dumps(raw)))

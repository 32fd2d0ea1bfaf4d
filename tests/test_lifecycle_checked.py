"""``lifecycles_from``'s exact check: the models' schemas giving dicts refuse exactly what
``parse_event`` refuses, on generated events and on every kind of corruption of them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, model_validator

from okta_pki_events import ParseFailure, parse_event
from okta_pki_events.lifecycle import record_of
from okta_pki_events.lifecycle._checked import check_event, dict_schema
from okta_pki_events.lifecycle._sources import _items_of_events, items_of_lines
from okta_pki_events.models._base import OktaModel
from okta_pki_events.testing import make_wire_event

from .support import corrupted_events

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _accepts(validate: Any, text: str) -> bool:
    try:
        validate(text)
    except ValueError:
        return False
    return True


@SETTINGS
@given(corrupted_events())
def test_check_event_refuses_exactly_what_parse_event_refuses(text: str) -> None:
    assert _accepts(check_event, text) == _accepts(parse_event, text)


@SETTINGS
@given(corrupted_events())
def test_the_full_check_gives_the_items_of_the_full_models(text: str) -> None:
    got = list(items_of_lines([(7, text)], "f.ndjson", check="full"))
    expected = list(_items_of_events([text], "f.ndjson", 7))
    assert len(got) == len(expected) == 1
    if isinstance(expected[0], ParseFailure):
        assert isinstance(got[0], ParseFailure)
        assert (got[0].line, got[0].source, str(got[0].error)) == (
            7,
            "f.ndjson",
            str(expected[0].error),
        )
    else:
        assert got == expected


@pytest.mark.parametrize(
    "change",
    [
        {"client": 5},  # a field the fold never reads
        {"securityContext": {"isProxy": "true"}},  # a strict boolean sent as text
        {"published": "2026-01-01 00:00:00"},  # outside the published grammar
        {"debugContext": {"debugData": []}},  # a free-form object that is not one
        {"target": [{"id": 5, "type": "Certificate"}]},
    ],
)
def test_a_record_broken_anywhere_is_a_failure_at_its_line(change: dict[str, Any]) -> None:
    row = make_wire_event("pki.cert.issue", certificate_id="c1", uuid="u1") | change
    with pytest.raises(ValidationError):
        parse_event(json.dumps(row))
    (item,) = items_of_lines([(3, json.dumps(row))], "f.ndjson")
    assert isinstance(item, ParseFailure)
    assert item.line == 3


def test_unknown_keys_and_free_form_values_are_accepted_as_the_models_accept_them() -> None:
    row = make_wire_event("pki.cert.issue", certificate_id="c1", uuid="u1")
    row = copy.deepcopy(row) | {"newTopLevel": {"deep": [1, {"x": None}]}, "event_type": 5}
    row["debugContext"]["debugData"] = {"anything": [1, "two", {"three": 3.0}]}
    text = json.dumps(row)
    parse_event(text)
    assert check_event(text)["event_type"] == "pki.cert.issue"


def test_a_model_validator_is_not_rewritten_silently() -> None:
    class Checked(OktaModel):
        value: int

        @model_validator(mode="after")
        def _check(self) -> Checked:
            return self

    class Plain(BaseModel):
        value: int = 0

    with pytest.raises(TypeError, match="does not know"):
        dict_schema(Checked.__pydantic_core_schema__)
    schema = dict_schema(Plain.__pydantic_core_schema__)
    assert schema["type"] == "typed-dict"


def test_errors_are_validation_errors() -> None:
    with pytest.raises(ValidationError):
        check_event("[1, 2]")


_TARGET_TYPES = ["Certificate", "DeviceCertificate", "Device", "CertificateAuthority", "User", None]
_targets = st.lists(
    st.fixed_dictionaries(
        {"type": st.sampled_from(_TARGET_TYPES)},
        optional={"id": st.sampled_from(["c1", "c2", "d1", "d2", None])},
    ),
    max_size=5,
)
_actors = st.none() | st.fixed_dictionaries(
    {},
    optional={"id": st.sampled_from(["00u1", None]), "alternateId": st.sampled_from(["a@x", ""])},
)


@SETTINGS
@given(
    st.sampled_from(["pki.cert.issue", "pki.cert.bind", "pki.cert.lifecycle.revoke"]),
    _targets,
    _actors,
    st.sampled_from(["SUCCESS", "DENY", None]),
    st.sampled_from(["full", "fields"]),
)
def test_both_checks_pick_the_certificate_device_and_actor_as_the_models(
    event_type: str, targets: list[dict[str, Any]], actor: Any, result: Any, check: Any
) -> None:
    row = make_wire_event("pki.cert.issue", uuid="u1") | {
        "eventType": event_type,
        "target": targets,
        "actor": actor,
        "outcome": {"result": result},
    }
    text = json.dumps(row)
    (got,) = items_of_lines([(1, text)], "f.ndjson", check=check)
    assert got == record_of(parse_event(text))

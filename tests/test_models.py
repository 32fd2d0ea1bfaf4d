"""The models: every fixture and sample parses to the right class and round-trips."""

from __future__ import annotations

import json
import re
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import okta_pki_events as ope
from okta_pki_events import (
    EVENT_TYPES,
    EventType,
    NonPkiEvent,
    PkiCertCrlDownloadFailureEvent,
    UnknownPkiEvent,
    parse_event,
)
from okta_pki_events.models import CATALOG, EVENT_MODELS, OktaModel

from .support import (
    DATA_DIR,
    IMPOSSIBLE_DATE_SAMPLE,
    pki_fixture,
    pki_fixture_types,
    sample_event,
    sample_names,
    wire,
)

EXPECTED_CLASS_NAMES = {
    "pki.ca.add": "PkiCaAddEvent",
    "pki.ca.delete": "PkiCaDeleteEvent",
    "pki.ca.expiration.warn": "PkiCaExpirationWarnEvent",
    "pki.ca.renew": "PkiCaRenewEvent",
    "pki.ca.scope.mapping.update": "PkiCaScopeMappingUpdateEvent",
    "pki.cert.bind": "PkiCertBindEvent",
    "pki.cert.crl_download_failure": "PkiCertCrlDownloadFailureEvent",
    "pki.cert.issue": "PkiCertIssueEvent",
    "pki.cert.lifecycle.activate": "PkiCertLifecycleActivateEvent",
    "pki.cert.lifecycle.delete": "PkiCertLifecycleDeleteEvent",
    "pki.cert.lifecycle.hold": "PkiCertLifecycleHoldEvent",
    "pki.cert.lifecycle.revoke": "PkiCertLifecycleRevokeEvent",
    "pki.cert.lifecycle.suspend": "PkiCertLifecycleSuspendEvent",
    "pki.cert.renew": "PkiCertRenewEvent",
    "pki.cert.revoke": "PkiCertRevokeEvent",
}


def test_registries_cover_the_fifteen_types() -> None:
    assert len(EVENT_TYPES) == 15
    assert set(EVENT_TYPES) == set(EXPECTED_CLASS_NAMES)
    assert get_args(EventType) == EVENT_TYPES
    assert set(CATALOG) == set(EVENT_TYPES)
    assert set(EVENT_MODELS) == set(EVENT_TYPES) | {"pki.cert.lifecycle.crl_download_failure"}
    for event_type, name in EXPECTED_CLASS_NAMES.items():
        assert EVENT_MODELS[event_type].__name__ == name
        assert getattr(ope, name) is EVENT_MODELS[event_type]
    with pytest.raises(TypeError):
        EVENT_MODELS["pki.x"] = UnknownPkiEvent  # type: ignore[index]


def test_every_type_has_a_fixture() -> None:
    assert pki_fixture_types() == sorted(EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(EXPECTED_CLASS_NAMES))
def test_fixture_parses_to_its_class_and_round_trips(event_type: str) -> None:
    raw = pki_fixture(event_type)
    for data in (raw, json.dumps(raw), json.dumps(raw).encode()):
        event = parse_event(data)
        assert type(event).__name__ == EXPECTED_CLASS_NAMES[event_type]
        assert event.event_type == event_type
        assert wire(event) == raw
        assert json.loads(event.model_dump_json(by_alias=True, exclude_unset=True)) == raw
    assert event.published.tzinfo is not None


@pytest.mark.parametrize("name", [n for n in sample_names() if n != IMPOSSIBLE_DATE_SAMPLE])
def test_real_samples_parse_as_log_events_and_round_trip(name: str) -> None:
    raw = sample_event(name)
    event = parse_event(json.dumps(raw))
    assert type(event) is NonPkiEvent
    assert event.event_type == raw["eventType"]
    assert wire(event) == raw
    assert json.loads(event.model_dump_json(exclude_unset=True)) == raw


def test_impossible_date_sample_fails_on_published() -> None:
    raw = sample_event(IMPOSSIBLE_DATE_SAMPLE)
    with pytest.raises(ValidationError) as info:
        parse_event(json.dumps(raw))
    assert [e["loc"] for e in info.value.errors()] == [("published",)]
    assert "published" in str(info.value)


def test_samples_keep_what_okta_sdks_dropped() -> None:
    event = parse_event(sample_event("okta-openapi-spec_ListLogs_user.session.start.json"))
    assert event.device is not None
    assert event.device.disk_encryption_type == "ALL_INTERNAL_VOLUMES"
    assert event.device.secure_hardware_present is True
    assert event.authentication_context is not None
    assert event.authentication_context.root_session_id == "idxBager62CSveUkTxvgRtonA"
    assert event.version == 0
    hook = parse_event(
        sample_event("okta-devdocs_event-hook-delivery-envelope_user.session.start.json")
    )
    assert hook.model_extra == {"insertionTimestamp": None}
    assert hook.client is not None
    assert hook.client.zone == "null"
    assert hook.client.ip_chain is not None
    assert hook.client.ip_chain[0].ip == "142.126.158.61"


def test_security_context_extensions_are_typed() -> None:
    name = "okta-openapi-spec_ListLogsWithAdditionalSecurityContext_user.session.start.json"
    context = parse_event(sample_event(name)).security_context
    assert context is not None
    assert context.risk is not None
    assert context.risk.level == "HIGH"
    assert context.risk.reasons == ["Anomalous Device"]
    assert context.user_behaviors is not None
    assert [b.result for b in context.user_behaviors] == ["NEGATIVE", "POSITIVE"]
    assert context.bot_protection is not None
    assert context.bot_protection.level == "LOW"
    assert context.ip_details is not None
    assert context.ip_details.as_number == 394089


def _catalog_text_descriptions() -> dict[str, str]:
    text = (DATA_DIR / "okta-pki-event-catalog.txt").read_text(encoding="utf-8")
    blocks = re.split(r"\n(pki\.[a-z_.]+)\n\n#\nNamespace", text)
    found = {}
    for name, body in zip(blocks[1::2], blocks[2::2], strict=True):
        match = re.search(r"Description\n\n(.*?)\n\n", body, re.S)
        assert match is not None
        oie = "Only generated on Okta Identity Engine" in body
        found[name] = (match.group(1), oie)
    return {k: v[0] for k, v in found.items()} | {f"{k}#oie": str(v[1]) for k, v in found.items()}


def test_catalog_descriptions_are_oktas_verbatim() -> None:
    parsed = _catalog_text_descriptions()
    originals = [t for t in EVENT_TYPES if t != "pki.ca.scope.mapping.update"]
    assert len(originals) == 14
    for event_type in originals:
        entry = EVENT_MODELS[event_type].catalog
        assert entry.description == parsed[event_type]
        assert str(entry.oie_only) == parsed[f"{event_type}#oie"]
        assert entry.source == "okta-catalog"
    scope = EVENT_MODELS["pki.ca.scope.mapping.update"].catalog
    assert scope.source == "okta-facts"
    assert scope.introduced_in == "2026.07.0"
    assert scope.oie_only is True


def test_catalog_class_data_without_an_instance() -> None:
    issue = EVENT_MODELS["pki.cert.issue"].catalog
    assert issue.legacy_event_type == "core.user_auth.pki.cert.issue"
    assert issue.oie_only is False
    assert issue.subject == "certificate"
    assert EVENT_MODELS["pki.ca.renew"].catalog.introduced_in == "2024.05.1"
    assert EVENT_MODELS["pki.ca.add"].catalog.subject == "certificate_authority"
    crl = PkiCertCrlDownloadFailureEvent.catalog
    assert crl.aliases == ("pki.cert.lifecycle.crl_download_failure",)
    assert EVENT_MODELS["pki.cert.lifecycle.crl_download_failure"] is PkiCertCrlDownloadFailureEvent


def _all_models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for name in ope.__all__:
        obj = getattr(ope, name)
        if isinstance(obj, type) and issubclass(obj, OktaModel) and obj is not OktaModel:
            seen[name] = obj
    return list(seen.values())


@pytest.mark.parametrize("model", _all_models(), ids=lambda m: m.__name__)
def test_every_field_has_a_description_and_every_model_a_docstring(
    model: type[BaseModel],
) -> None:
    assert model.__doc__
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"


def test_models_are_frozen() -> None:
    event = parse_event(pki_fixture("pki.cert.issue"))
    with pytest.raises(ValidationError):
        event.uuid = "other"  # type: ignore[misc]


def test_construct_by_python_names() -> None:
    from okta_pki_events.models import Actor

    actor = Actor(alternate_id="a@example.com", display_name="A")
    assert actor.model_dump(exclude_unset=True) == {
        "alternateId": "a@example.com",
        "displayName": "A",
    }


# The strict unions keep the JSON type a value arrived with, whatever order their members are
# tried in (``Number`` tries float first, the others go left to right, for speed): the
# property tests compare with ``==``, under which 37 == 37.0, so the types are checked here.
_JSON_NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=200, deadline=None)
@given(_JSON_NUMBERS)
def test_a_number_keeps_its_json_type(value: int | float) -> None:
    from okta_pki_events.models import Geolocation

    for geo in (
        Geolocation.model_validate_json(json.dumps({"lat": value, "lon": value})),
        Geolocation.model_validate({"lat": value, "lon": value}),
    ):
        assert type(geo.lat) is type(value)
        assert type(geo.lon) is type(value)
        assert geo.lat == value
        assert geo.lon == value
        assert json.loads(geo.model_dump_json()) == {"lat": value, "lon": value}
    for refused in (True, "1", [1]):
        with pytest.raises(ValidationError):
            Geolocation.model_validate({"lat": refused})


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.text(max_size=8), st.integers(min_value=-(2**70), max_value=2**70)),
    st.one_of(st.lists(st.text(max_size=4), max_size=3), st.text(max_size=8)),
)
def test_a_string_or_integer_keeps_its_json_type(
    value: str | int, reasons: list[str] | str
) -> None:
    from okta_pki_events.models import GeographicalContext, Risk, SecurityContext

    raw = {"asNumber": value, "risk": {"reasons": reasons}}
    for context in (
        SecurityContext.model_validate_json(json.dumps(raw)),
        SecurityContext.model_validate(raw),
    ):
        assert type(context.as_number) is type(value)
        assert context.as_number == value
        assert context.risk is not None
        assert context.risk.reasons == reasons
        assert type(context.risk.reasons) is type(reasons)
    place = GeographicalContext.model_validate_json(json.dumps({"postalCode": value}))
    assert type(place.postal_code) is type(value)
    for refused in (True, 1.5, {"a": 1}):
        with pytest.raises(ValidationError):
            SecurityContext.model_validate({"asNumber": refused})
        with pytest.raises(ValidationError):
            Risk.model_validate({"reasons": refused})

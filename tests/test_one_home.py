"""One home per fact: the catalogue is the source; what must stay written out agrees with it.

Written out because type checkers need them: each model class (its ``Literal`` and its
docstring), ``EventType``, ``KnownPkiEvent``, the group unions and the ``__all__`` lists.
Derived at run time: ``catalog`` on each model, ``EVENT_MODELS``, ``KNOWN_MODELS``, the
``PkiEvent`` dispatch, the type guards' tuples, ``CLASSIFICATIONS``, the schema descriptions.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table

import okta_pki_events
from okta_pki_events import (
    CATALOG,
    CATALOG_BY_ANY_TYPE,
    CLASSIFICATIONS,
    EVENT_MODELS,
    EVENT_TYPES,
    KNOWN_MODELS,
    CaEvent,
    CertificateEvent,
    CertState,
    EventType,
    KnownPkiEvent,
    LifecycleEvent,
    LogEvent,
    Outcome,
    Target,
    build_lifecycles,
    classify,
    is_ca_event,
    is_certificate_event,
    is_lifecycle_event,
    json_schema,
    outcome_status,
    parse_event,
    summarize,
    target_kind,
    to_ecs,
    to_ocsf,
    to_records,
)
from okta_pki_events import models as models_package
from okta_pki_events.cli.summary import format_summary
from okta_pki_events.lifecycle import lifecycles_from
from okta_pki_events.lifecycle._records import succeeded
from okta_pki_events.models import events as events_module
from okta_pki_events.models.vocabulary import OutcomeResult
from okta_pki_events.testing import make_event

from .support import pki_fixture


def class_name(event_type: str) -> str:
    return "Pki" + "".join(p.title() for p in re.split(r"[._]", event_type[4:])) + "Event"


def test_event_type_literal_is_the_catalogue() -> None:
    assert get_args(EventType) == tuple(CATALOG) == EVENT_TYPES


def test_one_model_per_entry_in_catalogue_order() -> None:
    assert get_args(KnownPkiEvent) == KNOWN_MODELS
    assert [m.catalog for m in KNOWN_MODELS] == list(CATALOG.values())
    for model in KNOWN_MODELS:
        entry = model.catalog
        assert get_args(model.model_fields["event_type"].annotation) == (
            entry.event_type,
            *entry.aliases,
        )
        assert model.__name__ == class_name(entry.event_type)
        doc = model.__doc__ or ""
        assert f"``{entry.event_type}``" in doc
        assert " ".join(entry.summary.split()) in " ".join(doc.split())


def test_the_registry_is_derived_from_the_catalogue() -> None:
    assert set(EVENT_MODELS) == set(CATALOG_BY_ANY_TYPE)
    for name, model in EVENT_MODELS.items():
        assert model.catalog is CATALOG_BY_ANY_TYPE[name]


@pytest.mark.parametrize(
    ("union", "wanted"),
    [
        (CertificateEvent, lambda e: e.subject == "certificate"),
        (CaEvent, lambda e: e.subject == "certificate_authority"),
        (LifecycleEvent, lambda e: e.is_lifecycle),
    ],
)
def test_group_unions_agree_with_the_catalogue(union: Any, wanted: Any) -> None:
    assert get_args(union) == tuple(m for m in KNOWN_MODELS if wanted(m.catalog))


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_guards_and_classification_read_the_catalogue(event_type: str) -> None:
    entry = CATALOG[event_type]
    event = parse_event(pki_fixture(event_type))
    assert is_certificate_event(event) == (entry.subject == "certificate")
    assert is_ca_event(event) == (entry.subject == "certificate_authority")
    assert is_lifecycle_event(event) == entry.is_lifecycle
    kind = classify(event_type)
    row = CLASSIFICATIONS[event_type]
    assert (kind.subject, kind.action, kind.lifecycle_effect) == (
        entry.subject,
        entry.action,
        entry.lifecycle_effect,
    )
    assert (row.subject, row.action, row.lifecycle_effect, row.attention) == (
        entry.subject,
        entry.action,
        entry.lifecycle_effect,
        entry.attention,
    )
    assert kind.attention_reason == entry.attention


def test_names_are_exported_at_every_level() -> None:
    model_names = {m.__name__ for m in KNOWN_MODELS}
    assert model_names <= set(events_module.__all__)
    assert set(events_module.__all__) <= set(models_package.__all__)
    assert set(models_package.__all__) <= set(okta_pki_events.__all__)
    assert len(okta_pki_events.__all__) == len(set(okta_pki_events.__all__))


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_schema_describes_each_type_from_its_entry(event_type: str) -> None:
    schema = json_schema(event_type)
    description = schema["properties"]["eventType"]["description"]
    assert event_type in description
    assert CATALOG[event_type].summary in description


# -- one outcome rule, one target-kind rule -----------------------------------------------


@pytest.mark.parametrize("result", [*get_args(OutcomeResult), "PARTIAL", "", None])
def test_the_outcome_rule_is_used_everywhere(result: str | None) -> None:
    expected = (
        None
        if result is None
        else "success"
        if result in ("SUCCESS", "ALLOW")
        else "failure"
        if result in ("FAILURE", "DENY")
        else "unknown"
    )
    assert outcome_status(result) == expected
    outcome = None if result is None else {"result": result}
    event = parse_event(
        {"uuid": "u", "published": "2026-01-01T00:00:00.000Z", "eventType": "pki.cert.issue"}
        | ({"outcome": outcome} if outcome else {})
    )
    assert event.outcome_status == expected
    assert event.is_success == (None if expected is None else expected == "success")
    kind = classify(event)
    assert kind.needs_attention == (expected not in (None, "success"))


def reference_kind(target_type: str | None) -> str | None:
    words = (target_type or "").lower()
    found = [k for k in ("authority", "certificate", "device") if k in words]
    names = {"authority": "certificate_authority", "certificate": "certificate", "device": "device"}
    return names[found[0]] if found else None


TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        ["Certificate", "DeviceCertificate", "Device", "CertificateAuthority", "User", "device "]
    ),
    st.lists(st.sampled_from(["Device", "certificate", "AUTHORITY", "User", " ", "x"])).map(
        "".join
    ),
)


@given(st.lists(TYPES, max_size=5))
def test_the_target_kind_rule_is_used_by_the_accessors(types: list[str | None]) -> None:
    for t in types:
        assert target_kind(t) == reference_kind(t)
        assert Target(type=t).kind == target_kind(t)
    event = LogEvent(
        uuid="u",
        published=make_event("pki.cert.issue").published,
        event_type="x",
        target=[Target(id=str(i), type=t) for i, t in enumerate(types)],
    )
    kinds = [target_kind(t) for t in types]
    first = {k: str(kinds.index(k)) if k in kinds else None for k in ("certificate", "device")}
    assert (event.certificate_target.id if event.certificate_target else None) == first[
        "certificate"
    ]
    assert (event.device_target.id if event.device_target else None) == first["device"]
    assert [t.id for t in event.ca_targets] == [
        str(i) for i, k in enumerate(kinds) if k == "certificate_authority"
    ]


# Every consumer of outcome.result, checked against a plain reference of the one rule: only
# the ASCII case variants of SUCCESS/ALLOW and FAILURE/DENY count (str.lower makes no other
# string equal to them; str.upper and casefold would: "\u017fuccess".upper() == "SUCCESS").
def reference_status(result: str | None) -> str | None:
    if result is None:
        return None
    ascii_upper = result.upper() if result.isascii() else None
    if ascii_upper in ("SUCCESS", "ALLOW"):
        return "success"
    if ascii_upper in ("FAILURE", "DENY"):
        return "failure"
    return "unknown"


def _case_variants(word: str) -> st.SearchStrategy[str]:
    flips = st.lists(st.booleans(), min_size=len(word), max_size=len(word))
    return flips.map(lambda f: "".join(c.lower() if x else c for c, x in zip(word, f, strict=True)))


RESULTS = st.one_of(
    st.none(),
    st.sampled_from(
        [*get_args(OutcomeResult), "", "\u017fuccess", "FA\u0130LURE", "ALLOW ", "Deny\u0307"]
    ),
    st.sampled_from(["SUCCESS", "ALLOW", "FAILURE", "DENY", "SKIPPED"]).flatmap(_case_variants),
    st.text(max_size=10),
)


@settings(max_examples=150, deadline=None)
@given(RESULTS)
def test_every_consumer_reads_outcome_through_the_one_rule(result: str | None) -> None:
    expected = reference_status(result)
    assert outcome_status(result) == expected
    assert Outcome(result=result).status == expected
    revoke = make_event(
        "pki.cert.revoke",
        certificate_id="c1",
        published="2026-01-02T00:00:00.000Z",
        outcome=result,
    )
    line = revoke.model_dump_json(by_alias=True)
    lazy = parse_event(line, lazy=True)
    for event in (revoke, parse_event(line), lazy):
        assert event.outcome_status == expected
        assert event.is_success == (None if expected is None else expected == "success")
    # classification: anything but a success needs attention (an issue needs none by itself)
    issued = classify(make_event("pki.cert.issue", outcome=result))
    assert issued.needs_attention == (expected not in (None, "success"))
    # exports: ECS event.outcome, OCSF status_id, the records' is_success
    assert to_ecs(revoke)["event"]["outcome"] == (expected or "unknown")
    status_id = {"success": 1, "failure": 2}.get(expected or "", 0)
    assert to_ocsf(revoke)["status_id"] == status_id
    assert to_records([revoke])[0]["is_success"] == revoke.is_success
    # the CLI summary paints the rows of failed results red
    tables = [t for t in format_summary(summarize([revoke])) if isinstance(t, Table)]
    outcomes = next(t for t in tables if t.title == "Outcomes")
    assert [row.style for row in outcomes.rows] == ["red" if expected == "failure" else None]
    # the lifecycle applies a revoke only when it succeeded or says nothing
    applied = expected in (None, "success")
    assert succeeded(result) == applied
    issue = make_event("pki.cert.issue", certificate_id="c1", published="2026-01-01T00:00:00.000Z")
    wanted = CertState.REVOKED if applied else CertState.ISSUED
    assert build_lifecycles([issue, revoke]).certificates["c1"].state == wanted
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.ndjson"
        path.write_text(issue.model_dump_json(by_alias=True) + "\n" + line + "\n")
        for check in ("full", "fields"):
            report = lifecycles_from(path, check=check)
            assert report.certificates["c1"].state == wanted

"""One home per fact: the catalogue is the source; what must stay written out agrees with it.

Written out because type checkers need them: each model class (its ``Literal`` and its
docstring), ``EventType``, ``KnownPkiEvent``, the group unions, the ``__all__`` lists and
``models/__init__``'s imports; beside them, two per-type tables outside the models (the
lifecycle's transition table, OCSF's activities). ``drift`` compares each of these places with
the catalogue, and a test changes each place in turn (a type dropped, added, reordered, a
class's ``Literal`` or docstring changed, a stale class left) to show that the check fails.
Derived at run time: ``catalog`` on each model, ``EVENT_MODELS``, ``KNOWN_MODELS``, the
``PkiEvent`` dispatch, the type guards' tuples, ``CLASSIFICATIONS``, the schema descriptions.
Also here: the one outcome rule and the one target-kind rule, and every consumer of each.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field
from rich.table import Table

import okta_pki_events
from okta_pki_events import (
    EVENT_TYPES,
    CaEvent,
    CertificateEvent,
    EventType,
    KnownPkiEvent,
    LifecycleEvent,
    LogEvent,
    build_lifecycles,
    classify,
    is_ca_event,
    is_certificate_event,
    is_lifecycle_event,
    json_schema,
    parse_event,
    summarize,
)
from okta_pki_events import models as models_package
from okta_pki_events.classification import CLASSIFICATIONS
from okta_pki_events.cli.summary import format_summary
from okta_pki_events.export import to_ecs, to_ocsf, to_records
from okta_pki_events.export._ocsf import OCSF_ACTIVITIES
from okta_pki_events.lifecycle import CertState, certificate_key, lifecycles_from, record_of
from okta_pki_events.lifecycle._machine import CERT_EVENT_TYPES
from okta_pki_events.lifecycle._records import succeeded
from okta_pki_events.models import (
    CATALOG,
    CATALOG_BY_ANY_TYPE,
    EVENT_MODELS,
    KNOWN_MODELS,
    BaseKnownPkiEvent,
    CatalogEntry,
    Outcome,
    Target,
    outcome_status,
    target_kind,
)
from okta_pki_events.models import events as events_module
from okta_pki_events.models.vocabulary import OutcomeResult
from okta_pki_events.testing import make_event

from .support import pki_fixture


def class_name(event_type: str) -> str:
    return "Pki" + "".join(p.title() for p in re.split(r"[._]", event_type[4:])) + "Event"


# -- what stays written out, checked against the catalogue ----------------------------------


@dataclass(frozen=True)
class WrittenOut:
    """Every place that names the catalogued types one by one (type checkers need them)."""

    catalog: tuple[CatalogEntry, ...]
    """The source: the catalogue's entries, in order."""
    event_type: tuple[str, ...]
    """``get_args(EventType)``."""
    known: tuple[type[BaseKnownPkiEvent], ...]
    """``get_args(KnownPkiEvent)``: the model classes, in catalogue order."""
    defined: tuple[type[BaseKnownPkiEvent], ...]
    """The model classes bound in ``models.events`` (a stale one must not linger)."""
    certificate: tuple[type[BaseKnownPkiEvent], ...]
    """``get_args(CertificateEvent)``."""
    ca: tuple[type[BaseKnownPkiEvent], ...]
    """``get_args(CaEvent)``."""
    lifecycle: tuple[type[BaseKnownPkiEvent], ...]
    """``get_args(LifecycleEvent)``."""
    events_all: tuple[str, ...]
    """``models.events.__all__``."""
    models_all: tuple[str, ...]
    """``models.__all__``."""
    models_names: frozenset[str]
    """The names ``models/__init__`` binds (its imports)."""
    package_names: frozenset[str]
    """The names ``okta_pki_events`` offers (``dir``: its ``__all__`` and lazy names)."""
    package_all: tuple[str, ...]
    """``okta_pki_events.__all__`` (the curated face)."""
    package_typed: frozenset[str]
    """The names ``okta_pki_events/__init__`` imports for type checkers (``TYPE_CHECKING``)."""
    transitions: frozenset[str]
    """The certificate types of the lifecycle's transition table."""
    ocsf_activities: frozenset[str]
    """The types with an OCSF activity."""


def written_out() -> WrittenOut:
    classes = tuple(
        v
        for v in vars(events_module).values()
        if isinstance(v, type) and issubclass(v, BaseKnownPkiEvent) and v is not BaseKnownPkiEvent
    )
    return WrittenOut(
        catalog=tuple(CATALOG.values()),
        event_type=get_args(EventType),
        known=get_args(KnownPkiEvent),
        defined=classes,
        certificate=get_args(CertificateEvent),
        ca=get_args(CaEvent),
        lifecycle=get_args(LifecycleEvent),
        events_all=tuple(events_module.__all__),
        models_all=tuple(models_package.__all__),
        models_names=frozenset(vars(models_package)),
        package_names=frozenset(dir(okta_pki_events)),
        package_all=tuple(okta_pki_events.__all__),
        package_typed=typed_imports(Path(okta_pki_events.__file__)),
        transitions=frozenset(CERT_EVENT_TYPES),
        ocsf_activities=frozenset(OCSF_ACTIVITIES),
    )


def typed_imports(init: Path) -> frozenset[str]:
    """The names a module binds under ``if TYPE_CHECKING:`` (what type checkers read)."""
    names: set[str] = set()
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    names.update(a.asname or a.name for a in inner.names)
    return frozenset(names)


def literal_of(model: type[BaseKnownPkiEvent]) -> tuple[str, ...]:
    return get_args(model.model_fields["event_type"].annotation)


def drift(w: WrittenOut) -> list[str]:
    """What disagrees with the catalogue, one line per place and problem (empty: none)."""
    problems: list[str] = []
    types = tuple(e.event_type for e in w.catalog)
    by_type = {name: e for e in w.catalog for name in (e.event_type, *e.aliases)}
    if w.event_type != types:
        differ = sorted(set(w.event_type) ^ set(types)) or "the order"
        problems.append(f"EventType: differs from the catalogue in {differ}")
    if tuple(literal_of(m)[:1] for m in w.known) != tuple((t,) for t in types):
        problems.append("KnownPkiEvent: not one model per entry, in catalogue order")
    for model in w.known:
        names = literal_of(model)
        entry = by_type.get(names[0]) if names else None
        if entry is None:
            problems.append(f"{model.__name__}: its Literal {names} is not catalogued")
            continue
        if names != (entry.event_type, *entry.aliases):
            problems.append(f"{model.__name__}: Literal {names} is not the entry's types")
        if model.__name__ != class_name(entry.event_type):
            problems.append(f"{model.__name__}: not named after {entry.event_type}")
        doc = " ".join((model.__doc__ or "").split())
        if f"``{entry.event_type}``" not in doc or " ".join(entry.summary.split()) not in doc:
            problems.append(f"{model.__name__}: its docstring is not the entry's summary")
    if set(w.defined) != set(w.known):
        stale = sorted(m.__name__ for m in set(w.defined) ^ set(w.known))
        problems.append(f"models.events defines models outside KnownPkiEvent: {stale}")
    groups: dict[str, tuple[tuple[type[BaseKnownPkiEvent], ...], Callable[[CatalogEntry], bool]]]
    groups = {
        "CertificateEvent": (w.certificate, lambda e: e.subject == "certificate"),
        "CaEvent": (w.ca, lambda e: e.subject == "certificate_authority"),
        "LifecycleEvent": (w.lifecycle, lambda e: e.is_lifecycle),
    }
    for group, (members, wanted) in groups.items():
        entries = [(m, by_type.get(literal_of(m)[0])) for m in w.known]
        expected = tuple(m for m, e in entries if e is not None and wanted(e))
        if members != expected:
            problems.append(f"{group}: {[m.__name__ for m in members]} is not the catalogue's")
    class_names = {m.__name__ for m in w.known}
    for place, offered in (
        ("models.events.__all__", set(w.events_all)),
        ("models.__all__", set(w.models_all)),
        ("models/__init__ imports", set(w.models_names)),
        ("okta_pki_events names", set(w.package_names)),
        ("okta_pki_events.__all__", set(w.package_all)),
        ("okta_pki_events TYPE_CHECKING imports", set(w.package_typed)),
    ):
        if not class_names <= offered:
            problems.append(f"{place}: misses {sorted(class_names - offered)}")
    unbound = sorted(set(w.models_all) - w.models_names)
    if unbound:
        problems.append(f"models.__all__ names what models/__init__ does not import: {unbound}")
    certificate_types = {
        name
        for name, e in by_type.items()
        if e.subject == "certificate" and e.action != "crl_download_failure"
    }
    if w.transitions != certificate_types:
        problems.append(f"lifecycle TRANSITIONS: {sorted(w.transitions ^ certificate_types)}")
    if not set(types) <= w.ocsf_activities <= set(by_type):
        problems.append(f"OCSF_ACTIVITIES: {sorted(w.ocsf_activities ^ set(types))}")
    return problems


def test_every_written_out_place_agrees_with_the_catalogue() -> None:
    assert drift(written_out()) == []
    assert tuple(CATALOG) == EVENT_TYPES
    assert get_args(KnownPkiEvent) == KNOWN_MODELS


class PkiCertIssuedEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.issued`` event (a type the catalogue does not have)."""

    event_type: Literal["pki.cert.issued"] = Field(description="Not catalogued.")


class PkiCertIssueEvent(BaseKnownPkiEvent):  # the real name and docstring, another Literal
    """Model of the ``pki.cert.issue`` event.

    A Device Trust certificate was issued.
    """

    event_type: Literal["pki.cert.issue", "pki.cert.issue.v2"] = Field(description="Drifted.")


class PkiCertBindEvent(BaseKnownPkiEvent):  # the right Literal, a stale docstring
    """Model of the ``pki.cert.bind`` event.

    A certificate was tied to a device.
    """

    event_type: Literal["pki.cert.bind"] = Field(description="Drifted.")


def _drop(items: tuple[Any, ...], index: int = -1) -> tuple[Any, ...]:
    kept = list(items)
    del kept[index]
    return tuple(kept)


def _swap_in(items: tuple[Any, ...], new: Any) -> tuple[Any, ...]:
    return tuple(new if m.__name__ == new.__name__ else m for m in items)


NEW_ENTRY = CatalogEntry(
    event_type="pki.cert.future",
    summary="A future type.",
    description="Not yet.",
    subject="certificate",
    action="issue",
    lifecycle_effect="-> ISSUED",
)
# Each drift: the place it should be reported at, and the change (fields of ``WrittenOut``).
_DRIFTS: dict[str, tuple[str, Callable[[WrittenOut], dict[str, Any]]]] = {
    "a type added to the catalogue only": (
        "EventType",
        lambda w: {"catalog": (*w.catalog, NEW_ENTRY)},
    ),
    "EventType misses a type": ("EventType", lambda w: {"event_type": _drop(w.event_type)}),
    "EventType out of order": (
        "EventType",
        lambda w: {"event_type": (*w.event_type[1:], w.event_type[0])},
    ),
    "EventType has an extra type": (
        "EventType",
        lambda w: {"event_type": (*w.event_type, "pki.cert.issued")},
    ),
    "KnownPkiEvent misses a model": ("KnownPkiEvent", lambda w: {"known": _drop(w.known, 3)}),
    "KnownPkiEvent out of order": (
        "KnownPkiEvent",
        lambda w: {"known": (*w.known[1:], w.known[0])},
    ),
    "KnownPkiEvent has an uncatalogued model": (
        "KnownPkiEvent",
        lambda w: {"known": (*w.known, PkiCertIssuedEvent)},
    ),
    "a class's Literal drifted": (
        "PkiCertIssueEvent: Literal",
        lambda w: {"known": _swap_in(w.known, PkiCertIssueEvent)},
    ),
    "a class's docstring drifted": (
        "PkiCertBindEvent: its docstring",
        lambda w: {"known": _swap_in(w.known, PkiCertBindEvent)},
    ),
    "a stale class left in models.events": (
        "models.events defines",
        lambda w: {"defined": (*w.defined, PkiCertIssuedEvent)},
    ),
    "CertificateEvent misses a model": (
        "CertificateEvent",
        lambda w: {"certificate": _drop(w.certificate)},
    ),
    "CertificateEvent has a CA model": (
        "CertificateEvent",
        lambda w: {"certificate": (*w.certificate, w.ca[0])},
    ),
    "CaEvent misses a model": ("CaEvent", lambda w: {"ca": _drop(w.ca, 0)}),
    "LifecycleEvent misses a model": (
        "LifecycleEvent",
        lambda w: {"lifecycle": _drop(w.lifecycle)},
    ),
    "models.events.__all__ misses a class": (
        "models.events.__all__",
        lambda w: {"events_all": tuple(n for n in w.events_all if n != "PkiCertRenewEvent")},
    ),
    "models.__all__ misses a class": (
        "models.__all__",
        lambda w: {"models_all": tuple(n for n in w.models_all if n != "PkiCaDeleteEvent")},
    ),
    "models/__init__ does not import a class": (
        "models/__init__ imports",
        lambda w: {"models_names": w.models_names - {"PkiCertIssueEvent"}},
    ),
    "okta_pki_events does not offer a class": (
        "okta_pki_events names",
        lambda w: {"package_names": w.package_names - {"PkiCertRevokeEvent"}},
    ),
    "okta_pki_events.__all__ misses a class": (
        "okta_pki_events.__all__",
        lambda w: {"package_all": tuple(n for n in w.package_all if n != "PkiCaRenewEvent")},
    ),
    "okta_pki_events does not import a class for type checkers": (
        "okta_pki_events TYPE_CHECKING imports",
        lambda w: {"package_typed": w.package_typed - {"PkiCertLifecycleHoldEvent"}},
    ),
    "the transition table misses a type": (
        "lifecycle TRANSITIONS",
        lambda w: {"transitions": w.transitions - {"pki.cert.renew"}},
    ),
    "OCSF_ACTIVITIES misses a type": (
        "OCSF_ACTIVITIES",
        lambda w: {"ocsf_activities": w.ocsf_activities - {"pki.ca.renew"}},
    ),
}


@pytest.mark.parametrize("change", list(_DRIFTS))
def test_the_check_fails_when_any_written_out_place_drifts(change: str) -> None:
    place, mutate = _DRIFTS[change]
    actual = written_out()
    problems = drift(dataclasses.replace(actual, **mutate(actual)))
    assert any(p.startswith(place) for p in problems), (change, problems)


def test_the_registry_is_derived_from_the_catalogue() -> None:
    assert set(EVENT_MODELS) == set(CATALOG_BY_ANY_TYPE)
    for name, model in EVENT_MODELS.items():
        assert model.catalog is CATALOG_BY_ANY_TYPE[name]


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


@settings(max_examples=60, deadline=None)
@given(st.lists(TYPES, max_size=5))
def test_the_target_kind_rule_is_used_by_the_lifecycle_and_the_exports(
    types: list[str | None],
) -> None:
    kinds = [target_kind(t) for t in types]
    first = {k: f"t{kinds.index(k)}" if k in kinds else None for k in ("certificate", "device")}
    targets = [{"id": f"t{i}", "type": t} for i, t in enumerate(types)]
    bind = make_event("pki.cert.bind", published="2026-01-01T00:00:00.000Z", target=targets)
    # the lifecycle: the certificate key and the device, from the models and from the line
    record = record_of(bind)
    assert record is not None
    assert (record.key, record.device_id) == (first["certificate"], first["device"])
    assert certificate_key(bind) == first["certificate"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.ndjson"
        path.write_text(bind.model_dump_json() + "\n")
        for check in ("full", "fields"):
            report = lifecycles_from(path, check=check)
            assert list(report.certificates) == [k for k in [first["certificate"]] if k]
    # the exports: the records' target columns, OCSF's device
    row = to_records([bind])[0]
    assert (row["target.certificate.id"], row["target.device.id"]) == (
        first["certificate"],
        first["device"],
    )
    cas = [f"t{i}" for i, k in enumerate(kinds) if k == "certificate_authority"]
    assert row["target.ca.id"] == (cas[0] if cas else None)
    device = to_ocsf(bind).get("device")
    assert (device or {}).get("uid") == first["device"]


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

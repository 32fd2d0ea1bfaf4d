"""Public objects say the path users import them from, and the change breaks no tool."""

from __future__ import annotations

import importlib
import inspect
import pickle
import typing
from collections.abc import Iterator
from typing import Any

import pytest

import okta_pki_events
from scripts.docs_hooks import reference_plan

# Kept in their private modules: their type hints name what only that module imports (a
# TypeVar, typing names), which typing.get_type_hints could no longer find from a public one.
PRIVATE_ON_PURPOSE = {"okta_pki_events.Record", "okta_pki_events.testing.FakeOkta"}


def _public_objects() -> Iterator[tuple[str, Any]]:
    for _, identifiers in reference_plan().values():
        for identifier in identifiers:
            module, name = identifier.rsplit(".", 1)
            obj = getattr(importlib.import_module(module), name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield identifier, obj


PUBLIC = sorted(_public_objects(), key=lambda item: item[0])


def test_there_are_public_objects_to_check() -> None:
    assert len(PUBLIC) > 150


@pytest.mark.parametrize(("identifier", "obj"), PUBLIC, ids=[i for i, _ in PUBLIC])
def test_a_public_object_names_a_public_module_that_gives_it_back(
    identifier: str, obj: Any
) -> None:
    if identifier in PRIVATE_ON_PURPOSE:
        return
    module = obj.__module__
    if not module.startswith("okta_pki_events"):
        return  # a re-exported name of another library
    assert not [p for p in module.split(".") if p.startswith("_")], f"{identifier}: {module}"
    assert getattr(importlib.import_module(module), obj.__qualname__) is obj


@pytest.mark.parametrize(
    "name",
    [
        "EventStream",
        "RecordStream",
        "ParseFailure",
        "RecordError",
        "SourceError",
        "StreamStats",
        "UnknownEventTypeError",
        "OktaModel",
        "WireDatetime",
        "LogEvent",
        "PkiCertIssueEvent",
    ],
)
def test_type_hints_still_resolve(name: str) -> None:
    assert isinstance(typing.get_type_hints(getattr(okta_pki_events, name)), dict)


def test_errors_and_values_read_with_their_public_path() -> None:
    from okta_pki_events import RecordError, WireDatetime, parse_event

    assert repr(RecordError).startswith("<class 'okta_pki_events.RecordError'")
    event = parse_event(
        '{"uuid": "u", "published": "2024-08-13T17:58:20.35+02:00", "eventType": "pki.cert.issue"}'
    )
    assert isinstance(event.published, WireDatetime)
    copy = pickle.loads(pickle.dumps(event))
    assert copy == event
    assert copy.published.wire_text == "2024-08-13T17:58:20.35+02:00"

"""Public objects say the path users import them from, and the change breaks no tool."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import typing
from collections.abc import Iterator
from typing import Any

import pytest

import okta_pki_events
from scripts.docs_hooks import reference_plan


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
    module = obj.__module__
    if not module.startswith("okta_pki_events"):
        return  # a re-exported name of another library
    assert not [p for p in module.split(".") if p.startswith("_")], f"{identifier}: {module}"
    assert getattr(importlib.import_module(module), obj.__qualname__) is obj


@pytest.mark.parametrize(
    "name",
    [
        "EventStream",
        "Record",
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
    home = okta_pki_events if name in okta_pki_events.__all__ else okta_pki_events.models
    assert isinstance(typing.get_type_hints(getattr(home, name)), dict)


def test_errors_and_values_read_with_their_public_path() -> None:
    from okta_pki_events import RecordError, parse_event
    from okta_pki_events.models import WireDatetime

    assert repr(RecordError).startswith("<class 'okta_pki_events.RecordError'")
    event = parse_event(
        '{"uuid": "u", "published": "2024-08-13T17:58:20.35+02:00", "eventType": "pki.cert.issue"}'
    )
    assert isinstance(event.published, WireDatetime)
    copy = pickle.loads(pickle.dumps(event))
    assert copy == event
    assert copy.published.wire_text == "2024-08-13T17:58:20.35+02:00"


def _public_modules() -> list[str]:
    """Every module users may import: no part of its path starts with an underscore."""
    found = ["okta_pki_events"]
    for info in pkgutil.walk_packages(okta_pki_events.__path__, "okta_pki_events."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return sorted(found)


PUBLIC_MODULES = _public_modules()


def test_the_walk_finds_the_public_modules() -> None:
    assert {"okta_pki_events.models", "okta_pki_events.lifecycle", "okta_pki_events.cli"} <= set(
        PUBLIC_MODULES
    )
    assert not [m for m in PUBLIC_MODULES if "._" in m]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_name_a_public_module_exports_says_a_public_module(module_name: str) -> None:
    """Each class and function of ``__all__``: its ``__module__`` is public and exports it."""
    module = importlib.import_module(module_name)
    wrong = []
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue  # constants, type aliases: no module of their own
        home = obj.__module__
        if not home.startswith("okta_pki_events"):
            continue  # a re-exported name of another library
        if any(part.startswith("_") for part in home.split(".")):
            wrong.append(f"{name}: {home}")
        elif name not in getattr(importlib.import_module(home), "__all__", ()):
            wrong.append(f"{name}: {home} does not export it")
        elif getattr(importlib.import_module(home), obj.__qualname__) is not obj:
            wrong.append(f"{name}: {home}.{obj.__qualname__} is another object")
    assert not wrong


def test_stream_record_hints_resolve_from_its_public_path() -> None:
    from pydantic import TypeAdapter

    from okta_pki_events import PkiCertIssueEvent, PkiEvent, Record
    from okta_pki_events.testing import make_event

    assert repr(Record).startswith("<class 'okta_pki_events.Record'")
    hints = {"event", "envelope", "line", "index", "source", "envelopes", "positions"}
    assert set(typing.get_type_hints(Record)) == hints
    record = Record(event=make_event("pki.cert.issue"), envelope=None, line=3, index=None)
    copy = TypeAdapter(Record[PkiEvent]).validate_python(record)
    assert isinstance(copy.event, PkiCertIssueEvent)
    assert copy.line == 3


def test_lifecycle_record_is_the_lifecycles_name_and_the_old_one_warns() -> None:
    from okta_pki_events import Record, lifecycle

    assert "Record" not in lifecycle.__all__
    assert lifecycle.LifecycleRecord.__module__ == "okta_pki_events.lifecycle"
    with pytest.warns(DeprecationWarning, match="LifecycleRecord"):
        old = lifecycle.Record
    assert old is lifecycle.LifecycleRecord
    assert Record.__name__ == "Record"
    assert Record.__module__ == "okta_pki_events"

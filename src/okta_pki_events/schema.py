"""JSON Schema (Draft 2020-12) export of the PKI event models."""

from __future__ import annotations

import copy
from functools import cache
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from .models.events import EVENT_MODELS, EVENT_TYPES, KnownPkiEvent, UnknownPkiEvent

__all__ = ["SCHEMA_DIALECT", "SCHEMA_ID", "json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of every exported schema."""

SCHEMA_ID = "https://okta-pki-events.invalid/schemas/okta-pki-events.schema.json"
"""The ``$id`` of the union schema."""


@cache
def _union_schema() -> dict[str, Any]:
    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[KnownPkiEvent, Field(discriminator="event_type")]
    )
    schema = adapter.json_schema(by_alias=True, mode="validation")
    defs = schema.setdefault("$defs", {})
    unknown = UnknownPkiEvent.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    defs.update(unknown.pop("$defs", {}))
    unknown["properties"]["eventType"] = {
        "description": "A pki.* event type that is not one of the catalogued types.",
        "title": "Eventtype",
        "type": "string",
        "pattern": r"^pki\.",
        "not": {"enum": sorted(EVENT_MODELS)},
    }
    defs["UnknownPkiEvent"] = unknown
    schema["oneOf"].append({"$ref": "#/$defs/UnknownPkiEvent"})
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Okta PKI System Log event",
        "description": (
            "Any Okta System Log event of the pki.* family: one schema per catalogued event "
            "type, selected by eventType, and a fallback for pki.* types added later. Objects "
            "are open: unknown properties are allowed."
        ),
        **schema,
    }


@cache
def _event_schema(event_type: str) -> dict[str, Any]:
    model = EVENT_MODELS[event_type]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema}


def json_schema(event_type: str | None = None) -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of the PKI events, or of one event type.

    Without an argument: the union of every PKI event, a ``oneOf`` whose ``discriminator``
    maps each catalogued ``eventType`` to its schema, plus a fallback for other ``pki.*``
    types. With an event type (canonical or alias): that event's schema. Objects stay open to
    additional properties, and every property has a description. A fresh copy is returned.

    Raises:
        KeyError: ``event_type`` is not a catalogued PKI event type. (A ``LookupError``: the
            message lists the known types.)

    """
    if event_type is None:
        return copy.deepcopy(_union_schema())
    if event_type not in EVENT_MODELS:
        raise KeyError(f"unknown PKI event type {event_type!r}; known: {', '.join(EVENT_TYPES)}")
    return copy.deepcopy(_event_schema(event_type))

"""JSON Schema (Draft 2020-12) export of the PKI event models.

The union schema serves two kinds of reader at once:

- generic validators (``jsonschema``, ajv, ...) follow an ``if``/``then`` rule per
  ``eventType``, so an error names the field that is wrong, not "not valid under any of the
  given schemas";
- code generators (datamodel-code-generator, ...) read an ``anyOf`` of the catalogued types
  (a ``oneOf`` with an OpenAPI-style ``discriminator``) and, outside that discriminated
  part, the generic ``UnknownPkiEvent``, so generated models accept ``pki.*`` types added later.

Titles are words (``Alternate Id``, not ``Alternateid``), descriptions are plain text (the
models' reST markup is removed here, not in the models), and each closed vocabulary inside an
open one is a named definition (``OutcomeResult``, not ``Result``).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from .models._timestamp import PUBLISHED_PATTERN
from .models.events import (
    EVENT_MODELS,
    EVENT_TYPES,
    KNOWN_MODELS,
    BasePkiEvent,
    UnknownPkiEvent,
)

__all__ = ["CALENDAR_DATE_PATTERN", "SCHEMA_DIALECT", "SCHEMA_ID", "json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of every exported schema."""

SCHEMA_ID = "https://okta-pki-events.invalid/schemas/okta-pki-events.schema.json"
"""The ``$id`` of the union schema."""

_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
CALENDAR_DATE_PATTERN = (
    rf"^(?:{_LEAP_YEAR}-02-29|[0-9]{{4}}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8])))"
)
"""The date at the start of a timestamp is one the calendar has (``2023-02-29`` is not).

``PUBLISHED_PATTERN`` states the grammar; this second pattern, added beside it in the schema,
refuses the days a month lacks, leap years included, as the parser does.
"""

_REF = "#/$defs/{model}"
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_REST_LITERAL = re.compile(r"``(.+?)``")
_REST_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_SOFT_BREAK = re.compile(r"(?<!\n)\n(?!\n)\s*")


class _Generator(GenerateJsonSchema):
    """Pydantic's generator with titles made from the wire name's words."""

    def get_title_from_name(self, name: str) -> str:
        """``alternateId`` -> ``Alternate Id`` (pydantic would give ``Alternateid``)."""
        words = _WORD_BOUNDARY.sub(" ", name).replace("_", " ").split()
        return " ".join(word[:1].upper() + word[1:] for word in words)


def plain_text(description: str) -> str:
    r"""A docstring or field description as plain text: no reST markup, no hard wraps.

    >>> plain_text("The actor (``actor``), see :class:`Target`.\n  Kept as sent.")
    'The actor (actor), see Target. Kept as sent.'
    """
    text = _REST_ROLE.sub(r"\1", _REST_LITERAL.sub(r"\1", description))
    return _SOFT_BREAK.sub(" ", text).strip()


def _plain_descriptions(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = plain_text(value)
            else:
                _plain_descriptions(value)
    elif isinstance(node, list):
        for item in node:
            _plain_descriptions(item)


_EVENT_MODELS: tuple[type[BasePkiEvent], ...] = (*KNOWN_MODELS, UnknownPkiEvent)
_EVENT_MODEL_NAMES = frozenset(m.__name__ for m in _EVENT_MODELS)


def _vocabulary_name(model_name: str, prop: str, body: dict[str, Any]) -> str:
    """``CredentialProvider`` as it is; ``Result`` of ``Outcome``: ``OutcomeResult``."""
    words = str(body.get("title", prop)).split()
    if model_name in _EVENT_MODEL_NAMES:
        return model_name + "Type" if prop == "eventType" else "".join(words)
    return "".join(words) if len(words) > 1 else model_name + "".join(words)


def _name_vocabularies(defs: dict[str, Any]) -> None:
    """Move each inline ``enum`` of a model's property into ``$defs`` under a real name.

    Code generators otherwise name an inline enum after the property alone (``Result``,
    ``Level``, ``Type``). A one-word property takes its model's name in front
    (``OutcomeResult``); a vocabulary met again (same values) reuses the first name.
    """
    by_values: dict[tuple[Any, ...], str] = {}
    for model_name in sorted(defs):
        for prop, body in sorted(defs[model_name].get("properties", {}).items()):
            inline = "anyOf" not in body
            branches: list[dict[str, Any]] = [body] if inline else body["anyOf"]
            for index, branch in enumerate(branches):
                values = branch.get("enum")
                if not values or len(values) < 2:
                    continue
                name = by_values.get(tuple(values))
                if name is None:
                    name = _vocabulary_name(model_name, prop, body)
                    if name in defs:
                        name = model_name + name
                    by_values[tuple(values)] = name
                    defs[name] = {
                        "title": name,
                        "description": f"The values of {model_name}.{prop} that Okta documents.",
                        "type": branch.get("type", "string"),
                        "enum": values,
                    }
                ref = {"$ref": _REF.format(model=name)}
                if inline:
                    del body["enum"]
                    body.pop("type", None)
                    body.update(ref)
                else:
                    branches[index] = ref


def _calendar_dates(node: Any) -> None:
    """Beside each ``PUBLISHED_PATTERN``, the calendar's own rule (a schema has one pattern)."""
    if isinstance(node, dict):
        if node.get("pattern") == PUBLISHED_PATTERN:
            node["allOf"] = [{"pattern": CALENDAR_DATE_PATTERN}]
        for value in node.values():
            _calendar_dates(value)
    elif isinstance(node, list):
        for item in node:
            _calendar_dates(item)


def _polish(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs", {})
    _name_vocabularies(defs)
    _calendar_dates(schema)
    _plain_descriptions(schema)
    return schema


def _event_type_is(values: list[str]) -> dict[str, Any]:
    return {"properties": {"eventType": {"enum": values}}, "required": ["eventType"]}


@cache
def _union_schema() -> dict[str, Any]:
    _, top = models_json_schema(
        [(model, "validation") for model in _EVENT_MODELS],
        by_alias=True,
        ref_template=_REF,
        schema_generator=_Generator,
    )
    defs: dict[str, Any] = top["$defs"]
    unknown = defs["UnknownPkiEvent"]
    unknown["properties"]["eventType"] = {
        "title": "Event Type",
        "description": (
            "Type of the event: any pki.* type. Catalogued types are also checked against "
            "their own schema."
        ),
        "type": "string",
        "pattern": r"^pki\.",
    }
    unknown["description"] = (
        "A pki.* event of a type this version does not catalogue (and the shape every pki.* "
        "event shares). Everything is kept; upgrade to get a typed model."
    )
    known = sorted(EVENT_MODELS)
    ref_of = {t: _REF.format(model=model.__name__) for t, model in EVENT_MODELS.items()}
    by_type = [
        {
            "if": _event_type_is(sorted(t for t, m in EVENT_MODELS.items() if m is model)),
            "then": {"$ref": _REF.format(model=model.__name__)},
        }
        for model in KNOWN_MODELS
    ]
    fallback = {"if": _event_type_is(known), "else": {"$ref": _REF.format(model="UnknownPkiEvent")}}
    return _polish(
        {
            "$schema": SCHEMA_DIALECT,
            "$id": SCHEMA_ID,
            "title": "Okta PKI System Log event",
            "description": (
                "Any Okta System Log event of the pki.* family. Validators: one if/then rule "
                "per catalogued eventType checks the event against that type's schema, and "
                "any other pki.* type against UnknownPkiEvent. Code generators: an anyOf of "
                "the catalogued types (discriminated on eventType) and, outside it, "
                "UnknownPkiEvent for pki.* types added later. Objects are open: unknown "
                "properties are allowed."
            ),
            "type": "object",
            "anyOf": [
                {
                    "oneOf": [{"$ref": _REF.format(model=m.__name__)} for m in KNOWN_MODELS],
                    "discriminator": {"propertyName": "eventType", "mapping": ref_of},
                },
                {"$ref": _REF.format(model="UnknownPkiEvent")},
            ],
            "allOf": [*by_type, fallback],
            "$defs": defs,
        }
    )


@cache
def _event_schema(event_type: str) -> dict[str, Any]:
    model = EVENT_MODELS[event_type]
    schema = model.model_json_schema(
        by_alias=True, mode="validation", ref_template=_REF, schema_generator=_Generator
    )
    return _polish({"$schema": SCHEMA_DIALECT, **schema})


def json_schema(event_type: str | None = None) -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of the PKI events, or of one event type.

    Without an argument: the union of every ``pki.*`` event. Validators check each catalogued
    ``eventType`` against its own schema through ``if``/``then`` rules (so errors name the
    field) and any other ``pki.*`` type against ``UnknownPkiEvent``; code generators read an
    ``anyOf`` of the catalogued types (a ``oneOf`` with a ``discriminator``) and the fallback
    beside it, so generated models accept types Okta adds later. With an event type
    (canonical or alias): that event's schema. Objects stay open to additional properties,
    every property has a description, and a fresh copy is returned.

    Raises:
        KeyError: ``event_type`` is not a catalogued PKI event type. (A ``LookupError``: the
            message lists the known types.)

    """
    if event_type is None:
        return copy.deepcopy(_union_schema())
    if event_type not in EVENT_MODELS:
        raise KeyError(f"unknown PKI event type {event_type!r}; known: {', '.join(EVENT_TYPES)}")
    return copy.deepcopy(_event_schema(event_type))

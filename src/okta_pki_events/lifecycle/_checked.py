"""The models' own validation, without the models: what ``lifecycles_from`` checks a line with.

``parse_event`` builds 17 model instances per event; the lifecycle reads seven fields of
them. ``dict_schema`` rebuilds a model's pydantic-core schema with every ``model`` node
turned into a ``typed-dict`` node holding the same fields, the same field schemas (types,
strict unions, the ``published`` grammar, field validators) and the same aliases. Such a
validator accepts exactly the JSON text the models accept and refuses exactly what they
refuse, with the same errors, but gives plain dicts (keyed by the Python field names) and
builds nothing for what no field declares:

- a model's unknown keys (``extra="allow"`` keeps any value: there is nothing to check)
  and the values of free-form objects (``dict[str, Any]``: any JSON object) are skipped, not
  built;
- an absent optional field is absent from the dict (its default is not filled in).

``check_event`` dispatches on ``eventType`` as ``parse_event`` does for JSON text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Literal, Optional, Union, cast

from pydantic_core import CoreSchema, SchemaValidator, core_schema

from ..models.events import EVENT_MODELS
from ..models.log_event import LogEvent

__all__ = ["check_event", "dict_schema", "fast_check", "mirror_of"]

_PLAIN = frozenset(
    {
        "any",
        "bool",
        "chain",
        "datetime",
        "float",
        "function-after",
        "function-before",
        "function-plain",
        "int",
        "json-or-python",
        "list",
        "literal",
        "none",
        "nullable",
        "str",
        "tagged-union",
        "union",
    }
)
"""Schema nodes that validate a value by itself (no model instance involved): kept as they are."""


def dict_schema(schema: Mapping[str, Any]) -> CoreSchema:
    """``schema`` with every model node a ``typed-dict`` of the same fields (see the module).

    Raises ``TypeError`` for a node this rewrite does not know to be equivalent (a model
    validator, a root model, ``model_post_init``, ...): extend it knowingly, never silently.
    """
    kind = schema.get("type")
    if kind == "model":
        return _model(schema)
    if kind == "dict" and _free_form(schema):
        # any JSON object: keys are strings in JSON, values anything; nothing to build
        return core_schema.typed_dict_schema({}, extra_behavior="ignore")
    if kind == "function-after" and schema["schema"].get("type") == "model":
        # a model validator, or a field validator given a model instance: not a dict's job
        raise TypeError(
            f"dict_schema does not know validators of model {schema['schema']['cls']!r}"
        )
    if kind == "default" or kind in _PLAIN or kind == "dict":
        kept = {
            key: value if key == "function" else _rewrite(value) for key, value in _kept(schema)
        }
        return cast("CoreSchema", kept)
    raise TypeError(f"dict_schema does not know schema nodes of type {kind!r}")


def _kept(schema: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in schema.items() if k not in ("metadata", "serialization", "ref")]


def _rewrite(value: Any) -> Any:
    if isinstance(value, Mapping) and isinstance(value.get("type"), str):
        return dict_schema(value)
    if isinstance(value, list):
        return [_rewrite(item) for item in value]
    if isinstance(value, Mapping):  # e.g. a tagged union's choices
        return {key: _rewrite(item) for key, item in value.items()}
    return value


def _free_form(schema: Mapping[str, Any]) -> bool:
    keys, values = schema.get("keys_schema"), schema.get("values_schema")
    plain = set(schema) <= {"type", "keys_schema", "values_schema", "metadata", "serialization"}
    return (
        plain
        and isinstance(keys, Mapping)
        and dict(keys) == {"type": "str"}
        and isinstance(values, Mapping)
        and dict(values) == {"type": "any"}
    )


def _model(schema: Mapping[str, Any]) -> CoreSchema:
    known = {"type", "cls", "schema", "custom_init", "root_model", "config", "ref", "metadata"}
    inner = schema["schema"]
    if set(schema) - known or schema.get("custom_init") or schema.get("root_model"):
        raise TypeError(f"dict_schema cannot rewrite model {schema.get('cls')!r}")
    if inner.get("type") != "model-fields" or inner.get("computed_fields"):
        raise TypeError(f"dict_schema cannot rewrite the fields of {schema.get('cls')!r}")
    if set(inner) - {"type", "fields", "model_name", "computed_fields"}:
        raise TypeError(f"dict_schema cannot rewrite the fields of {schema.get('cls')!r}")
    config = schema.get("config") or {}
    extra = config.get("extra_fields_behavior", "ignore")
    fields: dict[str, core_schema.TypedDictField] = {}
    for name, field in inner["fields"].items():
        if set(field) - {"type", "schema", "metadata", "validation_alias", "serialization_alias"}:
            raise TypeError(f"dict_schema cannot rewrite field {name!r} of {schema.get('cls')!r}")
        value = field["schema"]
        required = value["type"] != "default"
        if not required:
            if set(value) != {"type", "schema", "default"}:  # on_error, validate_default, ...
                raise TypeError(f"dict_schema cannot rewrite the default of field {name!r}")
            value = value["schema"]  # an absent field stays absent: its default is not checked
        fields[name] = core_schema.typed_dict_field(
            dict_schema(value), required=required, validation_alias=field.get("validation_alias")
        )
    return core_schema.typed_dict_schema(
        fields,
        # unknown keys: "allow" keeps any value (nothing to check), so they are skipped
        extra_behavior="ignore" if extra in ("allow", "ignore") else extra,
        config=core_schema.CoreConfig(
            validate_by_alias=config.get("validate_by_alias", True),
            validate_by_name=config.get("validate_by_name", False),
        ),
    )


def _outside_the_catalogue(event_type: str) -> str:
    if event_type in EVENT_MODELS:
        raise ValueError("a catalogued type, which its own model refused")
    return event_type


def _generic() -> CoreSchema:
    """``LogEvent`` as dicts, for an ``eventType`` outside the catalogue only."""
    schema = dict_schema(LogEvent.__pydantic_core_schema__)
    assert schema["type"] == "typed-dict"
    field = schema["fields"]["event_type"]
    field["schema"] = core_schema.no_info_after_validator_function(
        _outside_the_catalogue, field["schema"]
    )
    return schema


_SCHEMA = core_schema.union_schema(
    [
        core_schema.tagged_union_schema(
            {
                name: dict_schema(model.__pydantic_core_schema__)
                for name, model in EVENT_MODELS.items()
            },
            discriminator="eventType",
        ),
        _generic(),
    ],
    mode="left_to_right",
)

check_event: Callable[[str | bytes | bytearray], dict[str, Any]] = partial(
    # no string cache: its lookups cost more than they save on values that seldom repeat
    # (uuids, ids, addresses; 2026-11-26: 7.0 against 7.6 us a line), and nothing keeps them
    SchemaValidator(_SCHEMA, core_schema.CoreConfig(cache_strings=False)).validate_json,
    by_alias=True,
    by_name=False,
)
"""Validate JSON text as ``parse_event`` does (wire names only), into plain dicts.

A catalogued type by its model (looked up on ``eventType``), any other by ``LogEvent``'s
fields (what ``UnknownPkiEvent`` and ``NonPkiEvent`` check; ``model_for`` picks one of them
by the ``pki.`` prefix each requires). Raises ``pydantic.ValidationError`` where
``parse_event`` raises; its errors are not ``parse_event``'s (read the failure from it).
"""


# --- the fast extra: msgspec's mirror of ``check_event`` -------------------------------------

_MIRROR: Any = None


def fast_check() -> Callable[[bytes], Any] | None:
    """Msgspec's reading of a line as ``check_event`` checks it, or None (see ``mirror_of``).

    With the ``fast`` extra: a decoder of ``LogEvent``'s dict schema turned into msgspec
    types. It gives an object with the fields as attributes (Python names; ``published`` as
    its text, for the caller to read as ``ExactTimestamp`` reads it, see ``_fields.Published``)
    or raises. Call it only on a line within the stream probe's guards
    (``_stream._probe.within_guards``); where it accepts such a line, ``check_event`` accepts it
    too (see ``mirror_of``), whatever its ``eventType``: every catalogued model's schema is
    ``LogEvent``'s with a literal ``eventType`` (checked when the mirror is built: otherwise
    there is no mirror). Where it refuses, ``check_event`` decides.
    """
    global _MIRROR
    if _MIRROR is None:
        _MIRROR = _build_mirror() or False
    return _MIRROR or None


def _build_mirror() -> Callable[[bytes], Any] | None:
    from .._stream._probe import msgspec_usable

    if not msgspec_usable():
        return None
    import msgspec

    generic = dict_schema(LogEvent.__pydantic_core_schema__)
    if any(
        _without_event_type(dict_schema(model.__pydantic_core_schema__))
        != _without_event_type(generic)
        for model in EVENT_MODELS.values()
    ):
        return None  # a model checks more than LogEvent: check_event alone is exact
    try:
        return msgspec.json.Decoder(mirror_of(generic, top=True)).decode
    except (TypeError, ValueError):  # a node this mirror does not know: no fast check
        return None


def _without_event_type(schema: Mapping[str, Any]) -> dict[str, Any]:
    fields = dict(schema["fields"])
    fields.pop("event_type")
    return {**schema, "fields": fields}


def _is_published(schema: Mapping[str, Any]) -> bool:
    """Whether a node is ``ExactTimestamp``'s (a union ending in its exact Python path)."""
    from ..models import _timestamp

    choices = schema.get("choices") or []
    last = choices[-1] if choices else {}
    function = last.get("function", {}) if isinstance(last, Mapping) else {}
    return schema.get("type") == "union" and function.get("function") is _timestamp._exact


_SCALARS = {"str": str, "int": int, "float": float, "bool": bool}
_SCALAR_KEYS = {"type", "strict", "metadata", "serialization", "ref"}
_COUNT = [0]


def mirror_of(schema: Mapping[str, Any], top: bool = False) -> Any:
    """The msgspec type accepting (within the guards) only what ``schema`` accepts.

    Each node maps to the msgspec type whose accepted JSON is a subset of the node's
    (``typed-dict`` to a ``Struct`` keyed by the wire names, ``nullable`` to ``Optional``,
    ``str``/``int``/``float``/``bool`` to themselves, ``list`` to ``list``, ``union`` to
    ``Union``, ``literal`` of strings to ``Literal``, ``any`` to ``msgspec.Raw``); where a
    node has a constraint (a pattern, a bound, a length) or is of any other kind, a
    ``TypeError``: there is then no mirror. At the top, ``published`` (``ExactTimestamp``) is
    read as text, for the caller to check exactly.
    """
    import msgspec

    kind = schema.get("type")
    if kind == "typed-dict":
        if set(schema) - {"type", "fields", "extra_behavior", "config", "metadata", "ref"}:
            raise TypeError(f"no mirror for typed-dict keys {sorted(schema)}")
        extra = schema.get("extra_behavior", "ignore")
        if extra not in ("ignore", "forbid"):
            raise TypeError(f"no mirror for extra_behavior {extra!r}")
        fields = []
        for name, field in schema["fields"].items():
            if set(field) - {"type", "schema", "required", "validation_alias", "metadata"}:
                raise TypeError(f"no mirror for field {name!r}: {sorted(field)}")
            key = field.get("validation_alias") or name
            if not isinstance(key, str):  # alias paths and choices
                raise TypeError(f"no mirror for the alias of field {name!r}")
            value = field["schema"]
            mirrored = str if top and name == "published" and _is_published(value) else None
            if mirrored is None:
                mirrored = mirror_of(value)
            if field.get("required", True):
                fields.append((name, mirrored, msgspec.field(name=key)))
            else:
                fields.append((name, mirrored, msgspec.field(default=None, name=key)))
        _COUNT[0] += 1
        return msgspec.defstruct(
            f"Mirror{_COUNT[0]}",
            fields,
            gc=False,
            forbid_unknown_fields=extra == "forbid",
        )
    if kind in _SCALARS:
        if set(schema) - _SCALAR_KEYS - ({"allow_inf_nan"} if kind == "float" else set()):
            raise TypeError(f"no mirror for a constrained {kind}: {sorted(schema)}")
        return _SCALARS[kind]
    if kind == "nullable":
        return Optional[mirror_of(schema["schema"])]  # noqa: UP045 (a run-time type)
    if kind == "list":
        if set(schema) - {"type", "items_schema", "strict", "metadata", "serialization"}:
            raise TypeError(f"no mirror for a constrained list: {sorted(schema)}")
        items = schema.get("items_schema")
        return list[mirror_of(items) if items is not None else msgspec.Raw]  # type: ignore[misc]
    if kind == "union":
        choices = [c[0] if isinstance(c, tuple) else c for c in schema["choices"]]
        return Union[tuple(mirror_of(c) for c in choices)]
    if kind == "literal" and all(type(v) is str for v in schema["expected"]):
        return Literal[tuple(schema["expected"])]
    if kind == "any" and set(schema) <= {"type", "metadata", "serialization"}:
        return msgspec.Raw
    if kind == "none":
        return None
    raise TypeError(f"no mirror for schema nodes of type {kind!r}")

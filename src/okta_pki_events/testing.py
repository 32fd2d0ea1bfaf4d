"""A testing kit for users' own tests: hypothesis strategies and event builders.

Needs the ``testing`` extra (``pip install okta-pki-events[testing]``) for the strategies.

The strategies are derived from the models themselves, so they cover every field the library
knows, with random nulls, absent fields, unknown vocabulary values and unknown extra keys at
every level: what Okta may send.

>>> from hypothesis import given
>>> from okta_pki_events import parse_event
>>> from okta_pki_events.testing import wire_events
>>> @given(wire_events("pki.cert.issue"))
... def test_my_handler(raw):
...     handle(parse_event(raw))
"""

from __future__ import annotations

import types
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, StrictBool, StrictFloat, StrictInt

from ._parsing import parse_event
from .models._base import OktaModel, format_okta_datetime
from .models.events import EVENT_MODELS, EVENT_TYPES, PKI_PREFIX, PkiEvent
from .models.log_event import LogEvent

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "okta_pki_events.testing needs hypothesis: pip install 'okta-pki-events[testing]'"
    ) from exc

__all__ = ["events", "json_values", "okta_timestamps", "wire_events"]

_EPOCH = datetime(2015, 1, 1, tzinfo=timezone.utc)


def okta_timestamps() -> st.SearchStrategy[str]:
    """Timestamps in Okta's ``published`` format: ``2024-08-13T15:58:20.353Z``."""
    return st.integers(min_value=0, max_value=20 * 365 * 86_400_000).map(
        lambda ms: format_okta_datetime(_EPOCH + timedelta(milliseconds=ms))
    )


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """Any JSON value (as ``json.loads`` returns it), small and nested."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**53), max_value=2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=8), children, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def _strip_annotated(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    if get_origin(tp) is Annotated:
        args = get_args(tp)
        return args[0], args[1:]
    return tp, ()


def _for_type(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy of JSON values that the annotation ``tp`` accepts and writes back unchanged."""
    inner, _ = _strip_annotated(tp)
    origin = get_origin(inner)
    if origin in (Union, types.UnionType):
        return st.one_of([_for_type(arg) for arg in get_args(inner)])
    if origin is Literal:
        return st.sampled_from(get_args(inner))
    if origin is list:
        (item,) = get_args(inner)
        return st.lists(_for_type(item), max_size=3)
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), json_values(), max_size=4)
    if inner is type(None):
        return st.none()
    if isinstance(inner, type) and issubclass(inner, OktaModel):
        return _model_dicts(inner)
    if tp in (StrictBool, bool) or inner is bool:
        return st.booleans()
    if tp is StrictInt or inner is int:
        return st.integers(min_value=-(2**53), max_value=2**53)
    if tp is StrictFloat or inner is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if inner is str:
        return st.text(max_size=20)
    if inner is datetime:
        return okta_timestamps()
    return json_values()


def _deferred_for_type(annotation: Any) -> st.SearchStrategy[Any]:
    """Defer building the strategy of ``annotation`` (models refer to each other)."""
    return st.deferred(lambda: _for_type(annotation))


def _extra_keys(model: type[BaseModel]) -> st.SearchStrategy[str]:
    taken = set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}
    return st.text(min_size=1, max_size=10).filter(lambda key: key not in taken)


def _model_dicts(
    model: type[BaseModel], fixed: dict[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Wire dicts of ``model``: required fields always, others present or not, extras added."""
    fixed = fixed or {}
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        strategy = fixed[key] if key in fixed else _deferred_for_type(field.annotation)
        (required if field.is_required() else optional)[key] = strategy
    extras = st.dictionaries(_extra_keys(model), json_values(), max_size=2)
    return st.builds(
        lambda base, more: {**more, **base},
        st.fixed_dictionaries(required, optional=optional),
        extras,
    )


def wire_events(
    event_type: str | None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON-ready dicts of PKI events, as Okta could send them.

    Args:
        event_type: one PKI type (canonical or alias); by default any of the catalogued ones.
        unknown_types: also draw ``pki.*`` types the library does not know.

    Every field the models know may be present, null or absent; vocabularies draw known
    and unknown values; extra keys appear at every level. ``json.dumps`` of a drawn value
    is what ``parse_event`` accepts, and ``parse_event(d).model_dump(mode="json",
    exclude_unset=True)`` gives ``d`` back.

    """
    if event_type is not None and event_type not in EVENT_MODELS:
        raise ValueError(f"unknown PKI event type {event_type!r}; known: {EVENT_TYPES}")
    types_: st.SearchStrategy[str] = (
        st.just(event_type) if event_type else st.sampled_from(sorted(EVENT_MODELS))
    )
    if unknown_types and event_type is None:
        types_ = types_ | st.text(min_size=1, max_size=12).map(lambda s: f"{PKI_PREFIX}future.{s}")
    return _model_dicts(LogEvent, {"eventType": types_, "published": okta_timestamps()})


def events(
    event_type: str | None = None, *, unknown_types: bool = False
) -> st.SearchStrategy[PkiEvent]:
    """Parsed PKI event models: ``wire_events(...)`` passed through ``parse_event``."""
    return wire_events(event_type, unknown_types=unknown_types).map(
        lambda raw: parse_event(raw)  # type: ignore[arg-type, return-value]
    )

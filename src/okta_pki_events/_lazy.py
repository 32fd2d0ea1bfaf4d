"""Lazy events: ``parse_event(data, lazy=True)``.

A lazy event is an instance of a private subclass of the event's own model
(``isinstance(event, PkiCertRevokeEvent)`` holds) built from a sparse validation of the JSON
text: ``uuid``, ``published``, ``eventType``, ``actor``, ``outcome`` and ``target`` are
validated at parse time by the same field schemas as the eager model, the rest of the text is
only syntax-checked and kept. Pydantic-core skips the values of undeclared keys without
building Python objects, which is where the speed comes from.

The first read of anything else (another field, ``model_extra``, ``model_fields_set``, a dump
with options) validates the kept text with the eager model once and fills the instance in
place: the same fields, the same unknown keys, the same errors (a ``ValidationError`` naming
the bad field path) as ``parse_event`` without ``lazy``. ``model_dump_json()`` with no
arguments returns the kept text exactly.

The validators and the per-type classes are built on first use, so importing the package
pays nothing for them.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Iterator
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, create_model
from pydantic_core import SchemaValidator, core_schema

from .models._base import CACHE_STRINGS
from .models.events import EVENT_MODELS, NonPkiEvent, UnknownPkiEvent, model_for
from .models.log_event import LogEvent

__all__ = [
    "EAGER_FIELDS",
    "is_lazy",
    "lazy_classes",
    "parse_lazy",
    "sparse_schema",
    "stream_parser",
]

EAGER_FIELDS = ("uuid", "published", "event_type", "actor", "outcome", "target")
"""The fields a lazy event validates at parse time; every other field waits for first use."""

# Names whose first read fills a lazy event in: the pydantic slots left unset until then.
_SLOTS = frozenset({"__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"})

_new = object.__new__
_set = object.__setattr__
# The instance dict's own descriptor: lazy events read and set their dict through it, while
# anyone else reading ``event.__dict__`` (pydantic-core's serializers, ``vars``, pickling)
# goes through ``_LazyEvent.__dict__``, which fills the event in first.
_DICT: Any = BaseModel.__dict__["__dict__"]


class _LazyEvent(LogEvent):
    """Base of the lazy classes: holds the text and fills the instance in on first use."""

    __slots__ = ("_raw",)
    model_config = ConfigDict(defer_build=True)

    # -- filling in ------------------------------------------------------------------------

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        """The instance dict, filled in first: whoever reads it sees every field."""
        _fill(self)
        return cast("dict[str, Any]", _DICT.__get__(self))

    def __getattr__(self, name: str) -> Any:
        """Fill the event in when a deferred field or pydantic slot is first read."""
        if name in _SLOTS or not name.startswith("_"):
            # A deferred field, a pydantic slot, or an unknown key read as an attribute. The
            # lookup is tried again even when another thread has just filled the event in.
            _fill(self)
            try:
                return object.__getattribute__(self, name)
            except AttributeError:
                pass  # not a field: an unknown key, read from the extras below
        return super().__getattr__(name)  # type: ignore[misc]

    def _eager(self) -> LogEvent:
        """The same event as an eager instance of the public model (filled in first)."""
        _fill(self)
        model = _state().model_of[type(self)]
        own = _DICT.__get__(self)
        twin = _new(model)
        _set(twin, "__dict__", {name: own[name] for name in model.model_fields})
        _set(twin, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        extra = self.__pydantic_extra__
        _set(twin, "__pydantic_extra__", None if extra is None else dict(extra))
        _set(twin, "__pydantic_private__", None)
        return twin

    # -- what would read the instance's slots directly ---------------------------------------

    def model_dump_json(self, **options: Any) -> str:
        """The original JSON text, exactly, when called without options; else as eager."""
        if not options:
            raw = _raw_of(self)
            if raw is not None:
                return raw.decode() if isinstance(raw, bytes) else raw
        return self._eager().model_dump_json(**options)

    def model_dump(self, **options: Any) -> dict[str, Any]:
        """As the eager model's ``model_dump`` (fills the event in first)."""
        return self._eager().model_dump(**options)

    def __eq__(self, other: object) -> bool:
        """Equal to the same event, lazy or eager (compared as eager events)."""
        if not isinstance(other, LogEvent):
            return NotImplemented
        if isinstance(other, _LazyEvent):
            raw = _raw_of(self)
            if raw is not None and type(other) is type(self) and raw == _raw_of(other):
                return True
            other = other._eager()
        return self._eager() == other

    __hash__ = LogEvent.__hash__

    def __iter__(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        """Iterate over the fields and unknown keys, as eager (fills the event in first)."""
        return iter(self._eager())

    def __copy__(self) -> LogEvent:  # type: ignore[override]
        """A copy is an eager event: ``model_copy(update=...)`` cannot outdate the text."""
        return self._eager()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> LogEvent:  # type: ignore[override]
        """A deep copy is an eager event."""
        return copy.deepcopy(self._eager(), memo)

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickle the text: unpickling parses it lazily again."""
        raw = _raw_of(self)
        if raw is None:
            return self._eager().__reduce_ex__(protocol)
        return (parse_lazy, (raw,))


def _raw_of(event: _LazyEvent) -> str | bytes | None:
    """The kept text, or None for an instance pydantic built (already eager)."""
    try:
        return cast("str | bytes", _RAW.__get__(event, type(event)))
    except AttributeError:
        return None


_RAW: Any = vars(_LazyEvent)["_raw"]
_set_raw = _RAW.__set__
_set_dict = _DICT.__set__


def _fill(event: _LazyEvent) -> bool:
    """Validate the kept text with the eager model and fill the event in, once.

    Returns False when there was nothing to fill in (already done, or built eager).
    Raises ``pydantic.ValidationError`` naming the bad field path.
    """
    try:
        object.__getattribute__(event, "__pydantic_extra__")
    except AttributeError:
        pass
    else:
        return False
    raw = _raw_of(event)
    if raw is None:
        return False
    model = _state().model_of[type(event)]
    full = model.__pydantic_validator__.validate_json(raw, by_alias=True, by_name=False)
    # Keep the objects already handed out, in the model's field order, and swap the whole
    # dict in at once: a reader in another thread sees the old dict or the new one, never a
    # field missing; ``__pydantic_extra__`` is set last, as the mark that the event is filled.
    own = _DICT.__get__(event)
    _set_dict(event, {name: own.get(name, value) for name, value in _DICT.__get__(full).items()})
    _set(event, "__pydantic_private__", None)
    _set(event, "__pydantic_fields_set__", full.__pydantic_fields_set__)
    _set(event, "__pydantic_extra__", full.__pydantic_extra__)
    return True


_SHARED = ("__pydantic_core_schema__", "__pydantic_validator__", "__pydantic_serializer__")


class _State:
    """The sparse validator and the lazy class of every model, built on first use."""

    def __init__(self) -> None:
        self.validator = _sparse_validator()
        self.validate = self.validator.validate_json
        self.model_of: dict[type[_LazyEvent], type[LogEvent]] = {}
        self.lazy_of: dict[type[LogEvent], type[_LazyEvent]] = {}
        models: list[type[LogEvent]] = [*EVENT_MODELS.values(), UnknownPkiEvent, NonPkiEvent]
        for model in models:
            if model not in self.lazy_of:
                self._add(model)
        self.by_type: dict[str, type[_LazyEvent]] = {
            name: self.lazy_of[model] for name, model in EVENT_MODELS.items()
        }

    def _add(self, model: type[LogEvent]) -> None:
        bases = (_LazyEvent, model)
        name = f"Lazy{model.__name__}"
        namespace = {
            "__module__": __name__,
            "__qualname__": name,
            "__doc__": f"A lazily validated ``{model.__name__}``.",
            "model_config": ConfigDict(defer_build=True),
        }
        made = types.new_class(name, bases, exec_body=lambda ns: ns.update(namespace))
        lazy = cast("type[_LazyEvent]", made)
        # The lazy class shares its model's schema, validator and serializer: what pydantic
        # validates through it is an eager event, what it serializes is read through
        # ``__dict__`` (which fills a lazy event in first).
        for name in _SHARED:
            setattr(lazy, name, getattr(model, name))
        lazy.__pydantic_complete__ = True
        self.lazy_of[model] = lazy
        self.model_of[lazy] = model


def _sparse_validator() -> SchemaValidator:
    """A validator of the eager fields only, into a dict: unknown keys are skipped, not built.

    The fields are those of ``LogEvent`` with their own schemas, so the eager fields of a lazy
    event are validated exactly as the eager model validates them.
    """
    return SchemaValidator(sparse_schema(), {"cache_strings": CACHE_STRINGS})  # as the models'


def sparse_schema() -> core_schema.CoreSchema:
    """The core schema of the sparse validator (a new one each call; see ``_sparse_validator``).

    A typed dict of ``EAGER_FIELDS`` that ignores every other key, wrapped in the definitions
    of the models it uses when it has any. ``benchmarks/lazy.py`` prices its fields with it.
    """
    config: ConfigDict = {**LogEvent.model_config, "extra": "ignore", "defer_build": False}
    fields: Any = {
        name: (LogEvent.model_fields[name].annotation, LogEvent.model_fields[name])
        for name in EAGER_FIELDS
    }
    sparse = create_model("_EagerFields", __config__=config, **fields)
    schema: Any = sparse.__pydantic_core_schema__
    definitions = None
    if schema["type"] == "definitions":
        definitions = schema["definitions"]
        schema = schema["schema"]
    model_fields = schema["schema"]["fields"]
    typed: core_schema.CoreSchema = core_schema.typed_dict_schema(
        {
            name: core_schema.typed_dict_field(
                field["schema"],
                required=field["schema"]["type"] != "default",
                validation_alias=field.get("validation_alias"),
            )
            for name, field in model_fields.items()
        },
        extra_behavior="ignore",
    )
    if definitions is not None:
        typed = core_schema.definitions_schema(typed, definitions)
    return typed


_STATE: _State | None = None
# The hot path's two lookups, bound when the state is built (see ``parse_lazy``).
_VALIDATE: Callable[..., dict[str, Any]] | None = None
_BY_TYPE: dict[str, type[_LazyEvent]] = {}


def _state() -> _State:
    global _STATE, _VALIDATE
    if _STATE is None:
        _STATE = _State()
        _BY_TYPE.update(_STATE.by_type)
        _VALIDATE = _STATE.validate
    return _STATE


def _start() -> Callable[..., dict[str, Any]]:
    """The sparse validator, building the state on first use."""
    return _state().validate


def parse_lazy(data: str | bytes | bytearray) -> LogEvent:
    """Parse JSON text into a lazy event of its model (see the module's docstring).

    Raises ``pydantic.ValidationError`` for text that is not JSON, not an object, or whose
    eager fields are missing or invalid (with this validator's paths; ``parse_event`` turns
    them into the model's own errors).
    """
    if type(data) is bytearray:
        data = bytes(data)
    fields = (_VALIDATE or _start())(data, by_alias=True, by_name=False)
    try:
        lazy = _BY_TYPE[fields["event_type"]]
    except KeyError:  # not a catalogued type: its generic model (never added to the map)
        lazy = _state().lazy_of[model_for(fields["event_type"])]
    event: Any = _new(lazy)
    _set_dict(event, fields)
    _set_raw(event, data)
    return event  # type: ignore[no-any-return]


def stream_parser(keep: str) -> Callable[[bytes], LogEvent | None]:
    """``parse_lazy`` for a stream's records, keeping the events whose type starts with ``keep``.

    The returned function parses JSON text (``bytes``) as ``parse_lazy`` does and returns the
    lazy event, or None for an event of a type not kept (told before its instance is made).
    It raises what ``parse_lazy`` raises. The validator and the kept classes are bound once,
    so that a call costs no more than the validation and the instance.
    """
    state = _state()
    validate = state.validate
    kept = {name: lazy for name, lazy in state.by_type.items() if name.startswith(keep)}
    lazy_of = state.lazy_of

    def parse(text: bytes) -> LogEvent | None:
        fields = validate(text, by_alias=True, by_name=False)
        lazy = kept.get(fields["event_type"])
        if lazy is None:  # a type not catalogued (its generic model), or not kept
            event_type: str = fields["event_type"]
            if not event_type.startswith(keep):
                return None
            lazy = lazy_of[model_for(event_type)]
        event: Any = _new(lazy)
        _set_dict(event, fields)
        _set_raw(event, text)
        return event  # type: ignore[no-any-return]

    return parse


def lazy_classes() -> frozenset[type[LogEvent]]:
    """The classes of lazy events (for a type check cheaper than ``isinstance``)."""
    return frozenset(_state().model_of)


def is_lazy(event: LogEvent) -> bool:
    """Whether ``event`` came from ``parse_event(..., lazy=True)``."""
    return isinstance(event, _LazyEvent)

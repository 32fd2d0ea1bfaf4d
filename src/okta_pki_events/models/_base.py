"""The base model shared by every Okta structure, and the wire types it uses.

Every model is frozen, keeps unknown keys (``extra="allow"``) and writes them back, reads
Okta's camelCase wire names and also accepts the Python (snake_case) names when constructed
by hand.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, TypeAlias, Union

from pydantic import (
    AliasGenerator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "JsonObject",
    "Number",
    "StrListOrStr",
    "StrOrInt",
    "OktaDatetime",
    "OktaModel",
    "OptBool",
    "OptInt",
    "format_okta_datetime",
]


class OktaModel(BaseModel):
    """Base of every model in the library: frozen, open to unknown keys, camelCase on the wire.

    Unknown keys are kept in ``model_extra`` and written back by ``model_dump`` and
    ``model_dump_json``, so a parse followed by a dump loses nothing.
    """

    model_config = ConfigDict(
        extra="allow",
        frozen=True,
        alias_generator=AliasGenerator(alias=to_camel),
        validate_by_alias=True,
        validate_by_name=True,
        serialize_by_alias=True,
        ser_json_inf_nan="constants",
    )


def format_okta_datetime(value: datetime) -> str:
    """Format an aware datetime the way Okta writes ``published``: UTC, milliseconds, ``Z``.

    A value with sub-millisecond precision keeps all six fractional digits, so that nothing
    is lost; Okta itself always sends three.

    >>> from datetime import datetime, timezone
    >>> format_okta_datetime(datetime(2024, 8, 13, 15, 58, 20, 353000, tzinfo=timezone.utc))
    '2024-08-13T15:58:20.353Z'
    """
    utc = value.astimezone(timezone.utc) if value.tzinfo is not None else value
    base = utc.strftime("%Y-%m-%dT%H:%M:%S")
    micro = utc.microsecond
    if micro % 1000 == 0:
        return f"{base}.{micro // 1000:03d}Z"
    return f"{base}.{micro:06d}Z"


def _reject_non_text_datetime(value: Any) -> Any:
    """Accept ISO 8601 text or a datetime; refuse numbers (Okta never sends epoch numbers)."""
    if isinstance(value, (int, float)):
        raise ValueError("expected an ISO 8601 timestamp string, got a number")
    return value


OktaDatetime = Annotated[
    AwareDatetime,
    BeforeValidator(_reject_non_text_datetime),
    PlainSerializer(format_okta_datetime, return_type=str, when_used="json"),
]
"""An aware ISO 8601 timestamp, written back in Okta's format (``2024-08-13T15:58:20.353Z``)."""

JsonObject = dict[str, Any]
"""A free-form JSON object kept exactly as Okta sent it."""


# Unions of strict types: pydantic-core keeps the JSON type a value arrived with (the exact
# member wins), never coerces (no "0" -> 0, no True -> 1), and validates without Python code.
Number: TypeAlias = Union[StrictInt, StrictFloat]
"""A JSON number that keeps the type it arrived with (integer or float)."""

StrOrInt: TypeAlias = Union[StrictStr, StrictInt]
"""A string or an integer, kept as it arrived (Okta's own data sends both)."""

StrListOrStr: TypeAlias = Union[list[StrictStr], StrictStr]
"""An array of strings or a string, kept as it arrived."""

OptBool = StrictBool | None
"""A JSON boolean or null; strings such as ``"true"`` are refused rather than silently coerced."""

OptInt = StrictInt | None
"""A JSON integer or null; no coercion from strings or floats."""

"""The base model shared by every Okta structure, and the wire types it uses.

Every model is frozen, keeps unknown keys (``extra="allow"``) and writes them back, reads
Okta's camelCase wire names and also accepts the Python (snake_case) names when constructed
by hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeAlias, Union

from pydantic import (
    AliasGenerator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel

from ._timestamp import ExactTimestamp, format_okta_datetime

__all__ = [
    "CACHE_STRINGS",
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


CACHE_STRINGS: Literal["all"] = "all"
"""pydantic-core's cache of short strings, for every validator of the library: used.

A value that repeats across events (a type, a result, a city, an actor) is then one shared
object in every event kept. Tried off ("none"): a kept eager event held 15% more (18.7
against 16.2 KB; a lazy one 13% more) and a kept list built 5-8% slower, for a parse that was
faster only on a loaded machine (1-4% through ``iter_events``, none per line at a load of 2:
benchmarks/RESULTS.md, "The string cache back on"). pydantic-core reads the setting from a
validator's top level only: a validator built from the models' schemas passes it itself.
"""


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
        cache_strings=CACHE_STRINGS,
    )


OktaDatetime = Annotated[datetime, ExactTimestamp()]
"""An aware RFC 3339 timestamp (``PUBLISHED_PATTERN``), written back exactly as it arrived.

Okta's canonical text (``2024-08-13T15:58:20.353Z``) is validated by pydantic-core alone;
see ``okta_pki_events.models._timestamp`` for the grammar and what is refused.
"""

JsonObject = dict[str, Any]
"""A free-form JSON object kept exactly as Okta sent it."""


# Unions of strict types: pydantic-core keeps the JSON type a value arrived with, never
# coerces (no "0" -> 0, no True -> 1), and validates without Python code. Each is ordered so
# that the usual value is tried first, and a failed try (an error built, then dropped) is
# rare: 2.3% fewer instructions a parse (benchmarks/RESULTS.md, "Unions reordered").
_LEFT_TO_RIGHT = Field(union_mode="left_to_right")  # members refuse each other's values

Number: TypeAlias = Annotated[
    Union[StrictFloat, StrictInt],
    # Smart mode, float first: latitudes and longitudes are floats; an integer is accepted
    # by the float member too but stays an int, the member that matches it exactly. The
    # JSON Schema keeps its published order (integer first).
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "number"}]}),
]
"""A JSON number that keeps the type it arrived with (integer or float)."""

StrOrInt: TypeAlias = Annotated[Union[StrictStr, StrictInt], _LEFT_TO_RIGHT]
"""A string or an integer, kept as it arrived (Okta's own data sends both)."""

StrListOrStr: TypeAlias = Annotated[Union[list[StrictStr], StrictStr], _LEFT_TO_RIGHT]
"""An array of strings or a string, kept as it arrived."""

OptBool = StrictBool | None
"""A JSON boolean or null; strings such as ``"true"`` are refused rather than silently coerced."""

OptInt = StrictInt | None
"""A JSON integer or null; no coercion from strings or floats."""

"""Streaming parse: ``iter_events`` and ``iter_records`` over files, streams and iterables.

A private package of small stages, each a generator over the one before it:

- ``sources``: the source as chunks of bytes (gzip streamed), then as UTF-8 text;
- ``framing``: the text cut into records (NDJSON lines, values of JSON documents);
- ``reader``: envelopes unwrapped, events parsed, and every record accounted for;
- ``results``: what a stream gives back (stats, failures, records).

Every record read is accounted for: parsed, failed (reported, with its line) or skipped
(non-PKI, when ``only_pki``). Memory stays bounded, whatever the input.
"""

from __future__ import annotations

from .._public import publish
from ..envelopes import Envelope
from .framing import Format
from .reader import (
    DEFAULT_MAX_RECORD_BYTES,
    EnvelopeOption,
    EventStream,
    OnError,
    RecordStream,
    iter_events,
    iter_records,
)
from .results import ParseFailure, Record, RecordError, SourceError, StreamStats, describe_error
from .sources import OversizeLine, Source, open_lines

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "EnvelopeOption",
    "EventStream",
    "Format",
    "OnError",
    "OversizeLine",
    "ParseFailure",
    "Record",
    "RecordError",
    "RecordStream",
    "Source",
    "SourceError",
    "StreamStats",
    "describe_error",
    "iter_events",
    "iter_records",
    "open_lines",
]

# What the package exports, under the path users import it from (as httpx does): a traceback
# says okta_pki_events.RecordError, not okta_pki_events._stream.results.RecordError. Record's
# hints name ``Envelope``, imported by its module for type checking only.
publish(
    "okta_pki_events",
    EventStream,
    Record,
    RecordStream,
    iter_events,
    iter_records,
    ParseFailure,
    RecordError,
    SourceError,
    StreamStats,
    names={"Envelope": Envelope},
)

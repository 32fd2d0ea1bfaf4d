"""okta-pki-events: typed, lossless models of the PKI events in Okta's System Log.

>>> from okta_pki_events import parse_event, PkiCertIssueEvent
>>> event = parse_event('{"uuid": "1", "published": "2024-08-13T15:58:20.353Z", '
...                     '"eventType": "pki.cert.issue"}')
>>> isinstance(event, PkiCertIssueEvent)
True
"""

from __future__ import annotations

from ._parsing import (
    OnUnknown,
    RawEvent,
    UnknownEventTypeError,
    parse_event,
    parse_event_as,
)
from ._stream import (
    EnvelopeOption,
    EventStream,
    Format,
    OnError,
    ParseFailure,
    Record,
    RecordError,
    RecordStream,
    Source,
    SourceError,
    StreamStats,
    iter_events,
    iter_records,
)
from .classification import (
    CLASSIFICATIONS,
    Classification,
    classify,
    is_ca_event,
    is_certificate_event,
    is_lifecycle_event,
    is_pki_event,
    is_pki_event_type,
)
from .envelopes import (
    EventBridgeEvent,
    EventHookDelivery,
    RateLimit,
    SystemLogPage,
    detect_envelope,
    event_hook_verification,
    next_link,
    verify_authorization,
)
from .export import to_dataframe, to_ecs, to_ocsf, to_records
from .lifecycle import (
    CA_EVENT_TYPES,
    TRANSITIONS,
    AnomalyKind,
    CaHistory,
    CaState,
    CertificateHistory,
    CertState,
    CrlFailure,
    KeyFunction,
    LifecycleAnomaly,
    LifecycleError,
    LifecycleReport,
    LifecycleTracker,
    TimelineEntry,
    Transition,
    build_lifecycles,
    ca_keys,
    certificate_key,
    lifecycle_diagram,
)
from .models import *  # noqa: F403
from .models import __all__ as _models_all
from .schema import json_schema
from .summary import EventSummary, summarize
from .validation import EventValidationError, ValidationIssue, validate

__version__ = "0.1.0"

__all__ = [
    *_models_all,
    "CA_EVENT_TYPES",
    "CLASSIFICATIONS",
    "Classification",
    "EventSummary",
    "EventValidationError",
    "ValidationIssue",
    "classify",
    "is_ca_event",
    "is_certificate_event",
    "is_lifecycle_event",
    "is_pki_event",
    "is_pki_event_type",
    "to_dataframe",
    "to_ecs",
    "to_ocsf",
    "to_records",
    "summarize",
    "validate",
    "EventBridgeEvent",
    "EventHookDelivery",
    "EnvelopeOption",
    "EventStream",
    "Format",
    "OnError",
    "ParseFailure",
    "RateLimit",
    "Record",
    "RecordError",
    "RecordStream",
    "Source",
    "SourceError",
    "StreamStats",
    "SystemLogPage",
    "detect_envelope",
    "event_hook_verification",
    "iter_events",
    "iter_records",
    "next_link",
    "verify_authorization",
    "TRANSITIONS",
    "AnomalyKind",
    "CaHistory",
    "CaState",
    "CertState",
    "CertificateHistory",
    "CrlFailure",
    "KeyFunction",
    "LifecycleAnomaly",
    "LifecycleError",
    "LifecycleReport",
    "LifecycleTracker",
    "TimelineEntry",
    "Transition",
    "build_lifecycles",
    "ca_keys",
    "certificate_key",
    "lifecycle_diagram",
    "OnUnknown",
    "RawEvent",
    "UnknownEventTypeError",
    "__version__",
    "json_schema",
    "parse_event",
    "parse_event_as",
]

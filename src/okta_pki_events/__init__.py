"""okta-pki-events: typed, lossless models of the PKI events in Okta's System Log.

>>> from okta_pki_events import parse_event, PkiCertIssueEvent
>>> event = parse_event('{"uuid": "1", "published": "2024-08-13T15:58:20.353Z", '
...                     '"eventType": "pki.cert.issue"}')
>>> isinstance(event, PkiCertIssueEvent)
True

``import okta_pki_events`` imports nothing else (PEP 562): each public name is imported from
its module on first use, so a call pays only for the modules it needs (``parse_event`` the
models and the parser; ``build_lifecycles`` the lifecycle too; ``to_ecs`` the exports).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# ``typing.TYPE_CHECKING`` without importing typing (type checkers know the name).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from . import models as _models
    from ._gc import gc_paused
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
        SystemLogPage,
        detect_envelope,
    )
    from .export import (
        to_dataframe,
        to_ecs,
        to_ocsf,
        to_records,
    )
    from .http import (
        RateLimit,
        event_hook_verification,
        next_link,
        verify_authorization,
    )
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
    from .schema import (
        json_schema,
    )
    from .summary import (
        EventSummary,
        summarize,
    )
    from .validation import (
        EventValidationError,
        ValidationIssue,
        validate,
    )

    __all__ = [
        "__version__",
        "gc_paused",
        "OnUnknown",
        "RawEvent",
        "UnknownEventTypeError",
        "parse_event",
        "parse_event_as",
        "EnvelopeOption",
        "EventStream",
        "Format",
        "OnError",
        "ParseFailure",
        "Record",
        "RecordError",
        "RecordStream",
        "Source",
        "SourceError",
        "StreamStats",
        "iter_events",
        "iter_records",
        "EventBridgeEvent",
        "EventHookDelivery",
        "RateLimit",
        "SystemLogPage",
        "detect_envelope",
        "event_hook_verification",
        "next_link",
        "verify_authorization",
        "CLASSIFICATIONS",
        "Classification",
        "classify",
        "is_ca_event",
        "is_certificate_event",
        "is_lifecycle_event",
        "is_pki_event",
        "is_pki_event_type",
        "EventValidationError",
        "ValidationIssue",
        "validate",
        "EventSummary",
        "summarize",
        "to_dataframe",
        "to_ecs",
        "to_ocsf",
        "to_records",
        "json_schema",
        "CA_EVENT_TYPES",
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
    ]
    __all__ += _models.__all__

# Each public name outside ``models`` and the module that defines it; the names of
# ``okta_pki_events.models`` (its ``__all__``) are looked up there.
_LAZY: dict[str, str] = {
    # ._gc
    "gc_paused": "_gc",
    # ._parsing
    "OnUnknown": "_parsing",
    "RawEvent": "_parsing",
    "UnknownEventTypeError": "_parsing",
    "parse_event": "_parsing",
    "parse_event_as": "_parsing",
    # ._stream
    "EnvelopeOption": "_stream",
    "EventStream": "_stream",
    "Format": "_stream",
    "OnError": "_stream",
    "ParseFailure": "_stream",
    "Record": "_stream",
    "RecordError": "_stream",
    "RecordStream": "_stream",
    "Source": "_stream",
    "SourceError": "_stream",
    "StreamStats": "_stream",
    "iter_events": "_stream",
    "iter_records": "_stream",
    # .envelopes
    "EventBridgeEvent": "envelopes",
    "EventHookDelivery": "envelopes",
    "SystemLogPage": "envelopes",
    "detect_envelope": "envelopes",
    # .http
    "RateLimit": "http",
    "event_hook_verification": "http",
    "next_link": "http",
    "verify_authorization": "http",
    # .classification
    "CLASSIFICATIONS": "classification",
    "Classification": "classification",
    "classify": "classification",
    "is_ca_event": "classification",
    "is_certificate_event": "classification",
    "is_lifecycle_event": "classification",
    "is_pki_event": "classification",
    "is_pki_event_type": "classification",
    # .validation
    "EventValidationError": "validation",
    "ValidationIssue": "validation",
    "validate": "validation",
    # .summary
    "EventSummary": "summary",
    "summarize": "summary",
    # .export
    "to_dataframe": "export",
    "to_ecs": "export",
    "to_ocsf": "export",
    "to_records": "export",
    # .schema
    "json_schema": "schema",
    # .lifecycle
    "CA_EVENT_TYPES": "lifecycle",
    "TRANSITIONS": "lifecycle",
    "AnomalyKind": "lifecycle",
    "CaHistory": "lifecycle",
    "CaState": "lifecycle",
    "CertState": "lifecycle",
    "CertificateHistory": "lifecycle",
    "CrlFailure": "lifecycle",
    "KeyFunction": "lifecycle",
    "LifecycleAnomaly": "lifecycle",
    "LifecycleError": "lifecycle",
    "LifecycleReport": "lifecycle",
    "LifecycleTracker": "lifecycle",
    "TimelineEntry": "lifecycle",
    "Transition": "lifecycle",
    "build_lifecycles": "lifecycle",
    "ca_keys": "lifecycle",
    "certificate_key": "lifecycle",
    "lifecycle_diagram": "lifecycle",
}

# Public subpackages and modules reachable as attributes (``okta_pki_events.lifecycle``).
_SUBMODULES = frozenset(
    {"cli", "envelopes", "export", "lifecycle", "models", "pull", "schema", "testing"}
)


def _models_all() -> list[str]:
    models = importlib.import_module(".models", __name__)
    return list(models.__all__)


# Hidden from type checkers, which see the imports above: a typo stays an error for them.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a public name from its module on first use (PEP 562), then keep it here."""
        module = _LAZY.get(name)
        if module is not None:
            value = getattr(importlib.import_module(f".{module}", __name__), name)
        elif name == "__all__":
            value = ["__version__", *_LAZY, *_models_all()]
        elif name in _SUBMODULES:
            value = importlib.import_module(f".{name}", __name__)
        elif not name.startswith("_") and name in _models_all():
            value = getattr(importlib.import_module(".models", __name__), name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The public names, imported or not."""
        dunders = (name for name in globals() if name.startswith("__"))
        return sorted({*dunders, "__version__", *_LAZY, *_SUBMODULES, *_models_all()})

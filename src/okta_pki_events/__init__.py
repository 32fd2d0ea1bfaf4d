"""okta-pki-events: typed, lossless models of the PKI events in Okta's System Log.

>>> from okta_pki_events import parse_event, PkiCertIssueEvent
>>> event = parse_event('{"uuid": "1", "published": "2024-08-13T15:58:20.353Z", '
...                     '"eventType": "pki.cert.issue"}')
>>> isinstance(event, PkiCertIssueEvent)
True

The package exports what most code needs (``__all__``); the rest lives in public
submodules: ``models`` (the parts of an event, the catalogue), ``lifecycle``, ``export``
(ECS, OCSF, records, Arrow), ``envelopes``, ``http`` (event hooks, the API's headers),
``classification``, ``validation``, ``schema``, ``pull`` and ``testing``. A name the package
used to export and that moved to a submodule still works here, with a
``DeprecationWarning``.

``import okta_pki_events`` imports nothing else (PEP 562): each public name is imported from
its module on first use, so a call pays only for the modules it needs (``parse_event`` the
models and the parser; ``build_lifecycles`` the lifecycle too).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# ``typing.TYPE_CHECKING`` without importing typing (type checkers know the name).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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

    # Deprecated here (each has its home in a public submodule; see _MOVED): still typed, so
    # that code importing them from the package keeps type-checking while it moves.
    from .classification import CLASSIFICATIONS as CLASSIFICATIONS
    from .classification import (
        Classification,
        classify,
        is_ca_event,
        is_certificate_event,
        is_lifecycle_event,
        is_pki_event,
        is_pki_event_type,
    )
    from .envelopes import EventBridgeEvent as EventBridgeEvent
    from .envelopes import EventHookDelivery as EventHookDelivery
    from .envelopes import SystemLogPage as SystemLogPage
    from .envelopes import detect_envelope as detect_envelope
    from .export import to_dataframe as to_dataframe
    from .export import to_ecs as to_ecs
    from .export import to_ocsf as to_ocsf
    from .export import to_records as to_records
    from .http import RateLimit as RateLimit
    from .http import event_hook_verification as event_hook_verification
    from .http import next_link as next_link
    from .http import verify_authorization as verify_authorization
    from .lifecycle import CA_EVENT_TYPES as CA_EVENT_TYPES
    from .lifecycle import TRANSITIONS as TRANSITIONS
    from .lifecycle import AnomalyKind as AnomalyKind
    from .lifecycle import CaHistory as CaHistory
    from .lifecycle import CaState as CaState
    from .lifecycle import CertificateHistory as CertificateHistory
    from .lifecycle import CertState as CertState
    from .lifecycle import CrlFailure as CrlFailure
    from .lifecycle import KeyFunction as KeyFunction
    from .lifecycle import LifecycleAnomaly as LifecycleAnomaly
    from .lifecycle import LifecycleError as LifecycleError
    from .lifecycle import (
        LifecycleReport,
        LifecycleTracker,
        build_lifecycles,
    )
    from .lifecycle import TimelineEntry as TimelineEntry
    from .lifecycle import Transition as Transition
    from .lifecycle import ca_keys as ca_keys
    from .lifecycle import certificate_key as certificate_key
    from .lifecycle import lifecycle_diagram as lifecycle_diagram
    from .models import CATALOG as CATALOG
    from .models import CATALOG_BY_ANY_TYPE as CATALOG_BY_ANY_TYPE
    from .models import CRL_STATUS_KEYS as CRL_STATUS_KEYS
    from .models import CRL_URL_KEYS as CRL_URL_KEYS
    from .models import EVENT_MODELS as EVENT_MODELS
    from .models import (
        EVENT_TYPES,
        BasePkiEvent,
        CaEvent,
        CertificateEvent,
        EventType,
        KnownPkiEvent,
        LifecycleEvent,
        LogEvent,
        NonPkiEvent,
        PkiCaAddEvent,
        PkiCaDeleteEvent,
        PkiCaExpirationWarnEvent,
        PkiCaRenewEvent,
        PkiCaScopeMappingUpdateEvent,
        PkiCertBindEvent,
        PkiCertCrlDownloadFailureEvent,
        PkiCertIssueEvent,
        PkiCertLifecycleActivateEvent,
        PkiCertLifecycleDeleteEvent,
        PkiCertLifecycleHoldEvent,
        PkiCertLifecycleRevokeEvent,
        PkiCertLifecycleSuspendEvent,
        PkiCertRenewEvent,
        PkiCertRevokeEvent,
        PkiEvent,
        UnknownPkiEvent,
    )
    from .models import FAILURE_RESULTS as FAILURE_RESULTS
    from .models import KNOWN_MODELS as KNOWN_MODELS
    from .models import LIFECYCLE_PREFIX as LIFECYCLE_PREFIX
    from .models import PKI_PREFIX as PKI_PREFIX
    from .models import PUBLISHED_PATTERN as PUBLISHED_PATTERN
    from .models import SUCCESS_RESULTS as SUCCESS_RESULTS
    from .models import Action as Action
    from .models import Actor as Actor
    from .models import AuthenticationContext as AuthenticationContext
    from .models import BaseKnownPkiEvent as BaseKnownPkiEvent
    from .models import BotProtection as BotProtection
    from .models import CaDetails as CaDetails
    from .models import CatalogEntry as CatalogEntry
    from .models import ChangeDetails as ChangeDetails
    from .models import Client as Client
    from .models import DebugContext as DebugContext
    from .models import Device as Device
    from .models import ExpirationUrgency as ExpirationUrgency
    from .models import GeographicalContext as GeographicalContext
    from .models import Geolocation as Geolocation
    from .models import IpAddress as IpAddress
    from .models import IpDetails as IpDetails
    from .models import Issuer as Issuer
    from .models import OktaDatetime as OktaDatetime
    from .models import OktaModel as OktaModel
    from .models import Outcome as Outcome
    from .models import OutcomeStatus as OutcomeStatus
    from .models import Request as Request
    from .models import Risk as Risk
    from .models import ScopeMapping as ScopeMapping
    from .models import SecurityContext as SecurityContext
    from .models import Subject as Subject
    from .models import Target as Target
    from .models import TargetKind as TargetKind
    from .models import Transaction as Transaction
    from .models import UserAgent as UserAgent
    from .models import UserBehavior as UserBehavior
    from .models import WireDatetime as WireDatetime
    from .models import epoch_millis_to_datetime as epoch_millis_to_datetime
    from .models import format_okta_datetime as format_okta_datetime
    from .models import model_for as model_for
    from .models import outcome_status as outcome_status
    from .models import target_kind as target_kind
    from .models import wire_text as wire_text
    from .schema import json_schema
    from .summary import EventSummary, summarize
    from .validation import EventValidationError, ValidationIssue, validate

__all__ = [
    "__version__",
    # parsing one event
    "parse_event",
    "parse_event_as",
    "UnknownEventTypeError",
    "RawEvent",
    "OnUnknown",
    # reading streams
    "iter_events",
    "iter_records",
    "EventStream",
    "RecordStream",
    "Record",
    "StreamStats",
    "ParseFailure",
    "RecordError",
    "SourceError",
    "Source",
    "Format",
    "OnError",
    "EnvelopeOption",
    "gc_paused",
    # the events (their parts, the catalogue and the rest: okta_pki_events.models)
    "LogEvent",
    "PkiEvent",
    "KnownPkiEvent",
    "BasePkiEvent",
    "UnknownPkiEvent",
    "NonPkiEvent",
    "CertificateEvent",
    "CaEvent",
    "LifecycleEvent",
    "EventType",
    "EVENT_TYPES",
    "PkiCaAddEvent",
    "PkiCaDeleteEvent",
    "PkiCaExpirationWarnEvent",
    "PkiCaRenewEvent",
    "PkiCaScopeMappingUpdateEvent",
    "PkiCertBindEvent",
    "PkiCertCrlDownloadFailureEvent",
    "PkiCertIssueEvent",
    "PkiCertLifecycleActivateEvent",
    "PkiCertLifecycleDeleteEvent",
    "PkiCertLifecycleHoldEvent",
    "PkiCertLifecycleRevokeEvent",
    "PkiCertLifecycleSuspendEvent",
    "PkiCertRenewEvent",
    "PkiCertRevokeEvent",
    # what events mean
    "classify",
    "Classification",
    "is_pki_event",
    "is_pki_event_type",
    "is_certificate_event",
    "is_ca_event",
    "is_lifecycle_event",
    "validate",
    "ValidationIssue",
    "EventValidationError",
    "summarize",
    "EventSummary",
    # lifecycles (the states, anomalies and the rest: okta_pki_events.lifecycle)
    "build_lifecycles",
    "LifecycleReport",
    "LifecycleTracker",
    # the JSON Schema
    "json_schema",
]

# The module each name of __all__ is imported from (the events' names: ``models``).
_LAZY: dict[str, str] = {
    "gc_paused": "_gc",
    **dict.fromkeys(
        ["OnUnknown", "RawEvent", "UnknownEventTypeError", "parse_event", "parse_event_as"],
        "_parsing",
    ),
    **dict.fromkeys(
        [
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
        ],
        "_stream",
    ),
    **dict.fromkeys(
        [
            "Classification",
            "classify",
            "is_ca_event",
            "is_certificate_event",
            "is_lifecycle_event",
            "is_pki_event",
            "is_pki_event_type",
        ],
        "classification",
    ),
    **dict.fromkeys(["EventValidationError", "ValidationIssue", "validate"], "validation"),
    **dict.fromkeys(["EventSummary", "summarize"], "summary"),
    **dict.fromkeys(["LifecycleReport", "LifecycleTracker", "build_lifecycles"], "lifecycle"),
    "json_schema": "schema",
}
_LAZY.update((name, "models") for name in __all__[1:] if name not in _LAZY)

# Names the package exported before its face was curated, and the public module that is
# their home: they still work from here, with a DeprecationWarning naming that module.
_MOVED: dict[str, str] = {
    **dict.fromkeys(
        [
            "Action",
            "Actor",
            "AuthenticationContext",
            "BaseKnownPkiEvent",
            "BotProtection",
            "CATALOG",
            "CATALOG_BY_ANY_TYPE",
            "CRL_STATUS_KEYS",
            "CRL_URL_KEYS",
            "CaDetails",
            "CatalogEntry",
            "ChangeDetails",
            "Client",
            "DebugContext",
            "Device",
            "EVENT_MODELS",
            "ExpirationUrgency",
            "FAILURE_RESULTS",
            "GeographicalContext",
            "Geolocation",
            "IpAddress",
            "IpDetails",
            "Issuer",
            "KNOWN_MODELS",
            "LIFECYCLE_PREFIX",
            "OktaDatetime",
            "OktaModel",
            "Outcome",
            "OutcomeStatus",
            "PKI_PREFIX",
            "PUBLISHED_PATTERN",
            "Request",
            "Risk",
            "SUCCESS_RESULTS",
            "ScopeMapping",
            "SecurityContext",
            "Subject",
            "Target",
            "TargetKind",
            "Transaction",
            "UserAgent",
            "UserBehavior",
            "WireDatetime",
            "epoch_millis_to_datetime",
            "format_okta_datetime",
            "model_for",
            "outcome_status",
            "target_kind",
            "wire_text",
        ],
        "models",
    ),
    "CLASSIFICATIONS": "classification",
    **dict.fromkeys(
        ["EventBridgeEvent", "EventHookDelivery", "SystemLogPage", "detect_envelope"],
        "envelopes",
    ),
    **dict.fromkeys(["to_dataframe", "to_ecs", "to_ocsf", "to_records"], "export"),
    **dict.fromkeys(
        ["RateLimit", "event_hook_verification", "next_link", "verify_authorization"], "http"
    ),
    **dict.fromkeys(
        [
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
            "TimelineEntry",
            "Transition",
            "ca_keys",
            "certificate_key",
            "lifecycle_diagram",
        ],
        "lifecycle",
    ),
}

# Public subpackages and modules reachable as attributes (``okta_pki_events.lifecycle``).
_SUBMODULES = frozenset(
    {
        "classification",
        "cli",
        "envelopes",
        "export",
        "http",
        "lifecycle",
        "models",
        "pull",
        "schema",
        "summary",
        "testing",
        "validation",
    }
)


def _moved(name: str) -> Any:
    """A deprecated name: its value from its home, after a warning saying where that is."""
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import warnings

    warnings.warn(
        f"importing {name} from okta_pki_events is deprecated: "
        f"import it from okta_pki_events.{module}",
        DeprecationWarning,
        stacklevel=3,
    )
    return getattr(importlib.import_module(f".{module}", __name__), name)


# Hidden from type checkers, which see the imports above: a typo stays an error for them.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a public name from its module on first use (PEP 562), then keep it here."""
        module = _LAZY.get(name)
        if module is not None:
            value = getattr(importlib.import_module(f".{module}", __name__), name)
        elif name in _SUBMODULES:
            value = importlib.import_module(f".{name}", __name__)
        elif name.startswith("_"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        else:
            return _moved(name)  # not kept: each use warns
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The public names, imported or not."""
        dunders = (name for name in globals() if name.startswith("__"))
        return sorted({*dunders, *__all__, *_SUBMODULES})

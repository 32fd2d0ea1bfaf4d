"""The models: shared structures of the Okta LogEvent, one model per PKI event type, registries."""

from __future__ import annotations

from ._base import OktaDatetime, OktaModel, format_okta_datetime
from .authentication import AuthenticationContext, Issuer
from .catalog import CATALOG, CATALOG_BY_ANY_TYPE, CatalogEntry, Subject
from .client import Client, GeographicalContext, Geolocation, IpAddress, Request, UserAgent
from .debug import DebugContext, Transaction
from .device import Device
from .entities import Actor, ChangeDetails, Target
from .events import (
    EVENT_MODELS,
    EVENT_TYPES,
    KNOWN_MODELS,
    PKI_PREFIX,
    BaseKnownPkiEvent,
    BasePkiEvent,
    EventType,
    KnownPkiEvent,
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
from .log_event import LogEvent
from .outcome import Outcome
from .security import BotProtection, IpDetails, Risk, SecurityContext, UserBehavior

__all__ = [
    "CATALOG",
    "CATALOG_BY_ANY_TYPE",
    "EVENT_MODELS",
    "EVENT_TYPES",
    "KNOWN_MODELS",
    "PKI_PREFIX",
    "Actor",
    "AuthenticationContext",
    "BaseKnownPkiEvent",
    "BasePkiEvent",
    "BotProtection",
    "CatalogEntry",
    "ChangeDetails",
    "Client",
    "DebugContext",
    "Device",
    "EventType",
    "GeographicalContext",
    "Geolocation",
    "IpAddress",
    "IpDetails",
    "Issuer",
    "KnownPkiEvent",
    "LogEvent",
    "OktaDatetime",
    "OktaModel",
    "Outcome",
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
    "PkiEvent",
    "Request",
    "Risk",
    "SecurityContext",
    "Subject",
    "Target",
    "Transaction",
    "UnknownPkiEvent",
    "UserAgent",
    "UserBehavior",
    "format_okta_datetime",
]

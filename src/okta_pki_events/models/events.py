"""One model per PKI event type, the fallback for unknown ``pki.*`` types, and the registries.

Each model narrows ``event_type`` to its ``Literal`` (the discriminator of the ``PkiEvent``
union) and carries its catalogue entry as class data (``PkiCertIssueEvent.catalog``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, TypeAlias, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator
from pydantic_core import PydanticCustomError, core_schema

from .catalog import CATALOG_BY_ANY_TYPE, CatalogEntry
from .details import (
    CRL_URL_KEYS,
    CaDetails,
    ExpirationUrgency,
    ScopeMapping,
    first_text,
    http_status_of,
)
from .entities import ChangeDetails, Target
from .log_event import LogEvent

__all__ = [
    "EVENT_MODELS",
    "EVENT_TYPES",
    "PKI_PREFIX",
    "BaseKnownPkiEvent",
    "BasePkiEvent",
    "CaEvent",
    "CertificateEvent",
    "EventType",
    "KnownPkiEvent",
    "LifecycleEvent",
    "NonPkiEvent",
    "PkiEvent",
    "UnknownPkiEvent",
    "model_for",
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
]

PKI_PREFIX = "pki."
"""Every PKI event type starts with this prefix."""


_LIVE_STATUSES = frozenset({"VALID", "PENDING"})


def _event_type_field() -> Any:
    """The ``event_type`` field of a catalogued type's model (its ``Literal`` is the type)."""
    return Field(description="Type of the event: its Literal value (see the model's catalog).")


def _describe_event_type(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """JSON Schema: ``eventType`` described from the model's catalogue entry."""
    entry: CatalogEntry | None = getattr(model, "catalog", None)
    properties = schema.get("properties", {})
    if entry is not None and "eventType" in properties:
        properties["eventType"]["description"] = (
            f"Type of the event: ``{entry.event_type}``. {entry.summary}"
        )


class BasePkiEvent(LogEvent):
    """Base of every PKI event model, known or not: any event whose type starts with ``pki.``."""

    @property
    def ca_details(self) -> list[CaDetails]:
        """The CA details of each CA target that has a ``detailEntry``."""
        found = (CaDetails.from_target(t) for t in self.ca_targets)
        return [d for d in found if d is not None]


class BaseKnownPkiEvent(BasePkiEvent):
    """Base of the models of the PKI event types in Okta's catalogue.

    ``catalog`` is the type's catalogue entry, available on the class without an instance;
    it is looked up from the first value of the model's ``event_type`` ``Literal``, which is
    the one place a model states its type.
    """

    model_config = ConfigDict(json_schema_extra=_describe_event_type)

    catalog: ClassVar[CatalogEntry]
    """Okta's catalogue entry for this event type."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Attach the catalogue entry named by the ``event_type`` ``Literal``.

        A subclass whose ``event_type`` is not such a ``Literal`` (a user's extension, the
        lazy classes) keeps the entry it inherits.
        """
        super().__pydantic_init_subclass__(**kwargs)
        names = get_args(cls.model_fields["event_type"].annotation)
        entry = CATALOG_BY_ANY_TYPE.get(names[0]) if names else None
        if entry is not None:
            cls.catalog = entry


class PkiCaAddEvent(BaseKnownPkiEvent):
    """Model of the ``pki.ca.add`` event.

    An admin created an Okta CA (root or intermediate) or uploaded a third-party chain.
    """

    event_type: Literal["pki.ca.add"] = _event_type_field()


class PkiCaDeleteEvent(BaseKnownPkiEvent):
    """Model of the ``pki.ca.delete`` event.

    An admin deleted a third-party certificate chain.
    """

    event_type: Literal["pki.ca.delete"] = _event_type_field()


class PkiCaExpirationWarnEvent(BaseKnownPkiEvent):
    """Model of the ``pki.ca.expiration.warn`` event.

    A third-party CA nears the FastPass enforcement deadline (6, 3 or 1 months).
    """

    event_type: Literal["pki.ca.expiration.warn"] = _event_type_field()

    @property
    def urgency(self) -> ExpirationUrgency | None:
        """The urgency in ``outcome.reason`` (6, 3 or 1 months); None for another reason."""
        return ExpirationUrgency.from_reason(self.outcome.reason if self.outcome else None)


class PkiCaRenewEvent(BaseKnownPkiEvent):
    """Model of the ``pki.ca.renew`` event.

    One or more CA certificates were renewed; carries the old certificates and their
    replacements.
    """

    event_type: Literal["pki.ca.renew"] = _event_type_field()

    @property
    def new_certificates(self) -> list[Target]:
        """The replacement CA certificates: CA targets whose status is VALID or PENDING.

        Without statuses, the CA target with the latest ``notAfter`` is taken as the new one.
        """
        return self._split_renewal()[1]

    @property
    def old_certificates(self) -> list[Target]:
        """The renewed (old) CA certificates: the CA targets that are not new ones."""
        return self._split_renewal()[0]

    def _split_renewal(self) -> tuple[list[Target], list[Target]]:
        targets = self.ca_targets
        details = [CaDetails.from_target(t) for t in targets]
        statuses = [d.cert_status if d else None for d in details]
        if any(status is not None for status in statuses):
            new = [t for t, st in zip(targets, statuses, strict=True) if st in _LIVE_STATUSES]
        else:
            ends = [(d.not_after if d else None, i) for i, d in enumerate(details)]
            dated = [(end, i) for end, i in ends if end is not None]
            new = [targets[max(dated)[1]]] if dated else []
        return [t for t in targets if t not in new], new


class PkiCaScopeMappingUpdateEvent(BaseKnownPkiEvent):
    """Model of the ``pki.ca.scope.mapping.update`` event.

    Which CAs serve which scope changed.
    """

    event_type: Literal["pki.ca.scope.mapping.update"] = _event_type_field()

    @property
    def scope_before(self) -> ScopeMapping | None:
        """The CA IDs and scope before the change (``changeDetails.from``)."""
        details = self._change_details()
        return ScopeMapping.from_side(details.from_) if details else None

    @property
    def scope_after(self) -> ScopeMapping | None:
        """The CA IDs and scope after the change (``changeDetails.to``)."""
        details = self._change_details()
        return ScopeMapping.from_side(details.to) if details else None

    def _change_details(self) -> ChangeDetails | None:
        for target in self.target or ():
            if target.change_details is not None:
                return target.change_details
        return None


class PkiCertBindEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.bind`` event.

    A certificate was bound to a device (the device shows as managed).
    """

    event_type: Literal["pki.cert.bind"] = _event_type_field()


class PkiCertCrlDownloadFailureEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.crl_download_failure`` event.

    Downloading the CRL at the URL in the certificate failed.

    Also parses the misspelt ``pki.cert.lifecycle.crl_download_failure`` that Okta's own
    description uses; ``event_type`` keeps the spelling that arrived.
    """

    event_type: Literal[
        "pki.cert.crl_download_failure", "pki.cert.lifecycle.crl_download_failure"
    ] = _event_type_field()

    @property
    def crl_url(self) -> str | None:
        """The URL of the CRL that failed, from ``debugData`` (keys: ``CRL_URL_KEYS``)."""
        data = self.debug_context.debug_data if self.debug_context else None
        return first_text(data, CRL_URL_KEYS)

    @property
    def http_status(self) -> int | None:
        """The HTTP status of the failed download (``CRL_STATUS_KEYS``, then the reason)."""
        data = self.debug_context.debug_data if self.debug_context else None
        return http_status_of(data, self.outcome.reason if self.outcome else None)


class PkiCertIssueEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.issue`` event.

    A Device Trust certificate was issued.
    """

    event_type: Literal["pki.cert.issue"] = _event_type_field()


class PkiCertLifecycleActivateEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.lifecycle.activate`` event.

    A certificate was taken off hold, or inactive renewed Okta CA certificates were
    activated.
    """

    event_type: Literal["pki.cert.lifecycle.activate"] = _event_type_field()


class PkiCertLifecycleDeleteEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.lifecycle.delete`` event.

    A certificate was deleted because an admin deleted the bound device.
    """

    event_type: Literal["pki.cert.lifecycle.delete"] = _event_type_field()


class PkiCertLifecycleHoldEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.lifecycle.hold`` event.

    A certificate was put on hold (listed on the CRL); it can be activated again.
    """

    event_type: Literal["pki.cert.lifecycle.hold"] = _event_type_field()


class PkiCertLifecycleRevokeEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.lifecycle.revoke`` event.

    A certificate was revoked (listed on the CRL); it can never be activated again.
    """

    event_type: Literal["pki.cert.lifecycle.revoke"] = _event_type_field()


class PkiCertLifecycleSuspendEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.lifecycle.suspend`` event.

    A certificate was suspended because an admin deactivated the bound device.
    """

    event_type: Literal["pki.cert.lifecycle.suspend"] = _event_type_field()


class PkiCertRenewEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.renew`` event.

    A Device Trust certificate was renewed.
    """

    event_type: Literal["pki.cert.renew"] = _event_type_field()


class PkiCertRevokeEvent(BaseKnownPkiEvent):
    """Model of the ``pki.cert.revoke`` event.

    A Device Trust certificate was revoked.
    """

    event_type: Literal["pki.cert.revoke"] = _event_type_field()


class UnknownPkiEvent(BasePkiEvent):
    """A ``pki.*`` event of a type this version of the library does not know yet.

    Everything is kept, as for every model; upgrade the library to get a typed model.
    """

    @field_validator("event_type")
    @classmethod
    def _must_be_pki(cls, value: str) -> str:
        if not value.startswith(PKI_PREFIX):
            raise ValueError(f"an UnknownPkiEvent's eventType starts with {PKI_PREFIX!r}")
        return value


class NonPkiEvent(LogEvent):
    """An event of any type that is not a PKI one (``user.session.start``, ...).

    What ``parse_event`` returns for the System Log's other events: every field of
    ``LogEvent``, everything kept. A class of its own (``LogEvent`` is the base of every
    model), so that type checkers keep the result of ``parse_event`` as the union
    ``PkiEvent | NonPkiEvent`` instead of folding it into ``LogEvent``.
    """

    @field_validator("event_type")
    @classmethod
    def _must_not_be_pki(cls, value: str) -> str:
        if value.startswith(PKI_PREFIX):
            raise ValueError(f"a NonPkiEvent's eventType does not start with {PKI_PREFIX!r}")
        return value


EventType: TypeAlias = Literal[
    "pki.ca.add",
    "pki.ca.delete",
    "pki.ca.expiration.warn",
    "pki.ca.renew",
    "pki.ca.scope.mapping.update",
    "pki.cert.bind",
    "pki.cert.crl_download_failure",
    "pki.cert.issue",
    "pki.cert.lifecycle.activate",
    "pki.cert.lifecycle.delete",
    "pki.cert.lifecycle.hold",
    "pki.cert.lifecycle.revoke",
    "pki.cert.lifecycle.suspend",
    "pki.cert.renew",
    "pki.cert.revoke",
]
"""The 15 canonical PKI event types."""

EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
"""The 15 canonical PKI event types, as a tuple."""

KnownPkiEvent: TypeAlias = Union[
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
]
"""Any model of a catalogued PKI event type (a plain union, for annotations)."""

CertificateEvent: TypeAlias = Union[
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
]
"""The models of the ``pki.cert.*`` event types (about device certificates)."""

CaEvent: TypeAlias = Union[
    PkiCaAddEvent,
    PkiCaDeleteEvent,
    PkiCaExpirationWarnEvent,
    PkiCaRenewEvent,
    PkiCaScopeMappingUpdateEvent,
]
"""The models of the ``pki.ca.*`` event types (about certificate authorities)."""

LifecycleEvent: TypeAlias = Union[
    PkiCertLifecycleActivateEvent,
    PkiCertLifecycleDeleteEvent,
    PkiCertLifecycleHoldEvent,
    PkiCertLifecycleRevokeEvent,
    PkiCertLifecycleSuspendEvent,
]
"""The models of the ``pki.cert.lifecycle.*`` event types."""


KNOWN_MODELS: tuple[type[BaseKnownPkiEvent], ...] = get_args(KnownPkiEvent)
"""The 15 models, in the order of ``EVENT_TYPES``."""

EVENT_MODELS: Mapping[str, type[BaseKnownPkiEvent]] = MappingProxyType(
    {
        name: model
        for model in KNOWN_MODELS
        for name in get_args(model.model_fields["event_type"].annotation)
    }
)
"""Read-only mapping of every PKI event type (the misspelt CRL alias included) to its model."""


def model_for(event_type: object) -> type[LogEvent]:
    """The registry lookup: the model that reads an event of type ``event_type``.

    The catalogued type's model (the misspelt CRL alias included), ``UnknownPkiEvent`` for
    another ``pki.*`` type, ``NonPkiEvent`` for any other type, ``LogEvent`` for a missing or
    non-string ``eventType`` (whose validation then fails, naming ``eventType``). Public in
    the package: ``parse_event``, ``parse_json_of_type`` and the ``PkiEvent`` annotation all
    dispatch through it.
    """
    if isinstance(event_type, str):
        model = EVENT_MODELS.get(event_type)
        if model is not None:
            return model
        return UnknownPkiEvent if event_type.startswith(PKI_PREFIX) else NonPkiEvent
    return LogEvent


def _dispatch(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    """``PkiEvent``'s validator: a registry lookup on ``eventType``, then one validation.

    The chosen model's errors keep their own paths (``outcome.result``, not prefixed by a
    union tag); wire names only, as ``parse_event``. An instance of a PKI model is kept.
    """
    if isinstance(value, BasePkiEvent):
        return value
    event_type = value.get("eventType") if isinstance(value, Mapping) else None
    model = model_for(event_type)
    if not issubclass(model, BasePkiEvent):
        raise PydanticCustomError(
            "not_pki_event", "Not a PKI event: eventType is missing, not a string or not pki.*"
        )
    return model.__pydantic_validator__.validate_python(value, by_alias=True, by_name=False)


class _DispatchOnEventType:
    """The ``PkiEvent`` annotation's schema: ``_dispatch`` around the union of the models.

    The union (built by pydantic from the annotation) serves serialization and JSON Schema;
    validation never goes through it.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(_dispatch, handler(source))


PkiEvent: TypeAlias = Annotated[Union[KnownPkiEvent, UnknownPkiEvent], _DispatchOnEventType()]
"""Any PKI event: one of the 15 models, or ``UnknownPkiEvent`` for another ``pki.*`` type.

Usable as an annotation in your own models and in a ``TypeAdapter``
(``TypeAdapter(list[PkiEvent])``), with the same result as ``parse_event``: the model is
looked up from ``eventType`` (wire names only), validated once, and its errors name the
field's own path (``0.outcome.result``); a non-PKI event fails with ``not_pki_event``.
"""

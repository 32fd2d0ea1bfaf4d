"""``LogEvent``: the generic model of any Okta System Log event."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from ._base import OktaDatetime, OktaModel, StrOrInt
from ._timestamp import wire_text
from .authentication import AuthenticationContext
from .client import Client, Request
from .debug import DebugContext, Transaction
from .device import Device
from .entities import Actor, Target, target_kind
from .outcome import SUCCESS_RESULTS, Outcome, OutcomeStatus, outcome_status
from .security import SecurityContext
from .vocabulary import OpenSeverity

__all__ = ["SUCCESS_RESULTS", "LogEvent"]


class LogEvent(OktaModel):
    """Any Okta System Log event (``LogEvent``), whatever its ``eventType``.

    Only ``uuid``, ``published`` and ``eventType`` are required; every other field may be
    absent or null. Unknown keys are kept and written back.
    """

    uuid: str = Field(description="Unique identifier of the event.")
    published: OktaDatetime = Field(
        description=(
            "When the event was published: an RFC 3339 date-time with an offset "
            "(2024-08-13T15:58:20.353Z), timezone-aware, written back exactly as it arrived."
        )
    )
    event_type: str = Field(description="Type of the event, e.g. pki.cert.issue.")
    version: StrOrInt | None = Field(
        None,
        description='Versioning indicator, "0"; an integer when sent so (it keeps its JSON type).',
    )
    severity: OpenSeverity | None = Field(None, description="Severity: DEBUG, INFO, WARN, ERROR.")
    legacy_event_type: str | None = Field(
        None, description="The event type of the older Okta event API, where there is one."
    )
    display_message: str | None = Field(None, description="Human-readable summary of the event.")
    actor: Actor | None = Field(None, description="Who performed the action.")
    client: Client | None = Field(None, description="The client that made the request.")
    device: Device | None = Field(None, description="The device the event concerns.")
    authentication_context: AuthenticationContext | None = Field(
        None, description="How the actor authenticated."
    )
    security_context: SecurityContext | None = Field(
        None, description="Network and risk context of the request."
    )
    debug_context: DebugContext | None = Field(None, description="Debug information.")
    outcome: Outcome | None = Field(None, description="The result of the action.")
    target: list[Target] | None = Field(
        None, description="The entities the action was performed on (may be null or absent)."
    )
    transaction: Transaction | None = Field(
        None, description="The transaction the event belongs to."
    )
    request: Request | None = Field(None, description="The request that caused the event.")

    # -- accessors -----------------------------------------------------------------------

    def targets_of_type(self, target_type: str) -> list[Target]:
        """The targets whose ``type`` equals ``target_type``, ignoring case."""
        wanted = target_type.casefold()
        return [t for t in self.target or () if t.type is not None and t.type.casefold() == wanted]

    @property
    def certificate_target(self) -> Target | None:
        """The first target whose kind is a certificate (``target_kind``), if any."""
        for target in self.target or ():
            if target_kind(target.type) == "certificate":
                return target
        return None

    @property
    def device_target(self) -> Target | None:
        """The first target whose kind is a device (``target_kind``), if any."""
        for target in self.target or ():
            if target_kind(target.type) == "device":
                return target
        return None

    @property
    def ca_targets(self) -> list[Target]:
        """The targets whose kind is a certificate authority (``target_kind``)."""
        return [t for t in self.target or () if target_kind(t.type) == "certificate_authority"]

    @property
    def outcome_status(self) -> OutcomeStatus | None:
        """``outcome_status`` of ``outcome.result``: success, failure, unknown, or None."""
        return outcome_status(self.outcome.result if self.outcome is not None else None)

    @property
    def is_success(self) -> bool | None:
        """``outcome_status == "success"`` (SUCCESS or ALLOW, any case); None without a result."""
        status = self.outcome_status
        return None if status is None else status == "success"

    def __hash__(self) -> int:
        """Hash by identity: ``uuid``, ``eventType`` and ``published``.

        Consistent with equality (equal events have equal identities), so events can be put
        in sets and used as dict keys; two events with the same identity but other content
        hash alike and compare unequal.
        """
        return hash((self.uuid, self.event_type, self.published))

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """A short repr: the identity, the outcome and the targets, not every field."""
        yield "uuid", self.uuid
        yield "published", wire_text(self.published)
        yield "event_type", self.event_type
        if self.outcome is not None and self.outcome.result is not None:
            yield "outcome", self.outcome.result
        if self.actor is not None and self.actor.alternate_id is not None:
            yield "actor", self.actor.alternate_id
        if self.target:
            yield "targets", [f"{t.type}:{t.id}" for t in self.target]

"""``LogEvent``: the generic model of any Okta System Log event."""

from __future__ import annotations

from pydantic import Field, StrictInt

from ._base import OktaDatetime, OktaModel
from .authentication import AuthenticationContext
from .client import Client, Request
from .debug import DebugContext, Transaction
from .device import Device
from .entities import Actor, Target
from .outcome import Outcome
from .security import SecurityContext
from .vocabulary import Severity

__all__ = ["LogEvent"]


class LogEvent(OktaModel):
    """Any Okta System Log event (``LogEvent``), whatever its ``eventType``.

    Only ``uuid``, ``published`` and ``eventType`` are required; every other field may be
    absent or null. Unknown keys are kept and written back.
    """

    uuid: str = Field(description="Unique identifier of the event.")
    published: OktaDatetime = Field(
        description=(
            "When the event was published (timezone-aware). Written back in Okta's format, "
            "UTC with milliseconds and Z: 2024-08-13T15:58:20.353Z."
        )
    )
    event_type: str = Field(description="Type of the event, e.g. pki.cert.issue.")
    version: str | StrictInt | None = Field(
        None,
        description='Versioning indicator, "0"; an integer when sent so (it keeps its JSON type).',
    )
    severity: Severity | str | None = Field(None, description="Severity: DEBUG, INFO, WARN, ERROR.")
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

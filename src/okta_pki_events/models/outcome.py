"""The result of the action (``outcome``)."""

from __future__ import annotations

from pydantic import Field

from ._base import OktaModel
from .vocabulary import OpenOutcomeResult

__all__ = ["Outcome"]


class Outcome(OktaModel):
    """The result of the action and, where given, why."""

    result: OpenOutcomeResult | None = Field(
        None,
        description=(
            "Result of the action: SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE, UNKNOWN, "
            "RATE_LIMIT, DEFERRED, SCHEDULED, ABANDONED, UNANSWERED; other values pass through."
        ),
    )
    reason: str | None = Field(
        None,
        description=(
            "Reason for the result (free text, may be empty or long); for pki.ca.expiration.warn "
            "the urgency: EXPIRING_6_MONTHS, EXPIRING_3_MONTHS or EXPIRING_1_MONTH."
        ),
    )

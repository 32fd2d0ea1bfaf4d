"""The result of the action (``outcome``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import OktaModel
from .vocabulary import OpenOutcomeResult

__all__ = ["FAILURE_RESULTS", "SUCCESS_RESULTS", "Outcome", "OutcomeStatus", "outcome_status"]

SUCCESS_RESULTS = frozenset({"SUCCESS", "ALLOW"})
"""The ``outcome.result`` values that mean the action happened."""

FAILURE_RESULTS = frozenset({"FAILURE", "DENY"})
"""The ``outcome.result`` values that mean the action was refused or failed."""

OutcomeStatus = Literal["success", "failure", "unknown"]
"""What an ``outcome.result`` says happened (ECS's ``event.outcome`` vocabulary)."""


def outcome_status(result: str | None) -> OutcomeStatus | None:
    """The one outcome rule: what an ``outcome.result`` says about the action.

    ``"success"`` for SUCCESS and ALLOW, ``"failure"`` for FAILURE and DENY, ``"unknown"``
    for any other value (SKIPPED, CHALLENGE, UNKNOWN, RATE_LIMIT, DEFERRED, a future value),
    None when there is no result. Used by ``LogEvent.is_success``, ``classify`` (anything
    but success needs attention), the lifecycle (no result counts as applied) and the exports
    (ECS ``event.outcome``, OCSF status): each says what it does with None and ``"unknown"``.

    >>> outcome_status("ALLOW"), outcome_status("DENY"), outcome_status("CHALLENGE")
    ('success', 'failure', 'unknown')
    """
    if result is None:
        return None
    if result in SUCCESS_RESULTS:
        return "success"
    if result in FAILURE_RESULTS:
        return "failure"
    return "unknown"


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

    @property
    def status(self) -> OutcomeStatus | None:
        """``outcome_status(self.result)``: success, failure, unknown, or None."""
        return outcome_status(self.result)

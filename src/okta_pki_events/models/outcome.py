"""The result of the action (``outcome``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import OktaModel
from .vocabulary import OpenOutcomeResult

__all__ = ["FAILURE_RESULTS", "SUCCESS_RESULTS", "Outcome", "OutcomeStatus", "outcome_status"]

SUCCESS_RESULTS = frozenset({"SUCCESS", "ALLOW"})
"""The ``outcome.result`` values that mean the action happened (``outcome_status``: any case)."""

FAILURE_RESULTS = frozenset({"FAILURE", "DENY"})
"""The ``outcome.result`` values that mean the action was refused or failed (any case)."""

OutcomeStatus = Literal["success", "failure", "unknown"]
"""What an ``outcome.result`` says happened (ECS's ``event.outcome`` vocabulary)."""


# The one outcome rule's table: a result, lowercased as Elastic's Okta pipeline lowercases it
# before mapping ``event.outcome``, to its status (derived from the two sets above).
_STATUS_OF_LOWERED: dict[str, OutcomeStatus] = {
    **{result.lower(): "success" for result in SUCCESS_RESULTS},
    **{result.lower(): "failure" for result in FAILURE_RESULTS},
}


def outcome_status(result: str | None) -> OutcomeStatus | None:
    """The one outcome rule: what an ``outcome.result`` says about the action.

    ``"success"`` for SUCCESS and ALLOW, ``"failure"`` for FAILURE and DENY, in any case
    (``Allow`` too: Elastic's Okta pipeline lowercases the result before mapping it, and
    ``str.lower`` makes exactly these strings equal to the lowercase words: no other
    character lowercases to an ASCII letter of them), ``"unknown"`` for any other value
    (SKIPPED, CHALLENGE, UNKNOWN, RATE_LIMIT, DEFERRED, a future value, the empty string),
    None when there is no result. Used by ``LogEvent.is_success`` and ``outcome_status``,
    ``Outcome.status``, ``classify`` (anything but success needs attention), the lifecycle
    (no result or success is applied, anything else refused) and the exports (ECS
    ``event.outcome``, OCSF ``status_id``, the records' ``is_success``): each maps this
    function's answer through a small table, none reads the result's text again.

    >>> outcome_status("ALLOW"), outcome_status("deny"), outcome_status("CHALLENGE")
    ('success', 'failure', 'unknown')
    """
    if result is None:
        return None
    return _STATUS_OF_LOWERED.get(result.lower(), "unknown")


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

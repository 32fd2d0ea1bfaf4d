"""Debug data and the transaction (``debugContext``, ``transaction``)."""

from __future__ import annotations

from pydantic import Field

from ._base import JsonObject, OktaModel
from .vocabulary import OpenTransactionType

__all__ = ["DebugContext", "Transaction"]


class DebugContext(OktaModel):
    """Debug information (``debugContext``)."""

    debug_data: JsonObject | None = Field(
        None,
        description=(
            "Free-form debug data. Okta says it is not a data contract: keys change between "
            "releases and values are nearly always strings, even booleans and embedded JSON."
        ),
    )


class Transaction(OktaModel):
    """The transaction the event belongs to (``transaction``)."""

    type: OpenTransactionType | None = Field(None, description="Transaction type: WEB or JOB.")
    id: str | None = Field(
        None, description="Transaction ID correlating the log entries of one action."
    )
    detail: JsonObject | None = Field(None, description="Transaction details ({} or null).")

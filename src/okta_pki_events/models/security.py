"""Network and risk context (``securityContext`` and its parts)."""

from __future__ import annotations

from pydantic import Field

from ._base import OktaModel, OptBool, StrListOrStr, StrOrInt
from .vocabulary import OpenRiskLevel

__all__ = ["BotProtection", "IpDetails", "Risk", "SecurityContext", "UserBehavior"]


class IpDetails(OktaModel):
    """Network details of an IP address (``ipDetails``)."""

    as_number: StrOrInt | None = Field(
        None, description="Autonomous system number; an integer, kept as a string if sent so."
    )
    as_org: str | None = Field(None, description="Organization that owns the AS number.")
    isp: str | None = Field(None, description="Internet service provider.")
    domain: str | None = Field(None, description="Domain name of the address.")


class Risk(OktaModel):
    """Okta's risk assessment of the request (``securityContext.risk``)."""

    level: OpenRiskLevel | None = Field(None, description="Risk level: LOW, MEDIUM, HIGH.")
    previous_level: OpenRiskLevel | None = Field(None, description="The risk level before.")
    detection_name: str | None = Field(None, description="Name of the detection that fired.")
    issuer: str | None = Field(None, description="Who assessed the risk.")
    reasons: StrListOrStr | None = Field(
        None, description="Why the level was assigned; a list, kept as a string if sent so."
    )


class UserBehavior(OktaModel):
    """One evaluated user behavior (an entry of ``securityContext.userBehaviors``)."""

    id: str | None = Field(None, description="ID of the behavior detection rule.")
    name: str | None = Field(None, description="Name of the behavior, e.g. New Device.")
    result: str | None = Field(None, description="Result: POSITIVE, NEGATIVE, UNKNOWN, ...")


class BotProtection(OktaModel):
    """Bot protection assessment (``securityContext.botProtection``)."""

    level: OpenRiskLevel | None = Field(None, description="Bot likelihood level.")


class SecurityContext(OktaModel):
    """Network and risk context of the request (``securityContext``)."""

    as_number: StrOrInt | None = Field(
        None,
        description=(
            "Autonomous system number; an integer, kept as a string when Okta sends one "
            "(that rejected whole events in Okta's own Python SDK)."
        ),
    )
    as_org: str | None = Field(None, description="Organization that owns the AS number.")
    isp: str | None = Field(None, description="Internet service provider.")
    domain: str | None = Field(None, description="Domain name of the client's address.")
    is_proxy: OptBool = Field(
        None, description="Whether the request came through a proxy or anonymizer."
    )
    ip_details: IpDetails | None = Field(None, description="Network details of the address.")
    risk: Risk | None = Field(None, description="Okta's risk assessment.")
    user_behaviors: list[UserBehavior] | None = Field(
        None, description="The user behaviors evaluated for this request."
    )
    bot_protection: BotProtection | None = Field(None, description="Bot protection assessment.")

"""Where the request came from: ``client``, its geography, and ``request.ipChain``."""

from __future__ import annotations

from pydantic import Field

from ._base import Number, OktaModel, StrOrInt
from .security import IpDetails
from .vocabulary import OpenIpVersion

__all__ = ["Client", "GeographicalContext", "Geolocation", "IpAddress", "Request", "UserAgent"]


class UserAgent(OktaModel):
    """The client's user agent (``client.userAgent``)."""

    raw_user_agent: str | None = Field(None, description="The raw User-Agent header.")
    os: str | None = Field(None, description="Operating system Okta derived from the user agent.")
    browser: str | None = Field(None, description="Browser Okta derived from the user agent.")


class Geolocation(OktaModel):
    """Latitude and longitude (``geolocation``)."""

    lat: Number | None = Field(None, description="Latitude, in degrees.")
    lon: Number | None = Field(None, description="Longitude, in degrees.")


class GeographicalContext(OktaModel):
    """The geographical location of an IP address (``geographicalContext``)."""

    city: str | None = Field(None, description="City.")
    state: str | None = Field(None, description="State or region.")
    country: str | None = Field(None, description="Country.")
    postal_code: StrOrInt | None = Field(
        None,
        description=(
            "Postal code. Okta's own examples send a string, an integer or null; the value keeps "
            "the JSON type it arrived with."
        ),
    )
    geolocation: Geolocation | None = Field(None, description="Latitude and longitude.")


class IpAddress(OktaModel):
    """One IP address the request passed through (an entry of ``ipChain``)."""

    ip: str | None = Field(None, description="The IP address.")
    geographical_context: GeographicalContext | None = Field(
        None, description="Where the address is located."
    )
    version: OpenIpVersion | None = Field(None, description="IP version: V4 or V6.")
    source: str | None = Field(None, description="Where the address was taken from.")
    ip_details: IpDetails | None = Field(None, description="Network details of the address.")


class Client(OktaModel):
    """The client that made the request (``client``)."""

    user_agent: UserAgent | None = Field(None, description="The client's user agent.")
    zone: str | None = Field(
        None,
        description=(
            'Network zone name; real data sends the *string* "null" where there is none, '
            "which is kept as such."
        ),
    )
    device: str | None = Field(
        None, description="Kind of client device: Computer, Mobile, Unknown, ... (free text)."
    )
    id: str | None = Field(None, description="ID of the client (an OAuth client, for example).")
    ip_address: str | None = Field(None, description="IP address of the client.")
    geographical_context: GeographicalContext | None = Field(
        None, description="Where the client's IP address is located."
    )
    ip_chain: list[IpAddress] | None = Field(
        None, description="IP chain, present inside ``client`` in some payloads."
    )


class Request(OktaModel):
    """The request that caused the event (``request``)."""

    ip_chain: list[IpAddress] | None = Field(
        None, description="The IP addresses the request passed through, client first."
    )

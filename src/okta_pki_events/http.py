"""HTTP helpers: the event-hook handshake and checks, and the System Log API's headers.

- ``event_hook_verification``: answer Okta's one-time verification request of an event hook.
- ``verify_authorization``: check the event hook's configured authorization header, in
  constant time; an empty or missing secret is refused, never matched.
- ``next_link``: the URL of the next System Log page, from the ``Link`` header.
- ``RateLimit``: Okta's rate-limit headers.

Headers are read from whatever a web framework gives: a mapping, a list of pairs (``str`` or
``bytes``, as in an ASGI scope), or anything with ``.items()`` (``http.client.HTTPMessage``
from ``http.server``, Starlette's or Werkzeug's ``Headers``). Names are matched without
regard to case. Every parser runs in linear time, whatever the header holds.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, Union, cast

__all__ = [
    "VERIFICATION_HEADER",
    "Headers",
    "RateLimit",
    "event_hook_verification",
    "header_pairs",
    "header_values",
    "next_link",
    "verify_authorization",
]

VERIFICATION_HEADER = "x-okta-verification-challenge"
"""The header of Okta's one-time event-hook verification request."""


class _HasItems(Protocol):
    def items(self) -> Iterable[tuple[Any, Any]]: ...


Headers = Union[_HasItems, Iterable[tuple[Union[str, bytes], Union[str, bytes]]]]
"""Request or response headers: a mapping or anything with ``.items()``, or pairs of ``str``
or ``bytes`` (an ASGI scope's ``headers``)."""


def _text(value: Any) -> str:
    """A header name or value as text: bytes are decoded as HTTP does (Latin-1)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    return str(value)


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Headers in any shape as ``(name, value)`` text pairs, in order (bytes as Latin-1).

    Raises ``ValueError`` when ``headers`` is no mapping and no iterable (None, say) or holds
    something that is no (name, value) pair.
    """
    items = getattr(headers, "items", None)
    pairs = items() if callable(items) else cast("Iterable[Any]", headers)
    try:
        each = iter(pairs)
    except TypeError:  # None (a Lambda event's "headers": null), a number, ...
        raise ValueError(
            f"headers must be a mapping or (name, value) pairs, not {type(headers).__name__}"
        ) from None
    out = []
    for pair in each:
        try:
            key, value = pair
        except (TypeError, ValueError):
            raise ValueError(f"headers must be (name, value) pairs, not {pair!r}") from None
        out.append((_text(key), _text(value)))
    return out


def header_values(headers: Headers, name: str) -> list[str]:
    """Every value of the header ``name`` (any case), in order, as text."""
    wanted = name.lower()
    return [value for key, value in header_pairs(headers) if key.lower() == wanted]


def _header(headers: Headers, name: str) -> str | None:
    values = header_values(headers, name)
    return values[0] if values else None


def event_hook_verification(headers: Headers) -> dict[str, str]:
    """Answer Okta's one-time event-hook verification: ``{"verification": <challenge>}``.

    Raises ``ValueError`` when the request carries no ``x-okta-verification-challenge``
    header (or an empty one).
    """
    challenge = _header(headers, VERIFICATION_HEADER)
    if not challenge:
        raise ValueError(f"no {VERIFICATION_HEADER} header: not a verification request")
    return {"verification": challenge}


def _forms(value: str) -> list[bytes]:
    """The bytes a header value may have had on the wire.

    Latin-1, as HTTP servers decode it, and UTF-8, as some frameworks do.
    """
    forms = [value.encode("utf-8", "surrogateescape")]
    with contextlib.suppress(UnicodeEncodeError):
        forms.insert(0, value.encode("latin-1"))
    return forms


def verify_authorization(
    headers: Headers, expected: str | bytes | None, *, header: str = "authorization"
) -> bool:
    """Check the event hook's configured authorization header, in constant time.

    True when the request's ``header`` (``Authorization`` by default, any case) equals
    ``expected`` exactly; False when it differs, is empty or is absent.

    Raises ``ValueError`` when ``expected`` is empty or None: a secret that is not set must
    never let a request in (an unset environment variable, say).
    """
    if expected is None or len(expected) == 0:
        raise ValueError("the expected authorization is empty: configure the event hook's secret")
    wanted = expected.encode("utf-8") if isinstance(expected, str) else bytes(expected)
    given = _header(headers, header)
    if not given:
        return False
    matched = False
    for form in _forms(given):
        matched |= hmac.compare_digest(form, wanted)
    return matched


def next_link(headers: Headers) -> str | None:
    """The URL of the next System Log page, from the ``Link`` header(s) (``rel="next"``).

    Reads RFC 8288 links (``<url>; rel="next"``, several per header, ``rel`` with several
    values) in one pass: linear in the header's length, whatever it holds.
    """
    for value in header_values(headers, "link"):
        for url, params in _links(value):
            for param in params.split(";"):
                name, _, raw = param.partition("=")
                if name.strip().lower() == "rel":
                    rels = raw.strip().strip('"').lower().split()
                    if "next" in rels:
                        return url
    return None


def _links(value: str) -> Iterable[tuple[str, str]]:
    """The ``(url, parameters)`` of each ``<url>; params`` in a Link header value."""
    start = value.find("<")
    while start >= 0:
        end = value.find(">", start + 1)
        if end < 0:
            return
        following = value.find("<", end + 1)
        params = value[end + 1 : following if following >= 0 else len(value)]
        yield value[start + 1 : end].strip(), params.strip().rstrip(",")
        start = following


_MAX_DIGITS = 18


@dataclass(frozen=True)
class RateLimit:
    """Okta's rate-limit headers of a response."""

    limit: int | None
    """X-Rate-Limit-Limit: requests allowed per window."""
    remaining: int | None
    """X-Rate-Limit-Remaining: requests left in the window."""
    reset: int | None
    """X-Rate-Limit-Reset: when the window resets (epoch seconds)."""

    @classmethod
    def from_headers(cls, headers: Headers) -> RateLimit:
        """Read the three headers (absent or malformed ones give None)."""

        def number(name: str) -> int | None:
            value = (_header(headers, name) or "").strip()
            if value.isascii() and value.isdigit() and len(value) <= _MAX_DIGITS:
                return int(value)
            return None

        return cls(
            number("x-rate-limit-limit"),
            number("x-rate-limit-remaining"),
            number("x-rate-limit-reset"),
        )

"""The HTTP helpers: event-hook checks on a real server, headers in every shape, linear parsers."""

from __future__ import annotations

import http.client
import http.server
import io
import threading
from collections.abc import Iterator
from typing import Any, cast

import pytest

from okta_pki_events import PkiCertCrlDownloadFailureEvent, parse_event
from okta_pki_events.http import (
    RateLimit,
    event_hook_verification,
    header_pairs,
    header_values,
    next_link,
    verify_authorization,
)

from .support import pki_fixture

SECRET = "Basic czNjcmV0"


class ItemsOnly:
    """Headers as Starlette and Werkzeug give them: not a mapping, but with ``.items()``."""

    def __init__(self, *pairs: tuple[str, str]) -> None:
        self.pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(self.pairs)


def message(raw: bytes) -> http.client.HTTPMessage:
    """Headers as ``http.server`` gives them (an ``HTTPMessage``, not a mapping)."""
    return http.client.parse_headers(io.BytesIO(raw + b"\r\n"))


SHAPES: list[Any] = [
    {"Authorization": SECRET},
    {"authorization": SECRET},
    [("AUTHORIZATION", SECRET)],
    [(b"authorization", SECRET.encode())],  # an ASGI scope's raw headers
    [[b"authorization", SECRET.encode()]],  # ASGI gives lists, too
    ItemsOnly(("Authorization", SECRET)),
    message(f"Authorization: {SECRET}\r\n".encode()),
]


@pytest.mark.parametrize("headers", SHAPES, ids=lambda h: type(h).__name__)
def test_authorization_from_headers_of_any_shape(headers: Any) -> None:
    assert verify_authorization(headers, SECRET)
    assert verify_authorization(headers, SECRET.encode())
    assert not verify_authorization(headers, SECRET + "x")
    assert header_values(headers, "Authorization") == [SECRET]


@pytest.mark.parametrize("expected", ["", b"", None])
def test_an_empty_or_missing_secret_is_refused_not_matched(expected: Any) -> None:
    for headers in ({"Authorization": ""}, {}, [("authorization", "")]):
        with pytest.raises(ValueError, match="secret"):
            verify_authorization(headers, expected)


def test_an_empty_or_absent_header_never_matches() -> None:
    assert not verify_authorization({"Authorization": ""}, SECRET)
    assert not verify_authorization({}, SECRET)
    assert verify_authorization({"X-Hook-Key": "k"}, "k", header="x-hook-key")


def test_a_non_ascii_secret_as_servers_decode_it() -> None:
    secret = "Bearer clé-été"
    wire = f"Authorization: {secret}\r\n".encode()
    assert verify_authorization(message(wire), secret)  # http.server decodes Latin-1
    assert verify_authorization([(b"authorization", secret.encode())], secret)
    assert verify_authorization({"Authorization": secret}, secret)  # decoded as UTF-8


def test_verification_challenge_from_any_shape() -> None:
    for headers in (
        {"X-Okta-Verification-Challenge": "abc"},
        [(b"x-okta-verification-challenge", b"abc")],
        message(b"X-Okta-Verification-Challenge: abc\r\n"),
        ItemsOnly(("x-okta-verification-challenge", "abc")),
    ):
        assert event_hook_verification(headers) == {"verification": "abc"}
    for missing in ({"Accept": "*/*"}, {"X-Okta-Verification-Challenge": ""}):
        with pytest.raises(ValueError, match="verification"):
            event_hook_verification(missing)


def test_headers_that_are_no_pairs_are_a_value_error() -> None:
    with pytest.raises(ValueError, match="pairs"):
        header_pairs(cast(Any, ["authorization"]))
    with pytest.raises(ValueError, match="pairs"):
        verify_authorization(cast(Any, [("a", "b", "c")]), SECRET)


@pytest.mark.parametrize("headers", [None, 5, 1.5])
def test_headers_that_are_not_iterable_are_a_value_error(headers: Any) -> None:
    # a Lambda proxy event without headers has "headers": null: a TypeError left every
    # helper ('NoneType' object is not iterable)
    for call in (
        lambda: verify_authorization(headers, SECRET),
        lambda: event_hook_verification(headers),
        lambda: next_link(headers),
        lambda: RateLimit.from_headers(headers),
        lambda: header_values(headers, "link"),
    ):
        with pytest.raises(
            ValueError, match=f"mapping or .name, value. pairs, not {type(headers).__name__}"
        ):
            call()


class Hook(http.server.BaseHTTPRequestHandler):
    """An event hook served by the standard library, as a user would write one."""

    def do_GET(self) -> None:
        self.answer(200, str(event_hook_verification(self.headers)))

    def do_POST(self) -> None:
        allowed = verify_authorization(self.headers, SECRET)
        self.answer(200 if allowed else 401, "ok" if allowed else "no")

    def answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, int]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[0], server.server_address[1]  # type: ignore[misc]
    finally:
        server.shutdown()
        server.server_close()


def request(address: tuple[str, int], method: str, headers: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request(
            method, "/hook", body=b"{}" if method == "POST" else None, headers=headers
        )
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def test_a_real_http_server_hook(hook: tuple[str, int]) -> None:
    assert request(hook, "GET", {"X-Okta-Verification-Challenge": "c1"}) == (
        200,
        "{'verification': 'c1'}",
    )
    assert request(hook, "POST", {"Authorization": SECRET}) == (200, "ok")
    assert request(hook, "POST", {"Authorization": "Basic wrong"}) == (401, "no")
    assert request(hook, "POST", {"Authorization": ""}) == (401, "no")
    assert request(hook, "POST", {}) == (401, "no")


# -- the System Log API's headers ---------------------------------------------------------------


def test_next_link_reads_rfc_8288_links() -> None:
    url = "https://example.okta.com/api/v1/logs?after=abc&limit=2"
    for value in (
        f'<https://x/self>; rel="self", <{url}>; rel="next"',
        f"<{url}>; rel=next",
        f'<{url}> ; REL = "next"',
        f'<{url}>; title="a, b"; rel="prev next"',
    ):
        assert next_link({"Link": value}) == url, value
    headers: list[tuple[str | bytes, str | bytes]] = [
        ("link", '<https://x/self>; rel="self"'),
        (b"Link", f'<{url}>; rel="next"'.encode()),
    ]
    assert next_link(headers) == url
    assert next_link({"link": '<https://x/self>; rel="self"'}) is None
    assert next_link({"link": "<https://x/next; rel=next"}) is None  # never closed
    assert next_link({}) is None


@pytest.mark.parametrize(
    "hostile",
    [
        "<" * 200_000,
        "<a>" + ";" * 200_000,
        "<a>; rel" + " " * 200_000 + "=x",
        '<a>; rel="' + "x" * 200_000,
        ("<https://x/page>; rel=self, " * 8_000) + '<https://x/n>; rel="next"',
    ],
)
def test_header_parsers_stay_linear_on_hostile_headers(hostile: str) -> None:
    # Quadratic parsers took minutes on 200 KB; these finish at once (the suite's own time
    # is the guard, no timing is asserted).
    found = next_link({"Link": hostile})
    assert found in (None, "https://x/n")
    limits = RateLimit.from_headers({"X-Rate-Limit-Limit": hostile})
    assert limits.limit is None


def test_rate_limits_refuse_what_is_not_a_small_number() -> None:
    for bad in ("n/a", "²", "9" * 5000, "-1", "1.5", ""):
        assert RateLimit.from_headers({"X-Rate-Limit-Limit": bad}).limit is None
    headers = message(b"X-Rate-Limit-Limit: 120\r\nX-Rate-Limit-Remaining: 0\r\n")
    assert RateLimit.from_headers(headers) == RateLimit(120, 0, None)


def crl_failure(reason: str, **debug: Any) -> PkiCertCrlDownloadFailureEvent:
    raw = pki_fixture("pki.cert.crl_download_failure")
    raw["outcome"] = {"result": "FAILURE", "reason": reason}
    raw["debugContext"] = {"debugData": debug}
    event = parse_event(raw)
    assert isinstance(event, PkiCertCrlDownloadFailureEvent)
    return event


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("HTTP 404", 404),
        ("download failed: http status: 503", 503),
        ("HTTP : 502 Bad Gateway", 502),
        ("HTTP=500", 500),
        ("HTTP 4041", None),
        ("HTTP ²04", None),
        ("HTTP" + " " * 200_000 + "x", None),
        ("HTTP " * 50_000, None),
        ("HTTP status" * 20_000 + " 404", None),
    ],
)
def test_crl_status_in_the_reason_is_found_in_linear_time(reason: str, status: int | None) -> None:
    assert crl_failure(reason).http_status == status


def test_crl_status_in_debug_data_that_is_no_number() -> None:
    assert crl_failure("HTTP 500", httpStatusCode="²").http_status == 500
    assert crl_failure("HTTP 500", httpStatusCode="9" * 5000).http_status == 500
    assert crl_failure("HTTP 500", httpStatusCode=" 404 ").http_status == 404

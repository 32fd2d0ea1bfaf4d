"""OAuth 2.0 service app (private_key_jwt, DPoP) against FakeOkta's token endpoint."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from okta_pki_events.pull import (
    PrivateKeyJwtAuth,
    PullAuthError,
    PullConfig,
    PullError,
    PullRateLimitError,
    PullUnavailableError,
    SswsAuth,
    apull_pages,
    load_private_key,
    pull_pages,
)
from okta_pki_events.testing import FakeOkta, make_wire_event

CLIENT = "0oa-service-app"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def okta(rsa_key: rsa.RSAPrivateKey) -> Iterator[FakeOkta]:
    with FakeOkta() as fake:
        fake.add_client(CLIENT, rsa_key.public_key())
        for i in range(5):
            event = make_wire_event("pki.cert.issue")
            event["uuid"] = f"u{i}"
            fake.persist(event)
        yield fake


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _uuids(okta: FakeOkta, auth: PrivateKeyJwtAuth, limit: int = 2) -> list[str]:
    with httpx.Client() as http:
        pages = list(pull_pages(http, PullConfig(okta.url, limit=limit), auth=auth))
    return [str(e.uuid) for p in pages for e in p.events]


def test_dpop_end_to_end_with_one_nonce_retry(
    okta: FakeOkta, rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    key = load_private_key(_pem(rsa_key, tmp_path / "key.pem"))
    auth = PrivateKeyJwtAuth(okta.url, CLIENT, key)
    assert _uuids(okta, auth) == [f"u{i}" for i in range(5)]
    tokens = [r for r in okta.requests if r.path == "/oauth2/v1/token"]
    # The proof is on the first token request already (no proofless failed grant), the
    # server asks for its nonce once, and the token is reused for every page.
    assert [r.status for r in tokens] == [400, 200]
    assert all("dpop" in r.headers for r in tokens)
    nonces = [
        jwt.decode(r.headers["dpop"], options={"verify_signature": False}).get("nonce")
        for r in tokens
    ]
    assert nonces[0] is None
    assert nonces[1] is not None
    logs = okta.log_requests()
    assert [r.status for r in logs] == [200, 200, 200]
    for request in logs:
        assert request.headers["authorization"].startswith("DPoP ")
        claims = jwt.decode(request.headers["dpop"], options={"verify_signature": False})
        assert claims["htm"] == "GET"
        assert claims["htu"] == okta.url + "/api/v1/logs"  # without the query
        assert "ath" in claims
    assert len({r.headers["dpop"] for r in logs}) == 3  # a fresh proof each time
    assert repr(key) == "SigningKey(algorithm='RS256', key_id=None)"
    assert repr(auth) == f"PrivateKeyJwtAuth(org={okta.url!r}, client_id={CLIENT!r}, dpop=True)"


def test_a_jwk_file_with_an_ec_key(okta: FakeOkta, tmp_path: Path) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    okta.add_client("0oa-ec", private.public_key())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private))
    jwk["kid"] = "key-1"
    path = tmp_path / "key.jwk"
    path.write_text(json.dumps({"keys": [jwk]}))
    key = load_private_key(path)
    assert (key.algorithm, key.key_id) == ("ES256", "key-1")
    assert len(_uuids(okta, PrivateKeyJwtAuth(okta.url, "0oa-ec", key), limit=5)) == 5


def test_a_revoked_token_is_refreshed_once(
    okta: FakeOkta, rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    auth = PrivateKeyJwtAuth(okta.url, CLIENT, load_private_key(_pem(rsa_key, tmp_path / "k")))
    with httpx.Client() as http:
        pages = pull_pages(http, PullConfig(okta.url, limit=2), auth=auth)
        first = next(pages)
        okta.revoke_tokens()
        rest = list(pages)
    assert first.size + sum(p.size for p in rest) == 5
    assert [r.status for r in okta.log_requests()] == [200, 401, 200, 200]
    # One new token, with the nonce already known: no second nonce round trip.
    tokens = [r.status for r in okta.requests if r.path == "/oauth2/v1/token"]
    assert tokens == [400, 200, 200]


def test_an_unregistered_key_exits_3(okta: FakeOkta, tmp_path: Path) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = PrivateKeyJwtAuth(okta.url, CLIENT, load_private_key(_pem(other, tmp_path / "k")))
    with pytest.raises(PullAuthError, match="invalid_client") as info:
        _uuids(okta, auth)
    assert info.value.exit_code == 3
    assert okta.log_requests() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", "PEM"),
        (b"hello", "neither a PEM private key nor a JWK"),
        (b'{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}', "not a private key"),
        (b'{"keys": []}', "exactly one key"),
        (b'{"kty": "oct", "k": "AAAA", "d": "x"}', "use RSA or EC"),
        (b'{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "d": "AA"}', "usable JWK"),
    ],
)
def test_a_bad_key_file_exits_3_without_showing_it(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "key"
    path.write_bytes(content)
    with pytest.raises(PullAuthError, match=message) as info:
        load_private_key(path)
    assert info.value.exit_code == 3
    assert "not a key" not in str(info.value)


def test_a_missing_key_file_exits_3(tmp_path: Path) -> None:
    with pytest.raises(PullAuthError, match="cannot read") as info:
        load_private_key(tmp_path / "absent.pem")
    assert info.value.exit_code == 3


def test_a_scope_the_app_lacks_exits_3(rsa_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    with FakeOkta() as okta:
        okta.add_client(CLIENT, rsa_key.public_key(), scopes=("okta.users.read",))
        key = load_private_key(_pem(rsa_key, tmp_path / "k"))
        with pytest.raises(PullAuthError, match="invalid_scope"):
            _uuids(okta, PrivateKeyJwtAuth(okta.url, CLIENT, key))


def test_without_dpop_a_bearer_token(rsa_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    with FakeOkta() as okta:
        okta.add_client(CLIENT, rsa_key.public_key(), require_dpop=False)
        okta.persist(make_wire_event("pki.cert.bind"))
        key = load_private_key(_pem(rsa_key, tmp_path / "k"))
        assert len(_uuids(okta, PrivateKeyJwtAuth(okta.url, CLIENT, key, dpop=False))) == 1
        (request,) = okta.log_requests()
        assert request.headers["authorization"].startswith("Bearer ")
        assert "dpop" not in request.headers


def test_an_app_requiring_dpop_refuses_a_client_without(
    okta: FakeOkta, rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    key = load_private_key(_pem(rsa_key, tmp_path / "k"))
    with pytest.raises(PullAuthError, match=r"invalid_dpop_proof.*leave dpop on"):
        _uuids(okta, PrivateKeyJwtAuth(okta.url, CLIENT, key, dpop=False))


def test_the_async_driver_with_dpop(
    okta: FakeOkta, rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    key = load_private_key(_pem(rsa_key, tmp_path / "k"))

    async def collect() -> list[str]:
        auth = PrivateKeyJwtAuth(okta.url, CLIENT, key)
        async with httpx.AsyncClient(auth=auth) as http:
            return [
                str(e.uuid)
                async for p in apull_pages(http, PullConfig(okta.url, limit=2))
                for e in p.events
            ]

    assert asyncio.run(collect()) == [f"u{i}" for i in range(5)]


def test_a_replayed_proof_is_refused(
    okta: FakeOkta, rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    auth = PrivateKeyJwtAuth(okta.url, CLIENT, load_private_key(_pem(rsa_key, tmp_path / "k")))
    _uuids(okta, auth, limit=5)
    first = okta.log_requests()[0]
    again = httpx.get(
        okta.url + "/api/v1/logs",
        headers={"Authorization": first.headers["authorization"], "DPoP": first.headers["dpop"]},
    )
    assert again.status_code == 401
    assert "invalid_dpop_proof" in again.headers["www-authenticate"]


def test_a_token_is_renewed_a_minute_before_it_expires(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    now = [time.time()]
    with FakeOkta(clock=lambda: now[0], token_lifetime=300) as okta:
        okta.add_client(CLIENT, rsa_key.public_key())
        for _ in range(3):
            okta.persist(make_wire_event("pki.cert.issue"))
        key = load_private_key(_pem(rsa_key, tmp_path / "k"))
        auth = PrivateKeyJwtAuth(okta.url, CLIENT, key, clock=lambda: now[0])
        with httpx.Client() as http:
            pages = pull_pages(http, PullConfig(okta.url, limit=1), auth=auth)
            next(pages)
            now[0] += 239  # 61 s left: still used
            next(pages)
            tokens_then = len([r for r in okta.requests if r.path == "/oauth2/v1/token"])
            now[0] += 2  # 59 s left: renewed before use, no 401 on the way
            next(pages)
        tokens = [r.status for r in okta.requests if r.path == "/oauth2/v1/token"]
        assert tokens_then == 2
        assert tokens == [400, 200, 200]
        assert [r.status for r in okta.log_requests()] == [200, 200, 200]


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [(503, PullUnavailableError, 6), (429, PullRateLimitError, 4), (401, PullAuthError, 3)],
)
def test_a_failing_token_endpoint_is_not_always_an_auth_error(
    okta: FakeOkta,
    rsa_key: rsa.RSAPrivateKey,
    tmp_path: Path,
    status: int,
    error: type[PullError],
    code: int,
) -> None:
    okta.fail_next(status=status, code="E0000009", summary="boom", token_endpoint=True)
    auth = PrivateKeyJwtAuth(okta.url, CLIENT, load_private_key(_pem(rsa_key, tmp_path / "k")))
    with pytest.raises(error, match="boom") as info:
        _uuids(okta, auth)
    assert info.value.exit_code == code


class _Deep(BaseHTTPRequestHandler):
    """Answers every request with JSON nested deeper than json's decoder recurses."""

    status = 200
    body = b'{"access_token":' + b"[" * 100_000

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.mark.parametrize("status", [200, 400, 401])
def test_answers_nested_too_deeply_are_pull_errors_never_a_crash(
    rsa_key: rsa.RSAPrivateKey, status: int, tmp_path: Path
) -> None:
    # the token endpoint's answer (and its error) and Okta's error answers were read with
    # json.loads catching ValueError only: RecursionError escaped from pull_pages
    handler = type("Deep", (_Deep,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        org = f"http://127.0.0.1:{server.server_port}"
        config = PullConfig(org, max_attempts=1)
        key = load_private_key(_pem(rsa_key, tmp_path / "key.pem"))
        auth = PrivateKeyJwtAuth(org, CLIENT, key, dpop=False)
        with httpx.Client() as client, pytest.raises(PullError) as raised:
            list(pull_pages(client, config, auth=auth, sleep=lambda _: None))
        assert isinstance(raised.value, PullAuthError)
        with httpx.Client() as client, pytest.raises(PullError) as raised:
            list(pull_pages(client, config, auth=SswsAuth("token"), sleep=lambda _: None))
        assert raised.value.exit_code == {200: 6, 400: 5, 401: 3}[status]
    finally:
        server.shutdown()
        server.server_close()

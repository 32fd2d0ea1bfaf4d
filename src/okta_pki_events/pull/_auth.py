"""Authentication for the System Log API: an SSWS API token, or an OAuth 2.0 service app.

Both are ``httpx.Auth`` flows, so they work on ``httpx.Client`` and ``httpx.AsyncClient``
alike. Secrets never appear in ``repr``, messages or logs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from ._core import (
    PullAuthError,
    PullError,
    PullRateLimitError,
    PullUnavailableError,
    normalize_org,
)

__all__ = [
    "LOGS_SCOPE",
    "PrivateKeyJwtAuth",
    "SigningKey",
    "SswsAuth",
    "load_private_key",
]

LOGS_SCOPE = "okta.logs.read"
"""The OAuth scope that reads the System Log."""
TOKEN_PATH = "/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
REFRESH_MARGIN = 60.0
"""Seconds before its expiry that a cached access token is replaced."""


class SswsAuth(httpx.Auth):
    """``Authorization: SSWS <token>``: an Okta API token (read it from the environment)."""

    def __init__(self, token: str) -> None:
        """Use ``token`` on every request."""
        if not token or token != token.strip() or "\n" in token:
            raise PullAuthError("the API token is empty or has surrounding whitespace")
        self._header = f"SSWS {token}"

    def __repr__(self) -> str:
        return "SswsAuth(token=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header."""
        request.headers["Authorization"] = self._header
        yield request


@dataclass(frozen=True, repr=False)
class SigningKey:
    """A private key with the JWS algorithm it signs with and its key ID (``kid``)."""

    key: Any
    """The ``cryptography`` private key object."""
    algorithm: str
    """RS256, ES256, ES384 or ES512."""
    key_id: str | None = None
    """The ``kid`` registered with Okta (from the JWK, or given)."""

    def __repr__(self) -> str:
        return f"SigningKey(algorithm={self.algorithm!r}, key_id={self.key_id!r})"


def _algorithm_of(key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    raise PullAuthError(f"unsupported private key type {type(key).__name__}: use RSA or EC")


def load_private_key(path: str | Path, *, key_id: str | None = None) -> SigningKey:
    """Read the service app's private key from a PEM file or a JWK (or one-key JWKS) file.

    Raises ``PullAuthError`` (never showing the key) when the file cannot be read or holds
    no usable private key.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PullAuthError(f"cannot read the private key {path}: {exc.strerror}") from exc
    return parse_private_key(data, key_id=key_id, name=str(path))


def parse_private_key(data: bytes, *, key_id: str | None = None, name: str = "key") -> SigningKey:
    """Like ``load_private_key``, from the file's content."""
    try:
        import jwt
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise PullAuthError(
            "OAuth needs the pull extra: pip install 'okta-pki-events[pull]'"
        ) from exc
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = load_pem_private_key(text, password=None)
        except (ValueError, TypeError) as exc:
            raise PullAuthError(f"{name}: not an unencrypted PEM private key") from exc
        return SigningKey(key, _algorithm_of(key), key_id)
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PullAuthError(f"{name}: neither a PEM private key nor a JWK (JSON)") from exc
    if isinstance(document, dict) and isinstance(document.get("keys"), list):
        if len(document["keys"]) != 1:
            raise PullAuthError(f"{name}: a JWK set must hold exactly one key")
        document = document["keys"][0]
    if not isinstance(document, dict) or "d" not in document:
        raise PullAuthError(f"{name}: the JWK is not a private key (no 'd')")
    try:
        jwk = jwt.PyJWK(document)
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise PullAuthError(f"{name}: not a usable JWK: {type(exc).__name__}") from exc
    algorithm = _algorithm_of(jwk.key)
    return SigningKey(jwk.key, algorithm, key_id or document.get("kid"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _htu(url: httpx.URL | str) -> str:
    """The DPoP ``htu``: the URL without query and fragment."""
    parts = urlsplit(str(url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _challenge_error(response: httpx.Response) -> str | None:
    """The OAuth ``error`` of a response: from its JSON body or ``WWW-Authenticate``."""
    challenge = response.headers.get("www-authenticate", "")
    for marker in ("use_dpop_nonce", "invalid_dpop_proof", "invalid_token"):
        if f'error="{marker}"' in challenge:
            return marker
    try:
        data = json.loads(response.content[:65536])
    except (ValueError, RecursionError):  # not JSON, or nested deeper than json recurses
        return None
    error = data.get("error") if isinstance(data, dict) else None
    return str(error) if error else None


@dataclass
class _DpopKey:
    """The client's proof-of-possession key pair, made fresh for each auth object."""

    private: Any
    public_jwk: dict[str, Any]

    @classmethod
    def generate(cls) -> _DpopKey:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import ec

        private = ec.generate_private_key(ec.SECP256R1())
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
        return cls(private, {k: public[k] for k in ("kty", "crv", "x", "y")})


@dataclass
class _Token:
    value: str
    kind: str
    expires_at: float


@dataclass(repr=False)
class PrivateKeyJwtAuth(httpx.Auth):
    """An OAuth 2.0 service app: client credentials, ``private_key_jwt``, and DPoP.

    Gets an access token from ``{org}/oauth2/v1/token`` with a client assertion signed by
    ``key``, caches it until a minute before it expires, and sends it on each request. With
    ``dpop`` (the default: new Okta service apps require it) every token request carries a
    DPoP proof from the start (retried once with the server's ``DPoP-Nonce`` when asked),
    and every API request ``Authorization: DPoP <token>`` with a fresh proof bound to the
    token (``ath``).
    """

    org: str
    """The org's base URL."""
    client_id: str
    """The service app's client ID."""
    key: SigningKey
    """The private key registered with the app (``load_private_key``)."""
    scopes: Sequence[str] = (LOGS_SCOPE,)
    """The scopes to ask for."""
    dpop: bool = True
    """Bind the token to a proof-of-possession key (DPoP)."""
    clock: Callable[[], float] = time.time
    """Epoch seconds, for token expiry and the JWTs' ``iat``/``exp``."""
    requires_response_body = True
    _token: _Token | None = field(default=None, init=False)
    _dpop_key: _DpopKey | None = field(default=None, init=False)
    _nonces: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.org = normalize_org(self.org)
        if self.dpop:
            self._dpop_key = _DpopKey.generate()

    def __repr__(self) -> str:
        return (
            f"PrivateKeyJwtAuth(org={self.org!r}, client_id={self.client_id!r}, dpop={self.dpop})"
        )

    @property
    def token_url(self) -> str:
        """The org authorization server's token endpoint."""
        return self.org + TOKEN_PATH

    def invalidate(self) -> None:
        """Forget the cached access token: the next request gets a new one."""
        self._token = None

    def _assertion(self) -> str:
        import jwt

        now = int(self.clock())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
        headers = {"kid": self.key.key_id} if self.key.key_id else None
        try:
            return jwt.encode(claims, self.key.key, algorithm=self.key.algorithm, headers=headers)
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise PullAuthError(f"cannot sign the client assertion: {type(exc).__name__}") from exc

    def _proof(self, method: str, url: httpx.URL | str, token: str | None) -> str:
        import jwt

        assert self._dpop_key is not None
        htu = _htu(url)
        claims: dict[str, Any] = {
            "htm": method,
            "htu": htu,
            "iat": int(self.clock()),
            "jti": str(uuid.uuid4()),
        }
        nonce = self._nonces.get(self._nonce_slot(url, token is None))
        if nonce:
            claims["nonce"] = nonce
        if token is not None:
            claims["ath"] = _b64(hashlib.sha256(token.encode("ascii")).digest())
        headers = {"typ": "dpop+jwt", "jwk": self._dpop_key.public_jwk}
        return jwt.encode(claims, self._dpop_key.private, algorithm="ES256", headers=headers)

    def _nonce_slot(self, url: httpx.URL | str, token_request: bool) -> str:
        htu = _htu(url)
        return "/".join(htu.split("/", 3)[:3]) + ("#token" if token_request else "")

    def _token_request(self) -> httpx.Request:
        form = {
            "grant_type": "client_credentials",
            "scope": " ".join(self.scopes),
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self._assertion(),
        }
        request = httpx.Request(
            "POST", self.token_url, data=form, headers={"Accept": "application/json"}
        )
        if self.dpop:
            request.headers["DPoP"] = self._proof("POST", self.token_url, None)
        return request

    def _get_token(self) -> Generator[httpx.Request, httpx.Response, _Token]:
        response = yield self._token_request()
        if self.dpop and _challenge_error(response) == "use_dpop_nonce":
            nonce = response.headers.get("dpop-nonce")
            if nonce:
                self._nonces[self._nonce_slot(self.token_url, True)] = nonce
                response = yield self._token_request()
        if response.status_code != 200:
            raise self._token_error(response)
        try:
            data = json.loads(response.content)
            value = str(data["access_token"])
            kind = str(data.get("token_type", "Bearer"))
            lifetime = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise PullAuthError("the token endpoint answered without an access token") from exc
        if self.dpop and kind.lower() != "dpop":
            raise PullAuthError(f"asked for a DPoP-bound token, got token_type {kind!r}")
        return _Token(value, "DPoP" if self.dpop else "Bearer", self.clock() + lifetime)

    def _token_error(self, response: httpx.Response) -> PullError:
        try:
            data = json.loads(response.content[:65536])
        except (ValueError, RecursionError):
            data = {}
        if not isinstance(data, Mapping):
            data = {}
        error = data.get("error") or data.get("errorCode")
        description = data.get("error_description") or data.get("errorSummary")
        detail = ": ".join(str(part) for part in (error, description) if part)
        hint = ""
        if error == "invalid_dpop_proof" and not self.dpop:
            hint = " (the app requires DPoP: leave dpop on)"
        status = response.status_code
        # Not the credentials' fault: a busy or broken token endpoint (exit 4 or 6, not 3).
        kind: type[PullError] = (
            PullRateLimitError
            if status == 429
            else PullUnavailableError
            if status >= 500
            else PullAuthError
        )
        verb = "refused the service app" if kind is PullAuthError else "failed"
        return kind(
            f"the token endpoint {verb}: HTTP {status}" + (f" {detail}" if detail else "") + hint,
            status=status,
            error_code=str(error) if error else None,
            summary=str(description) if description else None,
        )

    def _authorize(self, request: httpx.Request, token: _Token) -> None:
        request.headers["Authorization"] = f"{token.kind} {token.value}"
        if self.dpop:
            request.headers["DPoP"] = self._proof(request.method, request.url, token.value)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Get or reuse a token, sign the request, retry once on a resource ``DPoP-Nonce``."""
        if self._token is None or self.clock() >= self._token.expires_at - REFRESH_MARGIN:
            self._token = yield from self._get_token()
        token = self._token
        self._authorize(request, token)
        response = yield request
        if (
            self.dpop
            and response.status_code == 401
            and _challenge_error(response) == "use_dpop_nonce"
            and response.headers.get("dpop-nonce")
        ):
            self._nonces[self._nonce_slot(request.url, False)] = response.headers["dpop-nonce"]
            self._authorize(request, token)
            yield request

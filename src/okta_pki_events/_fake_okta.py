"""``FakeOkta``: a fake Okta org on 127.0.0.1 for tests of code that pulls the System Log.

A real HTTP server (stdlib ``ThreadingHTTPServer``, port 0), public through
``okta_pki_events.testing``. It keeps Okta's documented semantics: polling and bounded
queries, an opaque ``after`` cursor over the order events were stored in, a ``next`` link on
every polling page (as its own ``link:`` header line), per-window rate limits with 429
E0000047 read against its ``Date``, events stored late with an older ``published``,
``filter`` with ``eq`` and ``sw``, SSWS tokens, an OAuth token endpoint for service apps
(``private_key_jwt``) that verifies DPoP proofs and asks for a nonce once, and injectable
failures. Its clock is injectable, so rate-limit windows pass without waiting.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

__all__ = ["FakeOkta", "FakeRequest"]

_FILTER = re.compile(r'^\s*([A-Za-z_][\w.]*)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)"\s*$')
_LOGS = "/api/v1/logs"
_TOKEN = "/oauth2/v1/token"
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class FakeRequest:
    """A request the fake received."""

    method: str
    """GET or POST."""
    path: str
    """The path, without the query."""
    query: dict[str, str]
    """The query parameters (last value of each)."""
    headers: dict[str, str]
    """The headers, names in lower case."""
    status: int
    """The status the fake answered."""


@dataclass
class _Stored:
    seq: int
    event: dict[str, Any]
    raw: bytes
    stored_at: float


@dataclass
class _Client:
    public_key: Any
    scopes: frozenset[str]
    require_dpop: bool


@dataclass
class _Token:
    scopes: frozenset[str]
    expires_at: float
    jkt: str | None


@dataclass
class _Failure:
    status: int
    code: str
    summary: str
    concurrency: bool = False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 thumbprint of a public JWK."""
    members = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
    names = members.get(str(jwk.get("kty")))
    if names is None:
        raise ValueError("unsupported kty")
    canonical = json.dumps({k: jwk[k] for k in names}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def _lookup(event: Mapping[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class _OktaError(Exception):
    def __init__(self, status: int, code: str, summary: str, **headers: str) -> None:
        super().__init__(summary)
        self.status, self.code, self.summary, self.headers = status, code, summary, headers


class _OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str, **headers: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description, self.headers = (
            status,
            error,
            description,
            headers,
        )


@dataclass
class FakeOkta:
    """A fake Okta org serving ``GET /api/v1/logs`` and ``POST /oauth2/v1/token`` on loopback.

    >>> import httpx
    >>> with FakeOkta() as okta:
    ...     okta.persist({"uuid": "u1", "published": "2026-01-01T00:00:00.000Z",
    ...                   "eventType": "pki.cert.issue"})
    ...     answer = httpx.get(okta.url + "/api/v1/logs",
    ...                        headers={"Authorization": "SSWS " + okta.token})
    >>> next_link = answer.headers.get_list("link").pop()
    >>> {event.get("uuid") for event in answer.json()}, next_link.endswith('rel="next"')
    ({'u1'}, True)
    """

    token: str = "fake-ssws-token"
    """The SSWS API token it accepts."""
    rate_limit: int = 120
    """Requests to ``/api/v1/logs`` allowed per window."""
    window: float = 60.0
    """The rate-limit window, in seconds."""
    clock: Callable[[], float] = time.time
    """Its clock (epoch seconds): ``Date``, rate-limit windows, token expiry, ``since``."""
    token_lifetime: int = 3600
    """Seconds an OAuth access token lives."""
    link_base: str | None = None
    """The base URL of its ``link`` headers (default: its own URL); set another host to
    test that a client refuses to follow a ``next`` link off the org."""
    requests: list[FakeRequest] = field(default_factory=list)
    """Every request received, in order (the token endpoint's included)."""
    _events: list[_Stored] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _failures: list[_Failure] = field(default_factory=list, init=False)
    _token_failures: list[_Failure] = field(default_factory=list, init=False)
    _window_start: float = field(default=0.0, init=False)
    _window_count: int = field(default=0, init=False)
    _clients: dict[str, _Client] = field(default_factory=dict, init=False)
    _tokens: dict[str, _Token] = field(default_factory=dict, init=False)
    _seen_jti: set[str] = field(default_factory=set, init=False)
    _nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16), init=False)
    _server: ThreadingHTTPServer | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> FakeOkta:
        """Listen on 127.0.0.1 on a free port, in a background thread."""
        fake = self

        class Handler(_Handler):
            okta = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOkta:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The org's base URL, ``http://127.0.0.1:<port>``."""
        if self._server is None:
            raise RuntimeError("FakeOkta is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- what tests arrange -------------------------------------------------------------

    def persist(self, *events: Mapping[str, Any]) -> None:
        """Store events now, in this order: the order polling delivers them.

        An event may carry an older ``published`` than events stored before it: a late
        event, which only polling (following ``next`` links) is sure to deliver.
        """
        with self._lock:
            for event in events:
                raw = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
                stored = _Stored(len(self._events) + 1, dict(event), raw, self.clock())
                self._events.append(stored)

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 500,
        code: str = "E0000009",
        summary: str = "Internal Server Error",
        concurrency: bool = False,
        token_endpoint: bool = False,
    ) -> None:
        """Answer the next ``count`` log requests with an error (500 E0000009 by default).

        ``status=429, concurrency=True`` is Okta's concurrent-limit answer
        (``X-Rate-Limit-Limit: 0``, ``Remaining: 0``). With ``token_endpoint``, the token
        endpoint's next answers fail instead.
        """
        with self._lock:
            queue = self._token_failures if token_endpoint else self._failures
            queue.extend(_Failure(status, code, summary, concurrency) for _ in range(count))

    def add_client(
        self,
        client_id: str,
        public_key: Any,
        *,
        scopes: tuple[str, ...] = ("okta.logs.read",),
        require_dpop: bool = True,
    ) -> None:
        """Register a service app: its public key (a ``cryptography`` key or a JWK mapping)."""
        if isinstance(public_key, Mapping):
            import jwt

            public_key = jwt.PyJWK(dict(public_key)).key
        self._clients[client_id] = _Client(public_key, frozenset(scopes), require_dpop)

    def revoke_tokens(self) -> None:
        """Forget every access token issued (the next API call answers 401 invalid_token)."""
        with self._lock:
            self._tokens.clear()

    def log_requests(self) -> list[FakeRequest]:
        """The requests to ``/api/v1/logs`` received so far."""
        return [r for r in self.requests if r.path == _LOGS]

    # -- the API ------------------------------------------------------------------------

    def _page(self, query: Mapping[str, str]) -> tuple[list[bytes], dict[str, str] | None]:
        """The events of a logs request and the query of its next page (None: no next)."""
        limit_text = query.get("limit", "100")
        if not limit_text.isdigit() or not 0 <= int(limit_text) <= 1000:
            raise _OktaError(400, "E0000001", "Api validation failed: limit")
        limit = int(limit_text)
        order = query.get("sortOrder", "ASCENDING")
        if order not in ("ASCENDING", "DESCENDING"):
            raise _OktaError(400, "E0000001", "Api validation failed: sortOrder")
        matches = self._filter(query.get("filter"))
        now = self.clock()
        try:
            since = _parse_time(query["since"]) if "since" in query else now - 7 * 86400
            until = _parse_time(query["until"]) if "until" in query else None
        except ValueError:
            raise _OktaError(400, "E0000001", "Api validation failed: since/until") from None
        if since < now - 180 * 86400:
            raise _OktaError(400, "E0000053", "Invalid value for 'since' parameter.")
        base = {k: query[k] for k in ("filter", "limit", "sortOrder", "q") if k in query}
        after = query.get("after")
        with self._lock:
            stored = list(self._events)
        if until is None and order == "ASCENDING":  # polling: persistence order
            if after is not None:
                start = self._cursor(after, "p")
            else:
                start = next((s.seq - 1 for s in stored if s.stored_at >= since), len(stored))
            chosen = [s for s in stored[start:] if matches(s.event)][:limit] if limit else []
            # A short page scanned everything stored: the cursor moves past it all.
            last = chosen[-1].seq if limit and len(chosen) == limit else max(len(stored), start)
            return [s.raw for s in chosen], {**base, "after": self._token("p", last)}
        end = until if until is not None else now
        window = [
            s
            for s in stored
            if matches(s.event) and since <= _parse_time(str(s.event.get("published"))) < end
        ]
        window.sort(
            key=lambda s: (str(s.event.get("published")), s.seq), reverse=order == "DESCENDING"
        )
        offset = self._cursor(after, "b") if after is not None else 0
        chosen = window[offset : offset + limit] if limit else []
        more = offset + len(chosen) < len(window) and bool(limit)
        bounded = {**base, "since": query.get("since", ""), "until": query.get("until", "")}
        bounded = {k: v for k, v in bounded.items() if v}
        nxt = {**bounded, "after": self._token("b", offset + len(chosen))} if more else None
        return [s.raw for s in chosen], nxt

    @staticmethod
    def _token(kind: str, value: int) -> str:
        return _b64(f"{kind}:{value}".encode())

    @staticmethod
    def _cursor(token: str, kind: str) -> int:
        try:
            got_kind, value = base64.urlsafe_b64decode(token + "==").decode().split(":")
            if got_kind == kind:
                return int(value)
        except (ValueError, UnicodeDecodeError):
            pass
        raise _OktaError(400, "E0000001", "Api validation failed: after")

    def _filter(self, text: str | None) -> Callable[[Mapping[str, Any]], bool]:
        if not text:
            return lambda event: True
        match = _FILTER.match(text)
        if match is None:
            raise _OktaError(400, "E0000053", f"Invalid value for 'filter' parameter: {text}")
        path, op, value = match.groups()
        value = json.loads(f'"{value}"')

        def matches(event: Mapping[str, Any]) -> bool:
            found = _lookup(event, path)
            if not isinstance(found, str):
                return False
            return found == value if op == "eq" else found.startswith(value)

        return matches

    def _rate(self) -> tuple[dict[str, str], bool]:
        """Count a request against the window: its headers, and whether it is over."""
        now = self.clock()
        with self._lock:
            start = (now // self.window) * self.window
            if start != self._window_start:
                self._window_start, self._window_count = start, 0
            over = self._window_count >= self.rate_limit
            if not over:
                self._window_count += 1
            remaining = self.rate_limit - self._window_count
        headers = {
            "X-Rate-Limit-Limit": str(self.rate_limit),
            "X-Rate-Limit-Remaining": str(max(remaining, 0)),
            "X-Rate-Limit-Reset": str(int(start + self.window)),
        }
        return headers, over

    # -- authentication -------------------------------------------------------------------

    def _authenticate(self, method: str, url: str, headers: Mapping[str, str]) -> None:
        value = headers.get("authorization", "")
        scheme, _, credential = value.partition(" ")
        if scheme == "SSWS":
            if self.token and secrets.compare_digest(credential, self.token):
                return
            raise _OktaError(401, "E0000011", "Invalid token provided")
        if scheme in ("Bearer", "DPoP"):
            with self._lock:
                token = self._tokens.get(credential)
            if token is None or token.expires_at <= self.clock():
                raise _OktaError(
                    401,
                    "E0000011",
                    "Invalid token provided",
                    **{"WWW-Authenticate": f'{scheme} error="invalid_token"'},
                )
            if token.jkt is not None:
                if scheme != "DPoP":
                    raise _OktaError(
                        401,
                        "E0000011",
                        "Invalid token provided",
                        **{"WWW-Authenticate": 'DPoP error="invalid_token"'},
                    )
                try:
                    jkt = self._verify_proof(headers.get("dpop"), method, url, access=credential)
                except ValueError as exc:
                    raise _OktaError(
                        401,
                        "E0000011",
                        f"Invalid DPoP proof: {exc}",
                        **{
                            "WWW-Authenticate": f'DPoP error="invalid_dpop_proof", '
                            f'error_description="{exc}"'
                        },
                    ) from None
                if jkt != token.jkt:
                    raise _OktaError(
                        401,
                        "E0000011",
                        "The DPoP key does not match the token",
                        **{"WWW-Authenticate": 'DPoP error="invalid_dpop_proof"'},
                    )
            if "okta.logs.read" not in token.scopes:
                raise _OktaError(
                    403,
                    "E0000006",
                    "You do not have permission to perform the requested action",
                    **{"WWW-Authenticate": f'{scheme} error="insufficient_scope"'},
                )
            return
        raise _OktaError(401, "E0000011", "Invalid token provided")

    def _verify_proof(
        self,
        proof: str | None,
        method: str,
        url: str,
        *,
        access: str | None = None,
        nonce: str | None = None,
    ) -> str:
        """Check a DPoP proof JWT (RFC 9449 section 4.3); return its key's thumbprint."""
        import jwt

        if not proof:
            raise ValueError("The DPoP proof JWT header is missing.")
        try:
            header = jwt.get_unverified_header(proof)
            if header.get("typ") != "dpop+jwt":
                raise ValueError("typ must be dpop+jwt")
            jwk = header.get("jwk")
            if not isinstance(jwk, dict) or "d" in jwk:
                raise ValueError("jwk must be a public key")
            key = jwt.PyJWK(jwk, algorithm=header.get("alg"))
            claims = jwt.decode(
                proof,
                key.key,
                algorithms=[str(header.get("alg"))],
                options={"verify_aud": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise ValueError(f"bad signature or header: {exc}") from None
        parts = urlsplit(url)
        htu = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if claims.get("htm") != method or claims.get("htu") != htu:
            raise ValueError(f"htm/htu must be {method} {htu}")
        if abs(float(claims.get("iat", 0)) - self.clock()) > 300:
            raise ValueError("iat is too far from now")
        jti = str(claims.get("jti", ""))
        with self._lock:
            if not jti or jti in self._seen_jti:
                raise ValueError("jti is missing or replayed")
            self._seen_jti.add(jti)
        if access is not None:
            ath = _b64(hashlib.sha256(access.encode()).digest())
            if claims.get("ath") != ath:
                raise ValueError("ath does not match the access token")
        if nonce is not None and claims.get("nonce") != nonce:
            raise _OAuthError(
                400,
                "use_dpop_nonce",
                "Authorization server requires nonce in DPoP proof.",
                **{"DPoP-Nonce": nonce},
            )
        return _thumbprint(jwk)

    def _issue_token(self, form: Mapping[str, str], headers: Mapping[str, str]) -> dict[str, Any]:
        import jwt

        if form.get("grant_type") != "client_credentials":
            raise _OAuthError(400, "unsupported_grant_type", "Only client_credentials.")
        if form.get("client_assertion_type") != _ASSERTION_TYPE:
            raise _OAuthError(401, "invalid_client", "A client_assertion is required.")
        assertion = form.get("client_assertion", "")
        try:
            client_id = str(jwt.decode(assertion, options={"verify_signature": False})["iss"])
        except (jwt.PyJWTError, KeyError):
            raise _OAuthError(401, "invalid_client", "The client_assertion is malformed.") from None
        client = self._clients.get(client_id)
        if client is None:
            raise _OAuthError(401, "invalid_client", "Unknown client.")
        token_url = self.url + _TOKEN
        try:
            claims = jwt.decode(
                assertion,
                client.public_key,
                algorithms=["RS256", "ES256", "ES384", "ES512"],
                audience=token_url,
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["exp", "jti"],
                },
            )
        except jwt.PyJWTError as exc:
            raise _OAuthError(
                401, "invalid_client", f"The client_assertion is invalid: {exc}"
            ) from None
        now = self.clock()
        if claims.get("sub") != client_id or not now < float(claims["exp"]) <= now + 3600:
            raise _OAuthError(401, "invalid_client", "sub or exp of the client_assertion.")
        scopes = frozenset(form.get("scope", "").split())
        if not scopes or not scopes <= client.scopes:
            raise _OAuthError(400, "invalid_scope", "The requested scope is not allowed.")
        jkt = None
        if client.require_dpop or "dpop" in headers:
            try:
                jkt = self._verify_proof(headers.get("dpop"), "POST", token_url, nonce=self._nonce)
            except ValueError as exc:
                raise _OAuthError(400, "invalid_dpop_proof", str(exc)) from None
        access = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access] = _Token(scopes, now + self.token_lifetime, jkt)
        return {
            "token_type": "DPoP" if jkt else "Bearer",
            "expires_in": self.token_lifetime,
            "access_token": access,
            "scope": " ".join(sorted(scopes)),
        }

    def _next_failure(self, *, token_endpoint: bool = False) -> _Failure | None:
        with self._lock:
            queue = self._token_failures if token_endpoint else self._failures
            return queue.pop(0) if queue else None


class _Handler(BaseHTTPRequestHandler):
    okta: FakeOkta
    protocol_version = "HTTP/1.1"
    server_version = "FakeOkta/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``FakeOkta.requests`` instead."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, by the fake's clock."""
        return email.utils.formatdate(
            self.okta.clock() if timestamp is None else timestamp, usegmt=True
        )

    def _answer(
        self,
        status: int,
        body: Any,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        seen = {k.lower(): v for k, v in self.headers.items()}
        self.okta.requests.append(FakeRequest(self.command, parts.path, query, seen, status))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers or ():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        """``GET /api/v1/logs``."""
        okta = self.okta
        parts = urlsplit(self.path)
        if parts.path != _LOGS:
            self._answer(
                404,
                {
                    "errorCode": "E0000022",
                    "errorSummary": "The endpoint does not support the provided HTTP method",
                },
            )
            return
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            headers = {k.lower(): v for k, v in self.headers.items()}
            okta._authenticate("GET", okta.url + self.path, headers)
            failure = okta._next_failure()
            if failure is not None:
                extra = []
                if failure.concurrency:
                    extra = [
                        ("X-Rate-Limit-Limit", "0"),
                        ("X-Rate-Limit-Remaining", "0"),
                        ("X-Rate-Limit-Reset", str(int(okta.clock()) + 1)),
                    ]
                self._answer(
                    failure.status,
                    {"errorCode": failure.code, "errorSummary": failure.summary},
                    extra,
                )
                return
            rate, over = okta._rate()
            if over:
                self._answer(
                    429,
                    {
                        "errorCode": "E0000047",
                        "errorSummary": "API call exceeded rate limit due to too many requests.",
                    },
                    list(rate.items()),
                )
                return
            raws, nxt = okta._page(query)
        except _OktaError as exc:
            self._answer(
                exc.status,
                {"errorCode": exc.code, "errorSummary": exc.summary, "errorCauses": []},
                list(exc.headers.items()),
            )
            return
        base = okta.link_base or okta.url
        links = [("link", f'<{base}{self.path}>; rel="self"')]
        if nxt is not None:
            links.append(("link", f'<{base}{_LOGS}?{urlencode(nxt, quote_via=quote)}>; rel="next"'))
        self._answer(200, b"[" + b",".join(raws) + b"]", [*rate.items(), *links])

    def do_POST(self) -> None:
        """``POST /oauth2/v1/token``."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)).decode("utf-8", "replace")
        if urlsplit(self.path).path != _TOKEN:
            self._answer(404, {"errorCode": "E0000022", "errorSummary": "Not found"})
            return
        form = {k: v[-1] for k, v in parse_qs(body).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        failure = self.okta._next_failure(token_endpoint=True)
        if failure is not None:
            self._answer(
                failure.status, {"errorCode": failure.code, "errorSummary": failure.summary}
            )
            return
        try:
            self._answer(200, self.okta._issue_token(form, headers))
        except _OAuthError as exc:
            self._answer(
                exc.status,
                {"error": exc.error, "error_description": exc.description},
                list(exc.headers.items()),
            )

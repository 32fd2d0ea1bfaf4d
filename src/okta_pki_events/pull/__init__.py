"""Pull PKI events from Okta's System Log API: resumable, exactly once to a file, polite.

Needs the ``pull`` extra (``pip install 'okta-pki-events[pull]'``: httpx, and PyJWT with
cryptography for OAuth).

- ``pull_to_file``: NDJSON out, one event per line exactly as Okta sent it, exactly once
  across crashes and restarts, resumed from a state file (cursor and byte offset).
- ``pull_pages`` / ``apull_pages``: the pages themselves, on ``httpx.Client`` or
  ``httpx.AsyncClient``, for your own sink.
- ``Poller``: the sans-IO core both drivers share (next request, what a response means,
  when to stop), for other HTTP stacks.
- ``SswsAuth`` (an API token) and ``PrivateKeyJwtAuth`` (an OAuth 2.0 service app with
  ``private_key_jwt`` and DPoP), ``load_private_key`` (PEM or JWK).

Errors: ``PullError`` and its kinds carry the exit code of the CLI (3 authentication, 4
rate-limited beyond ``max_wait``, 5 rejected request, 6 unavailable); ``StateError`` (a
``ValueError``) when the state file cannot be used.
"""

from __future__ import annotations

try:
    import httpx as _httpx  # noqa: F401 - fail early with the extra's name
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "okta_pki_events.pull needs its extra: pip install 'okta-pki-events[pull]'"
    ) from exc

from ._auth import LOGS_SCOPE, PrivateKeyJwtAuth, SigningKey, SswsAuth, load_private_key
from ._core import (
    DEFAULT_FILTER,
    MAX_LIMIT,
    Decision,
    Deliver,
    Fatal,
    Page,
    Poller,
    PullAuthError,
    PullConfig,
    PullError,
    PullProtocolError,
    PullRateLimitError,
    PullRejectedError,
    PullUnavailableError,
    Refresh,
    Wait,
    normalize_org,
    split_page,
)
from ._drivers import apull_pages, check_access, pull_pages
from ._files import PullResult, SavedState, StateError, StateFile, pull_to_file

__all__ = [
    "DEFAULT_FILTER",
    "LOGS_SCOPE",
    "MAX_LIMIT",
    "Decision",
    "Deliver",
    "Fatal",
    "Page",
    "Poller",
    "PrivateKeyJwtAuth",
    "PullAuthError",
    "PullConfig",
    "PullError",
    "PullProtocolError",
    "PullRateLimitError",
    "PullRejectedError",
    "PullResult",
    "PullUnavailableError",
    "Refresh",
    "SavedState",
    "SigningKey",
    "SswsAuth",
    "StateError",
    "StateFile",
    "Wait",
    "apull_pages",
    "check_access",
    "load_private_key",
    "normalize_org",
    "pull_pages",
    "pull_to_file",
    "split_page",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        _obj.__module__ = __name__

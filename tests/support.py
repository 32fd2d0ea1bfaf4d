"""What several test files share: fixtures as real JSON files loaded by one helper, and builders.

The fixtures (``tests/fixtures``: PKI events, Okta's samples, AWS event shapes) are JSON
files read by ``load_json``; the builders put Okta events into them (and corrupt them, for
the differential tests). Then one-line events, a stream's outcomes, and the command-line tool
run in this process (``cli``) or as a user runs it (``run_cli``). A helper one test file
needs stays in that file; hostile JSON text is in ``hostile_json``, the lifecycle's oracle
and strategies in ``lifecycle_oracle``.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from hypothesis import strategies as st
from pydantic import BaseModel

from okta_pki_events import ParseFailure, StreamStats, iter_events
from okta_pki_events._stream import _probe
from okta_pki_events.cli import main
from okta_pki_events.cli._shared import TRACEBACK_ENV
from okta_pki_events.envelopes import CloudWatchLogsEvent
from okta_pki_events.testing import json_values, make_wire_event, wire_events

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PKI_DIR = FIXTURES / "events"
SAMPLES_DIR = FIXTURES / "samples"
DATA_DIR = Path(__file__).resolve().parent / "data"

IMPOSSIBLE_DATE_SAMPLE = "okta-devdocs_legacy-system-log-reference_user.session.start.json"
EVENT_HOOK_SAMPLE = "okta-devdocs_event-hook-delivery-envelope_user.session.start.json"


def load_json(path: Path | str) -> Any:
    """Load one JSON fixture: a path, or a name relative to ``tests/fixtures``."""
    path = Path(path)
    if not path.is_absolute():
        path = FIXTURES / path
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def pki_fixture(event_type: str) -> dict[str, Any]:
    """The realistic fixture of one PKI event type."""
    data: dict[str, Any] = load_json(PKI_DIR / f"{event_type}.json")
    return data


def pki_fixture_types() -> list[str]:
    """The event types that have a fixture."""
    return sorted(p.stem for p in PKI_DIR.glob("*.json"))


def sample_names() -> list[str]:
    """The real Okta samples copied from ``shared/okta-samples`` (MANIFEST excluded)."""
    return sorted(p.name for p in SAMPLES_DIR.glob("*.json") if p.name != "MANIFEST.json")


def sample_event(name: str) -> dict[str, Any]:
    """One real sample as a bare LogEvent (the event-hook delivery is unwrapped)."""
    data: dict[str, Any] = load_json(SAMPLES_DIR / name)
    if "data" in data and "events" in data["data"]:
        event: dict[str, Any] = data["data"]["events"][0]
        return event
    return data


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (keys of objects, indexes of arrays)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += json_paths(item, (*path, key))
    elif isinstance(value, list):
        for at, item in enumerate(value):
            found += json_paths(item, (*path, at))
    return found


# -- events and lines ----------------------------------------------------------------------------

NON_PKI_SAMPLE = "okta-openapi-spec_ListLogs_user.session.start.json"
"""A real non-PKI event (``user.session.start``) among the samples."""


def pki(n: int) -> dict[str, Any]:
    """The ``n``-th certificate issue as Okta sends it: uuid ``u<n>``, certificate ``c<n>``."""
    return make_wire_event("pki.cert.issue", uuid=f"u{n}", certificate_id=f"c{n}")


def minimal_event(event_type: str = "pki.cert.issue", **more: Any) -> dict[str, Any]:
    """The smallest valid wire event of ``event_type`` (uuid, published, eventType) and more."""
    return {
        "uuid": "u-1",
        "published": "2026-01-02T03:04:05.678Z",
        "eventType": event_type,
        **more,
    }


def text(value: Any) -> str:
    """A JSON value as text, spaced as ``json.dumps`` spaces it."""
    return json.dumps(value)


def line(value: Any) -> str:
    """A JSON value as one compact NDJSON line (no newline)."""
    return json.dumps(value, separators=(",", ":"))


def line_bytes(value: Any) -> bytes:
    """``line`` as UTF-8 bytes."""
    return line(value).encode()


def wire(model: BaseModel) -> Any:
    """A model as the JSON it was read from: wire names, only the keys that were set."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def outcomes(source: Any, **options: Any) -> tuple[list[Any], StreamStats]:
    """Each item of ``iter_events(source)`` as the event's uuid or ("F", line, index); the stats.

    A ``str`` is the stream's text (encoded, never read as a path: pass a ``Path`` for that).
    """
    if isinstance(source, str):
        source = source.encode()
    stream = iter_events(source, on_error="collect", **options)
    items: list[Any] = []
    for item in stream:
        items.append(("F", item.line, item.index) if isinstance(item, ParseFailure) else item.uuid)
    return items, stream.stats


@contextmanager
def fast_extra(installed: bool) -> Iterator[None]:
    """Streams read as with the ``fast`` extra (msgspec) installed, or as without it."""
    fast = _probe.fast_probe()
    assert fast is not None  # msgspec is in the dev extra
    kept = _probe._FAST
    _probe._FAST = fast if installed else None
    try:
        yield
    finally:
        _probe._FAST = kept


class Trickle(io.RawIOBase):
    """A file that reads ``size`` bytes at a time: chunk boundaries anywhere."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.offset = data, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        piece = self.data[self.offset : self.offset + min(self.size, len(buffer))]
        buffer[: len(piece)] = piece
        self.offset += len(piece)
        return len(piece)


# -- AWS envelopes, from the real shapes in fixtures/aws -----------------------------------------


def aws_fixture(name: str) -> dict[str, Any]:
    """One AWS event shape of ``fixtures/aws`` (``sqs``, ``sns``, ``eventbridge``, ...)."""
    data: dict[str, Any] = load_json(f"aws/{name}.json")
    return data


def bridge(detail: Any, **envelope: Any) -> dict[str, Any]:
    """An EventBridge event from Okta's partner source carrying ``detail``; keys overridden."""
    return (
        aws_fixture("eventbridge")
        | {"source": "aws.partner/okta.com/o/pki", "detail": detail}
        | envelope
    )


def sqs(*bodies: str) -> dict[str, Any]:
    """An SQS batch, one message per body."""
    template = aws_fixture("sqs")["Records"][1]
    return {"Records": [template | {"messageId": f"m{n}", "body": b} for n, b in enumerate(bodies)]}


def sns_notification(message: str) -> dict[str, Any]:
    """An SNS notification as SQS receives it from a topic (not raw delivery)."""
    sns: dict[str, Any] = aws_fixture("sns")["Records"][0]["Sns"]
    return sns | {"Message": message}


def sns(*messages: str) -> dict[str, Any]:
    """An SNS event (as Lambda receives it), one record per message."""
    template = aws_fixture("sns")["Records"][0]
    return {"Records": [template | {"Sns": sns_notification(m)} for m in messages]}


def firehose(*data: bytes | str) -> dict[str, Any]:
    """A Firehose batch: bytes are base64-encoded, a str is taken as the record's data."""
    batch = aws_fixture("firehose")
    template = batch["records"][0]
    records = [
        template
        | {"recordId": f"r{n}", "data": d if isinstance(d, str) else base64.b64encode(d).decode()}
        for n, d in enumerate(data)
    ]
    return batch | {"records": records}


def cloudwatch(*messages: str, message_type: str = "DATA_MESSAGE") -> dict[str, Any]:
    """A CloudWatch Logs subscription delivery (gzip, base64), one log event per message."""
    data = CloudWatchLogsEvent.model_validate(aws_fixture("cloudwatch_logs")).decoded()
    decoded = data.model_dump(mode="json", by_alias=True, exclude_unset=True)
    template = decoded["logEvents"][0]
    events = [template | {"id": f"e{n}", "message": m} for n, m in enumerate(messages)]
    decoded["logEvents"] = events
    decoded["messageType"] = message_type
    packed = base64.b64encode(gzip.compress(json.dumps(decoded).encode())).decode()
    return {"awslogs": {"data": packed}}


# -- the command-line tool -----------------------------------------------------------------------

PROG = "okta-pki-events"


def cli(
    *args: str | Path, stdin: str | bytes | None = None, env: Mapping[str, str] | None = None
) -> Result:
    """The command through click's runner, in this process (stdout and stderr apart)."""
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin, env=env, prog_name=PROG)


def run_cli(
    *args: str | Path, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The command as a user runs it, in a process of its own (``python -m``): bytes out.

    The environment is this one (plus ``env``) without the variable that shows tracebacks.
    """
    environ = {k: v for k, v in os.environ.items() if k != TRACEBACK_ENV} | dict(env or {})
    return subprocess.run(
        [sys.executable, "-m", "okta_pki_events", *map(str, args)],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=300,
        env=environ,
    )


def write_ndjson(path: Path, *rows: dict[str, Any] | str) -> Path:
    """Write one line per row (a dict as JSON, a str as it is) to ``path``; return it."""
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def _snake(key: str) -> str:
    """``camelCase`` -> ``camel_case`` (a key renamed to its Python spelling)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


@st.composite
def corrupted_events(draw: st.DrawFn) -> str:
    """A generated event, maybe corrupted: a value replaced, a key dropped or renamed, ..."""
    raw = draw(wire_events(unknown_types=True))
    if draw(st.booleans()):
        raw["eventType"] = draw(st.sampled_from(["user.session.start", "policy.x", "pki"]))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        paths = json_paths(raw)
        path = draw(st.sampled_from(paths))
        *head, last = path
        parent: Any = raw
        for step in head:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "drop", "snake", "type"]))
        if action == "replace":
            parent[last] = draw(json_values())
        elif action == "type":  # the same value as another JSON type
            value = parent[last]
            parent[last] = (
                str(value) if not isinstance(value, str) else draw(st.sampled_from([1, 1.5, True]))
            )
        elif isinstance(parent, dict):
            value = parent.pop(last)
            if action == "snake":
                parent[_snake(last)] = value
    return json.dumps(raw)

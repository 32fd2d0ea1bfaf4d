"""``iter_events`` against the plain reference reader, on generated hostile streams.

Every stream is read through every source kind (bytes, a path, gzip, file objects reading a
few bytes at a time, a text file, iterables of lines, UTF-16 LE and BE with a byte-order
mark): the same events, the same failures at the same line and index, the same stats, as the
reference reader finds. Its gzip, truncated or corrupted at a drawn byte, is read too: the
reference reader then reads the text the gzip stage gave before its error, as cut there.
"""

from __future__ import annotations

import base64
import codecs
import gzip
import io
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okta_pki_events import ParseFailure, Record, StreamStats, iter_records
from okta_pki_events._stream import SourceError, describe_error, sources
from okta_pki_events.testing import make_wire_event

from .reference_reader import Outcome, read_events
from .support import Trickle, sample_event

# A source's error must leave no generator in a reference cycle (the garbage collector then
# closes them in any order: "generator already executing", printed on standard error).
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

LIMIT = 4000  # max_record_bytes: an event is about 1.3 KB; an oversize record is 5 KB
NON_PKI = sample_event("okta-openapi-spec_ListLogs_user.session.start.json")


def pki(n: int) -> dict[str, Any]:
    return make_wire_event("pki.cert.issue", uuid=f"u{n}", certificate_id=f"c{n}")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def bridge(detail: Any, **more: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "b",
        "detail-type": "SystemLog",
        "source": "aws.partner/okta.com/o/s",
        "time": "now",
        "detail": detail,
    } | more


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def logs_payload(messages: list[str], control: bool = False) -> bytes:
    """A CloudWatch Logs subscription payload as a Firehose record carries it (gzip)."""
    payload = {
        "messageType": "CONTROL_MESSAGE" if control else "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "okta",
        "logStream": "pki",
        "subscriptionFilters": ["all"],
        "logEvents": [{"id": str(i), "timestamp": 1, "message": m} for i, m in enumerate(messages)],
    }
    return gzip.compress(compact(payload).encode())


@st.composite
def piece(draw: st.DrawFn, n: int) -> list[str]:
    """The lines of one hostile piece of a stream."""
    kind = draw(
        st.sampled_from(
            [
                "event",
                "non_pki",
                "bad_event",
                "cut",
                "pretty",
                "array_lines",
                "array_line",
                "concatenated",
                "eventbridge",
                "hook",
                "sqs",
                "oversize",
                "blank",
                "junk",
                "deep",
                "cut_chain",
                "cut_array",
                "over_garbage",
                "sns_in_sqs",
                "sns",
                "firehose",
                "cloudwatch",
                "bad_envelope",
                "over_chain",
                "firehose_logs",
                "nested_array",
                "concat_over",
            ]
        )
    )
    event = compact(pki(n))
    if kind == "event":
        return [event]
    if kind == "non_pki":
        return [compact(NON_PKI | {"uuid": f"n{n}"})]
    if kind == "bad_event":
        return [compact({k: v for k, v in pki(n).items() if k != "published"})]
    if kind == "cut":
        if draw(st.booleans()):  # right after a bracket, a comma or a colon: a document opens
            ends = [i + 1 for i, c in enumerate(event[:-1]) if c in "[{,:"]
            return [event[: draw(st.sampled_from(ends))]]
        return [event[: draw(st.integers(1, len(event) - 1))]]
    if kind == "pretty":
        return json.dumps(pki(n), indent=draw(st.sampled_from([1, 2, 4]))).split("\n")
    if kind in ("array_lines", "array_line"):
        elements = [compact(pki(n * 10 + i)) for i in range(draw(st.integers(0, 3)))]
        damaged = draw(st.booleans())
        if elements and damaged:
            at = draw(st.integers(0, len(elements) - 1))
            elements[at] = draw(
                st.sampled_from(['{"uuid": "bad"}', elements[at][:50], "[1, 2]", '"text"'])
            )
        if kind == "array_line":
            return ["[" + ",".join(elements) + "]"]
        return [
            "[",
            *[e + ("," if i < len(elements) - 1 else "") for i, e in enumerate(elements)],
            "]",
        ]
    if kind == "concatenated":
        return [event + " " + compact(pki(n + 1000))]
    if kind == "eventbridge":
        odd = draw(st.sampled_from([{}, {"version": 0}, {"time": 5}]))
        return [compact(bridge(pki(n), **odd))]
    if kind == "hook":
        return [
            compact(
                {"eventType": "com.okta.event_hook", "data": {"events": [pki(n), {"uuid": "x"}]}}
            )
        ]
    if kind == "sqs":
        bodies = [compact(bridge(pki(n))), "not json", compact(pki(n + 2000))]
        return [
            compact({"Records": [{"messageId": str(i), "body": b} for i, b in enumerate(bodies)]})
        ]
    if kind == "sns_in_sqs":  # SNS notifications in SQS bodies: events, EventBridge, junk
        message = draw(st.sampled_from([event, compact(bridge(pki(n + 4000), id=5)), "junk"]))
        notes = [{"Type": "Notification", "TopicArn": "t", "Message": m} for m in (message, "[")]
        records = [{"messageId": str(i), "body": compact(b)} for i, b in enumerate(notes)]
        return [compact({"Records": [*records, {"messageId": "x", "body": 5}]})]
    if kind == "sns":
        return [compact({"Records": [{"Sns": {"Message": m}} for m in (event, 5, "{")]})]
    if kind == "firehose":
        hosed = [b64(event.encode()), "%%%", b64(b"[1]"), b64(compact(bridge(pki(n))).encode())]
        return [
            compact({"records": [{"recordId": str(i), "data": d} for i, d in enumerate(hosed)]})
        ]
    if kind == "cloudwatch":
        logged = [{"id": "1", "message": event}, {"id": "2", "message": "junk"}, {"id": "3"}, 7]
        logs = {"messageType": "DATA_MESSAGE", "logGroup": 5, "logEvents": logged}
        return [compact({"awslogs": {"data": b64(gzip.compress(compact(logs).encode()))}})]
    if kind == "firehose_logs":  # CloudWatch Logs through Firehose: gzip in each record
        messages = [event, "junk", compact(bridge(pki(n + 5000))), "[1]", compact(NON_PKI)]
        drawn = draw(st.lists(st.sampled_from(messages), max_size=3))
        payloads = [
            logs_payload(drawn),
            logs_payload(["CWL CONTROL MESSAGE: Checking health of destination Firehose."], True),
            draw(st.sampled_from([b"\x1f\x8b junk", gzip.compress(b"junk"), gzip.compress(b"{")])),
            gzip.compress(compact({"messageType": "DATA_MESSAGE", "logEvents": 5}).encode()),
            gzip.compress(event.encode()),
        ]
        hosed = [b64(p) for p in draw(st.permutations(payloads))]
        return [
            compact({"records": [{"recordId": str(i), "data": d} for i, d in enumerate(hosed)]})
        ]
    if kind == "nested_array":  # arrays (and hooks) in envelope elements: every position
        inner = compact([pki(n + 6000), {"uuid": "bad"}, [1]])
        hook = compact({"data": {"events": [{"uuid": "x"}, pki(n + 6100)]}})
        bodies = draw(st.permutations([event, inner, hook]))
        return [
            compact({"Records": [{"messageId": str(i), "body": b} for i, b in enumerate(bodies)]})
        ]
    if kind == "bad_envelope":  # envelopes that cannot be opened: one failure each
        return [
            draw(
                st.sampled_from(
                    [
                        compact({"awslogs": {"data": "%%"}}),
                        compact({"awslogs": {"data": b64(b"not gzip")}}),
                        compact({"eventType": "com.okta.event_hook", "data": {"events": "x"}}),
                        compact({"awslogs": {"data": b64(gzip.compress(b"[1"))}}),
                    ]
                )
            )
        ]
    if kind == "over_chain":  # cut lines, then more than the limit of text continuing them
        opens = ['{"a":', '{"a":[', "[", '{"b": {"c":', '{"d": [[']
        cuts = [draw(st.sampled_from(opens)) for _ in range(draw(st.integers(1, 4)))]
        elements = [compact(pki(n * 10 + i)) + "," for i in range(4)]
        if draw(st.booleans()):  # an element cut, or pretty, or junk among them
            at = draw(st.integers(0, 3))
            elements[at] = draw(st.sampled_from(["{", "x,", json.dumps(pki(n), indent=1) + ","]))
        return [*cuts, "[", *elements, compact(pki(n + 7000)), "]" * draw(st.integers(0, 2))]
    if kind == "oversize":
        huge = compact(pki(n) | {"displayMessage": "x" * (LIMIT + 1000)})
        if draw(st.booleans()):  # its first line alone over the limit, and it goes on
            head, tail = huge.split(',"actor":')
            return [head + ",", '"actor":' + tail]
        return [huge]
    if kind == "concat_over":  # objects one after the other on a line over the limit
        values = [compact(pki(n * 10 + i)) for i in range(draw(st.integers(3, 5)))]
        if draw(st.booleans()):  # one over the limit, or junk, or a cut one among them
            at = draw(st.integers(0, len(values) - 1))
            huge = compact(pki(n) | {"displayMessage": "x" * (LIMIT + 1000)})
            values[at] = draw(st.sampled_from([huge, "xyz", values[at][:60], "[1]", "{}"]))
        return [draw(st.sampled_from(["", " ", "\t"])).join(values)]
    if kind == "blank":
        return [draw(st.sampled_from(["", "  ", "\t"]))]
    if kind == "junk":
        return [
            draw(
                st.sampled_from(
                    ["xyz", "garbage line", "]", ",", "}", "null", "12", '"s"', "[", "{", "[1,2"]
                )
            )
        ]
    if kind == "cut_chain":  # cut lines that each continue the one before, then events
        ends = [i + 1 for i, c in enumerate(event[:-1]) if c in "[{,:"]
        cuts = [event[: draw(st.sampled_from(ends))] for _ in range(draw(st.integers(2, 4)))]
        return [*cuts, event, compact(pki(n + 3000))]
    if kind == "cut_array":  # an array cut on its line: its whole elements, then the cut
        elements = [compact(pki(n * 10 + i)) for i in range(draw(st.integers(0, 2)))]
        tail = draw(st.sampled_from(["", ",", "," + event[:40]]))
        return ["[" + ",".join(elements) + tail]
    if kind == "over_garbage":  # brackets that balance over garbage lines and an event
        return ['{"uuid": "x", "a": [', "garbage", event, "]}"]
    return ["[" * 300 + "]" * 300]


@st.composite
def hostile_stream(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 10))
    lines = [line for n in range(count) for line in draw(piece(n))]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(lines)
    if draw(st.booleans()):
        text += eol
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


def lines_of(text: str) -> list[str]:
    return [line for line in re.split(r"(?<=\n)", text) if line]


def source_kinds(text: str, folder: Path) -> dict[str, Callable[[], Any]]:
    data = text.encode("utf-8")
    plain = folder / "export.json"
    plain.write_bytes(data)
    packed = folder / "export.json.gz"
    packed.write_bytes(gzip.compress(data))
    wide = folder / "export-utf16.json"
    wide.write_bytes(text.removeprefix("\ufeff").encode("utf-16"))
    bare = text.removeprefix("\ufeff")
    little = codecs.BOM_UTF16_LE + bare.encode("utf-16-le")
    big = codecs.BOM_UTF16_BE + bare.encode("utf-16-be")
    return {
        "bytes": lambda: data,
        "path": lambda: plain,
        "str path": lambda: str(plain),
        "gzip path": lambda: packed,
        "utf-16 path": lambda: wide,
        "utf-16-le bytes": lambda: little,
        "utf-16-be file": lambda: io.BytesIO(big),
        "binary file": lambda: io.BytesIO(data),
        "trickle 7": lambda: Trickle(data, 7),
        "trickle 1000": lambda: io.BufferedReader(Trickle(data, 1000)),
        "text file": lambda: io.StringIO(text),
        "lines": lambda: lines_of(text),
        "byte lines": lambda: [line.encode() for line in lines_of(text)],
    }


def gzip_prefix(pieces: list[bytes]) -> tuple[bytes, SourceError | None]:
    """What the gzip stage gives from these reads before its error, and that error."""
    text = b""
    for item in sources._gunzip_if_needed(iter(pieces)):
        if isinstance(item, SourceError):
            return text, item
        text += item
    return text, None


def damaged_gzip(text: str, folder: Path, at: float) -> dict[str, tuple[Any, list[bytes]]]:
    """Truncated and corrupt gzip sources (at a fraction ``at`` of the compressed stream),
    each with the reads that its source makes."""
    packed = gzip.compress(text.encode("utf-8"))
    truncated = packed[: 10 + int(at * (len(packed) - 10))]
    where = 10 + int(at * (len(packed) - 11))  # past the header: the data or its trailer
    corrupt = packed[:where] + bytes([packed[where] ^ 0x55]) + packed[where + 1 :]
    path = folder / "corrupt.json.gz"
    path.write_bytes(corrupt)

    def reads(data: bytes, size: int) -> list[bytes]:
        return [data[i : i + size] for i in range(0, len(data), size)]

    return {
        "truncated gzip bytes": (truncated, [truncated]),
        "truncated gzip trickle 7": (Trickle(truncated, 7), reads(truncated, 7)),
        "corrupt gzip path": (path, reads(corrupt, sources.CHUNK)),
        "corrupt gzip trickle 7": (Trickle(corrupt, 7), reads(corrupt, 7)),
    }


def read_library(source: Any, format: Any = "auto") -> tuple[list[Outcome], StreamStats]:
    stream = iter_records(
        source, on_error="collect", only_pki=True, max_record_bytes=LIMIT, format=format
    )
    outcomes: list[Outcome] = []
    for item in stream:
        if isinstance(item, ParseFailure):
            messages = describe_error(item.error)
            outcomes.append(("failure", item.line, item.index, item.positions, messages, item.raw))
        else:
            assert isinstance(item, Record)
            where = (item.line, item.index, item.positions, item.envelope, item.envelopes)
            outcomes.append(("event", item.event.uuid, *where))
    return outcomes, stream.stats


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_stream(), st.floats(0, 1))
# a line cut right after a key, then one whole event with no line break at the end: found by
# hypothesis (the bytes sources lost the event that a trailing line break kept)
@example(text='{"uuid":\n' + compact(pki(1)), at=0.5)
@example(text=compact(pki(0)).split('"actor":')[0] + '"actor":\n' + compact(pki(1)), at=0.5)
# the repro: a cut line, garbage, an event, a stray array, an event
@example(
    text="\n".join(['{"uuid": "x", "a": [', "x", compact(pki(1)), "[1,2", compact(pki(2))]), at=0.5
)
def test_every_source_kind_reads_as_the_reference_reader(text: str, at: float) -> None:
    expected = read_events(text.encode("utf-8"), only_pki=True, max_record_bytes=LIMIT)
    assert expected[1].read == expected[1].parsed + expected[1].failed + expected[1].skipped
    with tempfile.TemporaryDirectory() as folder:
        for kind, make in source_kinds(text, Path(folder)).items():
            got = read_library(make())
            assert got == expected, kind
        for kind, (source, reads) in damaged_gzip(text, Path(folder), at).items():
            prefix, cut = gzip_prefix(reads)
            damaged = read_events(prefix, only_pki=True, max_record_bytes=LIMIT, cut=cut)
            assert read_library(source) == damaged, kind
        # format="json": values across lines, the same rule for a broken one
        values = read_events(text.encode(), only_pki=True, max_record_bytes=LIMIT, format="json")
        kinds = source_kinds(text, Path(folder))
        for kind in ("bytes", "trickle 7", "gzip path", "lines"):
            assert read_library(kinds[kind](), "json") == values, ("json", kind)


def test_a_cut_line_then_an_event_at_the_end_of_the_text_loses_nothing() -> None:
    # the rescue of the lines after a cut line does not depend on a final line break
    cut = compact(pki(0)).split('"actor":')[0] + '"actor":'
    for end in ("", "\n", "\r\n"):
        text = cut + "\n" + compact(pki(1)) + end
        with tempfile.TemporaryDirectory() as folder:
            for kind, make in source_kinds(text, Path(folder)).items():
                outcomes, stats = read_library(make())
                where = [item[:3] if item[0] == "failure" else item[:4] for item in outcomes]
                assert where == [("failure", 1, None), ("event", "u1", 2, None)], (end, kind)
                assert (stats.read, stats.parsed, stats.failed) == (2, 1, 1), (end, kind)


@pytest.mark.parametrize(
    ("text", "error_at", "utf8"),
    [
        (b'[\n{\n{"a": 1}\n"\xff"]', 4, False),  # found by hypothesis (a corrupt gzip's junk)
        (b'[1, x, "\xff"]', 4, False),  # a syntax error on the bad byte's own line, before it
        (b'["ab\xff"]', 4, True),  # the bad byte inside a string: that string is no error
        (b'[\n1,\n"\xff"]', 6, True),
    ],
)
def test_the_first_error_in_the_text_wins_over_invalid_utf8(
    text: bytes, error_at: int, utf8: bool
) -> None:
    # which error a broken value reports must not depend on how much text followed it when it
    # was checked (a syntax error is found alike before and after the bad byte arrives)
    from okta_pki_events._stream.framing import _json_error

    from .reference_reader import first_error

    for final in (False, True):
        found = _json_error(text, final)
        assert found is not None
        assert found == first_error(text, final)
        assert found[0] == error_at, found
        assert found[1].startswith("invalid UTF-8") is utf8, found

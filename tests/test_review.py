"""Regressions found by an adversarial review of the day's landings (one test per defect)."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from okta_pki_events import ParseFailure, StreamStats, iter_records, parse_event
from okta_pki_events._stream import framing
from okta_pki_events.envelopes import CloudWatchLogsEvent
from okta_pki_events.lifecycle import LifecycleTracker, build_lifecycles, lifecycles_from
from okta_pki_events.testing import make_event, make_wire_event

from .support import cli, run_cli, write_ndjson


def _events() -> list[dict[str, object]]:
    return [
        make_wire_event("pki.cert.issue", uuid=f"u{n}", certificate_id=f"c{n}") for n in range(3)
    ] + [make_wire_event("pki.ca.add", uuid="ca")]


@pytest.mark.parametrize(
    "layout",
    ["pretty", "array", "cut_then_pretty", "one_line_array_then_pretty"],
)
def test_lifecycles_from_reads_multi_line_documents_in_ndjson_as_iter_records(
    tmp_path: Path, layout: str
) -> None:
    # `jq . x.ndjson > y.ndjson`: every other reader takes the pretty-printed events of a
    # .ndjson file (format="auto"); lifecycles_from read it line by line, refusing each line
    events = _events()
    compact = [json.dumps(e) for e in events]
    pretty = [json.dumps(e, indent=2) for e in events]
    text = {
        "pretty": "\n".join(pretty),
        "array": "[\n" + ",\n".join(compact) + "\n]",
        "cut_then_pretty": compact[0] + "\n" + compact[1][:40] + "\n" + "\n".join(pretty[2:]),
        "one_line_array_then_pretty": "[" + compact[0] + "]\n" + "\n".join(pretty[1:]),
    }[layout]
    path = tmp_path / "events.ndjson"
    path.write_text(text + "\n")
    reader = iter_records(path, on_error="collect", only_pki=False)
    stream = list(reader)
    failures = [(f.line, f.index, str(f.error)) for f in stream if isinstance(f, ParseFailure)]
    parsed = [item.event for item in stream if not isinstance(item, ParseFailure)]
    assert parsed  # the stream reader reads these files
    fast_stats = StreamStats()
    fast = lifecycles_from(path, on_error="collect", stats=fast_stats)
    assert [(f.line, f.index, str(f.error)) for f in fast.failures] == failures
    assert dataclasses.replace(fast, failures=()).to_dict() == build_lifecycles(parsed).to_dict()
    assert fast_stats == reader.stats
    # and through the CLI: the path (fast) and standard input (the stream reader) agree
    by_path = cli("lifecycle", path, "--json")
    by_stdin = cli("lifecycle", "-", "--json", stdin=path.read_bytes())
    assert by_path.exit_code == by_stdin.exit_code
    assert json.loads(by_path.stdout) == json.loads(by_stdin.stdout)


@pytest.mark.parametrize("output_format", ["parquet", "csv"])
def test_export_to_a_path_it_cannot_write_is_an_error_not_a_traceback(
    tmp_path: Path, output_format: str
) -> None:
    source = write_ndjson(tmp_path / "in.ndjson", *_events())
    target = tmp_path / "missing-dir" / f"out.{output_format}"
    result = run_cli("export", "--format", output_format, "--output", target, source)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.returncode == 2
    assert f"cannot write {target}".encode() in result.stderr
    assert not target.parent.exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [("bad.yml", "a: [b\n  c: d: e\n"), ("deep.json", "[" * 100_000), ("deep.yml", "[" * 100_000)],
)
def test_a_broken_category_table_is_a_value_error_and_no_traceback(
    tmp_path: Path, name: str, text: str
) -> None:
    from okta_pki_events.export import ecs_category_table

    table = tmp_path / name
    table.write_text(text)
    with pytest.raises(ValueError, match=name):
        ecs_category_table(table)
    source = write_ndjson(tmp_path / "in.ndjson", *_events())
    args = ("export", "--format", "ecs", "--output", "-", "--elastic-categories", table, source)
    result = run_cli(*args)
    assert b"Traceback" not in result.stderr, result.stderr.decode()[-500:]
    assert result.returncode == 2
    assert b"cannot read the category table" in result.stderr


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "\udcff",  # text read with errors="surrogateescape" from bytes that are not UTF-8
        json.dumps(make_wire_event("pki.cert.issue", uuid="u")).replace('"u"', '"u\udcff"', 1),
    ],
)
def test_parse_event_refuses_unencodable_text_with_a_value_error(text: str, lazy: bool) -> None:
    with pytest.raises(ValueError, match="unicode"):
        parse_event(text, lazy=lazy)


@pytest.mark.parametrize("window", [None, timedelta(minutes=5)])
def test_restore_of_a_snapshot_without_its_strict_flag_is_a_value_error(
    window: timedelta | None,
) -> None:
    tracker = LifecycleTracker(window=window)
    tracker.feed(make_event("pki.cert.issue", uuid="u1", certificate_id="c1"))
    snapshot = tracker.snapshot()
    assert LifecycleTracker.restore(snapshot).report().to_dict() == tracker.report().to_dict()
    damaged = snapshot.replace(b'"strict":', b'"strOct":', 1)
    assert damaged != snapshot
    with pytest.raises(ValueError, match="damaged"):
        LifecycleTracker.restore(damaged)


def _cloudwatch_data(*events: dict[str, object]) -> bytes:
    data = {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "okta",
        "logStream": "pki",
        "subscriptionFilters": ["all"],
        "logEvents": [
            {"id": str(n), "timestamp": 1, "message": json.dumps(event)}
            for n, event in enumerate(events)
        ],
    }
    return json.dumps(data).encode()


@pytest.mark.parametrize("layout", ["split", "two_documents", "junk"])
def test_cloudwatch_data_after_the_first_gzip_member_is_never_dropped(layout: str) -> None:
    # gzip is a series of members (`cat a.gz b.gz`; files are read so): CloudWatch Logs data
    # was read to the end of the first member only, the rest dropped without a word
    first, second = (make_wire_event("pki.cert.issue", uuid=f"u{n}") for n in range(2))
    if layout == "split":  # one document, compressed in two members
        text = _cloudwatch_data(first, second)
        data = gzip.compress(text[:100]) + gzip.compress(text[100:])
    elif layout == "two_documents":
        data = gzip.compress(_cloudwatch_data(first)) + gzip.compress(_cloudwatch_data(second))
    else:
        data = gzip.compress(_cloudwatch_data(first)) + b"trailing junk"
    document = {"awslogs": {"data": base64.b64encode(data).decode()}}
    stream = iter_records(json.dumps(document).encode(), on_error="collect")
    items = list(stream)
    if layout == "split":
        parsed = [item.event.uuid for item in items if not isinstance(item, ParseFailure)]
        assert parsed == ["u0", "u1"]
        model = CloudWatchLogsEvent.model_validate(document)
        assert len(model.awslogs.data.log_events or ()) == 2
    else:  # not one document: the delivery is one failure, as any broken one
        assert (stream.stats.failed, stream.stats.parsed) == (1, 0)
        with pytest.raises(ValueError, match=r"awslogs\.data"):
            CloudWatchLogsEvent.model_validate(document)


class _CountedBytes(bytearray):
    """A bytearray that counts the reads of its items and slices."""

    reads = 0

    def __getitem__(self, item: Any) -> Any:
        self.reads += 1
        return super().__getitem__(item)


def test_values_after_a_deep_broken_one_are_not_looked_up_level_by_level() -> None:
    # After a value broken deep in its lines, the framer keeps the levels open at the break
    # (``_Levels``) and looks up every container value read after it: a value past the
    # innermost level walked up to 255 levels' bytes in Python each time (every element of
    # a following array of 20,000 events read 1.35x slower); it is answered at once.
    levels = framing._Levels()
    offsets = [10 * n for n in range(1, 601)]
    for offset in offsets:
        levels.push(offset, 0x5D)
    counted = _CountedBytes(levels._bytes)
    levels._bytes = counted
    for offset in (offsets[-1] + 1, offsets[-1] + 10, 10**12):
        assert levels.find(offset) == -1
    assert counted.reads == 0
    assert levels.find(offsets[-1]) == 599  # the levels themselves are still found
    assert levels.find(offsets[300]) == 300
    assert levels.find(offsets[300] + 1) == -1
    deep = b'{"a":\n' + (b"[" * 100 + b"\n") * 5 + b"x\n"
    events = [make_wire_event("pki.cert.issue", uuid=f"u{n}") for n in range(3)]
    stream = iter_records(deep + json.dumps(events).encode() + b"\n", on_error="collect")
    parsed = [item.event.uuid for item in stream if not isinstance(item, ParseFailure)]
    assert parsed == ["u0", "u1", "u2"]
    assert stream.stats == StreamStats(read=11, parsed=3, failed=8, skipped=0)


def test_levels_are_found_across_the_blocks_of_their_marks() -> None:
    # ``_Levels`` keeps every 256th level's offset whole and walks the bytes between them:
    # levels at each end of a block, gaps around the one-byte limit, popped to each edge
    rng = random.Random(5)
    levels = framing._Levels()
    plain: list[tuple[int, int]] = []
    for depth in (700, 513, 600, 256, 300, 255, 1000, 257, 512, 1, 0, 258):
        while len(plain) < depth:
            offset = (plain[-1][0] if plain else 0) + rng.choice([1, 126, 127, 128, 1 << 33])
            closer = rng.choice([0x5D, 0x7D])
            levels.push(offset, closer)
            plain.append((offset, closer))
        while len(plain) > depth:
            assert levels.pop() == plain.pop()[1]
        assert len(levels) == len(plain)
        offsets = [at for at, _ in plain]
        assert [levels.find(at) for at in offsets] == list(range(len(plain)))
        assert [levels.closer(level) for level in range(len(plain))] == [c for _, c in plain]
        assert all(levels.find(at + 1) == -1 for at in offsets if at + 1 not in offsets)

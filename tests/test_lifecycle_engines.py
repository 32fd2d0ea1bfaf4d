"""The fold on Spark (local mode), DuckDB and Polars equals the single-process report."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from pyspark.sql import SparkSession

from okta_pki_events import build_lifecycles, parse_event
from okta_pki_events.export import write_parquet
from okta_pki_events.lifecycle import LifecycleReport
from okta_pki_events.lifecycle.duckdb import duckdb_lifecycles
from okta_pki_events.lifecycle.polars import polars_lifecycles
from okta_pki_events.lifecycle.spark import certificate_frame, spark_lifecycles
from okta_pki_events.testing import EventTypeName, make_wire_event

KINDS: list[EventTypeName] = [
    "pki.cert.issue",
    "pki.cert.bind",
    "pki.cert.renew",
    "pki.cert.lifecycle.hold",
    "pki.cert.lifecycle.activate",
    "pki.cert.lifecycle.revoke",
    "pki.cert.lifecycle.delete",
]


def engine_lines(seed: int = 7, certificates: int = 40) -> list[str]:
    """Generated events: lifecycles with illegal steps, CA events, CRL failures, non-PKI,
    redeliveries and conflicting redeliveries (one uuid, other content), shuffled."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    n = 0
    for c in range(certificates):
        for step in range(rng.randint(1, 6)):
            n += 1
            rows.append(
                make_wire_event(
                    rng.choice(KINDS) if step else "pki.cert.issue",
                    certificate_id=f"crt{c:03d}",
                    device_id=f"guo{c:03d}",
                    uuid=f"{n:08x}-0000-4000-8000-{rng.getrandbits(48):012x}",
                    published=f"2026-01-01T{c % 24:02d}:{step:02d}:00.000Z",
                    outcome=rng.choice(["SUCCESS", "SUCCESS", "SUCCESS", "FAILURE"]),
                )
            )
    ca_kinds: list[EventTypeName] = [
        "pki.ca.add",
        "pki.ca.expiration.warn",
        "pki.ca.renew",
        "pki.ca.delete",
    ]
    for i, kind in enumerate(ca_kinds):
        published = f"2026-01-02T00:0{i}:00.000Z"
        rows.append(make_wire_event(kind, ca_id="ca1", uuid=f"ca-{i}", published=published))
    rows.append(make_wire_event("pki.cert.crl_download_failure", uuid="crl-1"))
    rows.append(
        {"uuid": "n1", "published": "2026-01-01T00:00:00.000Z", "eventType": "user.session.start"}
    )
    redelivered = rng.sample(rows, 12)
    conflicting = []
    for row in rng.sample(rows[: n // 2], 4):
        other = dict(row)
        other["outcome"] = {"result": "DENY", "reason": None}
        conflicting.append(other)
    moved = dict(rows[3])
    moved["target"] = [{"id": "crt999", "type": "Certificate"}]  # same uuid, another certificate
    everything = rows + redelivered + conflicting + [moved]
    rng.shuffle(everything)
    return [json.dumps(row) for row in everything]


def comparable(report: LifecycleReport) -> dict[str, Any]:
    data = report.to_dict(timelines=False)
    data.pop("failures")
    return data


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return engine_lines()


@pytest.fixture(scope="module")
def reference(lines: list[str]) -> LifecycleReport:
    return build_lifecycles(parse_event(line) for line in lines)


def test_the_generated_data_has_what_the_engines_must_handle(reference: LifecycleReport) -> None:
    kinds = {a.kind.value for a in reference.anomalies}
    assert {"conflicting_duplicate", "illegal_transition"} <= kinds
    assert reference.duplicates >= 12
    assert reference.authorities
    assert reference.crl_failures
    assert reference.ignored == 1


def test_spark_gives_the_single_process_report(
    spark: SparkSession, lines: list[str], reference: LifecycleReport
) -> None:
    frame = spark.createDataFrame([(line,) for line in lines], "value string").repartition(3)
    report = spark_lifecycles(frame)
    assert comparable(report) == comparable(reference)
    rows = {r["key"]: r for r in certificate_frame(frame).collect()}
    assert set(rows) == set(reference.certificates)
    for key, history in reference.certificates.items():
        assert rows[key]["state"] == (history.state.value if history.state else None)
        assert rows[key]["events"] == len(history.timeline)


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory, lines: list[str]) -> Path:
    path = tmp_path_factory.mktemp("engines") / "events.parquet"
    write_parquet([parse_event(line) for line in lines], path)
    return path


def test_duckdb_gives_the_single_process_report(
    parquet: Path, lines: list[str], reference: LifecycleReport
) -> None:
    relation = duckdb.read_parquet(str(parquet))
    report = duckdb_lifecycles(relation, batch_size=50)
    assert dataclasses.replace(report, failures=()) == reference
    from_sql = duckdb_lifecycles(f"select _raw from read_parquet('{parquet}')")
    assert comparable(from_sql) == comparable(reference)


def test_polars_gives_the_single_process_report(
    parquet: Path, lines: list[str], reference: LifecycleReport
) -> None:
    assert (
        dataclasses.replace(polars_lifecycles(pl.scan_parquet(parquet)), failures=()) == reference
    )
    frame = pl.DataFrame({"value": [*lines, '{"uuid": "cut"']})
    report = polars_lifecycles(frame, column="value")
    assert comparable(report) == comparable(reference)
    (failure,) = report.failures
    assert failure.line == len(lines) + 1


def test_spark_reads_the_parquet_export(
    spark: SparkSession, parquet: Path, reference: LifecycleReport
) -> None:
    report = spark_lifecycles(spark.read.parquet(str(parquet)), column="_raw")
    assert comparable(report) == comparable(reference)


def test_spark_gives_timelines_on_request(
    spark: SparkSession, lines: list[str], reference: LifecycleReport
) -> None:
    frame = spark.createDataFrame([(line,) for line in lines], "value string").repartition(2)
    every = spark_lifecycles(frame, timelines=True)
    assert every.to_dict() == dataclasses.replace(reference, failures=()).to_dict()
    for key, history in reference.certificates.items():
        assert every.certificates[key].timeline == history.timeline
    one = sorted(reference.certificates)[3]
    some = spark_lifecycles(frame, timelines=[one])
    assert some.certificates[one] == reference.certificates[one]
    others = [k for k in reference.certificates if k != one]
    assert all(some.certificates[k].timeline == () for k in others)
    assert comparable(some) == comparable(reference)
    rows = {r["key"]: r["timeline"] for r in certificate_frame(frame, timelines={one}).collect()}
    assert json.loads(rows[one])[0][1] == reference.certificates[one].timeline[0].uuid
    assert {k for k, v in rows.items() if v is not None} == {one}

"""The ``lifecycle`` command: states, anomalies only, time range, actors, bounded JSON, paths."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from okta_pki_events.testing import make_unknown_event, make_wire_event

from .support import cli, write_ndjson


def _day(tmp_path: Path) -> Path:
    rows = []
    for c in range(30):
        rows.append(
            make_wire_event(
                "pki.cert.issue",
                certificate_id=f"c{c:02d}",
                uuid=f"i{c}",
                published=f"2026-01-01T00:{c:02d}:00.000Z",
            )
        )
        if c % 3 == 0:
            rows.append(
                make_wire_event(
                    "pki.cert.lifecycle.revoke",
                    certificate_id=f"c{c:02d}",
                    uuid=f"r{c}",
                    published=f"2026-01-02T00:{c:02d}:00.000Z",
                )
            )
            rows.append(  # activate after revoke: an anomaly
                make_wire_event(
                    "pki.cert.lifecycle.activate",
                    certificate_id=f"c{c:02d}",
                    uuid=f"a{c}",
                    published=f"2026-01-03T00:{c:02d}:00.000Z",
                    actor={"id": "00u1", "type": "User", "alternateId": "admin@example.com"},
                )
            )
    return write_ndjson(tmp_path / "day.ndjson", *rows)


def test_state_lists_the_certificates_in_it(tmp_path: Path) -> None:
    path = _day(tmp_path)
    result = cli("lifecycle", path, "--state", "revoked", "--limit", "50")
    assert result.exit_code == 0, result.output
    assert "All 10 certificates revoked" in result.stdout
    assert "c03" in result.stdout
    assert "c01 " not in result.stdout
    # cut by --limit, the title says of how many (it said "first 3"); times as the other
    # tables write them (to the second, UTC; it gave the JSON's 2026-01-03T00:00:00.000Z)
    args = ("--state", "revoked", "--state", "issued", "--limit", "3", "--anomalies-only")
    text = cli("lifecycle", path, *args).stdout
    assert "First 3 of 30 certificates revoked or issued (--limit)" in text
    assert "│ c00         │ revoked │ guo1dEvIcE2345a0g4 │ 2026-01-03 00:00:00 │      3 │" in text
    assert "2026-01-03T00:00:00.000Z" not in text
    one = cli("lifecycle", path, "--state", "revoked", "--type", "pki.cert.issue", "--limit", "0")
    assert "No certificates revoked" in one.stdout
    data = json.loads(cli("lifecycle", path, "--state", "revoked", "--json", "--limit", "4").stdout)
    assert [row["certificate"] for row in data["certificates"]] == ["c00", "c03", "c06", "c09"]
    assert {row["state"] for row in data["certificates"]} == {"revoked"}


def test_json_is_bounded(tmp_path: Path) -> None:
    data = json.loads(cli("lifecycle", _day(tmp_path), "--json", "--limit", "3").stdout)
    assert len(data["anomalies"]) == 3
    assert data["anomalies_total"] == 10
    assert data["certificates_total"] == 30
    assert "certificates" not in data  # none listed without --state
    assert "timeline" not in json.dumps(data)
    assert data["state_counts"] == {"issued": 20, "revoked": 10}
    assert data["stats"]["read"] == 50


def test_anomalies_only(tmp_path: Path) -> None:
    path = _day(tmp_path)
    text = cli("lifecycle", path, "--anomalies-only").stdout
    assert "First 10 of 10" not in text
    assert "All 10 anomalies" in text
    assert "Certificates per state" not in text
    data = json.loads(cli("lifecycle", path, "--anomalies-only", "--json").stdout)
    assert set(data) == {"anomalies", "anomalies_total"}
    assert data["anomalies_total"] == 10


def test_since_and_until_bound_the_events(tmp_path: Path) -> None:
    path = _day(tmp_path)
    data = json.loads(cli("lifecycle", path, "--json", "--until", "2026-01-02T12:00:00Z").stdout)
    assert data["anomalies_total"] == 0
    assert data["state_counts"] == {"issued": 20, "revoked": 10}
    assert data["stats"]["filtered"] == 10
    later = json.loads(cli("lifecycle", path, "--json", "--since", "2026-01-02T00:00:00Z").stdout)
    assert later["state_counts"] == {"revoked": 10}  # first seen through the revoke


def test_the_timeline_shows_the_actor(tmp_path: Path) -> None:
    out = cli("lifecycle", _day(tmp_path), "--certificate", "c03").stdout
    assert "admin@example.com" in out
    assert "actor" in out
    data = json.loads(cli("lifecycle", _day(tmp_path), "--certificate", "c03", "--json").stdout)
    assert data["timeline"][-1]["actor"] == "admin@example.com"


def test_many_files_directories_and_globs(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    write_ndjson(
        folder / "a.ndjson", make_wire_event("pki.cert.issue", certificate_id="c1", uuid="u1")
    )
    packed = folder / "b.ndjson.gz"
    line = json.dumps(make_wire_event("pki.cert.issue", certificate_id="c2", uuid="u2"))
    packed.write_bytes(gzip.compress((line + "\n").encode()))
    for args in ([folder], [str(folder / "*.ndjson*")], [folder / "a.ndjson", packed]):
        data = json.loads(cli("lifecycle", *args, "--json").stdout)
        assert data["certificates_total"] == 2, args
    missing = cli("lifecycle", str(tmp_path / "nothing-*.ndjson"))
    assert missing.exit_code == 2
    assert "no file matches" in missing.stderr
    stdin = cli("lifecycle", "-", "--json", stdin=line + "\n")
    assert json.loads(stdin.stdout)["certificates_total"] == 1


def test_a_certificate_not_in_the_input_is_a_result_exit_1(tmp_path: Path) -> None:
    # docs/cli.md: 1 is a result (nothing valid, --max-errors, a key not in the input);
    # 2 is a usage error the command line itself shows (a missing file, a bad option value)
    path = _day(tmp_path)
    for extra in ([], ["--json"]):
        found = cli("lifecycle", path, "--certificate", "c03", *extra)
        assert found.exit_code == 0, found.stderr
        missing = cli("lifecycle", path, "--certificate", "nope", *extra)
        assert missing.exit_code == 1, extra
        assert missing.stderr.strip() == "okta-pki-events: no certificate 'nope' in the input"
        assert missing.stdout == ""
    stdin = cli("lifecycle", "-", "--certificate", "nope", stdin=path.read_text())
    assert stdin.exit_code == 1
    usage = cli("lifecycle", path, "--certificate", "c03", "--limit", "-1")
    assert usage.exit_code == 2


def test_each_count_is_said_once_in_words_of_its_own(tmp_path: Path) -> None:
    # a certificate seen only through a failed event (state None) and an event of a pki.*
    # type not in the catalogue are two things: neither is worded as the other
    failed = make_wire_event("pki.cert.lifecycle.hold", certificate_id="c9", outcome="FAILURE")
    later = make_unknown_event("pki.cert.quarantine").model_dump(mode="json", exclude_unset=True)
    other = make_wire_event("pki.cert.issue", certificate_id="c1")
    other["eventType"] = "user.session.start"
    issued = [make_wire_event("pki.cert.issue", certificate_id=f"c{n}") for n in range(10, 20)]
    path = write_ndjson(tmp_path / "mixed.ndjson", *issued, failed, later, other, "{broken")
    text = cli("lifecycle", path).stdout
    rows = [line.strip("│ ").split("│") for line in text.splitlines()]
    cells = [[cell.strip() for cell in row] for row in rows if len(row) == 2]
    assert ["unknown (failed events only)", "1"] in cells
    totals, records = text.splitlines()[-2:]
    assert totals == (
        "11 certificates, 0 CAs; "
        "1 event of a type not in the catalogue (pki.cert.quarantine), not applied"
    )
    assert records == (
        "14 records: 12 PKI events, 1 other record skipped, 1 invalid (run validate for details)"
    )
    assert text.count("unknown") == 1
    summary = cli("summary", path).stdout.splitlines()[-1]
    assert summary == records  # the same counts in the same words
    listed = cli("lifecycle", path, "--state", "unknown").stdout
    assert "c9 " in listed
    assert "Certificate c9: unknown (failed events only)\n" in (
        cli("lifecycle", path, "--certificate", "c9").stdout
    )
    data = json.loads(cli("lifecycle", path, "--json").stdout)
    assert data["state_counts"]["unknown"] == 1  # the JSON keeps the report's key


def test_tables_without_rows_are_not_printed(tmp_path: Path) -> None:
    path = write_ndjson(
        tmp_path / "one.ndjson", make_wire_event("pki.cert.issue", certificate_id="c1")
    )
    text = cli("lifecycle", path).stdout
    assert "Certificate authorities" not in text
    assert "Anomalies" not in text
    assert "no anomalies\n" in text
    assert text.endswith(
        "1 certificate, 0 CAs\n1 record: 1 PKI event, 0 other records skipped, 0 invalid\n"
    )


def test_a_timeline_says_new_only_when_the_issue_is_in_the_input(tmp_path: Path) -> None:
    path = write_ndjson(
        tmp_path / "t.ndjson",
        make_wire_event("pki.cert.issue", certificate_id="c1", published="2026-01-01T00:00:00Z"),
        make_wire_event("pki.cert.revoke", certificate_id="c2", published="2026-01-02T00:00:00Z"),
        make_wire_event(
            "pki.cert.lifecycle.hold",
            certificate_id="c3",
            outcome="FAILURE",
            published="2026-01-03T00:00:00Z",
        ),
    )
    states = {}
    for key in ("c1", "c2", "c3"):
        text = cli("lifecycle", path, "--certificate", key).stdout
        row = next(line for line in text.splitlines() if line.startswith("│ 2026"))
        states[key] = row.strip("│ ").split("│")[-1].strip()
    assert states == {
        "c1": "new -> issued",
        "c2": "unknown -> revoked",  # issued before the input: its state then is not known
        "c3": "unknown -> unknown",  # seen only through a failed event
    }

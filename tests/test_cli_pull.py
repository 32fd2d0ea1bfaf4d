"""``okta-pki-events pull`` against FakeOkta: options, exit codes, signals."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from okta_pki_events.cli import main
from okta_pki_events.cli.pull import format_check, format_progress
from okta_pki_events.testing import FakeOkta, make_wire_event

TOKEN_ENV = "TEST_OKTA_TOKEN"


@pytest.fixture
def okta() -> Iterator[FakeOkta]:
    with FakeOkta() as fake:
        for i in range(5):
            event = make_wire_event("pki.cert.issue")
            event["uuid"] = f"u{i}"
            fake.persist(event)
        yield fake


def pull(okta: FakeOkta, *args: str | Path, token: str | None = None) -> Result:
    env = {TOKEN_ENV: okta.token if token is None else token}
    runner = CliRunner()
    return runner.invoke(
        main, ["pull", "--org", okta.url, *map(str, args)], env=env, catch_exceptions=False
    )


def _files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "state.json", tmp_path / "events.ndjson"


def _pull_process(okta: FakeOkta, state: Path, out: Path, *more: str) -> list[str]:
    """The command line of ``pull`` from ``okta`` (token in ``TOKEN_ENV``), as a process."""
    return [
        *[sys.executable, "-m", "okta_pki_events", "pull", "--org", okta.url],
        *["--token-env", TOKEN_ENV, "--state", str(state), "--output", str(out), *more],
    ]


def test_pull_to_a_file_then_resume(okta: FakeOkta, tmp_path: Path) -> None:
    state, out = _files(tmp_path)
    args = ("--token-env", TOKEN_ENV, "--state", state, "--output", out, "--limit", "2")
    first = pull(okta, *args)
    assert first.exit_code == 0, first.stderr
    assert [json.loads(line)["uuid"] for line in out.read_text().splitlines()] == [
        f"u{i}" for i in range(5)
    ]
    assert first.stdout == ""
    okta.persist(dict(make_wire_event("pki.cert.bind"), uuid="u5"))
    second = pull(okta, *args)
    assert second.exit_code == 0, second.stderr
    assert len(out.read_text().splitlines()) == 6
    assert json.loads(state.read_text())["events"] == 6
    assert okta.token not in state.read_text() + first.stderr + second.stderr


def test_pull_to_stdout(okta: FakeOkta, tmp_path: Path) -> None:
    result = pull(okta, "--token-env", TOKEN_ENV, "--state", tmp_path / "s", "--output", "-")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["uuid"] for line in result.stdout.splitlines()] == [
        f"u{i}" for i in range(5)
    ]


def test_check_reports_auth_and_headroom(okta: FakeOkta) -> None:
    result = pull(okta, "--token-env", TOKEN_ENV, "--check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "auth: ok (SSWS API token); the System Log answered HTTP 200",
        "rate limit: 119 of 120 requests left (99%), resets in "
        + result.stdout.splitlines()[1].split("resets in ")[1],
    ]
    assert len(okta.log_requests()) == 1
    assert okta.log_requests()[0].query["limit"] == "1"


def test_oauth_with_dpop(okta: FakeOkta, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    okta.add_client("0oa1", key.public_key())
    pem = tmp_path / "key.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    state, out = _files(tmp_path)
    result = pull(
        okta, "--client-id", "0oa1", "--private-key", pem, "--state", state, "--output", out
    )
    assert result.exit_code == 0, result.stderr
    assert len(out.read_text().splitlines()) == 5
    checked = pull(okta, "--client-id", "0oa1", "--private-key", pem, "--check")
    assert "auth: ok (OAuth service app, private_key_jwt and DPoP)" in checked.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--check",), "give --token-env VAR"),
        (("--token-env", "NOT_SET_ANYWHERE", "--check"), "NOT_SET_ANYWHERE"),
        (("--token-env", TOKEN_ENV, "--client-id", "x", "--check"), "not both"),
        (("--client-id", "x", "--check"), "--private-key"),
        (("--token-env", TOKEN_ENV), "--state FILE and --output"),
        (("--token-env", TOKEN_ENV, "--all-types", "--filter", "x", "--check"), "exclude"),
        (("--token-env", TOKEN_ENV, "--since", "2020-01-01", "--check"), "180 days"),
        (("--token-env", TOKEN_ENV, "--limit", "0", "--check"), "1<=x<=1000"),
    ],
)
def test_usage_errors_exit_2(okta: FakeOkta, args: tuple[str, ...], message: str) -> None:
    result = pull(okta, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_http_org_off_loopback_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["pull", "--org", "http://acme.okta.com", "--token-env", "X", "--check"],
        env={"X": "t"},
    )
    assert result.exit_code == 2
    assert "https is required" in result.stderr


def test_a_wrong_token_exits_3(okta: FakeOkta) -> None:
    result = pull(okta, "--token-env", TOKEN_ENV, "--check", token="wrong-token")
    assert result.exit_code == 3
    assert "E0000011" in result.stderr
    assert "wrong-token" not in result.stderr


def test_a_bad_key_exits_3(okta: FakeOkta, tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    result = pull(okta, "--client-id", "0oa1", "--private-key", key, "--check")
    assert result.exit_code == 3
    assert "not an unencrypted PEM private key" in result.stderr


def test_rate_limited_beyond_max_wait_exits_4(okta: FakeOkta, tmp_path: Path) -> None:
    okta.rate_limit = 0
    state, out = _files(tmp_path)
    result = pull(
        okta, "--token-env", TOKEN_ENV, "--state", state, "--output", out, "--max-wait", "0"
    )
    assert result.exit_code == 4
    assert "E0000047" in result.stderr


def test_a_rejected_filter_exits_5(okta: FakeOkta) -> None:
    result = pull(okta, "--token-env", TOKEN_ENV, "--filter", "eventType co pki", "--check")
    assert result.exit_code == 5
    assert "Invalid value for 'filter'" in result.stderr


def test_okta_unavailable_exits_6_with_the_state_unchanged(okta: FakeOkta, tmp_path: Path) -> None:
    state, out = _files(tmp_path)
    args = ("--token-env", TOKEN_ENV, "--state", state, "--output", out, "--limit", "2")
    assert pull(okta, *args, "--max-pages", "1").exit_code == 0
    saved = state.read_bytes()
    okta.fail_next(2)
    result = pull(okta, *args, "--max-attempts", "2")
    assert result.exit_code == 6
    assert "E0000009" in result.stderr
    assert state.read_bytes() == saved


def test_a_changed_filter_on_resume_exits_2(okta: FakeOkta, tmp_path: Path) -> None:
    state, out = _files(tmp_path)
    assert pull(okta, "--token-env", TOKEN_ENV, "--state", state, "--output", out).exit_code == 0
    result = pull(okta, "--token-env", TOKEN_ENV, "--state", state, "--output", out, "--all-types")
    assert result.exit_code == 2
    assert "was made for filter" in result.stderr


def test_sigterm_finishes_the_page_saves_and_exits_0(okta: FakeOkta, tmp_path: Path) -> None:
    state, out = _files(tmp_path)
    env = {**os.environ, TOKEN_ENV: okta.token}
    command = _pull_process(okta, state, out, "--follow", "--interval", "3600")
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (state.exists() and json.loads(state.read_text())["pages"] == 1):
            assert time.monotonic() < deadline, "no page committed"
            assert process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)  # during the hour-long wait: it ends at once
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "stopping after the current page" in stderr
    assert "stopped; 5 events written in this run, cursor saved" in stderr
    assert len(out.read_text().splitlines()) == 5


def test_progress_and_check_formatting(okta: FakeOkta, tmp_path: Path) -> None:
    import httpx

    from okta_pki_events.pull import PullConfig, SswsAuth, check_access, pull_to_file

    lines: list[str] = []
    with httpx.Client(auth=SswsAuth(okta.token)) as client:
        pull_to_file(
            client,
            PullConfig(okta.url, limit=3),
            state=tmp_path / "s",
            output=tmp_path / "o",
            on_page=lambda page, state: lines.append(format_progress(page, state)),
        )
        page = check_access(client, PullConfig(okta.url))
    assert lines[0].startswith("3 events in 1 page; last published ")
    assert lines[0].endswith("; rate limit 119/120 left")
    assert lines[1].startswith("5 events in 2 pages")
    assert lines[1].endswith("caught up")
    assert format_check(page, "x").splitlines()[2] == "PKI events in the last 7 days: yes"


def test_progress_goes_to_stderr_on_a_terminal(okta: FakeOkta, tmp_path: Path) -> None:
    import pty

    state, out = _files(tmp_path)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            _pull_process(okta, state, out, "--limit", "2"),
            env={**os.environ, TOKEN_ENV: okta.token},
            stderr=follower,
            stdout=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        os.close(follower)
        shown = b""
        with contextlib.suppress(OSError):  # EIO once the terminal has no writer left
            while chunk := os.read(leader, 4096):
                shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    text = shown.decode()
    assert "2 events in 1 page;" in text
    assert "5 events in 3 pages" in text
    assert "caught up" in text

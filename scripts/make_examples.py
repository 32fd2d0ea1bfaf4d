"""Generate the bundled example data set, examples/pki-events.ndjson, with a fixed seed.

Several thousand PKI events across all 15 types, as a 90-day System Log export would hold
them: certificate lifecycles (issue, bind, renew, hold/activate, suspend, revoke, delete),
CA events, out of order, with at-least-once duplicates, a few non-PKI events, a few broken
lines and a few lifecycle anomalies.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from okta_pki_events.testing import (
    known_event_type,
    make_scope_mapping_target,
    make_wire_event,
)
from okta_pki_events.testing import (
    make_ca_target as ca_target,
)
from okta_pki_events.testing import (
    make_certificate_target as cert_target,
)
from okta_pki_events.testing import (
    make_device_target as device_target,
)

SEED = 20261125
OUT = Path(__file__).resolve().parent.parent / "examples" / "pki-events.ndjson"
START = datetime(2026, 8, 1, tzinfo=timezone.utc)


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


class Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def uuid(self) -> str:
        self.count += 1
        high, low = self.rng.getrandbits(32), self.rng.getrandbits(48)
        return f"{high:08x}-{self.count:04x}-11ef-9a4b-{low:012x}"

    def event(
        self, event_type: str, at: datetime, targets: list[dict[str, Any]], **more: Any
    ) -> dict[str, Any]:
        """One event: the testing kit's realistic defaults, varied as real exports vary."""
        rng = self.rng
        event = make_wire_event(
            known_event_type(event_type), uuid=self.uuid(), published=stamp(at), target=targets
        )
        ip = f"198.51.100.{rng.randint(1, 254)}"
        geo = event["client"]["geographicalContext"]
        geo["postalCode"] = rng.choice(["94107", 94107, None])
        event["client"]["ipAddress"] = ip
        event["version"] = rng.choice(["0", "0", "0", 0])
        event["severity"] = "WARN" if "revoke" in event_type or "warn" in event_type else "INFO"
        event["device"] = None
        event["authenticationContext"] = {
            "authenticationProvider": None,
            "credentialProvider": None,
            "credentialType": rng.choice([None, "CERTIFICATE"]),
            "issuer": None,
            "interface": None,
            "authenticationStep": 0,
            "externalSessionId": f"idx{rng.getrandbits(40):010x}",
        }
        event["securityContext"] = {
            "asNumber": 64496,
            "asOrg": "example networks",
            "isp": "example isp",
            "domain": "example.com",
            "isProxy": False,
        }
        event["debugContext"] = {
            "debugData": {
                "requestId": f"Zx{rng.getrandbits(64):016x}",
                "requestUri": "/api/v1/pki",
                "url": "/api/v1/pki?",
            }
        }
        event["request"] = {
            "ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": None}]
        }
        event.update(more)
        return event


# The path a certificate takes: each step is (event type, mean days after the previous).
PATHS: list[tuple[float, list[str]]] = [
    (0.35, ["pki.cert.issue", "pki.cert.bind"]),
    (0.15, ["pki.cert.issue", "pki.cert.bind", "pki.cert.renew"]),
    (
        0.10,
        [
            "pki.cert.issue",
            "pki.cert.bind",
            "pki.cert.lifecycle.hold",
            "pki.cert.lifecycle.activate",
        ],
    ),
    (0.10, ["pki.cert.issue", "pki.cert.bind", "pki.cert.lifecycle.suspend"]),
    (0.08, ["pki.cert.issue", "pki.cert.bind", "pki.cert.lifecycle.revoke"]),
    (0.05, ["pki.cert.issue", "pki.cert.revoke"]),
    (
        0.07,
        [
            "pki.cert.issue",
            "pki.cert.bind",
            "pki.cert.lifecycle.suspend",
            "pki.cert.lifecycle.delete",
        ],
    ),
    (0.05, ["pki.cert.bind", "pki.cert.renew"]),  # issued before the 90-day window
    (0.05, ["pki.cert.lifecycle.hold"]),  # only the tail seen
]
ANOMALIES = [
    ["pki.cert.issue", "pki.cert.bind", "pki.cert.lifecycle.revoke", "pki.cert.lifecycle.activate"],
    ["pki.cert.issue", "pki.cert.bind", "pki.cert.bind"],
    ["pki.cert.issue", "pki.cert.lifecycle.delete", "pki.cert.lifecycle.hold"],
    ["pki.cert.issue", "pki.cert.issue"],
]


def build(rng: random.Random, certificates: int = 1500) -> list[str]:
    maker = Maker(rng)
    events: list[dict[str, Any]] = []
    weights = [w for w, _ in PATHS]
    for n in range(certificates):
        cert_id, device_id = (
            f"crt{n:05d}x{rng.getrandbits(24):06x}",
            f"guo{n:05d}d{rng.getrandbits(24):06x}",
        )
        anomaly = ANOMALIES[(n // 150) % len(ANOMALIES)]
        path = anomaly if n % 150 == 7 else rng.choices(PATHS, weights)[0][1]
        at = START + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        for step in path:
            targets = (
                [cert_target(cert_id)]
                if step in ("pki.cert.revoke",)
                else [cert_target(cert_id), device_target(device_id)]
            )
            more: dict[str, Any] = {}
            if step == "pki.cert.issue":
                more["legacyEventType"] = "core.user_auth.pki.cert.issue"
            if rng.random() < 0.02:
                more["outcome"] = {"result": "FAILURE", "reason": "Device not enrolled"}
            events.append(maker.event(step, at, targets, **more))
            at += timedelta(hours=rng.uniform(0.1, 24 * 10))
    for n in range(12):
        ca_id = f"ca{n:03d}k{rng.getrandbits(24):06x}"
        at = START + timedelta(days=rng.uniform(0, 20))
        events.append(
            maker.event(
                "pki.ca.add",
                at,
                [ca_target(ca_id)],
                actor={
                    "id": "00u1adminAbCdEf0g4",
                    "type": "User",
                    "alternateId": "pki.admin@example.com",
                    "displayName": "PKI Admin",
                    "detailEntry": None,
                },
            )
        )
        for reason in rng.sample(
            ["EXPIRING_6_MONTHS", "EXPIRING_3_MONTHS", "EXPIRING_1_MONTH"], rng.randint(0, 3)
        ):
            at += timedelta(days=rng.uniform(1, 20))
            events.append(
                maker.event(
                    "pki.ca.expiration.warn",
                    at,
                    [ca_target(ca_id)],
                    outcome={"result": "SUCCESS", "reason": reason},
                )
            )
        if n % 3 == 0:
            at += timedelta(days=rng.uniform(1, 10))
            new_id = f"{ca_id}r"
            events.append(
                maker.event("pki.ca.renew", at, [ca_target(ca_id, "EXPIRED"), ca_target(new_id)])
            )
        if n % 4 == 1:
            at += timedelta(days=rng.uniform(1, 10))
            events.append(
                maker.event(
                    "pki.ca.scope.mapping.update",
                    at,
                    [make_scope_mapping_target(ca_id, mapping_id=f"map-{ca_id}")],
                )
            )
        if n % 5 == 2:
            at += timedelta(days=rng.uniform(1, 10))
            events.append(maker.event("pki.ca.delete", at, [ca_target(ca_id, "REVOKED")]))
            if n == 7:  # an anomaly: the CA added again while present
                events.append(
                    maker.event("pki.ca.add", at - timedelta(hours=1), [ca_target(ca_id)])
                )
            if n == 2:  # an anomaly: an event after the CA was deleted
                events.append(
                    maker.event(
                        "pki.ca.expiration.warn",
                        at + timedelta(days=1),
                        [ca_target(ca_id)],
                        outcome={"result": "SUCCESS", "reason": "EXPIRING_1_MONTH"},
                    )
                )
    for n in range(40):
        at = START + timedelta(days=rng.uniform(0, 60))
        status = rng.choice(["404", "500", "503"])
        event_type = (
            "pki.cert.lifecycle.crl_download_failure"
            if n % 10 == 0
            else "pki.cert.crl_download_failure"
        )
        events.append(
            maker.event(
                event_type,
                at,
                [cert_target(f"crt-ca-{n % 3}")],
                severity="WARN",
                outcome={"result": "FAILURE", "reason": f"HTTP {status}"},
                debugContext={
                    "debugData": {
                        "crlUrl": f"http://crl.example.com/ca{n % 3}.crl",
                        "httpStatusCode": status,
                    }
                },
            )
        )
    events.append(
        maker.event("pki.cert.quarantine", START + timedelta(days=30), [cert_target("crt-future")])
    )
    rng.shuffle(events)
    lines = [json.dumps(e, separators=(",", ":")) for e in events]
    # At-least-once delivery: about 2% duplicates, re-sent later in the stream.
    for line in rng.sample(lines, len(lines) // 50):
        lines.insert(rng.randrange(len(lines)), line)
    # An anomaly: one uuid delivered twice with different content.
    conflicting = json.loads(lines[1])
    conflicting["outcome"] = {"result": "FAILURE", "reason": "redelivered differently"}
    lines.insert(rng.randrange(len(lines)), json.dumps(conflicting, separators=(",", ":")))
    # Log Streaming carries every event type: a few non-PKI events.
    for n in range(30):
        lines.insert(
            rng.randrange(len(lines)),
            json.dumps(
                {
                    "uuid": f"nonpki-{n:04d}",
                    "published": stamp(START + timedelta(hours=n)),
                    "eventType": "user.session.start",
                    "version": "0",
                    "severity": "INFO",
                    "outcome": {"result": "SUCCESS", "reason": None},
                },
                separators=(",", ":"),
            ),
        )
    # A few broken lines: truncated JSON, a missing uuid, an impossible date, a wrong type.
    broken = [
        lines[0][: len(lines[0]) // 2],
        json.dumps({"published": stamp(START), "eventType": "pki.cert.issue"}),
        json.dumps(
            {
                "uuid": "bad-date",
                "published": "2026-09-31T10:00:00.000Z",
                "eventType": "pki.cert.bind",
            }
        ),
        json.dumps(
            {
                "uuid": "bad-type",
                "published": stamp(START),
                "eventType": "pki.cert.issue",
                "target": {"id": "x"},
            }
        ),
    ]
    for line in broken:
        lines.insert(rng.randrange(len(lines)), line)
    return lines


def main() -> int:
    lines = build(random.Random(SEED))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

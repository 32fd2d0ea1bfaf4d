"""Write the JSON Schema of the PKI event union to schemas/okta-pki-events.schema.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from okta_pki_events import json_schema

TARGET = Path(__file__).resolve().parent.parent / "schemas" / "okta-pki-events.schema.json"


def render() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m okta_pki_events``: the command-line tool."""

from __future__ import annotations

from .cli import run

if __name__ == "__main__":
    run()

"""``python -m okta_pki_events``: the command-line tool."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main()

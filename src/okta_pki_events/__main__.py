"""``python -m okta_pki_events`` and the ``okta-pki-events`` command: the command-line tool.

The command is installed with the package whatever its extras; without the ``cli`` extra
(click, rich) it says which extra to install, in one line, instead of a traceback.
"""

from __future__ import annotations

import sys

CLI_MODULES = frozenset({"click", "rich"})
"""The modules of the ``cli`` extra."""


def main() -> None:
    """Run the command-line tool, or say (exit 2) that it needs the ``cli`` extra."""
    try:
        from .cli import run
    except ModuleNotFoundError as exc:
        if exc.name not in CLI_MODULES:
            raise
        sys.stderr.write(
            f"okta-pki-events: error: the command-line tool needs {exc.name}: "
            "pip install 'okta-pki-events[cli]'\n"
        )
        raise SystemExit(2) from None
    run()


if __name__ == "__main__":
    main()

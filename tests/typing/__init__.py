"""Static typing checks: type-checked by mypy --strict and by pyright (``make typecheck``)."""

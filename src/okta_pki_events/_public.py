"""Public names under the path users import them from (as httpx does it).

A name defined in a private module (``okta_pki_events._stream.results.Record``) says the
path users import it from (``okta_pki_events.Record``): in its repr, in tracebacks, in the
API reference, for pickle.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from typing import Any, get_type_hints

__all__ = ["publish"]


def publish(module: str, *objects: Any, names: Mapping[str, Any] | None = None) -> None:
    """Set each object's ``__module__`` to ``module``, the public module that exports it.

    A class whose annotations are text (``from __future__ import annotations``) naming what
    only its own module holds (a TypeVar, a name imported for type checking only) gets them
    resolved first, in its own module and ``names``; a dataclass's fields too. So
    ``typing.get_type_hints`` and pydantic (a ``TypeAdapter`` of the class) read them whatever
    ``__module__`` says.
    """
    for obj in objects:
        own = vars(obj).get("__annotations__") if isinstance(obj, type) else None
        if own:
            namespace = {**vars(sys.modules[obj.__module__]), **(names or {})}
            hints = get_type_hints(obj, namespace, include_extras=True)
            obj.__annotations__ = {name: hints[name] for name in own}
            if dataclasses.is_dataclass(obj):
                for item in dataclasses.fields(obj):
                    item.type = hints[item.name]
        obj.__module__ = module

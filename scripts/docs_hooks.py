"""MkDocs hooks: pages generated from the library's own data, never hand-copied.

- Tables of the catalogue, the lifecycle's transitions, the classification and the validation
  rules, and the lifecycle diagram, drawn from the tables the library runs on.
- The API reference: every public name under the path users import it from
  (``okta_pki_events.parse_event``, not ``okta_pki_events._parsing.parse_event``), grouped by
  what it is for; names added to a module appear without editing the docs.
- ``FieldTables``, a griffe extension (declared in ``mkdocs.yml``) that gives every pydantic
  model a table of its fields: Python name, wire name, type and description.
- The CLI reference: every command and option, read from the click commands, and the real
  output of each command on the example data, produced at build time.
"""

from __future__ import annotations

import ast
import functools
import html
import importlib
import inspect
import os
import pkgutil
import re
import shlex
import sys
import types
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import griffe
from pydantic import BaseModel
from pydantic.fields import FieldInfo

import okta_pki_events
from okta_pki_events.models import CATALOG, EVENT_MODELS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "okta_pki_events"


def ident(name: str) -> str:
    """An identifier for a table cell: code that breaks only after a dot or an underscore."""
    return "<code>" + re.sub(r"([._])", r"\1<wbr>", name) + "</code>"


# -- tables from the library's data -------------------------------------------------------------


def _catalog_markdown() -> str:
    lines = [
        "| eventType | model | about | OIE only | legacy type | introduced |",
        "|---|---|---|---|---|---|",
    ]
    for event_type, entry in CATALOG.items():
        name = EVENT_MODELS[event_type].__name__
        lines.append(
            f"| [{ident(event_type)}](#{event_type.replace('.', '')}) | "
            f"[{ident(name)}][{PACKAGE}.{name}] | "
            f"{entry.subject.replace('_', ' ')} | {'yes' if entry.oie_only else 'no'} | "
            f"{ident(entry.legacy_event_type) if entry.legacy_event_type else ''} | "
            f"{entry.introduced_in or ''} |"
        )
    for event_type, entry in CATALOG.items():
        model = EVENT_MODELS[event_type]
        lines += [
            "",
            f"## {event_type}",
            "",
            f"**Model:** [`{model.__name__}`][{PACKAGE}.{model.__name__}]. {entry.summary}",
            "",
            f"> {entry.description}",
            "",
        ]
        if entry.aliases:
            lines.append("Also parsed from: " + ", ".join(f"`{a}`" for a in entry.aliases) + ".")
            lines.append("")
        lines += _catalog_details(event_type, model)
        if entry.source == "okta-facts":
            lines.append(
                "*Not yet in Okta's catalogue text; description written from Okta's release "
                "notes and event metadata.*"
            )
            lines.append("")
    return "\n".join(lines)


def _catalog_details(event_type: str, model: type[BaseModel]) -> list[str]:
    """What a reader of one type wants next: its accessors, its meaning, an example."""
    import json

    from okta_pki_events.classification import CLASSIFICATIONS
    from okta_pki_events.testing import deterministic, make_wire_event

    lines: list[str] = []
    accessors = [
        name
        for name, value in vars(model).items()
        if not name.startswith("_") and isinstance(value, property | types.FunctionType)
    ]
    if accessors:
        links = ", ".join(f"[`{a}`][{PACKAGE}.{model.__name__}.{a}]" for a in accessors)
        lines += [f"**Accessors** (besides those of every event): {links}.", ""]
    row = CLASSIFICATIONS.get(event_type)
    if row is not None:
        attention = row.attention or "no, unless the outcome failed"
        lines += [
            f"**Meaning:** action `{row.action}`; lifecycle effect: {row.lifecycle_effect}; "
            f"needs attention: {attention}.",
            "",
        ]
    with deterministic():
        example = json.dumps(make_wire_event(event_type), indent=2)  # type: ignore[arg-type]
    lines += [
        '??? example "An example event in Okta wire format (made by `make_wire_event`)"',
        "",
        "    ```json",
        *(f"    {line}" for line in example.splitlines()),
        "    ```",
        "",
    ]
    return lines


def _short_event_name(event_type: str) -> str:
    """``pki.cert.lifecycle.revoke`` -> ``revoke``: the verb, for a diagram's edge label."""
    return event_type.rsplit(".", 1)[-1]


def diagram_edges() -> tuple[list[tuple[str, str, str]], frozenset[str], list[str]]:
    """The certificate diagram as drawn: edges (from, to, label), the grouped states, notes.

    Drawn to be read, from ``TRANSITIONS``: one edge per pair of states (labels joined), the
    states that share the same exits (revoke, delete) grouped, so that each such exit is one
    edge from the group; events that keep the state are listed under the diagram instead of
    drawn as loops.
    """
    from okta_pki_events.lifecycle import TRANSITIONS

    def name(state: Any) -> str:
        return "[*]" if state is None else str(state.name)

    source_sets = [
        frozenset(name(s) for s in row.allowed_from if s is not None) for row in TRANSITIONS
    ]
    shared = [s for s in source_sets if len(s) >= 3]
    group = min(shared, key=len) if shared else frozenset()
    labels: dict[tuple[str, str], list[str]] = {}
    kept: dict[str, list[str]] = {}
    for row, sources in zip(TRANSITIONS, source_sets, strict=True):
        verbs = list(dict.fromkeys(_short_event_name(t) for t in row.event_types))
        starts = sorted(sources)
        if None in row.allowed_from:
            starts.insert(0, "[*]")
        for start in starts:
            end = name(row.to) if row.to is not None else None
            if start == "[*]":
                end = name(row.to or row.first_seen)
            if end is None or end == start:
                for verb in verbs:
                    kept.setdefault(verb, []).append(start.lower().replace("_", " "))
                continue
            if group and group <= sources and end not in group and start in group:
                start = "GROUP"
            for verb in verbs:
                pair = labels.setdefault((start, end), [])
                if verb not in pair:
                    pair.append(verb)
    edges = [(a, b, ", ".join(v)) for (a, b), v in labels.items()]
    notes = [f"{verb} ({', '.join(states)})" for verb, states in kept.items()]
    return edges, group, notes


def _diagram_markdown() -> str:
    from okta_pki_events.lifecycle import CertState

    edges, group, notes = diagram_edges()
    lines = ["stateDiagram-v2", "    direction LR"]
    for state in CertState:
        lines.append(f'    state "{state.value.replace("_", " ")}" as {state.name}')
    inner = [e for e in edges if e[0] in group and e[1] in group]
    if group:
        lines.append('    state "issued, active, on hold or suspended" as GROUP {')
        lines += [f"        {a} --> {b}: {label}" for a, b, label in inner]
        lines.append("    }")
    lines += [f"    {a} --> {b}: {label}" for a, b, label in edges if (a, b, label) not in inner]
    return (
        "```mermaid\n"
        + "\n".join(lines)
        + "\n```\n\n"
        + "*Drawn from `TRANSITIONS`. Not drawn, as they keep the state: "
        + "; ".join(notes)
        + ". Every other event is an anomaly (`ILLEGAL_TRANSITION`).*"
    )


def _transition_table_markdown() -> str:
    from okta_pki_events.lifecycle import TRANSITIONS

    lines = ["| event | allowed from | to | first seen as |", "|---|---|---|---|"]
    for row in TRANSITIONS:
        sources = sorted("(new)" if s is None else s.name for s in row.allowed_from)
        to = row.to.name if row.to else "unchanged"
        note = f" ({row.note})" if row.note else ""
        events = ", ".join(ident(t) for t in row.event_types)
        lines.append(f"| {events} | {', '.join(sources)} | {to}{note} | {row.first_seen.name} |")
    return "\n".join(lines)


def _classification_markdown() -> str:
    from okta_pki_events.classification import CLASSIFICATIONS
    from okta_pki_events.export import OCSF_ACTIVITIES, OCSF_ACTIVITY_NAMES, ecs_categorization

    lines = [
        "| eventType | subject | action | lifecycle effect | needs attention "
        "| ECS event.type | OCSF activity |",
        "|---|---|---|---|---|---|---|",
    ]
    for event_type, row in CLASSIFICATIONS.items():
        ecs_type = ", ".join(ecs_categorization(event_type)[1]) or "(Elastic maps none)"
        ocsf = OCSF_ACTIVITY_NAMES[OCSF_ACTIVITIES[event_type]]
        lines.append(
            f"| {ident(event_type)} | {row.subject} | {row.action} | {row.lifecycle_effect} | "
            f"{row.attention or 'no (unless the outcome failed)'} | {ecs_type} | {ocsf} |"
        )
    return "\n".join(lines)


def _validation_markdown() -> str:
    from okta_pki_events.validation import RULES

    lines = ["| code | severity | field | checks |", "|---|---|---|---|"]
    for rule in RULES:
        doc = (rule.check.__doc__ or "").strip() or rule.code.replace("_", " ")
        lines.append(f"| {ident(rule.code)} | {rule.severity} | {ident(rule.path)} | {doc} |")
    return "\n".join(lines)


# -- the API reference --------------------------------------------------------------------------

# Pages of the reference: (page, title, modules whose public names it documents). A name
# belongs to the first page listing the module that defines it (a prefix matches submodules).
REFERENCE_PAGES: list[tuple[str, str, tuple[str, ...]]] = [
    ("parsing", "Parsing and streams", ("_parsing", "_lazy", "_stream", "_ingest", "ingest")),
    ("events", "Event models", ("models.log_event", "models.events", "models.catalog")),
    ("structures", "Structures of an event", ("models",)),
    ("envelopes", "Envelopes and HTTP", ("envelopes", "http")),
    ("meaning", "Classification, validation, summary", ("classification", "validation", "summary")),
    ("lifecycle", "Lifecycle", ("lifecycle",)),
    ("export", "Export", ("export",)),
    ("schema", "JSON Schema", ("schema",)),
    ("pull", "Pulling from Okta", ("pull", "_fake_okta")),
    ("testing", "Testing kit", ("testing",)),
]
OTHER_PAGE = ("more", "More")
_NOT_REFERENCE = ("cli", "__main__")


def _public_modules() -> list[str]:
    """The importable public modules: the package and its submodules without a ``_`` part."""
    found = [PACKAGE]
    for info in pkgutil.walk_packages(okta_pki_events.__path__, prefix=f"{PACKAGE}."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts) or parts[0] in _NOT_REFERENCE:
            continue
        found.append(info.name)
    return found


def _all_of(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    return [n for n in names if not n.startswith("__")] if names else []


def _defining_module(name: str, obj: Any) -> str:
    """The module that defines ``obj``: the deepest of the package's modules that holds it."""
    holders = [
        module_name
        for module_name, module in list(sys.modules.items())
        if (module_name == PACKAGE or module_name.startswith(PACKAGE + "."))
        and vars(module).get(name, _MISSING) is obj
    ]
    own = getattr(obj, "__module__", None)
    if isinstance(own, str) and own in holders and own != PACKAGE:
        return own
    # A module that merely imports a constant does not list it in its __all__.
    exporting = [m for m in holders if name in getattr(sys.modules[m], "__all__", ())]
    return max(
        exporting or holders,
        key=lambda m: (m.count("."), m.rsplit(".", 1)[-1].startswith("_")),
    )


_MISSING = object()


def _source_position(module_name: str, name: str) -> int:
    """The line where ``module_name`` defines ``name`` (to keep the source's order)."""
    module = sys.modules[module_name]
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return 0
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return node.lineno
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                return node.lineno
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                return node.lineno
        elif isinstance(node, ast.If):  # names defined under TYPE_CHECKING / else
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Assign, ast.AnnAssign, ast.ClassDef, ast.FunctionDef)):
                    targets = (
                        [sub.name]
                        if isinstance(sub, (ast.ClassDef, ast.FunctionDef))
                        else [t.id for t in ast.walk(sub) if isinstance(t, ast.Name)][:1]
                    )
                    if name in targets:
                        return sub.lineno
    return 0


def _page_of(module_name: str) -> tuple[str, str]:
    rel = module_name.removeprefix(PACKAGE).removeprefix(".")
    for page, title, prefixes in REFERENCE_PAGES:
        if any(rel == p or rel.startswith(p + ".") for p in prefixes):
            return page, title
    return OTHER_PAGE


# Within a page: the calls users start from first, then the types, then constants and aliases;
# on the model pages the models come first.
_KIND_ORDER = {
    "": ("function", "class", "attribute"),
    "events": ("class", "function", "attribute"),
    "structures": ("class", "function", "attribute"),
}


def _is_alias(obj: Any) -> bool:
    """A type alias or generic form (``PkiEvent``, ``RawEvent``), not a class of its own."""
    return typing.get_origin(obj) is not None


def reference_plan() -> dict[str, tuple[str, list[str]]]:
    """Page -> (title, public identifiers in order): every public name, once, by its public path.

    A name exported by the package is documented as ``okta_pki_events.NAME``; a name only a
    public submodule exports (``okta_pki_events.testing.make_event``) under that submodule.
    """
    for module_name in _public_modules():
        importlib.import_module(module_name)
    placed: dict[int, str] = {}
    entries: dict[str, list[tuple[int, bool, int, str, int, str]]] = {}
    titles: dict[str, str] = {}
    order = {p: i for i, (p, _, _) in enumerate(REFERENCE_PAGES)}
    for public in _public_modules():
        module = sys.modules[public]
        for name in _all_of(module):
            obj = getattr(module, name)
            key = id(obj) if not isinstance(obj, (str, int, float, bool, tuple)) else id(name)
            if key in placed and public != PACKAGE:
                continue
            defining = _defining_module(name, obj)
            # A name only a submodule exports is documented with that submodule.
            page, title = _page_of(defining if public == PACKAGE else public)
            titles[page] = title
            placed[key] = f"{public}.{name}"
            prefixes = next((p for pg, _, p in REFERENCE_PAGES if pg == page), ())
            rel = defining.removeprefix(PACKAGE + ".")
            rank = next(
                (i for i, p in enumerate(prefixes) if rel == p or rel.startswith(p + ".")),
                len(prefixes),
            )
            kinds = _KIND_ORDER.get(page, _KIND_ORDER[""])
            if _is_alias(obj) or not callable(obj):
                kind = kinds.index("attribute")
            else:
                kind = kinds.index("class" if isinstance(obj, type) else "function")
            entries.setdefault(page, []).append(
                (
                    kind,
                    public != PACKAGE,  # what the package exports first
                    rank,
                    defining,
                    _source_position(defining, name),
                    f"{public}.{name}",
                )
            )
    plan: dict[str, tuple[str, list[str]]] = {}
    for page in sorted(entries, key=lambda p: order.get(p, len(order))):
        items = sorted(set(entries[page]))
        plan[page] = (titles[page], list(dict.fromkeys(identifier for *_, identifier in items)))
    return plan


def _reference_index_markdown() -> str:
    lines = [
        "| page | names |",
        "|---|---|",
    ]
    for page, (title, identifiers) in reference_plan().items():
        lines.append(f"| [{title}]({page}.md) | {len(identifiers)} |")
    return "\n".join(lines)


def _reference_page_markdown(page: str) -> str:
    empty: list[str] = []
    title, identifiers = reference_plan().get(page, (OTHER_PAGE[1], empty))
    blocks = [f"# {title}", ""]
    if not identifiers:
        blocks.append("Every public name is on another page of the reference.")
    for identifier in identifiers:
        blocks += [f"::: {identifier}", ""]
    return "\n".join(blocks)


# -- field tables (a griffe extension) ---------------------------------------------------------


def type_text(annotation: Any, link: Callable[[type], str | None] | None = None) -> str:
    """A short, readable type: ``list[Target] | None``, ``"pki.ca.add"``, ``datetime``."""

    def text(tp: Any) -> str:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if tp is type(None) or tp is None:
            return "None"
        if tp is typing.Any:
            return "any JSON"
        if origin is typing.Annotated:
            return text(args[0])
        if origin in (typing.Union, types.UnionType):
            parts = list(dict.fromkeys(text(a) for a in args))
            return " | ".join(parts)
        if origin is typing.Literal:
            return " | ".join(f'"{a}"' if isinstance(a, str) else repr(a) for a in args)
        if origin in (list, tuple, set, frozenset):
            return f"{origin.__name__}[{', '.join(text(a) for a in args)}]"
        if origin is dict:
            return "object"
        if isinstance(tp, type):
            if issubclass(tp, datetime):
                return "datetime"
            found = link(tp) if link is not None else None
            return found or tp.__name__
        if isinstance(tp, typing.TypeAliasType if hasattr(typing, "TypeAliasType") else ()):
            return text(tp.__value__)
        return str(tp).replace("typing.", "")

    return text(annotation)


@functools.cache
def _documented_as() -> dict[int, str]:
    """Each object of the API reference (by ``id``) and the identifier it is documented under."""
    found: dict[int, str] = {}
    for _, identifiers in reference_plan().values():
        for identifier in identifiers:
            module, name = identifier.rsplit(".", 1)
            found.setdefault(id(getattr(importlib.import_module(module), name)), identifier)
    return found


def field_table(model: type[BaseModel], names: list[str]) -> str:
    """The markdown table of ``model``'s fields ``names``: Python name, wire name, type, about."""

    def link(tp: type) -> str | None:
        identifier = _documented_as().get(id(tp))
        if issubclass(tp, Enum | BaseModel) and identifier is not None:
            return f"[{tp.__name__}][{identifier}]"
        return None

    rows = [
        "| field | wire name | type | description |",
        "|---|---|---|---|",
    ]
    for name in names:
        info: FieldInfo = model.model_fields[name]
        wire = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        kind = type_text(info.annotation, link).replace("|", "\\|")
        required = "required" if info.is_required() else ""
        about = html.escape(info.description or "", quote=False)
        about = about.replace("|", "\\|").replace("\n", " ")
        rows.append(
            f"| {ident(name)} | {ident(wire or name)} | {kind}"
            f"{'<br>**' + required + '**' if required else ''} | {about} |"
        )
    return "\n".join(rows)


class FieldTables(griffe.Extension):
    """Give each pydantic model's docs a table of its fields, in place of bare attributes."""

    def on_class_members(self, *, cls: griffe.Class, **_: Any) -> None:
        """Add the table to the docstring and drop the fields from the listed members."""
        try:
            module = importlib.import_module(cls.module.path)
        except ImportError:
            return
        model = getattr(module, cls.name, None)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return
        own = [n for n in inspect.get_annotations(model) if n in model.model_fields]
        inherited = [n for n in model.model_fields if n not in own]
        for name in own:
            if name in cls.members:
                del cls.members[name]
        parts = []
        bases = [b for b in model.__mro__[1:] if issubclass(b, BaseModel) and b.model_fields]
        if inherited and bases:
            parent = bases[0].__name__
            identifier = _documented_as().get(id(bases[0]))
            target = f"[`{parent}`][{identifier}]" if identifier else f"`{parent}`"
            parts.append(f"Every field of {target}" + (", and:" if own else "."))
        if own:
            parts.append(field_table(model, own))
        if not parts:
            return
        table = "\n\n".join(parts)
        if cls.docstring is None:
            cls.docstring = griffe.Docstring(table, parent=cls)
        else:
            text = cls.docstring.value
            section = re.search(r"^[A-Z][A-Za-z ]*:\s*$", text, flags=re.M)
            at = section.start() if section else len(text)
            cls.docstring.value = f"{text[:at].rstrip()}\n\n{table}\n\n{text[at:]}".rstrip()


# -- the CLI reference --------------------------------------------------------------------------

EXAMPLE_DATA = "examples/pki-events.ndjson"
# Commands run on the example data at build time; their real output goes on the CLI page.
CLI_EXAMPLES: dict[str, list[list[str]]] = {
    "validate": [["validate", EXAMPLE_DATA, "--max-errors", "2"]],
    "summary": [["summary", EXAMPLE_DATA]],
    "lifecycle": [["lifecycle", EXAMPLE_DATA, "--limit", "3"]],
    "catalog": [["catalog"]],
    "schema": [["schema", "pki.cert.issue"]],
    "export": [
        ["export", EXAMPLE_DATA, "--format", "ocsf", "--output", "-", "--type", "pki.ca.add"]
    ],
}
# Commands whose lines are long: fewer of them shown.
CLI_EXAMPLE_LINES = {"export": 4, "schema": 25}
CLI_WIDTH = 100
CLI_OUTPUT_LINES = 40


def _cli_options_markdown(command: Any) -> str:
    import click

    ctx = click.Context(command)
    rows = ["| option | about |", "|---|---|"]
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        names = " / ".join(ident(o) for o in [*param.opts, *param.secondary_opts])
        about = [(param.help or "").replace("\n", " ")]
        choices = param.type.choices if isinstance(param.type, click.Choice) else None
        if not param.is_flag:
            metavar = "CHOICE" if choices else param.make_metavar(ctx)
            names += f" <code>{metavar.replace('|', '&#124;')}</code>"
        if choices:
            about.append("One of: " + ", ".join(f"`{c}`" for c in choices) + ".")
        if param.multiple:
            about.append("Repeatable.")
        default = param.get_default(ctx, call=False)
        plain = isinstance(default, (str, int, float)) and not isinstance(default, bool)
        if plain and not param.is_flag:
            about.append(f"Default: `{default}`.")
        # help is plain text: `https://<org>.okta.com` is not an HTML tag
        text = html.escape(" ".join(a for a in about if a), quote=False).replace("|", "\\|")
        rows.append(f"| {names} | {text} |")
    return "\n".join(rows)


def run_cli(args: list[str]) -> tuple[int, str]:
    """Run the CLI as a user would (no terminal, a fixed width); exit code and output."""
    from click.testing import CliRunner

    from okta_pki_events.cli import main

    runner = CliRunner()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        result = runner.invoke(main, args, env={"COLUMNS": str(CLI_WIDTH), "NO_COLOR": "1"})
    finally:
        os.chdir(cwd)
    return result.exit_code, result.output


def _cli_reference_markdown() -> str:
    import click

    from okta_pki_events.cli import COMMANDS, main

    ctx = click.Context(main, info_name="okta-pki-events")
    lines: list[str] = []
    for name in sorted(COMMANDS):
        command = main.get_command(ctx, name)
        if command is None:  # pragma: no cover - a layout mistake the CLI tests catch
            continue
        sub = click.Context(command, info_name=name, parent=ctx)
        usage = " ".join(command.collect_usage_pieces(sub))
        lines += [
            f"### {name}",
            "",
            html.escape(inspect.cleandoc(command.help or "").replace("\b\n", ""), quote=False),
            "",
            "```text",
            f"okta-pki-events {name} {usage}",
            "```",
            "",
            _cli_options_markdown(command),
            "",
        ]
        for args in CLI_EXAMPLES.get(name, []):
            code, output = run_cli(args)
            shown = output.rstrip("\n").splitlines()
            limit = CLI_EXAMPLE_LINES.get(name, CLI_OUTPUT_LINES)
            if len(shown) > limit:
                cut = len(shown) - limit
                shown = [*shown[:limit], f"... ({cut} more lines)"]
            lines += [
                f"Run on the example data (exit code {code}):",
                "",
                "```console",
                f"$ okta-pki-events {shlex.join(args[1:]) if len(args) > 1 else ''}".rstrip()
                if args[0] != name
                else f"$ okta-pki-events {shlex.join(args)}",
                *shown,
                "```",
                "",
            ]
    return "\n".join(lines)


# -- the hooks ----------------------------------------------------------------------------------

GENERATORS: dict[str, Callable[[], str]] = {
    "<!-- generated:classification-table -->": _classification_markdown,
    "<!-- generated:validation-rules -->": _validation_markdown,
    "<!-- generated:catalog -->": _catalog_markdown,
    "<!-- generated:lifecycle-diagram -->": _diagram_markdown,
    "<!-- generated:transition-table -->": _transition_table_markdown,
    "<!-- generated:cli-reference -->": _cli_reference_markdown,
    "<!-- generated:reference-index -->": _reference_index_markdown,
}
_REFERENCE_MARKER = re.compile(r"<!-- generated:reference-page ([a-z]+) -->")


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace each generated-section marker with its content."""
    for marker, generate in GENERATORS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, generate())
    return _REFERENCE_MARKER.sub(lambda m: _reference_page_markdown(m.group(1)), markdown)


def on_pre_build(config: Any, **_: Any) -> None:
    """Copy the changelog into the docs so that there is one source."""
    root = Path(config["config_file_path"]).parent
    (root / "docs" / "changelog.md").write_text(
        (root / "CHANGELOG.md").read_text(encoding="utf-8"), encoding="utf-8"
    )

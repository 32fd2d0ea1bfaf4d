"""The built docs site: self-contained, every public name and field in the reference, the
CLI page true to the commands."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from pydantic import BaseModel

import okta_pki_events
from scripts.docs_hooks import (
    REFERENCE_PAGES,
    _cli_reference_markdown,
    diagram_edges,
    field_table,
    ident,
    reference_plan,
    type_text,
)

from .support import ROOT

MERMAID = ROOT / "docs" / "assets" / "javascripts" / "mermaid.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as ``make docs-build`` builds it (strict), into a temporary folder."""
    if not MERMAID.exists():
        pytest.fail(f"{MERMAID.relative_to(ROOT)} is missing: run `make test` (make fetches it)")
    out = tmp_path_factory.mktemp("site")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Resources(HTMLParser):
    """Collects every URL a page loads by itself (scripts, styles, images, frames, fonts)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed"):
            self.loaded.append(found.get("src") or "")
        elif tag == "link" and (found.get("rel") or "") not in ("canonical", "alternate"):
            self.loaded.append(found.get("href") or "")
        elif tag == "object":
            self.loaded.append(found.get("data") or "")


def _external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, flags=re.I))


def test_the_site_loads_nothing_from_another_host(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) > 20
    for page in pages:
        parser = _Resources()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        assert parser.loaded, page
        external = [url for url in parser.loaded if _external(url)]
        assert not external, f"{page.relative_to(site)} loads {external}"
        assert "@import url(http" not in text, page
    for sheet in site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text), sheet
        assert not re.search(r"url\(['\"]?(https?:)?//", text), sheet


def test_mermaid_is_bundled_and_loaded_before_the_theme_would_fetch_it(site: Path) -> None:
    page = (site / "lifecycle" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid">' in page
    scripts = re.findall(r'<script src="([^"]+)"', page)
    bundled = [s for s in scripts if s.endswith("mermaid.min.js")]
    assert bundled, scripts
    assert (site / "lifecycle" / bundled[0]).resolve().stat().st_size > 1_000_000
    # Material fetches Mermaid from a CDN only while no global `mermaid` is defined: the
    # bundle defines it, and the theme's own script holds the only CDN address.
    theme = [s for s in scripts if "bundle" in s]
    assert theme, scripts
    assert scripts.index(bundled[0]) > scripts.index(theme[0])  # both load before the page runs


def test_the_diagram_has_one_edge_per_pair_of_states_and_no_loops() -> None:
    edges, group, notes = diagram_edges()
    pairs = [(a, b) for a, b, _ in edges]
    assert len(pairs) == len(set(pairs))
    assert all(a != b for a, b in pairs)
    assert len(edges) <= 12, edges  # 21 edges before grouping: unreadable
    assert {"ISSUED", "ACTIVE", "ON_HOLD", "SUSPENDED"} == group
    assert ("GROUP", "REVOKED", "revoke") in edges
    assert ("[*]", "ISSUED", "issue") in edges
    assert any(n.startswith("renew") for n in notes)


def test_every_public_name_is_in_the_reference_once_under_its_public_path(site: Path) -> None:
    plan = reference_plan()
    identifiers = [i for _, names in plan.values() for i in names]
    assert len(identifiers) == len(set(identifiers))
    top = {f"okta_pki_events.{n}" for n in okta_pki_events.__all__ if not n.startswith("__")}
    assert top <= set(identifiers)
    assert not [i for i in identifiers if re.search(r"\._", i)], "a private path is documented"
    assert {page for page, _, _ in REFERENCE_PAGES} >= set(plan) - {"more"}
    rendered = "".join(
        p.read_text(encoding="utf-8") for p in (site / "reference").rglob("index.html")
    )
    for identifier in identifiers:
        assert f'id="{identifier}"' in rendered, identifier
    headings = re.findall(r'<h[1-6] id="(okta_pki_events[^"]*)"', rendered)
    assert not [h for h in headings if "._" in h], "a heading shows a private module"


def _models() -> list[type[BaseModel]]:
    """Every pydantic model the package or ``okta_pki_events.models`` exports."""
    found = []
    for module in (okta_pki_events, okta_pki_events.models):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.model_fields:
                found.append(obj)
    return list(dict.fromkeys(found))


def test_every_model_field_is_in_the_reference_with_wire_name_type_and_description(
    site: Path,
) -> None:
    rendered = "".join(p.read_text(encoding="utf-8") for p in (site / "reference").rglob("*.html"))
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())
    models = _models()
    assert len(models) > 30
    for model in models:
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name}"
            words = " ".join(re.sub(r"[`*]", "", info.description).split())
            assert words in flat, f"{model.__name__}.{name}"
    # The wire names, the Python names and the types, in one row.
    assert "display_message displayMessage str | None" in flat
    assert "Unique identifier of the event." in flat


def test_field_tables_show_wire_names_and_readable_types() -> None:
    from okta_pki_events import LogEvent, PkiCertIssueEvent
    from okta_pki_events.models import Actor

    table = field_table(LogEvent, ["uuid", "target", "display_message"])
    assert ident("display_message") in table
    assert ident("displayMessage") in table
    assert "list[[Target][okta_pki_events.models.Target]] \\| None" in table
    assert "**required**" in table.splitlines()[2]
    assert type_text(PkiCertIssueEvent.model_fields["event_type"].annotation) == '"pki.cert.issue"'
    assert type_text(Actor.model_fields["alternate_id"].annotation) == "str | None"


def _options() -> list[tuple[str, click.Option]]:
    from okta_pki_events.cli import COMMANDS, main

    ctx = click.Context(main)
    found = []
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None
        found += [(name, p) for p in command.params if isinstance(p, click.Option)]
    return found


def test_the_cli_page_lists_every_command_and_option_with_real_output() -> None:
    from okta_pki_events.cli import COMMANDS

    page = _cli_reference_markdown()
    sections = dict(re.findall(r"^### (\S+)\n(.*?)(?=^### |\Z)", page, flags=re.M | re.S))
    assert set(sections) == set(COMMANDS)
    for command, option in _options():
        for opt in option.opts:
            assert ident(opt) in sections[command], f"{command} {opt}"
    assert "Sentinel" not in page
    # Real output, produced by running the commands.
    assert "$ okta-pki-events validate examples/pki-events.ndjson --max-errors 2" in page
    assert re.search(r"records?\b", sections["summary"])
    assert "pki.cert.lifecycle.revoke" in sections["catalog"]
    # help text is text, not HTML: pull's --org names https://<org>.okta.com
    assert "https://&lt;org&gt;.okta.com" in sections["pull"]
    assert "<org>" not in page
    # the anomalies' times are whole at the page's width (rich would cut them with "…")
    assert re.search(r"│ 2026-\d\d-\d\d \d\d:\d\d:\d\d │ illegal_transition", sections["lifecycle"])


def test_each_catalogue_entry_shows_an_example_of_its_own_type_and_its_meaning() -> None:
    import json

    from okta_pki_events import parse_event
    from okta_pki_events.models import CATALOG, EVENT_MODELS
    from scripts.docs_hooks import _catalog_markdown

    page = _catalog_markdown()
    examples = re.findall(r"    ```json\n(.*?)\n    ```", page, flags=re.S)
    assert len(examples) == len(CATALOG)
    for event_type, text in zip(CATALOG, examples, strict=True):
        event = parse_event(json.loads(text.replace("\n    ", "\n")))
        assert type(event) is EVENT_MODELS[event_type]
    assert page.count("**Meaning:**") == len(CATALOG)
    assert "[`urgency`][okta_pki_events.PkiCaExpirationWarnEvent.urgency]" in page

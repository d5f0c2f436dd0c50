"""The catalog as a whole: it loads, passes every check, and covers the contract's ids."""

from __future__ import annotations

import json
from pathlib import Path

from engine.checks import check_catalog
from engine.loader import load_rules
from engine.model import CONTEXTS, FIX_RUNTIMES

ROOT = Path(__file__).resolve().parent.parent

# CONTRACT section 3: these ids must exist.
REQUIRED_IDS = """
econnreset etimedout esockettimedout econnrefused enotfound epipe ehostunreach fetch-failed
err-tls-cert-altname-invalid unable-to-verify-leaf-signature self-signed-cert-in-chain
unable-to-get-issuer-cert-locally cert-has-expired eproto request-timeout rate-limit-error
overloaded-error authentication-error proxy-error npm-eresolve websocket-1006 mcp-connection-failed
""".split()


def test_every_rule_file_loads_and_passes_every_check():
    rules, problems = load_rules(ROOT / "rules")
    problems += check_catalog(rules)
    assert not problems, "\n".join(str(p) for p in problems)


def test_contract_ids_exist(catalog):
    missing = sorted(set(REQUIRED_IDS) - {r.id for r in catalog})
    assert not missing, f"rules missing from the catalog: {missing}"


def test_schema_and_engine_agree_on_contexts_and_fix_tabs():
    schema = json.loads((ROOT / "rules" / "schema.json").read_text())
    assert tuple(schema["$defs"]["context"]["enum"]) == CONTEXTS
    assert tuple(schema["properties"]["fixes"]["properties"]) == FIX_RUNTIMES


def test_every_rule_file_declares_the_schema_for_editors():
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=schema.json", f"{path.name}: first line is {first!r}"


def test_related_links_are_connected(catalog):
    """From any page a reader can reach every other page by following related links."""
    graph = {r.id: set(r.related) for r in catalog}
    for rid, rel in list(graph.items()):
        for other in rel:
            graph.setdefault(other, set()).add(rid)  # links are shown both ways on pages
    start = next(iter(graph))
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(graph), f"unreachable from {start}: {sorted(set(graph) - seen)}"

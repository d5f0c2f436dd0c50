"""The browser's entry point under Pyodide: JSON strings in, JSON strings out.

The only module that knows how the page talks to the engine. It keeps the rules
loaded from the bundle between calls. A match goes out as Match.to_json has it
(the CLI's shape), with evidence offsets recounted in UTF-16 code units, which is
how JavaScript strings count, plus what the page shows: summary, labels, the fix
tab and the evidence excerpt, already cut into segments so the page only renders.
"""

from __future__ import annotations

import dataclasses
import json
import re
from bisect import bisect_left
from collections.abc import Callable

from . import __version__
from .advice import advise
from .answer import chain, guesses, search_query, sentence
from .bundle import load_bundle
from .excerpt import excerpt
from .markdown import blocks
from .match import Catalog, analyse
from .model import RUNTIME_LABELS, Match, Rule
from .normalize import error_line
from .runtimes import fix_runtime

__all__ = ["check_rule", "diagnose", "load", "mcp", "redact", "rule_count", "utf16_offset", "utf16_offsets"]

_rules: Catalog = Catalog([])


def load(bundle_json: str) -> int:
    """Load the rules bundle; returns how many rules are ready."""
    global _rules
    _rules = Catalog(load_bundle(json.loads(bundle_json)))
    return len(_rules.rules)


def rule_count() -> int:
    """How many rules are loaded (a worker restored from a snapshot asks, it did not load them)."""
    return len(_rules.rules)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_offset(text: str) -> Callable[[int], int]:
    """A function from code-point offsets into `text` to UTF-16 code-unit offsets."""
    astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
    if not astral:
        return int
    # Each character outside the BMP before an offset is one more code unit.
    return lambda offset: offset + bisect_left(astral, offset)


def utf16_offsets(text: str, offsets: list[int]) -> list[int]:
    """Convert code-point offsets into UTF-16 code-unit offsets (sorted input not required)."""
    return list(map(utf16_offset(text), offsets))


def _tab(rule: Rule, context: str | None) -> str | None:
    runtime = fix_runtime(context, (name for name, _ in rule.fixes))
    return RUNTIME_LABELS[runtime] if runtime else None


def _match(m: Match, text: str, offset: Callable[[int], int]) -> dict[str, object]:
    """A match as the page needs it: the CLI's JSON in UTF-16 offsets, plus what the page shows."""
    data = m.to_json(offset)
    fix = m.fix
    data.update(
        summary=m.rule.summary,
        context_label=RUNTIME_LABELS.get(m.context or "", None),
        tab=_tab(m.rule, m.context),
        excerpt=[w.to_json() for w in excerpt(text, [(e.start, e.end) for e in m.evidence])],
        # The answer card: a sentence, advice and the fix as block trees the page renders as DOM.
        diagnosis=sentence(m.rule, dict(m.facts)),
        advice=[a.to_json() for a in advise(m, text)],
        fix_label=RUNTIME_LABELS.get(fix.runtime or "", None),
        fix_blocks=blocks(fix.text),
        if_that_fails_blocks=blocks(m.rule.if_that_fails) if fix.runtime and m.rule.if_that_fails else [],
    )
    return data


def _guess(rule: Rule) -> dict[str, object]:
    return {"id": rule.id, "title": rule.title, "summary": rule.summary, "url": rule.url}


def diagnose(text: str) -> str:
    """Diagnose a paste with the loaded rules; returns the result as JSON."""
    result = analyse(text, _rules)
    offset = utf16_offset(text)
    matches = [_match(m, text, offset) for m in result.matches]
    return json.dumps({
        "engine": __version__,
        "partial": result.partial,
        "context": result.context,
        "matches": matches,
        "chain": chain(result.matches),
        "guesses": [_guess(r) for r in guesses(result, _rules, text)],
        "search": search_query(text),
    })


# A report's title is its paste's error line, cut to fit an issue title.
_TITLE = 80


def redact(text: str, limit: int | None = None) -> str:
    """Secrets removed from a paste before it is shared: the text (cut to `limit`), what was removed, a title."""
    from .redact import redact as _redact

    # The whole paste is redacted before the cut: a secret straddling it must not leak its head.
    clean, removed = _redact(text)
    if limit is not None:
        clean = clean[:limit]
    kinds: dict[str, int] = {}
    for r in removed:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    return json.dumps({"text": clean, "removed": kinds, "title": error_line(clean)[:_TITLE]})


def _with_published_patterns(rule: Rule) -> Rule:
    """An edited published rule keeps the patterns the build derived from its table references.

    The browser has no rules/tables, so its loader leaves `errno: [...]` and the like out;
    the bundle carries what they derived when the site was built.
    """
    published = next((r for r in _rules.rules if r.id == rule.id), None)
    if published is None:
        return rule
    own = {(p.kind, p.source) for p in rule.patterns}
    extra = tuple(p for p in published.patterns if (p.kind, p.source) not in own)
    return dataclasses.replace(rule, patterns=rule.patterns + extra) if extra else rule


def check_rule(yaml_text: str, paste: str, schema_json: str) -> str:
    """The rule playground: every problem `build.py check` would report, and how the rule matches a paste.

    A rule with problems is still checked as far as it reads (a Draft, as in `check`);
    only a rule without problems is run on the paste.
    """
    from .checks import check_catalog
    from .loader import read_rule_text

    rule, draft, problems = read_rule_text(yaml_text, "rule.yaml", json.loads(schema_json))
    out: dict[str, object] = {"rule": rule.id if rule else None, "score": None, "rank": None, "matches": [], "evidence": [], "excerpt": []}
    if rule is not None:
        rule = _with_published_patterns(rule)
    if draft is not None:
        draft = dataclasses.replace(draft, rule=_with_published_patterns(draft.rule))
    checked = rule.id if rule else draft.rule.id if draft else None
    others = [r for r in _rules.rules if r.id != checked]
    problems += check_catalog([rule] if rule else [], drafts=[draft] if draft else [], beside=others)
    if rule is not None and paste.strip():
        result = analyse(paste, Catalog(sorted([*others, rule], key=lambda r: r.id)))
        offset = utf16_offset(paste)
        matches = [_match(m, paste, offset) for m in result.matches]
        out["matches"] = matches
        for rank, data in enumerate(matches, 1):
            if data["id"] == rule.id:
                out.update(rank=rank, **{key: data[key] for key in ("score", "context", "evidence", "excerpt")})
    out["problems"] = [{"line": p.line, "column": p.column, "message": p.message, "text": str(p)} for p in sorted(problems)]
    return json.dumps(out)


def _mcp_sources(c: dict[str, object], all_sources: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    keys: list[str] = []
    fmt = c["format"] if isinstance(c.get("format"), dict) else {}
    named = [data["source"] for group in ("files", "format", "variables", "cli", "windows")
             if isinstance(data := c.get(group), dict)]
    named += [fmt["remote_source"]] if "remote_source" in fmt else []
    named += [extra["source"] for extra in fmt.get("also", [])]  # facts from a source of their own
    for key in named:
        if key not in keys:
            keys.append(str(key))
    return [{"key": k, **{f: all_sources[k][f] for f in ("title", "url", "version", "seen")}} for k in keys]


def _mcp_build(request: dict[str, object]) -> dict[str, object]:
    from . import mcp as m
    from .mcp_clients import CLIENTS_DATA

    platform = "windows" if request.get("platform") == "windows" else "posix"
    raw = request.get("entry")
    entry, problems = m.normalize_entry(raw if isinstance(raw, dict) else {})
    out: dict[str, object] = {"problems": problems, "clients": [], "checked": CLIENTS_DATA["checked"]}
    if entry is None:
        return out
    clients = []
    for cid in m.CLIENT_IDS:
        c = m.client(cid)
        text, notes = m.generate(entry, cid, platform)
        commands = []
        if c["cli"]:
            for scope in c["cli"]["scopes"]:
                command, command_notes = m.claude_add_command(entry, scope, platform)
                commands.append({"scope": scope, "text": command, "notes": command_notes})
        clients.append({
            "id": cid, "name": c["name"], "text": text, "notes": notes, "commands": commands,
            "files": c["files"]["list"], "sources": _mcp_sources(c, CLIENTS_DATA["sources"]),
        })
    out["clients"] = clients
    return out


def _mcp_check(request: dict[str, object]) -> dict[str, object]:
    from . import mcp as m

    text = str(request.get("text") or "")
    cid = str(request.get("client") or "") or m.guess_client(None, text)
    platform = request.get("platform") if request.get("platform") in ("windows", "posix") else None
    committed = request.get("committed") if isinstance(request.get("committed"), bool) else None
    problems = m.check(text, cid, platform=platform, committed=committed)
    return {"client": cid, "name": m.client(cid)["name"], "problems": [p.to_json() for p in problems]}


def mcp(request_json: str) -> str:
    """The MCP config page: {"action": "build", entry, platform} or {"action": "check", text, client, platform, committed}."""
    request = json.loads(request_json)
    if not isinstance(request, dict) or request.get("action") not in ("build", "check"):
        raise ValueError('expected {"action": "build" | "check", ...}')
    if request["action"] == "build":
        return json.dumps(_mcp_build(request))
    return json.dumps(_mcp_check(request))

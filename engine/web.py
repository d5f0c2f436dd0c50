"""The browser's entry point under Pyodide: JSON strings in, JSON strings out.

The only module that knows how the page talks to the engine. It keeps the rules
loaded from the bundle between calls, and reports evidence offsets in UTF-16
code units, which is how JavaScript strings count.
"""

from __future__ import annotations

import json

from . import __version__
from .bundle import load_bundle
from .match import Catalog, analyse
from .model import RUNTIME_LABELS, Rule
from .runtimes import fix_runtime

__all__ = ["check_rule", "diagnose", "load", "redact", "utf16_offsets"]

_rules: Catalog = Catalog([])


def load(bundle_json: str) -> int:
    """Load the rules bundle; returns how many rules are ready."""
    global _rules
    _rules = Catalog(load_bundle(json.loads(bundle_json)))
    return len(_rules.rules)


def utf16_offsets(text: str, offsets: list[int]) -> list[int]:
    """Convert code-point offsets into UTF-16 code-unit offsets (sorted input not required)."""
    if text.isascii() or all(ord(ch) < 0x10000 for ch in text):
        return list(offsets)
    out = []
    for offset in offsets:
        prefix = text[:offset]
        out.append(offset + sum(1 for ch in prefix if ord(ch) >= 0x10000))
    return out


def _tab(rule: Rule, context: str | None) -> str | None:
    runtime = fix_runtime(context, (name for name, _ in rule.fixes))
    return RUNTIME_LABELS[runtime] if runtime else None


def diagnose(text: str) -> str:
    """Diagnose a paste with the loaded rules; returns the result as JSON."""
    result = analyse(text, _rules)
    matches = []
    for m in result.matches:
        starts = utf16_offsets(text, [e.start for e in m.evidence])
        ends = utf16_offsets(text, [e.end for e in m.evidence])
        matches.append(
            {
                "id": m.rule.id,
                "title": m.rule.title,
                "summary": m.rule.summary,
                "score": m.score,
                "url": m.rule.url,
                "context": m.context,
                "context_label": RUNTIME_LABELS.get(m.context or "", None),
                "tab": _tab(m.rule, m.context),
                "evidence": [{"start": s, "end": e, "text": ev.text} for s, e, ev in zip(starts, ends, m.evidence)],
            }
        )
    return json.dumps({"engine": __version__, "partial": result.partial, "context": result.context, "matches": matches})


def redact(text: str) -> str:
    """Secrets removed from a paste before it is shared: the text and what was removed."""
    from .redact import redact as _redact

    clean, removed = _redact(text)
    kinds: dict[str, int] = {}
    for r in removed:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    return json.dumps({"text": clean, "removed": kinds})


def check_rule(yaml_text: str, paste: str, schema_json: str) -> str:
    """The rule playground: every problem `build.py check` would report, and how the rule matches a paste."""
    from .checks import CHECKS
    from .loader import load_rule_text

    rule, problems = load_rule_text(yaml_text, "rule.yaml", json.loads(schema_json))
    out: dict[str, object] = {"rule": rule.id if rule else None, "score": None, "rank": None, "matches": [], "evidence": []}
    if rule is not None:
        catalog = {r.id: r for r in _rules.rules if r.id != rule.id}
        catalog[rule.id] = rule
        for check in CHECKS:
            problems.extend(check(rule, catalog))
        if paste.strip():
            result = analyse(paste, Catalog(sorted(catalog.values(), key=lambda r: r.id)))
            out["matches"] = [{"id": m.rule.id, "score": m.score} for m in result.matches]
            for rank, m in enumerate(result.matches, 1):
                if m.rule.id == rule.id:
                    starts = utf16_offsets(paste, [e.start for e in m.evidence])
                    ends = utf16_offsets(paste, [e.end for e in m.evidence])
                    out.update(score=m.score, rank=rank, context=m.context,
                               evidence=[{"start": a, "end": b} for a, b in zip(starts, ends)])
    out["problems"] = [{"line": p.line, "column": p.column, "message": p.message, "text": str(p)} for p in sorted(problems)]
    return json.dumps(out)

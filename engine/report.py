"""The human-readable report the CLI prints: the first match in full (facts, advice, evidence
under carets, the fix for the paste's runtime), the others one line each."""

from __future__ import annotations

import textwrap

from .advice import advise
from .answer import chain, sentence
from .excerpt import Window, excerpt
from .match import Diagnosis
from .model import RUNTIME_LABELS, Match

__all__ = ["caret_rows", "fix_text", "render"]

# Evidence shown for the first match: its first lines, each once, every span on it marked.
_EVIDENCE_LINES = 3

# The terminal is narrower than the browser's result box: 160 characters a line,
# 40 of them before the evidence.
_WIDTH = 160
_LEAD = 40


def caret_rows(window: Window) -> list[str]:
    """A window as text: each line under a line-number gutter, carets under its evidence."""
    rows = []
    for line in window.lines:
        gutter = f"{line.number:>5} | "
        prefix = "..." if line.cut_before else ""
        rows.append(gutter + prefix + "".join(text for text, _ in line.segments).replace("\t", " "))
        carets = "".join("^" * max(1, len(text)) if marked else " " * len(text) for text, marked in line.segments)
        if "^" in carets:
            rows.append(" " * (len(gutter) - 2) + "| " + " " * len(prefix) + carets.rstrip())
    return rows


def _evidence_rows(text: str, match: Match) -> list[str]:
    """One excerpt row per evidence line (all spans on a line marked), for the first few lines."""
    spans = sorted((e.start, e.end) for e in match.evidence)
    lines: list[int] = []
    kept = []
    for start, end in spans:
        line = text.count("\n", 0, start)
        if line not in lines:
            if len(lines) == _EVIDENCE_LINES:
                continue
            lines.append(line)
        kept.append((start, end))
    rows: list[str] = []
    for window in excerpt(text, kept, width=_WIDTH, lead=_LEAD, limit=_EVIDENCE_LINES):
        rows.extend("   " + row for row in caret_rows(window))
    return rows


def fix_text(match: Match) -> str:
    """The fix for the match's runtime as Markdown, with a heading line naming whose fix it is."""
    fix = match.fix
    head = f"Fix for {RUNTIME_LABELS[fix.runtime]}:" if fix.runtime else "What to do:"
    return head + "\n" + fix.text.strip() + "\n"


def _facts_line(match: Match) -> str | None:
    if not match.facts:
        return None
    return "   Facts: " + ", ".join(f"{name} {value}" for name, value in match.facts)


def _first(text: str, match: Match, site_url: str, diagnosis: Diagnosis) -> list[str]:
    context = f", from {match.context}" if match.context else ""
    lines = [f"1. {match.rule.title}  [{match.rule.id}, confidence {match.score:.2f}{context}]"]
    lines.append(f"   {match.rule.summary}")
    said = sentence(match.rule, dict(match.facts))
    if said:
        lines.append(f"   {said}")
    linked = chain(diagnosis.matches)
    if linked:
        lines.append(f"   {linked}")
    facts = _facts_line(match)
    if facts:
        lines.append(facts)
    for advice in advise(match, text):
        lines.extend(textwrap.wrap(advice.text, _WIDTH - 5, initial_indent="   ! ", subsequent_indent="     "))
    lines.append(f"   {site_url}{match.rule.url}")
    lines.extend(_evidence_rows(text, match))
    lines.append("")
    lines.extend("   " + row if row else "" for row in fix_text(match).rstrip("\n").split("\n"))
    if match.fix.runtime and match.rule.if_that_fails:
        lines.append(f"   If that does not work: {site_url}{match.rule.url}#if-that-does-not-work")
    return lines


def render(text: str, diagnosis: Diagnosis, site_url: str) -> str:
    """A plain-text report of a diagnosis."""
    if not diagnosis.matches:
        lines = ["No known network, TLS or API error found in this paste."]
        lines.append(f"Browse the catalog: {site_url}errors/")
    else:
        count = len(diagnosis.matches)
        lines = [f"{count} match{'es' if count != 1 else ''}, best first:", ""]
        lines.extend(_first(text, diagnosis.matches[0], site_url, diagnosis))
        lines.append("")
        for rank, match in enumerate(diagnosis.matches[1:], 2):
            lines.append(f"{rank}. {match.rule.title}  [{match.rule.id}, {match.score:.2f}]  {site_url}{match.rule.url}")
        lines.append("")
    if diagnosis.partial:
        lines.append("Note: the paste was very long, so only its head, tail and error-looking lines were read.")
    return "\n".join(lines).rstrip() + "\n"

"""The human-readable report the CLI prints: ranked matches, evidence under carets."""

from __future__ import annotations

from .excerpt import Window, excerpt
from .match import Diagnosis

__all__ = ["caret_rows", "render"]

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


def render(text: str, diagnosis: Diagnosis, site_url: str) -> str:
    """A plain-text report of a diagnosis."""
    if not diagnosis.matches:
        lines = ["No known network, TLS or API error found in this paste."]
        lines.append(f"Browse the catalog: {site_url}errors/")
    else:
        count = len(diagnosis.matches)
        lines = [f"{count} match{'es' if count != 1 else ''}, best first:", ""]
        for rank, match in enumerate(diagnosis.matches, 1):
            context = f", from {match.context}" if match.context else ""
            lines.append(f"{rank}. {match.rule.title}  [{match.rule.id}, confidence {match.score:.2f}{context}]")
            lines.append(f"   {match.rule.summary}")
            lines.append(f"   {site_url}{match.rule.url}")
            for ev in match.evidence[:3]:  # each piece of evidence on its own, as found
                for window in excerpt(text, [(ev.start, ev.end)], width=_WIDTH, lead=_LEAD, limit=1):
                    lines.extend("   " + row for row in caret_rows(window))
            lines.append("")
    if diagnosis.partial:
        lines.append("Note: the paste was very long, so only its head, tail and error-looking lines were read.")
    return "\n".join(lines).rstrip() + "\n"

"""The human-readable report the CLI prints: ranked matches, evidence under carets."""

from __future__ import annotations

from .match import Diagnosis

__all__ = ["render"]

_MAX_LINE = 160


def _locate(text: str, offset: int) -> tuple[int, int, int]:
    """(line number, start of that line, end of that line) for an offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    if line_end == -1:
        line_end = len(text)
    return text.count("\n", 0, line_start) + 1, line_start, line_end


def _excerpt(text: str, start: int, end: int) -> list[str]:
    number, line_start, line_end = _locate(text, start)
    line = text[line_start:line_end].replace("\t", " ").rstrip("\r")
    col = start - line_start
    width = max(1, min(end, line_end) - start)
    # Keep long lines readable: show a window around the evidence.
    shift = 0
    if len(line) > _MAX_LINE:
        shift = max(0, min(col - 40, len(line) - _MAX_LINE))
        line = ("..." if shift else "") + line[shift : shift + _MAX_LINE]
        col = col - shift + (3 if shift else 0)
    gutter = f"{number:>5} | "
    return [gutter + line, " " * (len(gutter) - 2) + "| " + " " * col + "^" * min(width, _MAX_LINE)]


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
            for ev in match.evidence[:3]:
                lines.extend("   " + row for row in _excerpt(text, ev.start, ev.end))
            lines.append("")
    if diagnosis.partial:
        lines.append("Note: the paste was very long, so only its head, tail and error-looking lines were read.")
    return "\n".join(lines).rstrip() + "\n"

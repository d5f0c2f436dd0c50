"""Remove secrets from a paste before it leaves the page (issue reports, share links).

Pure and standard library only; the browser runs the same code. Each secret is
replaced by a visible marker such as [REDACTED api-key], and the caller is told
what was removed so the reader can check before sharing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Redaction", "redact"]

# (kind, pattern). When a pattern has a group named "keep", that part stays
# (a header name, a URL's user name) and only the rest of the match is replaced.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("private-key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
        ("anthropic-key", r"\bsk-ant-[A-Za-z0-9_-]{16,}"),
        ("openai-key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
        ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("aws-secret", r"(?i)(?P<keep>aws_secret_access_key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{40}"),
        ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
        ("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        ("bearer-token", r"(?i)(?P<keep>\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
        ("basic-auth", r"(?i)(?P<keep>\bauthorization[\"']?\s*[:=]\s*[\"']?basic\s+)[A-Za-z0-9+/=]{8,}"),
        ("api-key", r"(?i)(?P<keep>\bx-api-key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]{8,}"),
        ("cookie", r"(?im)(?P<keep>^[\s<>*]*(?:set-)?cookie\s*:\s*|[\"'](?:set-)?cookie[\"']\s*:\s*[\"'])[^\n\"']+"),
        ("url-password", r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(?=@)"),
        ("secret", r"(?i)(?P<keep>\b(?:api[_-]?key|access[_-]?token|auth[_-]?token|secret|password|passwd|pwd)[\"']?\s*[:=]\s*[\"']?)(?!\[REDACTED)[^\s\"'&,;}]{6,}"),
    )
)


@dataclass(frozen=True)
class Redaction:
    """One removed secret: its kind and where it was in the original text."""

    kind: str
    start: int
    end: int


def redact(text: str) -> tuple[str, list[Redaction]]:
    """The text with secrets replaced by [REDACTED kind] markers, and what was removed."""
    found: list[Redaction] = []
    for kind, pattern in _RULES:
        for m in pattern.finditer(text):
            start = m.end("keep") if "keep" in pattern.groupindex and m.group("keep") is not None else m.start()
            if m.end() > start and not any(r.start < m.end() and start < r.end for r in found):
                found.append(Redaction(kind, start, m.end()))
    found.sort(key=lambda r: r.start)
    out: list[str] = []
    last = 0
    for r in found:
        out.append(text[last : r.start])
        out.append(f"[REDACTED {r.kind}]")
        last = r.end
    out.append(text[last:])
    return "".join(out), found

"""Remove secrets from a paste before it leaves the page (issue reports, share links).

Pure and standard library only; the browser runs the same code. Each secret is
replaced by a visible marker such as [REDACTED api-key], and the caller is told
what was removed so the reader can check before sharing.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .secret_patterns import GITLEAKS_RULES

__all__ = ["Redaction", "redact"]

# (kind, pattern). When a pattern has a group named "keep", that part stays
# (a header name, a URL's user name) and only the rest of the match is replaced.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        # A key pasted without its END line is removed to the end of its base64 run.
        ("private-key", r"-----BEGIN [A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=:\s-]*)"),
        ("slack-token", r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"),
        ("discord-webhook", r"(?P<keep>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{5,30}/)[A-Za-z0-9_-]{20,}"),
        ("gitlab-token", r"\bgl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent|oas)-[A-Za-z0-9_-]{20,}"),
        ("huggingface-token", r"\b(?:hf_|api_org_)[A-Za-z0-9]{30,}"),
        ("sendgrid-key", r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"),
        ("twilio-key", r"\b(?:SK|AC)[0-9a-f]{32}\b"),
        ("gcp-service-account", r"(?P<keep>[\"']private_key_id[\"']\s*:\s*[\"'])[^\"'\s]{8,}"),
        # Azure connection strings and SAS URLs; SharedAccessKeyName= is only a name.
        ("azure-storage-key", r"(?i)(?P<keep>\bAccountKey\s*=\s*)[A-Za-z0-9+/=]{20,}"),
        ("azure-sas", r"(?i)(?P<keep>\bSharedAccessKey=)[A-Za-z0-9+/=]{16,}|(?P<keep2>[?&;\s]sig=)[A-Za-z0-9%+/=_-]{16,}"),
        ("slack-webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_+-]{8,}"),
        ("stripe-key", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9+/=]{16,}"),
        ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}"),
        ("google-oauth-token", r"\bya29\.[0-9A-Za-z_-]{20,}"),
        ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b|(?P<keep>(?:\b_auth(?:Token)?|\bnpmAuthToken)\s*[=:]\s*[\"']?)[^\s\"']+"),
        ("aws-session-token", r"(?i)(?P<keep>\baws_session_token[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{16,}"),
        ("aws-secret", r"(?P<keep>\"(?:SecretAccessKey|SessionToken)\"\s*:\s*\")[^\"\s]{8,}"),
        ("anthropic-key", r"\bsk-ant-[A-Za-z0-9_-]{16,}"),
        ("openai-key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
        ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("aws-secret", r"(?i)(?P<keep>aws_secret_access_key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{40}"),
        ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
        ("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        # .NET: new AuthenticationHeaderValue("Bearer", "token")
        ("bearer-token", r"(?i)(?P<keep>\bbearer(?:\s+|[\"']\s*,\s*[\"']))[A-Za-z0-9._~+/=-]{8,}"),
        ("basic-auth", r"(?i)(?P<keep>\bauthorization[\"']?\s*[:=]\s*[\"']?basic\s+)[A-Za-z0-9+/=]{8,}"),
        ("api-key", r"(?i)(?P<keep>\bx-api-key[\"']?\s*[:=,]\s*[\"']?)[^\s\"',;}]{8,}"),
        ("cookie", r"(?im)(?P<keep>^[ \t<>*]*(?:set-)?cookie[ \t]*:[ \t]*(?![\s\"'])|[\"']?(?:set-)?cookie[\"']?\s*:\s*[\"'])[^\n\"']+"),
        # Node's inspect output: 'set-cookie': [ 'a=1; Path=/', 'b=2' ]
        ("cookie", r"(?i)(?P<keep>[\"']set-cookie[\"']\s*:\s*\[)[^\]]{1,4000}"),
        # An empty user (redis://:pw@) and a '/' inside the password are both real;
        # a port followed by a path (host:8080/a@b) is not a password.
        ("url-password", r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]{0,20}://[^/\s:@]{0,200}:)(?!\d+/)[^@\s]{1,200}(?=@)"),
        ("basic-auth", r"(?P<keep>(?<!\S)(?:-u|--user)\s+[\"']?[^\s:\"']{1,200}:)[^\s\"']+"),
        # .env style: a NAME that says it holds a secret (OPENAI_API_KEY=, JWT_SECRET=).
        ("env-secret", r"(?P<keep>(?<![A-Za-z0-9_])[A-Z0-9_]{0,40}(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|CREDENTIALS|AUTH)[A-Z0-9_]{0,40}[\"']?\s{0,3}[=:]\s{0,3}[\"']?)(?!\[REDACTED)[^\s\"']{6,}"),
        # Kubernetes env lists: "- name: STRIPE_API_KEY" then "value: ...".
        ("env-secret", r"(?P<keep>\bname:[ \t]{0,3}[\"']?[A-Z0-9_]{0,40}(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|AUTH)[A-Z0-9_]{0,40}[\"']?[ \t]{0,3}\n[ \t]{0,40}value:[ \t]{0,3}[\"']?)[^\s\"']{6,}"),
        ("secret", r"(?i)(?P<keep>(?:\b|_)(?:api[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|secret|password|passwd|pwd)[\"']?\s*[:=]\s*[\"']?)(?!\[REDACTED)[^\s\"'&,;}]{6,}"),
    )
)

# gitleaks' rules compile on first use: most pastes hold none of their keywords.
_GITLEAKS_COMPILED: dict[int, re.Pattern[str]] = {}


def _windows(view: str, lowered: str, keywords: tuple[str, ...], source: str) -> list[tuple[int, int]]:
    """Spans of text worth searching: the line before, of and after each keyword, merged."""
    if "[\\s\\S" in source or "(?s" in source:
        return [(0, len(view))]  # a multi-line shape (a key block): search it all
    spans: list[tuple[int, int]] = []
    for k in keywords:
        at = lowered.find(k)
        while at >= 0:
            if len(spans) > 2000:
                return [(0, len(view))]  # keyword everywhere: windows would cost more
            start = lowered.rfind("\n", 0, max(lowered.rfind("\n", 0, at), 0)) + 1
            end = lowered.find("\n", lowered.find("\n", at) + 1)
            spans.append((start, len(view) if end < 0 or lowered.find("\n", at) < 0 else end))
            at = lowered.find(k, at + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _gitleaks_matches(view: str):
    """(rule id, start, end) of each gitleaks secret, searching only near the rule's keywords."""
    # gitleaks' context rules ([\w.-]{0,50}?keyword...) try every offset, so
    # searching a whole megabyte for each costs far more than a few lines around
    # each keyword. pos/endpos keep ^, \b and lookbehinds seeing the real text.
    lowered = view.lower()
    for index, (rule_id, keywords, source, group) in enumerate(GITLEAKS_RULES):
        if not any(k in lowered for k in keywords):
            continue
        pattern = _GITLEAKS_COMPILED.get(index)
        if pattern is None:
            pattern = _GITLEAKS_COMPILED[index] = re.compile(source)
        for lo, hi in _windows(view, lowered, keywords, source):
            for m in pattern.finditer(view, lo, hi):
                start, end = m.span(group) if m.group(group) is not None else m.span()
                yield rule_id, start, end


_NOISE = re.compile(r"\x1b\[[0-9;?]{0,32}[A-Za-z]|%22|%27")


@dataclass(frozen=True)
class Redaction:
    """One removed secret: its kind and where it was in the original text."""

    kind: str
    start: int
    end: int


_WRAP_COLUMNS = (80, 120)
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9._~+/=-]+")


def _unwrapped_end(text: str, end: int) -> int:
    """Where a secret ends once a terminal hard wrap (a full 80 or 120 column line) is undone."""
    # A token cut at exactly the terminal width goes on at the next line's start.
    while end < len(text) and text[end] == "\n" and end - (text.rfind("\n", 0, end) + 1) in _WRAP_COLUMNS:
        tail = _TOKEN_TAIL.match(text, end + 1)
        if not tail:
            break
        end = tail.end()
    return end


def _candidates(view: str):
    """(kind, start, end) of every secret shape in the view: ours first (they know paste shapes), then gitleaks'."""
    for kind, pattern in _RULES:
        for m in pattern.finditer(view):
            kept = [m.end(g) for g in ("keep", "keep2") if g in pattern.groupindex and m.group(g) is not None]
            yield kind, (kept[0] if kept else m.start()), m.end()
    yield from _gitleaks_matches(view)


def redact(text: str) -> tuple[str, list[Redaction]]:
    """The text with secrets replaced by [REDACTED kind] markers, and what was removed."""
    # Same-length blanks keep every offset valid while letting a key glued to a
    # colour code (ESC[31msk-...) or to an encoded quote (%22sk-...) start a word.
    view = _NOISE.sub(lambda m: " " * len(m.group()), text)
    # Taken spans stay disjoint and sorted, so the only one a new span can overlap
    # is the last that starts before it ends: one bisect, not a scan of all found.
    starts: list[int] = []
    found: list[Redaction] = []
    for kind, start, end in _candidates(view):
        end = _unwrapped_end(view, end)
        at = bisect.bisect_left(starts, end)
        if end <= start or (at and found[at - 1].end > start):
            continue
        starts.insert(at, start)
        found.insert(at, Redaction(kind, start, end))
    out: list[str] = []
    last = 0
    for r in found:
        out.append(text[last : r.start])
        out.append(f"[REDACTED {r.kind}]")
        last = r.end
    out.append(text[last:])
    return "".join(out), found

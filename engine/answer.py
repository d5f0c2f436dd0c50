"""The answer around the matches: one-sentence diagnoses, chains, "not sure" guesses.

Shared by the CLI report and the browser adapter, so both say the same thing.
Everything here is plain text built from rule text and facts; nothing is markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .match import Catalog, Diagnosis
from .model import Match, Rule
from .normalize import error_line

__all__ = ["MAX_GUESSES", "chain", "guesses", "search_query", "sentence"]

MAX_GUESSES = 3
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Below this a rule's partial evidence is noise, not a guess.
_GUESS_FLOOR = 0.2
# A paste that names none of these is not a network, TLS or API error: no guesses.
_NETWORKISH = re.compile(
    r"(?i)\b(?:connect\w*|connection|socket|network|dns|resolve|host(?:name)?|tls|ssl|certificate|cert|https?|"
    r"proxy|timed? ?out|timeout|refused|reset|unreachable|handshake|fetch|request|response|api|status|"
    r"websocket|port|errno|curl|econn\w*|(?-i:E[A-Z]{4,}))\b"
)
_CODE_WORD = re.compile(r"^[A-Z][A-Z0-9_]{3,}$")
_WORD = re.compile(r"[a-z][a-z0-9_-]{3,}")
# Words every network error says: sharing them says nothing about which one it is.
_COMMON = frozenset(
    "error errors failed fails failure could with from that this when your the request requests response "
    "connection connect server client because before after while there their they have been into than only "
    "does not cannot other side https http version protocol status header headers anthropic code codes "
    "message name names even usually means".split()
)
_SHARED_WORDS = 2  # title and summary words a paste must share with a rule to be a guess


def sentence(rule: Rule, facts: Mapping[str, str]) -> str | None:
    """The rule's one-sentence diagnosis with its facts filled in; None when a fact is missing."""
    if not rule.diagnosis:
        return None
    names = _PLACEHOLDER.findall(rule.diagnosis)
    if not names or any(not facts.get(n) for n in names):
        return None
    text = _PLACEHOLDER.sub(lambda m: facts[m.group(1)], rule.diagnosis)
    if not rule.diagnosis.startswith("{"):  # a host name keeps its case
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def chain(matches: Sequence[Match]) -> str | None:
    """One line when a wrapper match (fetch failed, a proxy tunnel) wraps the root cause ranked first."""
    if len(matches) < 2 or matches[0].rule.wrapper:
        return None
    root = matches[0]
    wrapper = next((m for m in matches[1:] if m.rule.wrapper), None)
    if wrapper is None:
        return None
    said = wrapper.evidence[0].text.strip() if wrapper.evidence else wrapper.rule.id
    reason = sentence(root.rule, dict(root.facts))
    lead = root.rule.diagnosis.startswith("{")
    because = (reason if lead else reason[:1].lower() + reason[1:]) if reason else f"of {root.rule.title.split(':')[0]} ({root.rule.id})"
    because = because.rstrip(".")
    return f"“{said}” is only the wrapper ({wrapper.rule.id}): it failed because {because}. Fix that first."


def _code_hits(rule: Rule, text: str) -> bool:
    """Whether one of the rule's error codes (ECONNRESET-like words) appears in the paste."""
    return any(_CODE_WORD.match(code) and re.search(rf"\b{re.escape(code)}\b", text) for code in rule.codes)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - _COMMON


def guesses(diagnosis: Diagnosis, rules: Catalog, text: str) -> list[Rule]:
    """Up to MAX_GUESSES rules the paste may be about, when nothing matched; none for non-network pastes.

    In order: rules with some evidence below the threshold, rules whose error codes
    appear, then rules sharing distinctive words of their title and summary.
    """
    head = text[:100_000]
    if diagnosis.matches or not _NETWORKISH.search(head):
        return []
    out = [rule for rule, score in diagnosis.near if score >= _GUESS_FLOOR]
    out += [rule for rule in rules.rules if rule not in out and _code_hits(rule, head)]
    words = _words(head)
    shared = sorted(
        ((len(words & _words(f"{rule.title} {rule.summary}")), rule.id, rule) for rule in rules.rules if rule not in out),
        key=lambda t: (-t[0], t[1]),
    )
    out += [rule for n, _, rule in shared if n >= _SHARED_WORDS]
    return out[:MAX_GUESSES]


_SEARCH = 80  # a search box query, not the paste


def search_query(text: str) -> str:
    """What to search the site for: a Python traceback's last line, else the paste's first error line."""
    head = text[:100_000]
    if "Traceback (most recent call last)" in head:
        last = [line for line in head.splitlines() if line.strip() and not line[:1].isspace()]
        if last:
            return last[-1].strip()[:_SEARCH]
    return error_line(head)[:_SEARCH]

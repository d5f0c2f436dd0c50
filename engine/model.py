"""Typed, immutable rule and match objects. Nothing past the loader touches raw dicts."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .keys import Keys
from .runtimes import CONTEXTS, FIX_RUNTIMES, LABELS, fix_runtime
from .schema import Path

__all__ = [
    "CATEGORIES",
    "RUNTIME_LABELS",
    "CONTEXTS",
    "FIX_RUNTIMES",
    "Example",
    "Evidence",
    "Faq",
    "Fix",
    "Locator",
    "Match",
    "NoLocations",
    "Pattern",
    "Rule",
    "Source",
    "pattern_regex",
    "pattern_spec",
]

CATEGORIES = ("network", "tls", "api", "tooling")

# The runtime lists live in runtimes.py; these names stay for the modules that import them from here.
RUNTIME_LABELS = LABELS


class Locator(Protocol):
    """Maps a key path in the rule data to a 1-based (line, column) in its file."""

    def at(self, path: Path, key: bool = False) -> tuple[int, int]: ...

    def inside(self, path: Path, offset: int) -> tuple[int, int]: ...


class NoLocations:
    """For data that has no file behind it (the JSON bundle, rules built in code)."""

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        return (1, 1)

    def inside(self, path: Path, offset: int) -> tuple[int, int]:
        return (1, 1)


def pattern_regex(kind: str, source: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """Compile a pattern as rules define it; raises re.error for a bad regex.

    A literal matches case-insensitively unless case_sensitive, with word
    boundaries at whichever of its ends are word characters. Regexes are
    multiline, so ^ and $ work per line.
    """
    if kind == "literal":
        body = re.escape(source)
        if source[:1].isalnum() or source[:1] == "_":
            body = r"\b" + body
        if source[-1:].isalnum() or source[-1:] == "_":
            body = body + r"\b"
        return re.compile(body, re.MULTILINE if case_sensitive else re.MULTILINE | re.IGNORECASE)
    return re.compile(source, re.MULTILINE)


def pattern_spec(kind: str, source: str, weight: float, when: tuple[str, ...] = (), implies: str | None = None,
                 generic: bool = False, case_sensitive: bool = False) -> dict[str, object]:
    """A pattern as rule data: {kind: source, weight, and only the options that are set}."""
    spec: dict[str, object] = {kind: source, "weight": weight}
    if when:
        spec["when"] = list(when)
    if implies:
        spec["implies"] = implies
    if generic:
        spec["generic"] = True
    if case_sensitive:
        spec["case_sensitive"] = True
    return spec


@dataclass(frozen=True)
class Pattern:
    """One thing a rule looks for (a regex or literal) with a weight and context hints."""

    source: str  # the text the contributor wrote (regex or literal)
    kind: str  # "regex" or "literal"
    weight: float
    when: tuple[str, ...] = ()  # counts only when the paste comes from one of these
    implies: str | None = None  # the context a hit on this pattern points to
    generic: bool = False  # gives way to another rule's specific hit on the same line
    case_sensitive: bool = False  # literals only
    keys: Keys = field(default_factory=Keys, compare=False)  # words or text it cannot match without
    line: int = 0  # where it was written, for messages
    column: int = 0
    # The key path it came from when not match.patterns: ("codes", 2), or ("match", "errno", 0, 5)
    # for the sixth spelling a table derives for the first errno reference.
    origin: Path = field(default=(), compare=False)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The compiled regex, compiled on first use: most patterns never run for a given paste."""
        return pattern_regex(self.kind, self.source, self.case_sensitive)


@dataclass(frozen=True)
class Source:
    """A citation: title and URL."""

    title: str
    url: str


@dataclass(frozen=True)
class Faq:
    """A question readers ask, with its answer in Markdown."""

    q: str
    a: str


@dataclass(frozen=True)
class Example:
    """A real-format paste the rule must match (or, for a near miss, must not)."""

    paste: str
    context: str | None = None  # examples: the runtime the engine should report
    instead: str | None = None  # near misses: the rule that should match instead, if any
    why: str = ""
    line: int = 0


@dataclass(frozen=True)
class Rule:
    """One error: identity, how to recognise it, and what its page says."""

    id: str
    title: str
    summary: str
    category: str
    patterns: tuple[Pattern, ...]
    excludes: tuple[Pattern, ...] = ()
    wrapper: bool = False  # a symptom that usually wraps a root cause
    codes: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()  # "also seen as": what its table references are printed as elsewhere
    sample: str = ""
    meaning: str = ""
    causes: tuple[str, ...] = ()
    fixes: tuple[tuple[str, str], ...] = ()  # (runtime, markdown), in FIX_RUNTIMES order
    if_that_fails: str = ""
    diagnosis: str = ""  # one sentence with {fact} placeholders, shown when every one is known
    prevention: str = ""
    faqs: tuple[Faq, ...] = ()
    related: tuple[str, ...] = ()
    only_in: tuple[str, ...] = ()  # the only tools that print this error, when fewer than three do
    sources: tuple[Source, ...] = ()
    examples: tuple[Example, ...] = ()
    near_misses: tuple[Example, ...] = ()
    path: str = ""
    # Maps key paths of the rule file to (line, column); used only for messages.
    where: Locator = field(default_factory=NoLocations, compare=False, repr=False)

    @property
    def url(self) -> str:
        """Page address relative to the site root."""
        return f"errors/{self.id}/"


@dataclass(frozen=True)
class Evidence:
    """A span of the original paste that a pattern matched."""

    start: int
    end: int
    text: str

    def to_json(self, offset: Callable[[int], int] = int) -> dict[str, object]:
        """The span as JSON; `offset` recounts its ends (the browser counts UTF-16 code units)."""
        return {"start": offset(self.start), "end": offset(self.end), "text": self.text}


@dataclass(frozen=True)
class Fix:
    """What to do for one paste: the fix for its runtime, or the general advice (runtime None)."""

    runtime: str | None
    text: str  # Markdown

    def to_json(self) -> dict[str, object]:
        """As CONTRACT section 2 shows it: {"runtime", "text"}."""
        return {"runtime": self.runtime, "text": self.text}


@dataclass(frozen=True)
class Match:
    """A rule that explains (part of) the paste, with its confidence and evidence."""

    rule: Rule
    score: float
    context: str | None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    facts: tuple[tuple[str, str], ...] = ()  # (name, value) read from the paste, in FACT_NAMES order

    @property
    def fix(self) -> Fix:
        """The rule's fix for the paste's runtime (or its fallback); the general advice without one."""
        runtime = fix_runtime(self.context, (name for name, _ in self.rule.fixes))
        if runtime is not None:
            return Fix(runtime, dict(self.rule.fixes)[runtime])
        return Fix(None, self.rule.if_that_fails or self.rule.meaning or self.rule.summary)

    def to_json(self, offset: Callable[[int], int] = int) -> dict[str, object]:
        """The match as CONTRACT section 2 shows it; `offset` recounts evidence offsets."""
        return {
            "id": self.rule.id,
            "title": self.rule.title,
            "score": self.score,
            "url": self.rule.url,
            "context": self.context,
            "evidence": [e.to_json(offset) for e in self.evidence],
            "facts": dict(self.facts),
            "fix": self.fix.to_json(),
        }

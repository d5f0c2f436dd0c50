"""The pure core: a paste and the rules in, ranked matches with evidence out.

How a score is made, so that it means something:
- each pattern carries a weight, the chance that a paste showing that pattern
  alone is an instance of the rule's error;
- hits on different patterns are independent evidence and combine as
  1 - (1 - w1)(1 - w2)...; the same pattern seen twice counts once;
- a rule is reported when the combined score reaches MATCH_THRESHOLD.

How ranking works, so that the root cause comes first:
- a *generic* hit (say curl's exit code 60) gives way to another rule's specific
  hit on the same line (say "certificate has expired");
- a *wrapper* rule (say "fetch failed") ranks after any root cause found with
  confidence, whatever its own score;
- otherwise higher scores first, ties broken by id, so output is deterministic.

`analyse` reads the paste once, then runs four named steps: find the hits of the
candidate rules, drop generic hits that another rule explains, score, rank.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .context import Contexts, detect
from .facts import FACT_NAMES, clean, extract, merge
from .keys import Keys, text_words
from .model import Evidence, Match, Pattern, Rule
from .normalize import View, views
from .prefilter import KeyIndex

__all__ = ["MATCH_THRESHOLD", "Catalog", "Diagnosis", "analyse", "diagnose", "rule_score"]

MATCH_THRESHOLD = 0.5
# A wrapper yields to a root cause only when that cause is this sure.
_CAUSE_CONFIDENCE = 0.6
_HITS_PER_PATTERN = 20
_EVIDENCE_PER_MATCH = 8


@dataclass(frozen=True)
class Diagnosis:
    """All matches for one paste, best first, and whether the paste was read whole."""

    matches: tuple[Match, ...]
    context: str | None
    partial: bool
    # Rules with some evidence but below the threshold, surest first: "not sure" guesses.
    near: tuple[tuple[Rule, float], ...] = ()


@dataclass(frozen=True)
class _Hit:
    pattern: int  # index in rule.patterns
    start: int  # original offsets
    end: int
    line: int  # line number in the cleaned paste


class _Candidates(NamedTuple):
    """For one rule, the patterns and the excludes whose keys a paste holds (indexes)."""

    patterns: list[int]
    excludes: list[int]


class Catalog:
    """Rules prepared for matching: which patterns each key in a paste can wake up.

    With thousands of rules, most patterns cannot match a given paste because a
    word they need is absent. The index (prefilter.KeyIndex) finds the candidates
    in a fixed number of passes over the paste's words and lines, so the cost
    grows with what the paste contains, not with the catalog.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.by_id = {rule.id: rule for rule in self.rules}
        # One slot per pattern and per exclude, rule by rule: sorted slots group by rule.
        self._slots: list[tuple[int, bool, int]] = []  # (rule index, is an exclude, index)
        keys: list[Keys] = []
        for r, rule in enumerate(self.rules):
            for excluding, patterns in ((False, rule.patterns), (True, rule.excludes)):
                for i, pattern in enumerate(patterns):
                    self._slots.append((r, excluding, i))
                    keys.append(pattern.keys)
        self._index = KeyIndex(keys)

    def candidates(self, words: frozenset[str], lowered: str) -> dict[int, _Candidates]:
        """{rule index: its patterns and excludes} that may match a text with these words."""
        out: dict[int, _Candidates] = {}
        for slot in sorted(self._index.woken(lowered, words)):
            r, excluding, i = self._slots[slot]
            found = out.get(r)
            if found is None:
                found = out[r] = _Candidates([], [])
            (found.excludes if excluding else found.patterns).append(i)
        return out


@dataclass(frozen=True)
class _Paste:
    """One paste read once: its views, what the prefilter needs, its contexts and lines."""

    text: str  # exactly as given
    views: Sequence[View]
    lowered: str
    words: frozenset[str]
    contexts: Contexts  # its `detected` is computed once, on first use
    breaks: list[int]  # original offset of each line break of the cleaned paste

    @classmethod
    def read(cls, text: str) -> _Paste:
        all_views = views(text)
        base = all_views[0]
        lowered = "\n".join(v.text for v in all_views).lower()
        contexts = detect(base.text)
        breaks = [base.starts[m.start()] for m in re.finditer("\n", base.text)]
        return cls(text, all_views, lowered, frozenset(text_words(lowered)), contexts, breaks)

    @property
    def partial(self) -> bool:
        """Whether only part of a huge paste was read."""
        return self.views[0].partial

    @functools.cached_property
    def facts(self) -> dict[str, str]:
        """The facts the generic table reads from the paste, read once and only for a match."""
        return extract(self.views[0].text)

    def captures(self, pattern: Pattern) -> dict[str, str]:
        """The named groups a rule's pattern captures in the paste (first value of each)."""
        names = [n for n in pattern.regex.groupindex if n in FACT_NAMES]
        found: dict[str, str] = {}
        if not names:
            return found
        for m in pattern.regex.finditer(self.views[0].text):
            for name in names:
                if name not in found and m.group(name):
                    found[name] = clean(m.group(name))
            if len(found) == len(names):
                break
        return found

    def line_of(self, offset: int) -> int:
        """The line of the cleaned paste that an original offset falls on."""
        return bisect.bisect_right(self.breaks, offset)

    def applies(self, pattern: Pattern) -> bool:
        """Whether a pattern counts for this paste (its `when` names a detected context)."""
        return not pattern.when or not self.contexts.detected.isdisjoint(pattern.when)

    def spans(self, pattern: Pattern) -> list[tuple[int, int]]:
        """Original spans where the pattern matches in any view (deduplicated)."""
        spans: list[tuple[int, int]] = []
        seen: set[tuple[int, int]] = set()
        for view in self.views:
            for n, m in enumerate(pattern.regex.finditer(view.text)):
                if n >= _HITS_PER_PATTERN:
                    break
                if m.end() == m.start():
                    continue
                span = view.span(m.start(), m.end())
                if span not in seen:
                    seen.add(span)
                    spans.append(span)
        return spans


def rule_score(weights: Sequence[float]) -> float:
    """Combine the weights of the distinct patterns that hit (noisy-OR), in 0..1."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return round(min(1.0, max(0.0, 1.0 - miss)), 3)


def _find_hits(catalog: Catalog, paste: _Paste) -> list[tuple[Rule, list[_Hit]]]:
    """Step 1: each candidate rule no exclude vetoes, with every hit of its patterns."""
    hits: list[tuple[Rule, list[_Hit]]] = []
    for r, woken in catalog.candidates(paste.words, paste.lowered).items():
        rule = catalog.rules[r]
        excludes = (rule.excludes[i] for i in woken.excludes)
        if any(paste.spans(p) for p in excludes if paste.applies(p)):
            continue
        found = [
            _Hit(i, start, end, paste.line_of(start))
            for i in woken.patterns
            if paste.applies(rule.patterns[i])
            for start, end in paste.spans(rule.patterns[i])
        ]
        if found:
            hits.append((rule, found))
    return hits


def _drop_explained(hits: list[tuple[Rule, list[_Hit]]]) -> list[tuple[Rule, list[_Hit]]]:
    """Step 2: drop generic hits on a line that another rule explains with a specific one."""
    specific_lines: dict[int, set[str]] = {}
    for rule, found in hits:
        for hit in found:
            if not rule.patterns[hit.pattern].generic:
                specific_lines.setdefault(hit.line, set()).add(rule.id)

    def explained_elsewhere(rule: Rule, hit: _Hit) -> bool:
        return bool(specific_lines.get(hit.line, set()) - {rule.id})

    return [
        (rule, [h for h in found if not (rule.patterns[h.pattern].generic and explained_elsewhere(rule, h))])
        for rule, found in hits
    ]


def _score(rule: Rule, kept: list[_Hit], paste: _Paste) -> Match | float:
    """Step 3: the rule's match from its remaining hits, or its score below the threshold."""
    used = sorted({h.pattern for h in kept})
    score = rule_score([rule.patterns[i].weight for i in _distinct(rule, kept)])
    if score < MATCH_THRESHOLD:
        return score
    implied = [rule.patterns[i] for i in used if rule.patterns[i].implies]
    strongest = max(implied, key=lambda p: p.weight).implies if implied else None
    spans = sorted({(h.start, h.end) for h in kept})[:_EVIDENCE_PER_MATCH]
    evidence = tuple(Evidence(a, b, paste.text[a:b]) for a, b in spans)
    captured = [paste.captures(rule.patterns[i]) for i in used if rule.patterns[i].regex.groupindex]
    facts = merge(*captured, paste.facts)
    return Match(rule, score, paste.contexts.refine(strongest), evidence, tuple(facts.items()))


def _distinct(rule: Rule, kept: list[_Hit]) -> list[int]:
    """The patterns that count: each must hit some text no stronger pattern of the rule already hit.

    A table's `ECONNRESET` and `code: 'ECONNRESET'` and a hand-written `E?CONNRESET` can
    all match the same ten characters; that is one piece of evidence, not three.
    """
    spans: dict[int, set[tuple[int, int]]] = {}
    for h in kept:
        spans.setdefault(h.pattern, set()).add((h.start, h.end))
    claimed: set[tuple[int, int]] = set()
    out = []
    for i in sorted(spans, key=lambda i: (-rule.patterns[i].weight, i)):
        if spans[i] - claimed:
            out.append(i)
            claimed |= spans[i]
    return sorted(out)


def _rank(matches: list[Match]) -> tuple[Match, ...]:
    """Step 4: best first; wrappers after a sure root cause; ties broken by id."""
    has_cause = any(not m.rule.wrapper and m.score >= _CAUSE_CONFIDENCE for m in matches)
    return tuple(sorted(matches, key=lambda m: (has_cause and m.rule.wrapper, -m.score, m.rule.id)))


def analyse(text: str, rules: Sequence[Rule] | Catalog) -> Diagnosis:
    """Diagnose a paste against the rules. Pure: no I/O, no globals, deterministic.

    Pass a Catalog built once when diagnosing many pastes with the same rules.
    """
    catalog = rules if isinstance(rules, Catalog) else Catalog(rules)
    paste = _Paste.read(text)
    scored = [(rule, _score(rule, kept, paste)) for rule, kept in _drop_explained(_find_hits(catalog, paste))]
    matches = [m for _, m in scored if isinstance(m, Match)]
    near = sorted(((rule, s) for rule, s in scored if isinstance(s, float) and s > 0), key=lambda rs: (-rs[1], rs[0].id))
    return Diagnosis(_rank(matches), paste.contexts.best, paste.partial, tuple(near))


def diagnose(text: str, rules: Sequence[Rule] | Catalog) -> list[Match]:
    """Ranked matches for a paste, best first; empty when nothing matched."""
    return list(analyse(text, rules).matches)

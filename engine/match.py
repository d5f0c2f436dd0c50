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
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .context import Contexts, detect
from .keys import KINDS, text_words
from .model import Evidence, Match, Pattern, Rule
from .normalize import View, views

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


@dataclass(frozen=True)
class _Hit:
    pattern: int
    start: int  # original offsets
    end: int
    line: int  # line number in the cleaned paste


def _pattern_applies(pattern: Pattern, contexts: Contexts) -> bool:
    return not pattern.when or bool(contexts.detected.intersection(pattern.when))


@dataclass(frozen=True)
class _Text:
    """The views of one paste, with what the prefilter needs to know about them."""

    views: Sequence[View]
    lowered: str
    words: frozenset[str]


class Catalog:
    """Rules prepared for matching: which patterns each key in a paste can wake up.

    With thousands of rules, most patterns cannot match a given paste because a
    word they need is absent. The index finds the candidates from the paste's
    words, so the cost grows with what the paste contains, not with the catalog.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.by_id = {rule.id: rule for rule in self.rules}
        self._index: dict[str, dict[str, list[tuple[int, int]]]] = {kind: {} for kind in KINDS}
        self._always: list[tuple[int, int]] = []
        for r, rule in enumerate(self.rules):
            # Patterns first, then excludes (numbered after them).
            for p, pattern in enumerate(rule.patterns + rule.excludes):
                if not pattern.keys.alternatives:
                    self._always.append((r, p))
                for kind, value in pattern.keys.alternatives:
                    self._index[kind].setdefault(value, []).append((r, p))
        self._prefix_lengths = sorted({len(v) for v in self._index["prefix"]})
        self._suffix_lengths = sorted({len(v) for v in self._index["suffix"]})

    def candidates(self, words: frozenset[str], lowered: str) -> dict[int, list[int]]:
        """{rule index: pattern indexes} that may match a text with these words."""
        found: list[tuple[int, int]] = list(self._always)
        by_word, by_prefix, by_suffix = self._index["word"], self._index["prefix"], self._index["suffix"]
        for word in words:
            found.extend(by_word.get(word, ()))
            for n in self._prefix_lengths:
                if n > len(word):
                    break
                found.extend(by_prefix.get(word[:n], ()))
            for n in self._suffix_lengths:
                if n > len(word):
                    break
                found.extend(by_suffix.get(word[-n:], ()))
        for needle, where in self._index["needle"].items():
            if needle in lowered:
                found.extend(where)
        out: dict[int, set[int]] = {}
        for r, p in found:
            out.setdefault(r, set()).add(p)
        return {r: sorted(ps) for r, ps in sorted(out.items())}


def _find(pattern: Pattern, text: _Text) -> list[tuple[int, int]]:
    """Original spans where the pattern matches in any view (deduplicated)."""
    spans: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for view in text.views:
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


def analyse(text: str, rules: Sequence[Rule] | Catalog) -> Diagnosis:
    """Diagnose a paste against the rules. Pure: no I/O, no globals, deterministic.

    Pass a Catalog built once when diagnosing many pastes with the same rules.
    """
    catalog = rules if isinstance(rules, Catalog) else Catalog(rules)
    all_views = views(text)
    base = all_views[0]
    lowered = "\n".join(v.text for v in all_views).lower()
    paste = _Text(all_views, lowered, frozenset(text_words(lowered)))
    contexts = detect(base.text)
    # Line of each original offset, counted on the cleaned paste.
    breaks = [base.starts[m.start()] for m in re.finditer("\n", base.text)]

    hits: dict[str, list[_Hit]] = {}
    for r, indexes in catalog.candidates(paste.words, paste.lowered).items():
        rule = catalog.rules[r]
        count = len(rule.patterns)
        excluded = (rule.excludes[i - count] for i in indexes if i >= count)
        if any(_find(p, paste) for p in excluded if _pattern_applies(p, contexts)):
            continue
        found: list[_Hit] = []
        for index in indexes:
            pattern = rule.patterns[index] if index < count else None
            if pattern is None or not _pattern_applies(pattern, contexts):
                continue
            for start, end in _find(pattern, paste):
                found.append(_Hit(index, start, end, bisect.bisect_right(breaks, start)))
        if found:
            hits[rule.id] = found

    # Lines that some rule explains with a specific (non-generic) pattern.
    by_id = catalog.by_id
    specific_lines: dict[int, set[str]] = {}
    for rule_id, found in hits.items():
        patterns = by_id[rule_id].patterns
        for hit in found:
            if not patterns[hit.pattern].generic:
                specific_lines.setdefault(hit.line, set()).add(rule_id)

    matches: list[Match] = []
    for rule_id, found in hits.items():
        rule = by_id[rule_id]
        kept = [
            h
            for h in found
            if not rule.patterns[h.pattern].generic or not (specific_lines.get(h.line, set()) - {rule_id})
        ]
        used = sorted({h.pattern for h in kept})
        score = rule_score([rule.patterns[i].weight for i in used])
        if score < MATCH_THRESHOLD:
            continue
        implied = [rule.patterns[i] for i in used if rule.patterns[i].implies]
        strongest = max(implied, key=lambda p: p.weight).implies if implied else None
        spans = sorted({(h.start, h.end) for h in kept})[:_EVIDENCE_PER_MATCH]
        evidence = tuple(Evidence(a, b, text[a:b]) for a, b in spans)
        matches.append(Match(rule, score, contexts.refine(strongest), evidence))

    has_cause = any(not m.rule.wrapper and m.score >= _CAUSE_CONFIDENCE for m in matches)
    matches.sort(key=lambda m: (has_cause and m.rule.wrapper, -m.score, m.rule.id))
    return Diagnosis(tuple(matches), contexts.best, base.partial)


def diagnose(text: str, rules: Sequence[Rule] | Catalog) -> list[Match]:
    """Ranked matches for a paste, best first; empty when nothing matched."""
    return list(analyse(text, rules).matches)

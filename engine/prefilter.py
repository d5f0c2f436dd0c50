"""Which patterns' keys a paste holds, in a few passes whatever the size of the catalog.

keys.py says what text a pattern cannot match without. This module indexes the
keys of every pattern in a catalog so that one paste is read a fixed number of
times: a set intersection for whole words, and one regex pass each for word
prefixes, word suffixes and substrings. Each regex is the keys of its kind
folded into a trie (`ab(?:c|d(?:e)?)` for abc, abd and abde), so trying it at
one position follows one path down the trie, choosing among at most an
alphabet's worth of branches at each step: the length of a key, never the
number of keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .keys import KINDS, Keys

__all__ = ["KeyIndex"]

# Building or compiling a very deep trie can exhaust the parser's recursion; such a
# set of keys is then checked one key at a time, which gives the same answer.
_TOO_DEEP = (RecursionError, OverflowError, MemoryError, re.error)


def _trie(strings: Iterable[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for s in strings:
        node = root
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}  # marks the end of a string
    return root


def _trie_regex(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    """The regex for a trie node; greedy, so it matches the longest string along a path."""
    branches = []
    for ch in sorted(c for c in node if c):
        child, chain = node[ch], re.escape(ch)
        # A run of single-child nodes is a plain literal: no group, no recursion.
        while len(child) == 1 and "" not in child:
            (ch, child), = child.items()
            chain += re.escape(ch)
        branches.append(chain + _trie_regex(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a string ends here: what follows is optional, tried first
        return "(?:" + body + ")?"
    return body


def _prefixes_in(trie: dict[str, dict], s: str) -> tuple[str, ...]:  # type: ignore[type-arg]
    """The strings of the trie that are prefixes of s (s included)."""
    out, node = [], trie
    for n, ch in enumerate(s, 1):
        node = node[ch]
        if "" in node:
            out.append(s[:n])
    return tuple(out)


class _Finder:
    """Every string of a set that occurs in a text after `before`, found in one regex pass."""

    def __init__(self, strings: Iterable[str], before: str = "") -> None:
        self.strings = frozenset(strings)
        self._trie = _trie(self.strings)
        self._regex: re.Pattern[str] | None = None
        self._each: tuple[str, ...] = ()
        self._before: re.Pattern[str] | None = None
        if not self.strings:
            return
        try:
            # A lookahead matches empty, so every position is tried: overlapping
            # strings are all seen.
            self._regex = re.compile(before + "(?=(" + _trie_regex(self._trie) + "))")
        except _TOO_DEEP:
            self._each = tuple(sorted(self.strings))
            self._before = re.compile(before) if before else None

    def found(self, text: str) -> set[str]:
        """The strings of the set that occur in the text."""
        if self._regex is None:
            return {s for s in self._each if self._occurs(s, text)}
        out: set[str] = set()
        # The regex reports the longest string starting at each position; the
        # shorter ones starting there are its prefixes in the set.
        for longest in set(self._regex.findall(text)):
            out.update(_prefixes_in(self._trie, longest))
        return out

    def _occurs(self, s: str, text: str) -> bool:
        start = text.find(s)
        while start != -1:
            if self._before is None or self._before.match(text, start):
                return True
            start = text.find(s, start + 1)
        return False


class KeyIndex:
    """The keys of many patterns, numbered in the order given, ready to test against pastes."""

    def __init__(self, keys: Sequence[Keys]) -> None:
        self._always: list[int] = []
        by_kind: dict[str, dict[str, list[int]]] = {kind: {} for kind in KINDS}
        for slot, key in enumerate(keys):
            # An empty value would hold in nearly every text: the pattern simply always runs.
            if not key.alternatives or any(not value for _, value in key.alternatives):
                self._always.append(slot)
                continue
            for kind, value in key.alternatives:
                by_kind[kind].setdefault(value, []).append(slot)
        self._words = by_kind["word"]
        self._word_set = frozenset(self._words)
        self._prefix = by_kind["prefix"]
        # A suffix of a word is a prefix of the reversed word.
        self._suffix = {value[::-1]: slots for value, slots in by_kind["suffix"].items()}
        self._needle = by_kind["needle"]
        self._prefixes = _Finder(self._prefix, before=r"\b")
        self._suffixes = _Finder(self._suffix, before=r"\b")
        # Needles without a newline are looked for in the paste's distinct lines only.
        self._in_line = _Finder(n for n in self._needle if "\n" not in n)
        self._across_lines = tuple(n for n in self._needle if "\n" in n)

    def woken(self, lowered: str, words: frozenset[str]) -> set[int]:
        """Slots whose keys hold in a lowercased text whose words (keys.text_words) are given."""
        woken = set(self._always)
        for word in words & self._word_set:
            woken.update(self._words[word])
        if self._prefix or self._suffix:
            # \w+ words joined by a space: \b before a key is the start of a word.
            joined = " ".join(words)
            for value in self._prefixes.found(joined):
                woken.update(self._prefix[value])
            for value in self._suffixes.found(joined[::-1]):
                woken.update(self._suffix[value])
        if self._in_line.strings:
            lines = "\n".join(set(lowered.split("\n")))
            for value in self._in_line.found(lines):
                woken.update(self._needle[value])
        for value in self._across_lines:
            if value in lowered:
                woken.update(self._needle[value])
        return woken

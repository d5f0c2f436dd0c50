"""The prefilter never drops a pattern that could match: its one-pass index agrees with
the plain meaning of each key, and every pattern that matches a real paste is a candidate."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.keys import Keys, text_words
from engine.match import Catalog, _Paste
from engine.prefilter import KeyIndex, _Finder

PASTES = sorted((Path(__file__).parent / "pastes").rglob("*.txt"))


def _holds(keys: Keys, lowered: str) -> bool:
    """What Keys' docstring says, one key at a time."""
    if not keys.alternatives:
        return True
    words = text_words(lowered)
    for kind, value in keys.alternatives:
        if kind == "word" and value in words:
            return True
        if kind == "prefix" and any(w.startswith(value) for w in words):
            return True
        if kind == "suffix" and any(w.endswith(value) for w in words):
            return True
        if kind == "needle" and value in lowered:
            return True
    return False


# A tiny alphabet, so that keys overlap, nest and share prefixes as often as possible.
_WORDISH = st.text("abé_1", min_size=1, max_size=5)
_ANY = st.text("abé_1 -\n", min_size=1, max_size=6)
_KEY = st.one_of(
    st.tuples(st.sampled_from(["word", "prefix", "suffix"]), _WORDISH),
    st.tuples(st.just("needle"), _ANY),
)
_KEYS = st.lists(st.frozensets(_KEY, max_size=3).map(Keys), max_size=40)


@settings(max_examples=250, deadline=None)
@given(_KEYS, st.text("abé_1 -\n", max_size=80))
def test_the_index_agrees_with_each_key_checked_alone(keys, lowered):
    index = KeyIndex(keys)
    expected = {slot for slot, k in enumerate(keys) if _holds(k, lowered)}
    assert index.woken(lowered, frozenset(text_words(lowered))) == expected


def test_overlapping_and_nested_needles_are_all_found():
    finder = _Finder(["reset", "reset by peer", "set by", "connection reset", "by pe", "nope"])
    assert finder.found("connection reset by peer") == {"reset", "reset by peer", "set by", "connection reset", "by pe"}


def test_a_trie_too_deep_for_one_regex_falls_back_to_one_key_at_a_time():
    # Each needle is a prefix of the next: groups nested 1,200 deep.
    needles = ["a" * k for k in range(1, 1201)]
    finder = _Finder(needles)
    assert finder.found("x" + "a" * 700 + "x") == set(needles[:700])
    assert finder._regex is None
    prefixes = KeyIndex([Keys(frozenset({("prefix", n)})) for n in needles])
    assert prefixes.woken("b aaa", frozenset({"b", "aaa"})) == {0, 1, 2}
    assert prefixes.woken("baaa", frozenset({"baaa"})) == set()


def _texts(catalog) -> list[str]:
    texts = [e.paste for r in catalog for e in r.examples + r.near_misses]
    return texts + [p.read_text(encoding="utf-8", errors="replace") for p in PASTES]


def test_every_pattern_that_matches_a_real_paste_is_a_candidate(catalog):
    """Exhaustive over the rules' examples and near misses and the golden pastes."""
    index = Catalog(catalog)
    checked = 0
    for text in _texts(catalog):
        paste = _Paste.read(text)
        woken = index.candidates(paste.words, paste.lowered)
        for r, rule in enumerate(index.rules):
            for excluding, patterns in ((False, rule.patterns), (True, rule.excludes)):
                for i, pattern in enumerate(patterns):
                    if paste.spans(pattern):
                        checked += 1
                        found = woken.get(r)
                        assert found is not None and i in (found.excludes if excluding else found.patterns), (
                            f"{rule.id} {'exclude' if excluding else 'pattern'} {i} ({pattern.source!r}) "
                            f"matches but was not a candidate for {text[:120]!r}")
    assert checked > 500

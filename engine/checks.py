"""Checks across the catalog, each small and returning located problems.

The loader already checked each file against the schema and compiled its
regexes; these checks need the whole catalog (related ids, examples that must
rank their own rule first) or look deeper into a pattern (backtracking). They
run on the rules that loaded and on the drafts of those that did not (the
parts of the file that could be read), so one run reports everything.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from .compile import Draft, Problem
from .facts import FACT_NAMES
from .match import Catalog, analyse
from .model import Pattern, Rule
from .redos import backtracking_risk
from .redos_timed import timed_risks
from .schema import Path, dotted

__all__ = ["CHECKS", "FAST_CHECKS", "MIN_EXAMPLE_RUNTIMES", "check_catalog"]

MIN_EXAMPLE_RUNTIMES = 3


def _at(rule: Rule, path: Path, message: str) -> Problem:
    line, col = rule.where.at(path)
    return Problem(rule.path, line, col, message)


def _unknown_id(rule_id: str, catalog: dict[str, Rule]) -> str:
    """The message for an id no rule has, with the closest ids there are."""
    close = difflib.get_close_matches(rule_id, list(catalog), n=2)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown rule id '{rule_id}'{hint}"


def check_related(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    """Related ids, and the rule each near miss names instead, must be rules that exist."""
    for i, other in enumerate(rule.related):
        if other == rule.id:
            yield _at(rule, ("related", i), f"related[{i}]: a rule cannot be related to itself")
        elif other not in catalog:
            yield _at(rule, ("related", i), f"related[{i}]: {_unknown_id(other, catalog)}")
    for i, near in enumerate(rule.near_misses):
        if near.instead and near.instead not in catalog:
            yield _at(rule, ("near_misses", i, "matches"), f"near_misses[{i}].matches: {_unknown_id(near.instead, catalog)}")


def check_sources(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    """Source URLs must be absolute http(s) URLs with a real host (syntax only; no network)."""
    for i, source in enumerate(rule.sources):
        bad = _URL_MARKUP.search(source.url)
        if bad:
            # The URL lands in an href and in Markdown link syntax; these characters break out of both.
            yield _at(rule, ("sources", i, "url"), f"sources[{i}].url: {bad.group(0)!r} is not allowed in a source URL (percent-encode it), got {source.url[:80]!r}")
            continue
        parts = urlsplit(source.url)
        if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
            yield _at(rule, ("sources", i, "url"), f"sources[{i}].url: expected an http(s) URL with a host name, got \"{source.url}\"")


_URL_MARKUP = re.compile(r"[<>\"'`\s()\\{}|^\[\]]")


# What Markdown itself treats as code: a fence indented at most three spaces (four
# make an indented code block, whose fence characters are text), or a code span that
# an escaped backtick does not open and that does not cross a blank line.
_CODE = re.compile(r"(?m)^( {0,3})(`{3,}|~{3,})[^\n]*\n(?:[^\n]*\n)*?\1\2[ \t]*$|(?<![\\`])(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\3(?!`)")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?\s*>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)|<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>", re.MULTILINE)


def _markdown_fields(rule: Rule) -> Iterable[tuple[Path, str]]:
    yield ("title",), rule.title
    yield ("summary",), rule.summary
    yield ("meaning",), rule.meaning
    for i, cause in enumerate(rule.causes):
        yield ("causes", i), cause
    for runtime, body in rule.fixes:
        yield ("fixes", runtime), body
    yield ("if_that_fails",), rule.if_that_fails
    yield ("prevention",), rule.prevention
    for i, faq in enumerate(rule.faqs):
        yield ("faqs", i, "q"), faq.q
        yield ("faqs", i, "a"), faq.a
    for i, source in enumerate(rule.sources):
        yield ("sources", i, "title"), source.title


def _blank_code(text: str) -> str:
    """The text with code spans and fenced blocks blanked out (same length, so offsets hold)."""
    return _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def check_markdown(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    """Rule text is Markdown without raw HTML, and links go to http(s) pages or other rules."""
    where = rule.where
    for path, text in _markdown_fields(rule):
        prose = _blank_code(text)
        name = dotted(path)
        for m in _HTML.finditer(prose):
            line, col = where.inside(path, m.start())
            shown = text[m.start() : m.end()][:40]
            yield Problem(rule.path, line, col, f"{name}: raw HTML is not allowed in rule text, got {shown!r}; write Markdown, or put code in backticks")
        for m in _LINK.finditer(prose):
            target = next(g for g in m.groups() if g)
            start = m.start(m.lastindex or 1)
            parts = urlsplit(target)
            if parts.scheme in ("http", "https") and parts.hostname:
                continue
            if not parts.scheme and not target.startswith("//"):
                rule_id = target.split("#")[0].removesuffix(".md")
                if target.startswith("#") or (target.split("#")[0].endswith(".md") and rule_id in catalog):
                    continue
                line, col = where.inside(path, start)
                yield Problem(rule.path, line, col, f"{name}: link to another error as '<id>.md' (a rule that exists), got {target!r}")
                continue
            line, col = where.inside(path, start)
            yield Problem(rule.path, line, col, f"{name}: links must be http(s) URLs, got {target!r}")


def _patterns_with_paths(rule: Rule) -> Iterable[tuple[Path, Pattern]]:
    # Patterns a table or a codes/messages entry gave the rule are reported where that is written.
    # Each pattern knows its place (compile.py), so one left out does not shift the others' names.
    for i, p in enumerate(rule.patterns):
        yield p.origin or ("match", "patterns", i, p.kind), p
    for i, p in enumerate(rule.excludes):
        yield p.origin or ("match", "exclude", i, p.kind), p


def _regexes(rule: Rule) -> list[tuple[Path, Pattern]]:
    return [(path, p) for path, p in _patterns_with_paths(rule) if p.kind == "regex"]


# The static look depends on the pattern's text alone; a rebuild under `build.py serve`
# asks again for every pattern of the catalog, most of them unchanged.
_static_risk = functools.lru_cache(maxsize=4096)(backtracking_risk)


def check_backtracking(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    """Regexes must not nest unbounded repeats (a static look at the parsed pattern)."""
    for path, pattern in _regexes(rule):
        reason = _static_risk(pattern.source)
        if reason:
            yield _at(rule, path, f"{dotted(path)}: regex is prone to catastrophic backtracking: {reason}")


# Per-pattern and whole-catalog budgets for the timed runs: `check` must end in
# bounded time whatever the rules hold. The build's fast checks use the short ones.
TIMED_BUDGET = {True: (2.0, 60.0), False: (1.0, 20.0)}
_timed_cache: list[tuple[dict[str, Rule], bool, dict[tuple[str, Path], str]]] = []


def _timed_catalog(catalog: dict[str, Rule], thorough: bool) -> dict[tuple[str, Path], str]:
    """Timed reasons for every statically clean regex of the catalog, from one batched child run."""
    for seen, mode, reasons in _timed_cache:
        if seen is catalog and mode == thorough:
            return reasons
    candidates = [(rule.id, path, p) for rule in catalog.values() for path, p in _regexes(rule) if not _static_risk(p.source)]
    per_pattern, deadline = TIMED_BUDGET[thorough]
    found = timed_risks([p.source for _, _, p in candidates], per_pattern, deadline)
    reasons = {(candidates[i][0], candidates[i][1]): reason for i, reason in found.items()}
    _timed_cache[:] = [(catalog, thorough, reasons)]  # holding the catalog keeps its id from being reused
    return reasons


def _timed_check(thorough: bool) -> Check:
    def check(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
        reasons = _timed_catalog(catalog, thorough)
        for path, _ in _regexes(rule):
            reason = reasons.get((rule.id, path))
            if reason:
                yield _at(rule, path, f"{dotted(path)}: regex is prone to catastrophic backtracking: {reason}")

    return check


check_backtracking_timed = _timed_check(True)
check_backtracking_timed.__doc__ = "Regexes must take time proportional to the text on adversarial inputs (timed runs, whole catalog in one child)."
check_backtracking_quick = _timed_check(False)
check_backtracking_quick.__doc__ = "The timed backtracking check with the build's short budgets."


def check_examples(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    """Examples come from enough runtimes; each ranks this rule first with its context; each near miss does not match it."""
    yield from _example_runtimes(rule)
    yield from _rankings(rule, catalog)


def _example_runtimes(rule: Rule) -> Iterable[Problem]:
    contexts = {e.context for e in rule.examples if e.context}
    if rule.only_in:
        missing = [c for c in rule.only_in if c not in contexts]
        if rule.examples and missing:
            yield _at(rule, ("only_in",), f"only_in: expected an example from each of {', '.join(rule.only_in)}, none from {', '.join(missing)}")
    elif rule.examples and len(contexts) < MIN_EXAMPLE_RUNTIMES:
        yield _at(rule, ("examples",), f"examples: expected pastes from at least {MIN_EXAMPLE_RUNTIMES} runtimes, got {len(contexts)} ({', '.join(sorted(contexts)) or 'none'})")


def _rankings(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    rules = Catalog(list(catalog.values()))
    for i, example in enumerate(rule.examples):
        result = analyse(example.paste, rules)
        ranked = [m.rule.id for m in result.matches]
        if not ranked:
            yield _at(rule, ("examples", i), f"examples[{i}]: expected this paste to match '{rule.id}', got no match")
        elif ranked[0] != rule.id:
            place = f"ranked #{ranked.index(rule.id) + 1}" if rule.id in ranked else "not matched"
            yield _at(rule, ("examples", i), f"examples[{i}]: expected '{rule.id}' first, got '{ranked[0]}' first ('{rule.id}' {place})")
        else:
            got = result.matches[0].context
            if got != example.context:
                yield _at(rule, ("examples", i, "context"), f"examples[{i}].context: expected the engine to report "
                          f"{_runtime(example.context)}, got {_runtime(got)}")
    for i, near in enumerate(rule.near_misses):
        result = analyse(near.paste, rules)
        ranked = [m.rule.id for m in result.matches]
        if rule.id in ranked:
            yield _at(rule, ("near_misses", i), f"near_misses[{i}]: expected no match for '{rule.id}', got one (score {result.matches[ranked.index(rule.id)].score})")
        if near.instead in catalog:  # an unknown one is check_related's
            if not ranked or ranked[0] != near.instead:
                yield _at(rule, ("near_misses", i, "matches"), f"near_misses[{i}].matches: expected '{near.instead}' first, got {repr(ranked[0]) if ranked else 'no match'}")


def _runtime(context: str | None) -> str:
    """A context as messages name it: null (no runtime named in the paste) is not printed as None."""
    return context if context else "no runtime (context: null)"


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_facts(rule: Rule, catalog: dict[str, Rule]) -> Iterable[Problem]:
    """Named groups and the diagnosis' {placeholders} must be known fact names (engine/facts.py)."""
    known = ", ".join(FACT_NAMES)
    for path, pattern in _regexes(rule):
        for name, group in pattern.regex.groupindex.items():
            if name not in FACT_NAMES:
                at = pattern.source.find(f"(?P<{name}>")
                line, col = rule.where.inside(path, max(at, 0))
                yield Problem(rule.path, line, col, f"{dotted(path)}: group {name!r} is not a fact name; use one of {known}")
    text = rule.diagnosis
    for m in _PLACEHOLDER.finditer(text):
        if m.group(1) not in FACT_NAMES:
            line, col = rule.where.inside(("diagnosis",), m.start())
            yield Problem(rule.path, line, col, f"diagnosis: {{{m.group(1)}}} is not a fact name; use one of {known}")
    if text and not _PLACEHOLDER.search(text):
        yield _at(rule, ("diagnosis",), "diagnosis: name at least one fact in braces, e.g. {host}, or leave the sentence out")
    stray = _PLACEHOLDER.sub("", text)
    if "{" in stray or "}" in stray:
        yield _at(rule, ("diagnosis",), "diagnosis: unbalanced brace; a fact is written {name}")


Check = Callable[[Rule, dict[str, Rule]], Iterable[Problem]]

_STATIC_CHECKS: tuple[Check, ...] = (check_related, check_sources, check_backtracking, check_markdown, check_facts)
# What every build runs: a rule that fails them cannot be published. The timed
# regex runs use the short budgets here.
FAST_CHECKS: tuple[Check, ...] = _STATIC_CHECKS + (check_backtracking_quick,)
# Everything, for `build.py check`, the tests and pull requests: the timed runs
# with longer budgets, and every example ranked against the whole catalog.
CHECKS: tuple[Check, ...] = _STATIC_CHECKS + (check_backtracking_timed, check_examples)


def check_catalog(rules: Sequence[Rule], thorough: bool = True, drafts: Sequence[Draft] = (),
                  beside: Sequence[Rule] = ()) -> list[Problem]:
    """Run the catalog checks on every rule and draft; all problems, sorted by file and line.

    Drafts (rule files with problems, built from what could be read) are checked like
    rules and count as existing for related ids. `beside` are rules ranked and looked up
    but not checked (the playground checks one rule against the published ones).
    """
    checked = [*rules, *(d.rule for d in drafts)]
    catalog = {rule.id: rule for rule in beside}
    catalog.update((rule.id, rule) for rule in checked)
    left_out = {d.rule.id: d.left_out for d in drafts}
    problems: list[Problem] = []
    for rule in checked:
        for check in CHECKS if thorough else FAST_CHECKS:
            if check is check_examples and left_out.get(rule.id):
                problems.extend(_ranked_without(rule, catalog, left_out[rule.id]))
            else:
                problems.extend(check(rule, catalog))
    return sorted(problems)


def _ranked_without(rule: Rule, catalog: dict[str, Rule], left_out: tuple[str, ...]) -> Iterable[Problem]:
    """check_examples for a draft that lacks some patterns: its rankings say so (fixing those may fix these)."""
    yield from _example_runtimes(rule)
    if not rule.patterns:
        return  # nothing to rank with; the patterns' own problems are reported
    named = ", ".join(left_out[:3]) + (f" and {len(left_out) - 3} more" if len(left_out) > 3 else "")
    note = f" (ranked without {named}, which {'has' if len(left_out) == 1 else 'have'} a problem)"
    for problem in _rankings(rule, catalog):
        yield Problem(problem.path, problem.line, problem.column, problem.message + note)

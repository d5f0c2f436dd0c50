"""Turn checked rule data (plain dicts read from a rule file) into frozen Rule objects.

The browser's rules bundle has its own decoder (bundle.py) and never comes here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .declared import declared, texts, vague
from .keys import Keys, required
from .model import Example, Faq, Locator, NoLocations, Pattern, Rule, Source, pattern_regex
from .normalize import views
from .runtimes import FIX_RUNTIMES
from .schema import Path, dotted
from .tables import KINDS, TableError, derive, spellings, suggest

# Locator and NoLocations live with Rule (model.py); named here too for the callers that compile rule data.
__all__ = ["Draft", "Locator", "NoLocations", "Problem", "RulesError", "compile_draft", "compile_pattern", "compile_rule"]


@dataclass(frozen=True, order=True)
class Problem:
    """A located problem in a rule file, printed compiler style."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Draft:
    """A rule file with problems, built from its sound parts: never published, only checked.

    So one run of `check` reports everything: the catalog checks (related ids,
    backtracking, raw HTML, example ranking) still look at what could be read.
    `left_out` names the patterns it had to leave out, so a ranking message can say so.
    """

    rule: Rule
    left_out: tuple[str, ...] = ()


class RulesError(Exception):
    """Raised by callers that want an exception for a list of problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


MAX_REGEX = 2000
MAX_GROUP_DEPTH = 20
MAX_REPEAT = 10_000  # a real rule uses {0,2000}; re itself overflows past 2**32
_BOUND = re.compile(r"(?<!\\)\{(\d+)(?:,(\d*))?\}")


def _regex_limit(source: str) -> str | None:
    """Why a regex is too big to compile safely, before sre_parse recurses on it."""
    if len(source) > MAX_REGEX:
        return f"regex is longer than {MAX_REGEX} characters"
    depth = deepest = 0
    escaped = in_class = False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(depth - 1, 0)
    if deepest > MAX_GROUP_DEPTH:
        return f"regex groups nest more than {MAX_GROUP_DEPTH} deep"
    for match in _BOUND.finditer(source):
        if any(b and len(b) > 5 or b and int(b) > MAX_REPEAT for b in match.groups()):
            return f"regex repeat bound {match.group()} is over {MAX_REPEAT}"
    return None


def compile_pattern(spec: dict[str, Any]) -> re.Pattern[str]:
    """Compile one pattern entry; raises re.error for a bad regex."""
    kind = "literal" if "literal" in spec else "regex"
    return pattern_regex(kind, spec[kind], bool(spec.get("case_sensitive")))


def _patterns(
    specs: list[Any], base: Path, file: str, where: Locator, problems: list[Problem], left_out: list[str]
) -> tuple[Pattern, ...]:
    """The entries that compile, each knowing its own place in the file; the others' names go to `left_out`.

    An entry that is not a mapping is one the loader set aside for its schema problems.
    """
    out = []
    for i, spec in enumerate(specs):
        path = base + (i, _kind(spec)) if isinstance(spec, dict) else base + (i,)
        pattern = _one(spec, path, file, where, problems, origin=path) if isinstance(spec, dict) else None
        if pattern is None:
            left_out.append(dotted(base + (i,)))
        else:
            out.append(pattern)
    return tuple(out)


def _kind(spec: dict[str, Any]) -> str:
    return "literal" if "literal" in spec else "regex"


def _one(spec: dict[str, Any], path: Path, file: str, where: Locator, problems: list[Problem],
         origin: Path = ()) -> Pattern | None:
    """One pattern spec compiled, or None with its problem appended (located at `path`)."""
    kind = _kind(spec)
    name = dotted(origin or path)
    limit = _regex_limit(spec[kind]) if kind == "regex" else None
    if limit is not None:
        line, col = where.at(path)
        problems.append(Problem(file, line, col, f"{name}: {limit}"))
        return None
    try:
        regex = compile_pattern(spec)
    except (OverflowError, RecursionError, ValueError, MemoryError) as exc:
        line, col = where.at(path)
        problems.append(Problem(file, line, col, f"{name}: regex does not compile: {type(exc).__name__}"))
        return None
    except re.error as exc:
        line, col = where.inside(path, exc.pos or 0)
        reason = exc.msg if hasattr(exc, "msg") else str(exc)
        place = f" at position {exc.pos}" if exc.pos is not None else ""
        problems.append(Problem(file, line, col, f"{name}: regex does not compile: {reason}{place}"))
        return None
    if regex.match(""):
        line, col = where.at(path)
        problems.append(Problem(file, line, col, f"{name}: regex matches empty text, so it would match every paste"))
        return None
    line, col = where.at(path)
    return _pattern(spec, kind, required(regex), line, col, origin)


def _table_patterns(match: dict[str, Any], tables: Mapping[str, Mapping[str, Any]] | None, file: str,
                    where: Locator, problems: list[Problem], taken: set[tuple[str, str]],
                    left_out: list[str]) -> tuple[list[Pattern], list[str]]:
    """The patterns a rule's table references (match.errno, match.curl, ...) derive, and their spellings."""
    out: list[Pattern] = []
    shown: list[str] = []
    for kind in KINDS:
        for j, key in enumerate(match.get(kind, ())):
            path: Path = ("match", kind, j)
            if tables is None:
                continue  # the browser's playground: the build resolved them (web.check_rule adds them back)
            try:
                derived = derive(tables, kind, key)
            except TableError as exc:
                close = suggest(tables, kind, key)
                hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                line, col = where.at(path)
                problems.append(Problem(file, line, col, f"{dotted(path)}: {exc}{hint}"))
                left_out.append(dotted(path))
                continue
            for n, d in enumerate(derived):
                form = _kind(d.spec)
                if (form, d.source) in taken:
                    continue  # the rule already spells it out by hand: one piece of evidence counts once
                taken.add((form, d.source))
                pattern = _one(d.spec, path, file, where, problems, origin=path + (n,))
                if pattern is not None:
                    out.append(pattern)
                elif dotted(path) not in left_out:
                    left_out.append(dotted(path))
            shown.extend(s for s in spellings(tables, kind, key) if s not in shown)
    return out, shown


def _declared_patterns(data: dict[str, Any], known: tuple[Pattern, ...], file: str, where: Locator,
                       problems: list[Problem]) -> list[Pattern]:
    """Codes and messages that no pattern of the rule already recognises, as patterns of their own."""
    out: list[Pattern] = []
    pastes = [view.text for e in data.get("examples", ()) for view in views(e["paste"])]
    for entry in declared(data):
        if entry.spec is None or any(p.regex.search(entry.text) for p in (*known, *out)):
            continue
        line, col = where.at(entry.path)
        name = dotted(entry.path)
        why = vague(entry.text)
        if why is not None:
            problems.append(Problem(file, line, col, f"{name}: {entry.text!r} {why}, so it cannot be evidence alone; "
                                    "mark it display_only: true, or write the code as it is printed"))
            continue
        pattern = _one(entry.spec, entry.path, file, where, problems, origin=entry.path)
        if pattern is None:
            continue
        if not any(pattern.regex.search(text) for text in pastes):
            problems.append(Problem(file, line, col, f"{name}: {entry.text!r} matches none of this rule's examples "
                                    "(as written: case and whole words); add an example that shows it, or mark it display_only: true"))
            continue
        out.append(pattern)
    return out


def _pattern(spec: dict[str, Any], kind: str, keys: Keys, line: int, col: int, origin: Path = ()) -> Pattern:
    return Pattern(
        source=spec[kind],
        kind=kind,
        weight=float(spec.get("weight", 0.5)),
        when=tuple(spec.get("when", ())),
        implies=spec.get("implies"),
        generic=bool(spec.get("generic", False)),
        case_sensitive=bool(spec.get("case_sensitive", False)),
        keys=keys,
        line=line,
        column=col,
        origin=origin,
    )


def _examples(items: list[dict[str, Any]], base: Path, where: Locator) -> tuple[Example, ...]:
    return tuple(
        Example(
            paste=item["paste"],
            context=item.get("context"),
            instead=item.get("matches"),
            why=item.get("why", ""),
            line=where.at(base + (i,))[0],
        )
        for i, item in enumerate(items)
    )


def compile_rule(data: dict[str, Any], file: str, where: Locator,
                 tables: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Rule | None, list[Problem]]:
    """Build a Rule from schema-valid data; regex problems come back located (and then no Rule).

    Its patterns are the written ones, then what its table references derive (from
    `tables`, loaded by the loader; None where there are none, in the browser, leaves
    the references out), then its codes and messages that none of those already recognises.
    """
    draft, problems = compile_draft(data, file, where, tables)
    return (draft.rule if draft is not None and not problems else None), problems


def compile_draft(data: dict[str, Any], file: str, where: Locator,
                  tables: Mapping[str, Mapping[str, Any]] | None = None, whole: bool = True) -> tuple[Draft | None, list[Problem]]:
    """compile_rule, but the Rule is built from what compiled even when some patterns did not.

    Unless `whole`, `data` is what is left of a file once the loader removed the parts
    with schema problems (and reported them): fields may be missing, and a pattern entry
    that is not a mapping was set aside, so it is skipped and the others keep their places.
    None without an id.
    """
    problems: list[Problem] = []
    if not isinstance(data.get("id"), str):
        return None, problems
    left_out: list[str] = []
    match = data.get("match", {})
    written = _patterns(match.get("patterns", []), ("match", "patterns"), file, where, problems, left_out)
    taken = {(p.kind, p.source) for p in written}
    derived, shown = _table_patterns(match, tables, file, where, problems, taken, left_out)
    patterns = written + tuple(derived)
    # A broken reference, or references with no tables to read, would leave entries uncovered
    # that the table covers: then which of them are new evidence is not known here. The same
    # holds for a pattern left out: the entries it recognises would look new.
    unresolved = tables is None and any(kind in match for kind in KINDS)
    if not left_out and not unresolved:
        patterns += tuple(_declared_patterns(data, patterns, file, where, problems))
    excludes = _patterns(match.get("exclude", []), ("match", "exclude"), file, where, problems, left_out)
    if not patterns and not left_out and whole:
        line, col = where.at(("match",))
        problems.append(Problem(file, line, col, f"match: expected patterns or a table reference ({', '.join(KINDS)})"))
    fixes = data.get("fixes", {})
    rule = Rule(
        id=data["id"],
        title=data.get("title", ""),
        summary=data.get("summary", ""),
        category=data.get("category", ""),
        patterns=patterns,
        excludes=excludes,
        wrapper=bool(match.get("wrapper", False)),
        codes=texts(data, "codes"),
        messages=texts(data, "messages"),
        spellings=tuple(s for s in shown if s not in texts(data, "codes") + texts(data, "messages")),
        sample=data.get("sample", ""),
        meaning=data.get("meaning", ""),
        causes=tuple(data.get("causes", ())),
        fixes=tuple((runtime, fixes[runtime]) for runtime in FIX_RUNTIMES if runtime in fixes),
        if_that_fails=data.get("if_that_fails", ""),
        diagnosis=data.get("diagnosis", ""),
        prevention=data.get("prevention", ""),
        faqs=tuple(Faq(f["q"], f["a"]) for f in data.get("faqs", ())),
        related=tuple(data.get("related", ())),
        only_in=tuple(data.get("only_in", ())),
        sources=tuple(Source(s["title"], s["url"]) for s in data.get("sources", ())),
        examples=_examples(data.get("examples", []), ("examples",), where),
        near_misses=_examples(data.get("near_misses", []), ("near_misses",), where),
        path=file,
        where=where,
    )
    return Draft(rule, tuple(left_out)), problems

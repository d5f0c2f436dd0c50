"""Turn checked rule data (plain dicts read from a rule file) into frozen Rule objects.

The browser's rules bundle has its own decoder (bundle.py) and never comes here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .keys import Keys, required
from .model import Example, Faq, Locator, NoLocations, Pattern, Rule, Source, pattern_regex
from .runtimes import FIX_RUNTIMES
from .schema import Path, dotted

# Locator and NoLocations live with Rule (model.py); named here too for the callers that compile rule data.
__all__ = ["Locator", "NoLocations", "Problem", "RulesError", "compile_pattern", "compile_rule"]


@dataclass(frozen=True, order=True)
class Problem:
    """A located problem in a rule file, printed compiler style."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


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
    specs: list[dict[str, Any]], base: Path, file: str, where: Locator, problems: list[Problem]
) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    for i, spec in enumerate(specs):
        kind = "literal" if "literal" in spec else "regex"
        path = base + (i, kind)
        limit = _regex_limit(spec[kind]) if kind == "regex" else None
        if limit is not None:
            line, col = where.at(path)
            problems.append(Problem(file, line, col, f"{dotted(path)}: {limit}"))
            continue
        try:
            regex = compile_pattern(spec)
        except (OverflowError, RecursionError, ValueError, MemoryError) as exc:
            line, col = where.at(path)
            problems.append(Problem(file, line, col, f"{dotted(path)}: regex does not compile: {type(exc).__name__}"))
            continue
        except re.error as exc:
            line, col = where.inside(path, exc.pos or 0)
            reason = exc.msg if hasattr(exc, "msg") else str(exc)
            problems.append(Problem(file, line, col, f"{dotted(path)}: regex does not compile: {reason} at position {exc.pos}"))
            continue
        if regex.match(""):
            line, col = where.at(path)
            problems.append(Problem(file, line, col, f"{dotted(path)}: regex matches empty text, so it would match every paste"))
            continue
        line, col = where.at(path)
        out.append(_pattern(spec, kind, required(regex), line, col))
    return tuple(out)


def _pattern(spec: dict[str, Any], kind: str, keys: Keys, line: int, col: int) -> Pattern:
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


def compile_rule(data: dict[str, Any], file: str, where: Locator) -> tuple[Rule | None, list[Problem]]:
    """Build a Rule from schema-valid data; regex problems come back located."""
    problems: list[Problem] = []
    match = data["match"]
    patterns = _patterns(match["patterns"], ("match", "patterns"), file, where, problems)
    excludes = _patterns(match.get("exclude", []), ("match", "exclude"), file, where, problems)
    if problems:
        return None, problems
    fixes = data.get("fixes", {})
    rule = Rule(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        category=data["category"],
        patterns=patterns,
        excludes=excludes,
        wrapper=bool(match.get("wrapper", False)),
        codes=tuple(data.get("codes", ())),
        messages=tuple(data.get("messages", ())),
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
    return rule, problems

"""Generate engine/secret_patterns.py from gitleaks' config/gitleaks.toml (MIT).

Usage: .venv/bin/python tools/gen_secret_patterns.py GITLEAKS_TOML COMMIT VERSION
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.redos import backtracking_risk  # noqa: E402

__all__ = ["translate", "main"]

OUT = Path(__file__).resolve().parent.parent / "engine" / "secret_patterns.py"

# Rules whose regex alone (without gitleaks' entropy check and allowlists, which
# this table does not carry) matches ordinary error text in tests/pastes.
DROPPED_FOR_FALSE_POSITIVES: dict[str, str] = {
    "generic-api-key": "needs gitleaks' entropy check; alone it redacts 'Connection', 'Overloaded' and error codes in 6 golden pastes",
}

_POSIX = {"alnum": "A-Za-z0-9", "alpha": "A-Za-z", "digit": "0-9", "lower": "a-z", "upper": "A-Z", "space": r"\s", "xdigit": "0-9A-Fa-f", "punct": r"!-/:-@\[-`{-~", "word": r"\w"}


def translate(pattern: str) -> str:
    """The RE2 pattern in Python `re` syntax (the few differences gitleaks uses)."""
    pattern = re.sub(r"\[:(\w+):\]", lambda m: _POSIX.get(m.group(1), m.group()), pattern)
    pattern = pattern.replace(r"\z", r"\Z")
    return _scope_flags(pattern)


def _scope_flags(pattern: str) -> str:
    """RE2's mid-pattern (?i) lasts to the end of its group; Python wants (?i:...) there."""
    at = pattern.find("(?i)", 1)
    if at < 0:
        return pattern
    # Find the ')' closing the group that holds the flag (or the pattern's end).
    depth, i, in_class = 0, at + 4, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return _scope_flags(pattern[:at] + "(?i:" + pattern[at + 4 : i] + ")" + pattern[i:])


def main(argv: list[str]) -> int:
    """Write the table; print what was kept and dropped."""
    source, commit, version = argv
    config = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    kept: list[tuple[str, tuple[str, ...], str, int]] = []
    dropped: list[tuple[str, str]] = []
    for rule in config.get("rules", []):
        rid, raw = rule.get("id", "?"), rule.get("regex")
        if not raw:
            dropped.append((rid, "no regex (path-only rule)"))
            continue
        if rid in DROPPED_FOR_FALSE_POSITIVES:
            dropped.append((rid, DROPPED_FOR_FALSE_POSITIVES[rid]))
            continue
        pattern = translate(raw)
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            dropped.append((rid, f"not Python re: {exc}"))
            continue
        risk = backtracking_risk(pattern)
        if risk:
            dropped.append((rid, f"backtracking risk: {risk}"))
            continue
        keywords = tuple(sorted({k.lower() for k in rule.get("keywords", [])}))
        if not keywords:
            dropped.append((rid, "no keywords (would run on every paste)"))
            continue
        group = int(rule.get("secretGroup", 1 if compiled.groups else 0))
        kept.append((rid, keywords, pattern, min(group, compiled.groups)))
    lines = [
        f'"""Secret shapes generated from gitleaks {version} (commit {commit}), config/gitleaks.toml.',
        "",
        "gitleaks is MIT licensed, Copyright (c) 2019 Zachary Rice.",
        f"Kept {len(kept)} rules, dropped {len(dropped)}. Do not edit: run tools/gen_secret_patterns.py.",
        '"""',
        "",
        "# Dropped:",
        *(f"#   {rid}: {why}" for rid, why in dropped),
        "",
        '__all__ = ["GITLEAKS_RULES"]',
        "",
        "# (rule id, lowercase keywords, Python regex, secret group: 0 for the whole match)",
        "GITLEAKS_RULES: tuple[tuple[str, tuple[str, ...], str, int], ...] = (",
        *(f"    ({rid!r}, {kw!r}, {pat!r}, {grp})," for rid, kw, pat, grp in kept),
        ")",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"kept {len(kept)}, dropped {len(dropped)}")
    for rid, why in dropped:
        print(f"  dropped {rid}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

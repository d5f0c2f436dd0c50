#!/usr/bin/env python3
"""Build Errata: rules -> pages -> engine wheel + rules bundle + Pyodide -> mkdocs build.

    python build.py            build the site into site/
    python build.py check      validate every rule; problems as path:line:col: message
    python build.py serve      build, then serve with live reload on 127.0.0.1:8000
    python build.py new <id>   write a new rule file from the template
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from engine.checks import check_catalog  # noqa: E402
from engine.compile import Problem  # noqa: E402
from engine.loader import load_rules  # noqa: E402
from engine.model import Rule  # noqa: E402

RULES = ROOT / "rules"


class BuildError(Exception):
    """A step failed; the message says what and where."""


def load_and_check(rules_dir: Path = RULES) -> tuple[list[Rule], list[Problem]]:
    """Step 1: read every rule and run every check. Returns all problems at once."""
    rules, problems = load_rules(rules_dir)
    if not problems:
        problems = check_catalog(rules)
    else:
        # Still check what did load, so one save shows as much as possible.
        problems = sorted(problems + check_catalog(rules))
    return rules, problems


def cmd_check(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    rules, problems = load_and_check(Path(args.rules))
    for problem in problems:
        print(problem, flush=True)
    took = time.perf_counter() - start
    if problems:
        print(f"{len(problems)} problem(s) in {len(rules)} loaded rule(s) ({took:.1f}s)", file=sys.stderr)
        return 1
    print(f"{len(rules)} rules OK ({took:.1f}s)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="validate every rule")
    check.add_argument("--rules", default=str(RULES), help="rules directory (default: rules/)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return cmd_check(args)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())

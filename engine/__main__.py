"""Command line: python -m engine diagnose [PATH ... | -] [--json] [--rules DIR], and redact."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import SITE_URL, __version__
from .loader import load_rules
from .match import analyse
from .report import render

__all__ = ["main"]

# Reading more than this from files or stdin is pointless: the engine reads
# long pastes in windows anyway. Bytes past it are dropped and the reader told.
_MAX_INPUT_BYTES = 5 * 1024 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit status 2, as CONTRACT section 2 says
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _read(paths: Sequence[str]) -> str:
    chunks: list[bytes] = []
    for path in paths or ["-"]:
        if path == "-":
            chunks.append(sys.stdin.buffer.read(_MAX_INPUT_BYTES + 1))
        else:
            with open(path, "rb") as handle:
                chunks.append(handle.read(_MAX_INPUT_BYTES + 1))
    data = b"\n".join(chunks)
    if len(data) > _MAX_INPUT_BYTES:
        print(f"note: input is longer than {_MAX_INPUT_BYTES} bytes; the rest was not read", file=sys.stderr)
        data = data[:_MAX_INPUT_BYTES]
    # Invalid UTF-8 or binary junk must not stop a diagnosis; offsets are in
    # characters of this decoded text.
    return data.decode("utf-8", errors="replace")


def _diagnose(args: argparse.Namespace) -> int:
    try:
        text = _read(args.paths)
    except OSError as exc:
        print(f"error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    rules, problems = load_rules(args.rules)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(problems)} problem(s) in the rules; fix them or pass --rules", file=sys.stderr)
        return 2
    diagnosis = analyse(text, rules)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a paste may hold characters the terminal cannot show
    if args.json:
        out = {"engine": __version__, "matches": [m.to_json() for m in diagnosis.matches]}
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        sys.stdout.write(render(text, diagnosis, SITE_URL))
    return 0 if diagnosis.matches else 1


def _redact(args: argparse.Namespace) -> int:
    from .redact import redact

    try:
        text = _read(args.paths)
    except OSError as exc:
        print(f"error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    sys.stdout.write(redact(text)[0])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m engine", description="Name the network, TLS or API error behind a pasted log.")
    parser.add_argument("--version", action="version", version=f"errata engine {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    diag = commands.add_parser("diagnose", help="diagnose pasted error text from files or standard input")
    diag.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or nothing reads standard input")
    diag.add_argument("--json", action="store_true", help="print one JSON object (see CONTRACT section 2)")
    diag.add_argument("--rules", metavar="DIR", help="directory of rule YAML files (default: the project's rules/)")
    red = commands.add_parser("redact", help="print the text with secrets replaced, as the site does before sharing")
    red.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or nothing reads standard input")
    args = parser.parse_args(argv)
    if args.command == "redact":
        return _redact(args)
    if args.command == "diagnose":
        return _diagnose(args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())

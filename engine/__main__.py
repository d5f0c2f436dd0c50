"""Command line: python -m engine diagnose [PATH ... | -] [--json] [--rules DIR], and redact.

Installed, the same program is `errata` (or `python -m errata_engine`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import MATCH_THRESHOLD, SITE_URL, __version__
from .bundle import packaged_rules
from .loader import DEFAULT_RULES, load_rules, yaml_available
from .match import analyse
from .model import Match, Rule
from .report import fix_text, render

__all__ = ["main"]

# Inputs longer than this are read as their first and last _PART bytes: the engine
# reads long pastes in windows anyway, and a log's error is usually at its end.
_MAX_INPUT_BYTES = 8 * 1024 * 1024
_PART = 4 * 1024 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # bad usage: exit status 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _head_and_tail(handle) -> tuple[bytes, bytes, int]:  # type: ignore[no-untyped-def]
    """The first and last _PART bytes of a stream (tail empty when it all fits) and its size."""
    head = handle.read(_MAX_INPUT_BYTES + 1)
    if len(head) <= _MAX_INPUT_BYTES:
        return head, b"", len(head)
    if handle.seekable():
        size = handle.seek(0, 2)
        handle.seek(max(_PART, size - _PART))
        return head[:_PART], handle.read(_PART), size
    tail, size = head[_PART:], len(head)
    while chunk := handle.read(1024 * 1024):  # a rolling tail buffer keeps memory bounded
        size += len(chunk)
        tail = (tail + chunk)[-_PART:]
    return head[:_PART], tail[-_PART:], size


def _read(paths: Sequence[str], whole: bool = False) -> str:
    """The text of the files (or stdin); large inputs as head and tail unless `whole`."""
    chunks: list[bytes] = []
    for path in paths or ["-"]:
        if whole:
            with open(sys.stdin.fileno() if path == "-" else path, "rb", closefd=path != "-") as handle:
                chunks.append(handle.read())
            continue
        if path == "-":
            head, tail, size = _head_and_tail(sys.stdin.buffer)
        else:
            with open(path, "rb") as handle:
                head, tail, size = _head_and_tail(handle)
        if tail:
            mb = 1024 * 1024
            print(
                f"note: input {path} is {size / mb:.0f} MB; read the first {len(head) / mb:.0f} MB and the last "
                f"{len(tail) / mb:.0f} MB, joined by a line break (evidence offsets are into the text as read)",
                file=sys.stderr,
            )
            chunks.append(head + b"\n" + tail)
        else:
            chunks.append(head)
    # Invalid UTF-8 or binary junk must not stop a diagnosis; offsets are in
    # characters of this decoded text.
    return b"\n".join(chunks).decode("utf-8", errors="replace")


def _read_or_report(paths: Sequence[str], whole: bool = False) -> str | None:
    """The input text, or None after saying on stderr why it cannot be read."""
    try:
        return _read(paths, whole)
    except OSError as exc:
        print(f"error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return None


def _yaml_rules(folder: Path) -> list[Rule] | None:
    """The rules of a folder of YAML files, or None after saying on stderr why there are none."""
    if not yaml_available():
        print(f"error: reading the YAML rules in {folder} needs PyYAML, which is not installed: "
              "pip install 'errata-engine[yaml]' (or pip install PyYAML==6.0.3)", file=sys.stderr)
        return None
    try:
        rules, problems = load_rules(folder)
    except OSError as exc:  # the schema missing or unreadable: this installation is incomplete
        print(f"error: cannot read the rules in {folder}: {exc}", file=sys.stderr)
        return None
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(problems)} problem(s) in the rules; fix them or pass --rules", file=sys.stderr)
        return None
    if not rules:
        print(f"error: {folder}: no rule files (*.yaml, *.yml) in this folder", file=sys.stderr)
        return None
    return rules


def _rules(folder: str | None) -> list[Rule] | None:
    """The rules to diagnose with (None after an error on stderr).

    --rules DIR reads that folder's YAML. Otherwise an installed package uses the
    bundle its wheel carries, and a source checkout reads its rules/ folder.
    """
    if folder is not None:
        return _yaml_rules(Path(folder))
    try:
        bundled = packaged_rules()
    except ValueError as exc:
        print(f"error: {exc}; reinstall errata-engine, or pass --rules DIR", file=sys.stderr)
        return None
    return bundled if bundled is not None else _yaml_rules(DEFAULT_RULES)


def _match_json(match: Match) -> dict[str, object]:
    """A match as JSON, with `page` (its absolute address) after `url` when the site has one."""
    out: dict[str, object] = {}
    for key, value in match.to_json().items():
        out[key] = value
        if key == "url" and SITE_URL:
            out["page"] = SITE_URL + str(value)
    return out


def _diagnose(args: argparse.Namespace) -> int:
    text = _read_or_report(args.paths)
    if text is None:
        return 2
    rules = _rules(args.rules)
    if rules is None:
        return 2
    diagnosis = analyse(text, rules)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a paste may hold characters the terminal cannot show
    if args.json:
        out = {"engine": __version__, "matches": [_match_json(m) for m in diagnosis.matches]}
        sys.stdout.write(json.dumps(out) + "\n")
    elif args.fix_only:
        if diagnosis.matches:
            sys.stdout.write(fix_text(diagnosis.matches[0]))
    else:
        sys.stdout.write(render(text, diagnosis, SITE_URL))
    return 0 if diagnosis.matches else 1


def _redact(args: argparse.Namespace) -> int:
    from .redact import redact

    text = _read_or_report(args.paths, whole=True)  # a cleaned log must be the whole log
    if text is None:
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    sys.stdout.write(redact(text)[0])
    return 0


_JSON_HELP = """\
exit status: 0 when a rule matched, 1 when none did, 2 on bad usage, unreadable
input or rules that cannot be read (each rule problem as path:line:col: message).

--json prints one object:
  {"engine": "<version>", "matches": [<match>, ...]}
with the matches best first ([] when nothing matched). Each match has:
  id        the error's id, also the last part of its page's address
  title     the error's name
  score     confidence from 0 to 1 (a rule matches from {threshold})
  url       the error's page, relative to the site (errors/<id>/)
  page      the same page as an absolute address on the site
  context   the runtime or tool that printed the paste (node, python, curl,
            go, java, claude-code, ...), or null when it cannot be told
  evidence  [{"start", "end", "text"}]: the text that matched, with start and
            end as character offsets into the input exactly as it was read
  facts     values read from the paste, by name (host, port, status,
            request_id, ...): only those found, all strings
  fix       {"runtime", "text"}: the fix for that runtime as Markdown
            (runtime null: the general advice)
""".replace("{threshold}", str(MATCH_THRESHOLD))


def _prog() -> str:
    """How the program was started: `errata`, or `python -m <package>`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name if name and name not in ("__main__.py", "-c") else f"python -m {__package__ or 'engine'}"


def _add_mcp_check(commands) -> None:  # type: ignore[no-untyped-def]
    from .mcp import CLIENT_IDS

    check = commands.add_parser("mcp-check", help="check an MCP configuration file; problems as FILE:line:col: message")
    check.add_argument("file", metavar="FILE", help="the configuration file; '-' reads standard input")
    check.add_argument("--client", choices=CLIENT_IDS, help="the client that reads it (default: from the file's name, else its top-level key)")
    check.add_argument("--platform", choices=("windows", "posix"), help="the machine it runs on (default: Windows when the file shows C:\\ or %%APPDATA%% paths)")


def _mcp_check(args: argparse.Namespace) -> int:
    """python -m engine mcp-check FILE [--client NAME] [--platform windows|posix]: exit 0 clean, 1 problems, 2 unreadable."""
    from pathlib import Path

    from . import mcp

    shown = "<stdin>" if args.file == "-" else args.file
    text = _read_or_report([args.file], whole=True)
    if text is None:
        return 2
    file_name = None if args.file == "-" else args.file
    client_id = args.client
    if client_id is None:
        client_id = mcp.guess_client(file_name, text)
        print(f"note: checking {shown} as {mcp.client(client_id)['name']} (pass --client to choose)", file=sys.stderr)
    global_file = False
    if file_name:
        # ~/.cursor/mcp.json and the like are per-user files, never shared in a repository.
        resolved = Path(file_name).expanduser().resolve()
        global_file = Path.home().resolve() in (resolved.parent, resolved.parent.parent)
    committed = mcp.committed_for(client_id, file_name, global_file=global_file)
    problems = mcp.check(text, client_id, platform=args.platform, committed=committed, file_name=file_name)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    for problem in problems:
        sys.stdout.write(f"{shown}:{problem}\n")
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog=_prog(), description="Name the network, TLS or API error behind a pasted log.")
    parser.add_argument("--version", action="version", version=f"errata engine {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    diag = commands.add_parser("diagnose", help="diagnose pasted error text from files or standard input",
                               description="Name the network, TLS or API error behind pasted text.",
                               epilog=_JSON_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    diag.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or nothing reads standard input")
    diag.add_argument("--json", action="store_true", help="print one JSON object (described below)")
    diag.add_argument("--fix-only", action="store_true", help="print only the fix for the first match, for the paste's runtime (Markdown)")
    diag.add_argument("--rules", metavar="DIR", help="read the rules from this folder of YAML files (needs PyYAML; default: the rules "
                      "built into the installed package, or rules/ in a source checkout)")
    red = commands.add_parser("redact", help="print the text with secrets replaced, as the site does before sharing")
    red.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or nothing reads standard input")
    _add_mcp_check(commands)
    args = parser.parse_args(argv)
    if args.command == "mcp-check":
        return _mcp_check(args)
    if args.command == "redact":
        return _redact(args)
    if args.command == "diagnose":
        return _diagnose(args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())

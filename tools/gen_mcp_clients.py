"""Generate engine/mcp_clients.py from rules/mcp/clients.yaml (checked against its schema).

Usage: .venv/bin/python tools/gen_mcp_clients.py [--check]
--check only reports whether the committed module is up to date (exit 1 when stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.mcp_data import load_clients_file, render_module  # noqa: E402
from overrides.commands import command  # noqa: E402

OUT = ROOT / "engine" / "mcp_clients.py"


def main(argv: list[str]) -> int:
    data, problems = load_clients_file()
    for problem in problems:
        print(problem, file=sys.stderr)
    if data is None:
        return 2
    text = render_module(data)
    if "--check" in argv:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run {command('tools/gen_mcp_clients.py')}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(data['clients'])} clients)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

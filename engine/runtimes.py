"""The runtimes and tools a paste can come from: one table, every other list derived from it.

rules/schema.json repeats the names for editors (the `context` enum and the fix
tabs); `.venv/bin/python tools/sync_runtimes.py` rewrites those lists from this table and a
test fails when they drift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CONTEXTS",
    "FIX_RUNTIMES",
    "LABELS",
    "PARENTS",
    "RUNTIMES",
    "Runtime",
    "fix_runtime",
]


@dataclass(frozen=True)
class Runtime:
    """A runtime or tool: its name in rules, its label on pages, its parent, and where its fix falls back."""

    name: str
    label: str  # fix tab label, and how results name the runtime
    # A child is a special case of its parent: a pattern meant for Python
    # tracebacks also applies to one raised inside the Anthropic Python SDK.
    parent: str | None = None
    # Fix tabs to show, in order, when a rule has none for this runtime itself.
    fallback: tuple[str, ...] = ()
    # Anthropic's own tools get the first fix tabs: most readers arrive from them.
    first_tab: bool = False


# In the order the schema (and so its "expected one of ..." messages) lists contexts.
RUNTIMES: tuple[Runtime, ...] = (
    Runtime("node", "Node.js"),
    Runtime("python", "Python"),
    Runtime("curl", "curl"),
    Runtime("go", "Go"),
    Runtime("java", "Java"),
    Runtime("claude-code", "Claude Code", parent="node", fallback=("node",), first_tab=True),
    Runtime("anthropic-sdk-python", "Anthropic SDK (Python)", parent="python", fallback=("python",), first_tab=True),
    Runtime("anthropic-sdk-typescript", "Anthropic SDK (TypeScript)", parent="node", fallback=("node",), first_tab=True),
    Runtime("npm", "npm", parent="node", fallback=("node",)),
    Runtime("browser", "Browser", fallback=("node",)),
    Runtime("mcp", "MCP", fallback=("claude-code", "node")),
    Runtime("php", "PHP", fallback=("curl",)),
    Runtime("dotnet", ".NET"),
)

# Every context a rule may name (`when`, `implies`, an example's `context`).
CONTEXTS: tuple[str, ...] = tuple(r.name for r in RUNTIMES)

# Fix tabs, in the order pages show them.
FIX_RUNTIMES: tuple[str, ...] = tuple(r.name for r in RUNTIMES if r.first_tab) + tuple(
    r.name for r in RUNTIMES if not r.first_tab
)

_BY_NAME = {r.name: r for r in RUNTIMES}

# How pages and results name each runtime (fix tab order, as pages list them).
LABELS: dict[str, str] = {name: _BY_NAME[name].label for name in FIX_RUNTIMES}

# Each context's parent, None for the roots.
PARENTS: dict[str, str | None] = {r.name: r.parent for r in RUNTIMES}


def fix_runtime(context: str | None, available: Iterable[str]) -> str | None:
    """The runtime whose fix to show for a paste from `context`, among the runtimes a rule has fixes for."""
    if context is None:
        return None
    have = set(available)
    row = _BY_NAME.get(context)
    for candidate in (context,) + (row.fallback if row else ()):
        if candidate in have:
            return candidate
    return None

"""Commands printed to a contributor, written with the project's interpreter.

`./dev setup` makes `.venv/` and CONTRIBUTING runs everything as `.venv/bin/python ...`; a
hint that says plain `python` would reach another interpreter, without the pinned
packages (or Python 2 where `python` still is that).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

__all__ = ["ROOT", "project_python", "command"]

ROOT = Path(__file__).resolve().parent.parent
_VENV = ".venv"


def _venv_python(root: Path) -> Path | None:
    """The virtual environment's interpreter, relative to the checkout, when set-up made one."""
    for relative in (Path(_VENV, "bin", "python"), Path(_VENV, "Scripts", "python.exe")):
        if (root / relative).exists():
            return relative
    return None


def project_python(root: Path = ROOT, running: str | None = None) -> str:
    """How to call the project's interpreter from the checkout's top folder.

    `.venv/bin/python` (`.venv\\Scripts\\python.exe` on Windows) when set-up made it;
    otherwise the interpreter running now, by its full path: it has the packages this
    process is using.
    """
    venv = _venv_python(root)
    if venv is not None:
        return str(venv)
    running = running if running is not None else sys.executable
    return shlex.quote(running) if running else "python3"


def command(*words: str, root: Path = ROOT) -> str:
    """A command line for the contributor to type: the project's interpreter, then `words`."""
    return " ".join([project_python(root), *(shlex.quote(word) for word in words)])

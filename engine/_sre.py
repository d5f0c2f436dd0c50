"""Python's own regex parser and compiler, imported in one place.

The prefilter (keys.py) and the backtracking checks (redos.py, redos_timed.py)
read parse trees, which only these private modules of `re` expose. They live
here since Python 3.11 (the oldest this project supports; Pyodide runs 3.14),
so there is no fallback to the deprecated `sre_*` modules.
"""

from __future__ import annotations

from re import _compiler as sre_compile, _constants as sre_constants, _parser as sre_parse  # type: ignore[attr-defined]

__all__ = ["sre_compile", "sre_constants", "sre_parse"]

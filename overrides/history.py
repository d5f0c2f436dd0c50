"""When each source file last changed, from git: the pages' "last updated" and the sitemap's lastmod.

One `git log` walk answers for every file. Without git, outside a repository or in a
shallow clone (whose oldest commit seems to touch every file), there is no history to
read, and the answer is no date at all: never the build date passed off as history.
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

__all__ = ["last_changed", "iso_date", "shown_date"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MARK = "\x1e"  # starts each commit's line in the log output; cannot occur in a path git prints quoted


def _git(repo: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def last_changed(repo: Path, paths: list[str]) -> dict[str, int]:
    """{repository-relative path: Unix time of the last commit that touched it}, for the paths under `paths`.

    Empty when git is missing, `repo` is not a work tree or the clone is shallow.
    Paths never committed are absent.
    """
    if not paths:
        return {}
    top = _git(repo, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if top is None:
        return {}
    lines = top.rstrip("\n").split("\n")
    if len(lines) != 2 or lines[1] != "false":
        return {}
    prefix = Path(repo).resolve().relative_to(Path(lines[0]).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    log = _git(repo, "-c", "core.quotePath=false", "log", f"--format={_MARK}%ct", "--name-only",
               "--no-renames", "--", *paths)
    if log is None:
        return {}
    found: dict[str, int] = {}
    when = None
    for line in log.split("\n"):  # not splitlines(): it splits at the mark too
        if line.startswith(_MARK):
            stamp = line[1:]
            when = int(stamp) if stamp.isdigit() else None
        elif line and when is not None and line.startswith(prefix):
            found.setdefault(line[len(prefix):], when)  # newest first: the first time a path is seen
    return found


def iso_date(when: int) -> str:
    """A Unix time as the sitemap's W3C date, in UTC (2026-12-02)."""
    return datetime.datetime.fromtimestamp(when, datetime.timezone.utc).date().isoformat()


def shown_date(when: int) -> str:
    """A Unix time as readers see it, in UTC and independent of the locale (2 December 2026)."""
    day = datetime.datetime.fromtimestamp(when, datetime.timezone.utc).date()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

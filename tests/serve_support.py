"""`build.py serve` run as a contributor runs it, in a child process, for the tests and the benchmark."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_LINE = re.compile(r"^build (\d+) (done in ([0-9.]+)s \(([0-9.]+)s CPU\)|failed)", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Serve:
    """`build.py serve --rules <a copy of rules/>` on a free port; its output kept in a file."""

    def __init__(self, work: Path | None = None) -> None:
        self.work = Path(work or tempfile.mkdtemp(prefix="errata-serve-test-"))
        self.rules = self.work / "rules"
        shutil.copytree(ROOT / "rules", self.rules)
        self.port = free_port()
        self.log_path = self.work / "serve.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port), "--rules", str(self.rules)],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        self.base = f"http://127.0.0.1:{self.port}/errata/"

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def builds(self) -> list[tuple[int, float | None, float | None]]:
        """Every build serve reported so far: (number, seconds, CPU seconds), the times None when it failed."""
        return [(int(m[1]), float(m[3]) if m[3] else None, float(m[4]) if m[4] else None)
                for m in BUILD_LINE.finditer(self.output())]

    def wait_for(self, what, timeout: float, step: float = 0.1) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not what():
            if self.proc.poll() is not None:
                raise AssertionError(f"build.py serve exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            if time.monotonic() > end:
                raise AssertionError(f"timed out after {timeout:.0f}s; serve printed:\n{self.output()[-3000:]}")
            time.sleep(step)

    def started(self, timeout: float = 240) -> Serve:
        self.wait_for(lambda: "serving on " in self.output(), timeout)
        return self

    def settle(self, quiet: float = 3.0, timeout: float = 120) -> int:
        """Wait until no build has started for `quiet` seconds; the number of builds so far."""
        end = time.monotonic() + timeout
        seen, since = len(self.builds()), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > end:
                raise AssertionError(f"serve kept building:\n{self.output()[-3000:]}")
            time.sleep(0.2)
            now = len(self.builds())
            if now != seen:
                seen, since = now, time.monotonic()
        return seen

    def fetch(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=60) as response:
            return response.read().decode("utf-8")

    def edit(self, rule_id: str, old: str, new: str) -> None:
        """Change one rule file of the copy once, in one write, as an editor saves it."""
        path = self.rules / f"{rule_id}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.work, ignore_errors=True)


__all__ = ["BUILD_LINE", "Serve", "free_port"]

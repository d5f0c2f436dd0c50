"""The wheel's one build step beyond pyproject.toml: compile rules/ into the rules bundle.

The installed `errata` command then diagnoses with no YAML and no PyYAML: the wheel
carries errata_engine/rules.json, the same JSON the site ships (engine/bundle.py),
made from the rules of the checkout the wheel is built from. It is never committed,
so it cannot go stale. Beside it, errata_engine/rules/ holds the schema and the error
tables, for `--rules DIR`. Rules with problems stop the build, listed as `build.py check`
would list them. PyYAML comes from [build-system] requires.

The site builds its copy with ERRATA_WHEEL_WITHOUT_RULES=1: the browser fetches the
bundle of the site's own rules beside the wheel (runtime/rules.json), so the bundle
inside would be 150 KB more to download per visitor, and every rule edit under
`build.py serve` would rebuild the wheel.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PACKAGE = "errata_engine"  # the import name of engine/ once installed (pyproject.toml's package-dir)


class BuildPyWithRules(build_py):
    """build_py, then the rules bundle written beside the package's modules."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from engine/, beside rules/, and reads the YAML
        if os.environ.get("ERRATA_WHEEL_WITHOUT_RULES") == "1":
            return  # the site's wheel (see above)
        sys.path.insert(0, str(ROOT))
        try:
            from engine import __version__
            from engine.bundle import encode_bundle
            from engine.loader import load_rules
        finally:
            sys.path.remove(str(ROOT))
        rules, problems = load_rules(ROOT / "rules")
        if problems:
            listed = "\n".join(str(p) for p in problems)
            raise SystemExit(f"the rules have {len(problems)} problem(s); the wheel would carry a broken bundle:\n{listed}")
        if not rules:
            raise SystemExit(f"no rules in {ROOT / 'rules'}: the wheel would diagnose nothing")
        package = Path(self.build_lib) / PACKAGE
        package.mkdir(parents=True, exist_ok=True)
        (package / "rules.json").write_bytes(encode_bundle(rules, __version__))
        # What reading other rules needs (`errata diagnose --rules DIR`): the schema and the
        # error tables that `match: {errno: [...]}` and its kin refer to (engine/loader.py).
        data = package / "rules"
        shutil.rmtree(data, ignore_errors=True)
        (data / "tables").mkdir(parents=True)
        shutil.copy2(ROOT / "rules" / "schema.json", data / "schema.json")
        for table in sorted((ROOT / "rules" / "tables").glob("*")):
            if table.suffix in (".yaml", ".json"):
                shutil.copy2(table, data / "tables" / table.name)


setup(cmdclass={"build_py": BuildPyWithRules})

"""Golden pastes: every tests/pastes/**/<name>.txt answers as <name>.expected.json says.

After a deliberate rule change: pytest tests/test_pastes.py --update-goldens, then review the diff.
A paste's first line may be `# source: URL` (where it was found); it is not part of the paste.
A golden with "known_miss": "<reason>" is what the engine should answer once the rules land:
it is expected to fail (xfail) and --update-goldens leaves it alone.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from engine import analyse

PASTES = Path(__file__).resolve().parent / "pastes"
CASES = sorted(PASTES.rglob("*.txt"))


SOURCE = "# source: "


def paste_text(path: Path) -> str:
    """The paste in a golden file, without its `# source:` line."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if text.startswith(SOURCE):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text


def answer(path: Path, rules) -> dict:
    text = paste_text(path)
    result = analyse(text, rules)
    ids = [m.rule.id for m in result.matches]
    # The facts the first match read from the paste (engine/facts.py and the rule's named groups).
    facts = dict(result.matches[0].facts) if ids else {}
    return {"matches": ids, "context": result.matches[0].context if ids else None, "facts": facts}


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(PASTES)) for p in CASES])
def test_paste_matches_its_golden(path, catalog, request):
    golden = path.with_suffix(".expected.json")
    got = answer(path, catalog)
    want = json.loads(golden.read_text()) if golden.exists() else {}
    miss = want.pop("known_miss", None)
    if request.config.getoption("--update-goldens") and miss is None:
        golden.write_text(json.dumps(got) + "\n")
        return
    assert golden.exists(), f"{golden.name} is missing; run pytest tests/test_pastes.py --update-goldens"
    want.setdefault("context", None)
    want.setdefault("facts", {})
    if miss is not None:
        # A known miss says which page, not which facts: compare the page and the runtime only.
        if [got["matches"], got["context"]] != [want["matches"], want["context"]]:
            pytest.xfail(f"known miss: {miss}")
        warnings.warn(f"{path.relative_to(PASTES)} is answered now: drop its known_miss and --update-goldens")
        return
    assert got == want, f"{path.relative_to(PASTES.parent)}: regenerate with --update-goldens if the change is deliberate"


def test_there_are_enough_pastes():
    assert len(CASES) >= 60, f"only {len(CASES)} golden pastes"

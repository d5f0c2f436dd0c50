"""Golden pastes: every tests/pastes/**/<name>.txt answers as <name>.expected.json says.

After a deliberate rule change: pytest tests/test_pastes.py --update-goldens, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import analyse

PASTES = Path(__file__).resolve().parent / "pastes"
CASES = sorted(PASTES.rglob("*.txt"))


def answer(path: Path, rules) -> dict:
    text = path.read_bytes().decode("utf-8", errors="replace")
    result = analyse(text, rules)
    ids = [m.rule.id for m in result.matches]
    # The facts the first match read from the paste (engine/facts.py and the rule's named groups).
    facts = dict(result.matches[0].facts) if ids else {}
    return {"matches": ids, "context": result.matches[0].context if ids else None, "facts": facts}


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(PASTES)) for p in CASES])
def test_paste_matches_its_golden(path, catalog, request):
    golden = path.with_suffix(".expected.json")
    got = answer(path, catalog)
    if request.config.getoption("--update-goldens"):
        golden.write_text(json.dumps(got) + "\n")
        return
    assert golden.exists(), f"{golden.name} is missing; run pytest tests/test_pastes.py --update-goldens"
    want = json.loads(golden.read_text())
    want.setdefault("context", None)
    want.setdefault("facts", {})
    assert got == want, f"{path.relative_to(PASTES.parent)}: regenerate with --update-goldens if the change is deliberate"


def test_there_are_enough_pastes():
    assert len(CASES) >= 60, f"only {len(CASES)} golden pastes"

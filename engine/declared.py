"""A rule's declared `codes:` and `messages:` as matchers, and why an entry is too vague to be one.

Each entry is shown on the rule's page. Unless it is marked display-only, it is also
evidence: a literal, word-bounded at its ends and matched with its case as written, so
Chrome's "... ERR_CONNECTION_REFUSED" reaches the rule that lists ERR_CONNECTION_REFUSED.
An entry is written as a plain string, or as a mapping when it needs more:

    codes:
      - ECONNRESET
      - {code: "errno 104", display_only: true}
    messages:
      - {message: "Connection dropped", weight: 0.7}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .schema import Path

__all__ = ["CODE_WEIGHT", "FIELDS", "MESSAGE_WEIGHT", "MIN_LENGTH", "Declared", "declared", "texts", "vague"]

# A code such as ERR_CONNECTION_REFUSED names one error; a message is prose that a
# wrapper may quote, so it counts a little less. Both stay under the hand-tuned 0.93-0.95
# of a rule's own patterns, and either alone clears the match threshold.
CODE_WEIGHT = 0.9
MESSAGE_WEIGHT = 0.85
MIN_LENGTH = 4

# field -> (the key of its mapping form, default weight)
FIELDS: dict[str, tuple[str, float]] = {"codes": ("code", CODE_WEIGHT), "messages": ("message", MESSAGE_WEIGHT)}

_PLAIN_WORD = re.compile(r"[A-Z]?[a-z]+")


@dataclass(frozen=True)
class Declared:
    """One codes/messages entry: where it is written, its text, and its pattern spec unless display-only."""

    path: Path  # ("codes", 3)
    text: str
    spec: dict[str, Any] | None  # a literal pattern spec, or None when display-only


def _entry(field: str, item: Any) -> tuple[str, bool, float | None]:
    if isinstance(item, Mapping):
        return str(item[FIELDS[field][0]]), bool(item.get("display_only", False)), item.get("weight")
    return str(item), False, None


def texts(data: Mapping[str, Any], field: str) -> tuple[str, ...]:
    """The entries of one field as the page shows them, display-only ones included."""
    return tuple(_entry(field, item)[0] for item in data.get(field, ()))


def declared(data: Mapping[str, Any]) -> Iterable[Declared]:
    """Every codes/messages entry of schema-valid rule data, in file order."""
    for field, (_, weight) in FIELDS.items():
        for i, item in enumerate(data.get(field, ())):
            text, display_only, own = _entry(field, item)
            spec = None if display_only else {"literal": text, "weight": own if own is not None else weight, "case_sensitive": True}
            yield Declared((field, i), text, spec)


def vague(text: str) -> str | None:
    """Why an entry is too short or too generic to be evidence alone, or None."""
    stripped = text.strip()
    if len(stripped) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    if not any(ch.isalpha() for ch in stripped):
        return "is a bare number"
    if _PLAIN_WORD.fullmatch(stripped):
        return "is a plain word that other errors and ordinary text use too"
    return None

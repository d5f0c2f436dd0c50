"""Properties over arbitrary input: normalisation and diagnosis never crash, and evidence
always points into the text exactly as given."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import analyse
from engine.normalize import views

# Text biased towards what makes cleaning hard: escapes, entities, borders, wraps, controls.
_PIECES = st.sampled_from([
    "\x1b[31m", "\x1b[0m", "\r\n", "\r", "\n", "\\n", '\\"', "&amp;", "&#39;", "&#x1F600;", "&lt;", "│", "╭─", "⎿",
    "\u200b", "\u202e", "\x00", "\ufeff", "😀", "ECONNRESET", "read ", "Error: ", "    at x (node:internal/a:1:2)",
    '"stack": "', "curl: (56) ", "[Errno 104] ", "x" * 79, " ",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_every_view_character_maps_into_the_original(text):
    for view in views(text):
        assert len(view.starts) == len(view.ends) == len(view.text)
        for i in range(len(view.text)):
            a, b = view.span(i, i + 1)
            assert 0 <= a <= b <= len(text)
        assert all(x <= y for x, y in zip(view.starts, view.starts[1:]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_evidence_is_a_slice_of_the_original(catalog, text):
    result = analyse(text, catalog)
    for match in result.matches:
        assert 0.5 <= match.score <= 1.0
        for ev in match.evidence:
            assert 0 <= ev.start < ev.end <= len(text)
            assert text[ev.start : ev.end] == ev.text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_binary_input_decoded_leniently_is_handled(catalog, data):
    analyse(data.decode("utf-8", errors="replace"), catalog)

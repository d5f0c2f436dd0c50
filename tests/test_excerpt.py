"""Evidence excerpts: computed once in engine/excerpt.py for the CLI and the browser."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import web
from engine.bundle import rule_to_data
from engine.excerpt import excerpt


def segments(windows):
    """Each window as a list of lines, each line as its (text, marked) segments."""
    return [[list(line.segments) for line in window.lines] for window in windows]


def test_one_line_marks_the_span():
    text = "Error: read ECONNRESET\nnext"
    (window,) = excerpt(text, [(12, 22)])
    assert [line.number for line in window.lines] == [1]
    assert segments([window]) == [[[("Error: read ", False), ("ECONNRESET", True)]]]


def test_adjacent_lines_share_a_window_and_distant_ones_do_not():
    text = "a ECONNRESET\nb errno\nc\nd code ECONNRESET\n"
    spans = [(2, 12), (15, 20), (30, 40)]
    windows = excerpt(text, spans)
    assert [[line.number for line in w.lines] for w in windows] == [[1, 2], [4]]
    assert segments(windows)[1] == [[("d code ", False), ("ECONNRESET", True)]]


def test_spans_are_sorted_overlapping_ones_join_and_touching_ones_stay_apart():
    text = "read ECONNRESET now"
    assert segments(excerpt(text, [(10, 15), (5, 12)])) == [[[("read ", False), ("ECONNRESET", True), (" now", False)]]]
    assert segments(excerpt(text, [(10, 15), (5, 10)])) == [[[("read ", False), ("ECONN", True), ("RESET", True), (" now", False)]]]


def test_a_span_over_a_line_break_marks_both_lines():
    text = "ECONNRE\nSET here"
    (window,) = excerpt(text, [(0, 11)])
    assert segments([window]) == [[[("ECONNRE", True)], [("SET", True), (" here", False)]]]


def test_at_most_limit_windows():
    text = "\n\n".join(f"E{i} ECONNRESET" for i in range(6))
    spans = [(m, m + 10) for m in (i for i in range(len(text)) if text.startswith("ECONNRESET", i))]
    assert len(excerpt(text, spans)) == 4
    assert len(excerpt(text, spans, limit=2)) == 2


def test_a_long_line_is_windowed_around_its_first_evidence():
    text = "x" * 1000 + "ECONNRESET" + "y" * 1000
    (window,) = excerpt(text, [(1000, 1010)], width=400, lead=120)
    (line,) = window.lines
    shown = "".join(t for t, _ in line.segments)
    assert len(shown) == 400 and shown.startswith("x" * 120 + "ECONNRESET")
    assert (line.cut_before, line.cut_after) == (True, True)


def test_a_window_near_the_end_of_a_long_line_stays_full_width():
    text = "x" * 1000 + "ECONNRESET"
    (line,) = excerpt(text, [(1000, 1010)], width=400, lead=120)[0].lines
    assert "".join(t for t, _ in line.segments) == text[-400:]
    assert (line.cut_before, line.cut_after) == (True, False)
    assert line.segments[-1] == ("ECONNRESET", True)


def test_evidence_past_the_window_is_cut_at_its_edge():
    text = "a" * 50 + "B" * 500
    (line,) = excerpt(text, [(50, 550)], width=100, lead=10)[0].lines
    assert line.segments == (("a" * 10, False), ("B" * 90, True))


def test_crlf_lines_keep_no_carriage_return():
    text = "first\r\nError: read ECONNRESET\r\n"
    (window,) = excerpt(text, [(19, 30)])
    assert segments([window]) == [[[("Error: read ", False), ("ECONNRESET", True)]]]
    assert window.lines[0].number == 2


def test_an_empty_span_is_an_empty_mark():
    assert segments(excerpt("ab", [(1, 1)])) == [[[("a", False), ("", True), ("b", False)]]]


def test_astral_characters_are_whole_in_segments():
    text = "😀 🙂 Error: read ECONNRESET 𝄞"
    start = text.index("ECONNRESET")
    (line,) = excerpt(text, [(start, start + 10)])[0].lines
    assert line.segments == (("😀 🙂 Error: read ", False), ("ECONNRESET", True), (" 𝄞", False))


def test_json_shape():
    (window,) = excerpt("read ECONNRESET", [(5, 15)])
    assert window.to_json() == [{"number": 1, "segments": [["read ", False], ["ECONNRESET", True]], "cut": [False, False]}]


# --- the browser's view: web.diagnose and web.check_rule ---------------------------------


@pytest.fixture
def loaded(catalog):
    """engine.web with the project's rules loaded from a bundle, as the worker does."""
    web.load(json.dumps({"rules": [rule_to_data(r) for r in catalog]}))
    yield web
    web.load(json.dumps({"rules": []}))


def utf16_slice(text: str, start: int, end: int) -> str:
    """What JavaScript's text.slice(start, end) gives."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def test_diagnose_gives_utf16_offsets_and_the_excerpt(loaded):
    text = "😀 →🙂 start\nError: read ECONNRESET 𝄞\n"
    match = json.loads(loaded.diagnose(text))["matches"][0]
    assert match["id"] == "econnreset"
    for ev in match["evidence"]:
        assert utf16_slice(text, ev["start"], ev["end"]) == ev["text"]
    assert match["excerpt"] == [[{"number": 2, "segments": [["Error: read ", False], ["ECONNRESET", True], [" 𝄞", False]],
                                  "cut": [False, False]}]]


def test_diagnose_extends_the_cli_json_of_a_match(loaded, catalog):
    from engine import analyse

    text = "Error: read ECONNRESET\n"
    cli = analyse(text, catalog).matches[0].to_json()
    browser = json.loads(loaded.diagnose(text))["matches"][0]
    assert {key: browser[key] for key in cli} == cli
    assert set(browser) - set(cli) == {"summary", "context_label", "tab", "excerpt",
                                       "diagnosis", "advice", "fix_label", "fix_blocks", "if_that_fails_blocks"}


def test_check_rule_carries_the_rules_excerpt(loaded):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    yaml_text = (root / "rules" / "econnreset.yaml").read_text(encoding="utf-8")
    schema = (root / "rules" / "schema.json").read_text(encoding="utf-8")
    text = "🙂 Error: read ECONNRESET"
    out = json.loads(loaded.check_rule(yaml_text, text, schema))
    assert out["rule"] == "econnreset" and out["rank"] == 1
    assert [utf16_slice(text, e["start"], e["end"]) for e in out["evidence"]] == ["ECONNRESET"]
    assert out["excerpt"][0][0]["segments"] == [["🙂 Error: read ", False], ["ECONNRESET", True]]


def test_redact_cuts_after_redacting_and_titles_with_the_error_line():
    secret = "sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm"
    text = "Traceback (most recent call last):\n  File \"app.py\", line 1\nKeyError: 'timeout'\nkey=" + secret
    out = json.loads(web.redact(text, 85))
    assert secret not in out["text"] and len(out["text"]) == 85
    assert out["title"] == "KeyError: 'timeout'"
    assert json.loads(web.redact("  nothing here  \nat all"))["title"] == "nothing here"
    assert json.loads(web.redact("x" * 200 + " error"))["title"] == "x" * 80


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n\r😀", max_size=80), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 40)), max_size=6),
       st.integers(1, 30), st.integers(0, 10))
def test_segments_are_the_text_and_marks_lie_inside_spans(text, raw, width, lead):
    spans = [(min(s, len(text)), min(s + n, len(text))) for s, n in raw]
    lines = text.split("\n")
    for window in excerpt(text, spans, width=width, lead=lead):
        for line in window.lines:
            whole = lines[line.number - 1].rstrip("\r")
            shown = "".join(t for t, _ in line.segments)
            assert shown in whole and len(shown) <= max(width, 0) or shown == whole
            assert line.cut_before or whole.startswith(shown)
            assert line.cut_after or whole.endswith(shown)
            assert (line.cut_before or line.cut_after) == (shown != whole)
            if line.cut_before:
                continue  # where the window starts is not recorded; the unit tests pin it
            pos = sum(len(x) + 1 for x in lines[: line.number - 1])
            for t, marked in line.segments:
                if marked and t:
                    # Overlapping spans are joined into one mark: every marked character is inside some span.
                    assert all(any(s <= i < e for s, e in spans) for i in range(pos, pos + len(t)))
                pos += len(t)

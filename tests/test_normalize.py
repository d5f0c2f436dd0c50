"""Normalisation cleans the paste, and every cleaned character maps back into the original."""

from __future__ import annotations

import re

from engine.normalize import MAX_CHARS, normalize, views


def find(view, needle):
    """The original span behind the first occurrence of needle in the cleaned view."""
    i = view.text.index(needle)
    return view.span(i, i + len(needle))


def test_ansi_colour_codes_are_removed_and_offsets_map_back():
    raw = "\x1b[31mError:\x1b[0m read \x1b[1mECONNRESET\x1b[22m"
    view = normalize(raw)
    assert view.text == "Error: read ECONNRESET"
    a, b = find(view, "ECONNRESET")
    assert raw[a:b] == "ECONNRESET"


def test_crlf_and_lone_cr_become_newlines():
    raw = "line one\r\nline two\rline three"
    view = normalize(raw)
    assert view.text == "line one\nline two\nline three"
    a, b = find(view, "line three")
    assert raw[a:b] == "line three"


def test_json_escaped_stack_is_unescaped():
    raw = '{"level":"error","stack":"Error: read ECONNRESET\\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20)"}'
    view = normalize(raw)
    assert "Error: read ECONNRESET\n    at TLSWrap.onStreamRead" in view.text
    a, b = find(view, "at TLSWrap")
    assert raw[a:b] == "at TLSWrap"
    # An escape maps to both of its original characters.
    i = view.text.index("\n    at")
    assert raw[slice(*view.span(i, i + 1))] == "\\n"


def test_plain_windows_paths_are_not_unescaped():
    raw = r"Error reading C:\new\table.txt"
    assert normalize(raw).text == raw


def test_html_entities_are_decoded():
    raw = "requests.exceptions.ConnectionError: (&#39;Connection aborted.&#39;, ConnectionResetError(104, &quot;Connection reset by peer&quot;))"
    view = normalize(raw)
    assert "('Connection aborted.', ConnectionResetError(104, \"Connection reset by peer\"))" in view.text
    a, b = find(view, "'Connection aborted.'")
    assert raw[a:b] == "&#39;Connection aborted.&#39;"


def test_box_drawing_borders_are_removed():
    raw = "╭──────────────╮\n│ API Error: 529 │\n╰──────────────╯\n  ⎿  Retrying"
    view = normalize(raw)
    assert "API Error: 529" in view.text
    assert "│" not in view.text and "⎿" not in view.text
    a, b = find(view, "API Error: 529")
    assert raw[a:b] == "API Error: 529"


def test_invisible_characters_and_nul_are_dropped():
    raw = "ECONN\u200bRESET\x00 and \u202eECONNREFUSED"
    view = normalize(raw)
    assert view.text == "ECONNRESET and ECONNREFUSED"
    a, b = find(view, "ECONNRESET")
    assert raw[a:b] == "ECONN\u200bRESET"


def test_terminal_hard_wrap_is_joined_in_a_second_view():
    line = "Error: request to https://registry.example.com/some/package failed, reason: read ECONNRE"
    line = line.ljust(80)[:80] if len(line) < 80 else line[:80]
    raw = line + "\nSET\n    at more"
    all_views = views(raw)
    assert len(all_views) == 2
    joined = all_views[1]
    assert line + "SET" in joined.text
    j = joined.text.index(line[-7:] + "SET")
    a, b = joined.span(j, j + 10)
    assert raw[a:b] == line[-7:] + "\nSET"


def test_short_lines_are_not_treated_as_wrapped():
    assert len(views("Error: one\nError: two\n")) == 1


def test_huge_paste_is_read_in_windows_and_marked_partial():
    filler = "INFO all good here, nothing to see\n" * 20000
    raw = filler + "Error: read ECONNRESET\n" + filler
    assert len(raw) > MAX_CHARS
    view = normalize(raw)
    assert view.partial
    assert len(view.text) <= MAX_CHARS + 10
    a, b = find(view, "ECONNRESET")
    assert raw[a:b] == "ECONNRESET"


def test_single_megabyte_line_is_bounded():
    raw = "x" * 2_000_000 + " ECONNRESET " + "y" * 2_000_000
    view = normalize(raw)
    assert view.partial and len(view.text) <= MAX_CHARS + 10
    a, b = find(view, "ECONNRESET")
    assert raw[a:b] == "ECONNRESET"


def test_every_character_maps_inside_the_original():
    raw = "\x1b[2K\r\n&amp;\\n│ ok \u200f\r" * 50
    view = normalize(raw)
    for i in range(len(view.text)):
        a, b = view.span(i, i + 1)
        assert 0 <= a <= b <= len(raw)
    assert re.fullmatch(r"[\s\S]*", view.text)

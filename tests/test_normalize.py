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


# --- paste shapes: each is undone in the last view, and evidence maps into the original ---

def _diagnosed(raw, rule_id):
    """The original text of each evidence span of rule_id's match for raw."""
    from engine import analyse
    from engine.loader import load_rules
    from pathlib import Path

    rules, _ = load_rules(Path(__file__).resolve().parent.parent / "rules")
    found = [m for m in analyse(raw, rules).matches if m.rule.id == rule_id]
    assert found, f"{rule_id} not matched"
    return [raw[e.start:e.end] for e in found[0].evidence]


def test_indented_hard_wrap_in_a_word_is_joined():
    raw = "Error: request to https://registry.npmjs.org/left-pad failed, reason: connect ECONNRE\n        FUSED 104.16.0.35:443\n"
    last = views(raw)[-1]
    assert "connect ECONNREFUSED 104.16.0.35:443" in last.text
    a, b = find(last, "ECONNREFUSED")
    assert raw[a:b] == "ECONNRE\n        FUSED"
    assert "ECONNRE\n        FUSED" in _diagnosed(raw, "econnrefused")


def test_a_stack_frame_is_not_taken_for_a_wrap():
    raw = "Error: read ECONNRESET from some long enough message text here\n    at TLSWrap.onStreamRead (node:internal)\n"
    assert "\n    at TLSWrap" in views(raw)[-1].text


def test_json_unicode_escapes_without_a_stack_are_decoded():
    raw = '{"level":"error","msg":"upstream connect error or disconnect/reset before headers. reset reason: connection termination \\u003cnil\\u003e"}'
    last = views(raw)[-1]
    assert "termination <nil>" in last.text
    a, b = find(last, "<nil>")
    assert raw[a:b] == "\\u003cnil\\u003e"


def test_json_unicode_escapes_in_a_stack_are_decoded_in_the_base_view():
    raw = '{"stack":"Error: a \\u003e b\\n    at x"}'
    assert "a > b" in normalize(raw).text


def test_erlang_errno_atoms_read_as_error_names():
    raw = '{failed_connect,[{to_address,{"localhost",4000}},{inet,[inet],econnrefused}]}'
    last = views(raw)[-1]
    assert "[inet],ECONNREFUSED}" in last.text
    a, b = find(last, "ECONNREFUSED")
    assert raw[a:b] == "econnrefused"
    assert "econnrefused" in _diagnosed(raw, "econnrefused")


def test_elixir_errno_atoms_read_as_error_names():
    raw = "** (Mint.TransportError) {:error, %Mint.TransportError{reason: :econnrefused}}\n{:error, :ehostunreach}"
    last = views(raw)[-1]
    assert "reason: ECONNREFUSED}" in last.text and "{error, EHOSTUNREACH}" in last.text
    a, b = find(last, "EHOSTUNREACH")
    assert raw[a:b] == "ehostunreach"
    assert "{error," in last.text  # the tag itself is not an errno
    raw = "05:58:48.394 [error] Clickhousex.Protocol failed to connect: ** (ErlangError) Erlang error: :econnrefused\n"
    assert "Erlang error: ECONNREFUSED\n" in views(raw)[-1].text
    assert "econnrefused" in _diagnosed(raw, "econnrefused")


def test_erlang_tls_alert_keeps_its_atom():
    raw = '{error,{tls_alert,{unknown_ca,"TLS client: In state certify at ssl_handshake.erl:2111 generated CLIENT ALERT: Fatal - Unknown CA\\n"}}}'
    assert "{tls_alert,{unknown_ca," in views(raw)[-1].text
    raw = "%Mint.TransportError{reason: {:tls_alert, {:unknown_ca, 'TLS client: ...'}}}"
    last = views(raw)[-1]
    assert "{reason: {tls_alert, {unknown_ca, 'TLS" in last.text
    a, b = find(last, "unknown_ca")
    assert raw[a:b] == "unknown_ca"


def test_log_prefixes_are_stripped_so_the_message_starts_the_line():
    cases = {
        "2026-03-01T10:11:12.345Z ERROR curl: (56) Recv failure: Connection reset by peer": "econnreset",
        "906 verbose stack Error: ESOCKETTIMEDOUT": "esockettimedout",
        "[info] [server] curl: (56) Recv failure: Connection reset by peer": "econnreset",
        "web-1  | curl: (56) Recv failure: Connection reset by peer": "econnreset",
        "[pod/api-7d9f/app] curl: (28) Operation timed out after 30001 milliseconds": "request-timeout",
        "2026-03-01 10:11:12,345 [main] WARN curl: (56) Recv failure: Connection reset by peer": "econnreset",
        "Mar  1 10:11:12 host app[42]: curl: (56) Recv failure: Connection reset by peer": "econnreset",
    }
    for raw, rule_id in cases.items():
        message = raw[raw.index("curl:") if "curl:" in raw else raw.index("Error:"):]
        last = views(raw)[-1]
        assert last.text == message, raw
        a, b = last.span(0, len(last.text))
        assert raw[a:b] == message
        assert any(message.startswith(e) for e in _diagnosed(raw, rule_id)), raw


def test_npm_err_prefix_is_stripped_but_kept_in_the_base_view():
    raw = "npm ERR! code E401\nnpm ERR! Error: ESOCKETTIMEDOUT"
    all_views = views(raw)
    assert all_views[0].text == raw
    assert all_views[-1].text == "code E401\nError: ESOCKETTIMEDOUT"


def test_a_lowercase_level_without_its_colon_is_part_of_the_message():
    # Cloudflare's block page: stripping "error" would leave "code: 1006", a WebSocket close code.
    assert views("error code: 1006")[-1].text == "error code: 1006"
    assert views("12 error code E401")[-1].text == "code E401"


def test_messages_that_start_like_a_prefix_are_kept():
    for raw in ("Error: connect ECONNREFUSED", "2024/01/02 10:00:01 dial tcp: lookup x: no such host"):
        assert views(raw)[-1].text.endswith(raw.split(" ", 2)[-1] if raw[0] == "2" else raw)


def test_quote_markers_are_removed_nested_too():
    raw = "> > curl: (56) Recv failure: Connection reset by peer\n> plain\n>> curl: (7) x"
    last = views(raw)[-1]
    assert last.text == "curl: (56) Recv failure: Connection reset by peer\nplain\ncurl: (7) x"
    a, b = find(last, "curl: (56)")
    assert raw[a:b] == "curl: (56)"
    assert "curl: (56)" in _diagnosed(raw, "econnreset")


def test_markdown_fences_are_removed():
    raw = "```text\ncurl: (56) Recv failure: Connection reset by peer\n```\n~~~console\nx\n~~~"
    last = views(raw)[-1]
    assert last.text == "\ncurl: (56) Recv failure: Connection reset by peer\n\n\nx\n"
    a, b = find(last, "curl: (56)")
    assert raw[a:b] == "curl: (56)"


def test_shapes_combine():
    raw = "> ```\n> 2026-01-01T00:00:00Z ERROR curl: (56) Recv failure: Connection reset by peer\n> ```"
    last = views(raw)[-1]
    assert "\ncurl: (56) Recv failure" in last.text
    assert any(e.startswith("curl: (56)") for e in _diagnosed(raw, "econnreset"))


def test_a_paste_without_shapes_has_no_reshaped_view():
    assert len(views("Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal)")) == 1

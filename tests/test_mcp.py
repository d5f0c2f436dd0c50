"""engine/mcp.py: every client's format round-trips, each finding is located exactly, the CLI's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import mcp
from engine.jsonloc import parse

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"  # GitHub's shape, not a real token

ENTRIES = {
    "npx": {"name": "github", "transport": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": TOKEN}},
    "python": {"name": "notes", "transport": "stdio", "command": "/usr/bin/python3", "args": ["-m", "notes_mcp", "--db", "/srv/notes.db"],
               "env": ["LOG_LEVEL=debug"], "cwd": "/srv/notes"},
    "http": {"name": "notion", "transport": "http", "url": "https://mcp.notion.com/mcp",
             "headers": ["Authorization: Bearer sk-ant-api03-" + "x" * 93 + "AA"]},
    "sse": {"name": "asana", "transport": "sse", "url": "https://mcp.asana.com/sse"},
}


def _entry(key: str) -> mcp.Entry:
    entry, problems = mcp.normalize_entry(ENTRIES[key])
    assert problems == []
    return entry


@pytest.mark.parametrize("platform", ["posix", "windows"])
@pytest.mark.parametrize("key", sorted(ENTRIES))
@pytest.mark.parametrize("client_id", mcp.CLIENT_IDS)
def test_each_client_format_round_trips(client_id: str, key: str, platform: str) -> None:
    text, notes = mcp.generate(_entry(key), client_id, platform)
    c = mcp.client(client_id)
    if text is None:  # Claude Desktop's file takes no URL server; the note says where it goes
        assert client_id == "claude-desktop" and ENTRIES[key]["transport"] != "stdio"
        assert notes == [c["format"]["remote_note"]]
        return
    data = json.loads(text)  # plain JSON for every client, VS Code included
    servers = data[c["format"]["top_key"]]
    assert list(servers) == [ENTRIES[key]["name"]]
    # Checked as the file the builder writes for: the client's project file when it has one.
    assert mcp.check(text, client_id, platform=platform, committed=mcp.committed_for(client_id)) == []


def test_windows_wraps_npx_in_cmd_and_keeps_secrets_out_of_committed_files() -> None:
    text, notes = mcp.generate(_entry("npx"), "claude-code", "windows")
    server = json.loads(text)["mcpServers"]["github"]
    assert server == {"type": "stdio", "command": "cmd", "args": ["/c", "npx", "-y", "@modelcontextprotocol/server-github"],
                      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PERSONAL_ACCESS_TOKEN}"}}
    # Claude Code 2.1.119 and later start npx themselves; the wrapper still works, and older versions need it.
    assert any(n.startswith("on Windows, npx is started through cmd /c, which works in every version of Claude Code: Claude Code 2.1.119")
               for n in notes)
    cursor = json.loads(mcp.generate(_entry("npx"), "cursor", "windows")[0])["mcpServers"]["github"]
    assert cursor["command"] == "cmd" and cursor["type"] == "stdio"
    assert "on Windows, npx is a .cmd shim, so it is started through cmd /c" in mcp.generate(_entry("npx"), "cursor", "windows")[1]
    vscode = json.loads(mcp.generate(_entry("npx"), "vscode")[0])
    assert vscode["inputs"] == [{"type": "promptString", "id": "github-personal-access-token",
                                 "description": "GITHUB_PERSONAL_ACCESS_TOKEN for github", "password": True}]
    assert vscode["servers"]["github"]["env"] == {"GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github-personal-access-token}"}
    # Claude Desktop's and Windsurf's files stay on the machine: the value is kept as typed.
    assert json.loads(mcp.generate(_entry("npx"), "windsurf")[0])["mcpServers"]["github"]["env"]["GITHUB_PERSONAL_ACCESS_TOKEN"] == TOKEN


def test_each_client_writes_its_own_url_field_and_transport() -> None:
    http = _entry("http")
    shapes = {cid: json.loads(mcp.generate(http, cid)[0])[mcp.client(cid)["format"]["top_key"]]["notion"]
              for cid in ("claude-code", "cursor", "vscode", "windsurf")}
    assert shapes["claude-code"]["type"] == "http" and shapes["claude-code"]["url"] == "https://mcp.notion.com/mcp"
    assert "type" not in shapes["cursor"] and shapes["cursor"]["url"] == "https://mcp.notion.com/mcp"
    assert shapes["vscode"]["type"] == "http"
    assert shapes["windsurf"] == {"serverUrl": "https://mcp.notion.com/mcp", "headers": shapes["windsurf"]["headers"]}
    assert shapes["cursor"]["headers"] == {"Authorization": "Bearer ${env:NOTION_AUTHORIZATION}"}


def test_claude_add_command_per_scope() -> None:
    local, notes = mcp.claude_add_command(_entry("npx"), "local")
    # --env takes several pairs, so it goes first: an --env right before the name would swallow it.
    assert local == f"claude mcp add --env GITHUB_PERSONAL_ACCESS_TOKEN={TOKEN} --transport stdio --scope local github -- npx -y @modelcontextprotocol/server-github"
    assert notes == []
    project, notes = mcp.claude_add_command(_entry("npx"), "project", "windows")
    assert project == ("claude mcp add --env 'GITHUB_PERSONAL_ACCESS_TOKEN=${GITHUB_PERSONAL_ACCESS_TOKEN}' --transport stdio --scope project "
                       "github -- cmd /c npx -y @modelcontextprotocol/server-github")
    assert notes == ["GITHUB_PERSONAL_ACCESS_TOKEN: set GITHUB_PERSONAL_ACCESS_TOKEN in the environment Claude Code starts from; "
                     ".mcp.json holds only ${GITHUB_PERSONAL_ACCESS_TOKEN}",
                     "the command is written for PowerShell, whose single quotes keep ${...} as text; in cmd.exe leave the quotes out"]
    remote, _ = mcp.claude_add_command(_entry("sse"), "user")
    assert remote == "claude mcp add --transport sse --scope user asana https://mcp.asana.com/sse"
    # Headers follow the URL, as in the documentation's examples.
    http, notes = mcp.claude_add_command(_entry("http"), "project")
    assert http == ("claude mcp add --transport http --scope project notion https://mcp.notion.com/mcp "
                    "--header 'Authorization: Bearer ${NOTION_AUTHORIZATION}'")
    with pytest.raises(ValueError):
        mcp.claude_add_command(_entry("sse"), "global")


def test_the_form_is_checked_before_anything_is_built() -> None:
    entry, problems = mcp.normalize_entry({"name": "my server", "transport": "stdio", "command": "https://x.example/mcp",
                                           "env": ["NO_EQUALS"]})
    assert entry is None
    assert sorted(problems) == sorted([
        'env: "NO_EQUALS" needs NAME=value',
        "name: use letters, digits, '-' or '_', starting with a letter or digit (at most 64)",
        "command: this is a URL; choose the HTTP or SSE transport for a remote server",
    ])


# --- the checker, one real-looking broken file per finding ------------------------------------


def _check(text: str, client_id: str, **kw) -> list[str]:
    return [str(p) for p in mcp.check(textwrap.dedent(text).lstrip("\n"), client_id, **kw)]


def test_invalid_json_is_located() -> None:
    assert _check("""
        {
          "mcpServers": {
            "github": {
              "command": "npx"
              "args": ["-y", "@modelcontextprotocol/server-github"]
            }
          }
        }
        """, "claude-desktop") == ["5:7: invalid JSON: expected ',' or '}' after a value, found '\"' (is a comma missing?)"]


def test_a_windows_path_with_single_backslashes_is_invalid_json() -> None:
    assert _check(r"""
        {"mcpServers": {"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "C:\Users\me"]}}}
        """, "claude-desktop") == ["1:103: invalid JSON: invalid escape in a string (a Windows path needs \\\\ for each \\)"]


def test_comments_are_fine_for_vscode_and_invalid_elsewhere() -> None:
    text = """
        {
          // the team's servers
          "servers": {"memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"],},}
        }
        """
    assert _check(text, "vscode") == []
    assert _check(text.replace('"servers"', '"mcpServers"'), "cursor") == [
        "2:3: invalid JSON: comments are not allowed in JSON (Cursor reads this file as plain JSON)"]


def test_wrong_top_level_key() -> None:
    assert _check("""
        {
          "mcpServers": {
            "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}
          }
        }
        """, "vscode") == ['2:3: wrong top-level key "mcpServers" for VS Code: it reads servers from "servers" (VS Code\'s source '
                           "reads a top-level mcpServers only as deprecated compatibility with other clients' files)"]
    assert _check('{"servers": {}}', "claude-code") == ['1:2: wrong top-level key "servers" for Claude Code: it reads servers from "mcpServers"']
    assert _check('{"globalShortcut": ""}', "claude-desktop") == ['1:1: no "mcpServers" object: Claude Desktop reads its servers from "mcpServers"']


def test_missing_command() -> None:
    assert _check("""
        {
          "mcpServers": {
            "postgres": {
              "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://localhost/mydb"]
            }
          }
        }
        """, "claude-code") == ['3:17: server "postgres" has no "command" (or "url" for a remote server)']


def test_npx_on_windows_without_cmd() -> None:
    # The MCP docs' own Windows example for Claude Desktop runs npx directly: a likely cause, not a certainty.
    expected = ('3:31: "npx" is a .cmd shim on Windows; if Claude Desktop cannot start it, '
                'use "command": "cmd" with "args": ["/c", "npx", ...]')
    text = """
        {
          "mcpServers": {
            "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "C:\\\\Users\\\\me\\\\Desktop"]}
          }
        }
        """
    assert _check(text, "claude-desktop") == [expected]  # the C:\ path says Windows
    plain = text.replace("C:\\\\Users\\\\me\\\\Desktop", "/Users/me/Desktop")
    assert _check(plain, "claude-desktop") == []
    assert _check(plain, "claude-desktop", platform="windows") == [expected]
    assert _check(plain.replace('"command": "npx", "args": [', '"command": "cmd", "args": ["/c", "npx", '), "claude-desktop",
                  platform="windows") == []
    assert _check(plain, "cursor", platform="windows") == [
        '3:31: "npx" is a .cmd shim on Windows; if Cursor cannot start it, use "command": "cmd" with "args": ["/c", "npx", ...]']
    # Claude Code 2.1.119 and later start npx on Windows without the wrapper.
    assert _check(plain, "claude-code", platform="windows") == []
    # uvx is uvx.exe on Windows: a real program, not a shim.
    assert _check(plain.replace('"npx"', '"uvx"'), "claude-desktop", platform="windows") == []


def test_relative_paths() -> None:
    assert _check("""
        {
          "servers": {
            "notes": {"type": "stdio", "command": "node", "args": ["build/index.js"]},
            "todo": {"type": "stdio", "command": "node", "args": ["build/index.js"], "cwd": "./server"}
          }
        }
        """, "vscode") == [
        '3:60: relative path "build/index.js" in "args" of server "notes": it is resolved against the directory VS Code starts '
        "the server in, not this file's folder; use an absolute path (or \"${workspaceFolder}/...\" for a path in the project)",
        # With a working directory the arguments are found from it: only the directory itself must be absolute.
        '4:85: relative path "./server" in "cwd" of server "todo": it is resolved against the directory VS Code starts '
        "the server in, not this file's folder; use an absolute path (or \"${workspaceFolder}/...\" for a path in the project)",
    ]
    assert _check('{"servers": {"a": {"command": "node", "args": ["build/index.js"], "cwd": "/srv/notes"}}}', "vscode") == []


def test_a_bare_file_name_for_an_interpreter_is_a_relative_path() -> None:
    # A Python server started as in its README ("uv run weather.py", "python weather.py") without the
    # `--directory /ABSOLUTE/PATH/...` of the MCP quickstart (https://modelcontextprotocol.io/quickstart/server).
    assert _check('{"mcpServers": {"weather": {"command": "python", "args": ["weather.py"]}}}', "claude-desktop") == [
        '1:59: relative path "weather.py" in "args" of server "weather": it is resolved against the directory Claude Desktop '
        "starts the server in, not this file's folder; use an absolute path",
    ]
    # After a package runner a name with a dot is a package; after --directory the file is found from that directory.
    assert _check('{"mcpServers": {"n": {"command": "npx", "args": ["-y", "bignumber.js"]}}}', "claude-desktop") == []
    assert _check('{"mcpServers": {"w": {"command": "uv", "args": ["--directory", "/srv/weather", "run", "weather.py"]}}}',
                  "claude-desktop") == []
    # ... but that directory itself must be absolute.
    assert _check('{"mcpServers": {"w": {"command": "uv", "args": ["--directory", "src/weather", "run", "weather.py"]}}}',
                  "claude-desktop") == [
        '1:64: relative path "src/weather" in "args" of server "w": it is resolved against the directory Claude Desktop '
        "starts the server in, not this file's folder; use an absolute path",
    ]
    # Package names, flags and variables are not paths.
    assert _check('{"servers": {"a": {"command": "npx", "args": ["-y", "@scope/pkg", "--dir=./x", "${workspaceFolder}/x.js"]}}}', "vscode") == []


def test_a_url_server_declared_as_stdio_and_vice_versa() -> None:
    assert _check("""
        {
          "mcpServers": {
            "sentry": {"command": "https://mcp.sentry.dev/mcp"},
            "linear": {"type": "stdio", "url": "https://mcp.linear.app/mcp"},
            "local": {"type": "http", "command": "node", "args": ["/opt/local-mcp/index.js"]}
          }
        }
        """, "claude-code") == [
        '3:27: server "sentry" has a URL as its "command": a remote server is declared with "url" and "type": "http", not as a command to run',
        '4:24: server "linear" is declared "type": "stdio" but has a "url": a URL server is "http" or "sse"',
        '5:23: server "local" is declared "type": "http" but has a "command" and no "url": a local server is "type": "stdio"',
    ]
    assert _check('{"mcpServers": {"x": {"serverUrl": "npx -y some-server"}}}', "windsurf") == [
        '1:36: "serverUrl" of server "x" is not an http(s) URL: "npx -y some-server": to start a local server use "command" and "args"']
    assert _check('{"mcpServers": {"x": {"url": "https://mcp.example.com/mcp"}}}', "claude-desktop") == [
        '1:23: server "x" has a "url": Claude Desktop\'s file starts local (stdio) servers; a remote server is added as a custom '
        "connector in Claude's Settings > Connectors"]


def test_secrets_in_a_committed_file() -> None:
    text = f"""
        {{
          "mcpServers": {{
            "github": {{
              "command": "npx",
              "args": ["-y", "@modelcontextprotocol/server-github"],
              "env": {{"GITHUB_PERSONAL_ACCESS_TOKEN": "{TOKEN}"}}
            }},
            "api": {{"type": "http", "url": "https://api.example.com/mcp", "headers": {{"Authorization": "Bearer sk-ant-api03-{'x' * 93}AA"}}}}
          }}
        }}
        """
    assert _check(text, "claude-code") == [
        '6:47: secret in "env" "GITHUB_PERSONAL_ACCESS_TOKEN" of server "github" in a file that is usually committed (.mcp.json): '
        'write "${GITHUB_PERSONAL_ACCESS_TOKEN}" and set GITHUB_PERSONAL_ACCESS_TOKEN in the environment Claude Code starts from',
        '8:96: secret in header "Authorization" of server "api" in a file that is usually committed (.mcp.json): '
        'write "${API_AUTHORIZATION}" and set API_AUTHORIZATION in the environment Claude Code starts from',
    ]
    assert _check(text.replace('"mcpServers"', '"servers"'), "vscode")[0].endswith(
        'in a file that is usually committed (.vscode/mcp.json): write "${input:github-personal-access-token}" with a matching '
        '"inputs" entry (VS Code asks once and stores it), or "${env:GITHUB_PERSONAL_ACCESS_TOKEN}"')
    assert _check(text, "claude-code", committed=False) == []
    assert _check(text, "claude-desktop", platform="posix") == ['8:13: unknown field "type" in server "api": Claude Desktop documents only "args", "command" and "env"',
                                                                 '8:29: server "api" has a "url": Claude Desktop\'s file starts local (stdio) servers; a remote server is added as a custom connector in Claude\'s Settings > Connectors']
    # References and placeholders are what a committed file should hold.
    clean = text.replace(TOKEN, "${GITHUB_PERSONAL_ACCESS_TOKEN}").replace("Bearer sk-ant-api03-" + "x" * 93 + "AA", "Bearer YOUR_API_KEY")
    assert _check(clean, "claude-code") == []


def test_duplicate_server_names() -> None:
    assert _check("""
        {
          "mcpServers": {
            "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]},
            "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
            "github": {"command": "docker", "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"]}
          }
        }
        """, "cursor") == ['5:5: duplicate server name "github" (also on line 3): only the last one is used']


def test_unknown_fields_and_a_whole_command_line() -> None:
    assert _check("""
        {
          "mcpServers": {
            "remote": {"url": "https://mcp.example.com/mcp"},
            "tool": {"comand": "uvx", "args": ["mcp-server-time"]},
            "git": {"command": "uvx mcp-server-git --repository /srv/repo"}
          }
        }
        """, "windsurf") == [
        '4:13: server "tool" has no "command" (or "serverUrl" for a remote server)',
        '4:14: unknown field "comand" in server "tool" (did you mean "command"?): Windsurf documents only "args", "command", "env", "headers", "serverUrl" and "url"',
        '5:24: "command" of server "git" holds a whole command line: put the program in "command" and each argument in "args" (["mcp-server-git", ...])',
    ]
    assert _check('{"mcpServers": {"r": {"serverUrl": "https://mcp.example.com/mcp"}}}', "cursor") == [
        '1:23: unknown field "serverUrl" in server "r" (did you mean "url"?): Cursor documents only "args", "auth", "command", "env", "envFile", "headers", "type" and "url"',
        '1:22: server "r" has no "command" (or "url" for a remote server)',
    ][::-1]


def test_vscode_allows_only_servers_and_inputs_on_top() -> None:
    assert _check('{"servers": {}, "mcp": {}}', "vscode") == ['1:17: unknown top-level key "mcp": VS Code reads only "servers" and "inputs"']


# --- documented fields and URL schemes pass; each finding is one the client's docs back ---------


def test_claude_code_documented_fields_and_types_pass() -> None:
    assert _check("""
        {
          "mcpServers": {
            "api": {"type": "streamable-http", "url": "${API_BASE_URL:-https://api.example.com}/mcp", "timeout": 600000,
                    "headersHelper": "/opt/bin/get-mcp-auth-headers.sh", "alwaysLoad": true},
            "slack": {"type": "http", "url": "https://mcp.slack.com/mcp", "oauth": {"clientId": "1234.5678", "callbackPort": 3118}},
            "events": {"type": "ws", "url": "wss://mcp.example.com/socket", "headers": {"Authorization": "Bearer ${EVENTS_TOKEN}"}},
            "db": {"type": "stdio", "command": "npx", "args": ["-y", "@bytebase/dbhub"], "timeout": 60000}
          }
        }
        """, "claude-code") == []


def test_claude_code_reads_a_url_without_type_as_stdio() -> None:
    assert _check('{"mcpServers": {"notion": {"url": "https://mcp.notion.com/mcp"}}}', "claude-code") == [
        '1:28: server "notion" has a "url" but no "type": Claude Code reads a server without it as a local (stdio) one and '
        'skips it; add "type": "http" or "sse"']
    # Cursor and Windsurf read a bare URL server: no such finding there.
    assert _check('{"mcpServers": {"notion": {"url": "https://mcp.notion.com/mcp"}}}', "cursor") == []


def test_claude_code_server_names() -> None:
    assert _check('{"mcpServers": {"my.server": {"command": "/usr/local/bin/srv"}}}', "claude-code") == [
        '1:17: server name "my.server": Claude Code takes server names of letters, digits, hyphens and underscores only']
    entry, problems = mcp.normalize_entry({"name": "my.server", "transport": "stdio", "command": "/usr/local/bin/srv"})
    assert entry is None
    assert problems == ["name: Claude Code takes server names of letters, digits, hyphens and underscores only"]


def test_sse_is_written_per_client_and_called_deprecated_where_documented() -> None:
    notes = mcp.generate(_entry("sse"), "claude-code")[1]
    assert "Claude Code's documentation calls the SSE transport deprecated: use HTTP where the server offers it" in notes
    assert json.loads(mcp.generate(_entry("sse"), "vscode")[0])["servers"]["asana"]["type"] == "sse"
    # Cursor and Windsurf reach an SSE endpoint at its URL: no transport is written, and a note says so.
    for cid in ("cursor", "windsurf"):
        text, notes = mcp.generate(_entry("sse"), cid)
        server = json.loads(text)["mcpServers"]["asana"]
        assert "type" not in server and mcp.check(text, cid) == []
        assert any("no transport field for SSE" in n for n in notes)


def test_cursor_documented_fields_and_types() -> None:
    assert _check("""
        {
          "mcpServers": {
            "local": {"type": "stdio", "command": "python", "args": ["${workspaceFolder}/tools/mcp_server.py"], "envFile": "${workspaceFolder}/.env"},
            "oauth": {"url": "https://api.example.com/mcp", "auth": {"CLIENT_ID": "${env:MCP_CLIENT_ID}", "scopes": ["read"]}},
            "typed": {"type": "sse", "url": "https://mcp.example.com/sse"}
          }
        }
        """, "cursor") == []
    assert _check('{"mcpServers": {"r": {"type": "stdio", "url": "https://mcp.example.com/mcp"}}}', "cursor") == [
        '1:31: server "r" is declared "type": "stdio" but has a "url": Cursor knows a remote server by its "url": leave "type" out']
    assert _check('{"mcpServers": {"r": {"type": "local", "command": "/opt/srv"}}}', "cursor") == [
        '1:31: unknown type "local" in server "r": Cursor takes "stdio" for a local server (a remote server needs only its "url")']


def test_windsurf_reads_serverurl_or_url() -> None:
    assert _check('{"mcpServers": {"a": {"serverUrl": "https://a.example/mcp"}, "b": {"url": "https://b.example/mcp", '
                  '"headers": {"API_KEY": "Bearer ${env:AUTH_TOKEN}"}}}}', "windsurf") == []


def test_vscode_documented_fields_schemes_and_top_level_keys() -> None:
    assert _check("""
        {
          // sandbox at the top: how VS Code's first MCP sandboxing (February 2026) read it
          "sandbox": {"network": {"allowedDomains": ["api.example.com"]}},
          "servers": {
            "sandboxed": {"type": "stdio", "command": "npx", "args": ["-y", "@example/mcp-server"], "sandboxEnabled": true,
                          "sandbox": {"filesystem": {"allowWrite": ["${workspaceFolder}"]}}, "envFile": "${workspaceFolder}/.env",
                          "dev": {"watch": "src/**/*.ts", "debug": {"type": "node"}}, "env": {"PORT": 3000, "UNSET": null}},
            "socket": {"type": "http", "url": "unix:///tmp/server.sock#/mcp/subpath"},
            "pipe": {"type": "http", "url": "pipe:///pipe/named-pipe"},
            "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp", "oauth": {"clientId": "12348411142.11062036567072"}}
          }
        }
        """, "vscode") == []
    assert _check('{"servers": {"x": {"type": "http", "url": "ftp://files.example.com/mcp"}}}', "vscode") == [
        '1:43: "url" of server "x" is not a URL VS Code reads ("http", "https", "unix" or "pipe"): "ftp://files.example.com/mcp"']
    # Those schemes are VS Code's: elsewhere a socket URL is still a problem.
    assert _check('{"mcpServers": {"x": {"type": "http", "url": "unix:///tmp/server.sock"}}}', "claude-code") == [
        '1:46: "url" of server "x" is not a URL Claude Code reads ("http", "https", "ws" or "wss"): "unix:///tmp/server.sock"']


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from('{}[]":,\\ /.-_0123456789abcCmndsurlvtyp\n\tnpx'), max_size=200),
       st.sampled_from(mcp.CLIENT_IDS))
def test_the_checker_never_raises(text: str, client_id: str) -> None:
    for p in mcp.check(text, client_id):
        assert p.line >= 1 and p.column >= 1 and p.message


def test_hostile_nesting_and_size_are_problems_not_tracebacks() -> None:
    assert str(mcp.check("[" * 10_000, "vscode")[0]).startswith("1:66: invalid JSON: nested more than 64 levels deep")
    big = '{"mcpServers": {"a": {"command": "' + "x" * (1024 * 1024) + '"}}}'
    assert [str(p) for p in mcp.check(big, "cursor")] == ["1:1: invalid JSON: file is larger than 1024 KB"]


def test_a_huge_hostile_file_is_cut_short_and_says_so() -> None:
    servers = {f"s{i}": {"command": "npx", "args": ["./a.js"]} for i in range(3000)}
    problems = mcp.check(json.dumps({"mcpServers": servers}), "claude-code", platform="windows")
    assert len(problems) <= mcp.MAX_PROBLEMS + 10
    assert problems[-1].message == f"stopped after {mcp.MAX_PROBLEMS} problems: fix these, then check again"
    env = {f"API_KEY_{i}": f"abcdefghij{i:06d}" for i in range(3000)}
    problems = mcp.check(json.dumps({"mcpServers": {"a": {"command": "/bin/server", "env": env}}}), "claude-code")
    assert len(problems) == mcp.MAX_SECRET_PROBES + 1
    assert f"secrets were looked for in the first {mcp.MAX_SECRET_PROBES} env and header values only" in [p.message for p in problems]


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20))
def test_the_located_reader_agrees_with_json(value) -> None:
    text = json.dumps(value, indent=1, ensure_ascii=False)
    assert parse(text).plain() == json.loads(text)


def test_the_located_reader_keeps_every_key_and_its_place() -> None:
    root = parse('{\n  "a": 1,\n  "a": [true, null]\n}')
    assert [(e.key, e.line, e.column) for e in root.value] == [("a", 2, 3), ("a", 3, 3)]
    assert root.get("a").value[0].kind == "true"


def test_the_client_is_guessed_from_the_file_then_its_key() -> None:
    assert mcp.guess_client("/home/me/app/.vscode/mcp.json") == "vscode"
    assert mcp.guess_client("C:\\Users\\me\\app\\.cursor\\mcp.json") == "cursor"
    assert mcp.guess_client("backup/mcp_config.json") == "windsurf"
    assert mcp.guess_client("claude_desktop_config.json") == "claude-desktop"
    assert mcp.guess_client("mcp.json", '{"servers": {}}') == "vscode"
    assert mcp.guess_client(None, '{"mcpServers": {}}') == "claude-code"
    assert mcp.committed_for("cursor", "app/.cursor/mcp.json") is True
    assert mcp.committed_for("cursor", "app/.cursor/mcp.json", global_file=True) is False
    assert mcp.committed_for("claude-code", ".claude.json") is False


# --- the command line ----------------------------------------------------------------------


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine", "mcp-check", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_cli_exit_codes(tmp_path: Path) -> None:
    clean = tmp_path / "claude_desktop_config.json"
    clean.write_text(json.dumps({"mcpServers": {"memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}}}))
    done = _cli(str(clean))
    assert (done.returncode, done.stdout) == (0, "")
    assert "checking" in done.stderr and "Claude Desktop" in done.stderr

    broken = tmp_path / ".vscode" / "mcp.json"
    broken.parent.mkdir()
    broken.write_text('{\n  "mcpServers": {}\n}\n')
    done = _cli(str(broken))
    assert done.returncode == 1
    assert done.stdout.startswith(f'{broken}:2:3: wrong top-level key "mcpServers" for VS Code: it reads servers from "servers"')

    done = _cli(str(clean), "--client", "claude-desktop", "--platform", "windows")
    assert done.returncode == 1 and '"npx" is a .cmd shim on Windows' in done.stdout

    done = _cli("-", "--client", "cursor", stdin='{"mcpServers": {"a": {"command": "npx",}}}')
    assert done.returncode == 1
    assert done.stdout.startswith("<stdin>:1:39: invalid JSON: trailing comma")

    assert _cli(str(tmp_path / "missing.json")).returncode == 2
    assert _cli(str(clean), "--client", "zed").returncode == 2
    assert _cli().returncode == 2


def test_the_page_cites_every_source_a_client_draws_on() -> None:
    from engine import web

    built = json.loads(web.mcp(json.dumps({"action": "build", "entry": ENTRIES["sse"], "platform": "posix"})))
    sources = {c["id"]: [s["key"] for s in c["sources"]] for c in built["clients"]}
    assert {"vscode-mcp-reference", "vscode-mcp-schema", "vscode-mcp-oauth", "vscode-mcp-sandbox-root", "vscode-variables"} <= set(sources["vscode"])
    assert "claude-code-changelog" in sources["claude-code"] and "mcp-remote-servers" in sources["claude-desktop"]
    desktop = next(c for c in built["clients"] if c["id"] == "claude-desktop")
    assert desktop["text"] is None and desktop["notes"] == [mcp.client("claude-desktop")["format"]["remote_note"]]

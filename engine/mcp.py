"""Build and check MCP server configurations for each client, from the clients' formats as data.

`generate(entry, client)` writes the configuration file a client expects for one server;
`claude_add_command(entry, scope)` the `claude mcp add` line; `check(text, client)` lists
every problem of a pasted configuration, each at its line and column. What differs
between clients (top-level key, transport field, URL field, variable syntax, which file
is usually committed) comes from rules/mcp/clients.yaml through engine/mcp_clients.py;
this module only applies it. Pure and standard library only: the browser runs it too.

Windows is assumed when the caller says so (`platform="windows"`) or, with no platform
given, when the file itself shows it: a drive-letter path (C:\\...), %APPDATA% and the
like in a command, argument, working directory or environment value, or a Windows file
location.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from .jsonloc import JsonError, Node, parse
from .mcp_clients import CLIENTS_DATA
from .redact import redact

__all__ = ["CLIENT_IDS", "Problem", "check", "claude_add_command", "client", "committed_for", "generate",
           "guess_client", "normalize_entry", "windows_evidence"]

CLIENTS: dict[str, dict[str, Any]] = {c["id"]: c for c in CLIENTS_DATA["clients"]}
CLIENT_IDS: tuple[str, ...] = tuple(CLIENTS)
SHIMS: frozenset[str] = frozenset(CLIENTS_DATA["windows_shims"]["commands"])
_TOP_KEYS = frozenset(c["format"]["top_key"] for c in CLIENTS.values())
# Field names other clients use for the same thing: a "did you mean" when one lands in the wrong client.
_SAME_AS = {"serverUrl": "url", "url": "serverUrl", "environment": "env", "arguments": "args", "cmd": "command",
            "header": "headers", "transport": "type", "workingDirectory": "cwd"}

_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]|^\\\\|%[A-Za-z_]+%|\\[^\\\s]+\.(?:exe|cmd|bat|ps1)$", re.I)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_VARIABLE = re.compile(r"\$\{[^}]{0,200}\}")
# What people write where a secret will go: <token>, YOUR_API_KEY, xxx, ***.
_PLACEHOLDER = re.compile(r"^(?:<[^>]*>|\[[^\]]*\]|(?i:your)[\w-]*|x{3,}|\*+|\.{3}|(?i:changeme)|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$")
_AUTH_SCHEME = re.compile(r"^(?:Bearer|Basic|Token)\s+", re.I)
_SCRIPT = re.compile(r"\.(?:js|mjs|cjs|ts|py|jar|sh|ps1|exe|cmd|bat|rb|php|dll|json|toml|yaml|yml)$", re.I)
_SAFE_ARG = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")
# Programs whose arguments name packages or images to fetch, not files: npx -y bignumber.js, uvx mcp-server.py.
_PACKAGE_RUNNERS = frozenset({"npx", "pnpx", "bunx", "uvx", "pipx", "npm", "pnpm", "yarn", "bun", "docker", "podman"})
# Options that give the program the directory to work from (uv run --directory, npm --prefix, make -C).
_DIRECTORY_OPTIONS = frozenset({"--directory", "--cwd", "--project", "--prefix", "-C"})
# A pasted file can be hostile: past these counts the checker stops (and says so) instead of running long.
MAX_PROBLEMS = 500
MAX_SECRET_PROBES = 300


@dataclass(frozen=True, order=True)
class Problem:
    """One finding in a configuration, at its 1-based line and column."""

    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message, "text": str(self)}


def client(client_id: str) -> dict[str, Any]:
    """A client's formats; ValueError naming the known ones for any other id."""
    if client_id not in CLIENTS:
        raise ValueError(f"unknown client '{client_id}' (one of: {', '.join(CLIENT_IDS)})")
    return CLIENTS[client_id]


def _committed_file(c: dict[str, Any]) -> dict[str, Any] | None:
    return next((f for f in c["files"]["list"] if f["committed"]), None)


def _file_label(f: dict[str, Any]) -> str:
    return f"{f['dir']}/{f['name']}" if f.get("dir") else f["name"]


def committed_for(client_id: str, file_name: str | None = None, global_file: bool = False) -> bool:
    """Whether a configuration file is usually committed: by its name and folder, else the client's first file.

    `global_file` says the caller knows it is the per-user file (in the home directory).
    """
    c = client(client_id)
    files = c["files"]["list"]
    if file_name:
        parts = re.split(r"[\\/]", file_name)
        name, folder = parts[-1], (parts[-2] if len(parts) > 1 else "")
        for f in files:
            if f["name"] == name and (not f.get("dir") or f["dir"] == folder):
                return False if global_file else f["committed"]
    return False if global_file else files[0]["committed"]


def guess_client(file_name: str | None, text: str = "") -> str:
    """The client a file is for, from its name and folder, else from its top-level key (default Claude Code)."""
    if file_name:
        parts = re.split(r"[\\/]", file_name)
        name, folder = parts[-1], (parts[-2] if len(parts) > 1 else "")
        for cid, c in CLIENTS.items():
            for f in c["files"]["list"]:
                if f["name"] == name and f.get("dir", folder) == folder:
                    return cid
        # A name only one client uses (mcp_config.json copied out of ~/.codeium/windsurf) is enough.
        owners = {cid for cid, c in CLIENTS.items() for f in c["files"]["list"] if f["name"] == name}
        if len(owners) == 1:
            return owners.pop()
    if re.search(r'"servers"\s*:', text) and not re.search(r'"mcpServers"\s*:', text):
        return "vscode"
    return "claude-code"


def windows_evidence(text_values: list[str], file_name: str | None = None) -> str | None:
    """The first value that shows a Windows machine, or None."""
    if file_name and (re.match(r"^[A-Za-z]:[\\/]", file_name) or "\\" in file_name or "AppData" in file_name):
        return file_name
    return next((v for v in text_values if _WINDOWS_PATH.search(v)), None)


# --- checking -------------------------------------------------------------------------------


def _kind(node: Node) -> str:
    return {"object": "an object", "array": "a list", "string": "text", "number": "a number",
            "true": "true", "false": "false", "null": "null"}[node.kind]


def _quoted(names: list[str] | tuple[str, ...]) -> str:
    names = [f'"{n}"' for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _fields(fmt: dict[str, Any], kind: str) -> list[str]:
    """A format's documented stdio_fields or remote_fields, with those its `also` entries add."""
    return [*fmt[kind], *(f for extra in fmt.get("also", []) for f in extra.get(kind, []))]


def _legacy_top_key(fmt: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((extra for extra in fmt.get("also", []) if extra.get("legacy") and key in extra.get("top_keys", [])), None)


def _or(names: list[str]) -> str:
    return _quoted(names).replace(" and ", " or ")


def _url_schemes(fmt: dict[str, Any]) -> list[str]:
    return fmt.get("url_schemes") or ["http", "https"]


class _Checker:
    def __init__(self, c: dict[str, Any], platform: str | None, committed: bool, file_name: str | None) -> None:
        self.c = c
        self.name = c["name"]
        self.fmt = c["format"]
        self.platform = platform
        self.committed = committed
        self.file_name = file_name
        self.problems: list[Problem] = []
        self.probes = 0

    def add(self, node: Node | Any, message: str) -> None:
        self.problems.append(Problem(node.line, node.column, message))

    # Duplicate keys anywhere: a located parser sees what JSON.parse silently drops.
    def duplicates(self, node: Node, servers: Node | None) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.kind == "object":
                first: dict[str, Any] = {}
                for e in current.value:
                    if e.key in first:
                        what = "server name" if current is servers else "key"
                        self.add(e, f'duplicate {what} "{_short(e.key)}" (also on line {first[e.key].line}): only the last one is used')
                    else:
                        first[e.key] = e
                    stack.append(e.value)
            elif current.kind == "array":
                stack.extend(current.value)

    def run(self, root: Node) -> None:
        if root.kind != "object":
            self.add(root, f"the file must be a JSON object ({{...}}), found {_kind(root)}")
            return
        top = self.fmt["top_key"]
        servers_entry = root.entry(top)
        if servers_entry is None:
            other = next((e for e in root.value if e.key in _TOP_KEYS and e.key != top), None)
            if other is not None:
                legacy = _legacy_top_key(self.fmt, other.key)
                tail = f" ({legacy['note']})" if legacy else ""
                self.add(other, f'wrong top-level key "{other.key}" for {self.name}: it reads servers from "{top}"{tail}')
            else:
                self.add(root, f'no "{top}" object: {self.name} reads its servers from "{top}"')
            self.duplicates(root, None)
            return
        servers = servers_entry.value
        self.duplicates(root, servers)
        if self.fmt["strict_top_level"]:
            allowed = [top, *self.fmt["other_top_keys"]]
            legacy = [k for extra in self.fmt.get("also", []) for k in extra.get("top_keys", [])]
            for e in root.value:
                if e.key not in allowed and e.key not in legacy:
                    self.add(e, f'unknown top-level key "{_short(e.key)}": {self.name} reads only {_quoted(allowed)}')
        if servers.kind != "object":
            self.add(servers, f'"{top}" must be an object of servers by name, found {_kind(servers)}')
            return
        platform = self.platform
        if platform is None:
            platform = "windows" if windows_evidence(_strings(servers), self.file_name) else "posix"
        for e in servers.value:
            if len(self.problems) >= MAX_PROBLEMS:
                self.add(e, f"stopped after {MAX_PROBLEMS} problems: fix these, then check again")
                return
            names = self.fmt.get("server_names")
            if names and not re.match(names["pattern"], e.key):
                self.add(e, f'server name "{_short(e.key)}": {names["note"]}')
            self.server(e.key, e.value, platform)

    def server(self, name: str, node: Node, platform: str) -> None:
        s = _short(name)
        if node.kind != "object":
            self.add(node, f'server "{s}" must be an object, found {_kind(node)}')
            return
        fmt = self.fmt
        url_fields = fmt.get("url_fields") or ([fmt["url_field"]] if fmt["url_field"] else [])
        url_label = fmt["url_field"] or "url"
        command = node.entry("command")
        url = next((node.entry(f) for f in url_fields if node.entry(f) is not None), None)
        type_entry = node.entry(fmt["type_field"]) if fmt["type_field"] else None
        declared = type_entry.value.value if type_entry is not None and type_entry.value.kind == "string" else None
        known = set(_fields(fmt, "stdio_fields")) | set(_fields(fmt, "remote_fields"))
        typed_remote = bool(fmt["type_field"]) and fmt.get("typed_remote", True)

        for e in node.value:
            if e.key in known or (e.key in ("url", "serverUrl", "headers") and not fmt["remote_fields"]):
                continue
            hint = _SAME_AS.get(e.key)
            if hint not in known:
                close = difflib.get_close_matches(e.key, sorted(known), n=1, cutoff=0.75)
                hint = close[0] if close else None
            tail = f' (did you mean "{hint}"?)' if hint else ""
            self.add(e, f'unknown field "{_short(e.key)}" in server "{s}"{tail}: {self.name} documents only {_quoted(sorted(known))}')

        if not fmt["remote_fields"]:
            remote = next((node.entry(f) for f in ("url", "serverUrl") if node.entry(f) is not None), None)
            if remote is not None:
                self.add(remote, f'server "{s}" has a "{remote.key}": {fmt.get("remote_note", self.name + " reads no URL servers")}')
                return
        if type_entry is not None and fmt["stdio_type"] is not None:
            allowed = [fmt["stdio_type"], *fmt["remote_types"], *fmt.get("also_types", [])]
            if declared not in allowed:
                shown = f'"{_short(declared)}"' if declared is not None else _kind(type_entry.value)
                takes = (_or(allowed) if typed_remote else
                         f'"{fmt["stdio_type"]}" for a local server (a remote server needs only its "{url_label}")')
                self.add(type_entry.value, f'unknown type {shown} in server "{s}": {self.name} takes {takes}')
                declared = None

        if command is not None and url is not None:
            self.add(url, f'server "{s}" has both "command" and "{url.key}": a server is either started locally (command) or reached at a URL; keep one')
        elif command is not None and command.value.kind == "string" and _URL.match(command.value.value):
            type_hint = f' and "type": "{fmt["remote_types"][0]}"' if typed_remote and fmt["remote_types"] else ""
            self.add(command.value, f'server "{s}" has a URL as its "command": a remote server is declared with "{url_label}"{type_hint}, not as a command to run')
            return
        elif command is None and url is None:
            other = f' (or "{url_label}" for a remote server)' if fmt["remote_fields"] else ""
            self.add(node, f'server "{s}" has no "command"{other}')
            return
        if declared is not None and declared == fmt["stdio_type"] and url is not None and command is None:
            what = (f'a URL server is {_or(fmt["remote_types"])}' if typed_remote else
                    f'{self.name} knows a remote server by its "{url.key}": leave "type" out')
            self.add(type_entry.value, f'server "{s}" is declared "type": "{declared}" but has a "{url.key}": {what}')
        if url is not None and command is None and type_entry is None and fmt.get("url_needs_type"):
            self.add(url, f'server "{s}" has a "{url.key}" but no "{fmt["type_field"]}": {self.name} reads a server without it as a local '
                          f'(stdio) one and skips it; add "{fmt["type_field"]}": {_or([f"{t}" for t in fmt["remote_types"]])}')
        remote_declared = [*fmt["remote_types"], *fmt.get("also_types", [])]
        if declared in remote_declared and command is not None and url is None:
            self.add(type_entry.value, f'server "{s}" is declared "type": "{declared}" but has a "command" and no "{url_label}": a local server is "type": "{fmt["stdio_type"]}"')

        if url is not None:
            self.remote(s, node, url)
        if command is not None:
            self.stdio(s, node, command, platform)

    def strings_of(self, s: str, node: Node, field: str, allow_other: bool = False) -> list[tuple[str, Node, Any]]:
        """(key, value node, entry) of an object of strings; a problem when it is not one."""
        entry = node.entry(field)
        if entry is None:
            return []
        value = entry.value
        if value.kind != "object":
            self.add(value, f'"{field}" of server "{s}" must be an object of "NAME": "value" pairs, found {_kind(value)}')
            return []
        out = []
        for e in value.value:
            if e.value.kind == "string":
                out.append((e.key, e.value, e))
            elif not (allow_other and e.value.kind in ("number", "null")):
                self.add(e.value, f'"{field}" value "{_short(e.key)}" of server "{s}" must be text, found {_kind(e.value)}')
        return out

    def remote(self, s: str, node: Node, url: Any) -> None:
        value = url.value
        if value.kind != "string":
            self.add(value, f'"{url.key}" of server "{s}" must be text, found {_kind(value)}')
        elif not value.value.startswith("${") and (_URL.match(value.value) is None or
                                                     value.value.split(":", 1)[0].lower() not in _url_schemes(self.fmt)):
            tail = ': to start a local server use "command" and "args"' if " " in value.value.strip() or not _URL.match(value.value) else ""
            schemes = _url_schemes(self.fmt)
            what = "an http(s) URL" if schemes == ["http", "https"] else f"a URL {self.name} reads ({_or(schemes)})"
            self.add(value, f'"{url.key}" of server "{s}" is not {what}: "{_short(value.value)}"{tail}')
        for key, header, _ in self.strings_of(s, node, "headers"):
            self.secret(s, "header", key, header)

    def stdio(self, s: str, node: Node, command: Any, platform: str) -> None:
        value = command.value
        if value.kind != "string":
            self.add(value, f'"command" of server "{s}" must be text, found {_kind(value)}')
            return
        program = value.value
        args_entry = node.entry("args")
        args: list[Node] = []
        if args_entry is not None:
            if args_entry.value.kind != "array":
                self.add(args_entry.value, f'"args" of server "{s}" must be a list of strings, found {_kind(args_entry.value)}')
            else:
                for item in args_entry.value.value:
                    if item.kind == "string":
                        args.append(item)
                    else:
                        self.add(item, f'"args" of server "{s}" must hold only strings, found {_kind(item)}')
        words = program.split()
        if len(words) > 1 and not re.match(r"^[A-Za-z]:\\|^/", program) and not args:
            self.add(value, f'"command" of server "{s}" holds a whole command line: put the program in "command" and each argument in "args" (["{words[1]}", ...])')
            program = words[0]
        base = re.split(r"[\\/]", words[0] if words else program)[-1].lower()
        base = re.sub(r"\.cmd$", "", base)
        if platform == "windows" and base in SHIMS and self.c["windows"]["cmd_wrapper"] != "not-required":
            how = f'use "command": "cmd" with "args": ["/c", "{base}", ...]'
            if self.c["windows"]["cmd_wrapper"] == "required":
                self.add(value, f'"{base}" is a .cmd shim on Windows, which {self.name} cannot start directly: {how}')
            else:
                self.add(value, f'"{base}" is a .cmd shim on Windows; if {self.name} cannot start it, {how}')
        cwd_field = self.fmt["cwd_field"]
        cwd = node.get(cwd_field) if cwd_field else None
        if cwd is not None and cwd.kind == "string":
            # With a working directory given, the program and its files are found from it: only it must be absolute.
            self.relative(s, cwd_field, cwd, cwd.value, is_command=True)
        else:
            self.relative(s, "command", value, program, is_command=True)  # the program alone, for a command line
            # After a package runner a bare "name.js" is a package, not a file.
            bare_files = base not in _PACKAGE_RUNNERS
            for i, item in enumerate(args):
                option, given, inline = item.value.partition("=")
                if option in _DIRECTORY_OPTIONS:
                    # `uv --directory /srv/x run server.py`: the directory must be absolute, what follows is found from it.
                    where = item if given else (args[i + 1] if i + 1 < len(args) else None)
                    if where is not None:
                        self.relative(s, "args", where, inline if given else where.value, is_command=True)
                    break
                self.relative(s, "args", item, item.value, is_command=False, bare_files=bare_files)
        for key, env_value, _ in self.strings_of(s, node, "env", allow_other=bool(set(self.fmt.get("env_values", [])) - {"string"})):
            self.secret(s, "env", key, env_value)

    def relative(self, s: str, field: str, node: Node, value: str, is_command: bool, bare_files: bool = False) -> None:
        if not value or "${" in value or _URL.match(value) or value.startswith(("-", "@", "~")):
            return
        if re.match(r"^(?:/|[A-Za-z]:[\\/]|\\\\|%[A-Za-z_]+%)", value):
            return
        explicit = value.startswith(("./", "../", ".\\", "..\\")) or value in (".", "..")
        has_sep = "/" in value or "\\" in value
        script = _SCRIPT.search(value) is not None
        if not (explicit or (has_sep and (is_command or script)) or (bare_files and script and _SAFE_ARG.match(value))):
            return
        if field != "command" and not is_command and "=" in value:
            return
        root = self.c["variables"]["path_root"]
        alt = f' (or "{root}/..." for a path in the project)' if root else ""
        self.add(node, f'relative path "{_short(value)}" in "{field}" of server "{s}": it is resolved against the directory '
                       f"{self.name} starts the server in, not this file's folder; use an absolute path{alt}")

    def secret(self, s: str, where: str, key: str, value: Node) -> None:
        if not self.committed:
            return
        self.probes += 1
        if self.probes == MAX_SECRET_PROBES + 1:
            self.add(value, f"secrets were looked for in the first {MAX_SECRET_PROBES} env and header values only")
        if self.probes > MAX_SECRET_PROBES or not _is_secret(key, value.value, header=where == "header"):
            return
        committed = _committed_file(self.c)
        place = f" ({_file_label(committed)})" if committed else ""
        var = key if where == "env" else _var_name(s, key)
        label = f'"env" "{_short(key)}"' if where == "env" else f'header "{_short(key)}"'
        self.add(value, f'secret in {label} of server "{s}" in a file that is usually committed{place}: {_suggestion(self.c, var)}')


def _suggestion(c: dict[str, Any], var: str) -> str:
    variables = c["variables"]
    if variables.get("input"):
        also = f', or "{variables["env"].replace("NAME", var)}"' if variables["env"] else ""
        return (f'write "{_reference(c, var)}" with a matching "inputs" entry '
                f'({c["name"]} asks once and stores it){also}')
    if variables["env"]:
        return f'write "{variables["env"].replace("NAME", var)}" and set {var} in the environment {c["name"]} starts from'
    return f"{c['name']} documents no variable expansion: keep this file out of the repository"


def _strings(node: Node) -> list[str]:
    out: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "string":
            out.append(current.value)
        elif current.kind == "array":
            stack.extend(current.value)
        elif current.kind == "object":
            stack.extend(e.value for e in current.value)
    return out


def check(text: str, client_id: str, *, platform: str | None = None, committed: bool | None = None,
          file_name: str | None = None) -> list[Problem]:
    """Every problem of a configuration file for a client, sorted by place. Never raises for bad input.

    `platform` is "windows" or "posix" (None: "windows" when the file shows it);
    `committed` says whether the file is shared in a repository (None: from `file_name`,
    else the client's usual file).
    """
    c = client(client_id)
    try:
        root = parse(text, comments=c["format"]["comments"])
    except JsonError as exc:
        hint = f" ({c['name']} reads this file as plain JSON)" if "comment" in exc.message or "trailing comma" in exc.message else ""
        return [Problem(exc.line, exc.column, f"invalid JSON: {exc.message}{hint}")]
    except RecursionError:  # pragma: no cover - the parser caps depth well below the limit
        return [Problem(1, 1, "invalid JSON: nested too deeply")]
    if committed is None:
        committed = committed_for(client_id, file_name)
    checker = _Checker(c, platform, committed, file_name)
    checker.run(root)
    return sorted(set(checker.problems))


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One server as the form describes it."""

    name: str
    transport: str  # stdio, http or sse
    command: str = ""
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    cwd: str = ""
    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()


def _pairs(raw: Any, what: str, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if raw in (None, ""):
        return ()
    if isinstance(raw, dict):
        raw = list(raw.items())
    out = []
    for item in raw if isinstance(raw, (list, tuple)) else [raw]:
        if isinstance(item, str):
            sep = "=" if what == "env" else ":"
            key, found, value = item.partition(sep)
            if not found:
                problems.append(f'{what}: "{_short(item)}" needs {"NAME=value" if what == "env" else "Name: value"}')
                continue
            item = (key, value)
        key, value = (str(item[0]).strip(), str(item[1]).strip()) if isinstance(item, (list, tuple)) and len(item) == 2 else ("", "")
        if not key:
            problems.append(f"{what}: every entry needs a name")
            continue
        if what == "env" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            problems.append(f'env: "{_short(key)}" is not a variable name (letters, digits and _)')
            continue
        if what == "headers" and not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", key):
            problems.append(f'headers: "{_short(key)}" is not a header name')
            continue
        out.append((key, value))
    return tuple(out)


def normalize_entry(raw: dict[str, Any]) -> tuple[Entry | None, list[str]]:
    """The form's fields as an Entry, or None and what is wrong with them."""
    problems: list[str] = []
    name = str(raw.get("name") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        problems.append("name: use letters, digits, '-' or '_', starting with a letter or digit (at most 64)")
    else:  # one name for every client: each client's own rule for names applies too
        problems += [f"name: {c['format']['server_names']['note']}" for c in CLIENTS.values()
                     if c["format"].get("server_names") and not re.match(c["format"]["server_names"]["pattern"], name)]
    transport = str(raw.get("transport") or "stdio")
    if transport not in ("stdio", "http", "sse"):
        problems.append('transport: one of "stdio", "http" or "sse"')
    args_raw = raw.get("args") or []
    args = tuple(str(a) for a in args_raw) if isinstance(args_raw, (list, tuple)) else tuple(shlex.split(str(args_raw))) if args_raw else ()
    entry = Entry(name=name, transport=transport, command=str(raw.get("command") or "").strip(), args=args,
                  env=_pairs(raw.get("env"), "env", problems), cwd=str(raw.get("cwd") or "").strip(),
                  url=str(raw.get("url") or "").strip(), headers=_pairs(raw.get("headers"), "headers", problems))
    if transport == "stdio" and not entry.command:
        problems.append("command: a local (stdio) server needs the program to start")
    if transport == "stdio" and _URL.match(entry.command):
        problems.append("command: this is a URL; choose the HTTP or SSE transport for a remote server")
    if transport != "stdio" and not re.match(r"^https?://\S+$", entry.url):
        problems.append("url: a remote server needs an http:// or https:// URL")
    return (None if problems else entry), problems


def _is_secret(key: str, value: str, header: bool = False) -> bool:
    """Whether a value is a literal secret: redact's shapes find one once references and placeholders are set aside."""
    literal = _VARIABLE.sub("", value).strip()
    bare = _AUTH_SCHEME.sub("", literal)
    if not bare or _PLACEHOLDER.match(bare):
        return False
    probe = f"{key}: {literal}" if header else f"{key}={literal}"
    return bool(redact(probe)[1] or redact(literal)[1])


def _windows_command(entry: Entry, platform: str) -> tuple[str, tuple[str, ...]]:
    base = re.sub(r"\.cmd$", "", re.split(r"[\\/]", entry.command)[-1].lower())
    if platform == "windows" and base in SHIMS:
        return "cmd", ("/c", entry.command, *entry.args)
    return entry.command, entry.args


def _var_name(server: str, header: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", f"{server}_{header}".upper()).strip("_")


def _reference(c: dict[str, Any], var: str) -> str:
    """The client's reference for a secret: its input variable where it has one (asked once, stored), else its env form."""
    if c["variables"].get("input"):
        return c["variables"]["input"].replace("ID", var.lower().replace("_", "-"))
    return c["variables"]["env"].replace("NAME", var)


def generate(entry: Entry, client_id: str, platform: str = "posix") -> tuple[str | None, list[str]]:
    """The configuration file `client_id` expects for one server, as JSON text, and notes for the reader.

    The text is None when the client cannot take such a server in a file (Claude Desktop
    and a URL server). Secrets bound for a file that is usually committed are written as
    the client's own variable references, and a note says which variables to set.
    """
    c = client(client_id)
    fmt = c["format"]
    notes: list[str] = []
    if entry.transport != "stdio" and not fmt["remote_fields"]:
        return None, [fmt.get("remote_note", f"{c['name']} reads no URL servers from its file")]
    committed = _committed_file(c) is not None and c["files"]["list"][0]["committed"]
    inputs: list[dict[str, Any]] = []

    def value_for(key: str, value: str, var: str, header: bool = False) -> str:
        if not committed or not c["variables"]["env"] or not _is_secret(key, value, header):
            return value
        ref = _reference(c, var)
        prefix = _AUTH_SCHEME.match(value)
        if c["variables"].get("input"):
            input_id = var.lower().replace("_", "-")
            inputs.append({"type": "promptString", "id": input_id, "description": f"{var} for {entry.name}", "password": True})
            notes.append(f"{key}: {c['name']} asks for it once ({ref}) and stores it; it is not written in the file")
        else:
            notes.append(f"{key}: set {var} in the environment {c['name']} starts from; the file holds only {ref}")
        return (prefix.group() if prefix else "") + ref

    server: dict[str, Any] = {}
    if entry.transport == "stdio":
        command, args = _windows_command(entry, platform)
        if fmt["type_field"] and fmt["stdio_type"]:
            server[fmt["type_field"]] = fmt["stdio_type"]
        server["command"] = command
        if args:
            server["args"] = list(args)
        if entry.env:
            server["env"] = {k: value_for(k, v, k) for k, v in entry.env}
        if entry.cwd:
            if fmt["cwd_field"]:
                server[fmt["cwd_field"]] = entry.cwd
            else:
                notes.append(f"{c['name']} documents no working-directory field, so the directory is left out: "
                             "make the paths in command and args absolute")
        if command == "cmd" and entry.command != "cmd":
            if c["windows"]["cmd_wrapper"] == "not-required":
                # Harmless where the wrapper is no longer needed, and needed by the client's older versions.
                notes.append(f"on Windows, {entry.command} is started through cmd /c, which works in every version of "
                             f"{c['name']}: {c['windows']['note']}")
            else:
                notes.append(f"on Windows, {entry.command} is a .cmd shim, so it is started through cmd /c")
    else:
        if fmt["type_field"] and fmt.get("typed_remote", True) and entry.transport in fmt["remote_types"]:
            server[fmt["type_field"]] = entry.transport
        elif entry.transport == "sse":
            notes.append(f"{c['name']} has no transport field for SSE in its file: it connects to the URL as it finds it")
        if entry.transport in fmt.get("deprecated_types", []):
            notes.append(f"{c['name']}'s documentation calls the {entry.transport.upper()} transport deprecated: use HTTP where the server offers it")
        server[fmt["url_field"]] = entry.url
        if entry.headers:
            server["headers"] = {k: value_for(k, v, _var_name(entry.name, k), header=True) for k, v in entry.headers}
    document: dict[str, Any] = {}
    if inputs:
        document["inputs"] = inputs
    document[fmt["top_key"]] = {entry.name: server}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n", notes


def _shell_quote(word: str, platform: str) -> str:
    if word and _SAFE_ARG.match(word):
        return word
    if platform == "windows":
        return '"' + word.replace('"', '\\"') + '"'
    return shlex.quote(word)


def claude_add_command(entry: Entry, scope: str = "local", platform: str = "posix") -> tuple[str, list[str]]:
    """The `claude mcp add` command for one server in a scope, and notes for the reader."""
    c = client("claude-code")
    cli = c["cli"]
    if scope not in cli["scopes"]:
        raise ValueError(f"unknown scope '{scope}' (one of: {', '.join(cli['scopes'])})")
    shared = scope == "project"
    notes: list[str] = []

    def value_for(key: str, value: str, var: str, header: bool = False) -> str:
        if not shared or not _is_secret(key, value, header):
            return value
        ref = _reference(c, var)
        notes.append(f"{key}: set {var} in the environment Claude Code starts from; .mcp.json holds only {ref}")
        prefix = _AUTH_SCHEME.match(value)
        return (prefix.group() if prefix else "") + ref

    # Each part of the command, put together in the order the documentation gives (cli.*_order).
    parts: dict[str, list[str]] = {"transport": [cli["transport_flag"], entry.transport], "scope": [cli["scope_flag"], scope],
                                   "name": [entry.name]}
    if entry.transport == "stdio":
        parts["env"] = [w for key, value in entry.env for w in (cli["env_flag"], f"{key}={value_for(key, value, key)}")]
        command, args = _windows_command(entry, platform)
        parts["separator"], parts["command"] = ["--"], [command, *args]
        order = cli["stdio_order"]
        if entry.cwd:
            notes.append("Claude Code documents no working-directory option, so the directory is left out: "
                         "make the paths in the command absolute")
    else:
        parts["url"] = [entry.url]
        parts["header"] = [w for key, value in entry.headers
                           for w in (cli["header_flag"], f"{key}: {value_for(key, value, _var_name(entry.name, key), header=True)}")]
        order = cli["remote_order"]
    words = cli["command"].split() + [w for part in order for w in parts.get(part, [])]
    # A ${...} reference must reach the file as written: single quotes keep it as text in
    # POSIX shells and in PowerShell (cmd.exe has no such quotes, and needs none).
    quoted = [("'" + w.replace("'", "''") + "'" if "${" in w and platform == "windows" else _shell_quote(w, platform))
              for w in words]
    if platform == "windows" and any("${" in w for w in words):
        notes.append("the command is written for PowerShell, whose single quotes keep ${...} as text; in cmd.exe leave the quotes out")
    return " ".join(quoted), notes

"""Error tables as data: every runtime's spelling of a table reference, as rule pattern specs.

A rule can say `errno: [ECONNRESET]` or `curl: [56]` instead of spelling out Rust's
`(os error 104)`, Python's `[Errno 104]`, .NET's `SocketException (10054)` and the rest.
This module turns such a reference into pattern specs (the same dicts a rule's
`match.patterns` holds) from two things only:

- the table rows (plain dicts, as loaded from rules/tables/*.yaml), and
- TEMPLATES: per table kind, one template per runtime format, with placeholders
  for row fields. There is no code per error; a new row gets every format.

Bare numbers never stand alone: each template anchors its number to the format it is
printed in (`[Errno 104]`, `errno: -104`, `curl: (56)`). A number that two rows share on
different systems (Linux 100 is ENETDOWN, macOS 100 is EPROTO) is only matched with the
row's message beside it, and macOS numbers always are, because most of them are other,
non-network errors on Linux. Standard library only: this runs under Pyodide too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .model import pattern_spec

__all__ = ["KINDS", "TEMPLATES", "Derived", "Template", "TableError", "derive", "derive_all", "find_rows", "index_tables",
           "file_schema", "row_keys", "row_shape", "spellings", "suggest", "validate_table"]

Row = Mapping[str, Any]


class TableError(ValueError):
    """A table reference that names no row, or a table that is missing."""


@dataclass(frozen=True)
class Template:
    """One runtime's format for a kind of table row, e.g. Python's `[Errno {linux}]`."""

    runtime: str  # who prints it (a label for tests and reports; may not be a rule context)
    form: str  # "regex" (placeholders are re.escape'd) or "literal" (placeholders as is)
    text: str  # the pattern with {field} placeholders
    weight: float
    implies: str | None = None  # a rule context (rules/schema.json $defs/context) or None
    when: tuple[str, ...] = ()
    generic: bool = False
    unique: str | None = None  # emit only when this number field's value belongs to this row alone
    alone: str | None = None  # a bare text: skip rows whose flag of this name is false
    min_len: int = 0  # skip a text shorter than this, in UTF-8 bytes (so CJK counts as dense)
    case_sensitive: bool = False  # literals only
    os: str | None = None  # linux, macos or windows when the format is specific to one


@dataclass(frozen=True)
class Derived:
    """One pattern spec derived from a table row, with where it came from."""

    spec: dict[str, Any]  # a valid rule pattern: {"regex"|"literal": ..., "weight": ..., ...}
    kind: str  # the reference kind (errno, curl, tls_alert, ...)
    key: str  # the row's key (ECONNRESET, 56, handshake_failure, ...)
    runtime: str
    os: str | None

    @property
    def source(self) -> str:
        """The regex or literal text."""
        return self.spec.get("regex") or self.spec["literal"]


# kind in rule syntax -> (table name in the file's `table:` field, fields a reference may name).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "errno": ("errno", ("name", "windows_name", "node_code")),
    "curl": ("curl", ("code", "name")),
    "openssl_verify": ("openssl-verify", ("code", "name", "short")),
    "tls_alert": ("tls-alert", ("name", "code")),
    "http_status": ("http-status", ("code",)),
    "api_error": ("api-error", ("code", "type", "message")),
    "net_error": ("net-error", ("name", "code")),
    "nss": ("nss", ("name", "code")),
}

# Number columns whose values may collide between rows of the same table.
_NUMBER_COLUMNS: dict[str, tuple[str, ...]] = {"errno": ("linux", "macos")}

_SYSCALLS = ("read|write|dial|connect|accept|bind|listen|send|recv|sendto|recvfrom|sendmsg|recvmsg"
             "|setsockopt|getsockopt|shutdown|socket|writev|readv|sendfile")
_WIN_SYSCALLS = "wsarecv|wsasend|wsarecvfrom|wsasendto|connectex|acceptex|wsaioctl|transmitfile"

def _after(prefixes: Iterable[str]) -> str:
    """A regex that matches right after any of these texts without taking them into the match.

    Node prints `read ECONNRESET` and `code: 'ECONNRESET'`: the evidence marked is the
    code itself, as when the bare name matches, not the words that frame it.
    """
    return "(?:" + "|".join(f"(?<=\\b{re.escape(p).replace(chr(92) + ' ', ' ')})" for p in prefixes) + ")"


# How Node frames a code: `code: 'X'`, `"code":"X"`, `errno: 'X'` (older versions) ...
_NODE_KEYS = tuple(f"{key}{q}{colon}{open_}" for key in ("code", "errno") for q in ("", "'", '"')
                   for colon in (": ", ":") for open_ in ("'", '"'))
# ... and after the syscall that failed: `read ECONNRESET`, `getaddrinfo ENOTFOUND`.
_NODE_VERBS = tuple(f"{verb} " for verb in ("connect", "read", "write", "getaddrinfo", "getnameinfo", "listen", "bind",
                                           "send", "recv", "queryA", "queryAaaa"))

T = Template
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "errno": (
        T("any", "regex", r"\b{name}\b", 0.9),
        T("windows", "regex", r"\b{windows_name}\b", 0.95, os="windows"),
        T("node", "regex", _after(_NODE_KEYS) + r"""{node_code}(?=['"])""", 0.95, "node"),
        T("node", "regex", _after(_NODE_VERBS) + r"{node_code}\b", 0.9, "node"),
        T("node", "regex", r"""\berrno['"]?: ?{node_linux}\b""", 0.7, when=("node",), unique="node_linux", os="linux"),
        T("node", "regex", r"""\berrno['"]?: ?{node_macos}\b""", 0.6, when=("node",), unique="node_macos", os="macos"),
        T("node", "regex", r"""\berrno['"]?: ?{node_windows}\b""", 0.8, "node", os="windows"),
        T("python", "regex", r"\[Errno {linux}\]", 0.85, "python", unique="linux", os="linux"),
        T("python", "regex", r"\[Errno {linux}\] {strerror}", 0.93, "python", os="linux"),
        T("python", "regex", r"\[Errno {macos}\] {macos_strerror}", 0.93, "python", os="macos"),
        T("python", "regex", r"\[(?:WinError|Errno) {windows_code}\]", 0.9, "python", os="windows"),
        T("python", "regex", r"\b{python_exception}\b", 0.93, "python", alone="python_exception_alone"),
        T("python", "regex", r"\b{python_exception}\({linux}, ", 0.93, "python", os="linux"),
        T("python", "regex", r"\b{python_exception}\({macos}, ", 0.9, "python", os="macos"),
        T("python", "regex", r"\b{python_exception}\({windows_code}, ", 0.93, "python", os="windows"),
        T("rust", "regex", r"\(os error {linux}\)", 0.85, unique="linux", os="linux"),
        T("rust", "regex", r"{strerror} \(os error {linux}\)", 0.93, os="linux"),
        T("rust", "regex", r"{macos_strerror} \(os error {macos}\)", 0.93, os="macos"),
        T("rust", "regex", r"\(os error {windows_code}\)", 0.9, os="windows"),
        T("rust", "regex", r"\bcode: {linux}, kind: {rust_kind}\b", 0.93, os="linux"),
        T("rust", "regex", r"\bcode: {macos}, kind: {rust_kind}\b", 0.93, os="macos"),
        T("rust", "regex", r"\bcode: {windows_code}, kind: {rust_kind}\b", 0.93, os="windows"),
        T("dotnet", "regex", r"\bSocketException \({windows_code}\)", 0.93, "dotnet", os="windows"),
        T("dotnet", "regex", r"\bSocketException \({linux}\)", 0.9, "dotnet", unique="linux", os="linux"),
        T("dotnet", "regex", r"\bSocketException \({linux}\): {strerror}", 0.93, "dotnet", os="linux"),
        T("dotnet", "regex", r"\bSocketException \({macos}\): {macos_strerror}", 0.93, "dotnet", os="macos"),
        T("dotnet", "regex", r"\bSocketError(?:Code)?[.:=] ?{dotnet}\b", 0.85, "dotnet"),
        T("go", "regex", r"\b(?:" + _SYSCALLS + r"): {strerror_lc}\b", 0.93, "go", os="linux"),
        T("go", "regex", r"\b(?:" + _SYSCALLS + r"): {macos_strerror_lc}\b", 0.93, "go", os="macos"),
        T("go", "regex", r"\b(?:" + _WIN_SYSCALLS + r"): {windows_message_text}", 0.93, "go", os="windows"),
        T("go", "regex", r"\blookup \S{1,253}(?: on \S{1,64})?: {go}\b", 0.9, "go"),
        T("java", "literal", "{java}", 0.93, "java"),
        T("ruby", "regex", r"\bErrno::{name}\b", 0.95),
        T("erlang", "regex", r"(?:\{error, ?|\{:error, ?:|\breason: :){erlang}\b", 0.9),
        T("any", "literal", "{strerror}", 0.9, alone="text_alone", os="linux"),
        T("any", "literal", "{macos_strerror_own}", 0.9, alone="macos_text_alone", os="macos"),
        T("any", "literal", "{windows_message_text}", 0.93, os="windows"),
        T("any", "literal", "{strerror_l10n}", 0.85, alone="text_alone", min_len=8, os="linux"),
        T("any", "literal", "{windows_l10n}", 0.9, min_len=8, os="windows"),
    ),
    "curl": (
        T("curl", "regex", r"\bcurl: \({code}\)", 0.6, "curl", generic=True),
        T("php", "regex", r"\bcURL error {code}\b", 0.6, "php", generic=True),
        T("git", "regex", r"\bRPC failed; curl {code}\b", 0.6, generic=True),
        T("python", "regex", r"\bpycurl\.error: \({code}, ", 0.6, "python", generic=True),
        T("any", "regex", r"\b{name}\b", 0.85, generic=True),
        T("rust", "regex", r"\[{code}\] {message}", 0.85, generic=True),
        T("any", "literal", "{message}", 0.7, alone="text_alone", min_len=24, generic=True),
    ),
    "openssl_verify": (
        T("any", "regex", r"\b{name}\b", 0.95),
        T("openssl", "regex", r"\bverify error:num={code}:", 0.95),
        T("openssl", "regex", r"\bVerify return code: {code} \(", 0.9),
        T("python", "regex", r"\bcertificate verify failed: {message}", 0.95, "python"),
        T("curl", "regex", r"\bSSL certificate problem: {message}", 0.95, "curl"),
        T("ruby", "regex", r"\bcertificate verify failed \({message}\)", 0.95),
        T("node", "regex", r"""\bcode['"]?: ?['"]{node_code}['"]""", 0.95, "node"),
        T("node", "regex", r"\b{node_code}\b", 0.9, min_len=12),
        T("any", "literal", "{message}", 0.9, alone="text_alone", min_len=20),
    ),
    "tls_alert": (
        T("openssl", "literal", "{openssl}", 0.95),
        T("openssl", "regex", r"\b{openssl_code}\b", 0.95),
        T("node", "regex", r"\bERR_SSL_{openssl_code}\b", 0.95, "node"),
        T("openssl", "regex", r"\bSSL alert number {code}\b", 0.95),
        T("go", "regex", r"\bremote error: tls: {go}\b", 0.95, "go"),
        T("java", "regex", r"\bReceived fatal alert: {name}\b", 0.95, "java"),
        T("rustls", "regex", r"\bAlertReceived\({rustls}\)", 0.95),
        T("rustls", "regex", r"\breceived fatal alert: {rustls}\b", 0.95),
        T("erlang", "regex", r"\{tls_alert, ?\{{erlang_atom}\b", 0.95),
        T("erlang", "regex", r"\bALERT: Fatal - {erlang}\b", 0.95),
        T("schannel", "regex", r"\bfatal alert code is {code}\b", 0.9, "dotnet"),
    ),
    "http_status": (
        T("any", "regex", r"\bHTTP(?:/[0-9.]{1,3})? {code}\b", 0.8, generic=True),
        T("any", "regex", r"""\bstatus(?:[ _]?code|Code)?['"]?(?:: ?|=| )['"]?{code}\b""", 0.8, generic=True),
        T("any", "literal", "{code} {reason}", 0.85, generic=True),
        T("any", "literal", "{code} {also}", 0.85, generic=True),
        T("python", "regex", r"\b{code} (?:Client|Server) Error\b", 0.85, "python", generic=True),
        T("any", "regex", r"\bError code: {code}\b", 0.8, generic=True),
    ),
    "api_error": (
        T("api", "regex", r"""['"]type['"]: ?['"]{type}['"]""", 0.95),
        T("api", "regex", r"""['"]code['"]: ?['"]{code}['"]""", 0.95),
        T("api", "regex", r"\b{type}\b", 0.9, alone="text_alone", min_len=12),
        T("api", "regex", r"\b{code}\b", 0.9, alone="text_alone", min_len=12),
        T("sdk", "regex", r"\b{provider}\.{sdk_class}\b", 0.85),
        T("api", "literal", "{message}", 0.9, alone="text_alone", min_len=10),
    ),
    "net_error": (
        T("browser", "regex", r"\bnet::{name}\b", 0.95, "browser"),
        T("browser", "regex", r"\b{name}\b", 0.9, alone="text_alone"),
    ),
    "nss": (
        T("browser", "regex", r"\b{name}\b", 0.95),
        T("browser", "regex", r"\(Error code: {name}\)", 0.95, "browser"),
    ),
}
del T


def validate_table(data: Any, schema: Mapping[str, Any]) -> list[str]:
    """Every way one loaded table file breaks rules/tables/schema.json, row by row, as messages."""
    from .schema import validate  # only when checking: the browser never validates tables

    issues = [i.message for i in validate(data, file_schema(schema))]
    if issues or not isinstance(data, dict):
        return issues
    row_def = schema.get("x-rows", {}).get(data["table"])
    if row_def is None:
        return [f"table: no row shape for table '{data['table']}'"]
    row_schema = row_shape(schema, row_def)
    for i, row in enumerate(data["rows"]):
        label = row.get("name", row.get("code", row.get("msgid", row.get("type", "?")))) if isinstance(row, dict) else "?"
        issues.extend(f"rows[{i}] ({label}): {issue.message}" for issue in validate(row, row_schema))
    return issues


_file_schemas: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}
# What rules/tables/schema.json uses beyond engine/schema.py's subset. The row dispatch
# (allOf/if/then) is replaced by checking each row against its x-rows shape, which is the
# same constraint with messages that name the row; language-key patterns (propertyNames)
# are left to the draft 2020-12 validator the tests run over every table file.
_BEYOND_SUBSET = frozenset({"allOf", "if", "then", "else", "propertyNames", "x-rows"})


def _subset(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (v if k in ("enum", "required") else _subset(v)) for k, v in node.items() if k not in _BEYOND_SUBSET}
    if isinstance(node, list):
        return [_subset(v) for v in node]
    return node


def file_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The table schema cut to what engine/schema.py implements (see _BEYOND_SUBSET); cached per schema."""
    cached = _file_schemas.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _file_schemas[id(schema)] = (schema, _subset(dict(schema)))
    return cached[1]


def row_shape(schema: Mapping[str, Any], row_def: str) -> dict[str, Any]:
    """The schema one row of a table must fit: its $defs entry, with the $defs beside it (cached)."""
    cut = file_schema(schema)
    key = (id(cut), row_def)
    if key not in _row_shapes:
        _row_shapes[key] = {**cut["$defs"][row_def], "$defs": cut["$defs"]}
    return _row_shapes[key]


_row_shapes: dict[tuple[int, str], dict[str, Any]] = {}


def index_tables(tables: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Loaded table files (dicts with `table:` and `rows:`) keyed by their table name."""
    return {t["table"]: t for t in tables}


def _matches(row: Row, field: str, wanted: str) -> bool:
    value = row.get(field)
    if value is None:
        return False
    text = str(value)
    if text == wanted or text.lower() == wanted.lower():
        return True
    # Rules may write X509_V_ERR_* without the prefix, net::ERR_* with it.
    return wanted.lower() in (f"x509_v_err_{text.lower()}", f"net::{text.lower()}")


def find_rows(tables: Mapping[str, Mapping[str, Any]], kind: str, key: Any) -> list[Row]:
    """The rows a reference such as ("errno", "ECONNRESET") or ("curl", 56) names."""
    if kind not in KINDS:
        raise TableError(f"unknown table kind '{kind}' (expected one of: {', '.join(KINDS)})")
    name, fields = KINDS[kind]
    if name not in tables:
        raise TableError(f"table '{name}' is not loaded")
    wanted = str(key)
    rows: list[Row] = []
    # The first field that names any row wins, so `api_error: [invalid_request_error]` means the
    # type itself, not every code that comes with that type.
    for field in fields:
        rows = [row for row in tables[name]["rows"]
                if _matches(_fields(kind, row, tables), field, wanted) and not (field == "type" and "code" in row)]
        if rows:
            break
    if not rows:
        raise TableError(f"{kind}: no row named '{key}' in table '{name}'")
    return rows


def row_keys(tables: Mapping[str, Mapping[str, Any]], kind: str) -> list[str]:
    """The key of every row of a kind's table, as a reference would name it."""
    return list(dict.fromkeys(_key(kind, row) for row in tables[KINDS[kind][0]]["rows"]))


def _l10n(tables: Mapping[str, Mapping[str, Any]], table: str, key_field: str, key: Any) -> list[str]:
    found: list[str] = []
    for row in tables.get(table, {}).get("rows", ()):
        if row.get(key_field) == key:
            found.extend(t for t in row.get("translations", {}).values() if t not in found)
    return found


def _fields(kind: str, row: Row, tables: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The row's own fields plus the derived ones templates use."""
    f = dict(row)
    if kind == "errno":
        f.setdefault("node_code", f.get("name"))
        if f.get("family") == "errno":
            f.setdefault("erlang", str(f.get("name", "")).lower())
        if "strerror" in f:
            f["strerror_lc"] = f["strerror"].lower()
            f["macos_strerror"] = f.get("macos_strerror") or f["strerror"]
            f["macos_strerror_lc"] = f["macos_strerror"].lower()
            if f["macos_strerror"] != f["strerror"]:
                f["macos_strerror_own"] = f["macos_strerror"]
            f["strerror_l10n"] = _l10n(tables, "strerror-l10n", "msgid", f["strerror"])
        if "windows_message" in f:
            # Windows' texts end with a period that wrapped lines and log formats often lose.
            f["windows_message_text"] = f["windows_message"].rstrip(".")
        if "windows_code" in f:
            f["windows_l10n"] = [t.rstrip(".。") for t in _l10n(tables, "winsock-l10n", "code", f["windows_code"])]
    elif kind == "openssl_verify":
        f["short"] = str(f["name"]).removeprefix("X509_V_ERR_")
    elif kind == "tls_alert" and "openssl" in f:
        f["openssl_code"] = f["openssl"].upper().replace(" ", "_")
    return f


def _owners(tables: Mapping[str, Mapping[str, Any]], kind: str) -> dict[Any, set[str]]:
    """For tables with number columns: each number and the row keys that use it, on any system."""
    name = KINDS[kind][0]
    columns = _NUMBER_COLUMNS.get(name, ())
    owners: dict[Any, set[str]] = {}
    for row in tables[name]["rows"]:
        for column in columns:
            if row.get(column) is not None:
                owners.setdefault(row[column], set()).add(_key(kind, row))
    return owners


def _key(kind: str, row: Row) -> str:
    """The row's name in references: the first of its kind's reference fields it has."""
    for field in KINDS[kind][1]:
        if row.get(field) is not None:
            return str(row[field])
    return "?"


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(template: Template, fields: Mapping[str, Any]) -> list[str]:
    """Every filling of the template's placeholders (one per item of a list field), or none."""
    names = _PLACEHOLDER.findall(template.text)
    values: dict[str, list[str]] = {}
    for name in names:
        value = fields.get(name)
        if value is None or value == [] or value == "":
            return []
        items = value if isinstance(value, list) else [value]
        values[name] = [str(v) for v in items]
    # At most one list field per template: fill it item by item.
    listed = [n for n in names if len(values[n]) > 1]
    if len(set(listed)) > 1:
        raise TableError(f"template {template.text!r} has more than one list field: {listed}")
    variants = values[listed[0]] if listed else [None]
    out = []
    for item in variants:
        def sub(m: re.Match[str], item: str | None = item) -> str:
            raw = item if (listed and m.group(1) == listed[0]) else values[m.group(1)][0]
            if template.form != "regex":
                return raw
            # re.escape would also escape spaces; keep them plain so the regex reads as printed.
            return re.escape(raw).replace("\\ ", " ")
        text = _PLACEHOLDER.sub(sub, template.text)
        if template.form == "literal" and _size(text) < template.min_len:
            continue
        if template.form == "regex" and template.min_len and any(_size(v[0]) < template.min_len for v in values.values()):
            continue
        out.append(text)
    return out


def _size(text: str) -> int:
    # A short Latin text is vague ("Fout"); seven CJK characters already say a whole sentence.
    return len(text.encode("utf-8"))


def derive(tables: Mapping[str, Mapping[str, Any]], kind: str, key: Any) -> list[Derived]:
    """Every runtime's spelling of one table reference, as pattern specs, without duplicates."""
    rows = find_rows(tables, kind, key)  # first: it names an unknown kind or a missing table
    owners = _owners(tables, kind) if KINDS[kind][0] in _NUMBER_COLUMNS else {}
    out: list[Derived] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.get("error") is False:
            continue  # close_notify and kin: a normal end, never evidence of a failure
        fields = _fields(kind, row, tables)
        row_key = _key(kind, row)
        for template in TEMPLATES[kind]:
            if template.alone and row.get(template.alone) is False:
                continue
            if template.unique:
                value = fields.get(template.unique)
                if value is None or owners.get(_raw_number(fields, template.unique), {row_key}) != {row_key}:
                    continue
            for text in _fill(template, fields):
                if (template.form, text) in seen:
                    continue
                seen.add((template.form, text))
                spec: dict[str, Any] = pattern_spec(template.form, text, template.weight, template.when,
                                                    template.implies, template.generic,
                                                    template.form == "literal" and template.case_sensitive)
                out.append(Derived(spec, kind, row_key, template.runtime, template.os))
    return out


def _raw_number(fields: Mapping[str, Any], field: str) -> Any:
    # Node's -errno on Unix is the OS number negated: collisions are those of the OS number.
    value = fields[field]
    if field == "node_linux":
        return fields.get("linux")
    if field == "node_macos":
        return fields.get("macos")
    return value


def derive_all(tables: Mapping[str, Mapping[str, Any]], refs: Mapping[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """The pattern specs for a rule's `match:` table references, e.g. {"errno": ["ECONNRESET"], "curl": [56]}."""
    specs: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for kind, keys in refs.items():
        for key in keys:
            for d in derive(tables, kind, key):
                form = "regex" if "regex" in d.spec else "literal"
                if (form, d.source) not in seen:
                    seen.add((form, d.source))
                    specs.append(d.spec)
    return specs


# Row fields that are a code's other names, shown on its page beside the derived texts.
_NAME_FIELDS = ("name", "windows_name", "node_code", "python_exception", "openssl", "go")


def spellings(tables: Mapping[str, Mapping[str, Any]], kind: str, key: Any) -> list[str]:
    """What a reference is also seen as, for its page: other names, then every plain text (translations too)."""
    out: list[str] = []
    for row in find_rows(tables, kind, key):
        if row.get("error") is False:
            continue
        for field in _NAME_FIELDS:
            value = row.get(field)
            if isinstance(value, str) and value not in out:
                out.append(value)
    out.extend(d.source for d in derive(tables, kind, key) if "literal" in d.spec and d.source not in out)
    return out


def suggest(tables: Mapping[str, Mapping[str, Any]], kind: str, key: Any) -> list[str]:
    """Row keys close to an unknown reference, for a "did you mean" (at most three)."""
    if kind not in KINDS or KINDS[kind][0] not in tables:
        return difflib.get_close_matches(str(kind), list(KINDS), n=3)
    names = {str(row.get(f)) for row in tables[KINDS[kind][0]]["rows"] for f in KINDS[kind][1] if row.get(f) is not None}
    wanted = str(key)
    close = difflib.get_close_matches(wanted, sorted(names), n=3, cutoff=0.6)
    return close or difflib.get_close_matches(wanted.upper(), sorted(names), n=3, cutoff=0.6)

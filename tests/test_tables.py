"""Error tables (rules/tables/*.yaml) and the spellings engine/tables.py derives from them.

The sample lines here are written out per runtime format, independently of the
templates in engine/tables.py, so a template that drifts from what a runtime really
prints fails here rather than silently matching nothing.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
import yaml

from engine.model import pattern_regex
from engine.redos import backtracking_risk
from engine.schema import validate
from engine.tables import KINDS, TableError, derive, derive_all, find_rows, index_tables, row_keys, validate_table

ROOT = Path(__file__).resolve().parent.parent
TABLE_DIR = ROOT / "rules" / "tables"
FILES = sorted(TABLE_DIR.glob("*.yaml"))
SCHEMA = json.loads((TABLE_DIR / "schema.json").read_text(encoding="utf-8"))
TABLES = index_tables(yaml.safe_load(f.read_text(encoding="utf-8")) for f in FILES)
ERRNO = TABLES["errno"]["rows"]
LANGUAGES = ("fr", "de", "es", "pt", "it", "ru", "pl", "zh_CN", "zh_TW", "ja", "ko")


_compile = functools.lru_cache(maxsize=None)(pattern_regex)


def _hits(kind: str, key: object, text: str) -> list[str]:
    """The derived patterns of one reference that match the text."""
    found = []
    for d in derive(TABLES, kind, key):
        form = "regex" if "regex" in d.spec else "literal"
        if _compile(form, d.source, d.spec.get("case_sensitive", False)).search(text):
            found.append(d.source)
    return found


# --- the table files ---------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_table_file_validates_against_the_schema(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert validate_table(data, SCHEMA) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_row_names_its_source(path):
    for row in yaml.safe_load(path.read_text(encoding="utf-8"))["rows"]:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        assert sources and all(s.startswith("https://") for s in sources), row


def test_schema_rejects_a_row_without_source_or_with_a_bad_field():
    data = {"table": "errno", "description": "a broken errno table", "rows": [
        {"name": "ECONNRESET", "family": "errno", "linux": 104, "macos": 54, "strerror": "Connection reset by peer"},
        {"name": "econnreset", "family": "errno", "linux": "104", "macos": 54, "strerror": "x", "source": "https://x.org/"},
    ]}
    issues = validate_table(data, SCHEMA)
    assert any("rows[0]" in i and "source" in i for i in issues)
    assert any("rows[1]" in i and "name" in i for i in issues)
    assert any("rows[1]" in i and "linux" in i for i in issues)


def test_schema_is_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in FILES:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, f"{path.name}: {errors[0].message}"


def test_tables_cover_what_the_issue_asks_for():
    names = {row["name"] for row in ERRNO}
    assert {"ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EPIPE",
            "ECONNABORTED", "EADDRINUSE", "EADDRNOTAVAIL", "EMFILE", "ENOBUFS", "EAI_AGAIN", "EAI_NONAME",
            "EPROTO", "ENOTCONN", "ESHUTDOWN", "EHOSTDOWN"} <= names
    curl = {row["code"] for row in TABLES["curl"]["rows"]}
    assert {6, 7, 28, 35, 52, 56, 60, 92} <= curl and max(curl) == 99
    verify = {row["code"]: row["message"] for row in TABLES["openssl-verify"]["rows"]}
    assert verify[20] == "unable to get local issuer certificate"
    alerts = {row["name"]: row for row in TABLES["tls-alert"]["rows"]}
    assert alerts["handshake_failure"]["openssl"] == "sslv3 alert handshake failure"
    assert alerts["unknown_ca"]["openssl"] == "tlsv1 alert unknown ca"
    assert {429, 529, 502, 503, 504} <= {row["code"] for row in TABLES["http-status"]["rows"]}
    assert {"ERR_CONNECTION_REFUSED", "ERR_NAME_NOT_RESOLVED", "ERR_CERT_AUTHORITY_INVALID"} <= {
        row["name"] for row in TABLES["net-error"]["rows"]}
    assert {"SEC_ERROR_UNKNOWN_ISSUER", "SSL_ERROR_BAD_CERT_DOMAIN"} <= {row["name"] for row in TABLES["nss"]["rows"]}


def test_libc_translations_cover_the_languages_for_every_errno_text():
    header = (TABLE_DIR / "strerror-l10n.yaml").read_text(encoding="utf-8").splitlines()[:3]
    assert any("libc-l10n 2.36-9+deb12u14" in line for line in header)
    rows = {row["msgid"]: row["translations"] for row in TABLES["strerror-l10n"]["rows"]}
    # glibc's Japanese catalog keeps "Broken pipe" in English (msgstr == msgid), so there is none to extract.
    untranslated = {("Broken pipe", "ja")}
    for row in ERRNO:
        missing = [lang for lang in LANGUAGES if lang not in rows[row["strerror"]] and (row["strerror"], lang) not in untranslated]
        assert not missing, f"{row['strerror']!r} has no {missing}"
    assert rows["Connection reset by peer"]["fr"] == "Connexion ré-initialisée par le correspondant"
    assert rows["Connection reset by peer"]["zh_CN"] == "连接被对方重设"


# --- every errno in every runtime's format -----------------------------------------

# (format, fields it needs, a line as that runtime prints it)
ERRNO_SAMPLES = [
    ("node-linux", ("node_linux",), "Error: {verb} {node_code} 10.0.0.2:443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {{\n  errno: {node_linux},\n  code: '{node_code}',\n  syscall: '{syscall}'\n}}"),
    ("node-windows", ("node_windows",), "  errno: {node_windows},\n  code: '{node_code}',"),
    ("node-json", (), '{{"errno":{node_linux},"code":"{node_code}","syscall":"{syscall}"}}'),
    ("python-linux", ("linux",), "OSError: [Errno {linux}] {strerror}"),
    ("python-macos", ("macos",), "OSError: [Errno {macos}] {macos_strerror}"),
    ("python-windows", ("windows_code",), "OSError: [WinError {windows_code}] {windows_message}"),
    ("python-repr", ("python_exception",), "('Connection aborted.', {python_exception}({linux}, '{strerror}'))"),
    ("python-repr-windows", ("python_exception", "windows_code"), "{python_exception}({windows_code}, '{windows_message}', None, {windows_code}, None)"),
    ("rust-linux", (), "Error: {strerror} (os error {linux})"),
    ("rust-macos", (), "Error: {macos_strerror} (os error {macos})"),
    ("rust-windows", ("windows_code",), "Error: {windows_message} (os error {windows_code})"),
    ("rust-debug", ("rust_kind",), 'Err(Os {{ code: {linux}, kind: {rust_kind}, message: "{strerror}" }})'),
    ("dotnet-windows", ("windows_code",), "System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by the remote host.".replace("10054", "{windows_code}").replace("An existing connection was forcibly closed by the remote host.", "{windows_message}")),
    ("dotnet-linux", (), "System.Net.Sockets.SocketException ({linux}): {strerror}"),
    ("dotnet-macos", (), "System.Net.Sockets.SocketException ({macos}): {macos_strerror}"),
    ("go-linux", ("family=errno",), "Get \"https://api.example.com/v1\": {go_op} tcp 10.0.0.1:51234->10.0.0.2:443: {go_syscall}: {strerror_lc}"),
    ("go-darwin", ("family=errno",), "dial tcp 10.0.0.2:443: {go_syscall}: {macos_strerror_lc}"),
    ("go-windows", ("windows_message", "family=errno"), "read tcp 127.0.0.1:2333->127.0.0.1:52695: wsarecv: {windows_message}"),
    ("go-lookup", ("go",), "dial tcp: lookup api.example.com on 127.0.0.53:53: {go}"),
    ("java", ("java",), "Exception in thread \"main\" {java}\n\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:330)"),
    ("ruby", ("family=errno",), "Errno::{name}: {strerror} - connect(2) for \"api.example.com\" port 443"),
    ("erlang", ("erlang",), "** exception error: no match of right hand side value {{error,{erlang}}}"),
    ("elixir", ("erlang",), "%Mint.TransportError{{reason: :{erlang}}}"),
    ("winsock-name", ("windows_name",), "WSAGetLastError() returned {windows_name}"),
]


def _errno_fields(row: dict) -> dict:
    f = dict(row)
    f.setdefault("node_code", row["name"])
    f.setdefault("macos_strerror", row["strerror"])
    f["strerror_lc"] = row["strerror"].lower()
    f["macos_strerror_lc"] = f["macos_strerror"].lower()
    f["verb"] = "getaddrinfo" if row["family"] == "gai" else "connect"
    f["syscall"] = f["verb"]
    f["go_op"], f["go_syscall"] = ("dial", "connect") if row["name"] == "ECONNREFUSED" else ("read", "read")
    if row["family"] == "errno":
        f.setdefault("erlang", row["name"].lower())
    for key in ("java", "go"):
        if key in f:
            f[key] = f[key][0]
    return f


def _errno_cases():
    for row in ERRNO:
        fields = _errno_fields(row)
        for fmt, needs, line in ERRNO_SAMPLES:
            ok = all((fields.get(n.split("=")[0]) == n.split("=")[1]) if "=" in n else n in fields for n in needs)
            if ok:
                yield pytest.param(row["name"], line.format(**fields), id=f"{row['name']}-{fmt}")


@pytest.mark.parametrize(("name", "line"), list(_errno_cases()))
def test_every_errno_in_every_runtime_format_is_recognised(name, line):
    assert _hits("errno", name, line), f"no pattern of {name} matches:\n{line}"


def test_every_errno_has_samples_for_the_main_runtimes():
    formats = {case.id.split("-", 1)[1] for case in _errno_cases()}
    assert {"node-linux", "python-linux", "python-windows", "rust-linux", "dotnet-windows", "go-linux", "java",
            "python-macos", "node-windows"} <= formats


@pytest.mark.parametrize("row", ERRNO, ids=lambda r: r["name"])
def test_localised_strerror_texts_are_recognised(row):
    translations = {r["msgid"]: r["translations"] for r in TABLES["strerror-l10n"]["rows"]}[row["strerror"]]
    if row.get("text_alone") is False:
        pytest.skip("the English text is too vague alone, so are its translations")
    for lang in (lang for lang in LANGUAGES if lang in translations):
        line = f"curl: (56) Recv failure: {translations[lang]}" if row["name"] == "ECONNRESET" else f"error: {translations[lang]}"
        assert _hits("errno", row["name"], line), f"{row['name']} in {lang}: {line}"


@pytest.mark.parametrize("row", TABLES["winsock-l10n"]["rows"], ids=lambda r: f"{r['code']}-{next(iter(r['translations']))}")
def test_localised_windows_messages_are_recognised(row):
    name = next(r["name"] for r in ERRNO if r.get("windows_code") == row["code"])
    for text in row["translations"].values():
        assert _hits("errno", name, f"ConnectionResetError: [WinError {row['code']}] {text}")
        assert _hits("errno", name, f"System.IO.IOException: Unable to read data from the transport connection: {text}.")


def test_a_number_two_systems_share_needs_its_message():
    # Linux 100 is ENETDOWN, macOS 100 is EPROTO: the number alone names neither.
    assert not _hits("errno", "ENETDOWN", "OSError: [Errno 100] Protocol error")
    assert not _hits("errno", "EPROTO", "OSError: [Errno 100] Network is down")
    assert _hits("errno", "ENETDOWN", "OSError: [Errno 100] Network is down")
    assert _hits("errno", "EPROTO", "OSError: [Errno 100] Protocol error")
    # macOS numbers are Linux's other errors (61 is ENODATA there), so they always need the text.
    assert not _hits("errno", "ECONNREFUSED", "OSError: [Errno 61] No data available")
    assert _hits("errno", "ECONNREFUSED", "ConnectionRefusedError: [Errno 61] Connection refused")


# --- curl, OpenSSL, TLS alerts, HTTP, APIs, browsers ------------------------------


@pytest.mark.parametrize("row", TABLES["curl"]["rows"], ids=lambda r: str(r["code"]))
def test_every_curl_code_is_recognised(row):
    code, name = row["code"], row["name"]
    for line in (f"curl: ({code}) something went wrong", f"cURL error {code}: see https://curl.haxx.se/libcurl/c/libcurl-errors.html",
                 f"error: RPC failed; curl {code} transfer closed", f"pycurl.error: ({code}, 'x')",
                 f"curl_easy_perform() failed: {name}", f"[{code}] {row['message']}"):
        assert _hits("curl", code, line), line
    assert not _hits("curl", code, f"curl: ({code + 100}) x")


@pytest.mark.parametrize("row", TABLES["openssl-verify"]["rows"], ids=lambda r: str(r["code"]))
def test_every_openssl_verify_code_is_recognised(row):
    code, name, message = row["code"], row["name"], row["message"]
    for line in (f"verify error:num={code}:{message}", f"Verify return code: {code} ({message})", f"error {name} at 0 depth",
                 f"ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message} (_ssl.c:1006)",
                 f"curl: (60) SSL certificate problem: {message}"):
        assert _hits("openssl_verify", code, line), line
    if "node_code" in row:
        line = f"Error: {message}\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1659:34) {{\n  code: '{row['node_code']}'\n}}"
        assert _hits("openssl_verify", code, line), line


ALERT_ROWS = [r for r in TABLES["tls-alert"]["rows"] if r.get("error") is not False]


@pytest.mark.parametrize("row", ALERT_ROWS, ids=lambda r: r["name"])
def test_every_tls_alert_spelling_is_recognised(row):
    name = row["name"]
    lines = [f"javax.net.ssl.SSLHandshakeException: Received fatal alert: {name}",
             f"... SSL routines:ssl3_read_bytes:x:../ssl/record/rec_layer_s3.c:1584:SSL alert number {row['code']}",
             f"A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is {row['code']}."]
    if "openssl" in row:
        lines += [f"error:0A000410:SSL routines::{row['openssl']}",
                  f"ssl.SSLError: [SSL: {row['openssl'].upper().replace(' ', '_')}] {row['openssl']} (_ssl.c:1006)",
                  f"code: 'ERR_SSL_{row['openssl'].upper().replace(' ', '_')}'"]
    if "go" in row:
        lines.append(f'Get "https://example.com": remote error: tls: {row["go"]}')
    if "rustls" in row:
        lines += [f"Custom {{ kind: InvalidData, error: AlertReceived({row['rustls']}) }}", f"received fatal alert: {row['rustls']}"]
    if "erlang_atom" in row:
        lines.append(f"{{error,{{tls_alert,{{{row['erlang_atom']},\"TLS client: In state hello received SERVER ALERT: Fatal - {row['erlang']}\\n\"}}}}}}")
        lines.append(f"TLS client: In state hello received SERVER ALERT: Fatal - {row['erlang']}")
    for line in lines:
        assert _hits("tls_alert", name, line), line


def test_close_notify_is_not_an_error():
    assert derive(TABLES, "tls_alert", "close_notify") == []


@pytest.mark.parametrize("row", TABLES["http-status"]["rows"], ids=lambda r: str(r["code"]))
def test_every_http_status_is_recognised(row):
    code = row["code"]
    for line in (f"HTTP/1.1 {code} {row['reason']}", f"Error: Request failed with status code {code}",
                 f"requests.exceptions.HTTPError: {code} Client Error: {row['reason']} for url: https://x.org/",
                 f"statusCode: {code}"):
        if " Client Error" in line and code >= 500:
            line = line.replace("Client Error", "Server Error")
        assert _hits("http_status", code, line), line
    assert not _hits("http_status", code, f"processed {code} items")


@pytest.mark.parametrize("row", TABLES["api-error"]["rows"], ids=lambda r: f"{r['provider']}-{r.get('code') or r.get('type') or r['status']}")
def test_every_api_error_is_recognised(row):
    key = row.get("code") or row.get("type") or row["message"]
    lines = []
    if "type" in row:
        lines.append(f"Error code: {row['status']} - {{'type': 'error', 'error': {{'type': '{row['type']}', 'message': 'x'}}}}")
    if "code" in row:
        lines.append(f'{{"error": {{"message": "x", "type": "x", "code": "{row["code"]}"}}}}')
    if "message" in row and row.get("text_alone") is not False:
        lines.append(f"{row['message']}.")
    for line in lines:
        assert _hits("api_error", key, line), line


@pytest.mark.parametrize("row", TABLES["net-error"]["rows"], ids=lambda r: r["name"])
def test_every_browser_net_error_is_recognised(row):
    assert _hits("net_error", row["name"], f"GET https://api.example.com/v1 net::{row['name']}")


@pytest.mark.parametrize("row", TABLES["nss"]["rows"][:400], ids=lambda r: r["name"])
def test_every_firefox_error_code_is_recognised(row):
    assert _hits("nss", row["name"], f"Secure Connection Failed ... Error code: {row['name']}")


# --- honest scores -----------------------------------------------------------------

NOT_NETWORK = [
    "KeyError: 'timeout'",
    "FileNotFoundError: [Errno 2] No such file or directory: 'config.yaml'",
    "OSError: [Errno 28] No space left on device",
    "OSError: [Errno 61] No data available",
    "PermissionError: [Errno 13] Permission denied: '/var/run/docker.sock'",
    "Error: ENOENT: no such file or directory, open '/app/.env'\n  errno: -2,\n  code: 'ENOENT',\n  syscall: 'open'",
    "src/api.ts(12,5): error TS2345: Argument of type 'string' is not assignable to parameter of type 'RequestInit'.",
    "processed 104 items in 54 ms, wrote 10054 bytes, 111 warnings, 60 skipped",
    "Listening on http://0.0.0.0:10061 (pid 4077)",
    "Process finished with exit code 56",
    "HTTP/1.1 200 OK",
    "assert response.status_code == 200",
    "Test failed: expected 429 to equal 200",
    "thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }'",
    "error[E0308]: mismatched types",
    "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null",
    "System.IO.FileNotFoundException: Could not find file 'C:\\app\\config.json'.",
    "open /etc/app.conf: no such file or directory",
    "** exception error: no match of right hand side value {error,enoent}",
    "adb: error: failed to read copy response: Protocol error",
    "TypeError: Cannot read properties of undefined (reading 'status')",
    "Connection: keep-alive",
    "warning: in the working copy of 'a.txt', LF will be replaced by CRLF",
    "retrying in 104 ms (attempt 3 of 110)",
    "Build #4078 finished in 3001 ms",
    "MemoryError: OUT_OF_MEM while resizing buffer; INVALID_CA_BUNDLE_PATH unset",
]


def _all_derived():
    for kind in KINDS:
        for key in row_keys(TABLES, kind):
            yield from derive(TABLES, kind, key)


ALL = list(_all_derived())


def test_no_derived_pattern_matches_non_network_lines():
    hits = []
    for d in ALL:
        form = "regex" if "regex" in d.spec else "literal"
        regex = _compile(form, d.source, d.spec.get("case_sensitive", False))
        hits += [(d.kind, d.key, d.source, line) for line in NOT_NETWORK if regex.search(line)]
    assert not hits, "\n".join(map(str, hits[:20]))


def test_derived_patterns_are_valid_rule_patterns_and_linear():
    rule_schema = json.loads((ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))
    pattern_schema = {"$defs": rule_schema["$defs"], "allOf": [{"$ref": "#/$defs/pattern"}]}
    for d in ALL:
        assert validate(d.spec, pattern_schema) == [], d.spec
        if "regex" in d.spec:
            re.compile(d.source)
            assert backtracking_risk(d.source) is None, d.source


# --- the reference API -------------------------------------------------------------


def test_references_accept_names_numbers_and_prefixes():
    assert find_rows(TABLES, "errno", "WSAECONNRESET")[0]["name"] == "ECONNRESET"
    assert find_rows(TABLES, "errno", "ENOTFOUND")[0]["name"] == "EAI_NONAME"
    assert find_rows(TABLES, "curl", "CURLE_RECV_ERROR")[0]["code"] == 56
    assert find_rows(TABLES, "openssl_verify", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY")[0]["code"] == 20
    assert find_rows(TABLES, "tls_alert", 40)[0]["name"] == "handshake_failure"
    assert find_rows(TABLES, "net_error", "net::ERR_CONNECTION_RESET")[0]["code"] == -101
    # A type names the type, not every code that comes with it.
    assert all("code" not in r for r in find_rows(TABLES, "api_error", "invalid_request_error"))


def test_unknown_references_are_errors():
    with pytest.raises(TableError):
        find_rows(TABLES, "errno", "ECONNRESETT")
    with pytest.raises(TableError):
        find_rows(TABLES, "nope", "x")


def test_derive_all_merges_a_rules_references_without_duplicates():
    specs = derive_all(TABLES, {"errno": ["ECONNRESET", "WSAECONNRESET"], "curl": [56], "net_error": ["ERR_CONNECTION_RESET"]})
    sources = [s.get("regex") or s.get("literal") for s in specs]
    assert len(sources) == len(set(sources))
    assert r"\[Errno 104\]" in sources and r"\bcurl: \(56\)" in sources and r"\bnet::ERR_CONNECTION_RESET\b" in sources


def test_tables_module_is_standard_library_only():
    source = (ROOT / "engine" / "tables.py").read_text(encoding="utf-8")
    imports = set(re.findall(r"^(?:from|import) ([\w.]+)", source, re.M))
    assert imports <= {"__future__", "difflib", "re", "dataclasses", "typing", ".schema", ".model"}, imports

"""Facts read from a paste: named values (host, port, status...) that the answer can quote.

One mechanism for every rule: a table of fact patterns that any paste of a
common shape shows (Node's error properties, getaddrinfo and connect messages,
curl's lines, URLs, API JSON bodies). A rule's own patterns may add facts with
named groups (`(?P<host>...)`) where the table cannot see them; those win.
Facts are plain text, cut short, never markup: front ends insert them as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["FACT_NAMES", "MAX_FACT", "clean", "extract", "merge"]

# The names a fact (and a rule pattern's named group) may have, in the order answers show them.
FACT_NAMES: tuple[str, ...] = (
    "host",
    "port",
    "address",
    "syscall",
    "errno",
    "url",
    "proxy",
    "status",
    "error_type",
    "request_id",
    "model",
    "timeout_ms",
    "tls_version",
    "cert_names",
    "cert_dates",
)

MAX_FACT = 200  # a fact is a value, not a paragraph

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
# An address then :port, the port not followed by more of an address (so ::1:3000 is ::1 and 3000).
_ADDR_PORT = r"(?P<address>(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]+?):(?P<port>\d{1,5})(?![\w:.])"
# The same, bracketed as Go and URLs write IPv6 ([::1]:5432).
_ADDR_PORT_BR = r"\[(?P<address>[0-9A-Fa-f:.]+)\]:(?P<port>\d{1,5})\b"

# (pattern, {group: scale}): each named group is a fact; scale turns seconds into timeout_ms.
# Earlier rows win for the same fact, so the most telling shapes come first.
_TABLE: tuple[tuple[str, Mapping[str, float]], ...] = (
    # Node's error properties, one per line: hostname: 'x', port: 443, syscall: 'connect'...
    (r"^[ \t]+hostname: '(?P<host>" + _HOST + r")',?$", {}),
    (r"^[ \t]+address: '(?P<address>[0-9A-Fa-f:.]+)',?$", {}),
    (r"^[ \t]+port: (?P<port>\d{1,5}),?$", {}),
    (r"^[ \t]+syscall: '(?P<syscall>\w+)',?$", {}),
    (r"^[ \t]+errno: (?P<errno>-?\d+),?$", {}),
    # getaddrinfo ENOTFOUND host, connect ECONNREFUSED ::1:3000, read ECONNRESET
    (r"\b(?P<syscall>getaddrinfo) (?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL) (?P<host>" + _HOST + r")", {}),
    (r"\b(?P<syscall>connect|read|write|bind|listen) E[A-Z]+ " + _ADDR_PORT_BR, {}),
    (r"\b(?P<syscall>connect|read|write|bind|listen) E[A-Z]+ " + _ADDR_PORT, {}),
    (r"\b(?P<syscall>connect|read|write|getaddrinfo|bind|listen) E[A-Z]{3,}\b", {}),
    # undici: (attempted address: api.anthropic.com:443, timeout: 10000ms)
    (r"attempted address: (?P<host>" + _HOST + r"):(?P<port>\d{1,5}), timeout: (?P<timeout_ms>\d+)ms", {}),
    # Node's altname message: Host: x. is not in the cert's altnames: DNS:a, DNS:b
    (r"\bHost: (?P<host>" + _HOST + r")\.? is not in the cert's altnames: (?P<cert_names>[^\n]+?)\s*$", {}),
    (r"\bIP: (?P<address>[0-9A-Fa-f:.]+) is not in the cert's list: (?P<cert_names>[^\n]+?)\s*$", {}),
    # Go: x509: certificate is valid for a, b, not c
    (r"\bcertificate is valid for (?P<cert_names>[^\n]+?), not (?P<host>" + _HOST + r")", {}),
    # Python: hostname 'x' doesn't match 'y' / Hostname mismatch, certificate is not valid for 'x'
    (r"\bhostname '(?P<host>" + _HOST + r")' doesn't match (?P<cert_names>'[^'\n]+'(?:, '[^'\n]+')*)", {}),
    (r"\bcertificate is not valid for '(?P<host>" + _HOST + r")'", {}),
    # curl: no alternative certificate subject name matches target host name 'x'
    (r"\bmatches target host name '(?P<host>" + _HOST + r")'", {}),
    (r"^\*\s+expire date: (?P<cert_dates>[^\n]+?)\s*$", {}),
    # Go: current time 2024-... is after 2024-...
    (r"\bcurrent time (?P<cert_dates>\S+ is (?:after|before) \S+)", {}),
    # curl's connection lines and exit messages.
    (r"\bCould not resolve host: (?P<host>" + _HOST + r")", {}),
    (r"\bCould not resolve proxy: (?P<proxy>" + _HOST + r")", {}),
    (r"\bFailed to connect to (?P<host>" + _HOST + r") port (?P<port>\d{1,5})", {}),
    (r"\b(?:Connection|Operation|Resolving) timed out after (?P<timeout_ms>\d+) milliseconds", {}),
    (r"\bUses proxy env variable \w+ == '(?P<proxy>[^'\s]+)'", {}),
    # Python: urllib3 pools, name resolution, timeouts in seconds.
    (r"\b(?:HTTPS?ConnectionPool|ProxyPool)\(host='(?P<host>" + _HOST + r")', port=(?P<port>\d{1,5})\)", {}),
    (r"\bFailed to resolve '(?P<host>" + _HOST + r")'", {}),
    # aiohttp: Cannot connect to host localhost:8080 ssl:default [... Connect call failed ('::1', 8080, 0, 0)
    (r"\bCannot connect to host (?P<host>" + _HOST + r"):(?P<port>\d{1,5})\b", {}),
    (r"\bConnect call failed \('(?P<address>[0-9A-Fa-f:.]+)', (?P<port>\d{1,5})", {}),
    (r"\[(?:Errno|WinError) (?P<errno>-?\d+)\]", {}),
    (r"\((?:read|connect) timeout=(?P<timeout_ms>\d+(?:\.\d+)?)\)", {"timeout_ms": 1000.0}),
    # Go: lookup host on 127.0.0.53:53, dial tcp 10.0.0.1:443
    (r"\blookup (?P<host>" + _HOST + r")(?: on [\w.:\[\]%-]+)?: ", {}),
    (r"\bdial tcp[46]? " + _ADDR_PORT_BR, {}),
    (r"\bdial tcp[46]? " + _ADDR_PORT, {}),
    # Java: Certificate for <x> doesn't match any of the subject alternative names: [a, b]
    (r"\bCertificate for <(?P<host>" + _HOST + r")> doesn't match any of the subject alternative names: \[(?P<cert_names>[^\]\n]+)\]", {}),
    (r"\bNo subject alternative (?:DNS )?names? matching (?:IP address )?(?P<host>" + _HOST + r") found", {}),
    (r"\bConnect to (?P<host>" + _HOST + r"):(?P<port>\d{1,5})\b", {}),
    # Java
    (r"\bUnknownHostException: (?P<host>" + _HOST + r")", {}),
    # axios: timeout of 5000ms exceeded; generic: timed out after 30000ms
    (r"\btimeout of (?P<timeout_ms>\d+)ms exceeded", {}),
    (r"\btimed? ?out after (?P<timeout_ms>\d+) ?ms\b", {}),
    (r"\bAPI_TIMEOUT_MS=(?P<timeout_ms>\d+)", {}),
    # API JSON bodies (JSON or a Python dict's repr) and HTTP status lines.
    (r"[\"']type[\"']:\s*[\"'](?P<error_type>[a-z_]+_error)[\"']", {}),
    (r"[\"']request_id[\"']:\s*[\"'](?P<request_id>[\w-]{6,})[\"']", {}),
    (r"\brequest[-_]id:?\s+(?P<request_id>req_[\w-]{6,})", {}),
    (r"\b(?P<request_id>req_[A-Za-z0-9]{16,})\b", {}),
    (r"[\"']model[\"']:\s*[\"'](?P<model>[\w.:@/-]{2,80})[\"']", {}),
    (r"\bmodel: (?P<model>claude-[\w.-]+)", {}),
    (r"\b(?i:Error code|API Error|status(?: code)?|statusCode|HTTP status)[:=]? (?P<status>[1-5]\d\d)\b", {}),
    (r"\bdoes not indicate success: (?P<status>[1-5]\d\d)\b", {}),
    (r"[\"']status[\"']:\s*(?P<status>[1-5]\d\d)\b", {}),
    (r"\bHTTP/[\d.]+ (?P<status>[1-5]\d\d)\b", {}),
    (r"^(?P<status>[45]\d\d) \{", {}),
    # Proxies in the environment or in messages.
    (r"\b(?:HTTPS?|ALL)_PROXY=(?P<proxy>\S+)", {}),
    (r"(?i:https?_proxy)[=:]\s*(?P<proxy>https?://\S+)", {}),
    # TLS versions
    (r"\b(?P<tls_version>TLSv1(?:\.[0-3])?|SSLv[23])\b", {}),
    (r"\b(?P<tls_version>TLS 1\.[0-3])\b", {}),
    # Any URL (the first one is usually the request).
    (r"(?P<url>https?://[^\s'\"<>()\[\]{}`]+[^\s'\"<>()\[\]{}`.,;:!?])", {}),
)

_COMPILED = tuple((re.compile(p, re.MULTILINE), scales) for p, scales in _TABLE)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")
_SEARCH_LIMIT = 200_000  # facts come from the head of a huge paste; matching reads it all


def clean(value: str) -> str:
    """A fact value as shown: one line, no control characters, at most MAX_FACT characters."""
    value = _UNPRINTABLE.sub(" ", value).strip()
    return value if len(value) <= MAX_FACT else value[: MAX_FACT - 1] + "…"


def _scaled(value: str, scale: float | None) -> str:
    if not scale:
        return value
    return str(int(round(float(value) * scale)))


def extract(text: str) -> dict[str, str]:
    """The facts the generic table reads from a paste: {name: value}, first shape wins."""
    found: dict[str, str] = {}
    head = text[:_SEARCH_LIMIT]
    for regex, scales in _COMPILED:
        if all(name in found for name in regex.groupindex):
            continue
        m = regex.search(head)
        if m is None:
            continue
        for name, value in m.groupdict().items():
            if value and name not in found:
                found[name] = clean(_scaled(value, scales.get(name)))
    return found


def merge(*layers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Facts from several sources in FACT_NAMES order; an earlier layer wins a name."""
    out: dict[str, str] = {}
    for layer in layers:
        for name, value in dict(layer).items():
            if value and name not in out:
                out[name] = value
    return {name: out[name] for name in FACT_NAMES if name in out}

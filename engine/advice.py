"""Advice a page cannot give: checks that read the facts of one paste.

Each check is small and data-driven; each yields Advice (plain text, never
markup; `rows` are label/value pairs a front end may show side by side).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .model import Match

__all__ = ["Advice", "ADVICE_CHECKS", "TIMEOUT_DEFAULTS", "TimeoutDefault", "WELL_KNOWN_HOSTS", "advise", "edit_distance", "typo_of"]


@dataclass(frozen=True)
class Advice:
    """One piece of advice: its kind, a sentence, and optional (label, value) rows."""

    kind: str
    text: str
    rows: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        """As JSON: {"kind", "text", "rows": [[label, value], ...]}."""
        return {"kind": self.kind, "text": self.text, "rows": [list(r) for r in self.rows]}


# Hosts readers mistype in base URLs, registries and proxies' allow lists.
WELL_KNOWN_HOSTS: tuple[str, ...] = (
    "api.anthropic.com",
    "console.anthropic.com",
    "claude.ai",
    "api.openai.com",
    "registry.npmjs.org",
    "registry.yarnpkg.com",
    "github.com",
    "api.github.com",
    "raw.githubusercontent.com",
    "objects.githubusercontent.com",
    "pypi.org",
    "files.pythonhosted.org",
    "proxy.golang.org",
    "repo.maven.apache.org",
    "repo1.maven.org",
    "registry-1.docker.io",
    "index.docker.io",
    "generativelanguage.googleapis.com",
    "bedrock-runtime.us-east-1.amazonaws.com",
)
# Real hosts one or two edits from a well-known one: never a typo.
_NOT_TYPOS = frozenset({"gitlab.com", "gitea.com", "pypy.org", "api.github.io", "github.io", "gist.github.com", "api.openai.azure.com"})


def edit_distance(a: str, b: str, cap: int = 3) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit), stopping past `cap`."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > cap:
            return cap + 1
        prev2, prev = prev, cur
    return prev[-1]


def typo_of(host: str) -> str | None:
    """The well-known host that `host` looks like a typo of (1 edit; 2 for long names), or None."""
    host = host.lower().rstrip(".")
    if host in WELL_KNOWN_HOSTS or host in _NOT_TYPOS or not host:
        return None
    best: tuple[int, str] | None = None
    for known in WELL_KNOWN_HOSTS:
        # Short names are close to many real ones (github.com / gitlab.com): one edit only.
        allowed = 1 if len(known) <= 10 else 2
        d = edit_distance(host, known, allowed)
        if 0 < d <= allowed and (best is None or d < best[0]):
            best = (d, known)
    return best[1] if best else None


def _typo(match: Match, facts: Mapping[str, str]) -> Iterable[Advice]:
    seen = set()
    for name in ("host", "proxy"):
        value = facts.get(name, "")
        host = re.sub(r"^\w+://|[:/].*$", "", value)
        wanted = typo_of(host) if host else None
        if wanted and host not in seen:
            seen.add(host)
            yield Advice("typo", f"Did you mean {wanted}? The paste has {host}, which is one letter or two away from it.", (("In the paste", host), ("Did you mean", wanted)))


def _ipv6_localhost(match: Match, facts: Mapping[str, str]) -> Iterable[Advice]:
    # Node 17.0.0 made dns.lookup() return addresses in the resolver's order
    # (verbatim=true; nodejs/node#39987, doc/api/dns.md "verbatim" changes), so
    # `localhost` is tried as ::1 first while many dev servers listen on 127.0.0.1 only.
    if facts.get("address", "").strip("[]") == "::1" and match.rule.id in ("econnrefused", "fetch-failed", "etimedout"):
        yield Advice(
            "ipv6-localhost",
            "The connection went to ::1, the IPv6 localhost. Since Node.js 17, `localhost` resolves to ::1 first; "
            "if the server listens on 127.0.0.1 only, connect to 127.0.0.1 instead of localhost, make the server "
            "listen on :: too, or start Node with --dns-result-order=ipv4first.",
        )


def _cert_names(match: Match, facts: Mapping[str, str]) -> Iterable[Advice]:
    names, host = facts.get("cert_names"), facts.get("host") or facts.get("address")
    if names and host:
        yield Advice(
            "cert-names",
            f"The certificate does not name the host you connected to: it is valid for {names}, not {host}.",
            (("Certificate is valid for", names), ("You connected to", host)),
        )


@dataclass(frozen=True)
class TimeoutDefault:
    """A tool's documented default timeout, the paste shapes that show the tool, and the source."""

    tool: str
    default_ms: int
    contexts: tuple[str, ...]  # the paste came from one of these...
    shape: str  # ...or shows this (a regex), for tools without a context of their own
    source: str


# Only defaults read in the tools' own docs; the URL is where.
TIMEOUT_DEFAULTS: tuple[TimeoutDefault, ...] = (
    # undici's buildConnector: `timeout` "The connection timeout in milliseconds ... Default: 10e3"
    # (docs/docs/api/Connector.md).
    TimeoutDefault("undici (Node fetch) connect", 10_000, (), r"UND_ERR_CONNECT_TIMEOUT|ConnectTimeoutError", "https://github.com/nodejs/undici/blob/main/docs/docs/api/Connector.md"),
    # undici: headersTimeout and bodyTimeout Default 300e3 ms (docs/api/Client.md).
    TimeoutDefault("undici (Node fetch) headers/body", 300_000, (), r"UND_ERR_(?:HEADERS|BODY)_TIMEOUT|(?:Headers|Body)TimeoutError", "https://github.com/nodejs/undici/blob/main/docs/docs/api/Client.md"),
    # The Anthropic SDKs: "Requests time out after 10 minutes by default" (README, "Timeouts");
    # Python: DEFAULT_TIMEOUT = Timeout(timeout=10 * 60, connect=5.0) in src/anthropic/_constants.py.
    # (Claude Code's own API_TIMEOUT_MS default is not documented, so it gets no row.)
    TimeoutDefault("the Anthropic Python SDK", 600_000, ("anthropic-sdk-python",), r"(?!)", "https://github.com/anthropics/anthropic-sdk-python#timeouts"),
    TimeoutDefault("the Anthropic TypeScript SDK", 600_000, ("anthropic-sdk-typescript",), r"(?!)", "https://github.com/anthropics/anthropic-sdk-typescript#timeouts"),
    # libcurl: CURLOPT_CONNECTTIMEOUT "DEFAULT 300" seconds (its man page); only the connect phase has a
    # default ("Operation timed out" is --max-time, which has none).
    TimeoutDefault("curl's connect phase", 300_000, (), r"\bConnection timed out after \d+ milliseconds", "https://curl.se/libcurl/c/CURLOPT_CONNECTTIMEOUT.html"),
)
_TIMEOUT_SHAPES = tuple((t, re.compile(t.shape)) for t in TIMEOUT_DEFAULTS)


def _seconds(ms: int) -> str:
    s = ms / 1000
    return f"{s:.3g} s" if s < 120 else f"{s / 60:.3g} min"


def _timeout(match: Match, facts: Mapping[str, str], text: str = "") -> Iterable[Advice]:
    value = facts.get("timeout_ms", "")
    if not value.isdigit():
        return
    ms = int(value)
    for default, shape in _TIMEOUT_SHAPES:
        if match.context in default.contexts or shape.search(text):
            # Tools report the time they waited, a little past the limit (curl: 300001 ms for 300 s).
            if abs(ms - default.default_ms) <= default.default_ms * 0.02:
                verdict = "which is the default: nothing set a shorter one, the other side was just slow or unreachable"
            elif ms < default.default_ms:
                verdict = f"shorter than the default of {_seconds(default.default_ms)}: something set a tighter limit"
            else:
                verdict = f"longer than the default of {_seconds(default.default_ms)}"
            yield Advice(
                "timeout",
                f"It gave up after {ms} ms ({_seconds(ms)}), {verdict} ({default.tool}; {default.source}).",
                (("Timed out after", f"{ms} ms"), (f"Default of {default.tool}", f"{default.default_ms} ms")),
            )
            return


def _support(match: Match, facts: Mapping[str, str]) -> Iterable[Advice]:
    status, kind, request = facts.get("status"), facts.get("error_type"), facts.get("request_id")
    if not request or not (status or kind):
        return
    answered = " ".join(x for x in (status, kind) if x)
    rows = tuple((label, v) for label, v in (("Status", status), ("Error type", kind), ("Request id", request)) if v)
    yield Advice("support", f"The API answered {answered}. If you contact support, quote the request id {request}.", rows)


Check = Callable[..., Iterable[Advice]]
ADVICE_CHECKS: tuple[Check, ...] = (_typo, _ipv6_localhost, _cert_names, _support)


def advise(match: Match, text: str = "") -> list[Advice]:
    """All advice for one match, from its facts (and the paste, for the tool a timeout belongs to)."""
    facts = dict(match.facts)
    out: list[Advice] = []
    for check in ADVICE_CHECKS:
        out.extend(check(match, facts))
    out.extend(_timeout(match, facts, text))
    return out

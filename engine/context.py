"""Guess which runtime or tool printed a paste, from its shape."""

from __future__ import annotations

import functools
import re

from .runtimes import PARENTS

__all__ = ["PARENTS", "Contexts", "detect", "is_within"]

# (context, weight, pattern). Weights combine as independent evidence.
_SIGNALS: tuple[tuple[str, float, str], ...] = (
    # Node.js
    ("node", 0.9, r"^[ \t]+at .+\((?:node:internal|internal/)[^)]*\)"),
    ("node", 0.8, r"\bnode:(?:internal|events|net|tls|http|https|dns|_http_\w+)\b"),
    ("node", 0.7, r"^[ \t]+(?:errno|code|syscall|hostname|address|port): (?:-?\d+|'[^'\n]*'),?$|\bsyscall: '\w+'"),
    ("node", 0.6, r"\[cause\]:|\bcause: (?:\w*Error|\[Error)"),
    ("node", 0.7, r"\bat (?:TLSWrap|TCPConnectWrap|GetAddrInfoReqWrap|Socket\.\w+|ClientRequest\.\w+)\b"),
    ("node", 0.6, r"^Node\.js v\d+|\(node:\d+\)|\bUND_ERR_[A-Z_]+|\bTypeError: fetch failed"),
    ("node", 0.5, r"^[ \t]+at .+ \(.+\.(?:m?js|cjs|ts):\d+:\d+\)$|node_modules/"),
    # Python
    ("python", 0.95, r"^Traceback \(most recent call last\):"),
    ("python", 0.8, r'^[ \t]*File "[^"]+", line \d+'),
    ("python", 0.8, r"\b(?:requests|urllib3|httpx|httpcore|aiohttp|ssl|socket|http\.client)\.(?:exceptions\.)?[A-Z]\w*(?:Error|Exception|Timeout)\b"),
    ("python", 0.6, r"\[(?:Errno|WinError) -?\d+\]|\bsite-packages[/\\]"),
    ("python", 0.5, r"\b(?:Connection|ConnectionReset|ConnectionRefused|TimeoutError|BrokenPipe)Error\(\d+, '"),
    # Anthropic Python SDK
    ("anthropic-sdk-python", 0.95, r"\banthropic\.(?:_exceptions\.)?[A-Z]\w*(?:Error|Exception)\b"),
    ("anthropic-sdk-python", 0.8, r"site-packages[/\\]anthropic[/\\]|\bfrom anthropic import\b|anthropic\.Anthropic\("),
    # Anthropic TypeScript SDK
    ("anthropic-sdk-typescript", 0.95, r"node_modules[/\\]@anthropic-ai[/\\]sdk\b"),
    ("anthropic-sdk-typescript", 0.7, r"@anthropic-ai/sdk\b|\bAPIConnection(?:Timeout)?Error: (?:Connection error|Request timed out)\.$"),
    # curl (and PHP's libcurl wrapper)
    ("curl", 0.95, r"^curl: \(\d+\)"),
    ("curl", 0.8, r"^\* (?:Trying|Connected to|ALPN|TLSv1|SSL connection|Could not resolve|Failed to connect|Closing connection|Recv failure|OpenSSL|Connection #\d|Uses proxy|Establish HTTP proxy tunnel|CONNECT tunnel|Host )"),
    ("curl", 0.5, r"^[<>] (?:GET|POST|HEAD|PUT|HTTP/[\d.]+|Host:|User-Agent: curl)"),
    ("php", 0.9, r"\bcURL error \d+:|\bGuzzleHttp\\|PHP (?:Fatal|Warning)|\.php(?:\(\d+\)|:\d+| on line \d+)"),
    # Go
    ("go", 0.9, r'\b(?:Get|Post|Put|Head|Delete|Patch) "https?://[^"]+": '),
    ("go", 0.8, r"\b(?:dial|read|write) (?:tcp|udp)[46]? |^goroutine \d+ \[|\.go:\d+\b|\bnet/http: |^panic: "),
    ("go", 0.7, r"\bx509: |\btls: (?:failed|handshake|first record|protocol version|bad certificate)\b|\blookup [\w.-]+(?: on [\d.:\[\]]+)?: "),
    # Java
    ("java", 0.95, r"^[ \t]*at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)|^[ \t]*at [\w$.]+\((?:Unknown Source|Native Method)\)"),
    ("java", 0.9, r"\b(?:java|javax|sun|jdk|okhttp3|org\.apache)\.[\w.]+(?:Exception|Error)\b"),
    ("java", 0.6, r"^Caused by: [\w.$]+|^Exception in thread "),
    # .NET
    ("dotnet", 0.9, r"\bSystem\.(?:Net|IO|Security)\.[\w.]+Exception\b|\bat System\.[\w.`]+\(.*\) in |\bSocketException \(\d+\)"),
    # Claude Code
    ("claude-code", 0.9, r"\bAPI Error(?: \(|: \d{3}\b|: (?:Connection error|Request timed out|Unable to connect))|Unable to connect to API \(|\bRetrying in \d+ seconds?\W+\(attempt \d+/\d+\)"),
    # Native (Bun-compiled) builds name frames B:/~BUN/root/... on Windows and
    # /$bunfs/root/{src/entrypoints/cli.js,claude,cli}:N elsewhere.
    ("claude-code", 0.95, r"@anthropic-ai[/\\]claude-code[/\\]|~BUN[/\\]root[/\\]src[/\\]entrypoints[/\\]cli\.js|/\$bunfs/root/(?:src/entrypoints/cli\.js|claude|cli):\d"),
    ("claude-code", 0.8, r"\bclaude(?:\.ai| doctor| --debug| mcp\b)|\bClaude Code\b|\.claude[/\\]|\bCLAUDE_CODE_\w+|/doctor\b|\bAPI_TIMEOUT_MS\b"),
    # MCP clients and servers
    ("mcp", 0.9, r"\bMCP error -?\d+|\bMCP server\b|\bmcp-server|\bMcpError\b|\[MCP\]|\bmcpServers\b"),
    # npm
    ("npm", 0.95, r"^npm (?:ERR!|error|warn|WARN) "),
    ("npm", 0.6, r"\bnpm (?:install|ci|i)\b|\bERESOLVE\b|_logs[/\\][\w-]+-debug(?:-\d+)?\.log"),
    # Browsers
    ("browser", 0.9, r"\bWebSocket connection to '[^']+' failed|\bnet::ERR_[A-Z_]+|^Uncaught (?:\(in promise\) )?\w+|\bAccess to fetch at '"),
    ("browser", 0.6, r"\b(?:(?i:failed to load resource)|CloseEvent|DevTools)\b|\(index\):\d+|\bat \w+ \(https?://[^)]+\.js:\d+:\d+\)"),
)

_COMPILED = tuple((ctx, weight, re.compile(pattern, re.MULTILINE)) for ctx, weight, pattern in _SIGNALS)

# A context is taken as detected at or above this confidence.
DETECTED = 0.5


def is_within(context: str | None, wanted: str) -> bool:
    """True when `context` is `wanted` or one of its children."""
    while context is not None:
        if context == wanted:
            return True
        context = PARENTS.get(context)
    return False


class Contexts:
    """Confidence per context for one paste, and the best guess."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    # Computed once: every pattern with a `when` and every match asks again.
    @functools.cached_property
    def detected(self) -> frozenset[str]:
        """Contexts above the threshold, with their parents."""
        found: set[str] = set()
        for ctx, score in self.scores.items():
            if score >= DETECTED:
                while ctx is not None:
                    found.add(ctx)
                    ctx = PARENTS.get(ctx)
        return frozenset(found)

    @functools.cached_property
    def best(self) -> str | None:
        """The most specific detected context; ties go to the higher score, then the name."""
        candidates = [c for c, s in self.scores.items() if s >= DETECTED]
        if not candidates:
            return None
        # A child that is detected beats its parent; otherwise the surest wins.
        children = {c for c in candidates if any(is_within(c, p) and c != p for p in candidates)}
        pool = children or set(candidates)
        return min(pool, key=lambda c: (-self.scores[c], c))

    def refine(self, implied: str | None) -> str | None:
        """The context to report for a hit that implies `implied`."""
        best = self.best
        if implied is None:
            return best
        if best is not None and is_within(best, implied):
            return best
        return implied


# Long pastes are sampled: the shape of a runtime's output shows near its errors.
_SAMPLE_EDGE = 16_000
_SAMPLE_AROUND = 2_000
_ERRORISH = re.compile(r"(?i:error|exception|traceback|fail|refused|reset|timed? ?out|denied)|\bE[A-Z]{4,}\b")


def _sample(text: str) -> str:
    if len(text) <= 4 * _SAMPLE_EDGE:
        return text
    parts = [text[:_SAMPLE_EDGE]]
    budget = 2 * _SAMPLE_EDGE
    last = _SAMPLE_EDGE
    for m in _ERRORISH.finditer(text, _SAMPLE_EDGE, len(text) - _SAMPLE_EDGE):
        if budget <= 0:
            break
        if m.start() < last:
            continue
        a = text.rfind("\n", max(last, m.start() - _SAMPLE_AROUND), m.start()) + 1 or m.start()
        b = text.find("\n", m.end(), m.end() + _SAMPLE_AROUND)
        b = b if b != -1 else min(len(text), m.end() + _SAMPLE_AROUND)
        parts.append(text[max(a, last):b])
        budget -= b - a
        last = b
    parts.append(text[-_SAMPLE_EDGE:])
    return "\n".join(parts)


def detect(text: str) -> Contexts:
    """Score every context against the (normalised) paste, or a sample of a long one."""
    text = _sample(text)
    misses: dict[str, float] = {}
    for ctx, weight, regex in _COMPILED:
        if regex.search(text):
            misses[ctx] = misses.get(ctx, 1.0) * (1.0 - weight)
    return Contexts({ctx: round(1.0 - miss, 4) for ctx, miss in sorted(misses.items())})

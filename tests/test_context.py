"""The runtime behind a paste is guessed from its shape."""

from __future__ import annotations

import pytest

from engine.context import detect, is_within

CASES = [
    ("node", "Error: connect ECONNREFUSED 127.0.0.1:3000\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect'\n}"),
    ("python", 'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    requests.get(url)\nrequests.exceptions.ConnectionError: boom'),
    ("anthropic-sdk-python", 'Traceback (most recent call last):\n  File "/venv/lib/python3.12/site-packages/anthropic/_base_client.py", line 1005, in request\nanthropic.APIConnectionError: Connection error.'),
    ("anthropic-sdk-typescript", "APIConnectionError: Connection error.\n    at Anthropic.makeRequest (/app/node_modules/@anthropic-ai/sdk/src/core.ts:462:15)"),
    ("curl", "curl: (6) Could not resolve host: api.example.com"),
    ("curl", "* Trying 203.0.113.10:443...\n* Connected to api.example.com (203.0.113.10) port 443"),
    ("go", 'Get "https://api.example.com/v1": dial tcp: lookup api.example.com: no such host'),
    ("java", "java.net.SocketException: Connection reset\n\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:328)"),
    ("claude-code", "  ⎿  API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
    # Native-build /bug log frames (anthropics/claude-code#66314, #4684).
    ("claude-code", '[{"error":"Error: 400 {}\\n    at generate (/$bunfs/root/src/entrypoints/cli.js:11:65735)\\n    at processTicksAndRejections (native:7:39)"}]'),
    ("claude-code", "    at generate (/$bunfs/root/claude:1172:12490)\n    at makeRequest (/$bunfs/root/claude:1189:5330)"),
    ("npm", "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree"),
    ("browser", "WebSocket connection to 'wss://example.com/socket' failed:"),
    ("php", "cURL error 28: Operation timed out after 30001 milliseconds with 0 bytes received"),
]


@pytest.mark.parametrize(("expected", "paste"), CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_context_is_detected_from_shape(expected, paste):
    assert detect(paste).best == expected


def test_nothing_recognisable_gives_no_context():
    assert detect("hello world, all fine").best is None


def test_child_context_counts_as_its_parent():
    assert is_within("anthropic-sdk-python", "python")
    assert is_within("claude-code", "node")
    assert not is_within("python", "anthropic-sdk-python")
    contexts = detect('Traceback (most recent call last):\nanthropic.RateLimitError: Error code: 429')
    assert {"python", "anthropic-sdk-python"} <= contexts.detected


def test_refine_prefers_the_more_specific_detected_context():
    contexts = detect('Traceback (most recent call last):\nanthropic.APIConnectionError: Connection error.')
    assert contexts.refine("python") == "anthropic-sdk-python"
    assert contexts.refine("java") == "java"
    assert contexts.refine(None) == "anthropic-sdk-python"

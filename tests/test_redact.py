"""Secrets never leave the page: redaction vectors."""

from __future__ import annotations

import pytest

from engine.redact import redact

VECTORS = [
    ("anthropic-key", "ANTHROPIC_API_KEY=sk-ant-api03-AbCdEf0123456789_-AbCdEf0123456789xyz", "sk-ant-api03"),
    ("anthropic-key", "x sk-ant-oat01-QWERTYUIOPASDFGHJKLzxcvbnm1234 y", "QWERTYUIOP"),
    ("openai-key", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnop"),
    ("aws-access-key", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("aws-secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ("github-token", "token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "ghp_0123456789"),
    ("jwt", "cookie-less eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "eyJhbGciOiJIUzI1NiJ9"),
    ("bearer-token", "Authorization: Bearer abc.def-ghi_jkl~mno", "abc.def-ghi_jkl~mno"),
    ("basic-auth", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("api-key", "> x-api-key: my-secret-key-value-123", "my-secret-key-value-123"),
    ("api-key", '{"x-api-key": "abcd1234efgh5678"}', "abcd1234efgh5678"),
    ("cookie", "> Cookie: session=abc123; csrftoken=zzz", "session=abc123"),
    ("cookie", "< set-cookie: sid=9f8e7d6c; Path=/; HttpOnly", "sid=9f8e7d6c"),
    ("url-password", "HTTPS_PROXY=http://alice:S3cr3t!@proxy.corp.example:8080", "S3cr3t!"),
    ("url-password", "postgres://app:hunter22@db.internal:5432/prod", "hunter22"),
    ("secret", "password=correct-horse-battery", "correct-horse-battery"),
    ("private-key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA"),
]


@pytest.mark.parametrize(("kind", "text", "secret"), VECTORS, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(VECTORS)])
def test_secret_is_removed_and_reported(kind, text, secret):
    out, found = redact(text)
    assert secret not in out
    assert f"[REDACTED {kind}]" in out
    assert kind in {r.kind for r in found}
    for r in found:
        assert 0 <= r.start < r.end <= len(text)


def test_the_context_that_explains_the_error_is_kept():
    text = "HTTPS_PROXY=http://alice:S3cr3t!@proxy.corp.example:8080\nError: read ECONNRESET"
    out, _ = redact(text)
    assert "http://alice:" in out and "@proxy.corp.example:8080" in out and "read ECONNRESET" in out


@pytest.mark.parametrize("text", [
    "Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20)",
    "requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
    "curl: (60) SSL certificate problem: unable to get local issuer certificate",
    '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
])
def test_ordinary_error_text_is_untouched(text):
    assert redact(text) == (text, [])

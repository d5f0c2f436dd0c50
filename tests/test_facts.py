"""Facts read from pastes, the advice built from them, diagnosis sentences, chains, guesses, the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import analyse
from engine.advice import WELL_KNOWN_HOSTS, advise, edit_distance, typo_of
from engine.answer import chain, guesses, sentence
from engine.checks import check_facts
from engine.facts import FACT_NAMES, MAX_FACT, extract
from engine.loader import load_rule_text
from engine.markdown import blocks
from engine.match import Catalog

ROOT = Path(__file__).resolve().parent.parent
PASTES = ROOT / "tests" / "pastes"
SCHEMA = json.loads((ROOT / "rules" / "schema.json").read_text())


def first(text, catalog):
    return analyse(text, catalog).matches[0]


# One real paste per runtime, and a fact it must yield.
@pytest.mark.parametrize("path, name, value", [
    ("node/fetch-failed-enotfound-cause.txt", "host", "api.weather.example"),
    ("node/econnrefused-fetch-failed-aggregate.txt", "address", "::1"),
    ("python/request-timeout-pip-read-timeout.txt", "host", "files.pythonhosted.org"),
    ("python/econnrefused-aiohttp-multiple.txt", "port", "8080"),
    ("curl/proxy-error-could-not-resolve-proxy.txt", "proxy", "proxy.corp.example"),
    ("go/econnrefused-pgx-compose.txt", "port", "5432"),
    ("go/err-tls-cert-altname-invalid-kubectl.txt", "cert_names", "10.96.0.1, 172.18.0.2, 127.0.0.1"),
    ("java/err-tls-cert-altname-invalid-apache-httpclient.txt", "host", "payments.partner.example"),
    ("dotnet/rate-limit-error-httpclient.txt", "status", "429"),
    ("claude-code/authentication-error-failed-to-authenticate.txt", "request_id", "req_011CSQ8nYp4Tk2Wm7LbXr3Vd"),
    ("anthropic-sdk-typescript/enotfound-base-url-typo.txt", "host", "api.anthropc.com"),
    ("anthropic-sdk-python/ehostunreach-ipv6.txt", "errno", "101"),
    ("php/authentication-error-guzzle.txt", "error_type", "authentication_error"),
    ("npm/enotfound-eai-again-docker-build.txt", "host", "registry.npmjs.org"),
    ("node/fetch-failed-connect-timeout-cause.txt", "timeout_ms", "10000"),
    ("python/etimedout-pip-connect-timeout.txt", "timeout_ms", "15000"),
])
def test_real_pastes_yield_their_facts(path, name, value, catalog):
    facts = dict(first((PASTES / path).read_text(), catalog).facts)
    assert facts.get(name) == value, facts


def test_node_connect_address_and_port_split_an_ipv6_address():
    assert extract("Error: connect ECONNREFUSED ::1:3000\n") == {"syscall": "connect", "address": "::1", "port": "3000"}
    assert extract("Error: connect ECONNREFUSED 127.0.0.1:5432\n")["address"] == "127.0.0.1"
    assert extract("dial tcp [::1]:5432: connect: connection refused")["address"] == "::1"


def test_api_json_body_facts():
    body = '429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded"},"request_id":"req_011CXyzAbCdEfGhIjKlMnOp"}'
    facts = extract(body)
    assert facts["status"] == "429" and facts["error_type"] == "rate_limit_error" and facts["request_id"] == "req_011CXyzAbCdEfGhIjKlMnOp"


def test_facts_are_one_short_line_of_text():
    facts = extract("getaddrinfo ENOTFOUND " + "a" * 500 + "\n  hostname: 'x\u202ey',\n")
    assert all(len(v) <= MAX_FACT and "\n" not in v and "\u202e" not in v for v in facts.values())
    assert set(facts) <= set(FACT_NAMES)


@pytest.mark.parametrize("typo, wanted", [
    ("api.anthropic.co", "api.anthropic.com"),
    ("api.anthropc.com", "api.anthropic.com"),
    ("api.antrhopic.com", "api.anthropic.com"),
    ("api.openai.co", "api.openai.com"),
    ("registry.npmjs.og", "registry.npmjs.org"),
    ("registry.npmjs.com", None),  # three edits away: not a typo we claim
    ("githb.com", "github.com"),
    ("pypi.or", "pypi.org"),
    ("files.pythonhosted.com", None),
    ("files.pythonhosed.org", "files.pythonhosted.org"),
])
def test_typo_check_on_real_typos(typo, wanted):
    assert typo_of(typo) == wanted


@pytest.mark.parametrize("host", list(WELL_KNOWN_HOSTS) + [
    "gitlab.com", "pypy.org", "api.example.com", "localhost", "proxy.corp.example", "api.mistral.ai",
    "registry.yarnpkg.com", "API.ANTHROPIC.COM", "api.anthropic.com.", "github.io", "gist.github.com", "10.0.0.1",
])
def test_typo_check_stays_quiet_on_correct_and_unrelated_hosts(host):
    assert typo_of(host) is None


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("anthropic", "antrhopic") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("a" * 5, "b" * 50) > 3


def kinds(match, text=""):
    return {a.kind: a for a in advise(match, text)}


def test_advice_typo_ipv6_cert_names_timeout_and_support(catalog):
    typo = "Error: getaddrinfo ENOTFOUND api.anthropic.co\n    at GetAddrInfoReqWrap.onlookup (node:dns:107:26)\n"
    assert "Did you mean api.anthropic.com?" in kinds(first(typo, catalog))["typo"].text

    text = (PASTES / "node/econnrefused-fetch-failed-aggregate.txt").read_text()
    assert "Node.js 17" in kinds(first(text, catalog))["ipv6-localhost"].text

    text = (PASTES / "go/err-tls-cert-altname-invalid-kubectl.txt").read_text()
    rows = dict(kinds(first(text, catalog))["cert-names"].rows)
    assert rows == {"Certificate is valid for": "10.96.0.1, 172.18.0.2, 127.0.0.1", "You connected to": "34.118.20.5"}

    text = (PASTES / "node/fetch-failed-connect-timeout-cause.txt").read_text()
    assert "which is the default" in kinds(first(text, catalog), text)["timeout"].text

    text = (PASTES / "claude-code/authentication-error-failed-to-authenticate.txt").read_text()
    assert "req_011CSQ8nYp4Tk2Wm7LbXr3Vd" in kinds(first(text, catalog))["support"].text


def test_no_ipv6_advice_for_an_ipv4_refusal(catalog):
    assert "ipv6-localhost" not in kinds(first("Error: connect ECONNREFUSED 127.0.0.1:3000\n", catalog))


def test_diagnosis_sentence_needs_every_fact(catalog):
    rule = catalog.by_id["enotfound"]
    assert sentence(rule, {"host": "api.x.example"}) == "api.x.example could not be resolved: the DNS lookup for it failed."
    assert sentence(rule, {}) is None


def test_chain_names_the_wrapper_and_the_cause(catalog):
    text = (PASTES / "node/fetch-failed-enotfound-cause.txt").read_text()
    line = chain(analyse(text, catalog).matches)
    assert line.startswith("“TypeError: fetch failed” is only the wrapper (fetch-failed)")
    assert "api.weather.example could not be resolved" in line


def test_guesses_at_most_three_and_none_for_plain_program_errors(catalog):
    for path in PASTES.rglob("*.expected.json"):
        if json.loads(path.read_text())["matches"] == []:
            text = path.with_suffix("").with_suffix(".txt").read_text()
            # The golden pastes that match nothing are not network errors: no guesses either.
            assert guesses(analyse(text, catalog), catalog, text) == [], path.name
    keyerror = "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nKeyError: 'timeout'\n"
    assert guesses(analyse(keyerror, catalog), catalog, keyerror) == []
    assert guesses(analyse("TypeError: undefined is not a function", catalog), catalog, "TypeError: undefined is not a function") == []


def test_guesses_for_a_network_paste_no_rule_matches(catalog):
    text = "websocket closed before handshake finished abnormally"
    got = [r.id for r in guesses(analyse(text, catalog), catalog, text)]
    assert got and got[0] == "websocket-1006" and len(got) <= 3
    text = "the certificate chain could not be verified by the host"
    assert 0 < len(guesses(analyse(text, catalog), catalog, text)) <= 3


def test_fix_is_the_runtime_fix_or_its_fallback_or_general_advice(catalog):
    py = first("requests.exceptions.ConnectionError: Failed to resolve 'api.x.example' ([Errno -2] Name or service not known)", catalog)
    assert py.fix.runtime == "python"
    # "getaddrinfo ENOTFOUND" is Node's own wording (the errno table says so): the bare code names no runtime.
    bare = first("ENOTFOUND api.x.example", catalog)
    assert bare.context is None and bare.fix.runtime is None and bare.fix.text == bare.rule.if_that_fails


def test_unknown_group_names_and_placeholders_are_located_problems(catalog):
    base = (ROOT / "rules" / "enotfound.yaml").read_text()
    text = base.replace("- regex: '\\bENOTFOUND\\b'", "- regex: '\\bENOTFOUND (?P<hostname>\\S+)'", 1)
    text = text.replace('diagnosis: "{host} could', 'diagnosis: "{hots} could', 1)
    rule, problems = load_rule_text(text, "rules/enotfound.yaml", SCHEMA)
    assert rule is not None and not problems
    found = [str(p) for p in check_facts(rule, {})]
    assert any("group 'hostname' is not a fact name" in p for p in found), found
    assert any("{hots} is not a fact name" in p for p in found), found
    assert all(p.startswith("rules/enotfound.yaml:") for p in found)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "(?P<hostname>" in l)
    assert any(p.startswith(f"rules/enotfound.yaml:{line}:") for p in found if "hostname" in p)


def test_markdown_blocks_keep_code_lists_and_only_http_links():
    tree = blocks("Run **this**:\n\n1. Check `env`.\n   ```sh\n   env | grep PROXY\n   ```\n2. See [docs](https://example.com) and [x](javascript:alert(1)).\n\n<img src=x onerror=alert(1)>\n")
    assert tree[0] == {"type": "p", "inline": ["Run ", ["strong", ["this"]], ":"]}
    items = tree[1]["items"]
    assert tree[1]["type"] == "ol" and items[0][1] == {"type": "code", "lang": "sh", "text": "env | grep PROXY"}
    assert ["link", "https://example.com", ["docs"]] in items[1][0]["inline"]
    assert "x" in "".join(r for r in items[1][0]["inline"] if isinstance(r, str)) and "javascript" not in json.dumps(items[1])
    assert tree[2] == {"type": "p", "inline": ["<img src=x onerror=alert(1)>"]}


def test_every_fix_in_the_catalog_parses(catalog):
    for rule in catalog.rules:
        for _, text in rule.fixes:
            assert blocks(text), rule.id


@pytest.fixture(scope="module")
def catalog():
    from engine.loader import load_rules

    rules, problems = load_rules(None)
    assert not problems
    return Catalog(rules)


def test_a_rules_named_group_adds_a_fact_and_wins_over_the_table():
    base = (ROOT / "rules" / "rate-limit-error.yaml").read_text()
    marker = "match:\n  patterns:\n"
    assert marker in base
    text = base.replace(marker, marker + "    - regex: 'rate limited for (?P<model>[\\w.-]+) at (?P<status>\\d{3})'\n      weight: 0.9\n", 1)
    rule, problems = load_rule_text(text, "rules/rate-limit-error.yaml", SCHEMA)
    assert rule is not None and not problems and not list(check_facts(rule, {}))
    paste = 'rate limited for claude-x-1 at 499\n{"type":"error","error":{"type":"rate_limit_error"},"status": 429}'
    match = first(paste, Catalog([rule]))
    facts = dict(match.facts)
    assert facts["model"] == "claude-x-1" and facts["status"] == "499" and facts["error_type"] == "rate_limit_error"
    assert list(facts) == [n for n in FACT_NAMES if n in facts]

"""The mcp-config/ page in real Chromium: fill the form, copy a client's output, check a broken configuration."""

from __future__ import annotations

import json

OUTPUTS = "[data-mcp-outputs]"
CHECKED = "[data-mcp-check-results]"
TOKEN = "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"  # GitHub's shape, not a real token

BROKEN_VSCODE = """{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]}
  }
}"""

BROKEN_CLAUDE_CODE = """{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github", "C:\\\\Users\\\\me\\\\repo"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "%s"}
    },
    "sentry": {"command": "https://mcp.sentry.dev/mcp"},
    "notion": {"url": "https://mcp.notion.com/mcp"},
    "github": {"command": "node", "args": ["./server/index.js"]}
  }
}""" % TOKEN


def test_mcp_page_builds_copies_and_checks(page, site):
    # Everything the page asks for over the network while it builds and checks: nothing of the form leaves.
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or "")))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base.rstrip("/"))
    page.goto(site.url("mcp-config/"))
    page.fill("[data-mcp-field=name]", "github")
    page.fill("[data-mcp-field=command]", "npx")
    page.fill("[data-mcp-field=args]", "-y\n@modelcontextprotocol/server-github")
    page.fill("[data-mcp-field=env]", f"GITHUB_PERSONAL_ACCESS_TOKEN={TOKEN}")
    page.select_option("[data-mcp-field=client]", "vscode")
    page.click("button[data-mcp-build]")
    page.wait_for_selector(f"{OUTPUTS}[data-state=done]", timeout=120_000)

    # Only the chosen client is shown, with the file VS Code reads and no secret in it.
    assert page.eval_on_selector_all(f"{OUTPUTS} [data-mcp-output]", "els => els.map(e => e.dataset.mcpOutput)") == ["vscode"]
    text = page.text_content(f"{OUTPUTS} [data-mcp-output=vscode] [data-mcp-text]")
    config = json.loads(text)
    assert config["servers"]["github"] == {
        "type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
        "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github-personal-access-token}"}}
    assert config["inputs"][0]["password"] is True
    assert TOKEN not in text

    page.click(f"{OUTPUTS} [data-mcp-output=vscode] [data-mcp-copy]")
    page.wait_for_function("() => document.querySelector('[data-mcp-status]').textContent.startsWith('Copied')")
    assert page.evaluate("() => navigator.clipboard.readText()") == text

    # Every client: Claude Code also shows one claude mcp add command per scope.
    page.select_option("[data-mcp-field=client]", "")
    page.select_option("[data-mcp-field=platform]", "windows")
    page.click("button[data-mcp-build]")
    page.wait_for_function("() => document.querySelectorAll('[data-mcp-output]').length === 5")
    scopes = page.eval_on_selector_all("[data-mcp-output=claude-code] [data-mcp-command]", "els => els.map(e => e.dataset.mcpCommand)")
    assert scopes == ["local", "project", "user"]
    project = page.text_content("[data-mcp-output=claude-code] [data-mcp-command=project]")
    assert project.endswith("github -- cmd /c npx -y @modelcontextprotocol/server-github") and TOKEN not in project

    # The checker: a VS Code file with Claude's top-level key.
    page.fill("[data-mcp-check-input]", BROKEN_VSCODE)
    page.select_option("[data-mcp-check-client]", "vscode")
    page.click("button[data-mcp-check-run]")
    page.wait_for_selector(f"{CHECKED}[data-state=done]", timeout=60_000)
    problems = page.eval_on_selector_all(f"{CHECKED} [data-mcp-problem]", "els => els.map(e => e.textContent)")
    assert len(problems) == 1
    assert problems[0].startswith('2:3 wrong top-level key "mcpServers" for VS Code: it reads servers from "servers"')

    # A Claude Code .mcp.json with five mistakes, each at its place. The C:\ path says Windows, and
    # Claude Code (2.1.119 and later) starts npx there by itself: no cmd /c finding.
    page.fill("[data-mcp-check-input]", BROKEN_CLAUDE_CODE)
    page.select_option("[data-mcp-check-client]", "claude-code")
    page.click("button[data-mcp-check-run]")
    page.wait_for_function(f"() => document.querySelector('{CHECKED}').textContent.includes('Claude Code')")
    page.wait_for_selector(f"{CHECKED}[data-state=done]")
    places = page.eval_on_selector_all(f"{CHECKED} [data-mcp-problem]", "els => els.map(e => e.dataset.line + ':' + e.dataset.column)")
    texts = page.eval_on_selector_all(f"{CHECKED} [data-mcp-problem]", "els => els.map(e => e.textContent)")
    assert places == ["6:47", "8:27", "9:16", "10:5", "10:44"]
    assert texts[0].startswith('6:47 secret in "env" "GITHUB_PERSONAL_ACCESS_TOKEN" of server "github" in a file that is usually committed')
    assert texts[1].startswith('8:27 server "sentry" has a URL as its "command"')
    assert texts[2].startswith('9:16 server "notion" has a "url" but no "type": Claude Code reads a server without it as a local (stdio) one')
    assert texts[3] == '10:5 duplicate server name "github" (also on line 3): only the last one is used'
    assert texts[4].startswith('10:44 relative path "./server/index.js" in "args" of server "github"')
    assert not any(".cmd shim" in t for t in texts)

    # The pasted text is rendered as text, never as markup.
    page.fill("[data-mcp-check-input]", '{"mcpServers": {"<img src=x onerror=alert(1)>": 1}}')
    page.click("button[data-mcp-check-run]")
    page.wait_for_function(f"() => document.querySelector('{CHECKED}').textContent.includes('must be an object')")
    assert page.locator(f"{CHECKED} img").count() == 0

    # Built and checked in the page's worker: every request went to the site itself, none carried a post
    # body, and neither the token nor a server of the pasted files appears in any address.
    assert sent and all(url.startswith(site.base) or url.startswith(("data:", "blob:")) for url, _ in sent), sent
    assert [url for url, body in sent if body] == []
    assert not any(TOKEN in url or "mcp.sentry.dev" in url or "server-github" in url for url, _ in sent)


def test_mcp_page_is_linked_from_the_error_page_home_and_nav(page, site):
    page.goto(site.url("errors/mcp-connection-failed/"))
    assert page.locator("article a[href$='mcp-config/']").count() >= 1
    assert page.locator("nav a[href$='mcp-config/']").count() >= 1
    page.goto(site.url(""))
    assert page.locator("article a[href$='mcp-config/']").count() == 1

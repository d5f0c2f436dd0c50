"""What CONTRIBUTING asks a contributor to run is installed by set-up and printed with the project's interpreter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import build
from overrides.commands import command, project_python

ROOT = Path(__file__).resolve().parent.parent
# What the rule-check hook needs of the checkout: the command, the engine, the build's modules and the rules.
HOOK_NEEDS = ("build.py", "mkdocs.yml", ".pre-commit-config.yaml", "engine", "overrides", "rules")


def test_the_project_interpreter_is_the_one_set_up_made(tmp_path):
    venv_python = tmp_path / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.touch()
    assert project_python(tmp_path) == ".venv/bin/python"
    assert command("build.py", "check", root=tmp_path) == ".venv/bin/python build.py check"


def test_without_a_venv_it_is_the_running_interpreter_by_full_path(tmp_path):
    assert project_python(tmp_path, running="/opt/py 3.11/bin/python3") == "'/opt/py 3.11/bin/python3'"
    assert project_python(tmp_path) not in ("python", "python3")


def test_build_new_tells_the_contributor_the_command_with_the_project_interpreter(tmp_path, capsys):
    shutil.copy(ROOT / "rules" / "schema.json", tmp_path / "schema.json")
    assert build.main(["new", "some-new-error", "--rules", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "some-new-error.yaml").is_file()
    assert out.rstrip().endswith(f"fill it in, then run: {project_python()} build.py check"), out
    assert ": python build.py" not in out


def test_every_command_the_tools_print_names_the_project_interpreter():
    texts = {path: path.read_text(encoding="utf-8") for path in
             [ROOT / "build.py", ROOT / "rules" / "templates" / "new-rule.yaml", *sorted((ROOT / "tools").glob("*.py"))]}
    for path, text in texts.items():
        for bare in ("run python ", "run: python ", "`python build.py", "`python tools/", "Usage: python "):
            assert bare not in text, (path.name, bare)


@pytest.fixture
def hooked_checkout(tmp_path):
    """A git repository with the parts of the checkout the hook needs, and this run's interpreter as its .venv."""
    repo = tmp_path / "checkout"
    repo.mkdir()
    for name in HOOK_NEEDS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    (repo / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    git = ["git", "-c", "init.defaultBranch=main", "-c", "core.hooksPath=.git/hooks"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True, env=env)
    (repo / ".gitignore").write_text(".venv\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
    return repo, env, git


def _pre_commit() -> Path:
    return Path(sys.executable).parent / "pre-commit"


def test_set_up_installs_pre_commit():
    # ./dev setup installs requirements.txt into .venv; the tests run in that interpreter.
    assert _pre_commit().is_file(), "pre-commit is missing: requirements.txt should pin it"
    version = subprocess.run([str(_pre_commit()), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("pre-commit ")


def test_the_installed_hook_blocks_a_commit_with_a_broken_rule(hooked_checkout):
    repo, env, git = hooked_checkout
    installed = subprocess.run([str(_pre_commit()), "install"], cwd=repo, env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    subprocess.run([*git, "commit", "-qm", "the rules as they are"], cwd=repo, check=True, env=env, timeout=600)

    rule = repo / "rules" / "econnreset.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitel: ", 1), encoding="utf-8")
    subprocess.run([*git, "add", str(rule)], cwd=repo, check=True, env=env)
    blocked = subprocess.run([*git, "commit", "-m", "a typo"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "rules/econnreset.yaml:3:1: " in output and "titel" in output, output

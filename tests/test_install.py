"""The installed package on its own: the wheel built as `pip install .` builds it, installed
into a fresh virtualenv with no index and no PyYAML, run from a folder outside the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine.loader import load_rules
from overrides import assets

ROOT = Path(__file__).resolve().parent.parent

RESET = "Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20) {\n  errno: -104,\n  code: 'ECONNRESET',\n  syscall: 'read'\n}\n"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return assets.build_wheel(ROOT, tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with only the wheel installed (no index: nothing comes from a network)."""
    where = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=300)
    python = where / "bin" / "python"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return where


@pytest.fixture()
def elsewhere(tmp_path) -> Path:
    """A working folder outside the checkout, with an error log in it."""
    (tmp_path / "error.log").write_text(RESET, encoding="utf-8")
    return tmp_path


def _run(args: list[str], cwd: Path, stdin: str = "", path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture()
def with_pyyaml(tmp_path) -> Path:
    """A folder that lends the installed command this interpreter's PyYAML (no index to install it from)."""
    import yaml

    lent = tmp_path / "lent"
    lent.mkdir()
    (lent / "yaml").symlink_to(Path(yaml.__file__).parent)
    return lent


def test_the_wheel_carries_the_bundle_of_the_checkouts_rules(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "errata_engine/rules.json" in names and "errata_engine/__main__.py" in names
    # for --rules DIR: the schema and the error tables, no rule files
    assert "errata_engine/rules/schema.json" in names and "errata_engine/rules/tables/errno.yaml" in names
    assert not any(n.startswith("errata_engine/rules/") and n.count("/") == 2 and n.endswith(".yaml") for n in names)
    assert not any(n.startswith(("engine/", "rules/", "tests/")) for n in names)  # no generic top-level name
    rules, problems = load_rules(ROOT / "rules")
    assert not problems
    # The same JSON the site ships as runtime/rules.json, compiled when the wheel was built.
    assert zipfile.ZipFile(wheel).read("errata_engine/rules.json") == assets.rules_bundle(rules)


def test_installed_command_diagnoses_from_another_folder_without_yaml(venv, elsewhere):
    assert _run([str(venv / "bin" / "python"), "-c", "import yaml"], elsewhere).returncode != 0  # no PyYAML here
    proc = _run([str(venv / "bin" / "errata"), "diagnose", "error.log"], elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert "1. ECONNRESET" in proc.stdout and "https://errata-dev.github.io/errata/errors/econnreset/" in proc.stdout
    assert "       1 | Error: read ECONNRESET" in proc.stdout
    assert proc.stderr == ""


def test_installed_module_answers_json_on_standard_input(venv, elsewhere):
    proc = _run([str(venv / "bin" / "python"), "-m", "errata_engine", "diagnose", "--json"], elsewhere, stdin=RESET)
    assert proc.returncode == 0, proc.stderr
    first = json.loads(proc.stdout)["matches"][0]
    assert first["id"] == "econnreset" and first["url"] == "errors/econnreset/" and first["context"] == "node"
    assert first["page"] == "https://errata-dev.github.io/errata/errors/econnreset/"
    assert RESET[first["evidence"][0]["start"]:first["evidence"][0]["end"]] == first["evidence"][0]["text"]


def test_installed_command_exit_codes(venv, elsewhere):
    errata = str(venv / "bin" / "errata")
    assert _run([errata, "diagnose", "--json"], elsewhere, stdin="KeyError: 'timeout'\n").returncode == 1
    assert _run([errata, "diagnose", "missing.log"], elsewhere).returncode == 2
    usage = _run([errata, "diagnose", "--bogus"], elsewhere)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: errata ")
    assert _run([errata, "redact"], elsewhere, stdin="key sk-ant-api03-" + "a" * 90 + "\n").returncode == 0


def test_rules_folder_without_pyyaml_is_a_message_and_exit_2(venv, elsewhere):
    proc = _run([str(venv / "bin" / "errata"), "diagnose", "--rules", str(ROOT / "rules"), "error.log"], elsewhere)
    assert proc.returncode == 2
    assert "needs PyYAML" in proc.stderr and "pip install 'errata-engine[yaml]'" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_help_names_the_installed_command(venv, elsewhere):
    proc = _run([str(venv / "bin" / "errata"), "diagnose", "--help"], elsewhere)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: errata diagnose")
    assert "CONTRACT" not in proc.stdout and "  page " in proc.stdout


def test_installed_command_reads_a_folder_of_rule_files_with_pyyaml(venv, elsewhere, with_pyyaml):
    # A folder with one rule and nothing else: the schema and the errno table it refers to
    # (match: {errno: [ECONNRESET]}) come with the package.
    mine = elsewhere / "my-rules"
    mine.mkdir()
    (mine / "econnreset.yaml").write_bytes((ROOT / "rules" / "econnreset.yaml").read_bytes())
    assert "errno:" in (mine / "econnreset.yaml").read_text()
    errata = str(venv / "bin" / "errata")
    proc = _run([errata, "diagnose", "--json", "--rules", "my-rules", "error.log"], elsewhere, path=with_pyyaml)
    assert proc.returncode == 0, proc.stderr
    assert [m["id"] for m in json.loads(proc.stdout)["matches"]] == ["econnreset"]
    (elsewhere / "empty").mkdir()
    empty = _run([errata, "diagnose", "--rules", "empty", "error.log"], elsewhere, path=with_pyyaml)
    assert empty.returncode == 2 and "empty: no rule files" in empty.stderr
    broken = _run([errata, "diagnose", "--rules", str(ROOT / "tests" / "broken_rules"), "error.log"], elsewhere, path=with_pyyaml)
    assert broken.returncode == 2 and "bad-regex.yaml:9:23: " in broken.stderr and "Traceback" not in broken.stderr


def test_a_wheel_built_from_the_sdist_carries_the_same_bundle(tmp_path, wheel):
    # `pip install errata-engine` from a source release builds the wheel from the sdist:
    # the rules must travel in it (MANIFEST.in), or the bundle step would find none.
    proc = subprocess.run([sys.executable, "-P", "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    shutil.rmtree(ROOT / "errata_engine.egg-info", ignore_errors=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (from_sdist,) = tmp_path.glob("errata_engine-*.whl")
    bundle = "errata_engine/rules.json"
    assert zipfile.ZipFile(from_sdist).read(bundle) == zipfile.ZipFile(wheel).read(bundle)

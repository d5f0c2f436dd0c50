"""Read rule files: YAML -> checked data with source locations -> Rule objects.

The only module that imports PyYAML, and only when a YAML file is read, so the
browser (which gets rules as a JSON bundle) never needs it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path as FsPath
from collections.abc import Mapping
from typing import Any

from .compile import Draft, Problem, RulesError, compile_draft
from .tables import KINDS, file_schema, index_tables, row_shape
from .model import Rule
from .schema import Path, SchemaError, check_schema, validate

__all__ = ["DEFAULT_RULES", "Draft", "RulesError", "load_rule_text", "load_rules", "load_schema", "load_tables",
           "read_rule_text", "read_rules", "yaml_available"]

_ROOT = FsPath(__file__).resolve().parent.parent
# A checkout's rules/ beside engine/. An installed package has its own rules/ folder
# instead, with schema.json and tables/ (setup.py puts them there) but no rule files:
# `errata diagnose --rules DIR` reads DIR's rules against them.
_PACKAGED = FsPath(__file__).resolve().parent / "rules"
DEFAULT_RULES = _PACKAGED if _PACKAGED.is_dir() else _ROOT / "rules"

# Rules need about five levels and a few hundred nodes; these caps keep alias
# bombs, deep nesting and huge files from costing time, memory or a traceback.
MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_NODES = 10_000
# The error tables are maintained data, reviewed like code, but still read with caps.
TABLE_MAX_BYTES = 1024 * 1024


def yaml_available() -> bool:
    """Whether PyYAML can be imported: reading rule files needs it, an installed bundle does not."""
    try:
        import yaml  # noqa: F401
    except ImportError:
        return False
    return True


def load_schema(directory: FsPath | None = None) -> dict[str, Any]:
    """The rule schema: the directory's own schema.json, else the project's. SchemaError if it is outside engine/schema.py's subset."""
    for candidate in ([directory / "schema.json"] if directory else []) + [DEFAULT_RULES / "schema.json"]:
        if candidate.is_file():
            try:
                return check_schema(json.loads(candidate.read_text(encoding="utf-8")))
            except SchemaError as exc:
                raise SchemaError(exc.message, _display(candidate)) from None
    raise FileNotFoundError("rules/schema.json not found")


class _YamlLocator:
    """Line and column of every key and value in a YAML document."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.values: dict[Path, Any] = {}
        self.keys: dict[Path, Any] = {}

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        while path:
            node = (self.keys if key else self.values).get(path) or self.values.get(path)
            if node is not None:
                return node.start_mark.line + 1, node.start_mark.column + 1
            path = path[:-1]
        root = self.values.get(())
        return (root.start_mark.line + 1, root.start_mark.column + 1) if root is not None else (1, 1)

    def inside(self, path: Path, offset: int) -> tuple[int, int]:
        """Best effort position of character `offset` of a scalar's text."""
        node = self.values.get(path)
        if node is None:
            return self.at(path)
        line, col = node.start_mark.line, node.start_mark.column
        if node.style in ("|", ">"):
            before = node.value[:offset]
            row = before.count("\n")
            text_line = line + 1 + row
            if text_line < len(self.lines):
                src = self.lines[text_line]
                indent = len(src) - len(src.lstrip(" "))
                return text_line + 1, indent + len(before) - (before.rfind("\n") + 1) + 1
            return line + 1, col + 1
        quote = 1 if node.style in ("'", '"') else 0
        return line + 1, col + 1 + quote + offset


def _walk(node: Any, path: Path, where: _YamlLocator, file: str, problems: list[Problem]) -> None:
    import yaml

    where.values[path] = node
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                            f"duplicate key '{key}' (first defined on line {first})")
                )
            seen[key] = key_node
            where.keys[path + (key,)] = key_node
            _walk(value_node, path + (key,), where, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), where, file, problems)


def _bounds(root: Any, file: str) -> Problem | None:
    """The first size limit the composed node graph breaks, counted as expanded."""
    import yaml

    count = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        mark = node.start_mark
        if count > MAX_NODES:
            return Problem(file, mark.line + 1, mark.column + 1,
                           f"YAML aliases expand to more than {MAX_NODES} nodes; write the values out"
                           if _has_alias_reuse(root) else f"rule has more than {MAX_NODES} YAML nodes")
        if depth > MAX_DEPTH:
            return Problem(file, mark.line + 1, mark.column + 1, f"YAML nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float")) and len(node.value) > 100:
            # int() would refuse it past 4,300 digits, with no location
            return Problem(file, mark.line + 1, mark.column + 1, "number has more than 100 digits")
        if isinstance(node, yaml.MappingNode):
            stack.extend((n, depth + 1) for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in reversed(node.value))
    return None


def _has_alias_reuse(root: Any) -> bool:
    """Whether some node is reached twice (an alias), walking each node once."""
    import yaml

    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


def _parse(text: str, file: str) -> tuple[Any, _YamlLocator, list[Problem]]:
    import yaml

    where = _YamlLocator(text)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, where, [Problem(file, 1, 1, f"rule file is larger than {MAX_BYTES // 1024} KB")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None, where, []
        limit = _bounds(node, file)
        if limit is not None:
            return None, where, [limit]
        data = yaml.SafeLoader("").construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = f" ({exc.context})" if exc.context else ""
        what = exc.problem or "the text cannot be read as YAML"  # PyYAML may leave the problem unset
        hint = "; check the indentation of this line and the one above" if "block" in what else ""
        return None, where, [Problem(file, line, col, f"YAML syntax error: {what}{context}{hint}")]
    except yaml.YAMLError as exc:
        return None, where, [Problem(file, 1, 1, f"YAML error: {exc}")]
    except RecursionError:
        return None, where, [Problem(file, 1, 1, f"YAML nested more than {MAX_DEPTH} levels deep")]
    except ValueError as exc:
        # int() refuses numbers over Python's digit limit; PyYAML gives no mark.
        return None, where, [Problem(file, 1, 1, f"YAML value cannot be read: {exc}")]
    problems: list[Problem] = []
    _walk(node, (), where, file, problems)
    return data, where, problems


def load_rule_text(text: str, file: str, schema: dict[str, Any], expected_id: str | None = None,
                   tables: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Rule | None, list[Problem]]:
    """Parse, validate and compile one rule file's text: the Rule, or None and its problems. Never raises for bad input.

    Table references use `tables`, or else the project's rules/tables when it is there
    (it is not in the browser: the bundle carries the patterns the build derived).
    """
    rule, _, problems = read_rule_text(text, file, schema, expected_id, tables)
    return rule, problems


def read_rule_text(text: str, file: str, schema: dict[str, Any], expected_id: str | None = None,
                   tables: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Rule | None, Draft | None, list[Problem]]:
    """load_rule_text, plus a Draft when the file has problems but enough of it reads to run the catalog checks."""
    try:
        return _read_rule_text(text, file, schema, expected_id, tables)
    except Exception as exc:  # last resort: a hostile file must give a problem, not a traceback
        return None, None, [Problem(file, 1, 1, f"internal error reading this rule: {type(exc).__name__}")]


def _read_rule_text(text: str, file: str, schema: dict[str, Any], expected_id: str | None,
                    tables: Mapping[str, Mapping[str, Any]] | None) -> tuple[Rule | None, Draft | None, list[Problem]]:
    data, where, problems = _parse(text, file)
    if problems or not isinstance(data, dict):
        # Unreadable YAML, or a document that is not a mapping: nothing to check beyond that.
        for issue in validate(data, schema) if not problems else ():
            line, col = where.at(issue.path, key=issue.at_key)
            problems.append(Problem(file, line, col, issue.message))
        return None, None, sorted(problems)
    issues = validate(data, schema)
    for issue in issues:
        line, col = where.at(issue.path, key=issue.at_key)
        problems.append(Problem(file, line, col, issue.message))
    sound = _sound_parts(data, schema, issues) if issues else data
    if isinstance(sound.get("id"), str) and expected_id is not None and sound["id"] != expected_id:
        line, col = where.at(("id",))
        problems.append(Problem(file, line, col, f"id: expected \"{expected_id}\" to match the file name, got \"{sound['id']}\""))
    if expected_id is not None:
        sound = {**sound, "id": expected_id}  # the id other rules must use for it
    match = sound.get("match", {})
    if tables is None and any(kind in match for kind in KINDS):
        tables, _ = load_tables()  # their own problems are reported by load_rules and the tests
    draft, compile_problems = compile_draft(sound, file, where, tables, whole=not issues)
    problems = sorted(problems + compile_problems)
    if problems:
        return None, draft, problems
    return (draft.rule if draft else None), None, problems


class _SetAside:
    """Stands in for a pattern entry with schema problems, so the entries after it keep their places."""

    def __repr__(self) -> str:
        return "<set aside>"


_SET_ASIDE = _SetAside()
# Lists whose entries are set aside one by one; any other list with a bad entry is left out whole,
# since the checks name entries by their place in the list.
_ENTRY_BY_ENTRY = (("match", "patterns"), ("match", "exclude"))


def _sound_parts(data: dict[str, Any], schema: dict[str, Any], issues: list[Any]) -> dict[str, Any]:
    """A copy of rule data without the parts that have schema problems (the rest is then valid)."""
    sound = copy.deepcopy(data)
    for _ in range(MAX_DEPTH):  # each round removes at least one part, and the data is at most this deep
        if not any([_cut(sound, issue.path) for issue in issues]):
            break
        issues = validate(sound, schema)
    return sound


def _cut(data: dict[str, Any], path: Path) -> bool:
    """Remove the part at `path`: its mapping field, or its pattern entry. Whether anything was removed."""
    first_index = next((n for n, part in enumerate(path) if not isinstance(part, str)), len(path))
    if first_index == 2 and len(path) > 2 and path[:2] in _ENTRY_BY_ENTRY:
        entries = data.get("match", {}).get(path[1]) if isinstance(data.get("match"), dict) else None
        if isinstance(entries, list) and isinstance(path[2], int) and 0 <= path[2] < len(entries) and entries[path[2]] is not _SET_ASIDE:
            entries[path[2]] = _SET_ASIDE
            return True
        return False
    keys = path[:first_index]
    parent: Any = data
    for key in keys[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    if not keys or not isinstance(parent, dict) or keys[-1] not in parent:
        return False  # the root itself (a missing field), or already removed with its parent
    del parent[keys[-1]]
    return True


def load_rules(directory: FsPath | str | None = None, schema: dict[str, Any] | None = None) -> tuple[list[Rule], list[Problem]]:
    """Every rule in a directory (sorted by id) and every problem found, all at once."""
    rules, _, problems = read_rules(directory, schema)
    return rules, problems


def read_rules(directory: FsPath | str | None = None,
               schema: dict[str, Any] | None = None) -> tuple[list[Rule], list[Draft], list[Problem]]:
    """load_rules, plus a Draft of each rule file that has problems but reads well enough to be checked."""
    folder = FsPath(directory) if directory is not None else DEFAULT_RULES
    if not folder.is_dir():
        return [], [], [Problem(str(folder), 1, 1, "not a directory of rules")]
    try:
        schema = schema if schema is not None else load_schema(folder)
    except SchemaError as exc:
        return [], [], [Problem(exc.file or "schema.json", 1, 1, exc.message)]
    tables_dir = folder / "tables" if (folder / "tables").is_dir() else None
    tables, problems = load_tables(tables_dir)
    # A file reads the same while its text, the schema and the tables do: reuse its
    # result (parsing is most of a rebuild under `build.py serve`, one rule edited at a time).
    memo = _memo_for(folder, (json.dumps(schema, sort_keys=True), _tables_stamp(tables_dir)))
    rules: list[Rule] = []
    drafts: list[Draft] = []
    seen: dict[str, str] = {}
    for file in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        shown = _display(file)
        try:
            text = file.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(shown, 1, 1, f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
            continue
        except OSError as exc:
            problems.append(Problem(shown, 1, 1, f"cannot read: {exc.strerror}"))
            continue
        known = memo.get(shown)
        if known is not None and known[0] == text:
            rule, draft, found = known[1]
        else:
            rule, draft, found = read_rule_text(text, shown, schema, expected_id=file.stem, tables=tables or {})
            memo[shown] = (text, (rule, draft, tuple(found)))
        problems.extend(found)
        rule_id = rule.id if rule is not None else draft.rule.id if draft is not None else None
        if rule_id is None:
            continue
        if rule_id in seen:
            problems.append(Problem(shown, 1, 1, f"duplicate id '{rule_id}' (also in {seen[rule_id]})"))
            continue
        seen[rule_id] = shown
        if rule is not None:
            rules.append(rule)
        else:
            drafts.append(draft)
    rules.sort(key=lambda r: r.id)
    drafts.sort(key=lambda d: d.rule.id)
    return rules, drafts, sorted(problems)


# The last folder read_rules read: {shown path: (text, its result)}, for the schema and tables it was read with.
_rule_memo: dict[str, Any] = {"key": None, "files": {}}


def _memo_for(folder: FsPath, inputs: tuple[str, Any]) -> dict[str, Any]:
    """The per-file results kept for this folder and these inputs; a fresh memo when either changed.

    One folder at a time, so a process that reads many folders (the tests) keeps only the last.
    """
    key = (str(folder.resolve()), inputs)
    if _rule_memo["key"] != key:
        _rule_memo.update(key=key, files={})
    return _rule_memo["files"]


def _tables_stamp(folder: FsPath | None) -> tuple[str, tuple[tuple[str, int], ...]] | None:
    """What identifies a tables folder's contents for the caches: its files' names and modification times."""
    folder = folder if folder is not None else DEFAULT_RULES / "tables"
    if not folder.is_dir() or not (folder / "schema.json").is_file():
        return None
    files = sorted(folder.glob("*.yaml"))
    return str(folder.resolve()), tuple((f.name, f.stat().st_mtime_ns) for f in [*files, folder / "schema.json"])


_table_cache: dict[tuple[str, tuple[tuple[str, int], ...]], tuple[dict[str, Mapping[str, Any]] | None, list[Problem]]] = {}


def load_tables(directory: FsPath | None = None) -> tuple[dict[str, Mapping[str, Any]] | None, list[Problem]]:
    """The error tables of a directory (default rules/tables), checked, keyed by table name; None if absent.

    Read once per process while the files stay the same. Problems are located
    path:line:col; a file with problems is left out, so references to it fail too.
    """
    folder = directory if directory is not None else DEFAULT_RULES / "tables"
    stamp = _tables_stamp(folder)
    if stamp is None:
        return None, []
    if stamp not in _table_cache:
        _table_cache.clear()
        _table_cache[stamp] = _read_tables(folder, sorted(folder.glob("*.yaml")))
    tables, problems = _table_cache[stamp]
    return (dict(tables) if tables is not None else None), list(problems)


def _read_tables(folder: FsPath, files: list[FsPath]) -> tuple[dict[str, Mapping[str, Any]], list[Problem]]:
    import yaml

    schema = json.loads((folder / "schema.json").read_text(encoding="utf-8"))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for file in files:
        shown = _display(file)
        try:
            text = file.read_bytes().decode("utf-8")
            if len(text) > TABLE_MAX_BYTES:
                problems.append(Problem(shown, 1, 1, f"table file is larger than {TABLE_MAX_BYTES // 1024} KB"))
                continue
            data = yaml.load(text, Loader=loader)  # libyaml when present: the tables are 250 KB
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problems.append(Problem(shown, line, col, f"cannot read table: {getattr(exc, 'problem', None) or exc}"))
            continue
        found = _table_issues(data, schema, text, shown)
        if found:
            problems.extend(found)
            continue
        loaded.append(data)
    return index_tables(loaded), sorted(problems)


def _table_issues(data: Any, schema: dict[str, Any], text: str, file: str) -> list[Problem]:
    """Schema problems of one table file, located (the file is parsed again for positions only then)."""
    issues = [((), i) for i in validate(data, file_schema(schema))]
    if not issues and isinstance(data, dict):
        row_def = schema.get("x-rows", {}).get(data["table"])
        row_schema = row_shape(schema, row_def)
        for n, row in enumerate(data["rows"]):
            issues.extend((("rows", n), i) for i in validate(row, row_schema))
    if not issues:
        return []
    _, where, _ = _parse_unbounded(text, file)
    out = []
    for base, issue in issues:
        line, col = where.at(base + tuple(issue.path), key=issue.at_key)
        out.append(Problem(file, line, col, issue.message))
    return out


def _parse_unbounded(text: str, file: str) -> tuple[Any, _YamlLocator, list[Problem]]:
    import yaml

    where = _YamlLocator(text)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), where, file, problems)
    return None, where, problems


def _display(file: FsPath) -> str:
    """A path as people type it: relative to the working directory when possible."""
    try:
        return str(file.resolve().relative_to(FsPath.cwd().resolve()))
    except ValueError:
        return str(file)

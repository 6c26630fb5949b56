"""Where each rule ID is named: the code that enforces it and the tests that prove it, read from the source.

The index is built by reading files, not by importing them: a rule ID in a docstring, comment or string of a
module is attributed to the innermost function or class around it (``members.status:change_status``), or to
the database constraint whose call it sits in or just above (``members.models:Member.Meta constraint …``).
A test names a rule by its function name (``…_R_CV_06``) or docstring, or its class's. ``docs/rules.md`` is
rendered from this and from the table in ``core/rules.py`` (``manage.py rules_index``).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from core.rules import RULES

RULE_ID = re.compile(r"\bR-[A-Z]{2}-\d{2}\b")
TEST_RULE_ID = re.compile(r"R_([A-Z]{2})_(\d{2})")
SKIPPED_DIRS = {
    ".venv",
    ".git",
    "node_modules",
    "tests",
    "docs",
    "bench",
    "scripts",
    "static",
    "var",
    "staticfiles",
}
TEMPLATE_SUFFIXES = {".html", ".txt", ".css", ".xml"}
# The catalogue itself names every ID; it is not where a rule is enforced.
CATALOGUE_FILES = {"core/rules.py", "core/rules_index.py"}


@dataclass
class RulesIndex:
    code: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    templates: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tests: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def named_ids(self) -> set[str]:
        return set(self.code) | set(self.templates) | set(self.tests)


def _source_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or set(parts[:-1]) & SKIPPED_DIRS or any(p.startswith(".") for p in parts):
            continue
        if path.relative_to(root).as_posix() in CATALOGUE_FILES:
            continue
        if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
            files.append(path)
    return files


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _scopes(tree: ast.AST) -> list[tuple[int, int, str]]:
    """(first line, last line, label) of every function, class and named constraint, outermost first."""
    scopes: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                scopes.append((first, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")
            else:
                if isinstance(child, ast.Call) and _constraint_name(child):
                    # A comment on the line above a constraint belongs to it.
                    label = f"{prefix.rstrip('.')} constraint {_constraint_name(child)}"
                    scopes.append((child.lineno - 1, child.end_lineno or child.lineno, label))
                visit(child, prefix)

    visit(tree, "")
    return scopes


def _constraint_name(call: ast.Call) -> str | None:
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if not called.endswith("Constraint"):
        return None
    for keyword in call.keywords:
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def _innermost(scopes: list[tuple[int, int, str]], line: int) -> str | None:
    inside = [s for s in scopes if s[0] <= line <= s[1]]
    return min(inside, key=lambda s: s[1] - s[0])[2] if inside else None


def _code_mentions(source: str) -> list[tuple[int, str]]:
    """(line, rule ID) for every ID in a comment or string of the module (docstrings are strings)."""
    found: list[tuple[int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.STRING) or token.type == getattr(
            tokenize, "FSTRING_MIDDLE", -1
        ):
            for offset, text in enumerate(token.string.splitlines() or [""]):
                found.extend((token.start[0] + offset, rule_id) for rule_id in RULE_ID.findall(text))
    return found


def _scan_module(root: Path, path: Path, index: RulesIndex) -> None:
    source = path.read_text(encoding="utf-8")
    module = _module_name(root, path)
    scopes = _scopes(ast.parse(source))
    for line, rule_id in _code_mentions(source):
        scope = _innermost(scopes, line)
        index.code[rule_id].add(f"{module}:{scope}" if scope else module)


def _test_ids(*texts: str | None) -> set[str]:
    ids: set[str] = set()
    for text in texts:
        if text:
            ids |= set(RULE_ID.findall(text))
            ids |= {f"R-{a}-{n}" for a, n in TEST_RULE_ID.findall(text)}
    return ids


def _scan_tests(root: Path, index: RulesIndex) -> None:
    for path in sorted((root / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = path.relative_to(root).as_posix()
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                class_ids = _test_ids(node.name, ast.get_docstring(node))
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                        for rule_id in class_ids | _test_ids(item.name, ast.get_docstring(item)):
                            index.tests[rule_id].add(f"{relative}::{node.name}::{item.name}")
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                for rule_id in _test_ids(node.name, ast.get_docstring(node)):
                    index.tests[rule_id].add(f"{relative}::{node.name}")


def build_index(root: Path) -> RulesIndex:
    index = RulesIndex()
    for path in _source_files(root):
        if path.suffix == ".py":
            _scan_module(root, path, index)
        else:
            for rule_id in RULE_ID.findall(path.read_text(encoding="utf-8", errors="replace")):
                index.templates[rule_id].add(path.relative_to(root).as_posix())
    _scan_tests(root, index)
    return index


def _tests_by_file(node_ids: set[str]) -> list[str]:
    by_file: dict[str, list[str]] = defaultdict(list)
    for node_id in sorted(node_ids):
        file, _, name = node_id.partition("::")
        by_file[file].append(name)
    return [f"`{file}`: {', '.join(names)}" for file, names in by_file.items()]


def render(index: RulesIndex) -> str:
    lines = [
        "# Rules index",
        "",
        "Generated by `python manage.py rules_index` from the rule table in `core/rules.py` and from where the",
        "code and the tests name each rule ID; do not edit by hand. `scripts/test.sh` runs",
        "`manage.py rules_index --check`, which fails when this file is out of date.",
        "",
        "Each rule: its meaning in one line, the regulation a user reads (shown in the application instead of",
        "the ID), the functions, classes and constraints that name it (`module:qualname`), and the tests that",
        "name it in their name or docstring.",
        "",
        "| ID | meaning | regulation |",
        "|---|---|---|",
    ]
    lines += [f"| [{r.id}](#{r.id.lower()}) | {r.meaning} | {r.citation} |" for r in RULES]
    for rule in RULES:
        lines += ["", f"## {rule.id}", "", rule.meaning, "", f"Regulation: {rule.citation}", "", "Code:"]
        lines += [f"- `{place}`" for place in sorted(index.code.get(rule.id, ()))] or ["- (none)"]
        if index.templates.get(rule.id):
            lines += ["", "Templates: " + ", ".join(f"`{t}`" for t in sorted(index.templates[rule.id]))]
        lines += ["", "Tests:"]
        lines += [f"- {entry}" for entry in _tests_by_file(index.tests.get(rule.id, set()))] or ["- (none)"]
    return "\n".join(lines) + "\n"

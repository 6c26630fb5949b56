"""The service desk's modules depend one way (issue 16): models ← lifecycle (the table) ← desk (operations);
deadlines (date arithmetic) ← accountability (who answers for an overdue matter). No module imports one above it,
so no import runs in a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# module → the services modules it must not import (they sit above it)
ABOVE = {
    "services/models.py": {
        "services.desk",
        "services.lifecycle",
        "services.deadlines",
        "services.accountability",
    },
    "services/lifecycle.py": {"services.desk", "services.accountability"},
    "services/deadlines.py": {"services.desk", "services.accountability"},
    "core/transitions.py": {"services", "members", "conversion", "recruitment", "reports"},
}


def imported_modules(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (also inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("module", sorted(ABOVE))
def test_module_does_not_import_a_module_above_it(module):
    forbidden = ABOVE[module]
    found = {
        name
        for name in imported_modules(ROOT / module)
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    }
    assert found == set(), f"{module} imports {sorted(found)}"

"""The rule catalogue in core/rules.py agrees with the code: every ID named is catalogued, every rule is
enforced somewhere and proven by a test, and the index finds where an ID is named."""

import re
from pathlib import Path

from django.conf import settings

from core.rules import BY_ID, RULES, citation
from core.rules_index import build_index, render

ROOT = Path(settings.BASE_DIR)
ANY_ID = re.compile(r"\bR[-_]([A-Z]{2})[-_](\d{2})(?![0-9])")
SCANNED = {".py", ".html", ".txt", ".css", ".sql"}
# Rules in the table that no test names yet. Keep empty; a rule listed here says why.
UNTESTED: dict[str, str] = {}


def named_anywhere() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if path.suffix not in SCANNED or any(p.startswith(".") or p == "node_modules" for p in parts):
            continue
        for kind, number in ANY_ID.findall(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(f"R-{kind}-{number}", set()).add("/".join(parts))
    return found


def test_every_rule_id_named_in_the_repository_is_in_the_catalogue():
    unknown = {
        rule_id: sorted(files)[:3] for rule_id, files in named_anywhere().items() if rule_id not in BY_ID
    }
    assert unknown == {}


def test_the_catalogue_has_one_entry_per_id_each_with_a_meaning_and_a_chinese_citation():
    assert len(BY_ID) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"R-[A-Z]{2}-\d{2}", rule.id)
        assert rule.meaning.endswith(".") and "\n" not in rule.meaning
        assert re.search(r"[\u4e00-\u9fff]", rule.citation), rule.id
    assert citation("R-CV-06") == "《党员服务转化中心工作制度》第二十三条"


def test_every_rule_in_the_catalogue_is_enforced_in_code_and_named_by_a_test():
    index = build_index(ROOT)
    assert [r.id for r in RULES if not index.code.get(r.id)] == []
    assert [r.id for r in RULES if not index.tests.get(r.id) and r.id not in UNTESTED] == []


def test_the_index_attributes_an_id_to_its_function_class_constraint_and_tests(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "ops.py").write_text(
        '"""Module about R-CV-02."""\n'
        "class Entry:\n"
        "    class Meta:\n"
        "        constraints = [\n"
        "            # the balance never goes negative (R-CV-05)\n"
        '            CheckConstraint(condition=Q(x=1), name="entry_ok"),\n'
        "        ]\n"
        "\n"
        "def record(*, case):\n"
        "    # R-CV-03: a task done earns points\n"
        '    raise DomainError("…", rule="R-CV-06")\n',
        encoding="utf-8",
    )
    (tmp_path / "tests" / "app").mkdir(parents=True)
    (tmp_path / "tests" / "app" / "test_ops.py").write_text(
        "def test_task_done_earns_half_a_point_R_CV_03():\n    pass\n\n"
        "class TestReview:\n"
        '    """Reviews (R-CV-09)."""\n'
        "    def test_mean_score(self):\n        pass\n",
        encoding="utf-8",
    )
    index = build_index(tmp_path)
    assert index.code["R-CV-02"] == {"app.ops"}
    assert index.code["R-CV-05"] == {"app.ops:Entry.Meta constraint entry_ok"}
    assert index.code["R-CV-03"] == index.code["R-CV-06"] == {"app.ops:record"}
    assert index.tests["R-CV-03"] == {"tests/app/test_ops.py::test_task_done_earns_half_a_point_R_CV_03"}
    assert index.tests["R-CV-09"] == {"tests/app/test_ops.py::TestReview::test_mean_score"}
    text = render(index)
    assert "## R-CV-09" in text and "- `app.ops:record`" in text

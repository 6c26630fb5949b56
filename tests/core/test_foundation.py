"""The foundation (core) stands on nothing above it: no module of core imports an app, and moving the
organisation tree, the staff profiles' organisation and the ID-number viewing log into it kept every row."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.idnumbers import make_id_number
from core.models import IdNumberView, Organization, StaffProfile
from members.models import Member
from recruitment.models import Candidate

FOUNDATION = Path(__file__).resolve().parents[2] / "core"
APPS_ABOVE = {"members", "conversion", "recruitment", "services", "reports"}


def _names_an_app(dotted: str) -> bool:
    return dotted.split(".")[0] in APPS_ABOVE


def _upward_imports(path: Path) -> list[str]:
    """Every import of an app in the module — at the top, inside a function, or through importlib /
    ``apps.get_model("app", …)`` with a literal name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _names_an_app(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _names_an_app(node.module or ""):
            found.append(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = getattr(node.func, "attr", getattr(node.func, "id", ""))
            first = node.args[0].value
            if called in ("import_module", "get_model") and isinstance(first, str) and _names_an_app(first):
                found.append(f"{called}({first!r})")
    return [f"{path.relative_to(FOUNDATION.parent)}: {name}" for name in found]


def test_no_module_of_the_foundation_imports_an_app_above_it():
    modules = sorted(FOUNDATION.rglob("*.py"))
    assert len(modules) > 30  # the walk really found the foundation
    assert [problem for path in modules for problem in _upward_imports(path)] == []


def test_the_import_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "core" / "sample.py"
    module.parent.mkdir()
    module.write_text(
        "def f():\n    from members.models import Member\n    import services.desk\n"
        "    apps.get_model('recruitment', 'Candidate')\n"
    )
    problems = [name.split(": ")[1] for name in _upward_imports_under(module, tmp_path / "core")]
    assert problems == ["members.models", "services.desk", "get_model('recruitment')"]


def _upward_imports_under(path: Path, root: Path) -> list[str]:
    global FOUNDATION
    saved, FOUNDATION = FOUNDATION, root
    try:
        return _upward_imports(path)
    finally:
        FOUNDATION = saved


# --- the move, on a populated database -------------------------------------------------------------------

BEFORE_THE_MOVE = [
    ("core", "0005_id_number_view_candidate"),
    ("members", "0006_member_search_and_list_indexes"),
    ("recruitment", "0002_document_numbers"),
    ("conversion", "0005_case_list_index"),
]


def _migrate(targets=None):
    """Migrate the test database to ``targets`` (the latest by default), one migration at a time, each from
    its own unrendered state. Django's executor renders the whole project first and then re-renders every
    model related to the organisations for each state-only foreign-key change: a minute, against seconds."""
    executor = MigrationExecutor(connection)
    for migration, backwards in executor.migration_plan(targets or executor.loader.graph.leaf_nodes()):
        key = (migration.app_label, migration.name)
        state = executor.loader.project_state(key, at_end=False)
        with connection.schema_editor(atomic=migration.atomic) as schema_editor:
            if backwards:
                migration.unapply(state, schema_editor)
                executor.recorder.record_unapplied(*key)
            else:
                migration.apply(state, schema_editor)
                executor.recorder.record_applied(*key)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection).loader.project_state(targets).apps if targets else None


def _populate(old):
    """Rows written with the models as they were before the move (members.Organization, member/candidate
    foreign keys on the viewing log)."""
    Org = old.get_model("members", "Organization")
    town = Org.objects.create(name="某某镇党委", kind="town_committee", code="T")
    branch = Org.objects.create(name="东村党支部", kind="branch", code="T01", parent=town)
    old.get_model("members", "HistoricalOrganization").objects.create(
        id=branch.pk,
        name=branch.name,
        kind="branch",
        code="T01",
        history_date="2026-01-05T09:00Z",
        history_type="+",
    )
    user = old.get_model("auth", "User").objects.create(username="secretary", first_name="李书记")
    old.get_model("core", "StaffProfile").objects.create(user=user, organization=branch, window="一号窗口")
    member = old.get_model("members", "Member").objects.create(
        name="王芳",
        gender="F",
        birth_date=date(1980, 1, 5),
        id_number=make_id_number("320101", date(1980, 1, 5), 1),
        organization=branch,
    )
    candidate = old.get_model("recruitment", "Candidate").objects.create(
        name="杜若",
        gender="M",
        birth_date=date(2000, 2, 1),
        id_number=make_id_number("320101", date(2000, 2, 1), 2),
        organization=branch,
        applied_on=date(2026, 1, 5),
    )
    View = old.get_model("core", "IdNumberView")
    View.objects.create(viewed_by=user, member=member, path="/members/1/")
    View.objects.create(viewed_by=user, candidate=candidate, path="/recruitment/1/")
    connection.check_constraints()  # fire the deferred checks: PostgreSQL alters no table with pending ones
    return town, branch, user, member, candidate


@pytest.mark.django_db
def test_moving_the_organisation_tree_and_the_viewing_log_into_core_keeps_every_row():
    """Migrate back to before the move, write organisations, a staff profile, a member, a candidate and their
    ID-number viewings, migrate forward: everything is there and reachable through the moved models. (All of
    it inside the test's transaction: PostgreSQL rolls the schema changes back with the rows.)"""
    town, branch, user, member, candidate = _populate(_migrate(BEFORE_THE_MOVE))

    _migrate()

    moved = Organization.objects.get(pk=branch.pk)
    assert (moved.name, moved.parent_id, moved.is_branch) == ("东村党支部", town.pk, True)
    assert sorted(Organization.objects.descendant_ids(town.pk)) == sorted([town.pk, branch.pk])
    assert list(moved.history.values_list("name", flat=True)) == ["东村党支部"]
    profile = StaffProfile.objects.get(user_id=user.pk)
    assert (profile.organization, profile.window) == (moved, "一号窗口")
    assert Member.objects.get(pk=member.pk).organization == moved
    assert Candidate.objects.get(pk=candidate.pk).organization == moved
    views = {view.path: view for view in IdNumberView.objects.all()}
    assert views["/members/1/"].subject == Member.objects.get(pk=member.pk)
    assert views["/recruitment/1/"].subject == Candidate.objects.get(pk=candidate.pk)
    assert [view.subject_kind for view in IdNumberView.objects.order_by("pk")] == ["党员", "发展对象"]
    # The permissions on the organisations followed the model (its content type moved, not a new one).
    assert not ContentType.objects.filter(app_label="members", model="organization").exists()
    assert Permission.objects.filter(content_type__app_label="core", codename="change_organization").exists()

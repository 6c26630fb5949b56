"""core.auth_backend: what every staff page asks of the signed-in user comes with the user's one query (issue 21),
and says the same as asking separately would."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.access import Role, roles_of, scoped_organization_ids
from core.auth_backend import StaffBackend
from core.context_processors import workspace
from core.models import CenterProfile, Organization
from tests.factories.members import make_user

pytestmark = pytest.mark.django_db


def _loaded(user):
    return StaffBackend().get_user(user.pk)


def test_roles_and_the_secretarys_scope_need_no_query_beyond_the_user(secretary_a, branch_a):
    user = _loaded(secretary_a)
    with CaptureQueriesContext(connection) as queries:
        roles = roles_of(user)
        profile = user.staff_profile
    assert roles == {Role.SECRETARY} and profile.organization_id == branch_a.pk
    assert len(queries) == 0
    assert scoped_organization_ids(user) == frozenset(Organization.objects.descendant_ids(branch_a.pk))


@pytest.mark.parametrize("role", list(Role))
def test_the_loaded_roles_are_the_users_groups(role):
    user = make_user(role)
    fresh = type(user).objects.get(pk=user.pk)  # loaded without the backend: roles read from its groups
    assert roles_of(_loaded(user)) == roles_of(fresh) == {role}


def test_a_superuser_without_groups_is_an_administrator_and_a_user_without_any_has_no_role():
    superuser = make_user(is_superuser=True)
    nobody = make_user()
    assert roles_of(_loaded(superuser)) == {Role.ADMIN}
    assert roles_of(_loaded(nobody)) == frozenset()
    with pytest.raises(type(nobody).staff_profile.RelatedObjectDoesNotExist):
        _loaded(nobody).staff_profile  # noqa: B018 — no profile: the same error as without the join


def test_an_inactive_user_is_not_signed_in(clerk):
    clerk.is_active = False
    clerk.save()
    assert _loaded(clerk) is None


def test_permissions_in_one_query_are_modelbackends(clerk, secretary_a):
    extra = Permission.objects.get(codename="view_group")
    secretary_a.user_permissions.add(extra)
    group = Group.objects.create(name="另一组")
    group.permissions.add(Permission.objects.get(codename="delete_reminder"))
    clerk.groups.add(group)
    for user in (clerk, secretary_a, make_user(is_superuser=True), make_user()):
        user = _loaded(user)
        with CaptureQueriesContext(connection) as queries:
            ours = StaffBackend().get_all_permissions(user)
            again = StaffBackend().get_all_permissions(user)
        assert len(queries) == 1 and ours is again
        reference = type(user).objects.get(pk=user.pk)
        assert ours == ModelBackend().get_all_permissions(reference)
    assert _loaded(secretary_a).has_perm("auth.view_group")
    assert _loaded(clerk).has_perm("core.delete_reminder")


def test_the_header_shows_the_centres_current_name_from_the_users_query(rf, clerk):
    CenterProfile.objects.filter(pk=CenterProfile.current().pk).update(name="某镇党员服务转化中心")
    request = rf.get("/")
    request.user = _loaded(clerk)
    with CaptureQueriesContext(connection) as queries:
        name = workspace(request)["center_name"]
    assert name == "某镇党员服务转化中心" and len(queries) == 0


def test_a_missing_or_malformed_user_id_is_nobody(clerk):
    assert _loaded(clerk).pk == clerk.pk
    assert StaffBackend().get_user(clerk.pk + 1000) is None
    assert StaffBackend().get_user("not-a-number") is None


def test_the_loaded_user_is_an_ordinary_saved_user(clerk):
    """Loaded from the backend's own statement: every field, saved as usual, the profile's user is itself."""
    user = _loaded(clerk)
    assert [getattr(user, f.attname) for f in type(user)._meta.concrete_fields] == [
        getattr(clerk, f.attname) for f in type(clerk)._meta.concrete_fields
    ]
    assert user.staff_profile.user is user and not user._state.adding
    user.first_name = "新名"
    user.save(update_fields=["first_name"])
    assert type(user).objects.get(pk=user.pk).first_name == "新名"


def test_the_unread_count_is_the_users_unread_reminders(clerk, secretary_a):
    from datetime import date

    from django.utils import timezone

    from core.models import Reminder

    for n in range(3):
        Reminder.objects.create(
            user=clerk, kind="测试", subject=f"对象{n}", occasion=date(2026, 1, n + 1), text="…"
        )
    Reminder.objects.filter(user=clerk, subject="对象0").update(read_at=timezone.now())
    assert _loaded(clerk).unread_reminders == 2 and _loaded(secretary_a).unread_reminders == 0

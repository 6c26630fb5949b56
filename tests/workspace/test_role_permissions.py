"""The role groups' Django permissions (data migration core 0003 + post_migrate sync)."""

import pytest

pytestmark = pytest.mark.django_db


def test_town_admin_group_has_every_permission(db, django_user_model):
    from django.contrib.auth.models import Group, Permission

    assert Group.objects.get(name="镇党委管理员").permissions.count() == Permission.objects.count()


def test_clerk_works_broadly_but_cannot_change_admin_only_settings(clerk):
    assert clerk.has_perm("members.change_member")
    assert clerk.has_perm("members.add_relationtransfer")
    assert clerk.has_perm("core.view_ruleprofile")
    assert not clerk.has_perm("core.change_ruleprofile")
    assert not clerk.has_perm("core.change_centerprofile")
    assert not clerk.has_perm("core.add_calendarday")
    assert not clerk.has_perm("auth.change_user")


def test_secretary_has_the_member_side_models_only(secretary_a):
    assert secretary_a.has_perm("members.add_meeting")
    assert secretary_a.has_perm("members.add_duespayment")
    assert secretary_a.has_perm("members.change_attendance")
    assert secretary_a.has_perm("core.view_organization")
    assert not secretary_a.has_perm("core.change_organization")
    assert not secretary_a.has_perm("members.delete_member")
    assert not secretary_a.has_perm("core.view_ruleprofile")


def test_auditor_may_only_view(auditor):
    from django.contrib.auth.models import Group

    codenames = Group.objects.get(name="审计监督（纪委）").permissions.values_list("codename", flat=True)
    assert codenames and all(c.startswith("view_") for c in codenames)
    assert auditor.has_perm("members.view_historicalmember")

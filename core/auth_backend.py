"""The staff sign-in backend: Django's ModelBackend, with what every staff page asks of the user loaded with it.

Every page shows the centre's name and the person's unread reminders (``core.context_processors``), checks
their roles (``core.access.roles_of``: their groups) and, for a branch secretary, scopes by their organisation
(the staff profile). ``get_user`` loads all of it with the user, in one statement: the unread count (on the
``reminder_unread`` partial index), the one CenterProfile row's name, the group names and the staff profile.
The statement is written once per process from the models' tables and columns: the ORM's own compilation of
the subqueries cost more than the round trips it saved, on every request (issue 21). Nothing is kept beyond
the request: the user is loaded afresh on each one.

Permissions (``perms`` in templates, ``user.has_perm``) are read in one query (the user's own and their
groups', as a UNION) instead of ModelBackend's two.
"""

from __future__ import annotations

from functools import cache
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.db.models import Field

from core.models import CenterProfile, Reminder, StaffProfile


def _column(model, name: str) -> str:
    return cast(str, cast(Field, model._meta.get_field(name)).column)


@cache
def _user_sql() -> tuple[str, list[str], list[str]]:
    """The statement, the user's attnames and the staff profile's attnames, in the order selected."""
    User = get_user_model()
    user_fields, profile_fields = list(User._meta.concrete_fields), list(StaffProfile._meta.concrete_fields)
    user_groups = User.groups.through
    center_name, center_pk = _column(CenterProfile, "name"), CenterProfile._meta.pk.column
    columns = [f'u."{f.column}"' for f in user_fields] + [f'p."{f.column}"' for f in profile_fields]
    sql = f"""
        SELECT {", ".join(columns)},
          (SELECT COUNT(*) FROM "{Reminder._meta.db_table}" r
            WHERE r."{_column(Reminder, "user")}" = u."{User._meta.pk.column}"
              AND r."{_column(Reminder, "read_at")}" IS NULL),
          ARRAY(SELECT g."name" FROM "{Group._meta.db_table}" g
            JOIN "{user_groups._meta.db_table}" ug ON ug."{_column(user_groups, "group")}" = g."{Group._meta.pk.column}"
            WHERE ug."{_column(user_groups, "user")}" = u."{User._meta.pk.column}"),
          (SELECT c."{center_name}" FROM "{CenterProfile._meta.db_table}" c ORDER BY c."{center_pk}" LIMIT 1)
        FROM "{User._meta.db_table}" u
        LEFT JOIN "{StaffProfile._meta.db_table}" p
          ON p."{_column(StaffProfile, "user")}" = u."{User._meta.pk.column}"
        WHERE u."{User._meta.pk.column}" = %s
    """
    return sql, [f.attname for f in user_fields], [f.attname for f in profile_fields]


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 — a malformed id in a session: nobody, as ModelBackend would answer
            return None
        sql, user_names, profile_names = _user_sql()
        db = User._default_manager.db
        with connections[db].cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        n, m = len(user_names), len(profile_names)
        user = User.from_db(db, user_names, row[:n])
        profile_row = row[n : n + m]
        profile = StaffProfile.from_db(db, profile_names, profile_row) if profile_row[0] is not None else None
        User.staff_profile.related.set_cached_value(user, profile)  # None: no profile, as select_related
        if profile is not None:
            StaffProfile.user.field.set_cached_value(profile, user)
        user.unread_reminders, user.group_names, user.center_name = row[n + m :]
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list("content_type__app_label", "codename").order_by()
            else:
                own = Permission.objects.filter(user=user_obj)
                of_groups = Permission.objects.filter(group__user=user_obj)
                perms = (
                    own.values_list("content_type__app_label", "codename")
                    .order_by()
                    .union(of_groups.values_list("content_type__app_label", "codename").order_by())
                )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in perms}
        return user_obj._perm_cache

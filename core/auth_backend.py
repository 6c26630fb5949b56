"""The staff sign-in backend: Django's ModelBackend, with what every staff page asks of the user loaded with it.

Every page shows the centre's name and the person's unread reminders (``core.context_processors``), checks
their roles (``core.access.roles_of``: their groups) and, for a branch secretary, scopes by their organisation
(the staff profile). Loading these with the user — a subquery on the ``reminder_unread`` partial index, the one
CenterProfile row's name, an array of group names, a join to the staff profile — keeps them out of every
page's query count (issue 21). Nothing is kept beyond the request: the user is loaded afresh on each one.

Permissions (``perms`` in templates, ``user.has_perm``) are read in one query (the user's own and their
groups', as a UNION) instead of ModelBackend's two.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.models import CenterProfile, Reminder


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        unread = (
            Reminder.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        groups = Group.objects.filter(user=OuterRef("pk")).order_by().values("name")
        users = (
            get_user_model()
            ._default_manager.annotate(
                unread_reminders=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
                group_names=ArraySubquery(groups),  # read by core.access.roles_of
                # the header's centre name (core.context_processors): the one CenterProfile row, or None
                center_name=Subquery(CenterProfile.objects.order_by("pk").values("name")[:1]),
            )
            .select_related("staff_profile")
        )
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
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

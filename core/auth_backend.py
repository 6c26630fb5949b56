"""The staff sign-in backend: Django's ModelBackend, with the header's unread-reminder count in the user's query.

Every page shows the person's unread reminders (``core.context_processors.reminders``). Loading the count with
the user (a subquery on the ``reminder_unread`` partial index) keeps it out of every page's query count.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.models import Reminder


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        unread = (
            Reminder.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        users = get_user_model()._default_manager.annotate(
            unread_reminders=Coalesce(Subquery(unread, output_field=IntegerField()), 0)
        )
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

"""Signals other apps connect to. Receivers run inside the sender's transaction."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from core.dates import invalidate_calendar_cache
from core.models import CalendarDay, CalendarYear

# Sent with ``years`` (a set of ints) whenever holidays or make-up days of those years change, so that apps
# recompute the deadlines of their open matters (R-SV-07).
calendar_changed = Signal()


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _forget_cached_calendar(sender, **kwargs) -> None:
    invalidate_calendar_cache()

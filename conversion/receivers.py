"""Reactions to other apps' signals (connected in ConversionConfig.ready())."""

from conversion.ledger import ledger_sync_attendance


def on_attendance_recorded(sender, *, attendance, previous_present, recorded_by, **kwargs) -> None:
    """R-CV-04: an absence from a center-branch meeting costs −0.5 once; a corrected roll reverses it."""
    ledger_sync_attendance(attendance=attendance, recorded_by=recorded_by)

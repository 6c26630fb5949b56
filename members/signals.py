"""Signals the members app sends for other apps; receivers run inside the sender's transaction."""

from django.dispatch import Signal

# Sent once per attendance row whose presence was set or changed by members.meetings.record_attendance:
# kwargs ``attendance`` (the saved row), ``previous_present`` (None when the row is new), ``recorded_by``.
# The conversion ledger turns a center-branch absence into −0.5 and a correction into its reversal (R-CV-04).
attendance_recorded = Signal()

# Sent when a relation transfer is accepted and the member's organisation has changed (R-MB-05):
# kwargs ``transfer``, ``member``, ``previous_organization``.
relation_transferred = Signal()

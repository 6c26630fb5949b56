"""The one home of test data: factories per app, and the scenario helpers beside them.

- ``tests.factories.members`` — organisations, members, staff users (members and core) and member records
  (transfers, floating members, certificates, meetings); its factories are also importable from here
  (``from tests import factories; factories.make_member(...)``).
- ``tests.factories.conversion`` — conversion cases and their points (``enrolled_case``, ``bring_to`` …).
- ``tests.factories.recruitment`` — a candidate at each stage with a complete file (``target``, ``admitted`` …).
- ``tests.factories.services`` — service matters (``register``) and Shanghai times (``at``).
- ``tests.factories.world`` — one small town with a record behind every object URL (the hardening sweeps).
"""

from tests.factories.members import (
    center_branch,
    make_branch,
    make_certificate,
    make_floating,
    make_meeting,
    make_member,
    make_named_member,
    make_party_group,
    make_transfer,
    make_user,
    registered_away,
    town_committee,
)

__all__ = [
    "center_branch",
    "make_branch",
    "make_certificate",
    "make_floating",
    "make_meeting",
    "make_member",
    "make_named_member",
    "make_party_group",
    "make_transfer",
    "make_user",
    "registered_away",
    "town_committee",
]

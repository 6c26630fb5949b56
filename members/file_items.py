"""A member's archive materials (一人一档): the paper that arrives with a member — the organisational
relationship letter of a transfer received, the decision of a disciplinary sanction — scanned beside the
records the system keeps (core.attachments), and what the member's file holds item by item."""

from __future__ import annotations

from core.archive import ORDER_MEMBER_RECORDS, ArchivePart
from core.attachments import FileItem, materials_by_kind, scan_documents
from members.models import Member, RelationTransfer

MEMBER_KINDS = (
    ("transfer-letter", "组织关系介绍信（收到）"),
    ("discipline", "处分决定"),
    ("personal-file", "党员档案材料（转入时随带）"),
    ("other", "其他档案材料"),
)
MEETING_KINDS = (
    ("sign-in", "签到表"),
    ("minutes", "会议记录"),
    ("photo", "会议照片"),
)


def member_file_items(member: Member) -> list[FileItem]:
    """The member's own archive items: each transfer letter received (a transfer in, accepted) and each
    disciplinary decision, as records of the system and as scans (registered with core.registry)."""
    scans = materials_by_kind([member])
    key = member._meta.label_lower

    def scanned(kind: str) -> int:
        return scans.get((key, member.pk, kind), 0)

    items = []
    received = RelationTransfer.objects.filter(
        member=member, direction=RelationTransfer.Direction.IN, state=RelationTransfer.State.ACCEPTED
    ).order_by("issued_on", "pk")
    for index, transfer in enumerate(received):
        items.append(
            FileItem(
                label=f"组织关系介绍信（{transfer.letter_number}）",
                generated=True,
                scanned=scanned("transfer-letter") > index,
                scan_kind="transfer-letter",
                group="组织关系",
            )
        )
    for index, discipline in enumerate(member.disciplines.order_by("pk")):
        items.append(
            FileItem(
                label=f"处分决定（{discipline}）",
                generated=True,
                scanned=scanned("discipline") > index,
                scan_kind="discipline",
                group="纪律处分",
            )
        )
    return items


def archive_part(member: Member) -> ArchivePart:
    """The member's scanned archive materials in the bundle, after the records of the members app."""
    header = f"{member.name}　党员档案"
    return ArchivePart(
        title="档案扫描材料",
        order=ORDER_MEMBER_RECORDS + 5,
        documents=scan_documents(member, kinds=[code for code, _ in MEMBER_KINDS], header=header),
    )

"""The members' printed documents (issue 7) and their part of a member's archive bundle.

Each builder fetches what its document shows and returns a ``core.pdf.Document``; print views render it alone
(``core.pdf.render_document``), the archive bundle puts it in the member's file (``member_archive_pdf``).

* ``introduction_letter``   — 组织关系介绍信 with its stub (存根), R-MB-05
* ``floating_certificate``  — 流动党员活动证, R-MB-06
* ``meeting_minutes``       — 会议记录 with the attendance roll, R-MB-08
* ``member_record``         — 党员基本情况登记表 (first document of the member's file)
* ``attendance_excerpt``    — 参加组织生活情况摘录: the member's line of every meeting roll, R-MB-08
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.formats import date_format

from core.access import sees_full_id_numbers
from core.archive import (
    ORDER_MEMBER_BASICS,
    ORDER_MEMBER_RECORDS,
    ArchiveCover,
    ArchivePart,
    render_archive,
)
from core.dates import age_on
from core.idnumbers import mask_id_number, mask_phone
from core.pdf import PDFA_VARIANT, Document
from members import file_items
from members.models import (
    Attendance,
    Discipline,
    DuesPayment,
    FloatingCertificate,
    Meeting,
    Member,
    MemberStatusEvent,
    RelationTransfer,
)


def _cn_date(day: date | None) -> str:
    return date_format(day, "Y年n月j日") if day else ""


def _id_number(member: Member, full_id: bool) -> str:
    return member.id_number if full_id else mask_id_number(member.id_number)


def _last_dues_month(member: Member) -> date | None:
    return (
        DuesPayment.objects.filter(member=member).order_by("-month").values_list("month", flat=True).first()
    )


def introduction_letter(transfer: RelationTransfer, *, full_id: bool = True) -> Document:
    """R-MB-05: the numbered introduction letter and its stub, one page."""
    transfer = RelationTransfer.objects.select_related(
        "member", "member__organization", "from_organization", "to_organization", "created_by"
    ).get(pk=transfer.pk)
    member = transfer.member
    return Document(
        title="中国共产党党员组织关系介绍信",
        template_name="members/documents/introduction_letter.html",
        number=transfer.letter_number,
        dated=transfer.issued_on,
        filename=f"组织关系介绍信-{member.name}-{transfer.letter_number}",
        context={
            "transfer": transfer,
            "member": member,
            "id_number": _id_number(member, full_id),
            "age": age_on(member.birth_date, transfer.issued_on),
            "from_name": transfer.from_organization.name
            if transfer.from_organization
            else transfer.from_unit,
            "to_name": transfer.to_organization.name if transfer.to_organization else transfer.to_unit,
            "dues_paid_until": _last_dues_month(member),
            # A cancelled letter keeps its number (never deleted, a gap-free series) and prints as void.
            "voided": transfer.state == RelationTransfer.State.CANCELLED,
        },
    )


def floating_certificate(certificate: FloatingCertificate, *, full_id: bool = True) -> Document:
    """R-MB-06: the numbered floating-member activity certificate."""
    certificate = FloatingCertificate.objects.select_related(
        "floating", "floating__member", "floating__member__organization", "issued_by"
    ).get(pk=certificate.pk)
    floating = certificate.floating
    member = floating.member
    return Document(
        title="流动党员活动证",
        template_name="members/documents/floating_certificate.html",
        number=certificate.number,
        dated=certificate.issued_on,
        filename=f"流动党员活动证-{member.name}-{certificate.number}",
        context={
            "certificate": certificate,
            "floating": floating,
            "member": member,
            "id_number": _id_number(member, full_id),
            "contact_phone": floating.contact_phone if full_id else mask_phone(floating.contact_phone),
        },
    )


def meeting_minutes(meeting: Meeting) -> Document:
    """R-MB-08: the minutes of one meeting with its whole attendance roll."""
    meeting = Meeting.objects.select_related("organization", "recorded_by").get(pk=meeting.pk)
    roll = list(meeting.attendance.select_related("member").order_by("-present", "member__name", "member_id"))
    present = sum(1 for row in roll if row.present)
    return Document(
        title=f"{meeting.get_kind_display()}会议记录",
        template_name="members/documents/meeting_minutes.html",
        number=f"{meeting.organization.short_name or meeting.organization.name} {meeting.held_on:%Y年%-m月%-d日}",
        dated=meeting.held_on,
        filename=f"会议记录-{meeting.organization.name}-{meeting.held_on:%Y%m%d}",
        context={
            "meeting": meeting,
            "roll": roll,
            "present_count": present,
            "absent_count": len(roll) - present,
        },
    )


def member_record(member: Member, *, full_id: bool = True) -> Document:
    """The member's basic record with dated status changes and discipline (R-MB-01 … R-MB-04)."""
    member = Member.objects.select_related("organization", "party_group").get(pk=member.pk)
    today = timezone.localdate()
    return Document(
        title="党员基本情况登记表",
        template_name="members/documents/member_record.html",
        dated=today,
        filename=f"党员基本情况登记表-{member.name}",
        header=member.name,
        context={
            "member": member,
            "id_number": _id_number(member, full_id),
            "phone": member.phone if full_id else mask_phone(member.phone),
            "age": age_on(member.birth_date, today),
            "party_age": member.party_age(today),
            "status_events": list(
                MemberStatusEvent.objects.filter(member=member).order_by("effective_on", "pk")
            ),
            "disciplines": list(Discipline.objects.filter(member=member).order_by("decided_on", "pk")),
        },
    )


def attendance_excerpt(member: Member, rows: list[Attendance]) -> Document:
    """R-MB-08: the member's line of every meeting roll, oldest first — a long table over several pages."""
    return Document(
        title="参加组织生活情况摘录",
        template_name="members/documents/attendance_excerpt.html",
        dated=rows[-1].meeting.held_on if rows else None,
        filename=f"参加组织生活情况摘录-{member.name}",
        header=f"{member.name}　组织生活摘录",
        context={
            "member": member,
            "rows": rows,
            "present_count": sum(1 for row in rows if row.present),
        },
    )


def archive_parts(member: Member, user) -> list[ArchivePart]:
    """The members app's parts of a member's file (registered in MembersConfig.ready())."""
    full_id = sees_full_id_numbers(user)
    transfers = list(RelationTransfer.objects.filter(member=member).order_by("issued_on", "pk"))
    certificates = list(
        FloatingCertificate.objects.filter(floating__member=member).order_by("issued_on", "pk")
    )
    attendance = list(
        Attendance.objects.filter(member=member)
        .select_related("meeting", "meeting__organization")
        .order_by("meeting__held_on", "meeting_id")
    )
    records = [introduction_letter(t, full_id=full_id) for t in transfers]
    records += [floating_certificate(c, full_id=full_id) for c in certificates]
    if attendance:
        records.append(attendance_excerpt(member, attendance))
    return [
        ArchivePart(
            title="党员基本情况",
            order=ORDER_MEMBER_BASICS,
            documents=[member_record(member, full_id=full_id)],
        ),
        ArchivePart(title="组织关系与组织生活", order=ORDER_MEMBER_RECORDS, documents=records),
        file_items.archive_part(member),
    ]


def member_archive_name(member: Member) -> str:
    return f"党员档案-{member.name}.pdf"


def member_archive_pdf(member: Member, user, *, variant: str | None = PDFA_VARIANT) -> bytes:
    """The member's whole file as one PDF (R-RC-23): every registered part, cover, contents, outline."""
    from core.archive import member_archive_parts

    member = Member.objects.select_related("organization").get(pk=member.pk)
    full_id = sees_full_id_numbers(user)
    cover = ArchiveCover(
        title="党员档案",
        subtitle=f"{member.name}　一人一档",
        header=f"{member.name}　党员档案",
        facts=[
            ("姓　　名", member.name),
            ("性　　别", member.get_gender_display()),
            ("出生日期", _cn_date(member.birth_date)),
            ("公民身份号码", _id_number(member, full_id)),
            ("所在党组织", member.organization.name),
            ("党员状态", member.get_status_display()),
            ("入党日期", _cn_date(member.joined_on)),
            ("转正日期", _cn_date(member.full_member_on)),
        ],
    )
    return render_archive(cover=cover, parts=member_archive_parts(member, user), variant=variant)

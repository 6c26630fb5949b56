"""Complaints (R-SV-12) and appointments (R-SV-13)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.dates import is_working_day
from services.exceptions import ServiceDeskError
from services.models import Appointment, Complaint, Matter, Service


@transaction.atomic
def complaint_register(
    *,
    complainant_name: str,
    content: str,
    received_by: User,
    complainant_contact: str = "",
    channel: str = "visit",
    against_staff: User | None = None,
    matter: Matter | None = None,
    at: datetime | None = None,
) -> Complaint:
    """R-SV-12: complaints are accepted at any hour — no office-hours check — and registered at once."""
    problems = []
    if not complainant_name.strip():
        problems.append("请填写投诉人（可填“匿名”）（R-SV-12）。")
    if not content.strip():
        problems.append("请填写投诉内容（R-SV-12）。")
    if problems:
        raise ServiceDeskError("；".join(problems), rule="R-SV-12", problems=problems)
    return Complaint.objects.create(
        complainant_name=complainant_name.strip(),
        complainant_contact=complainant_contact.strip(),
        channel=channel,
        against_staff=against_staff,
        matter=matter,
        content=content.strip(),
        received_by=received_by,
        received_at=at or timezone.now(),
    )


@transaction.atomic
def complaint_investigate(*, complaint: Complaint, investigator: User, findings: str) -> Complaint:
    """R-SV-12: record the investigation."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state == Complaint.State.REPLIED:
        raise ServiceDeskError("该投诉已答复（R-SV-12）。", rule="R-SV-12")
    if not findings.strip():
        raise ServiceDeskError("请填写调查情况（R-SV-12）。", rule="R-SV-12")
    complaint.investigator = investigator
    complaint.findings = findings.strip()
    complaint.state = Complaint.State.INVESTIGATING
    complaint.save()
    return complaint


@transaction.atomic
def complaint_reply(*, complaint: Complaint, reply: str, by: User) -> Complaint:
    """R-SV-12: the result is told to the complainant; only after an investigation."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state != Complaint.State.INVESTIGATING:
        raise ServiceDeskError("请先记录调查情况，再答复投诉人（R-SV-12）。", rule="R-SV-12")
    if not reply.strip():
        raise ServiceDeskError("请填写答复内容（R-SV-12）。", rule="R-SV-12")
    complaint.reply = f"{reply.strip()}"
    complaint.replied_at = timezone.now()
    complaint.state = Complaint.State.REPLIED
    complaint.save()
    return complaint


@transaction.atomic
def appointment_book(
    *,
    name: str,
    phone: str,
    topic: str,
    scheduled_at: datetime,
    booked_by: User,
    service: Service | None = None,
    group: str = Appointment.Group.GENERAL,
    door_to_door: bool = False,
    address: str = "",
    assigned_staff: User | None = None,
) -> Appointment:
    """R-SV-13: book a visit; door-to-door service (enterprises, the elderly, sick, disabled) needs an address
    and an assigned staff member; a booking on a holiday or weekend goes to the staff member on duty."""
    problems = []
    if not name.strip() or not phone.strip():
        problems.append("请填写预约人和联系电话（R-SV-13）。")
    if door_to_door and (assigned_staff is None or not address.strip()):
        problems.append("上门服务须填写地址并指定服务人员（R-SV-13）。")
    on_duty = not is_working_day(timezone.localtime(scheduled_at).date())
    if on_duty and assigned_staff is None:
        problems.append("节假日的预约须指定值班人员（R-SV-13）。")
    if problems:
        raise ServiceDeskError("；".join(problems), rule="R-SV-13", problems=problems)
    return Appointment.objects.create(
        name=name.strip(),
        phone=phone.strip(),
        topic=topic.strip(),
        scheduled_at=scheduled_at,
        service=service,
        group=group,
        door_to_door=door_to_door,
        address=address.strip(),
        assigned_staff=assigned_staff,
        on_duty=on_duty,
        booked_by=booked_by,
    )


@transaction.atomic
def appointment_close(*, appointment: Appointment, done: bool, by: User) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != Appointment.State.BOOKED:
        raise ServiceDeskError("该预约已处理（R-SV-13）。", rule="R-SV-13")
    appointment.state = Appointment.State.DONE if done else Appointment.State.CANCELLED
    appointment.save(update_fields=["state"])
    return appointment

"""Demo data for the service desk (core.registry.register_demo): a catalog, a matter in every state and flag
the desk shows, then a few random ones.

The fixed matters (``_every_state``) are dated relative to now: one waiting to be accepted, one in time, one
due within two working days, one past its deadline that the scheduled ``mark_overdue`` (run by `make run`)
marks, one past its deadline with a recorded justified delay, a supplement in progress and one completed, a
returned matter, a referral, an answered consultation, a completed matter on the public board, petitions open
and answered, a reported-up matter, and an older overdue matter whose accountability case was decided. Then
complaints in each state and appointments booked, served and cancelled.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from core.access import is_admin
from services import accountability, contact, desk
from services.access import desk_workers
from services.models import Appointment, Matter, MatterKind, Sanction, Service, Violation

CATALOG = [
    ("党员组织关系转接", MatterKind.PROMISED, 5, ["介绍信", "党员证明材料"], Decimal("0"), "", False),
    (
        "流动党员活动证办理",
        MatterKind.PROMISED,
        None,
        ["身份证复印件", "一寸照片2张"],
        Decimal("0"),
        "",
        False,
    ),
    ("党员身份证明开具", MatterKind.IMMEDIATE, None, ["身份证"], Decimal("0"), "", False),
    ("城乡居民医保代缴", MatterKind.PROMISED, 3, ["身份证", "户口簿"], Decimal("0"), "", True),
    ("困难党员帮扶申请", MatterKind.JOINT, 15, ["申请书", "村委会证明"], Decimal("0"), "", False),
    ("政策咨询", MatterKind.CONSULTATION, None, [], Decimal("0"), "", False),
]

NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏"]
MARK = "（演示数据）"


def generate_demo(*, size: int, rng, stdout=None) -> str:
    for order, (name, kind, limit, materials, fee, basis, agent) in enumerate(CATALOG):
        Service.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "limit_working_days": limit,
                "materials": materials,
                "fee_amount": fee,
                "fee_basis": basis,
                "is_agent_service": agent,
                "legal_basis": "《中国共产党党员权利保障条例》等有关规定",
                "conditions": "本镇户籍或在本镇工作、居住的群众和党员",
                "sort_order": order,
            },
        )
    if Matter.objects.filter(request__endswith=MARK).exists():
        return "便民服务：演示数据已存在"
    staff = list(desk_workers().order_by("pk")[:3])  # who works at the desk: not a secretary, not an auditor
    if not staff:
        staff = [User.objects.filter(is_superuser=True).order_by("pk").first()]
    if staff[0] is None:
        return "便民服务：没有工作人员，跳过"
    services = list(Service.objects.order_by("sort_order"))
    now = timezone.now()
    fixed = _every_state({s.name: s for s in services}, staff, now)
    count = max(10, min(size // 20, 60))
    for _ in range(count):
        service = rng.choice(services)
        clerk = rng.choice(staff)
        at = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 6))
        kind = (
            service.kind if rng.random() < 0.8 else rng.choice([MatterKind.PETITION, MatterKind.REPORTED_UP])
        )
        matter = desk.matter_register(
            kind=kind,
            applicant_name=rng.choice(NAMES),
            applicant_phone=f"138{rng.randint(0, 99999999):08d}",
            applicant_address="某某镇东村",
            request=f"{service.name}{MARK}",
            proposed_handling="按规定办理",
            first_contact=clerk,
            service=service,
            external_deadline=(at + timedelta(days=30)).date(),
            at=at,
        )
        roll = rng.random()
        if kind == MatterKind.CONSULTATION:
            desk.matter_answer(matter=matter, answer="已当场解答", by=clerk, at=at)
        elif roll < 0.5:
            desk.matter_complete(
                matter=matter, result="已办结", by=clerk, is_public=roll < 0.3, at=at + timedelta(hours=2)
            )
        elif roll < 0.6 and matter.state == "accepted":
            desk.matter_request_supplement(
                matter=matter, items=service.materials or ["补充说明"], by=clerk, at=at
            )
    return f"便民服务：{len(services)} 项服务，{fixed + count} 件办件（每种状态各有一件），投诉3件，预约3件"


def _every_state(services: dict[str, Service], staff: list[User], now) -> int:
    """One matter per state and flag of the desk, then complaints and appointments in each state."""
    clerk = User.objects.filter(username="clerk").first() or staff[0]
    admin = User.objects.filter(is_superuser=True).order_by("pk").first() or clerk
    transfer, certificate, proof, insurance, aid, advice = (services[name] for name, *_ in CATALOG)
    days = lambda n: now - timedelta(days=n)  # noqa: E731

    def register(service, kind=None, *, at, name="王建国", **extra):
        return desk.matter_register(
            kind=kind or service.kind,
            applicant_name=name,
            applicant_phone="13800001234",
            applicant_address="某某镇东塘村3组12号",
            request=f"{service.name}{MARK}",
            proposed_handling="按规定办理",
            first_contact=extra.pop("first_contact", clerk),
            service=service,
            at=at,
            **extra,
        )

    register(transfer, at=now, accept=False, name="李秀英")  # registered, not yet accepted
    register(aid, at=now, name="张伟")  # accepted, in time
    register(insurance, at=days(1), name="刘洋")  # due within two working days
    overdue = register(transfer, at=days(20), name="陈静")  # marked by the scheduled run
    desk.matter_handover(matter=overdue, by=clerk, to_user=admin, reason="申请人户籍在镇区，转镇区窗口办理")
    delayed = register(aid, at=days(30), name="杨帆")
    desk.matter_record_delay_reason(matter=delayed, reason="须等待县民政局出具核查意见", by=admin)
    waiting = register(certificate, at=days(3), name="赵磊")
    desk.matter_request_supplement(matter=waiting, items=["一寸照片2张"], by=clerk, at=days(3))
    supplied = register(transfer, at=days(10), name="黄丽")
    desk.matter_request_supplement(matter=supplied, items=["介绍信原件"], by=clerk, at=days(9))
    desk.matter_materials_complete(matter=supplied, by=clerk, at=days(2))
    returned = register(certificate, at=days(5), name="周强", accept=False)
    desk.matter_return(matter=returned, reason="申请人非流动党员，不符合办理条件", by=clerk, at=days(5))
    desk.matter_register_referral(
        applicant_name="吴敏",
        request=f"宅基地审批{MARK}",
        unit="镇自然资源所",
        first_contact=clerk,
        at=days(2),
    )
    asked = register(advice, at=days(1), name="王建国")
    desk.matter_answer(matter=asked, answer="已当场解答", by=clerk, at=days(1))
    done = register(proof, at=days(8), name="李秀英")
    desk.matter_complete(matter=done, result="已开具证明", by=clerk, is_public=True, at=days(8))
    public = register(insurance, at=days(6), name="张伟")
    desk.matter_complete(matter=public, result="已代缴", by=clerk, is_public=True, at=days(4))
    register(aid, MatterKind.PETITION, at=days(10), name="刘洋")
    answered = register(aid, MatterKind.PETITION, at=days(12), name="陈静")
    desk.matter_complete(matter=answered, result="已答复信访人", by=clerk, at=days(5))
    reported = register(
        transfer,
        MatterKind.REPORTED_UP,
        at=days(3),
        name="杨帆",
        external_deadline=(now + timedelta(days=10)).date(),
    )
    desk.matter_handover(matter=reported, by=clerk, to_unit="县委组织部", reason="报县委组织部审核")
    # An older overdue matter: marked then (as the nightly run did), its accountability case decided, completed.
    old = register(insurance, at=days(60), name="赵磊")
    accountability.mark_overdue(now=days(40))
    if is_admin(admin):
        accountability.accountability_decide(
            case=old.accountability_case,
            violation=Violation.OTHER,
            sanctions=[Sanction.SELF_CRITICISM],
            findings="经办人未跟踪办理进度",
            decided_by=admin,
        )
    desk.matter_complete(matter=old, result="已代缴", by=clerk, at=days(38))

    contact.complaint_register(complainant_name="匿名", content=f"窗口等候时间过长{MARK}", received_by=clerk)
    looked_into = contact.complaint_register(
        complainant_name="陈静",
        complainant_contact="13800005678",
        content=f"办件超期未办结{MARK}",
        received_by=clerk,
        against_staff=admin,
        matter=overdue,
    )
    contact.complaint_investigate(complaint=looked_into, investigator=clerk, findings="情况属实，已督促办理")
    replied = contact.complaint_register(
        complainant_name="黄丽", content=f"电话无人接听{MARK}", received_by=clerk, against_staff=clerk
    )
    contact.complaint_investigate(complaint=replied, investigator=admin, findings="当日窗口人员外出培训")
    contact.complaint_reply(complaint=replied, reply="已调整值班安排，感谢监督", by=admin)

    def book(name, hours, **extra):
        return contact.appointment_book(
            name=name,
            phone="13800009876",
            topic=f"上门办理{MARK}",
            booked_by=clerk,
            **extra,
            scheduled_at=now + timedelta(hours=hours),
        )

    book(
        "钱大爷",
        48,
        group=Appointment.Group.ELDERLY,
        door_to_door=True,
        address="某某镇西岗村5组8号",
        assigned_staff=clerk,
        service=insurance,
    )
    # Two days and one day ago may be a weekend or a holiday: on duty, the clerk is named (R-SV-13).
    contact.appointment_close(
        appointment=book("孙阿姨", -48, service=proof, assigned_staff=clerk), done=True, by=clerk
    )
    contact.appointment_close(appointment=book("周先生", -24, assigned_staff=clerk), done=False, by=clerk)
    return 16

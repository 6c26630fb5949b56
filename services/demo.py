"""Demo data for the service desk (core.registry.register_demo): a catalog and a few matters of every kind."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from services import contact, desk
from services.models import Matter, MatterKind, Service

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
    staff = list(User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("pk")[:3])
    if not staff:
        staff = [User.objects.filter(is_superuser=True).order_by("pk").first()]
    if staff[0] is None:
        return "便民服务：没有工作人员，跳过"
    services = list(Service.objects.order_by("sort_order"))
    count = max(10, min(size // 20, 60))
    now = timezone.now()
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
    contact.complaint_register(
        complainant_name="匿名", content=f"窗口等候时间过长{MARK}", received_by=staff[0]
    )
    return f"便民服务：{len(services)} 项服务，{count} 件办件，1 件投诉"

"""Realistic demo data for the member records, inserted in bulk (``manage.py demo_data --members N``).

Idempotent: when members already exist nothing is added to them (the counts are printed), the demo logins
are made sure of, and every app's generator in core.registry.demo_generators still runs (they are idempotent
too). ``save()`` is skipped by bulk inserts, so name_initials is computed here.
"""

from __future__ import annotations

import base64
import random
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from core import registry
from core.access import ROLE_GROUP_NAMES, Role
from core.dates import add_months, period_end
from core.idnumbers import make_id_number
from core.models import CalendarYear, CenterProfile, Organization, StaffProfile
from core.people import person_name
from core.two_factor import requires_two_factor
from members.models import (
    Discipline,
    FloatingCertificate,
    FloatingContact,
    FloatingMember,
    Meeting,
    Member,
    RelationTransfer,
    TrainingRotation,
)
from members.search import name_initials

DEMO_PASSWORD = "Demo-2026"
# The demo administrator, clerk and auditor are pre-enrolled in two-factor sign-in (core.two_factor) with this
# authenticator secret (add it to any authenticator app) and these recovery codes, restored on every run.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_RECOVERY_CODES = ("11112222", "33334444", "55556666", "77778888", "99990000")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆国建文志永林东海峰成新春德荣"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂兰萍红梅琳雪慧莉婷颖倩洁琴云秀英玉珍凤华晶"
VILLAGES = [
    "东塘",
    "西岗",
    "南湖",
    "北山",
    "柳溪",
    "桃园",
    "杏花",
    "青石",
    "长庄",
    "新河",
    "大桥",
    "小营",
    "黄泥",
    "白沙",
    "龙口",
    "凤鸣",
    "双井",
    "三里",
    "五星",
    "七里",
]
ENTERPRISES = ["某某纺织有限公司", "某某机械制造有限公司", "某某农业发展有限公司", "某某物流有限公司"]
INSTITUTIONS = ["镇中心小学", "镇卫生院"]
REGIONS = ["320582", "320581", "320583", "320584"]
EDUCATIONS = [e.value for e in Member.Education]


def _name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_MALE if gender == Member.Gender.MALE else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _organizations(today: date) -> tuple[Organization, Organization, list[Organization], list[Organization]]:
    """The town tree: committee, the center's branch, village branches with party groups, other branches."""
    town = Organization.objects.filter(kind=Organization.Kind.TOWN_COMMITTEE, parent__isnull=True).first()
    if town is None:
        town = Organization.objects.create(
            name="中共某某镇委员会",
            kind=Organization.Kind.TOWN_COMMITTEE,
            code="TOWN",
            has_approval_authority=True,
            category=Organization.Category.OTHER,
        )
    center = Organization.objects.filter(is_center=True).first() or Organization.objects.create(
        name="党员服务转化中心党支部",
        kind=Organization.Kind.BRANCH,
        parent=town,
        code="CENTER",
        is_center=True,
        category=Organization.Category.CENTER,
        sort_order=1,
    )
    branches: list[Organization] = []
    groups: list[Organization] = []
    for i, village in enumerate(VILLAGES, 1):
        branch = Organization.objects.create(
            name=f"{village}村党支部",
            kind=Organization.Kind.BRANCH,
            parent=town,
            code=f"V{i:02d}",
            village=f"{village}村",
            category=Organization.Category.VILLAGE,
            sort_order=10 + i,
        )
        branches.append(branch)
        groups += Organization.objects.bulk_create(
            Organization(
                name=f"{village}村第{n}党小组",
                kind=Organization.Kind.PARTY_GROUP,
                parent=branch,
                code=f"V{i:02d}G{n}",
                village=f"{village}村",
                sort_order=n,
            )
            for n in range(1, 4)
        )
    for i, name in enumerate(ENTERPRISES, 1):
        branches.append(
            Organization.objects.create(
                name=f"{name}党支部",
                kind=Organization.Kind.BRANCH,
                parent=town,
                code=f"E{i:02d}",
                category=Organization.Category.ENTERPRISE,
                sort_order=50 + i,
            )
        )
    for i, name in enumerate(INSTITUTIONS, 1):
        branches.append(
            Organization.objects.create(
                name=f"{name}党支部",
                kind=Organization.Kind.BRANCH,
                parent=town,
                code=f"I{i:02d}",
                category=Organization.Category.INSTITUTION,
                sort_order=70 + i,
            )
        )
    return town, center, branches, groups


def _initials(name: str, surname_len: int, cache: dict[str, str]) -> str:
    """name_initials of a demo name, composed from its surname and given name (each converted once).

    For every surname × given-name pair the demo can draw this equals name_initials(name) (checked in
    tests/members/test_admin_and_demo.py); it saves converting tens of thousands of whole names.
    """
    parts = (name[:surname_len], name[surname_len:])
    for part in parts:
        if part not in cache:
            cache[part] = name_initials(part)
    return cache[parts[0]] + cache[parts[1]]


def _members(size: int, rng: random.Random, today: date, center, branches, groups) -> list[Member]:
    """Members in one COPY (no model instances on the way in), then read back in id order."""
    groups_of: dict[int, list[Organization]] = {}
    for group in groups:
        groups_of.setdefault(group.parent_id, []).append(group)
    used: set[str] = set()
    initials_cache: dict[str, str] = {}
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    defaults["created_at"] = timezone.now()
    rows = []
    center_size = min(12, max(size // 10, 1))
    for i in range(size):
        org = center if i < center_size else branches[(i * 7 + rng.randrange(3)) % len(branches)]
        gender = Member.Gender.MALE if rng.random() < 0.72 else Member.Gender.FEMALE
        born = date(rng.randint(1945, 2001), rng.randint(1, 12), rng.randint(1, 28))
        region, seq = rng.choice(REGIONS), rng.randrange(1000)
        seq = seq - seq % 2 + (1 if gender == Member.Gender.MALE else 0)  # GB 11643: odd for men
        id_number = make_id_number(region, born, seq)
        while id_number in used:
            seq = (seq + 2) % 1000
            id_number = make_id_number(region, born, seq)
        used.add(id_number)
        name = _name(rng, gender)
        probationary = rng.random() < 0.06 and born.year <= 2000
        if probationary:
            joined = period_end(today, days=-rng.randint(20, 330))
            full_on = None
        else:
            joined = date(
                min(born.year + rng.randint(20, 45), today.year - 2), rng.randint(1, 12), rng.randint(1, 28)
            )
            full_on = add_months(joined, 12)
        village = org.village or f"{rng.choice(VILLAGES)}村"
        row = dict(
            defaults,
            name=name,
            name_initials=_initials(name, 1, initials_cache),
            gender=gender.value,
            birth_date=born,
            id_number=id_number,
            education=rng.choice(EDUCATIONS),
            phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            address=f"{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
            village=village,
            organization_id=org.pk,
            party_group_id=rng.choice(groups_of[org.pk]).pk if org.pk in groups_of else None,
            status=(Member.Status.PROBATIONARY if probationary else Member.Status.FULL).value,
            joined_on=joined,
            full_member_on=full_on,
            monthly_dues=Decimal(rng.choice(["1.00", "2.00", "5.00", "10.00"])),
            is_reserve_cadre=born.year >= 1988 and rng.random() < 0.05,
        )
        rows.append(tuple(row[f.attname] for f in fields))
    last_before = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY members_member ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    organizations = {o.pk: o for o in [center, *branches, *groups]}
    members = list(Member.objects.filter(pk__gt=last_before).order_by("pk"))
    for m in members:
        m.organization = organizations[m.organization_id]
    return members


def _committees(members: list[Member]) -> None:
    """R-MB-08: each branch's committee — its first full members get the committee roles (书记, 组织委员 …), so a
    committee meeting's roll lists the committee, not the whole branch."""
    roles = [
        Member.CommitteeRole.SECRETARY,
        Member.CommitteeRole.ORGANIZATION,
        Member.CommitteeRole.PUBLICITY,
        Member.CommitteeRole.DISCIPLINE,
        Member.CommitteeRole.MEMBER,
    ]
    taken: dict[int, int] = {}
    chosen = []
    for member in members:
        n = taken.get(member.organization_id, 0)
        if member.status == Member.Status.FULL and n < len(roles):
            member.committee_role = roles[n]
            taken[member.organization_id] = n + 1
            chosen.append(member)
    Member.objects.bulk_update(chosen, ["committee_role"], batch_size=2000)


def _status_events(members: list[Member]) -> None:
    """Each new member's opening status event, in one INSERT … SELECT."""
    if not members:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_memberstatusevent (member_id, action, from_state, to_state, effective_on, note, "
            "at) SELECT id, 'create', '', status, joined_on, %s, now() FROM members_member WHERE id BETWEEN %s AND %s",
            ["建立党员档案（演示数据）", members[0].pk, members[-1].pk],
        )


def _reserve_numbers(series: str, year: int, count: int) -> int:
    """Take ``count`` consecutive gap-free numbers at once; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_numbersequence (series, year, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (series, year) DO UPDATE SET last = core_numbersequence.last + EXCLUDED.last RETURNING last",
            [series, year, count],
        )
        return cursor.fetchone()[0] - count + 1


def _floating(members: list[Member], rng: random.Random, today: date, clerk: User) -> int:
    candidates = [m for m in members if not m.organization.is_center]
    chosen = rng.sample(candidates, max(len(candidates) // 30, min(len(candidates), 3)))
    cities = [
        "江苏省苏州市",
        "上海市浦东新区",
        "浙江省杭州市",
        "广东省深圳市",
        "江苏省南京市",
        "北京市朝阳区",
    ]
    floating = []
    for index, m in enumerate(chosen):
        out_on = period_end(today, days=-rng.randint(60, 900))
        lost = index % 12 == 0
        last = period_end(today, days=-rng.randint(200, 400) if lost else -rng.randint(3, 80))
        last = max(last, out_on)
        floating.append(
            FloatingMember(
                member=m,
                flowed_out_on=out_on,
                destination=rng.choice(cities),
                current_work=rng.choice(
                    ["电子厂 技术员", "建筑工地 施工员", "物流公司 司机", "餐饮店 厨师", "个体经营"]
                ),
                home_address=m.address,
                contact_phone=m.phone,
                activity_participation="参加流入地党组织活动",
                dues_paid_where=rng.choice(["原支部按月收缴（微信转账）", "流入地党组织代收", "返乡时补交"]),
                last_contacted_on=last,
                lost_contact_since=last if lost else None,
            )
        )
    floating = FloatingMember.objects.bulk_create(floating, batch_size=5000)
    FloatingContact.objects.bulk_create(
        (
            FloatingContact(
                floating=f,
                contacted_on=f.last_contacted_on,
                method=rng.choice(["phone", "wechat"]),
                reached=True,
                note="了解工作生活情况",
                recorded_by=clerk,
            )
            for f in floating
        ),
        batch_size=5000,
    )
    with_cert = [f for f in floating if f.lost_contact_since is None]
    first = _reserve_numbers("floating_certificate", today.year, len(with_cert)) if with_cert else 1
    prefix = CenterProfile.current().certificate_prefix
    FloatingCertificate.objects.bulk_create(
        (
            FloatingCertificate(
                floating=f,
                year=today.year,
                sequence=first + n,
                number=f"{prefix}〔{today.year}〕{first + n:03d}号",
                issued_on=date(today.year, 1, 1),
                valid_until=date(today.year + 1, 1, 1),
                issued_by=clerk,
            )
            for n, f in enumerate(with_cert)
        ),
        batch_size=5000,
    )
    return len(floating)


def _meetings(today: date, rng: random.Random, branches, groups, center, clerk: User) -> int:
    """Three months of meetings; about one branch in five misses something this month."""
    meetings = []
    months = [add_months(today.replace(day=1), -k) for k in (2, 1, 0)]
    for branch in [center, *branches]:
        skipping = rng.random() < 0.2
        for month in months:
            current = month == months[-1]
            day = min(today.day, 28) if current else 15
            wednesday = month.replace(day=1 + (2 - month.replace(day=1).weekday()) % 7)
            kinds = [(Meeting.Kind.COMMITTEE_MEETING, month.replace(day=min(5, day)))]
            if wednesday <= today:
                kinds.append((Meeting.Kind.PARTY_DAY, wednesday))
            if month.month in (1, 4, 7, 10) or (current and today.day > 10):
                kinds += [
                    (Meeting.Kind.MEMBER_MEETING, month.replace(day=min(8, day))),
                    (Meeting.Kind.PARTY_LECTURE, month.replace(day=min(8, day))),
                ]
            for kind, held_on in kinds:
                if current and skipping and kind != Meeting.Kind.PARTY_DAY:
                    continue
                meetings.append(
                    Meeting(
                        organization=branch,
                        kind=kind,
                        held_on=held_on,
                        topic=f"{Meeting.Kind(kind).label}：学习贯彻党的二十大精神",
                        recorded_by=clerk,
                    )
                )
    for group in groups:
        if rng.random() < 0.85:
            meetings.append(
                Meeting(
                    organization=group,
                    kind=Meeting.Kind.GROUP_MEETING,
                    held_on=today.replace(day=1),
                    topic="党小组学习",
                    recorded_by=clerk,
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    # Rolls for the member meetings, in one INSERT … SELECT: about 1 in 12 members absent.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_attendance (meeting_id, member_id, present, absence_reason) "
            "SELECT mt.id, m.id, (m.id %% 12) <> 0, CASE WHEN (m.id %% 12) = 0 "
            "THEN (ARRAY['病假', '事假', '公差', '无故'])[1 + (m.id / 12) %% 4] ELSE '' END "
            "FROM members_meeting mt JOIN members_member m ON m.organization_id = mt.organization_id "
            "WHERE m.status IN ('probationary', 'full') AND ("
            "  mt.kind = 'member_meeting'"
            "  OR (mt.kind = 'committee_meeting' AND m.committee_role <> '' AND mt.organization_id <> %s))",
            [center.pk],
        )
    return len(meetings)


# Categories of the dues standard by member id (R-MB-13): most village members are farmers.
_CATEGORY_BY_ID = ["farmer", "farmer", "farmer", "farmer", "salaried", "salaried", "retired", "relief",
                   "self_employed", "farmer"]  # fmt: skip


def _dues_bases(members: list[Member], rng: random.Random, today: date) -> int:
    """R-MB-13/R-MB-14: every active member's base for last year, and for this year for all but about 1 in 12
    (their amount is provisional: last year's applies). Amounts by the one standard function."""
    from members.dues import standard_monthly_amount
    from members.models import DuesBase

    rows = []
    for member in members:
        if member.status not in Member.ACTIVE_STATUSES:
            continue
        category = _CATEGORY_BY_ID[member.pk % len(_CATEGORY_BY_ID)]
        fixed = Decimal(rng.choice(["0.20", "0.50", "0.80", "1.00"])) if category == "farmer" else None
        base = None
        if category in ("salaried", "self_employed"):
            base = Decimal(rng.randrange(1800, 16000, 50))
        elif category == "retired":
            base = Decimal(rng.randrange(2500, 8000, 50))
        for year, raise_by in ((today.year - 1, Decimal("1")), (today.year, Decimal("1.03"))):
            if year == today.year and member.pk % 12 == 5:
                continue  # not yet re-set this year: provisional
            this_base = (base * raise_by).quantize(Decimal("1")) if base is not None else None
            amount = standard_monthly_amount(category, base=this_base, fixed_amount=fixed).amount
            rows.append(
                DuesBase(
                    member=member,
                    year=year,
                    category=category,
                    base=this_base,
                    fixed_amount=fixed,
                    monthly_amount=amount,
                    set_on=date(year, 3, 1),
                )
            )
    DuesBase.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _dues(today: date) -> None:
    """Dues of the last twelve months up to last month, in one INSERT … SELECT, each month at its amount due
    (R-MB-13: the year's base, else last year's, else the member record's); about 1 member in 15 owes the last
    three months."""
    first = add_months(today.replace(day=1), -12)
    last = add_months(today.replace(day=1), -1)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duespayment (member_id, month, amount, paid_on, recorded_by_id) "
            "SELECT m.id, g.month::date, COALESCE(cur.monthly_amount, prev.monthly_amount, m.monthly_dues), "
            "g.month::date + 9, NULL "
            "FROM members_member m CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') AS g(month) "
            "LEFT JOIN members_duesbase cur ON cur.member_id = m.id "
            "AND cur.year = extract(year FROM g.month)::int "
            "LEFT JOIN members_duesbase prev ON prev.member_id = m.id "
            "AND prev.year = extract(year FROM g.month)::int - 1 "
            "WHERE m.status IN ('probationary', 'full') AND g.month >= date_trunc('month', m.joined_on) "
            "AND NOT ((m.id %% 15) = 0 AND g.month >= %s::date) "
            "AND COALESCE(cur.monthly_amount, prev.monthly_amount, m.monthly_dues) > 0",
            [first, last, add_months(today.replace(day=1), -3)],
        )


def _dues_cases(today: date, clerk: User | None) -> list[str]:
    """One member in each dues state the pages show (R-MB-13 … R-MB-15), in the secretary's branch: a reduction
    approved this year, an exemption, payments with a voluntary extra and on someone's behalf, several months
    paid in advance, and a member who has paid nothing for six months and is flagged."""
    from members.dues import dues_lapse_handle, dues_pay, dues_reduction_record, payable_months
    from members.models import DuesBase, DuesLapseHandling, DuesPayment

    branch = (
        Organization.objects.filter(kind=Organization.Kind.BRANCH, category=Organization.Category.VILLAGE)
        .order_by("sort_order", "code")
        .first()
    )
    pool = list(
        Member.objects.filter(
            organization=branch,
            status=Member.Status.FULL,
            joined_on__lt=add_months(today, -14),
            dues_bases__year=today.year,
            floating__isnull=True,
        ).order_by("-pk")[:8]
    )
    if len(pool) < 6:
        return []
    reduced, exempt, voluntary, behalf, lapsed, handled = pool[:6]
    shown = []
    for member, amount in ((reduced, None), (exempt, Decimal("0"))):
        base = DuesBase.objects.get(member=member, year=today.year)
        dues_reduction_record(
            member=member,
            year=today.year,
            reduced_amount=amount
            if amount is not None
            else (base.monthly_amount / 2).quantize(Decimal("0.01")),
            from_month=today.month,
            branch_decision="支部委员会研究：家庭因病致困，申请减免党费",
            branch_decided_on=period_end(today, days=-20),
            committee_approval="镇党委同意",
            committee_approved_on=period_end(today, days=-10),
            recorded_by=clerk,
        )
    shown.append("党费减免（年中批准）与免交")
    owed = [m for m, _, is_owed in payable_months(voluntary, today) if is_owed]
    DuesPayment.objects.filter(member=voluntary, month__in=owed).delete()
    dues_pay(member=voluntary, months=owed or [today.replace(day=1)], paid_on=today, recorded_by=clerk,
             voluntary=Decimal("100.00"))  # fmt: skip
    advance = [m for m, _, is_owed in payable_months(behalf, today) if not is_owed][:3]
    dues_pay(member=behalf, months=advance, paid_on=today, recorded_by=clerk, paid_by="家属代交")
    shown.append("自愿多交、他人代交并预交三个月")
    for member in (lapsed, handled):  # nothing paid for the last seven months
        DuesPayment.objects.filter(member=member, month__gte=add_months(today.replace(day=1), -7)).delete()
    dues_lapse_handle(
        member=handled,
        kind=DuesLapseHandling.Kind.DEADLINE,
        handled_on=today,
        pay_by=period_end(today, days=30),
        note="支部书记谈话，本人表示月底前补交",
        recorded_by=clerk,
    )
    shown.append("连续六个月未交党费（一名待处理、一名限期补交）")
    return shown


def _transfers(members: list[Member], branches, today: date, clerk: User) -> int:
    from members.transfers import transfer_start

    movers = [m for m in members if m.status == Member.Status.FULL and not m.organization.is_center][:5]
    for n, m in enumerate(movers):
        target = next(b for b in branches if b.pk != m.organization_id)
        issued = period_end(today, days=-(60 if n < 2 else 5))  # the first two are overdue (口袋党员)
        transfer_start(
            member=m,
            direction="internal",
            issued_on=issued,
            created_by=clerk,
            to_organization=target,
            reason="工作调动",
        )
    return len(movers)


def _every_status(members: list[Member], branches, today: date, clerk: User) -> list[str]:
    """One member in each state the member pages show (R-MB-02, R-MB-05, R-MB-06), through the operations:
    a letter accepted on its last day of validity, one transferred out of town, one cancelled; a warning,
    a 留党察看 in force and one whose rights were restored, an expulsion; a deceased member; a floating member
    who came back (certificate taken back). Members already moving, floating or at the center are left alone."""
    from members.floating import floating_return
    from members.status import change_status, discipline_record, discipline_restore_rights
    from members.transfers import transfer_accept, transfer_cancel, transfer_start

    busy = set(RelationTransfer.objects.values_list("member_id", flat=True))
    busy |= set(FloatingMember.objects.values_list("member_id", flat=True))
    free = iter(
        m
        for m in members
        if m.status == Member.Status.FULL and not m.organization.is_center and m.pk not in busy
    )

    def other_branch(member):
        return next(b for b in branches if b.pk != member.organization_id)

    issued = period_end(today, days=-40)
    shown = []
    member = next(free)
    letter = transfer_start(
        member=member,
        direction="internal",
        issued_on=issued,
        created_by=clerk,
        to_organization=other_branch(member),
        reason="迁居",
    )
    transfer_accept(transfer=letter, accepted_on=letter.valid_until, accepted_by=clerk)
    shown.append("介绍信有效期最后一天接收")
    member = next(free)
    letter = transfer_start(
        member=member,
        direction="out",
        issued_on=period_end(today, days=-20),
        created_by=clerk,
        to_unit="中共某某市某某区某某街道工作委员会",
        reason="户籍迁出",
    )
    transfer_accept(transfer=letter, accepted_on=period_end(today, days=-12), accepted_by=clerk)
    member = next(free)
    letter = transfer_start(
        member=member,
        direction="internal",
        issued_on=period_end(today, days=-10),
        created_by=clerk,
        to_organization=other_branch(member),
        reason="工作调动",
    )
    transfer_cancel(transfer=letter, cancelled_by=clerk, reason="本人未调动")
    shown.append("转出镇外、介绍信撤销")
    committee = "中共某某镇纪律检查委员会"
    discipline_record(
        member=next(free),
        kind=Discipline.Kind.WARNING,
        decided_on=add_months(today, -5),
        decided_by=committee,
        reason="违反组织纪律",
        recorded_by=clerk,
    )
    discipline_record(
        member=next(free),
        kind=Discipline.Kind.PROBATION,
        decided_on=add_months(today, -3),
        decided_by=committee,
        reason="违反廉洁纪律",
        recorded_by=clerk,
    )
    restored = discipline_record(
        member=next(free),
        kind=Discipline.Kind.PROBATION,
        decided_on=add_months(today, -14),
        decided_by=committee,
        reason="违反工作纪律",
        recorded_by=clerk,
    )
    discipline_restore_rights(discipline=restored, restored_on=add_months(today, -2), recorded_by=clerk)
    discipline_record(
        member=next(free),
        kind=Discipline.Kind.EXPULSION,
        decided_on=add_months(today, -1),
        decided_by=committee,
        reason="严重违纪",
        recorded_by=clerk,
    )
    shown.append("警告、留党察看（期间与已恢复权利）、开除党籍")
    change_status(
        member=next(free),
        to_status=Member.Status.DECEASED,
        effective_on=period_end(today, days=-30),
        reason="因病去世",
        recorded_by=clerk,
    )
    shown.append("去世")
    back = FloatingMember.objects.filter(lost_contact_since__isnull=True, certificates__isnull=False).first()
    if back is not None:
        floating_return(floating=back, returned_on=period_end(today, days=-6), recorded_by=clerk, note="返乡")
        shown.append("流动党员返回（收回活动证）")
    return shown


def _training(members: list[Member], today: date) -> int:
    young = [
        m
        for m in members
        if not m.organization.is_center
        and m.birth_date.year >= today.year - 35
        and m.status == Member.Status.FULL
    ][:12]
    TrainingRotation.objects.bulk_create(
        TrainingRotation(member=m, year=today.year, started_on=date(today.year, 3, 1)) for m in young
    )
    return len(young)


def ensure_logins(stdout=None, branch: Organization | None = None) -> list[tuple[str, str]]:
    """One demo login per role, each a person with a name; the secretary is bound to a village branch and
    the clerk sits at a desk window (the desk's 本窗口 tab)."""
    logins = [
        ("admin", Role.ADMIN, "王建华", ""),
        ("clerk", Role.CLERK, "李敏", "1号窗口"),
        ("secretary", Role.SECRETARY, "张卫东", ""),
        ("auditor", Role.AUDITOR, "赵静", ""),
    ]
    rows = []
    for username, role, name, window in logins:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": name,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))
        StaffProfile.objects.get_or_create(
            user=user,
            defaults={"organization": branch if role == Role.SECRETARY else None, "window": window},
        )
        where = f" · {user.staff_profile.organization}" if role == Role.SECRETARY else ""
        rows.append((username, f"{person_name(user)} · {ROLE_GROUP_NAMES[role]}{where}"))
        if requires_two_factor(user):
            _enrol_demo_two_factor(user)
    if stdout is None:
        return rows
    stdout.write(f"演示登录（密码均为 {DEMO_PASSWORD}）：")
    for username, label in rows:
        stdout.write(f"  {username:<10} {label}")
    stdout.write(
        f"两步验证（admin、clerk、auditor）：在验证器应用中添加密钥 {DEMO_TOTP_SECRET}，输入其6位验证码；"
        f"或输入恢复码 {' '.join(DEMO_RECOVERY_CODES)}（每个用一次，每次运行 demo_data 恢复）。"
    )
    return rows


def _enrol_demo_two_factor(user) -> None:
    """The demo secret as the user's confirmed authenticator, and the demo recovery codes (restored)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.two_factor import AUTHENTICATOR_NAME, RECOVERY_NAME

    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
    TOTPDevice.objects.get_or_create(
        user=user, key=key, defaults={"name": AUTHENTICATOR_NAME, "confirmed": True}
    )
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in DEMO_RECOVERY_CODES)


def _load_calendar(today: date) -> None:
    from core.calendar_loading import load_calendar_year_from_package, package_knows_year

    for year in (today.year - 1, today.year, today.year + 1):
        if package_knows_year(year) and not CalendarYear.objects.filter(year=year).exists():
            load_calendar_year_from_package(year)


def generate(*, size: int, rng: random.Random, stdout) -> str:
    """Create the demo member records (once) and return a one-line summary."""
    today = timezone.localdate()
    _load_calendar(today)
    existing = Member.objects.count()
    if existing:
        summary = (
            f"已有演示数据，未重复生成：党组织{Organization.objects.count()}个，党员{existing}名，"
            f"流动党员{FloatingMember.objects.count()}名，会议{Meeting.objects.count()}次。"
        )
        stdout.write(summary)
        return summary
    with transaction.atomic():
        _, center, branches, groups = _organizations(today)
        clerk = User.objects.filter(username="clerk").first()
        members = _members(size, rng, today, center, branches, groups)
        _status_events(members)
        _committees(members)
        floating = _floating(members, rng, today, clerk)
        meetings = _meetings(today, rng, branches, groups, center, clerk)
        _dues_bases(members, rng, today)
        _dues(today)
        transfers = _transfers(members, branches, today, clerk)
        trainees = _training(members, today)
        states = _every_status(members, branches, today, clerk)
        states += _dues_cases(today, clerk)
    summary = (
        f"已生成：党组织{len(branches) + len(groups) + 2}个，党员{len(members)}名，流动党员{floating}名，"
        f"会议{meetings}次，组织关系转接{transfers}件，轮训对象{trainees}名；{'、'.join(states)}。"
    )
    stdout.write(summary)
    return summary


def run(*, size: int, seed: int, stdout) -> None:
    """Members first, the logins, then every app's registered generator."""
    rng = random.Random(seed)
    ensure_logins()  # the clerk exists before the records that name it
    generate(size=size, rng=rng, stdout=stdout)
    branch = (
        Organization.objects.filter(kind=Organization.Kind.BRANCH, category=Organization.Category.VILLAGE)
        .order_by("sort_order", "code")
        .first()
    )
    StaffProfile.objects.filter(user__username="secretary", organization__isnull=True).update(
        organization=branch
    )
    for _, generator in registry.demo_generators:
        stdout.write(generator(size=size, rng=rng, stdout=stdout))
    ensure_logins(stdout)

"""Member records (R-MB-01 … R-MB-12).

Models hold data, constraints and small domain questions; every change that a rule governs goes through an
operation in the app's modules (members/status.py, members/transfers.py, members/floating.py,
members/meetings.py, …), never through direct field assignment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.fields import CodeField
from core.idnumbers import validate_id_number
from core.models import Organization
from core.phones import validate_phone
from core.transitions import ChangeRow
from members.search import NameGrams

USER = settings.AUTH_USER_MODEL


class Member(models.Model):
    """A party member (R-MB-01 … R-MB-04)."""

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", "预备党员"
        FULL = "full", "正式党员"
        TRANSFERRED_OUT = "transferred_out", "已转出"
        DECEASED = "deceased", "已去世"
        EXPELLED = "expelled", "开除党籍"
        REMOVED = "removed", "除名/出党"

    ACTIVE_STATUSES = (Status.PROBATIONARY, Status.FULL)

    class Education(models.TextChoices):
        PRIMARY = "primary", "小学"
        JUNIOR = "junior", "初中"
        SENIOR = "senior", "高中/中专"
        COLLEGE = "college", "大专"
        BACHELOR = "bachelor", "本科"
        POSTGRADUATE = "postgraduate", "研究生"

    class CommitteeRole(models.TextChoices):
        SECRETARY = "secretary", "书记"
        DEPUTY = "deputy", "副书记"
        ORGANIZATION = "organization", "组织委员"
        PUBLICITY = "publicity", "宣传委员"
        DISCIPLINE = "discipline", "纪检委员"
        MEMBER = "member", "委员"

    name = models.CharField("姓名", max_length=30, db_index=True)
    name_initials = models.CharField(
        "姓名拼音首字母", max_length=30, blank=True, db_index=True, editable=False
    )
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = CodeField("公民身份号码", max_length=18, unique=True, validators=[validate_id_number])
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    phone = CodeField("联系电话", max_length=20, blank=True, db_index=True, validators=[validate_phone])
    address = models.CharField("家庭住址", max_length=200, blank=True)
    village = models.CharField("户籍所在村（社区）", max_length=50, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        Organization,
        verbose_name="所在党小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_members",
    )
    status = models.CharField("党员状态", max_length=20, choices=Status.choices, default=Status.FULL)
    joined_on = models.DateField(
        "入党日期", help_text="支部大会通过接收为预备党员的日期", null=True, blank=True
    )
    full_member_on = models.DateField(
        "转正日期", help_text="预备期满转为正式党员的日期", null=True, blank=True
    )
    monthly_dues = models.DecimalField(
        "每月应交党费（元）", max_digits=8, decimal_places=2, default=Decimal("2.00")
    )
    is_reserve_cadre = models.BooleanField("后备干部", default=False)
    committee_role = models.CharField(
        "支部委员会职务",
        max_length=20,
        choices=CommitteeRole.choices,
        blank=True,
        help_text="支部委员会成员填写；支部委员会会议的出勤名单列出这些党员（R-MB-08）",
    )
    notes = models.TextField("备注", blank=True, max_length=2000)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = verbose_name
        ordering = ["organization_id", "name"]
        indexes = [
            models.Index(fields=["organization", "status"], name="member_org_status"),
            # Search by part of a name, ID number or phone (name__icontains …): trigram indexes on the
            # expressions Django's icontains compares (UPPER(col)), so 50,000 members need no full scan.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="member_name_trgm"),
            GinIndex(OpClass(Upper("id_number"), name="gin_trgm_ops"), name="member_id_number_trgm"),
            GinIndex(OpClass(Upper("name_initials"), name="gin_trgm_ops"), name="member_initials_trgm"),
            GinIndex(fields=["phone"], opclasses=["gin_trgm_ops"], name="member_phone_trgm"),
            # … and for a name fragment of 1 or 2 characters, which has no trigram (members.search).
            GinIndex(NameGrams(Upper("name")), name="member_name_grams"),
            # The admin changelist's date hierarchy: first/last joining date and the years (MemberAdmin); the
            # members who joined in a period per organisation, from the index alone (members.analysis.flows).
            models.Index(
                fields=["joined_on"], include=["organization", "status", "id"], name="member_joined_on_org"
            ),
            # … filtered by status (预备党员·村): the first and last date from the index alone, and each year
            # probed through it, instead of every filtered member's row from the table (issue 21).
            models.Index(
                fields=["status", "joined_on"], include=["organization"], name="member_status_joined_on"
            ),
            # … filtered by 后备干部 (one member in a hundred): the count, the first page in its order, the first and
            # last date and the years, each from a small index of those members alone (issue 21).
            models.Index(
                fields=["organization", "name"],
                condition=Q(is_reserve_cadre=True),
                name="member_reserve_org_name",
            ),
            models.Index(
                fields=["joined_on"], condition=Q(is_reserve_cadre=True), name="member_reserve_joined_on"
            ),
            # The days of one month of births or full membership on the roll (members.analysis.composition:
            # the edge month of an age band, beside the monthly tallies).
            models.Index(
                fields=["birth_date"],
                condition=Q(status__in=["probationary", "full"]),
                name="member_roll_birth",
            ),
            models.Index(
                fields=["full_member_on"], condition=Q(status="full"), name="member_roll_full_member_on"
            ),
            # Lists in their order: organisation then name (the staff list, the admin changelist), also by status.
            models.Index(fields=["organization", "name"], name="member_org_name"),
            models.Index(fields=["status", "organization", "name"], name="member_status_org_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(full_member_on__gte=models.F("joined_on")),
                name="member_full_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from members.search import name_initials

        self.name_initials = name_initials(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from members.records import validate_member

        validate_member(self)

    @property
    def is_active_member(self) -> bool:
        return self.is_active_status(self.status)

    @classmethod
    def is_active_status(cls, status: str) -> bool:
        """预备党员 or 正式党员: on the roll — for a row read without its model (``status__in=ACTIVE_STATUSES``)."""
        return status in cls.ACTIVE_STATUSES

    def party_age(self, on: date | None = None) -> int | None:
        """R-MB-03: party age counts from the end of probation (full-membership date)."""
        from core.dates import age_on

        if not self.full_member_on:
            return None
        on = on or timezone.localdate()
        return max(age_on(self.full_member_on, on), 0) if on >= self.full_member_on else 0


class MemberStatusEvent(ChangeRow):
    """R-MB-02: every change of status is a dated event (append-only; core.transitions, members.status)."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="status_events"
    )
    from_state = models.CharField("原状态", max_length=20, choices=Member.Status.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=Member.Status.choices)
    effective_on = models.DateField("生效日期")
    note = models.CharField("原因", max_length=200)

    class Meta:
        verbose_name = "党员状态变动"
        verbose_name_plural = verbose_name
        ordering = ["-effective_on", "-pk"]
        # Issue 21: the statistics' flows count a period's events by their two states from this index alone
        # (an index-only scan; the table is append-only, so autovacuum keeps its visibility map current).
        indexes = [
            models.Index(
                fields=["effective_on"],
                include=["from_state", "to_state", "member_id"],
                name="status_event_effective",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_from_state_display()}→{self.get_to_state_display()}"


class Discipline(models.Model):
    """R-MB-02: party discipline with dates; 留党察看 suspends voting, election and introducer rights."""

    class Kind(models.TextChoices):
        WARNING = "warning", "警告"
        SERIOUS_WARNING = "serious_warning", "严重警告"
        REMOVAL_FROM_POST = "removal_from_post", "撤销党内职务"
        PROBATION = "probation", "留党察看"
        EXPULSION = "expulsion", "开除党籍"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="disciplines"
    )
    kind = models.CharField("处分类型", max_length=20, choices=Kind.choices)
    decided_on = models.DateField("处分日期")
    decided_by = models.CharField("决定机关", max_length=100)
    reason = models.TextField("事由", max_length=2000)
    rights_restored_on = models.DateField("恢复党员权利日期", null=True, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党纪处分"
        verbose_name_plural = verbose_name
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rights_restored_on__isnull=True)
                | Q(rights_restored_on__gte=models.F("decided_on")),
                name="discipline_restored_after_decided",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}（{self.decided_on}）"


class RelationTransfer(models.Model):
    """R-MB-05: a relation transfer with its numbered introduction letter (介绍信)."""

    class Direction(models.TextChoices):
        IN = "in", "转入"
        OUT = "out", "转出"
        INTERNAL = "internal", "镇内转接"

    class State(models.TextChoices):
        PENDING = "pending", "待接收"
        ACCEPTED = "accepted", "已接收"
        CANCELLED = "cancelled", "已撤销"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    direction = models.CharField("转接类型", max_length=10, choices=Direction.choices)
    from_organization = models.ForeignKey(
        Organization,
        verbose_name="转出组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_unit = models.CharField("转出单位（镇外）", max_length=100, blank=True)
    to_organization = models.ForeignKey(
        Organization,
        verbose_name="接收组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_unit = models.CharField("接收单位（镇外）", max_length=100, blank=True)
    letter_year = models.PositiveSmallIntegerField("介绍信年份")
    letter_sequence = models.PositiveIntegerField("介绍信序号")
    letter_number = models.CharField("介绍信编号", max_length=40, unique=True)
    issued_on = models.DateField("开具日期")
    valid_days = models.PositiveSmallIntegerField("有效期（天）", default=30)
    valid_until = models.DateField("有效期至")
    reason = models.CharField("转接原因", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        USER, verbose_name="接收经办人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        USER, verbose_name="经办人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = verbose_name
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["letter_year", "letter_sequence"], name="uniq_letter_sequence"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")), name="letter_valid_after_issue"
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_on__isnull=False),
                name="accepted_transfer_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"], name="transfer_state_valid")]

    def __str__(self) -> str:
        return f"{self.letter_number} {self.member}"

    def is_overdue(self, on: date | None = None) -> bool:
        """口袋党员 (R-MB-05): a letter not accepted within its validity — for one letter what
        ``members.transfers.overdue_letters`` selects (accepted on its last day is in time)."""
        return self.state == self.State.PENDING and (on or timezone.localdate()) > self.valid_until


class FloatingMember(models.Model):
    """R-MB-06: a floating member and the 七个掌握."""

    class Direction(models.TextChoices):
        OUT = "out", "外出流动"
        IN = "in", "流入本镇"

    member = models.OneToOneField(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="floating"
    )
    direction = models.CharField("流动方向", max_length=5, choices=Direction.choices, default=Direction.OUT)
    # 七个掌握: basic facts (the member record), times, current work, home address, contact, dues, activities.
    flowed_out_on = models.DateField("外出（流入）时间")
    returned_on = models.DateField("返回（流出）时间", null=True, blank=True)
    destination = models.CharField("流入地/流出地", max_length=100)
    current_work = models.CharField("现工作单位及从事工作", max_length=200)
    home_address = models.CharField("家庭住址", max_length=200)
    contact_phone = CodeField("联系方式", max_length=40)
    activity_participation = models.TextField("参加组织活动情况", blank=True, max_length=2000)
    dues_paid_where = models.CharField(
        "党费交纳地点",
        max_length=100,
        blank=True,
        default="",
        db_default="",  # rows inserted in bulk by SQL that predates the column (bench data) get it empty
        help_text="如：原支部按月收缴、流入地党组织代收",
    )
    last_contacted_on = models.DateField("最近联系日期", null=True, blank=True, db_index=True)
    lost_contact_since = models.DateField("失联日期", null=True, blank=True)
    # The day the contact limits count from (R-MB-06): the last contact, or the day they left; the first day
    # there is for a member marked lost contact, whom every limit has passed. The 工作台's flags are ranges of
    # it (members.floating.stale_condition, lost_or_marked_condition).
    unreached_since = models.GeneratedField(
        expression=models.Case(
            models.When(lost_contact_since__isnull=False, then=models.Value(date(1, 1, 1))),
            default=Coalesce("last_contacted_on", "flowed_out_on"),
        ),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name="未联系起算日期",
    )
    # The member's status and organisation, copied by the database (migration 0025: a trigger on members_member
    # and one on this table, in the statement that writes them): the 工作台 counts the floating members on the
    # roll in scope from the index below without looking up the roll (issue 21). Never written by the app.
    member_status = models.CharField(
        "党员状态（派生）", max_length=20, choices=Member.Status.choices, default="", editable=False
    )
    member_organization = models.ForeignKey(
        Organization,
        verbose_name="所在党组织（派生）",
        null=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["unreached_since", "member_status", "member_organization"])

    class Meta:
        verbose_name = "流动党员"
        verbose_name_plural = verbose_name
        ordering = ["last_contacted_on"]
        indexes = [
            # The floating members on the roll still away, by the day the limits count from: the 工作台's lost
            # and stale counts are one range of it, from the index alone (members.dashboard).
            models.Index(
                fields=["unreached_since"],
                include=["member_organization", "id"],
                condition=Q(returned_on__isnull=True, member_status__in=Member.ACTIVE_STATUSES),
                name="floating_unreached_on_roll",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.destination}）"

    @property
    def is_active(self) -> bool:
        return self.returned_on is None


class FloatingContact(models.Model):
    """R-MB-06: the regular-contact log."""

    class Method(models.TextChoices):
        PHONE = "phone", "电话"
        WECHAT = "wechat", "微信"
        VISIT = "visit", "见面走访"
        LETTER = "letter", "书信"
        OTHER = "other", "其他"

    floating = models.ForeignKey(
        FloatingMember, verbose_name="流动党员", on_delete=models.PROTECT, related_name="contacts"
    )
    contacted_on = models.DateField("联系日期")
    method = models.CharField("联系方式", max_length=10, choices=Method.choices)
    reached = models.BooleanField("联系上", default=True)
    note = models.CharField("情况记录", max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "流动党员联系记录"
        verbose_name_plural = verbose_name
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.floating.member} {self.contacted_on}"


class FloatingCertificate(models.Model):
    """R-MB-06: numbered 流动党员活动证, gap-free per year."""

    floating = models.ForeignKey(
        FloatingMember, verbose_name="流动党员", on_delete=models.PROTECT, related_name="certificates"
    )
    year = models.PositiveSmallIntegerField("年份")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("证件编号", max_length=40, unique=True)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至")
    revoked_on = models.DateField("收回日期", null=True, blank=True)
    revoke_reason = models.CharField("收回原因", max_length=200, blank=True)
    issued_by = models.ForeignKey(USER, verbose_name="发证人", null=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "流动党员活动证"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="uniq_certificate_sequence"),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("issued_on")), name="certificate_valid_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_expired(self, on: date | None = None) -> bool:
        """Valid through ``valid_until``; expired from the day after."""
        return (on or timezone.localdate()) > self.valid_until


class DuesCategory(models.TextChoices):
    """R-MB-13: the categories of the national dues standard."""

    SALARIED = "salaried", "在岗职工"
    RETIRED = "retired", "离退休"
    FARMER = "farmer", "农民"
    RELIEF = "relief", "学生·下岗·失业·低保·抚恤救济"
    SELF_EMPLOYED = "self_employed", "受雇或自雇"


class DuesBase(models.Model):
    """R-MB-13, R-MB-14: a member's dues category, monthly base (or the farmer's fixed amount) and monthly amount
    for one year, with a reduction or exemption (减免) when the branch decided it and the committee approved it.

    Written only by ``members.dues.dues_base_set`` / ``dues_reduction_record``: ``monthly_amount`` is what the
    one function ``members.dues.standard_monthly_amount`` computed from the category and base (R-MB-13).
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_bases", db_index=False
    )
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField(
        "月缴纳基数（元）", max_digits=10, decimal_places=2, null=True, blank=True, help_text="税后月工资收入"
    )
    fixed_amount = models.DecimalField(
        "定额（元/月）",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="农民党员，0.20–1.00元",
    )
    monthly_amount = models.DecimalField("每月应交（元）", max_digits=8, decimal_places=2)
    reduced_amount = models.DecimalField(
        "减免后每月应交（元）", max_digits=8, decimal_places=2, null=True, blank=True, help_text="0为免交"
    )
    reduced_from = models.PositiveSmallIntegerField("减免起始月份", null=True, blank=True)
    branch_decision = models.CharField("支部决定", max_length=200, blank=True)
    branch_decided_on = models.DateField("支部决定日期", null=True, blank=True)
    committee_approval = models.CharField("上级党委批准", max_length=200, blank=True)
    committee_approved_on = models.DateField("上级党委批准日期", null=True, blank=True)
    set_on = models.DateField("核定日期")
    set_by = models.ForeignKey(
        USER, verbose_name="核定人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党费基数"
        verbose_name_plural = verbose_name
        ordering = ["-year", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="uniq_dues_base_member_year"),
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="dues_base_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(base__isnull=True) | Q(base__gte=0), name="dues_base_base_not_negative"
            ),
            # R-MB-13: a reduction is recorded with both decisions, or not at all.
            models.CheckConstraint(
                condition=Q(
                    reduced_amount__isnull=True,
                    reduced_from__isnull=True,
                    branch_decided_on__isnull=True,
                    committee_approved_on__isnull=True,
                )
                | (
                    Q(
                        reduced_amount__gte=0,
                        reduced_from__gte=1,
                        reduced_from__lte=12,
                        branch_decided_on__isnull=False,
                        committee_approved_on__isnull=False,
                    )
                    & ~Q(branch_decision="")
                    & ~Q(committee_approval="")
                ),
                name="dues_base_reduction_approved",
            ),
        ]
        # The exemptions (reduced to 0) of a year, few: the members whose months owed end inside a window of
        # months are read from them, not from the members (members.dues.arrears_parts).
        indexes = [
            models.Index(fields=["year", "member"], condition=Q(reduced_amount=0), name="dues_base_exempt")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年"


class DuesReceipt(models.Model):
    """R-MB-14: one payment — one or several months, perhaps paid by someone else — with its numbered receipt."""

    number = models.CharField("收据编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField("年份")
    sequence = models.PositiveIntegerField("序号")
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_receipts", db_index=False
    )
    paid_on = models.DateField("交纳日期")
    paid_by = models.CharField("代交人", max_length=50, blank=True, help_text="本人交纳的不填")
    months_amount = models.DecimalField("按月应交部分（元）", max_digits=10, decimal_places=2)
    voluntary = models.DecimalField("自愿多交（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    recorded_by = models.ForeignKey(
        USER, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党费收据"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-sequence"]
        indexes = [models.Index(fields=["member", "paid_on"], name="dues_receipt_member_paid")]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="uniq_dues_receipt_sequence"),
            models.CheckConstraint(condition=Q(voluntary__gte=0), name="dues_receipt_voluntary_not_negative"),
            models.CheckConstraint(
                condition=Q(months_amount__gte=0), name="dues_receipt_months_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Decimal:
        return self.months_amount + self.voluntary


class DuesLapseHandling(models.Model):
    """R-MB-15: the branch's handling of a member flagged for six consecutive months without dues."""

    class Kind(models.TextChoices):
        REASON = "reason", "有正当理由"
        DEADLINE = "deadline", "限期补交"
        REMOVAL = "removal", "按自行脱党除名"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_lapse_handlings"
    )
    kind = models.CharField("处理方式", max_length=10, choices=Kind.choices)
    handled_on = models.DateField("处理日期")
    reason_until = models.DateField(
        "正当理由有效至", null=True, blank=True, help_text="该日所在月份及以前未交党费不再提示"
    )
    pay_by = models.DateField("限期补交截止日期", null=True, blank=True)
    note = models.CharField("情况说明", max_length=500)
    recorded_by = models.ForeignKey(
        USER, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "连续六个月未交党费的处理"
        verbose_name_plural = verbose_name
        ordering = ["-handled_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="reason") & Q(reason_until__isnull=False) & Q(pay_by__isnull=True))
                | (Q(kind="deadline") & Q(pay_by__isnull=False) & Q(reason_until__isnull=True))
                | (Q(kind="removal") & Q(pay_by__isnull=True) & Q(reason_until__isnull=True)),
                name="dues_lapse_kind_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"


class DuesPayment(models.Model):
    """R-MB-07, R-MB-14: one month's dues of one member; ``amount`` is the month's amount due when it was paid
    (anything more is on the receipt as voluntary). Rows from before receipts have none."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments"
    )
    month = models.DateField("所属月份", help_text="该月1日")
    amount = models.DecimalField("金额（元）", max_digits=8, decimal_places=2)
    paid_on = models.DateField("交纳日期")
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    receipt = models.ForeignKey(
        DuesReceipt,
        verbose_name="收据",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = verbose_name
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="uniq_dues_member_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_amount_positive"),
            models.CheckConstraint(condition=Q(month__day=1), name="dues_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m} {self.amount}"


class DuesYear(models.Model):
    """R-MB-07, derived: the months of one year a member has paid, as a bit mask (bit 0 = January).

    Written only by the database triggers on DuesPayment (migration 0004), inside the statement that inserts,
    changes or deletes payments: exact whichever path writes dues (``dues_record``, the admin, the demo data's
    bulk INSERT). A row exists only while the member has a payment in that year. ``members.dues`` joins it
    to count the months paid in a range, instead of counting payments member by member.
    """

    member = models.ForeignKey(
        Member,
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="dues_years",
        db_index=False,  # uniq_dues_year_member_year leads with the member
    )
    year = models.PositiveSmallIntegerField("年度")
    paid_months = models.IntegerField("已交月份（位图）", help_text="第0位为1月，第11位为12月")

    class Meta:
        verbose_name = "党费年度交纳情况（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="uniq_dues_year_member_year"),
            models.CheckConstraint(
                condition=Q(paid_months__gte=0, paid_months__lte=4095), name="dues_year_months_mask"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"


class DuesGap(models.Model):
    """R-MB-07, R-MB-15, derived: one run of consecutive months (first days) without a payment, from the month
    the member joined (January 1900 for a member without a joining date); ``last`` is empty for the run after
    the latest payment, which never ends.

    Written only by the database triggers on DuesPayment and Member (migration 0012), in the statement that
    writes the payments or changes a member's joining date, whoever writes them. Every month a member owes and
    has not paid lies in one of these runs, so ``members.dues`` finds the few members who can be in arrears or
    six months behind from the two partial indexes below, then applies its exact predicate to them alone.
    """

    member = models.ForeignKey(
        Member,
        verbose_name="党员",
        on_delete=models.DO_NOTHING,  # the delete trigger on members removes the member's runs
        db_constraint=False,
        related_name="dues_gaps",
    )
    first = models.DateField("首个未交月份")
    last = models.DateField("最后未交月份", null=True, blank=True, help_text="空：此后再无交纳")
    # ``first`` of the run after the latest payment, empty for the others: a column of its own so that the
    # planner's statistics see only those runs (one per member) when it estimates how many are behind.
    open_from = models.GeneratedField(
        expression=models.Case(models.When(last__isnull=True, then=models.F("first"))),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name="未交起始月份（其后再无交纳）",
    )

    class Meta:
        verbose_name = "党费未交月份区间（派生）"
        verbose_name_plural = verbose_name
        indexes = [
            # The run after the latest payment: behind since ``open_from`` (index-only, member included).
            models.Index(
                fields=["open_from", "member"], condition=Q(open_from__isnull=False), name="dues_gap_open"
            ),
            # A run between two payments: found by its end.
            models.Index(
                fields=["last", "first", "member"], condition=Q(last__isnull=False), name="dues_gap_closed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.first}–{self.last or ''}"


class DuesMonthTally(models.Model):
    """Derived: the dues paid (``DuesPayment.amount``) per organisation of the member and month paid for — the
    statistics' 实交 column without reading every payment (issue 21). Kept by the triggers on DuesPayment and
    Member (migration 0013) in the statement that writes the payments or moves a member, whoever writes them."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # dues_month_tally_key leads with it
        related_name="+",
    )
    month = models.DateField("所属月份")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    payments = models.IntegerField("笔数")

    class Meta:
        verbose_name = "党费按月实交统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="dues_month_tally_key")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m} {self.amount}"


class DuesDueTally(models.Model):
    """Derived: the dues expected (应交, R-MB-07, R-MB-13, R-MB-14) per organisation as changes from a month on —
    the statistics' 应交 column without reading every member (issue 21).

    The months owed and their money per month, summed over an organisation's members on the roll, are a step
    function of the month; a row holds its step at ``month``: from that month on, ``months`` more months owed
    each month and ``amount`` more yuan (negative to go down). The figure of a window of months is the sum over
    the rows up to its last month of the step times the months of the window it covers
    (``members.dues.expected_by_organization``). So that a window does not read every step since the oldest
    joining date, each organisation also has the sum of all its steps before each year (``cumulative``,
    ``month`` its January) — the months owed and their money in the December before — up to ``HORIZON``: a
    window within year Y reads one such row per organisation and the monthly steps of Y, however long the
    history. Kept by the triggers on Member and DuesBase (migration 0019) in the statement that writes them,
    whoever writes them: each subtracts the steps of the members it touches as they were and adds them as they
    are, in one insert in key order, from the same rule as ``members.dues.with_due_months`` — from the joining
    month, active members only, the year's amount, else last year's, else the member record's, a reduction
    from its month and an exemption (0) not owed. A step of year y is added to the sums before every year from
    y + 1 to ``HORIZON``; a row that comes to zero is removed (a missing row is zero)."""

    HORIZON = 2100  # the last year with a sum before it (migration 0019); later windows add the steps from it

    organization = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # dues_due_tally_key leads with it
        related_name="+",
    )
    cumulative = models.BooleanField("此前累计", default=False)
    month = models.DateField("起始月份")
    months = models.IntegerField("每月应交月数变化")
    amount = models.DecimalField("每月应交金额变化（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "党费按月应交统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["organization", "cumulative", "month"], name="dues_due_tally_key")
        ]
        # A window of months reads the sums before its year and the steps of its year, of every organisation:
        # from this index alone (members.dues.expected_by_organization).
        indexes = [
            models.Index(
                fields=["cumulative", "month"],
                include=["organization", "months", "amount"],
                name="dues_due_tally_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m} {self.months} {self.amount}"


class DuesPaidPatternFields(models.Model):
    """The figures of a pattern of months owed and paid, per organisation (DuesPaidPattern) or of the whole
    town (DuesPaidTownPattern)."""

    year = models.PositiveSmallIntegerField("年度")
    owed_mask = models.IntegerField("应交月份（位图）")
    paid_mask = models.IntegerField("应交且已交月份（位图）")
    reduced_mask = models.IntegerField("减免月份（位图）")
    members = models.IntegerField("党员人数")
    amount = models.DecimalField("每月应交合计（元）", max_digits=14, decimal_places=2)
    reduced_amount = models.DecimalField("减免后每月应交合计（元）", max_digits=14, decimal_places=2)

    class Meta:
        abstract = True


class DuesPaidPattern(DuesPaidPatternFields):
    """Derived: the months owed AND paid per organisation and year (R-MB-07, R-MB-13, R-MB-14) — with
    members.DuesDueTally, the statistics' and the 工作台's arrears without reading the members who owe (issue 21).

    One row per organisation, year and pattern of months (12-bit masks, bit 0 = January): ``owed_mask`` the months
    of the year the member owes (from the joining month, less an exemption; 0 for a member not on the roll),
    ``paid_mask`` those of them paid (members.DuesYear), ``reduced_mask`` the months at the reduced amount;
    ``members`` how many members of the organisation have that pattern, ``amount`` and ``reduced_amount`` the
    sums of their monthly amount (the year's, else last year's, else the member record's) and reduced amount.
    Only members with a month owed and paid in the year have a row: the others pay nothing of what they owe.
    The paid months are mostly a run from January, so the patterns are few whatever the number of members.
    Kept by the triggers on DuesYear, Member and DuesBase (migrations 0016, 0022) in the statement that writes
    them, whoever writes them: each subtracts the touched members as they were and adds them as they are, by the
    rule of ``members.dues.with_due_months``, in one insert in key order, and removes the rows that insert left
    at zero, by id; read by ``members.dues.arrears_by_organization``."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # in dues_paid_pattern_key
        related_name="+",
    )

    class Meta:
        verbose_name = "党费已交月份统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["year", "organization", "owed_mask", "paid_mask", "reduced_mask"],
                name="dues_paid_pattern_key",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.organization_id} {self.year} {self.owed_mask:012b} {self.paid_mask:012b} {self.members}"
        )


class DuesDueTownTally(models.Model):
    """Derived: members.DuesDueTally summed over the organisations — the steps of the dues expected of the whole
    town (R-MB-07, R-MB-13, R-MB-14), so that the 工作台's arrears of the whole town read a row per month, not
    one per organisation (issue 21). Kept by the triggers on DuesDueTally (migration 0026), in the statement
    that writes it: the rows it writes are added, the rows it replaces or removes subtracted, in one insert in
    key order; a row that comes to zero is removed."""

    cumulative = models.BooleanField("此前累计", default=False)
    month = models.DateField("起始月份")
    months = models.IntegerField("每月应交月数变化")
    amount = models.DecimalField("每月应交金额变化（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "全镇党费按月应交统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["cumulative", "month"], include=["months", "amount"], name="dues_due_town_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.months} {self.amount}"


class DuesPaidTownPattern(DuesPaidPatternFields):
    """Derived: members.DuesPaidPattern summed over the organisations — the months owed and paid of the whole
    town per year and pattern (R-MB-07), a few dozen rows whatever the number of organisations (issue 21). Kept
    by the triggers on DuesPaidPattern (migration 0026), as DuesDueTownTally is kept."""

    class Meta:
        verbose_name = "全镇党费已交月份统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["year", "owed_mask", "paid_mask", "reduced_mask"], name="dues_paid_town_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.owed_mask:012b} {self.paid_mask:012b} {self.members}"


class Meeting(models.Model):
    """R-MB-08: 三会一课 and party day, with an attendance roll."""

    class Kind(models.TextChoices):
        MEMBER_MEETING = "member_meeting", "支部党员大会"
        COMMITTEE_MEETING = "committee_meeting", "支部委员会"
        GROUP_MEETING = "group_meeting", "党小组会"
        PARTY_LECTURE = "party_lecture", "党课"
        PARTY_DAY = "party_day", "主题党日"

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("会议类型", max_length=20, choices=Kind.choices)
    held_on = models.DateField("召开日期", db_index=True)
    topic = models.CharField("主题", max_length=200)
    location = models.CharField("地点", max_length=100, blank=True)
    host = models.CharField("主持人", max_length=30, blank=True)
    minutes = models.TextField("会议记录", blank=True, max_length=10000)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "组织生活会议"
        verbose_name_plural = verbose_name
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"], name="meeting_org_kind_date")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y年%-m月%-d日} {self.organization} {self.get_kind_display()}"


class Attendance(models.Model):
    """R-MB-08: one member on one meeting's roll. Changed only through members.meetings."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name="会议",
        on_delete=models.PROTECT,
        related_name="attendance",
        db_index=False,  # attendance_meeting_present and uniq_attendance lead with the meeting
    )
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="attendance"
    )
    # R-MB-08: the reasons a roll offers for an absence (病假/事假/公差 are excused, 无故 is not).
    ABSENCE_REASONS = ("病假", "事假", "公差", "无故")

    present = models.BooleanField("出席")
    absence_reason = models.CharField("缺席原因", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "出勤记录"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance")]
        indexes = [
            models.Index(fields=["member", "present"], name="attendance_member_present"),
            # The attendance rate of a period's meetings (members.analysis.meetings): an index-only scan.
            models.Index(fields=["meeting", "present"], name="attendance_meeting_present"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.member} {'出席' if self.present else '缺席'}"


class RollFacetTally(models.Model):
    """Derived: members per status and one facet of the roll — their organisation, gender, education or
    ethnicity (``value``: the column's value; the organisation's id as text) — the town's composition on the
    statistics page without reading every member, in a few rows per value whatever the number of members
    (issue 21; was one row per organisation, status, gender, education and ethnicity together, which grows with
    the members). Kept by the triggers on Member (migration 0024) in the statement that writes the members,
    whoever writes them."""

    class Facet(models.TextChoices):
        ORGANIZATION = "organization", "党组织"
        GENDER = "gender", "性别"
        EDUCATION = "education", "学历"
        ETHNICITY = "ethnicity", "民族"

    facet = models.CharField("项目", max_length=12, choices=Facet.choices)
    value = models.CharField("取值", max_length=20, blank=True)
    status = models.CharField("党员状态", max_length=20, choices=Member.Status.choices)
    members = models.IntegerField("人数", default=0)

    class Meta:
        verbose_name = "党员构成统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["facet", "value", "status"], name="roll_facet_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.facet} {self.value} {self.status} {self.members}"


class RollDateTally(models.Model):
    """Derived: members per status and month of a date — ``birth`` (birth_date) or ``full`` (full_member_on,
    R-MB-03; the month is empty when the date is) — for the age and party-age bands of the whole town
    (issue 21). Kept by the triggers on Member (migration 0009)."""

    class Field(models.TextChoices):
        BIRTH = "birth", "出生日期"
        FULL = "full", "转正日期"

    field = models.CharField("日期项", max_length=5, choices=Field.choices)
    status = models.CharField("党员状态", max_length=20, choices=Member.Status.choices)
    month = models.DateField("月份", null=True)
    members = models.IntegerField("人数", default=0)

    class Meta:
        verbose_name = "党员出生及转正月份统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["field", "status", "month"], nulls_distinct=False, name="roll_date_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} {self.status} {self.month} {self.members}"


class MeetingTally(models.Model):
    """R-MB-08, derived: the meetings an organisation held in a month, a quarter and a year, by kind, and their
    attendance rolls (rows and members present) — so the statistics of any period the page offers read one row
    per organisation and kind, whatever its length (issue 21).

    Written only by the database triggers on Meeting and Attendance (migrations 0009, 0027), inside the
    statement that inserts, changes or deletes them: exact whichever path writes (members.meetings, the admin,
    the demo data's bulk INSERTs); each meeting counts in its month's, its quarter's and its year's row. A
    party group's meetings stay under the group; the statistics count them for the branch above it when they
    read the tally, so moving a group moves its figures at once.
    """

    class Span(models.IntegerChoices):
        MONTH = 1, "月"
        QUARTER = 3, "季度"
        YEAR = 12, "年"

    month = models.DateField("起始月份")  # the first day of the span
    months = models.PositiveSmallIntegerField("月数", choices=Span.choices, default=Span.MONTH)
    organization = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # meeting_tally_key leads with the month, which every reader filters on
        related_name="+",
    )
    kind = models.CharField("会议类型", max_length=20, choices=Meeting.Kind.choices)
    held = models.IntegerField("召开次数", default=0)
    present = models.IntegerField("出席人次", default=0)
    attended = models.IntegerField("应到人次", default=0)

    class Meta:
        verbose_name = "组织生活月度、季度、年度统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["month", "months", "organization", "kind"], name="meeting_tally_span_key"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="meeting_tally_first_day"),
            # A quarter starts in January, April, July or October; a year in January.
            models.CheckConstraint(
                condition=Q(months=1)
                | Q(months=3, month__month__in=(1, 4, 7, 10))
                | Q(months=12, month__month=1),
                name="meeting_tally_span_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}+{self.months} {self.organization_id} {self.kind} {self.held}"


class FlowTally(models.Model):
    """Derived: the town's movements per month — members joined (``joined_on``), status events to full
    membership and off the roll (R-MB-02, ``effective_on``), accepted relation transfers by direction (R-MB-05,
    ``accepted_on``) — the 党员增减 block of the whole town without reading the rows (issue 21; an organisation
    and those below it are counted from their rows, members.analysis.flows). Kept by the triggers on Member,
    MemberStatusEvent and RelationTransfer (migration 0023) in the statement that writes them, whoever writes
    them: counts added and subtracted, never recomputed."""

    class Kind(models.TextChoices):
        JOINED = "joined", "新发展党员"
        BECAME_FULL = "became_full", "预备党员转正"
        LEFT = "left", "去世、开除、除名"
        TRANSFERRED_IN = "in", "从镇外转入"
        TRANSFERRED_OUT = "out", "转往镇外"
        MOVED = "internal", "镇内转接"

    month = models.DateField("月份")
    kind = models.CharField("变动", max_length=12, choices=Kind.choices)
    number = models.IntegerField("人次", default=0)

    class Meta:
        verbose_name = "党员增减月度统计（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["month", "kind"], name="flow_tally_key"),
            models.CheckConstraint(condition=Q(month__day=1), name="flow_tally_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.number}"


class AnnualReview(models.Model):
    """R-MB-09: the yearly democratic review of a member (record)."""

    class Result(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        QUALIFIED = "qualified", "合格"
        BASICALLY = "basically", "基本合格"
        UNQUALIFIED = "unqualified", "不合格"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="annual_reviews"
    )
    year = models.PositiveSmallIntegerField("年度")
    result = models.CharField("评议结果", max_length=20, choices=Result.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = verbose_name
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="uniq_annual_review")]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_result_display()}"


class TrainingRotation(models.Model):
    """R-MB-11: an outstanding young member or reserve cadre rotating through the center in a year."""

    member = models.ForeignKey(
        Member, verbose_name="培养对象", on_delete=models.PROTECT, related_name="rotations"
    )
    year = models.PositiveSmallIntegerField("年度")
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "轮训培养"
        verbose_name_plural = verbose_name
        ordering = ["-year", "started_on"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="uniq_rotation_member_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.member}"


class TrainingPairing(models.Model):
    """R-MB-11: a center-branch member paired one-to-one with a trainee."""

    mentor = models.ForeignKey(
        Member, verbose_name="中心支部党员", on_delete=models.PROTECT, related_name="mentoring"
    )
    rotation = models.ForeignKey(
        TrainingRotation, verbose_name="培养对象", on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("解除日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "一对一结对培养"
        verbose_name_plural = verbose_name
        ordering = ["-started_on"]
        constraints = [
            # R-MB-11: one-to-one — a trainee has one mentor at a time.
            models.UniqueConstraint(
                fields=["rotation"], condition=Q(ended_on__isnull=True), name="one_open_pairing_per_trainee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} ↔ {self.rotation.member}"


class AidHousehold(models.Model):
    """R-MB-12: a household in difficulty."""

    head_name = models.CharField("户主姓名", max_length=30)
    village = models.CharField("所在村", max_length=50)
    address = models.CharField("住址", max_length=200, blank=True)
    difficulty = models.CharField("困难情况", max_length=500)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶困难户"
        verbose_name_plural = verbose_name
        ordering = ["village", "head_name"]

    def __str__(self) -> str:
        return f"{self.village} {self.head_name}"


class AidPairing(models.Model):
    """R-MB-12: a member paired with a household (record)."""

    member = models.ForeignKey(
        Member, verbose_name="帮扶党员", on_delete=models.PROTECT, related_name="aid_pairings"
    )
    household = models.ForeignKey(
        AidHousehold, verbose_name="困难户", on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "结对帮扶"
        verbose_name_plural = verbose_name
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.member} → {self.household}"


class AidVisit(models.Model):
    """R-MB-12: a visit record."""

    pairing = models.ForeignKey(
        AidPairing, verbose_name="结对", on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    content = models.CharField("帮扶内容", max_length=500)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶走访记录"
        verbose_name_plural = verbose_name
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.pairing} {self.visited_on}"

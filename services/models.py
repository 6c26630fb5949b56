"""The service desk (便民服务): catalog, matters, custody chain, notices, accountability, complaints, appointments.

Operations live in ``services/desk.py`` (intake, transitions, hand-over, fees), ``services/deadlines.py``
(deadlines, recompute on calendar change), ``services/accountability.py`` (overdue and sanctions),
``services/contact.py`` (complaints and appointments). Nobody assigns ``Matter.state`` directly.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from core.dates import working_days_between
from core.fields import CodeField
from core.transitions import ChangeRow

USER = settings.AUTH_USER_MODEL


class MatterKind(models.TextChoices):
    """R-SV-02. Supplement (补充件) and returned (退回件) are also the *states* a matter passes through."""

    CONSULTATION = "consultation", "咨询件"
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"
    JOINT = "joint", "联办件"
    REPORTED_UP = "reported_up", "上报件"
    PETITION = "petition", "信访件"
    SUPPLEMENT = "supplement", "补充件"
    RETURNED = "returned", "退回件"


# Kinds a matter is registered as; supplement/returned are reached by a transition (R-SV-08, R-SV-09).
INTAKE_KINDS = [
    MatterKind.CONSULTATION,
    MatterKind.IMMEDIATE,
    MatterKind.PROMISED,
    MatterKind.JOINT,
    MatterKind.REPORTED_UP,
    MatterKind.PETITION,
]


class Service(models.Model):
    """One entry of the service catalog (办事指南, R-SV-16)."""

    name = models.CharField("事项名称", max_length=100, unique=True)
    kind = models.CharField(
        "办件类型", max_length=20, choices=MatterKind.choices, default=MatterKind.PROMISED
    )
    legal_basis = models.TextField("办理依据", max_length=2000, blank=True)
    conditions = models.TextField("办理条件", max_length=2000, blank=True)
    materials = ArrayField(
        models.CharField(max_length=100), verbose_name="申请材料", default=list, blank=True
    )
    limit_working_days = models.PositiveSmallIntegerField(
        "办理时限（工作日）",
        null=True,
        blank=True,
        help_text="留空：法律未规定时限，按一般时限（10个工作日）",
    )
    fee_amount = models.DecimalField("收费标准（元）", max_digits=8, decimal_places=2, default=Decimal("0"))
    fee_basis = models.CharField("收费依据", max_length=200, blank=True)
    is_agent_service = models.BooleanField("代办服务（免费）", default=False)
    window = models.CharField("办理窗口", max_length=50, blank=True)
    is_active = models.BooleanField("在用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "服务事项（办事指南）"
        verbose_name_plural = verbose_name
        ordering = ["sort_order", "name"]
        constraints = [
            # R-SV-15: agent services are free; any fee names its legal basis.
            models.CheckConstraint(
                condition=models.Q(is_agent_service=False) | models.Q(fee_amount=0),
                name="service_agent_is_free",
            ),
            models.CheckConstraint(
                condition=models.Q(fee_amount=0) | ~models.Q(fee_basis=""), name="service_fee_has_basis"
            ),
            models.CheckConstraint(condition=models.Q(fee_amount__gte=0), name="service_fee_not_negative"),
            models.CheckConstraint(
                condition=models.Q(limit_working_days__isnull=True) | models.Q(limit_working_days__gte=1),
                name="service_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_label(self) -> str:
        if self.kind == MatterKind.IMMEDIATE:
            return "即办（30分钟内）"
        if self.kind == MatterKind.CONSULTATION:
            return "当场答复"
        return f"{self.limit_working_days or 10}个工作日"


class MatterState(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ACCEPTED = "accepted", "办理中"
    AWAITING_MATERIALS = "awaiting_materials", "待补充材料"
    COMPLETED = "completed", "已办结"
    ANSWERED = "answered", "已答复"
    RETURNED = "returned", "已退回"
    REFERRED = "referred", "已转介（非本中心事项）"


OPEN_STATES = [MatterState.REGISTERED, MatterState.ACCEPTED, MatterState.AWAITING_MATERIALS]
CLOSED_STATES = [MatterState.COMPLETED, MatterState.ANSWERED, MatterState.RETURNED, MatterState.REFERRED]


class Channel(models.TextChoices):
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    LETTER = "letter", "来信"
    ONLINE = "online", "网上"


def overdue_condition(now: datetime) -> models.Q:
    """R-SV-10 for an open matter at ``now``: marked overdue by the scheduled run (``mark_overdue``), or past
    its deadline with no justified reason recorded — so a matter is overdue the moment its deadline passes,
    not only after the nightly run, and a recorded delay reason keeps it from being overdue.

    The two halves are disjoint: ``marked_overdue_condition`` (kept per state in ``OpenMatterTally``) and
    ``past_deadline_condition`` (not yet marked: an index-only range scan, index matter_past_deadline), so a
    count of overdue matters is the sum of theirs (services.dashboard)."""
    return marked_overdue_condition() | past_deadline_condition(now)


def marked_overdue_condition() -> models.Q:
    """R-SV-10: marked overdue by the scheduled run (``services.accountability.mark_overdue``)."""
    return models.Q(overdue_at__isnull=False)


def past_deadline_condition(now: datetime) -> models.Q:
    """R-SV-10: not marked yet, past its deadline at ``now``, and no justified reason recorded."""
    return models.Q(overdue_at__isnull=True, deadline_at__lte=now, delay_reason="")


def due_soon_condition(now: datetime, last_day: date) -> models.Q:
    """An open matter whose deadline has not passed at ``now`` and whose last day is ``last_day`` or before
    (the desk's "due soon", ``services.deadlines.due_soon_limit``), and which is not overdue."""
    return models.Q(deadline_at__gt=now, deadline_date__lte=last_day, overdue_at__isnull=True)


def held_by_condition(user) -> models.Q:
    """The matters ``user`` holds (the desk queue's 我的): as their handler or their first contact (R-SV-01).
    ``OpenMatterTally`` has the same two columns: the condition counts its rows too."""
    return models.Q(handler=user) | models.Q(first_contact=user)


class MatterQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, now: datetime | None = None):
        """R-SV-10: the open matters overdue at ``now`` (``Matter.is_overdue_at`` for one matter)."""
        return self.open().filter(overdue_condition(now or timezone.now()))

    def past_deadline(self, now: datetime):
        """R-SV-10: the open matters overdue at ``now`` that the scheduled run has not marked yet (the rest of
        ``overdue`` is kept in ``OpenMatterTally``)."""
        return self.open().filter(past_deadline_condition(now))

    def due_soon(self, now: datetime, last_day: date):
        return self.open().filter(due_soon_condition(now, last_day))

    def for_public_board(self):
        """R-SV-14: completed matters marked public."""
        return self.filter(state=MatterState.COMPLETED, is_public=True).order_by("-completed_at")


class Matter(models.Model):
    """A service matter (办件). The first contact (首问责任人, R-SV-01) never changes; ``handler`` is who holds it."""

    receipt_number = models.CharField("受理编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("年度序号")
    kind = models.CharField("办件类型", max_length=20, choices=MatterKind.choices)
    state = models.CharField(
        "状态", max_length=20, choices=MatterState.choices, default=MatterState.REGISTERED
    )
    channel = models.CharField("来访方式", max_length=10, choices=Channel.choices, default=Channel.VISIT)
    service = models.ForeignKey(
        Service,
        verbose_name="服务事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    applicant_name = models.CharField("办事人姓名", max_length=50)
    applicant_phone = CodeField("联系电话", max_length=20, blank=True)
    applicant_id_number = CodeField("身份证号", max_length=18, blank=True)
    applicant_address = models.CharField("住址", max_length=200, blank=True)
    request = models.TextField("办理事项/诉求", max_length=4000)
    proposed_handling = models.TextField("拟办意见", max_length=2000, blank=True)
    first_contact = models.ForeignKey(
        USER, verbose_name="首问责任人", on_delete=models.PROTECT, related_name="first_contact_matters"
    )
    handler = models.ForeignKey(USER, verbose_name="当前经办人", on_delete=models.PROTECT, related_name="+")
    window = models.CharField("窗口", max_length=50, blank=True)
    referred_unit = models.CharField("转介单位", max_length=100, blank=True)
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    # R-SV-04/R-SV-08: the day the clock (re)started; its limit is fixed when the clock starts.
    clock_started_on = models.DateField("起算日", null=True, blank=True)
    limit_working_days = models.PositiveSmallIntegerField("时限（工作日）", null=True, blank=True)
    external_deadline = models.DateField("上级规定办结日期", null=True, blank=True)
    deadline_date = models.DateField("办结期限（最后一日）", null=True, blank=True)
    deadline_at = models.DateTimeField("办结期限", null=True, blank=True)
    deadline_provisional = models.BooleanField("期限为暂定（节假日未载入）", default=False)
    delay_reason = models.TextField("逾期正当理由", max_length=2000, blank=True)
    overdue_at = models.DateTimeField("认定超期时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.TextField("办理结果", max_length=4000, blank=True)
    return_reason = models.TextField("退回理由", max_length=2000, blank=True)
    is_public = models.BooleanField("办结公告", default=False)
    public_result = models.CharField("公告结果", max_length=100, blank=True, help_text="不得包含个人信息")

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = verbose_name
        ordering = ["deadline_at", "registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="matter_number_per_year"),
            models.CheckConstraint(
                condition=~models.Q(state="referred") | ~models.Q(referred_unit=""),
                name="matter_referred_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="returned") | ~models.Q(return_reason=""),
                name="matter_returned_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline_at"], name="matter_open_deadline"),
            # The desk queue: open matters by deadline, a page at a time (issue 9).
            models.Index(
                fields=["deadline_at", "registered_at", "id"],
                name="matter_open_queue",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            # The 工作台's time-dependent counts (issue 21), each an index-only range scan over the rows it
            # counts: open matters past their deadline and not yet marked (past_deadline_condition) …
            models.Index(
                fields=["deadline_at"],
                name="matter_past_deadline",
                condition=models.Q(state__in=OPEN_STATES, overdue_at__isnull=True, delay_reason=""),
            ),
            # … and open matters not marked, by last day (due_soon_condition: those whose deadline has not
            # passed, and the few past it but not yet marked or justified).
            models.Index(
                fields=["deadline_date", "deadline_at"],
                name="matter_due_soon",
                condition=models.Q(state__in=OPEN_STATES, overdue_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue_at(self, now: datetime | None = None) -> bool:
        """R-SV-10 for this matter: ``overdue_condition`` (tests/services/test_agreement.py proves them equal)."""
        now = now or timezone.now()
        if not self.is_open:
            return False
        if self.overdue_at is not None:
            return True
        return self.deadline_at is not None and self.deadline_at <= now and not self.delay_reason

    def overdue_working_days(self, now: datetime | None = None) -> int:
        """How many working days past its deadline an overdue matter is (core.dates, R-SV-05 counts in working
        days); 0 when it is not overdue (``is_overdue_at``) or is overdue on its last day itself."""
        now = now or timezone.now()
        if not self.is_overdue_at(now) or self.deadline_date is None:
            return 0
        return working_days_between(self.deadline_date, timezone.localdate(now))

    @property
    def overdue_days(self) -> int:
        return self.overdue_working_days()

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at()

    def is_due_soon_at(self, now: datetime, last_day: date) -> bool:
        """``due_soon_condition`` for this matter."""
        return (
            self.is_open
            and self.overdue_at is None
            and self.deadline_at is not None
            and self.deadline_at > now
            and self.deadline_date is not None
            and self.deadline_date <= last_day
        )

    @property
    def is_justified_delay(self) -> bool:
        """R-SV-10: past its deadline, open, not overdue because a justified reason is recorded."""
        return (
            self.is_open
            and bool(self.delay_reason)
            and not self.is_overdue_at()
            and (self.deadline_at is not None and self.deadline_at <= timezone.now())
        )

    @property
    def kind_label(self) -> str:
        """R-SV-02: a matter waiting for materials is a 补充件, a returned one a 退回件."""
        if self.state == MatterState.AWAITING_MATERIALS:
            return MatterKind.SUPPLEMENT.label
        if self.state == MatterState.RETURNED:
            return MatterKind.RETURNED.label
        return self.get_kind_display()

    @property
    def deadline_label(self) -> str:
        """The deadline as people read it: a limit counted in days ends at "24:00" of its last day (R-GN-03),
        not at 00:00 of the next; an immediate matter's limit is a clock time. Empty when no clock runs."""
        if self.deadline_at is None:
            return ""
        if self.kind == MatterKind.IMMEDIATE:
            return f"{timezone.localtime(self.deadline_at):%Y年%-m月%-d日 %H:%M}"
        return f"{self.deadline_date:%Y年%-m月%-d日} 24:00"

    @property
    def masked_name(self) -> str:
        """R-SV-14: only the surname is shown publicly."""
        name = self.applicant_name.strip()
        return (name[:1] + "*" * max(len(name) - 1, 1)) if name else "—"


class MatterChange(ChangeRow):
    """Append-only log: every transition (services.lifecycle) and every recorded action of a matter (who, when,
    from, to, why; core.transitions)."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="changes")
    from_state = models.CharField("原状态", max_length=20, choices=MatterState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=MatterState.choices)
    note = models.TextField("说明", max_length=4000, blank=True)

    class Meta:
        verbose_name = "办件记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.action_label} {self.state_label(self.from_state)}→{self.state_label(self.to_state)}"


# Actions written to the change log that are not state transitions (services.desk, services.accountability).
RECORDED_ACTIONS = {
    "register": "首问登记",
    "handover": "移交",
    "delay_reason": "登记延期理由",
    "fee": "收费",
    "overdue": "认定超期",
    "overdue_withdrawn": "撤销超期认定",
    "overdue_review": "超期认定待复核",
}


class Handover(models.Model):
    """R-SV-01 chain of custody: who handed the matter to whom (a colleague or another unit), when, why."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="handovers")
    from_user = models.ForeignKey(USER, verbose_name="移交人", on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        USER, verbose_name="接收人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_window = models.CharField("接收窗口", max_length=50, blank=True)
    to_unit = models.CharField("接收单位", max_length=100, blank=True)
    at = models.DateTimeField("移交时间", default=timezone.now)
    reason = models.CharField("移交原因", max_length=200)

    class Meta:
        verbose_name = "移交记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_user__isnull=False) | ~models.Q(to_unit=""),
                name="handover_has_receiver",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} → {self.to_user or self.to_unit}"


class SupplementNotice(models.Model):
    """R-SV-08 one-time notice (一次性告知): every missing material, once, in writing. One per matter."""

    matter = models.OneToOneField(Matter, on_delete=models.PROTECT, related_name="supplement_notice")
    items = ArrayField(models.CharField(max_length=200), verbose_name="需补充的材料")
    issued_by = models.ForeignKey(USER, verbose_name="告知人", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("告知时间", default=timezone.now)
    completed_on = models.DateField("材料补齐日期", null=True, blank=True)

    class Meta:
        verbose_name = "补正告知（一次性告知）"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=~models.Q(items=[]), name="supplement_notice_lists_items")
        ]

    def __str__(self) -> str:
        return f"{self.matter.receipt_number} 一次性告知"


class Fee(models.Model):
    """R-SV-15: a fee actually taken, with its legal basis."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="fees")
    amount = models.DecimalField("金额（元）", max_digits=8, decimal_places=2)
    legal_basis = models.CharField("收费依据", max_length=200)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "收费记录"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fee_positive"),
            models.CheckConstraint(condition=~models.Q(legal_basis=""), name="fee_has_legal_basis"),
        ]

    def __str__(self) -> str:
        return f"{self.matter.receipt_number} ¥{self.amount}"


class Violation(models.TextChoices):
    """R-SV-11 violation kinds (责任追究制度)."""

    FIRST_CONTACT = "first_contact", "首问责任不落实"
    REFUSED_QUALIFIED = "refused_qualified", "对符合条件的申请不予受理"
    ATTITUDE = "attitude", "服务态度恶劣"
    FEES = "fees", "乱收费"
    EXCEEDED_AUTHORITY = "exceeded_authority", "越权办理"
    MISSED_FALSE_MATERIALS = "missed_false", "对明显虚假材料未发现"
    MADE_FALSE_MATERIALS = "made_false", "制造虚假材料"
    UNLAWFUL_HANDLING = "unlawful", "违法办理"
    LEFT_POST = "left_post", "擅离职守"
    NOT_FOUND = "not_found", "找不到责任人"
    OTHER = "other", "其他"


class Sanction(models.TextChoices):
    """R-SV-11 sanction ladder, mildest first."""

    SELF_CRITICISM = "self_criticism", "责令作出书面检查"
    CRITICISM_NOTICE = "criticism_notice", "通报批评"
    NO_AWARDS = "no_awards", "取消当年评先评优资格"
    WITHHELD_PAY = "withheld_pay", "扣发当月岗位工资（服务费）和年终奖金"
    ROTATION = "rotation", "轮岗或暂停服务资格离岗培训"
    DISMISSAL = "dismissal", "引咎辞职、责令辞职或取消服务资格"
    DISCIPLINE = "discipline", "党纪和行政纪律处分"
    CRIMINAL = "criminal", "触犯刑法的依法处理"


class AccountabilityCase(models.Model):
    """R-SV-10/R-SV-11: one case per overdue matter (the unique matter makes opening it idempotent)."""

    class State(models.TextChoices):
        OPEN = "open", "待处理"
        DECIDED = "decided", "已处理"
        # R-SV-07/R-SV-10: the deadline it rested on was recomputed into the future before anyone decided it.
        WITHDRAWN = "withdrawn", "已撤销"

    matter = models.OneToOneField(
        Matter, on_delete=models.PROTECT, related_name="accountability_case", null=True, blank=True
    )
    responsible = models.ForeignKey(USER, verbose_name="责任人", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("立案时间", default=timezone.now)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    violation = models.CharField("违规情形", max_length=20, choices=Violation.choices, blank=True)
    sanctions = ArrayField(
        models.CharField(max_length=20, choices=Sanction.choices),
        verbose_name="处理方式",
        default=list,
        blank=True,
    )
    findings = models.TextField("调查情况", max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name="处理人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_reason = models.TextField("撤销原因", max_length=2000, blank=True)

    class Meta:
        verbose_name = "责任追究"
        verbose_name_plural = verbose_name
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="decided")
                | (~models.Q(violation="") & ~models.Q(sanctions=[]) & models.Q(decided_at__isnull=False)),
                name="accountability_decided_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="withdrawn")
                | (models.Q(withdrawn_at__isnull=False) & ~models.Q(withdrawn_reason="")),
                name="accountability_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"责任追究 #{self.pk}"

    def sanction_labels(self) -> list[str]:
        return [Sanction(s).label for s in self.sanctions]


class Complaint(models.Model):
    """R-SV-12: a complaint about staff or a matter; registered at any hour, investigated, answered."""

    class State(models.TextChoices):
        RECEIVED = "received", "已登记"
        INVESTIGATING = "investigating", "调查中"
        REPLIED = "replied", "已答复"

    complainant_name = models.CharField("投诉人", max_length=50)
    complainant_contact = models.CharField("联系方式", max_length=50, blank=True)
    channel = models.CharField("投诉方式", max_length=10, choices=Channel.choices, default=Channel.VISIT)
    against_staff = models.ForeignKey(
        USER, verbose_name="被投诉人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(
        Matter,
        verbose_name="相关办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    content = models.TextField("投诉内容", max_length=4000)
    received_at = models.DateTimeField("受理时间", default=timezone.now)
    received_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=15, choices=State.choices, default=State.RECEIVED)
    investigator = models.ForeignKey(
        USER, verbose_name="调查人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField("调查结果", max_length=4000, blank=True)
    reply = models.TextField("答复内容", max_length=4000, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = verbose_name
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="replied")
                | (~models.Q(reply="") & models.Q(replied_at__isnull=False)),
                name="complaint_replied_has_reply",
            )
        ]

    def __str__(self) -> str:
        return f"投诉 #{self.pk}"


class Appointment(models.Model):
    """R-SV-13: a booked visit, or door-to-door service with an assigned staff member."""

    class Group(models.TextChoices):
        GENERAL = "general", "一般群众"
        ENTERPRISE = "enterprise", "重点企业"
        ELDERLY = "elderly", "老年人"
        SICK = "sick", "患病群众"
        DISABLED = "disabled", "残疾人"

    class State(models.TextChoices):
        BOOKED = "booked", "已预约"
        DONE = "done", "已服务"
        CANCELLED = "cancelled", "已取消"

    name = models.CharField("预约人", max_length=50)
    phone = CodeField("联系电话", max_length=20)
    service = models.ForeignKey(
        Service, verbose_name="服务事项", null=True, blank=True, on_delete=models.PROTECT
    )
    topic = models.CharField("事由", max_length=200)
    scheduled_at = models.DateTimeField("预约时间")
    group = models.CharField("服务对象", max_length=15, choices=Group.choices, default=Group.GENERAL)
    door_to_door = models.BooleanField("上门服务", default=False)
    address = models.CharField("上门地址", max_length=200, blank=True)
    assigned_staff = models.ForeignKey(
        USER, verbose_name="服务人员", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_duty = models.BooleanField("节假日值班处理", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.BOOKED)
    booked_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "预约服务"
        verbose_name_plural = verbose_name
        ordering = ["scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(door_to_door=False)
                | (models.Q(assigned_staff__isnull=False) & ~models.Q(address="")),
                name="appointment_door_to_door_staffed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.scheduled_at:%Y-%m-%d %H:%M}"


class YearArchive(models.Model):
    """R-SV-17: a year's service records, archived once every matter of that year is closed."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    archived_at = models.DateTimeField("归档时间", default=timezone.now)
    archived_by = models.ForeignKey(USER, verbose_name="归档人", on_delete=models.PROTECT, related_name="+")
    matter_count = models.PositiveIntegerField("办件数")

    class Meta:
        verbose_name = "年度归档"
        verbose_name_plural = verbose_name
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年便民服务档案"


# --- tallies for the statistics (issue 9) ------------------------------------------------------------------
#
# Derived data: the figures of services.statistics.desk_report, counted per day so that a period's figures
# read a few hundred rows instead of every matter. The database keeps them exact: triggers on
# services_matter and services_supplementnotice (migration 0005_daily_tally_triggers) add each written row's
# change to them in the same statement, whoever writes (the desk's operations, the admin, a bulk load).
# No Python code writes them.


class IntakeTally(models.Model):
    """Matters registered on a local day, by kind and service; how many of them got the one-time notice
    (一次性告知, R-SV-08) and how many were returned (R-SV-09)."""

    day = models.DateField("登记日期")
    kind = models.CharField("办件类型", max_length=20, choices=MatterKind.choices)
    service = models.ForeignKey(
        Service,
        verbose_name="服务事项",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    registered = models.IntegerField("登记件数", default=0)
    with_notice = models.IntegerField("其中一次性告知", default=0)
    returned = models.IntegerField("其中退回", default=0)

    class Meta:
        verbose_name = "办件登记日统计"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "service"], nulls_distinct=False, name="intake_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.registered}"


class CompletionTally(models.Model):
    """Completed matters that had a deadline, by local completion day and the day their clock (re)started
    (R-SV-04/R-SV-08); how many were completed by their deadline (R-SV-10). The working days each took are
    counted from the two days by core.dates when the figures are read, so a calendar change shows at once."""

    day = models.DateField("办结日期")
    clock_started_on = models.DateField("起算日", null=True)
    completed = models.IntegerField("办结件数", default=0)
    on_time = models.IntegerField("其中按期办结", default=0)

    class Meta:
        verbose_name = "办件办结日统计"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["day", "clock_started_on"], nulls_distinct=False, name="completion_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.completed}"


# --- kept counts for the 工作台, the desk queue and the statistics (issue 21) ----------------------------------
#
# Derived, like the daily tallies above: statement triggers (migration 0007_open_matter_and_case_tallies) add
# each written row's change in the statement that writes it, whoever writes. No Python code writes them.


class OpenMatterTallyQuerySet(models.QuerySet):
    def matters(self) -> int:
        """How many open matters the rows of this queryset count."""
        return self.aggregate(n=models.Sum("matters", default=0))["n"]


class OpenMatterTally(models.Model):
    """The open matters (OPEN_STATES) per state, whether the scheduled run has marked them overdue
    (``marked_overdue_condition``, R-SV-10), their handler and their first contact: the 工作台's marked-overdue
    and awaiting-materials counts and the desk queue's number of matters, without reading the open matters.
    A handful of rows however many matters there are; a row is removed when it comes to zero."""

    state = models.CharField("状态", max_length=20, choices=MatterState.choices)
    overdue_marked = models.BooleanField("已认定超期")
    handler = models.ForeignKey(
        USER,
        verbose_name="当前经办人",
        on_delete=models.DO_NOTHING,  # a matter's users are PROTECTed: its rows go first
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    first_contact = models.ForeignKey(
        USER,
        verbose_name="首问责任人",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    matters = models.IntegerField("件数")

    objects = OpenMatterTallyQuerySet.as_manager()

    class Meta:
        verbose_name = "在办办件数（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["state", "overdue_marked", "handler", "first_contact"], name="open_matter_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.overdue_marked} {self.matters}"


class CaseTally(models.Model):
    """Accountability cases (R-SV-10, R-SV-11) per state, local day opened, responsible person, and whether
    the case rests on a matter: the 工作台's open cases and the statistics' overdue cases by staff, without
    reading the cases. A row is removed when it comes to zero."""

    state = models.CharField("状态", max_length=10, choices=AccountabilityCase.State.choices)
    opened_on = models.DateField("立案日期")
    responsible = models.ForeignKey(
        USER,
        verbose_name="责任人",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    with_matter = models.BooleanField("有关联办件")
    cases = models.IntegerField("件数")

    class Meta:
        verbose_name = "责任追究件数（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["state", "opened_on", "responsible", "with_matter"], name="case_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.opened_on} {self.cases}"

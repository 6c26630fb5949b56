"""Conversion management (转化管理, R-CV-01 … R-CV-11).

Models hold data, constraints and small domain questions. Every change goes through an operation module:
conversion/enrolment.py (R-CV-01/02), conversion/ledger.py (R-CV-03 … R-CV-07), conversion/review.py
(R-CV-08/09) and conversion/transition.py (R-CV-10/11).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from conversion.exceptions import LedgerImmutableError
from core.dates import period_end
from core.models import RuleProfile
from core.profile import rule_profile
from core.transitions import ChangeRow

USER = settings.AUTH_USER_MODEL
TRANSITION_WARNING_DAYS = 30


def enrolment_profile_value(field: str, versions: list[RuleProfile] | None = None):
    """SQL twin of ``ConversionCase.profile``: the value of ``field`` in the rule profile in force when the case
    was enrolled (``core.profile.rule_profile(at=created_at)``; the 细则 default before the first version).

    ``versions``: every saved version, already read (``core.profile.rule_profile_versions()``): the same answer
    as a CASE over them, newest first, instead of one lookup of the versions per case (issue 21)."""
    model_field = RuleProfile._meta.get_field(field)
    if versions is not None:
        newest_first = sorted(versions, key=lambda v: (v.effective_from, v.pk), reverse=True)
        return Case(
            *(When(created_at__gte=v.effective_from, then=Value(getattr(v, field))) for v in newest_first),
            default=Value(model_field.default),
            output_field=model_field,
        )
    version = RuleProfile.objects.filter(effective_from__lte=OuterRef("created_at")).order_by(
        "-effective_from", "-pk"
    )
    return Coalesce(Subquery(version.values(field)[:1]), Value(model_field.default), output_field=model_field)


def profile_value_bound(field: str, *, highest: bool = False):
    """The lowest (or highest) value of ``field`` any case can be judged by: in any saved version, or the 细则
    default (in force before the first version). One lookup per statement, not per case."""
    values = RuleProfile.objects.order_by(f"-{field}" if highest else field).values(field)[:1]
    default = Value(RuleProfile._meta.get_field(field).default)
    return (Greatest if highest else Least)(Subquery(values), default)


def review_due_condition() -> Q:
    """R-CV-07 over cases annotated ``with_marks()``: active, at or above the high mark of the case's own profile,
    and no review scheduled yet (``conversion.ledger.review_is_due`` for one case).

    The case's own mark lies between the lowest and the highest high mark of any version, so two bounds said
    once per statement decide most cases without it (issue 21): below the lowest, not due — the index over
    active cases hands over only the cases at or above it; at or above the highest, due. The mark is looked
    up only for a case between the two (none while every version keeps the same high mark)."""
    pending = DemocraticReview.objects.filter(case=OuterRef("pk"), state=DemocraticReview.State.SCHEDULED)
    return (
        Q(state=ConversionCase.State.ACTIVE)
        & Q(balance__gte=profile_value_bound("points_high"))
        & (Q(balance__gte=profile_value_bound("points_high", highest=True)) | Q(balance__gte=F("mark_high")))
        & ~Exists(pending)
    )


def awaiting_committee_condition() -> Q:
    """R-CV-06: a referral raised when the balance fell below the case's low mark awaits the town committee."""
    return Exists(
        CommitteeReferral.objects.filter(case=OuterRef("pk"), state=CommitteeReferral.State.AWAITING)
    )


def transition_ending_condition(today: date) -> Q:
    """R-CV-11: the transition period ends within 30 days of ``today`` (or has ended and awaits closing)."""
    return Q(
        state=ConversionCase.State.TRANSITION,
        transition_ends_on__lte=period_end(today, days=TRANSITION_WARNING_DAYS),
    )


def overdue_tasks_condition(today: date) -> Q:
    """R-CV-03: the case has a task not assessed by its due date on ``today`` (``ConversionTask.is_overdue``)."""
    return Exists(ConversionTask.objects.overdue(today).filter(case=OuterRef("pk")))


class ConversionCaseQuerySet(models.QuerySet):
    def with_marks(self, versions: list[RuleProfile] | None = None):
        """Each case's low and high marks (R-CV-06/R-CV-07) from the profile it is judged by (``versions``: see
        ``enrolment_profile_value``)."""
        return self.annotate(
            mark_low=enrolment_profile_value("points_low", versions),
            mark_high=enrolment_profile_value("points_high", versions),
        )

    def review_due(self):
        """R-CV-07: cases for which the town committee must organise a democratic review."""
        return self.with_marks().filter(review_due_condition())

    def awaiting_committee(self):
        """R-CV-06: cases below the low mark whose referral awaits the town committee's decision."""
        return self.filter(awaiting_committee_condition())

    def transition_ending(self, today: date):
        return self.filter(transition_ending_condition(today))

    def with_overdue_tasks(self, today: date):
        """Active cases with a task not assessed by its due date (``ConversionTask.is_overdue``)."""
        return self.filter(overdue_tasks_condition(today))


class ConversionCase(models.Model):
    """One member's time under conversion management, from enrolment to the end of the transition period."""

    class State(models.TextChoices):
        ACTIVE = "active", "转化管理中"
        TRANSITION = "transition", "过渡期"
        CLOSED = "closed", "已结案"

    member = models.ForeignKey(
        "members.Member", verbose_name="转化党员", on_delete=models.PROTECT, related_name="conversion_cases"
    )
    # R-CV-01: the branch the member came from; the relation goes back here on a passed review (R-CV-10).
    original_organization = models.ForeignKey(
        "core.Organization", verbose_name="原支部", on_delete=models.PROTECT, related_name="+"
    )
    enrolment_transfer = models.OneToOneField(
        "members.RelationTransfer",
        verbose_name="转入中心的组织关系转接",
        on_delete=models.PROTECT,
        related_name="conversion_enrolment",
    )
    return_transfer = models.OneToOneField(
        "members.RelationTransfer",
        verbose_name="转回原支部的组织关系转接",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversion_return",
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.ACTIVE)
    opened_on = models.DateField("纳入转化管理日期")
    # R-CV-01 (issue 7): the case file number (案卷号) every document of the case prints, e.g. 党服转〔2026〕003号.
    # Drawn at enrolment from the center's one document series (recruitment.document_numbers), so a case
    # never shares a number with a recruitment record or any other center document.
    file_number = models.CharField("案卷号", max_length=40, blank=True, editable=False)
    reason = models.CharField("纳入原因（镇党委决定）", max_length=500)
    # R-CV-02: the base in force at enrolment; R-CV-05: balance = base + sum of entries (cached, see ledger.py).
    base_points = models.DecimalField("基础分", max_digits=5, decimal_places=1)
    balance = models.DecimalField("当前积分", max_digits=6, decimal_places=1)
    returned_on = models.DateField("转回原支部日期", null=True, blank=True)
    transition_ends_on = models.DateField("过渡期届满日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    opened_by = models.ForeignKey(USER, verbose_name="经办人", null=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ConversionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "转化案件"
        verbose_name_plural = verbose_name
        ordering = ["state", "-opened_on", "-pk"]
        # The case list: open cases by state and balance, a page at a time (issue 9).
        indexes = [
            models.Index(fields=["state", "balance", "id"], name="conversion_case_list"),
            # review_due_condition: the active cases near the high mark, with the moment that picks their
            # profile, read from the index alone (issue 21).
            models.Index(
                fields=["balance", "id"],
                include=["created_at"],
                condition=Q(state="active"),
                name="conversion_active_balance",
            ),
            # transition_ending_condition: the transition periods ending soon, without the other cases (issue 21).
            models.Index(
                fields=["transition_ends_on"],
                condition=Q(state="transition"),
                name="conversion_transition_ends",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=~Q(state="closed"), name="conversion_one_open_case_per_member"
            ),
            models.UniqueConstraint(
                fields=["file_number"], condition=~Q(file_number=""), name="conversion_unique_file_number"
            ),
            models.CheckConstraint(
                condition=Q(state="active") | Q(returned_on__isnull=False, transition_ends_on__isnull=False),
                name="conversion_returned_case_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_on__isnull=False), name="conversion_closed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} 转化案件（{self.opened_on:%Y-%m-%d}）"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def profile(self) -> RuleProfile:
        """The rule profile this case is judged by, for every threshold and step: the version in force when it
        was enrolled. Base points are fixed at enrolment (R-CV-02); the marks (low 3, high 15), the step (0.5)
        and the review's pass mark and own-village share belong to the same version, so a later change of the
        profile never moves the goal posts of a running case — in either direction."""
        if getattr(self, "_profile", None) is None:
            self._profile = rule_profile(at=self.created_at)
        return self._profile

    def transition_over(self, on: date) -> bool:
        """R-CV-11: the transition period has ended on ``on``; the case may be closed."""
        return self.state == self.State.TRANSITION and self.transition_ends_on <= on

    @property
    def transition_over_today(self) -> bool:
        return self.transition_over(timezone.localdate())


class CaseStateChange(ChangeRow):
    """Append-only audit of every case state change (who, when, from, to, why; core.transitions)."""

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="state_changes"
    )
    from_state = models.CharField("原状态", max_length=12, choices=ConversionCase.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=ConversionCase.State.choices)
    effective_on = models.DateField("生效日期")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "转化案件状态变动"
        verbose_name_plural = verbose_name
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.state_label(self.from_state)}→{self.state_label(self.to_state)}"


class ConversionTaskQuerySet(models.QuerySet):
    def overdue(self, on: date):
        """R-CV-03: open tasks of active cases whose due date has passed on ``on``, not yet assessed."""
        return self.filter(
            status=ConversionTask.Status.OPEN, due_on__lt=on, case__state=ConversionCase.State.ACTIVE
        )


class ConversionTask(models.Model):
    """R-CV-03: a task assigned to a conversion member, closed as completed (+0.5) or not completed (−0.5)."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        COMPLETED = "completed", "已完成"
        NOT_COMPLETED = "not_completed", "未完成"

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField("任务", max_length=200)
    description = models.TextField("任务要求", blank=True, max_length=2000)
    assigned_on = models.DateField("布置日期")
    due_on = models.DateField("完成期限")
    status = models.CharField("完成情况", max_length=15, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("评定日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name="评定人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(USER, verbose_name="布置人", null=True, on_delete=models.PROTECT)

    objects = ConversionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "转化任务"
        verbose_name_plural = verbose_name
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("assigned_on")), name="task_due_after_assigned"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="task_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue_today(self) -> bool:
        return self.is_overdue()

    def is_overdue(self, on=None) -> bool:
        """``ConversionTaskQuerySet.overdue`` for this task."""
        return (
            self.status == self.Status.OPEN
            and (on or timezone.localdate()) > self.due_on
            and self.case.state == ConversionCase.State.ACTIVE
        )


class LedgerEntryQuerySet(models.QuerySet):
    """R-CV-05: the ledger exposes no update or delete path (the database refuses them as well)."""

    def update(self, **kwargs):
        raise LedgerImmutableError()

    def delete(self):
        raise LedgerImmutableError()

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerImmutableError()

    def update_or_create(self, *args, **kwargs):
        raise LedgerImmutableError()


class LedgerEntry(models.Model):
    """R-CV-05: one append-only points entry. Written only by conversion.ledger; never updated or deleted.

    A database trigger (migration 0002) refuses UPDATE and DELETE on this table.
    """

    class Source(models.TextChoices):
        TASK = "task", "任务评定"
        ABSENCE = "absence", "缺席会议活动"
        CORRECTION = "correction", "冲正"

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="entries"
    )
    amount = models.DecimalField("分值", max_digits=5, decimal_places=1)
    reason = models.CharField("事由", max_length=300)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    task = models.ForeignKey(
        ConversionTask,
        verbose_name="任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    attendance = models.ForeignKey(
        "members.Attendance",
        verbose_name="出勤记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversion_entries",
    )
    # How many earlier entries from the same task / attendance row were reversed before this one: makes
    # "one live entry per source" a unique constraint (R-CV-03/R-CV-04) while allowing re-entry after a
    # correction.
    source_round = models.PositiveSmallIntegerField("同一来源第几次记分", default=0)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲正的分录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    balance_after = models.DecimalField("记账后积分", max_digits=6, decimal_places=1)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "积分分录"
        verbose_name_plural = verbose_name
        ordering = ["case_id", "pk"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=(
                    Q(source="task") & Q(task__isnull=False, attendance__isnull=True, reverses__isnull=True)
                )
                | (
                    Q(source="absence")
                    & Q(attendance__isnull=False, task__isnull=True, reverses__isnull=True)
                )
                | (
                    Q(source="correction")
                    & Q(reverses__isnull=False, task__isnull=True, attendance__isnull=True)
                ),
                name="ledger_source_matches_reference",
            ),
            models.UniqueConstraint(
                fields=["task", "source_round"],
                condition=Q(source="task"),
                name="ledger_one_live_entry_per_task",
            ),
            # R-CV-04: exactly one −0.5 per absence (per live state of the attendance row).
            models.UniqueConstraint(
                fields=["attendance", "source_round"],
                condition=Q(source="absence"),
                name="ledger_one_entry_per_absence",
            ),
        ]
        indexes = [
            # The case page: a case's entries newest first, a page at a time (issue 9).
            models.Index(fields=["case", "id"], name="ledger_case_entries"),
            # A case's balance on a past day: its last entry recorded by then (conversion.ledger.balance_on).
            models.Index(fields=["case", "recorded_at", "id"], name="ledger_case_recorded_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.case.member} {self.amount:+} {self.reason}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutableError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError()


class CaseLastEntry(models.Model):
    """R-CV-05: each case's latest ledger entry, by (recorded_at, id), with the balance after it (issue 21).

    Kept by the database, never by the app: the trigger ``conversion_ledger_last_entry`` (migration 0008) moves
    it in the statement that appends entries, one bulk insert included. The ledger is append-only (UPDATE and
    DELETE are refused, migration 0002), and this row points at its entry, so TRUNCATE of the ledger alone is
    refused too: inserts are the only change to keep up with. A case without entries has no row.
    ``conversion.ledger.balance_on`` reads it; the equivalence tests prove it equal to the per-case lookup.
    """

    case = models.OneToOneField(
        ConversionCase,
        verbose_name="转化案件",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="last_entry",
    )
    entry = models.OneToOneField(
        LedgerEntry, verbose_name="最近分录", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")
    balance_after = models.DecimalField("记账后积分", max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = "最近积分分录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.case_id} {self.balance_after}"


class ThresholdCrossing(models.Model):
    """R-CV-06 / R-CV-07: append-only history of the balance crossing a threshold, and which entry did it."""

    class Kind(models.TextChoices):
        FELL_BELOW_LOW = "fell_below_low", "低于下限（上报镇党委）"
        RECOVERED_LOW = "recovered_low", "回升至下限以上"
        REACHED_HIGH = "reached_high", "达到评议分"
        FELL_FROM_HIGH = "fell_from_high", "回落至评议分以下"

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="crossings"
    )
    entry = models.ForeignKey(
        LedgerEntry, verbose_name="引起变化的分录", on_delete=models.PROTECT, related_name="crossings"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    balance = models.DecimalField("积分", max_digits=6, decimal_places=1)
    threshold = models.DecimalField("阈值", max_digits=5, decimal_places=1)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "积分阈值变化"
        verbose_name_plural = verbose_name
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.member} {self.get_kind_display()}（{self.balance}）"


class CommitteeReferral(models.Model):
    """R-CV-06: a below-3 case raised to the town committee, and the committee's decision (kept for ever)."""

    class State(models.TextChoices):
        AWAITING = "awaiting", "待镇党委处理"
        DECIDED = "decided", "已作出处理决定"
        RECOVERED = "recovered", "积分已回升（未作决定）"

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="committee_referrals"
    )
    crossing = models.OneToOneField(
        ThresholdCrossing, verbose_name="触发的阈值变化", on_delete=models.PROTECT, related_name="referral"
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.AWAITING)
    raised_at = models.DateTimeField("上报时间", default=timezone.now)
    decision = models.TextField("镇党委处理决定", blank=True, max_length=2000)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recovered_at = models.DateTimeField("积分回升时间", null=True, blank=True)

    class Meta:
        verbose_name = "低分上报镇党委"
        verbose_name_plural = verbose_name
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="awaiting"), name="referral_one_awaiting_per_case"
            ),
            models.CheckConstraint(
                condition=~Q(state="decided") | (Q(decided_on__isnull=False) & ~Q(decision="")),
                name="referral_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.member} {self.get_state_display()}"


class DemocraticReview(models.Model):
    """R-CV-07 … R-CV-09: the committee's democratic review of the member's time at the center."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "已安排"
        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="reviews"
    )
    scheduled_on = models.DateField("评议日期")
    state = models.CharField("结果", max_length=10, choices=State.choices, default=State.SCHEDULED)
    # Shown to two decimals, rounded down, so a failing mean never displays as the pass mark (R-CV-09).
    mean_score = models.DecimalField("平均分", max_digits=5, decimal_places=2, null=True, blank=True)
    pass_mark = models.DecimalField("合格分", max_digits=5, decimal_places=2, null=True, blank=True)
    concluded_on = models.DateField("结论日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    scheduled_by = models.ForeignKey(USER, verbose_name="安排人", null=True, on_delete=models.PROTECT)
    concluded_by = models.ForeignKey(
        USER, verbose_name="结论录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = verbose_name
        ordering = ["-scheduled_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="scheduled"), name="review_one_pending_per_case"
            ),
            models.CheckConstraint(
                condition=Q(state="scheduled") | Q(mean_score__isnull=False, concluded_on__isnull=False),
                name="review_concluded_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.member} 民主评议（{self.scheduled_on:%Y-%m-%d}）"


class ReviewParticipant(models.Model):
    """R-CV-08: one participant of a democratic review, with category, village and score (R-CV-09)."""

    class Category(models.TextChoices):
        CENTER_STAFF = "center_staff", "中心工作人员"
        VILLAGE_CADRE = "village_cadre", "所在村两委干部"
        PEOPLES_DEPUTY = "peoples_deputy", "人大代表"
        PARTY_DEPUTY = "party_deputy", "党代表"
        ORGANIZATION_HEAD = "organization_head", "村级组织负责人"
        VILLAGER_REPRESENTATIVE = "villager_representative", "村民代表"
        PARTY_MEMBER = "party_member", "党员"
        OTHER = "other", "镇党委认为需要参加的其他人员"

    review = models.ForeignKey(
        DemocraticReview, verbose_name="民主评议", on_delete=models.PROTECT, related_name="participants"
    )
    name = models.CharField("姓名", max_length=30)
    category = models.CharField("类别", max_length=30, choices=Category.choices)
    village = models.CharField("所在村（社区）", max_length=50)
    score = models.DecimalField("评分", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "民主评议参加人员"
        verbose_name_plural = verbose_name
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="participant_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class TransitionObservation(models.Model):
    """R-CV-11: a follow-up observation during the 6-month transition period (record)."""

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="observations"
    )
    observed_on = models.DateField("日期")
    note = models.TextField("跟踪情况", max_length=2000)
    misconduct = models.BooleanField("有违纪违规行为", default=False)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "过渡期跟踪记录"
        verbose_name_plural = verbose_name
        ordering = ["observed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case.member} {self.observed_on}"


class DisciplineReferral(models.Model):
    """R-CV-11: misconduct in the transition period referred to the town organisation office and 纪委."""

    case = models.ForeignKey(
        ConversionCase, verbose_name="转化案件", on_delete=models.PROTECT, related_name="discipline_referrals"
    )
    observation = models.ForeignKey(
        TransitionObservation,
        verbose_name="依据的跟踪记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    referred_on = models.DateField("移交日期")
    matter = models.TextField("移交事由", max_length=2000)
    referred_to = models.CharField("移交单位", max_length=100, default="镇组织办、镇纪委")
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "过渡期违纪移交"
        verbose_name_plural = verbose_name
        ordering = ["referred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case.member} 移交（{self.referred_on}）"

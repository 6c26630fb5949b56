"""Recruitment (发展党员) records, R-RC-01 … R-RC-24.

Models hold data, constraints and small questions. A candidate's stage changes only through
``recruitment.stages.transition``; records are added through ``recruitment.records``; branch-meeting votes
through ``recruitment.votes``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.fields import CodeField
from core.idnumbers import validate_id_number
from core.models import Organization
from core.transitions import ChangeRow
from members.models import Member

USER = settings.AUTH_USER_MODEL


class Stage(models.TextChoices):
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    TARGET = "target", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"
    WITHDRAWN = "withdrawn", "已退出"
    NOT_APPROVED = "not_approved", "未获通过"
    CANCELLED = "cancelled", "取消预备党员资格"


class CandidateQuerySet(models.QuerySet):
    # Predicates: the SQL twins in recruitment.rules, beside each rule's one-candidate form.
    def talk_due(self, on):
        """R-RC-02: the talk's deadline is reached or over and no talk is on file (``rules.talk_due``)."""
        from recruitment.rules import talk_due_q

        return self.filter(talk_due_q(on))

    def last_quarter_report_missing(self, on):
        """R-RC-05: no thought report in the last complete quarter (``rules.last_quarter_report_missing``)."""
        from recruitment.rules import last_quarter_report_missing_q

        return self.filter(last_quarter_report_missing_q(on))

    def activist_year_complete(self, on):
        """R-RC-07 / R-GN-01: activists who may be made development targets (``rules.activist_year_complete``)."""
        from recruitment.rules import activist_year_complete_q

        return self.filter(activist_year_complete_q(on))

    def conversion_not_applied(self, on):
        """R-RC-19: no conversion application from a week before probation ends (``rules.conversion_not_applied``)."""
        from recruitment.rules import conversion_not_applied_q

        return self.filter(conversion_not_applied_q(on))

    def probation_ending(self, on):
        """R-RC-17 / R-RC-21: probation (with any extension) ends within a month (``rules.probation_ending``)."""
        from recruitment.rules import probation_ending_q

        return self.filter(probation_ending_q(on))

    def notice_running(self, on):
        """R-RC-12: development targets whose public notice runs on ``on`` (``rules.notice_running``)."""
        from recruitment.rules import notice_running_q

        return self.filter(notice_running_q(on))

    def oath_missing(self):
        """R-RC-18: probationary members without the oath (``rules.oath_missing``)."""
        from recruitment.rules import oath_missing_q

        return self.filter(oath_missing_q())

    def with_file(self, parts: tuple[str, ...] | None = None) -> CandidateQuerySet:
        """The whole file (一人一档) in a fixed number of queries however many candidates: what the guards,
        the checklist and the timeline read (recruitment.guards reads the file through ``.all()`` only).
        ``parts``: only these record kinds (names of ``file_prefetches``), for a page that reads no more."""
        prefetches = file_prefetches()
        chosen = prefetches.values() if parts is None else [prefetches[name] for name in parts]
        return self.select_related("organization", "member").prefetch_related(*chosen)


def file_prefetches() -> dict:
    """Each kind of record in a candidate's file, as a prefetch lookup."""
    from django.db.models import Prefetch

    return {
        # who recorded each change is named on the candidate's timeline (core.people)
        "stage_changes": Prefetch("stage_changes", queryset=StageChange.objects.select_related("by")),
        "talks": "talks",
        "recommendations": "recommendations",
        "contacts": Prefetch("contacts", queryset=Contact.objects.select_related("member")),
        "thoughtreports": "thoughtreports",
        "assessments": "assessments",
        "introducers": Prefetch("introducers", queryset=Introducer.objects.select_related("member")),
        "politicalreviews": "politicalreviews",
        "trainings": "trainings",
        "publicnotices": "publicnotices",
        "prereviews": "prereviews",
        "uppertalks": "uppertalks",
        "oaths": "oaths",
        "conversionapplications": "conversionapplications",
        "postponements": "postponements",
        "candidatetransfers": Prefetch(
            "candidatetransfers",
            queryset=CandidateTransfer.objects.select_related("from_organization", "to_organization"),
        ),
        "votes": Prefetch(
            "votes", queryset=CandidateVote.objects.select_related("meeting", "approval__organization")
        ),
    }


class Candidate(models.Model):
    """A person in the pipeline, from the written application to full membership."""

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    name = models.CharField("姓名", max_length=30, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = CodeField("公民身份号码", max_length=18, unique=True, validators=[validate_id_number])
    phone = CodeField("联系电话", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, choices=Member.Education.choices, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    is_league_member = models.BooleanField("共青团员", default=False)
    organization = models.ForeignKey(
        Organization, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="candidates"
    )
    applied_on = models.DateField("递交入党申请书日期")
    transferred_in = models.BooleanField(
        "从外单位转入", default=False, help_text="预备期内从其他单位转入（R-RC-22 可推迟讨论转正）"
    )
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage.choices, default=Stage.APPLICANT, editable=False
    )
    member = models.OneToOneField(
        Member,
        verbose_name="党员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidate",
        editable=False,
    )
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    # Derived (issue 21): ``rules.stage_since(candidate, ACTIVIST)`` kept by the database — the decision date of
    # the latest change into 入党积极分子 (R-RC-05, R-RC-07), so the 工作台 and the statistics ask a column
    # instead of one subquery per activist. Kept by the triggers of migration 0006 in the statement that writes
    # the stage changes (and recomputed when anything else writes the column): never set it.
    activist_since = models.DateField("列为入党积极分子日期（派生）", null=True, blank=True, editable=False)
    # Derived (issue 21): ``member.joined_on`` kept by the database — the joining date (the branch meeting's
    # resolution) from which probation and a probationary member's thought reports count (R-RC-05, R-RC-17,
    # R-RC-19), so the flags ask a column instead of the member record once per probationary candidate. Kept by
    # the triggers of migration 0007 when the member or its date changes: never set it.
    member_joined_on = models.DateField("党员档案入党日期（派生）", null=True, blank=True, editable=False)
    # Derived (issue 21): ``rules.thought_reports_since(candidate)`` computed by the database on every write of
    # the row (a stored generated column, after the triggers above have set their columns): the day thought
    # reports are due from (R-RC-05) — the member record's joining date for a probationary member, otherwise
    # the activist decision or the application. The flag reads one indexed column (``candidate_reports_due``)
    # instead of working the date out for every activist and probationary member.
    reports_since = models.GeneratedField(
        expression=models.Case(
            models.When(
                stage=Stage.PROBATIONARY,
                then=Coalesce("member_joined_on", "activist_since", "applied_on"),
            ),
            default=Coalesce("activist_since", "applied_on"),
        ),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name="思想汇报起算日期（派生）",
    )
    history = HistoricalRecords(excluded_fields=["activist_since", "member_joined_on", "reports_since"])

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "发展对象档案"
        verbose_name_plural = verbose_name
        ordering = ["organization_id", "applied_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "stage"], name="candidate_org_stage"),
            # Each 工作台 flag counted by a range scan of the candidates it can name (recruitment.dashboard), index
            # only: the applicants by application date (R-RC-02), the activists by activist decision (R-RC-07),
            # the probationary members by joining date (R-RC-17, R-RC-18, R-RC-19), the activists and
            # probationary members by the day their thought reports count from (R-RC-05).
            models.Index(
                fields=["applied_on", "id"], condition=Q(stage=Stage.APPLICANT), name="candidate_applicants"
            ),
            models.Index(
                fields=["activist_since", "id"], condition=Q(stage=Stage.ACTIVIST), name="candidate_activists"
            ),
            # the development targets in id order, for the merge with the running notices (R-RC-12): without
            # it a branch without targets walked every candidate's primary key
            models.Index(
                fields=["id", "organization"], condition=Q(stage=Stage.TARGET), name="candidate_targets"
            ),
            models.Index(
                fields=["member_joined_on", "id"],
                condition=Q(stage=Stage.PROBATIONARY),
                name="candidate_probationary",
            ),
            models.Index(
                fields=["reports_since", "id"],
                condition=Q(stage__in=[Stage.ACTIVIST, Stage.PROBATIONARY]),
                name="candidate_reports_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_on__gt=models.F("birth_date")), name="candidate_applied_after_birth"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from recruitment.records import validate_candidate

        validate_candidate(self)

    @property
    def is_open(self) -> bool:
        return self.stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)


class CandidateStageTally(models.Model):
    """Derived (issue 21): how many candidates each organisation has in each stage now — the statistics' funnel
    (发展流程各阶段人数) without reading every candidate. Kept by the triggers of migration 0009 in the statement
    that writes the candidates, whoever writes them: each subtracts the rows as they were and adds them as they
    are, in one insert in key order, and removes the rows it left at zero, by id. Never write it."""

    organization = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.DO_NOTHING,  # a candidate's organisation is PROTECTed: its rows go first
        db_constraint=False,
        db_index=False,  # in candidate_stage_tally_key
        related_name="+",
    )
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    candidates = models.IntegerField("人数")

    class Meta:
        verbose_name = "发展对象阶段人数（派生）"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["organization", "stage"], name="candidate_stage_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.get_stage_display()} {self.candidates}"


class StageChange(ChangeRow):
    """Append-only: one row per stage decision (who, when, from, to, deciding body, why; core.transitions)."""

    candidate = models.ForeignKey(
        Candidate, verbose_name="发展对象", on_delete=models.PROTECT, related_name="stage_changes"
    )
    from_state = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_state = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    decided_on = models.DateField("决定日期")
    decided_by = models.CharField("决定机关", max_length=100)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "阶段变动"
        verbose_name_plural = verbose_name
        ordering = ["decided_on", "pk"]
        indexes = [
            # The latest decision putting a candidate into a stage (recruitment.rules.stage_since): one index probe
            # for the trigger keeping Candidate.activist_since (R-RC-05, R-RC-07; migration 0006).
            models.Index(
                "candidate",
                "to_state",
                models.F("decided_on").desc(),
                models.F("id").desc(),
                name="stagechange_latest_into",
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} {self.get_from_state_display()}→{self.get_to_state_display()}"


class CandidateRecord(models.Model):
    """Common fields of every record in the candidate's file (一人一档, R-RC-23)."""

    candidate = models.ForeignKey(
        Candidate, verbose_name="发展对象", on_delete=models.PROTECT, related_name="%(class)ss"
    )
    recorded_by = models.ForeignKey(
        USER, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        abstract = True


class Talk(CandidateRecord):
    """R-RC-02: the branch talks with the applicant within 1 month of the application."""

    talked_on = models.DateField("谈话日期")
    talker = models.CharField("谈话人", max_length=50)
    summary = models.TextField("谈话情况", max_length=2000, blank=True)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "入党申请人谈话记录"
        verbose_name_plural = verbose_name
        ordering = ["talked_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Recommendation(CandidateRecord):
    """R-RC-03 (activist: members' recommendation or league 推优) and R-RC-08 (league recommendation)."""

    class Purpose(models.TextChoices):
        ACTIVIST = "activist", "推荐为入党积极分子"
        TARGET = "target", "推荐为发展对象"

    class Kind(models.TextChoices):
        MEMBERS = "members", "党员推荐"
        GROUP = "group", "群团组织推荐"
        LEAGUE = "league", "团组织推优"

    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    kind = models.CharField("推荐方式", max_length=10, choices=Kind.choices)
    recommended_on = models.DateField("推荐日期")
    note = models.CharField("推荐情况", max_length=500, blank=True)

    class Meta:
        verbose_name = "推荐记录"
        verbose_name_plural = verbose_name
        ordering = ["recommended_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Contact(CandidateRecord):
    """R-RC-04: 1–2 full members as contacts (培养联系人)."""

    member = models.ForeignKey(Member, verbose_name="培养联系人", on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField("确定日期")

    class Meta:
        verbose_name = "培养联系人"
        verbose_name_plural = verbose_name
        ordering = ["assigned_on"]
        constraints = [models.UniqueConstraint(fields=["candidate", "member"], name="uniq_contact")]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class ThoughtReport(CandidateRecord):
    """R-RC-05: a written thought report (思想汇报), at least one per quarter."""

    submitted_on = models.DateField("递交日期")
    summary = models.CharField("主要内容", max_length=500, blank=True)

    class Meta:
        verbose_name = "思想汇报"
        verbose_name_plural = verbose_name
        ordering = ["submitted_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Assessment(CandidateRecord):
    """R-RC-06: the branch's periodic assessment (考察) of an activist."""

    assessed_on = models.DateField("考察日期")
    conclusion = models.TextField("考察意见", max_length=2000)

    class Meta:
        verbose_name = "培养考察记录"
        verbose_name_plural = verbose_name
        ordering = ["assessed_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Introducer(CandidateRecord):
    """R-RC-09: exactly 2 full members with full rights as introducers."""

    member = models.ForeignKey(Member, verbose_name="入党介绍人", on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField("确定日期")

    class Meta:
        verbose_name = "入党介绍人"
        verbose_name_plural = verbose_name
        ordering = ["assigned_on"]
        constraints = [models.UniqueConstraint(fields=["candidate", "member"], name="uniq_introducer")]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class PoliticalReview(CandidateRecord):
    """R-RC-10: political review with a written conclusion, valid for 1 year."""

    concluded_on = models.DateField("结论日期")
    conclusion = models.TextField("审查结论", max_length=2000)
    passed = models.BooleanField("审查合格", default=True)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "政治审查"
        verbose_name_plural = verbose_name
        ordering = ["concluded_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Training(CandidateRecord):
    """R-RC-11: short-term concentrated training; valid for 1 year."""

    course = models.CharField("培训班名称", max_length=100)
    finished_on = models.DateField("结业日期")
    hours = models.PositiveSmallIntegerField("学时")

    class Meta:
        verbose_name = "集中培训"
        verbose_name_plural = verbose_name
        ordering = ["finished_on"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class PublicNotice(CandidateRecord):
    """R-RC-12: public notice (公示); objections must be resolved before going on."""

    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示结束日期")
    objections = models.TextField("反映的问题", max_length=2000, blank=True)
    objections_resolved_on = models.DateField("问题查清日期", null=True, blank=True)
    resolution = models.TextField("调查处理结果", max_length=2000, blank=True)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = verbose_name
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="notice_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"

    @property
    def has_open_objections(self) -> bool:
        return bool(self.objections.strip()) and self.objections_resolved_on is None


class PreReview(CandidateRecord):
    """R-RC-13: upper-committee pre-review and the numbered 入党志愿书 issued after it."""

    reviewed_on = models.DateField("预审日期")
    passed = models.BooleanField("预审合格", default=True)
    leaving_within_3_months = models.BooleanField("三个月内将离开工作单位", default=False)
    form_year = models.PositiveSmallIntegerField("志愿书年份", null=True, editable=False)
    form_sequence = models.PositiveIntegerField("志愿书序号", null=True, editable=False)
    form_number = models.CharField("入党志愿书编号", max_length=40, blank=True, editable=False)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "预审及入党志愿书"
        verbose_name_plural = verbose_name
        ordering = ["reviewed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_year", "form_sequence"],
                condition=Q(form_sequence__isnull=False),
                name="uniq_application_form_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class UpperTalk(CandidateRecord):
    """R-RC-15: the upper committee's talk with the candidate before approval."""

    talked_on = models.DateField("谈话日期")
    talker = models.CharField("谈话人", max_length=50)
    summary = models.TextField("谈话情况", max_length=2000, blank=True)

    class Meta:
        verbose_name = "上级党委派人谈话"
        verbose_name_plural = verbose_name
        ordering = ["talked_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Oath(CandidateRecord):
    """R-RC-18: the oath before the party flag."""

    taken_on = models.DateField("宣誓日期")
    place = models.CharField("地点", max_length=100, blank=True)

    class Meta:
        verbose_name = "入党宣誓"
        verbose_name_plural = verbose_name
        ordering = ["taken_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class ConversionApplication(CandidateRecord):
    """R-RC-19: the written application to become a full member."""

    submitted_on = models.DateField("递交转正申请日期")

    class Meta:
        verbose_name = "转正申请"
        verbose_name_plural = verbose_name
        ordering = ["submitted_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class Postponement(CandidateRecord):
    """R-RC-22: conversion discussion postponed (transferred-in probationary member), at most 6 months."""

    decided_on = models.DateField("决定日期")
    months = models.PositiveSmallIntegerField("推迟月数")
    reason = models.CharField("原因", max_length=500)

    class Meta:
        verbose_name = "推迟讨论转正"
        verbose_name_plural = verbose_name
        ordering = ["decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=6), name="postponement_months_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class CandidateTransfer(CandidateRecord):
    """R-MB-05: the candidate moved to another branch; stage and elapsed time are kept."""

    from_organization = models.ForeignKey(
        Organization, verbose_name="原党支部", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name="新党支部", on_delete=models.PROTECT, related_name="+"
    )
    transferred_on = models.DateField("转接日期")

    class Meta:
        verbose_name = "发展对象转接"
        verbose_name_plural = verbose_name
        ordering = ["transferred_on"]

    def __str__(self) -> str:
        return f"{self.candidate} {self._meta.verbose_name}"


class BranchMeeting(models.Model):
    """R-RC-14 / R-RC-20 / R-RC-21: a branch general meeting (支部大会) that votes on candidates."""

    organization = models.ForeignKey(
        Organization, verbose_name="党支部", on_delete=models.PROTECT, related_name="recruitment_meetings"
    )
    held_on = models.DateField("召开日期")
    host = models.CharField("主持人", max_length=30, blank=True)
    present = models.ManyToManyField(Member, verbose_name="到会党员", related_name="+", blank=True)
    minutes = models.TextField("会议记录", max_length=10000, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    history = HistoricalRecords(m2m_fields=[present])

    class Meta:
        verbose_name = "支部大会"
        verbose_name_plural = verbose_name
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.organization}支部大会"


class CandidateVoteQuerySet(models.QuerySet):
    def awaiting_approval(self):
        """R-RC-16: passed branch resolutions the committee has not yet decided."""
        return self.filter(passed=True, approval__isnull=True)

    def approval_overdue(self, on):
        """R-RC-16 / R-GN-02: awaiting approval after the deadline (``rules.approval_overdue``)."""
        from recruitment.rules import approval_overdue_q

        return self.filter(approval_overdue_q(on))

    def approval_nearly_due(self, on):
        from recruitment.rules import approval_nearly_due_q

        return self.filter(approval_nearly_due_q(on))


class CandidateVote(models.Model):
    """One candidate's separate vote at a branch meeting, with the tally snapshot (R-RC-14)."""

    class Proposal(models.TextChoices):
        ADMIT = "admit", "接收为预备党员"
        CONVERT = "convert", "按期转为正式党员"
        EXTEND = "extend", "延长预备期"
        CANCEL = "cancel", "取消预备党员资格"

    meeting = models.ForeignKey(
        BranchMeeting, verbose_name="支部大会", on_delete=models.PROTECT, related_name="votes"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="发展对象", on_delete=models.PROTECT, related_name="votes"
    )
    proposal = models.CharField("表决事项", max_length=10, choices=Proposal.choices)
    extension_months = models.PositiveSmallIntegerField("延长月数", null=True, blank=True)
    yes = models.PositiveSmallIntegerField("赞成")
    no = models.PositiveSmallIntegerField("反对")
    abstain = models.PositiveSmallIntegerField("弃权")
    # Snapshot of the tally when recorded (recruitment.votes.tally).
    voters_expected = models.PositiveSmallIntegerField("应到会有表决权党员", editable=False)
    voters_present = models.PositiveSmallIntegerField("实到有表决权党员", editable=False)
    written_yes = models.PositiveSmallIntegerField("书面赞成", default=0, editable=False)
    quorum_met = models.BooleanField("到会人数符合要求", editable=False)
    passed = models.BooleanField("通过", editable=False)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = CandidateVoteQuerySet.as_manager()

    class Meta:
        verbose_name = "支部大会表决"
        verbose_name_plural = verbose_name
        ordering = ["meeting__held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "candidate"], name="uniq_vote_per_meeting_candidate"),
            models.CheckConstraint(
                condition=~Q(proposal="extend") | Q(extension_months__gte=6, extension_months__lte=12),
                name="vote_extension_6_to_12_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.candidate} {self.get_proposal_display()}"


class WrittenOpinion(models.Model):
    """R-RC-14: a written opinion handed in before the meeting by an absent voting member."""

    class Vote(models.TextChoices):
        YES = "yes", "赞成"
        NO = "no", "反对"
        ABSTAIN = "abstain", "弃权"

    vote_record = models.ForeignKey(
        CandidateVote, verbose_name="表决", on_delete=models.PROTECT, related_name="written_opinions"
    )
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    vote = models.CharField("意见", max_length=10, choices=Vote.choices)

    class Meta:
        verbose_name = "书面意见"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["vote_record", "member"], name="uniq_written_opinion")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_vote_display()}"


class ApprovalQuerySet(models.QuerySet):
    def filing_overdue(self, on):
        """R-RC-16: approved admissions not filed within the month (``rules.filing_overdue``)."""
        from recruitment.rules import filing_overdue_q

        return self.filter(filing_overdue_q(on))


class Approval(models.Model):
    """R-RC-16: the committee's approval of a branch resolution, within 3 months (at most 6)."""

    vote = models.OneToOneField(
        CandidateVote, verbose_name="支部大会决议", on_delete=models.PROTECT, related_name="approval"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="审批党委", on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审批日期")
    approved = models.BooleanField("批准", default=True)
    is_late = models.BooleanField("超过3个月审批", default=False, editable=False)
    late_reason = models.CharField("延长审批的特殊情况", max_length=500, blank=True)
    filed_on = models.DateField("报上级组织部门备案日期", null=True, blank=True)
    document_number = models.CharField("文书编号", max_length=40, blank=True, editable=False)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", null=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = "上级党委审批"
        verbose_name_plural = verbose_name
        ordering = ["decided_on"]

    def __str__(self) -> str:
        return f"{self.vote} {'批准' if self.approved else '不批准'}"


class DevelopmentPlan(models.Model):
    """R-RC-24: the annual development plan (年度发展计划) of an organisation."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveSmallIntegerField("计划发展人数")
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度发展计划"
        verbose_name_plural = verbose_name
        ordering = ["-year", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="uniq_plan_org_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}年 {self.quota}人"

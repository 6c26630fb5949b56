from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from core.fields import CodeField
from core.people import person_name


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are loaded (R-SV-07).

    A year without a row here is *not loaded*: working days in it are computed on weekends alone and every
    result is marked provisional.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=200, default="chinese-calendar")
    loaded_at = models.DateTimeField("载入时间", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "已载入的节假日年份"
        verbose_name_plural = verbose_name
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An exception to the weekend rule: a statutory holiday or an official make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class NumberSequence(models.Model):
    """Gap-free counter per series and year (letters, certificates, notices). See core.numbering."""

    series = models.CharField("编号系列", max_length=40)
    year = models.PositiveSmallIntegerField("年份")
    last = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = "文书编号计数"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="uniq_number_sequence")]

    def __str__(self) -> str:
        from core.numbering import series_name  # core.numbering imports this module

        return f"{series_name(self.series)} {self.year}年：已用到{self.last}号"


class CenterProfile(models.Model):
    """The center's own facts printed on every document; a single row edited by the administrator."""

    name = models.CharField("中心名称", max_length=100, default="某某镇党员服务转化中心")
    committee_name = models.CharField("镇党委名称", max_length=100, default="中共某某镇委员会")
    address = models.CharField("地址", max_length=200, default="某某镇人民路1号")
    phone = CodeField("联系电话", max_length=40, blank=True, default="")
    letter_prefix = models.CharField("介绍信编号前缀", max_length=20, default="党关介")
    certificate_prefix = models.CharField("流动党员活动证编号前缀", max_length=20, default="流党证")
    document_prefix = models.CharField("中心文书编号前缀", max_length=20, default="党服转")
    service_prefix = models.CharField("便民服务受理编号前缀", max_length=20, default="便民")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "中心信息"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "CenterProfile":
        profile = cls.objects.order_by("pk").first()
        return profile or cls.objects.create()


class RuleProfile(models.Model):
    """The settings where the regulations differ (RULES.md, "Rule profile").

    Rows are versions: saving a change adds a row with a new effective_from, so a decision is always judged
    by the version in force when it was made (core.profile.rule_profile(at=…)).
    """

    class Quorum(models.TextChoices):
        HALF = "half", "超过应到会有表决权党员的半数"
        TWO_THIRDS = "two_thirds", "超过应到会有表决权党员的三分之二"

    effective_from = models.DateTimeField("生效时间", default=timezone.now, db_index=True)
    applicant_min_months = models.PositiveSmallIntegerField("申请人确定为积极分子前最少月数", default=0)
    activist_assessment_months = models.PositiveSmallIntegerField("积极分子考察间隔（月）", default=6)
    training_min_hours = models.PositiveSmallIntegerField("集中培训最少学时", default=24)
    public_notice_min_days = models.PositiveSmallIntegerField("公示最少天数", default=7)
    public_notice_in_working_days = models.BooleanField("公示按工作日计算", default=False)
    meeting_quorum = models.CharField(
        "支部大会到会要求", max_length=12, choices=Quorum.choices, default=Quorum.HALF
    )
    points_base = models.DecimalField("转化积分基础分", max_digits=5, decimal_places=1, default=Decimal("5"))
    points_step = models.DecimalField(
        "每项任务增减分", max_digits=5, decimal_places=1, default=Decimal("0.5")
    )
    points_low = models.DecimalField(
        "低于此分上报镇党委", max_digits=5, decimal_places=1, default=Decimal("3")
    )
    points_high = models.DecimalField(
        "达到此分组织民主评议", max_digits=5, decimal_places=1, default=Decimal("15")
    )
    review_pass_mark = models.DecimalField(
        "民主评议合格分", max_digits=5, decimal_places=2, default=Decimal("80")
    )
    own_village_max_share = models.DecimalField(
        "本村人员最高占比", max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    default_limit_working_days = models.PositiveSmallIntegerField("一般事项办结时限（工作日）", default=10)
    petition_limit_working_days = models.PositiveSmallIntegerField("信访办结时限（工作日）", default=15)
    immediate_limit_minutes = models.PositiveSmallIntegerField("即办件时限（分钟）", default=30)
    recruitment_scans_required = models.BooleanField(
        "发展党员档案须有手写材料扫描件",
        default=False,
        help_text="开启后，入党申请书、思想汇报等手写或签字材料须上传扫描件，方可进入下一阶段；"
        "关闭时以系统生成的文书为准。",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField("修改说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = verbose_name
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(own_village_max_share__gt=0, own_village_max_share__lte=1),
                name="rule_profile_share_range",
            ),
            models.CheckConstraint(
                condition=models.Q(review_pass_mark__gte=0, review_pass_mark__lte=100),
                name="rule_profile_pass_mark_range",
            ),
        ]

    def __str__(self) -> str:
        return f"规则参数（{timezone.localtime(self.effective_from):%Y-%m-%d %H:%M} 起）"


class OrganizationQuerySet(models.QuerySet):
    def branches(self):
        return self.filter(kind__in=[Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH])

    def descendant_ids(self, root_id: int) -> list[int]:
        """``root_id`` and every organisation below it (R-MB-01 tree), in one recursive query."""
        table = Organization._meta.db_table
        sql = (
            f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id = %s "
            f"UNION ALL SELECT o.id FROM {table} o JOIN tree t ON o.parent_id = t.id) SELECT id FROM tree"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [root_id])
            return [row[0] for row in cursor.fetchall()]


class Organization(models.Model):
    """A party organisation: the town committee at the top, branches below, party groups inside branches."""

    class Kind(models.TextChoices):
        TOWN_COMMITTEE = "town_committee", "镇党委"
        GENERAL_BRANCH = "general_branch", "党总支"
        BRANCH = "branch", "党支部"
        PARTY_GROUP = "party_group", "党小组"

    class Category(models.TextChoices):
        VILLAGE = "village", "村（社区）"
        ENTERPRISE = "enterprise", "企业"
        INSTITUTION = "institution", "机关事业单位"
        CENTER = "center", "党员服务转化中心"
        OTHER = "other", "其他"

    name = models.CharField("组织名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("组织类型", max_length=20, choices=Kind.choices)
    category = models.CharField("组织类别", max_length=20, choices=Category.choices, default=Category.VILLAGE)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField("组织代码", max_length=30, unique=True)
    village = models.CharField("所在村（社区）", max_length=50, blank=True)
    is_center = models.BooleanField("是中心党支部", default=False)
    has_approval_authority = models.BooleanField("有审批预备党员权限", default=False)
    secretary_name = models.CharField("书记", max_length=30, blank=True)
    phone = CodeField("联系电话", max_length=20, blank=True)
    is_active = models.BooleanField("在用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    # The table keeps its name from when the tree lived in members (no data moved).
    history = HistoricalRecords(table_name="members_historicalorganization")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        db_table = "members_organization"
        verbose_name = "党组织"
        verbose_name_plural = verbose_name
        ordering = ["sort_order", "code"]
        # Lists of members in the organisations' order (members:list) walk the organisations by this index.
        indexes = [models.Index(fields=["sort_order", "code"], name="organization_sort_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_center"], condition=Q(is_center=True), name="one_center_branch"
            ),
            models.CheckConstraint(
                condition=Q(kind="town_committee") | Q(parent__isnull=False), name="org_has_parent_unless_top"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind in (self.Kind.BRANCH, self.Kind.GENERAL_BRANCH)

    def clean(self) -> None:
        from core.organizations import validate_placement

        validate_placement(self)


class StaffProfile(models.Model):
    """Which organisation a staff user works for; a branch secretary is scoped to it (see core.access)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="staff_profile"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所属组织", null=True, blank=True, on_delete=models.PROTECT
    )
    window = models.CharField("服务窗口", max_length=50, blank=True)
    phone = CodeField("联系电话", max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作人员信息"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user} · {self.organization or '—'}"


class IdNumberViewQuerySet(models.QuerySet):
    def of(self, person: models.Model) -> "IdNumberViewQuerySet":
        """The viewings of one person's number (a member, a candidate: any registered ID-number holder)."""
        return self.filter(subject_type=ContentType.objects.get_for_model(person), subject_id=person.pk)


class IdNumberView(models.Model):
    """One viewing of a full ID number (R-MB-04): who saw whose number, when, from where.

    The person is exactly one record of a model that holds ID numbers — a member, a recruitment candidate —
    named by its type and id (both required, so a row names one person, never none or two). The apps register
    their holders with core.registry.register_id_number_holder; the foundation names none of them.
    Append-only: written by core.audit.log_id_number_view(), read on the auditor's pages, never changed.
    """

    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.ForeignKey(
        ContentType, verbose_name="被查看人类型", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    subject_id = models.PositiveBigIntegerField("被查看人编号")
    subject = GenericForeignKey("subject_type", "subject_id")
    viewed_at = models.DateTimeField("查看时间", default=timezone.now)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    path = models.CharField("页面", max_length=200, blank=True)

    objects = IdNumberViewQuerySet.as_manager()

    class Meta:
        verbose_name = "身份证号码查看记录"
        verbose_name_plural = verbose_name
        ordering = ["-viewed_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-viewed_at"], name="idview_subject_time"),
            models.Index(fields=["viewed_by", "-viewed_at"], name="idview_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.viewed_by} 查看 {self.subject} {timezone.localtime(self.viewed_at):%Y-%m-%d %H:%M}"

    @property
    def holder(self):
        """How the person's kind is named and filtered on the auditor's page (core.registry)."""
        from core.registry import id_number_holder

        return id_number_holder(self.subject_type.model_class())

    @property
    def subject_kind(self) -> str:
        return self.holder.label


def job_files():
    """Where the jobs' files live (STORAGES["jobs"], under var/): never served directly, downloaded through
    core.task_views.my_job_file by the user who started the job."""
    from django.core.files.storage import storages

    return storages["jobs"]


class TaskRun(models.Model):
    """One run of a background job (core.jobs): when it ran, what it did, or the error that stopped it.

    The queue itself (procrastinate_jobs) knows only todo/doing/succeeded/failed; this row keeps what an
    administrator reads: the summary in Chinese, the error in Chinese, and who asked for it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "执行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    task_name = models.CharField("任务", max_length=100, db_index=True)
    label = models.CharField("任务名称", max_length=100)
    job_id = models.BigIntegerField("队列任务编号", null=True, blank=True, db_index=True)
    attempt = models.PositiveIntegerField("第几次执行", default=1)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    summary = models.TextField("执行结果", blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    # A job a user started from a page (core.jobs.start): queued at, how far it got, where it lands, its file.
    queued_at = models.DateTimeField("提交时间", null=True, blank=True)
    progress_done = models.PositiveIntegerField("已处理", default=0)
    progress_total = models.PositiveIntegerField("共计", null=True, blank=True)
    stage = models.CharField("当前步骤", max_length=100, blank=True)
    result_url = models.CharField("结果页面", max_length=500, blank=True)
    details = models.JSONField("结果明细", default=dict, blank=True)
    output = models.FileField(
        "结果文件", storage=job_files, upload_to="output/%Y/%m/", max_length=300, blank=True
    )
    output_name = models.CharField("文件名", max_length=200, blank=True)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务记录"
        verbose_name_plural = "后台任务记录"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["task_name", "-started_at"], name="core_taskrun_latest")]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_state_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        """How far the job got, 0–100; None while the total is not known."""
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    def file_available(self, now=None) -> bool:
        """The job's file can still be downloaded (it exists and its time has not run out)."""
        now = now or timezone.now()
        return bool(self.output) and (self.expires_at is None or self.expires_at > now)

        return "党员" if self.member_id is not None else "发展对象"


class SignInEvent(models.Model):
    """One sign-in, failed sign-in, lockout or two-factor step (等保 2.0 security audit; issue 15).

    Append-only, never deleted by the application: kept at least SIGN_IN_EVENTS_KEPT_DAYS (six months)."""

    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        FAILURE = "failure", "密码错误"
        LOCKOUT = "lockout", "账号锁定"
        OTP_SUCCESS = "otp_success", "两步验证通过"
        OTP_FAILURE = "otp_failure", "两步验证失败"
        OTP_ENROLLED = "otp_enrolled", "绑定验证器"
        LOGOUT = "logout", "退出登录"
        PASSWORD_CHANGED = "password_changed", "修改密码"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField("输入的用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("地址", null=True, blank=True)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="signin_user_time")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class PasswordChangeRequired(models.Model):
    """The account was created (or its password set) by someone else: its owner must choose a new password
    at the next sign-in before anything else (issue 15)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_change_required",
    )
    since = models.DateTimeField("要求时间", default=timezone.now)

    class Meta:
        verbose_name = "须修改密码的账号"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return str(self.user)


class Reminder(models.Model):
    """One reminder for one person: something in their scope that a 工作台 predicate says is due (core/reminders.py).

    ``kind`` names the source (registered by its app), ``subject`` the record (``"<app>.<model>:<pk>"``) and
    ``occasion`` the day it is about (a deadline, the end of a period): the same reminder is made once, and
    sent once (``emailed_at`` / ``texted_at``), however often the round runs.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name="接收人"
    )
    kind = models.CharField("提醒类别", max_length=60)
    subject = models.CharField("提醒对象", max_length=120)
    occasion = models.DateField("事由日期")
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("提醒时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    texted_at = models.DateTimeField("短信发送时间", null=True, blank=True)
    delivered = models.BooleanField("已处理发送", default=False)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "subject", "occasion"], name="reminder_once_per_occasion"
            )
        ]
        indexes = [
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="reminder_unread"),
            models.Index(fields=["created_at"], condition=Q(delivered=False), name="reminder_undelivered"),
        ]

    def __str__(self) -> str:
        return self.text


class ReminderPreference(models.Model):
    """Which reminders a person gets and how (a kind without a row: on the page and by email, no SMS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preferences",
        verbose_name="用户",
    )
    kind = models.CharField("提醒类别", max_length=60)
    enabled = models.BooleanField("接收", default=True)
    by_email = models.BooleanField("邮件", default=True)
    by_sms = models.BooleanField("短信", default=False)

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="reminder_preference_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class AttachmentQuerySet(models.QuerySet):
    def of(self, owner: models.Model) -> "AttachmentQuerySet":
        """The materials filed with one record (a candidate's file item, a meeting, a matter …)."""
        return self.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)

    def valid(self) -> "AttachmentQuerySet":
        """Not voided: what the file holds and the archive bundle prints."""
        return self.filter(voided_at__isnull=True)


class Attachment(models.Model):
    """A scanned or photographed paper material filed with a record (一人一档, R-RC-23), stored through the
    storage API (``core.attachments.attachment_storage``) under ``storage_name``; never a public URL.

    The record it belongs to is one row of a model registered with ``core.registry.register_attachable``
    (which names the path to its organisation, for scoping, and its item kinds). Written only by
    ``core.attachments.attach_files``; a wrong upload is voided with a reason (``void_attachment``) and kept:
    the database refuses DELETE and any UPDATE other than voiding (migration core 0012).
    """

    owner_type = models.ForeignKey(
        ContentType, verbose_name="所属记录类型", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    owner_id = models.PositiveBigIntegerField("所属记录编号")
    owner = GenericForeignKey("owner_type", "owner_id")
    kind = models.CharField("材料类别", max_length=40)
    kind_label = models.CharField("材料名称", max_length=80)
    original_name = models.CharField("原文件名", max_length=255)
    storage_name = models.CharField("存储位置", max_length=300, unique=True)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveBigIntegerField("大小（字节）")
    page_count = models.PositiveIntegerField("页数")
    sha256 = models.CharField("SHA-256", max_length=64)
    received_on = models.DateField("收到日期")
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "档案扫描材料"
        verbose_name_plural = verbose_name
        ordering = ["received_on", "pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id", "kind"], name="attachment_owner_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                    | (models.Q(voided_at__isnull=False, voided_by__isnull=False) & ~models.Q(void_reason=""))
                ),
                name="attachment_void_complete",
            ),
            models.CheckConstraint(condition=models.Q(page_count__gte=1), name="attachment_has_pages"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}（{self.original_name}）"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class AttachmentView(models.Model):
    """One opening of a filed material (like a full ID number shown, R-MB-04): who, when, from where.
    Append-only: written by ``core.attachments.log_attachment_view``."""

    attachment = models.ForeignKey(
        Attachment, verbose_name="材料", on_delete=models.PROTECT, related_name="views"
    )
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT, related_name="+"
    )
    viewed_at = models.DateTimeField("查看时间", default=timezone.now)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    path = models.CharField("页面", max_length=200, blank=True)

    class Meta:
        verbose_name = "档案材料查看记录"
        verbose_name_plural = verbose_name
        ordering = ["-viewed_at", "-pk"]
        indexes = [models.Index(fields=["attachment", "-viewed_at"], name="attachview_att_time")]

    def __str__(self) -> str:
        return f"{self.viewed_by} 查看 {self.attachment} {timezone.localtime(self.viewed_at):%Y-%m-%d %H:%M}"


class Authenticator(TOTPDevice):
    """A user's authenticator app (django-otp's TOTP device), as the administrator's page names it: the same
    rows, a Chinese name (the third-party model's own name is a plain English string). A lost phone: delete it
    here, and the user enrols again at the next sign-in (core/two_factor.py)."""

    class Meta:
        proxy = True
        verbose_name = "验证器（两步验证）"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{person_name(self.user)}的验证器"


class RecoveryCodeSet(StaticDevice):
    """A user's one-time recovery codes (django-otp's static device), named in Chinese."""

    class Meta:
        proxy = True
        verbose_name = "恢复码（两步验证）"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{person_name(self.user)}的恢复码"

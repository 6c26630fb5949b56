"""Guards of the stage transitions: each returns the unmet conditions, with rule ID and earliest date.

A guard never raises: ``recruitment.stages`` collects every problem of a transition so the refusal — and the
"what is needed next" panel — lists all of them at once. Non-blocking problems are flags (warnings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from core.dates import add_working_days, age_on, min_wait_until, period_end
from core.models import RuleProfile
from core.transitions import Problem
from members.models import Member
from members.status import members_without_rights_by_day, members_without_rights_ids
from recruitment.models import Candidate, CandidateVote, Recommendation, Stage
from recruitment.rules import (
    approval_deadline,
    approval_of,
    approval_overdue,
    assessment_due,
    conversion_reminder_from,
    filing_deadline,
    filing_overdue,
    first_talk,
    fmt,
    latest_assessment,
    latest_vote,
    missing_report_quarters,
    plan_figures,
    probation_end,
    stage_since,
    talk_deadline,
    target_allowed_from,
    thought_reports_since,
)


@dataclass(frozen=True)
class Context:
    """What a guard sees. The candidate's file is read through ``.all()`` only, so a candidate fetched with
    ``Candidate.objects.with_file()`` costs no query per guard; facts shared by many candidates (the plan, who
    is under 留党察看 on a day) are memoised in ``shared`` — one dict for a whole board."""

    candidate: Candidate
    on: date  # the date of the decision being checked
    profile: RuleProfile
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key, compute: Callable):
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]


_latest_vote = latest_vote


def _meeting_day(ctx: Context) -> date:
    """The branch meeting's date once it is held; before that, the date being checked."""
    vote = _latest_vote(ctx.candidate, CandidateVote.Proposal.ADMIT)
    return vote.meeting.held_on if vote else ctx.on


# --- applicant → activist ---------------------------------------------------------------------------------


def talk_held(ctx: Context) -> list[Problem]:
    """R-RC-02 / R-RC-23: the talk record is in the file; a talk later than 1 month is flagged."""
    talk = first_talk(ctx.candidate)
    due = talk_deadline(ctx.candidate)
    if talk is None:
        return [
            Problem(f"缺少入党申请人谈话记录，应于{fmt(due.date)}前谈话（R-RC-02、R-RC-23）。", "R-RC-02")
        ]
    if talk.talked_on > due.date:
        return [
            Problem(
                f"谈话于{fmt(talk.talked_on)}进行，超过1个月期限（{fmt(due.date)}）（R-RC-02）。",
                "R-RC-02",
                blocking=False,
            )
        ]
    return []


def activist_recommended(ctx: Context) -> list[Problem]:
    """R-RC-03: recommended by party members or the league (推优) before the branch committee decides."""
    if any(
        r.purpose == Recommendation.Purpose.ACTIVIST and r.recommended_on <= ctx.on
        for r in ctx.candidate.recommendations.all()
    ):
        return []
    return [Problem("缺少党员推荐或群团组织推优记录（R-RC-03、R-RC-23）。", "R-RC-03")]


def applicant_waited(ctx: Context) -> list[Problem]:
    """R-RC-03: at least ``applicant_min_months`` as applicant (setting; 0 per 细则)."""
    months = ctx.profile.applicant_min_months
    earliest = min_wait_until(ctx.candidate.applied_on, months=months)
    if months and ctx.on < earliest:
        return [
            Problem(
                f"递交申请满{months}个月后才能确定为入党积极分子，最早可于{fmt(earliest)}确定（R-RC-03）。",
                "R-RC-03",
                earliest,
            )
        ]
    return []


# --- activist → development target --------------------------------------------------------------------------


def activist_for_a_year(ctx: Context) -> list[Problem]:
    """R-RC-07: at least 1 year as activist, counted from the branch committee decision (minimum wait)."""
    since = stage_since(ctx.candidate, Stage.ACTIVIST)
    if since is None:
        return [Problem("没有确定为入党积极分子的记录（R-RC-07）。", "R-RC-07")]
    earliest = target_allowed_from(since)
    if ctx.on < earliest:
        return [
            Problem(
                f"培养考察未满1年（{fmt(since)}确定为入党积极分子），最早可于{fmt(earliest)}确定为发展对象（R-RC-07）。",
                "R-RC-07",
                earliest,
            )
        ]
    return []


def contacts_assigned(ctx: Context) -> list[Problem]:
    """R-RC-04: 1–2 full members as contacts."""
    if not ctx.candidate.contacts.all():
        return [Problem("尚未确定培养联系人（1至2名正式党员）（R-RC-04）。", "R-RC-04")]
    return []


def thought_reports_handed_in(ctx: Context) -> list[Problem]:
    """R-RC-05 / R-RC-23: thought reports in the file; missing quarters flagged."""
    c = ctx.candidate
    since = thought_reports_since(c)
    problems = []
    if not any(since <= r.submitted_on <= ctx.on for r in c.thoughtreports.all()):
        problems.append(Problem("档案中没有思想汇报（R-RC-05、R-RC-23）。", "R-RC-05"))
    missing = missing_report_quarters(ctx.candidate, start=since, end=ctx.on)
    if missing:
        quarters = "、".join(f"{y}年第{q}季度" for y, q in missing)
        problems.append(Problem(f"缺少思想汇报：{quarters}（R-RC-05）。", "R-RC-05", blocking=False))
    return problems


def assessed_regularly(ctx: Context) -> list[Problem]:
    """R-RC-06: the branch assesses the activist at least every ``activist_assessment_months`` months."""
    months = ctx.profile.activist_assessment_months
    last = latest_assessment(ctx.candidate, ctx.on)
    if last is None:
        return [Problem("档案中没有培养考察记录（R-RC-06、R-RC-23）。", "R-RC-06")]
    if ctx.on > assessment_due(last.assessed_on, months):
        return [
            Problem(
                f"最近一次考察为{fmt(last.assessed_on)}，已超过{months}个月，请先进行考察（R-RC-06）。",
                "R-RC-06",
            )
        ]
    return []


def league_recommended_if_young(ctx: Context) -> list[Problem]:
    """R-RC-08: a league member under 28 at the decision needs the league's recommendation (推优)."""
    c = ctx.candidate
    if not c.is_league_member or age_on(c.birth_date, ctx.on) >= 28:
        return []
    if any(
        r.purpose == Recommendation.Purpose.TARGET
        and r.kind == Recommendation.Kind.LEAGUE
        and r.recommended_on <= ctx.on
        for r in c.recommendations.all()
    ):
        return []
    return [Problem("28岁以下的共青团员确定为发展对象，须经团组织推优（R-RC-08）。", "R-RC-08")]


# --- before the branch meeting (checked again when the vote is recorded) ------------------------------------


def introducers_eligible(ctx: Context) -> list[Problem]:
    """R-RC-09: exactly 2 introducers, both full members with full rights (not under 留党察看)."""
    day = _meeting_day(ctx)
    introducers = list(ctx.candidate.introducers.all())
    without_rights = ctx.memo(("without_rights", day), lambda: members_without_rights_ids(day))
    problems = []
    if len(introducers) != 2:
        problems.append(Problem(f"须有2名入党介绍人，现有{len(introducers)}名（R-RC-09）。", "R-RC-09"))
    for intro in introducers:
        m = intro.member
        if m.status != Member.Status.FULL:
            problems.append(Problem(f"入党介绍人{m.name}不是正式党员（R-RC-09）。", "R-RC-09"))
        elif m.pk in without_rights:
            problems.append(
                Problem(
                    f"入党介绍人{m.name}正在留党察看期间，不能担任介绍人（R-RC-09、R-MB-02）。", "R-RC-09"
                )
            )
    return problems


def preload(candidates, on: date, profile: RuleProfile, shared: dict) -> None:
    """Fill ``shared`` with what the guards of many candidates read on different days (who is under 留党察看
    on each target's meeting day, R-RC-09), in one query, so a page of candidates costs the same queries."""
    days = {
        _meeting_day(Context(candidate=c, on=on, profile=profile, shared=shared))
        for c in candidates
        if c.stage == Stage.TARGET
    }
    missing = [day for day in days if ("without_rights", day) not in shared]
    for day, ids in members_without_rights_by_day(missing).items():
        shared[("without_rights", day)] = ids


def political_review_valid(ctx: Context) -> list[Problem]:
    """R-RC-10: a passed political review with a written conclusion, valid for 1 year."""
    day = _meeting_day(ctx)
    review = max(
        (r for r in ctx.candidate.politicalreviews.all() if r.passed and r.concluded_on <= day),
        key=lambda r: r.concluded_on,
        default=None,
    )
    if review is None:
        return [Problem("缺少合格的政治审查结论（R-RC-10、R-RC-23）。", "R-RC-10")]
    valid_until = period_end(review.concluded_on, years=1)
    if day > valid_until:
        return [
            Problem(
                f"政治审查结论（{fmt(review.concluded_on)}）已于{fmt(valid_until)}超过1年有效期，须重新审查（R-RC-10）。",
                "R-RC-10",
            )
        ]
    return []


def training_valid(ctx: Context) -> list[Problem]:
    """R-RC-11: concentrated training of at least ``training_min_hours``, not older than 1 year."""
    day = _meeting_day(ctx)
    need = ctx.profile.training_min_hours
    trainings = sorted(
        (t for t in ctx.candidate.trainings.all() if t.finished_on <= day),
        key=lambda t: t.finished_on,
        reverse=True,
    )
    if not trainings:
        return [Problem(f"缺少集中培训记录（不少于{need}学时）（R-RC-11、R-RC-23）。", "R-RC-11")]
    current = [t for t in trainings if day <= period_end(t.finished_on, years=1)]
    if not current:
        return [
            Problem(
                f"集中培训（{fmt(trainings[0].finished_on)}结业）已超过1年，须重新培训（R-RC-11）。",
                "R-RC-11",
            )
        ]
    if max(t.hours for t in current) < need:
        return [
            Problem(f"集中培训{max(t.hours for t in current)}学时，不足{need}学时（R-RC-11）。", "R-RC-11")
        ]
    return []


def notice_completed(ctx: Context) -> list[Problem]:
    """R-RC-12: public notice of at least ``public_notice_min_days`` (minimum wait, not extended), objections
    resolved, finished before the branch meeting."""
    day = _meeting_day(ctx)
    notice = max(ctx.candidate.publicnotices.all(), key=lambda n: (n.starts_on, n.pk), default=None)
    if notice is None:
        return [Problem("尚未进行公示（R-RC-12、R-RC-23）。", "R-RC-12")]
    problems = []
    n = ctx.profile.public_notice_min_days
    if ctx.profile.public_notice_in_working_days:
        required_end, unit = add_working_days(notice.starts_on, n).date, "个工作日"
    else:
        required_end, unit = min_wait_until(notice.starts_on, days=n), "天"
    if notice.ends_on < required_end:
        problems.append(
            Problem(
                f"公示期不少于{n}{unit}，自{fmt(notice.starts_on)}起应至少公示至{fmt(required_end)}（R-RC-12）。",
                "R-RC-12",
                required_end,
            )
        )
    elif day < notice.ends_on:
        problems.append(
            Problem(
                f"公示期未满，最早可于{fmt(notice.ends_on)}召开支部大会（R-RC-12）。",
                "R-RC-12",
                notice.ends_on,
            )
        )
    if notice.has_open_objections:
        problems.append(Problem("公示期间反映的问题尚未查清处理（R-RC-12）。", "R-RC-12"))
    return problems


def pre_reviewed(ctx: Context) -> list[Problem]:
    """R-RC-13: upper-committee pre-review passed and the numbered 志愿书 issued; not leaving within 3 months."""
    day = _meeting_day(ctx)
    review = max(
        (r for r in ctx.candidate.prereviews.all() if r.reviewed_on <= day),
        key=lambda r: (r.reviewed_on, r.pk),
        default=None,
    )
    if review is None or not review.passed:
        return [Problem("尚未通过上级党委预审（R-RC-13、R-RC-23）。", "R-RC-13")]
    if review.leaving_within_3_months:
        return [Problem("发展对象3个月内将离开工作单位，原则上不办理接收（R-RC-13）。", "R-RC-13")]
    if not review.form_number:
        return [Problem("尚未发放入党志愿书（R-RC-13、R-RC-23）。", "R-RC-13")]
    return []


PRE_MEETING_GUARDS = (
    introducers_eligible,
    political_review_valid,
    training_valid,
    notice_completed,
    pre_reviewed,
)


# --- resolutions and approvals ------------------------------------------------------------------------------


def _resolution(ctx: Context, proposal: str, rule: str, what: str) -> list[Problem]:
    """A passed branch-meeting resolution (R-RC-14 quorum and majority) approved by a committee with approval
    authority (R-RC-16) on or before the decision date; and the upper committee's talk for admission (R-RC-15)."""
    vote = _latest_vote(ctx.candidate, proposal)
    if vote is None:
        return [Problem(f"尚未召开支部大会讨论{what}（{rule}、R-RC-23）。", rule)]
    if not vote.passed:
        return [Problem(f"{fmt(vote.meeting.held_on)}支部大会未通过{what}的决议（R-RC-14）。", "R-RC-14")]
    approval = getattr(vote, "approval", None)
    limit = approval_deadline(vote.meeting.held_on)
    if approval is None and approval_overdue(vote, ctx.on):
        return [
            Problem(
                f"支部大会决议尚待上级党委审批，审批期限{fmt(limit)}已过，审批已超期（R-RC-16、R-RC-23）。",
                "R-RC-16",
            )
        ]
    if approval is None:
        return [
            Problem(f"支部大会决议尚待上级党委审批，应于{fmt(limit)}前审批（R-RC-16、R-RC-23）。", "R-RC-16")
        ]
    if not approval.approved:
        return [Problem(f"上级党委于{fmt(approval.decided_on)}不批准{what}（R-RC-16）。", "R-RC-16")]
    if ctx.on < approval.decided_on:
        return [
            Problem(
                f"决定日期不能早于上级党委审批日期{fmt(approval.decided_on)}（R-RC-16）。",
                "R-RC-16",
                approval.decided_on,
            )
        ]
    return []


def admission_resolved(ctx: Context) -> list[Problem]:
    problems = []
    upper_talk = any(t.talked_on <= ctx.on for t in ctx.candidate.uppertalks.all())
    if not upper_talk:
        problems.append(Problem("上级党委尚未派人同发展对象谈话（R-RC-15、R-RC-23）。", "R-RC-15"))
    return problems + _resolution(ctx, CandidateVote.Proposal.ADMIT, "R-RC-14", "接收预备党员")


def within_plan(ctx: Context) -> list[Problem]:
    """R-RC-24: admissions beyond the organisation's annual plan are flagged (not refused)."""
    org, year = ctx.candidate.organization, ctx.on.year
    figure = ctx.memo(("plan", year), lambda: plan_figures(year=year)).get(org.pk)
    if figure is None or figure.quota is None:
        return [Problem(f"{org}尚未制定{year}年度发展计划（R-RC-24）。", "R-RC-24", blocking=False)]
    if figure.full:
        return [
            Problem(
                f"{org}{year}年计划发展{figure.quota}人，已发展{figure.admitted}人，本次为超计划发展（R-RC-24）。",
                "R-RC-24",
                blocking=False,
            )
        ]
    return []


def scans_filed(ctx: Context) -> list[Problem]:
    """R-RC-23: where the rule profile requires it, the handwritten or signed materials of the current stage
    are scanned into the file before the candidate advances (default off: the printed document is enough)."""
    from core.attachments import materials_by_kind
    from recruitment.checklist import scan_required_for

    required = scan_required_for(ctx.candidate.stage, ctx.profile)
    if not required:
        return []
    scans = materials_by_kind([ctx.candidate])
    key = ctx.candidate._meta.label_lower
    return [
        Problem(f"档案中缺少“{kind.label}”的扫描件，请先上传（R-RC-23）。", "R-RC-23")
        for kind in required
        if not scans.get((key, ctx.candidate.pk, kind.code))
    ]


def oath_taken(ctx: Context) -> list[Problem]:
    """R-RC-18: without the oath, conversion is not processed."""
    if ctx.candidate.oaths.all():
        return []
    return [Problem("预备党员尚未进行入党宣誓，不能办理转正（R-RC-18）。", "R-RC-18")]


def conversion_applied(ctx: Context) -> list[Problem]:
    """R-RC-19: the written application for conversion."""
    if ctx.candidate.conversionapplications.all():
        return []
    end = probation_end(ctx.candidate)
    hint = f"，应于预备期满（{fmt(end)}）前一周左右递交" if end else ""
    return [Problem(f"缺少转正申请书{hint}（R-RC-19、R-RC-23）。", "R-RC-19")]


def probation_over(ctx: Context) -> list[Problem]:
    """R-RC-17 / R-RC-20: conversion is discussed when probation (1 year from the branch meeting) has ended."""
    end = probation_end(ctx.candidate)
    vote = _latest_vote(ctx.candidate, CandidateVote.Proposal.CONVERT)
    day = vote.meeting.held_on if vote else ctx.on
    if end and day < end:
        return [Problem(f"预备期于{fmt(end)}届满，最早可于当日讨论转正（R-RC-17）。", "R-RC-17", end)]
    return []


def conversion_resolved(ctx: Context) -> list[Problem]:
    return _resolution(ctx, CandidateVote.Proposal.CONVERT, "R-RC-20", "按期转正")


def not_extended_before(ctx: Context) -> list[Problem]:
    """R-RC-21: probation may be extended once only."""
    if any(c.action == "extend" for c in ctx.candidate.stage_changes.all()):
        return [Problem("预备期只能延长一次，已延长过，不能再次延长（R-RC-21）。", "R-RC-21")]
    return []


def extension_resolved(ctx: Context) -> list[Problem]:
    return _resolution(ctx, CandidateVote.Proposal.EXTEND, "R-RC-21", "延长预备期")


def cancellation_resolved(ctx: Context) -> list[Problem]:
    return _resolution(ctx, CandidateVote.Proposal.CANCEL, "R-RC-21", "取消预备党员资格")


def admission_refused(ctx: Context) -> list[Problem]:
    """R-RC-14 / R-RC-16: "not approved" follows a failed branch vote or a committee refusal."""
    vote = _latest_vote(ctx.candidate, CandidateVote.Proposal.ADMIT)
    approval = getattr(vote, "approval", None)
    if vote and (not vote.passed or (approval is not None and not approval.approved)):
        return []
    return [
        Problem("只有支部大会未通过或上级党委不批准时，才能登记为未获通过（R-RC-14、R-RC-16）。", "R-RC-14")
    ]


# --- reminders: flags about where the candidate stands, whatever comes next -----------------------------------


def filed_after_approval(ctx: Context) -> list[Problem]:
    """R-RC-16: within 1 month of approval the new probationary member is filed (备案); flagged when overdue."""
    if ctx.candidate.stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET):
        return []  # not admitted: an admission vote is held only for a target, and stages only move forward
    approval = approval_of(latest_vote(ctx.candidate, CandidateVote.Proposal.ADMIT))
    if approval is None or not approval.approved:
        return []
    if not filing_overdue(approved_on=approval.decided_on, filed_on=approval.filed_on, on=ctx.on):
        return []
    due = filing_deadline(approval.decided_on)
    if approval.filed_on:
        message = f"于{fmt(approval.filed_on)}报上级组织部门备案，晚于期限{fmt(due)}（R-RC-16）。"
    else:
        message = (
            f"{fmt(approval.decided_on)}批准接收为预备党员，应于{fmt(due)}前报上级组织部门备案，"
            f"至今尚未备案（R-RC-16）。"
        )
    return [Problem(message, "R-RC-16", blocking=False)]


def conversion_application_reminder(ctx: Context) -> list[Problem]:
    """R-RC-19: about a week before probation ends no conversion application is in the file: remind them."""
    c = ctx.candidate
    if c.stage != Stage.PROBATIONARY or c.conversionapplications.all():
        return []
    end = probation_end(c)
    if end is None or ctx.on < conversion_reminder_from(end):
        return []
    when = "已于" if ctx.on > end else "将于"
    return [
        Problem(
            f"预备期{when}{fmt(end)}届满，尚未递交转正申请，请党支部提醒本人递交（R-RC-19）。",
            "R-RC-19",
            blocking=False,
        )
    ]


REMINDERS = (filed_after_approval, conversion_application_reminder)
